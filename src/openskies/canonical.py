"""Canonical JSON: the one encoding that is hashed or signed (custody events, audit chain).

Sorted keys, no spaces, ASCII only, no NaN or infinity: the same value gives the same bytes
on every machine, so a hash or signature over it can be checked anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["canonical_json"]


def canonical_json(value: Any, default: Callable[[Any], Any] | None = None) -> bytes:
    """The canonical JSON bytes of ``value``; ``default`` encodes what JSON cannot."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
        default=default,
    ).encode("ascii")
