"""Users' files in: the one place routes, sites and OP instances are read from disk.

The core parses text and parsed documents (``route_from_geojson``, ``sites_from_csv``,
``sites_from_geojson``, ``parse_op_instance``); these read the file and name it, with a
one-line ``InputError``, when it is missing, unreadable or not JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openskies.errors import InputError
from openskies.planning import Site, sites_from_csv, sites_from_geojson
from openskies.planning.optimiser import OPInstance, parse_op_instance

__all__ = ["read_json", "read_op_instance", "read_sites", "read_text"]


def read_text(path: Path, what: str) -> str:
    """The UTF-8 text of the file at ``path``; ``what`` (an option, a field) names it in errors."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{what}: {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}: {path}: cannot read it ({exc})") from None


def read_json(path: Path, what: str) -> Any:
    """The parsed JSON of the file at ``path``."""
    text = read_text(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: {path}: not valid JSON: {exc}") from None


def read_sites(path: Path, what: str = "--sites") -> list[Site]:
    """Sites from a GeoJSON (``.geojson``/``.json``) or CSV (``id,lat,lon,value``) file."""
    if path.suffix.lower() in (".geojson", ".json"):
        return sites_from_geojson(read_json(path, what), str(path))
    return sites_from_csv(read_text(path, what), str(path))


def read_op_instance(path: str | Path) -> OPInstance:
    """An OP instance from a file in the standard benchmark format (``parse_op_instance``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read OP instance ({exc})") from None
    return parse_op_instance(text, str(path))
