"""Answers validated and serialised in the route's own worker thread.

FastAPI checks a sync route's return value against its ``response_model`` in a second
worker-thread hop, then serialises it. A hot route instead returns ``answer(Model, value)``:
the same check (a key the model does not have is still a 500: the models forbid extra keys)
and the same bytes (pydantic's JSON, by alias, absent keys left absent where the route says
so), in the thread the route already runs in. The route still declares its model for OpenAPI.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from starlette.responses import Response

__all__ = ["answer"]


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


# set by a route on the Response FastAPI hands it (a page's next cursor), kept on the answer
KEPT_HEADERS = ("link", "x-next-cursor")


def answer(
    model: Any,
    value: Any,
    *,
    exclude_unset: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``value`` checked against ``model`` (a pydantic model or a type such as
    ``list[Model]``) and answered as its ``application/json``, with the ``KEPT_HEADERS``
    of ``headers``."""
    adapter = _adapter(model)
    body = adapter.dump_json(
        adapter.validate_python(value), by_alias=True, exclude_unset=exclude_unset
    )
    kept = {k: v for k, v in (headers or {}).items() if k.lower() in KEPT_HEADERS}
    return Response(body, media_type="application/json", headers=kept)
