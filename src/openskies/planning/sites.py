"""Candidate sites: parsed from GeoJSON or CSV (read by the caller), or the demo set of a
State's airfields.

GeoJSON: Point features; ``properties.id`` (else the feature's ``id``, else its index) and
``properties.value`` (default 1). CSV: a header ``id,lat,lon,value``. Errors name the file,
the line or feature, and the field.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from openskies.errors import InputError
from openskies.planning.coverage import Site
from openskies.planning.route_io import read_position

__all__ = ["ALPHA2", "airfield_elevation_m", "demo_sites", "sites_from_csv", "sites_from_geojson"]

# ISO 3166 alpha-3 -> alpha-2 of the States that were ever States Parties.
ALPHA2 = {
    "BEL": "BE",
    "BGR": "BG",
    "BIH": "BA",
    "BLR": "BY",
    "CAN": "CA",
    "CZE": "CZ",
    "DEU": "DE",
    "DNK": "DK",
    "ESP": "ES",
    "EST": "EE",
    "FIN": "FI",
    "FRA": "FR",
    "GBR": "GB",
    "GEO": "GE",
    "GRC": "GR",
    "HRV": "HR",
    "HUN": "HU",
    "ISL": "IS",
    "ITA": "IT",
    "LTU": "LT",
    "LUX": "LU",
    "LVA": "LV",
    "NLD": "NL",
    "NOR": "NO",
    "POL": "PL",
    "PRT": "PT",
    "ROU": "RO",
    "RUS": "RU",
    "SVK": "SK",
    "SVN": "SI",
    "SWE": "SE",
    "TUR": "TR",
    "UKR": "UA",
    "USA": "US",
}


# Parts of a State's territory that ISO 3166 (and airportsdata) code apart.
_ALSO = {"DNK": ("FO", "GL")}


def _number(value: Any, where: str, field: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {field}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: {field}: must be finite")
    return number


def _site(site_id: str, lon: float, lat: float, value: float, where: str) -> Site:
    if not -180 <= lon <= 180:
        raise InputError(f"{where}: lon: {lon} is outside -180..180")
    if not -90 <= lat <= 90:
        raise InputError(f"{where}: lat: {lat} is outside -90..90")
    if value < 0:
        raise InputError(f"{where}: value: must be >= 0")
    return Site(site_id, lon, lat, value)


def sites_from_geojson(doc: Any, path: str = "sites") -> list[Site]:
    """Sites from a parsed GeoJSON FeatureCollection of Points."""
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise InputError(f"{path}: expected a GeoJSON FeatureCollection")
    sites, ids = [], set()
    for index, feature in enumerate(features):
        where = f"{path}: feature {index}"
        feature = feature if isinstance(feature, dict) else {}
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            raise InputError(f"{where}: geometry must be a Point")
        coords = read_position(geometry.get("coordinates"), f"{where}: coordinates")
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        site_id = str(props.get("id", feature.get("id", index)))
        if site_id in ids:
            raise InputError(f"{where}: id {site_id!r} is used twice")
        ids.add(site_id)
        sites.append(
            _site(
                site_id,
                _number(coords[0], where, "lon"),
                _number(coords[1], where, "lat"),
                _number(props.get("value", 1), where, "value"),
                where,
            )
        )
    return sites


def sites_from_csv(text: str, path: str = "sites") -> list[Site]:
    """Sites from CSV text with a header ``id,lat,lon[,value]``; ``path`` names it in errors."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = {"id", "lat", "lon"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(sorted(missing))} (expected id,lat,lon,value)"
        )
    sites, ids = [], set()
    for line, row in enumerate(reader, start=2):
        where = f"{path}:{line}"
        site_id = (row.get("id") or "").strip()
        if not site_id:
            raise InputError(f"{where}: id: empty")
        if site_id in ids:
            raise InputError(f"{where}: id {site_id!r} is used twice")
        ids.add(site_id)
        value = row.get("value")
        sites.append(
            _site(
                site_id,
                _number(row["lon"], where, "lon"),
                _number(row["lat"], where, "lat"),
                _number(value if value not in (None, "") else 1, where, "value"),
                where,
            )
        )
    return sites


def demo_sites(*states: str) -> list[Site]:
    """The airfields of ``states`` (alpha-3) from the ``airportsdata`` package, as sites.

    Real public points for demonstrations: an airfield with an IATA code (served by
    scheduled traffic) is worth 3, any other 1. Name every member of a group of States
    Parties (``FlightContext.observed_states``) to get the whole observed territory.
    """
    import airportsdata

    codes = set()
    for state in states:
        code = ALPHA2.get(state.upper())
        if code is None:
            raise InputError(f"no demo sites for {state!r}: name a State that is or was a Party")
        codes.add(code)
        codes.update(_ALSO.get(state.upper(), ()))
    airports = airportsdata.load("ICAO")
    return [
        Site(icao, float(a["lon"]), float(a["lat"]), 3.0 if a["iata"] else 1.0)
        for icao, a in sorted(airports.items())
        if a["country"] in codes
    ]


def airfield_elevation_m(icao: str | None) -> float:
    """The elevation of an airfield (m above mean sea level) from ``airportsdata``; 0 when
    unknown. The exports' only ground reference: the planner has no terrain model."""
    import airportsdata

    found = airportsdata.load("ICAO").get((icao or "").upper())
    return round(float(found["elevation"]) * 0.3048, 1) if found else 0.0
