"""Validated types of the edge: text, JSON documents, path and query parameters.

One rule for every string that comes in (a body field, a free-form JSON value or key, a
path or query parameter, a header's JSON): no NUL, no other control character but tab,
line feed and carriage return, no lone surrogate. SQLite would store such text and
PostgreSQL refuse it, so refusing it here gives the same answer on both databases.
Free-form JSON is also bounded: nesting depth, finite numbers, integers within 2^53.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator

from openskies.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "MAX_ID",
    "MAX_JSON_INT",
    "MAX_PAGE",
    "AgreementId",
    "FlightId",
    "LeafIndex",
    "OptionalYear",
    "PageLimit",
    "RequestId",
    "RequestQuery",
    "SafeText",
    "Sha256",
    "TreeFirst",
    "TreeSize",
    "Year",
    "check_json",
    "check_text",
    "unsafe_text",
]

MAX_DEPTH = 32
"""Deepest nesting of a JSON document (a GeoJSON route needs 5)."""
MAX_JSON_INT = 2**53
"""Largest integer magnitude in free-form JSON: what every JSON reader keeps exactly."""
MAX_ID = 2**31 - 1
"""Largest row id (a 32-bit signed integer column on both databases)."""
MAX_PAGE = 500
"""Most items in one page of a list."""

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_SHA256 = r"^[0-9a-f]{64}$"


def unsafe_text(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None: the first forbidden character, named."""
    found = _UNSAFE.search(value)
    if found is None:
        return None
    char = found.group()
    kind = "a lone surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"{kind} (U+{ord(char):04X}) at position {found.start()}"


def check_text(value: str, where: str = "value") -> str:
    """``value`` unchanged, or an ``InputError`` naming ``where`` and the character."""
    why = unsafe_text(value)
    if why is not None:
        raise InputError(f"{where}: text may not contain {why}")
    return value


def _text(value: str) -> str:
    why = unsafe_text(value)
    if why is not None:
        raise ValueError(f"text may not contain {why}")
    return value


SafeText = Annotated[str, AfterValidator(_text)]
"""A string without NUL, control characters (but tab and line breaks) or lone surrogates."""


def check_json(doc: Any, where: str = "body") -> None:
    """Refuse a parsed JSON document that is too deep, holds unsafe text or odd numbers.

    Walks the document without recursion, so a hostile depth cannot exhaust the stack;
    names the first bad place as a dotted path (``body.personnel.0.name``).
    """
    stack: list[tuple[Any, str, int]] = [(doc, where, 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InputError(f"{path}: nested deeper than {MAX_DEPTH} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    check_text(key, f"{path} (a key)")
                stack.append((item, f"{path}.{key}", depth + 1))
        elif isinstance(value, str):
            check_text(value, path)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_JSON_INT:
                raise InputError(f"{path}: integer beyond ±2^53")
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputError(f"{path}: numbers must be finite")


FlightId = Annotated[
    str, Path(pattern=_UUID, max_length=36, description="The flight's id (a lowercase UUID).")
]
Sha256 = Annotated[
    str,
    Path(pattern=_SHA256, min_length=64, max_length=64, description="SHA-256 of the object (hex)."),
]
RequestId = Annotated[int, Path(ge=1, le=MAX_ID, description="The copy request's id.")]
AgreementId = Annotated[int, Path(ge=1, le=MAX_ID, description="The agreement's id.")]
LeafIndex = Annotated[int, Path(ge=0, le=MAX_ID, description="The ledger entry's index.")]
RequestQuery = Annotated[
    int | None, Query(ge=1, le=MAX_ID, description="A copy request's id (optional).")
]
TreeFirst = Annotated[int, Query(ge=0, le=MAX_ID, description="The older tree's size.")]
TreeSize = Annotated[
    int | None, Query(ge=0, le=MAX_ID, description="The tree size (default: the whole log).")
]
Year = Annotated[
    int,
    Query(ge=1992, le=2199, description="A calendar year (the treaty was signed in 1992)."),
]
OptionalYear = Annotated[
    int | None,
    Query(ge=1992, le=2199, description="A calendar year (default: this year)."),
]
PageLimit = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description=f"Items per page (at most {MAX_PAGE}).")
]
