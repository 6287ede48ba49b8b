"""What every command shares: parsing dates and times at the edge, printing JSON."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import typer
from rich.console import Console

from openskies.errors import InputError

__all__ = [
    "console",
    "iso",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "print_json",
    "today",
]

console = Console()


def today() -> date:
    """Today in UTC: the default day of commands that ask "on which day"."""
    return datetime.now(UTC).date()


def parse_date(value: str, option: str) -> date:
    """An ISO 8601 calendar date (YYYY-MM-DD); a one-line error naming ``option`` otherwise."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a date (expected YYYY-MM-DD)") from None


def parse_int(value: str, option: str, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``; a one-line error naming ``option`` otherwise."""
    try:
        number = int(value.strip())
    except ValueError:
        raise InputError(f"{option}: {value!r} is not a whole number") from None
    if number < minimum:
        raise InputError(f"{option}: must be at least {minimum}, got {number}")
    return number


def parse_datetime(value: str, option: str) -> datetime:
    """An ISO 8601 time with its UTC offset (``Z`` or ``+01:00``), returned in UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
    except ValueError:
        raise InputError(
            f"{option}: {value!r} is not a date and time "
            "(expected ISO 8601, e.g. 2026-12-01T09:00:00Z)"
        ) from None
    if parsed.tzinfo is None:
        raise InputError(
            f"{option}: {value!r} has no UTC offset; the treaty's hours are "
            "absolute (write e.g. 2026-12-01T09:00:00Z)"
        )
    return parsed.astimezone(UTC)


def iso(value: date | datetime) -> str:
    """ISO 8601; UTC datetimes end in ``Z``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on standard output (the scripting contract)."""
    typer.echo(json.dumps(obj, ensure_ascii=False, indent=2))
