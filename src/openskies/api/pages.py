"""Cursor pagination of the lists: a JSON array per page, the next page in the headers.

A list answers at most ``limit`` items (default ``DEFAULT_PAGE``, at most ``MAX_PAGE``).
When there are more, ``Link: <...>; rel="next"`` and ``X-Next-Cursor`` say how to get
them: pass ``cursor`` back unchanged. A cursor is the sort key of the last item seen, so
a page costs the same at any depth of the list (keyset, not offset).
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request, Response

from openskies.api.validated import MAX_ID, MAX_PAGE
from openskies.errors import InputError

__all__ = [
    "DEFAULT_PAGE",
    "MAX_PAGE",
    "PAGED",
    "Cursor",
    "decode_cursor",
    "decode_time_cursor",
    "encode_cursor",
    "page",
]

DEFAULT_PAGE = 100

PAGED: dict[int | str, dict[str, Any]] = {
    200: {
        "description": f"A page of at most ``limit`` items (default {DEFAULT_PAGE}, at most "
        f"{MAX_PAGE}); when there are more, the next page is named by these headers",
        "headers": {
            "Link": {
                "description": 'The next page: ``<URL>; rel="next"``',
                "schema": {"type": "string"},
            },
            "X-Next-Cursor": {
                "description": "The ``cursor`` of the next page",
                "schema": {"type": "string"},
            },
        },
    }
}
"""The OpenAPI description of a paginated list's success response."""

Cursor = Annotated[
    str | None,
    Query(
        max_length=200,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Where the page starts: the X-Next-Cursor of the page before.",
    ),
]


def encode_cursor(key: list[Any]) -> str:
    """The opaque cursor of a sort key."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, kinds: tuple[type, ...]) -> list[Any] | None:
    """The sort key of ``cursor`` (its parts of the types ``kinds``), or None for none."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if (
        not isinstance(key, list)
        or len(key) != len(kinds)
        or not all(
            isinstance(v, k) and not isinstance(v, bool) for v, k in zip(key, kinds, strict=True)
        )
    ):
        raise InputError("cursor: not a cursor of this list (use X-Next-Cursor as given)")
    for value in key:
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise InputError("cursor: not a cursor of this list (use X-Next-Cursor as given)")
        if isinstance(value, str) and len(value) > 64:
            raise InputError("cursor: not a cursor of this list (use X-Next-Cursor as given)")
    return key


def decode_time_cursor(cursor: str | None) -> tuple[str, str] | None:
    """A cursor of (aware ISO 8601 time, id), checked."""
    key = decode_cursor(cursor, (str, str))
    if key is None:
        return None
    try:
        aware = datetime.fromisoformat(key[0]).tzinfo is not None
    except ValueError:
        aware = False
    if not aware:
        raise InputError("cursor: not a cursor of this list (use X-Next-Cursor as given)")
    return key[0], key[1]


def page(
    items: list[dict[str, Any]],
    limit: int,
    key: Any,
    request: Request,
    response: Response,
) -> list[dict[str, Any]]:
    """The first ``limit`` of ``items`` (fetched ``limit + 1``), with the next page's
    cursor in the headers when there is one; ``key`` gives an item's sort key."""
    if len(items) <= limit:
        return items
    shown = items[:limit]
    cursor = encode_cursor(key(shown[-1]))
    query = {k: v for k, v in request.query_params.items() if k != "cursor"}
    url = f"{request.url.path}?{urlencode({**query, 'limit': limit, 'cursor': cursor})}"
    response.headers["Link"] = f'<{url}>; rel="next"'
    response.headers["X-Next-Cursor"] = cursor
    return shown
