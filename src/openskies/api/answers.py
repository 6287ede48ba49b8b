"""Answers validated and serialised in the route's own worker thread.

FastAPI checks a sync route's return value against its ``response_model`` in a second
worker-thread hop, then serialises it. A hot route instead returns ``answer(Model, value)``:
the same check (a key the model does not have is still a 500: the models forbid extra keys)
and the same bytes (pydantic's JSON, by alias, absent keys left absent where the route says
so), in the thread the route already runs in. The route still declares its model for OpenAPI.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter
from starlette.responses import Response

__all__ = ["answer"]


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def answer(model: Any, value: Any, *, exclude_unset: bool = False) -> Response:
    """``value`` checked against ``model`` (a pydantic model or a type such as
    ``list[Model]``) and answered as its ``application/json``."""
    adapter = _adapter(model)
    body = adapter.dump_json(
        adapter.validate_python(value), by_alias=True, exclude_unset=exclude_unset
    )
    return Response(body, media_type="application/json")
