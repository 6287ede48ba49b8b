"""A route from parsed GeoJSON, as written by ``plan_to_geojson`` or drawn by hand.

The route is the first LineString feature; its ``properties.legs`` (optional) give each
leg's ``hagl_m``, ``sensors`` and ``transit``. Point features with ``kind: waypoint`` and an
``index`` say what each waypoint is (``fix_kind``: airfield, fix, calibration_target,
refuelling). Without them the first and last points are airfields and the rest fixes.
"""

from __future__ import annotations

from typing import Any

from openskies.errors import InputError
from openskies.planning.route import FixKind, Leg, Route, TurnType, Waypoint

__all__ = ["read_position", "route_from_geojson", "route_properties"]

MIN_ALTITUDE_M, MAX_ALTITUDE_M = -500.0, 100_000.0
"""Bounds of a GeoJSON position's optional third coordinate (metres)."""


def read_position(point: Any, where: str) -> tuple[float, float]:
    """``[lon, lat]`` or ``[lon, lat, altitude]`` (RFC 7946 §3.1.1), each bounded."""
    if not isinstance(point, list | tuple) or not 2 <= len(point) <= 3:
        raise InputError(f"{where}: expected [lon, lat] or [lon, lat, altitude]")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point):
        raise InputError(f"{where}: coordinates must be numbers")
    lon, lat = float(point[0]), float(point[1])
    if not -180.0 <= lon <= 180.0:
        raise InputError(f"{where}: longitude {point[0]} is not within -180..180")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{where}: latitude {point[1]} is not within -90..90")
    if len(point) == 3 and not MIN_ALTITUDE_M <= float(point[2]) <= MAX_ALTITUDE_M:
        raise InputError(
            f"{where}: altitude {point[2]} is not within {MIN_ALTITUDE_M:g}..{MAX_ALTITUDE_M:g} m"
        )
    return lon, lat


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _features(doc: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
        if isinstance(features, list):
            return [f for f in features if isinstance(f, dict)]
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    raise InputError(f"{where}: expected a GeoJSON Feature or FeatureCollection")


def route_from_geojson(doc: Any, where: str = "route") -> Route:
    """A route from a parsed GeoJSON document."""
    features = _features(doc, where)
    lines = [f for f in features if _object(f.get("geometry")).get("type") == "LineString"]
    if not lines:
        raise InputError(f"{where}: no LineString feature (the route)")
    line = lines[0]
    coords = line["geometry"].get("coordinates") or []
    if not isinstance(coords, list) or len(coords) < 2:
        raise InputError(f"{where}: the route needs at least two points")
    props = _object(line.get("properties"))
    kinds: dict[int, dict[str, Any]] = {}
    for f in features:
        p = _object(f.get("properties"))
        if p.get("kind") == "waypoint" and isinstance(p.get("index"), int):
            kinds[p["index"]] = p
    waypoints = []
    for index, point in enumerate(coords):
        lon, lat = read_position(point, f"{where}: point {index}")
        info = kinds.get(index, {})
        default = FixKind.AIRFIELD if index in (0, len(coords) - 1) else FixKind.FIX
        try:
            kind = FixKind(info.get("fix_kind", default))
            turn = TurnType(info.get("turn", TurnType.OVERFLIGHT))
        except ValueError as exc:
            raise InputError(f"{where}: waypoint {index}: {exc}") from None
        waypoints.append(
            Waypoint(lon, lat, str(info.get("name") or f"P{index}"), kind, turn, info.get("site"))
        )
    raw_legs = props.get("legs")
    if raw_legs is None:
        legs = tuple(Leg() for _ in coords[1:])
    else:
        if (
            not isinstance(raw_legs, list)
            or len(raw_legs) != len(coords) - 1
            or not all(isinstance(leg, dict) for leg in raw_legs)
        ):
            raise InputError(f"{where}: properties.legs: expected {len(coords) - 1} legs")
        try:
            legs = tuple(
                Leg(
                    float(leg.get("hagl_m", Leg().hagl_m)),
                    tuple(leg.get("sensors", [] if leg.get("transit") else list(Leg().sensors))),
                    bool(leg.get("transit", False)),
                )
                for leg in raw_legs
            )
        except (TypeError, ValueError) as exc:
            raise InputError(f"{where}: properties.legs: {exc}") from None
    return Route(
        tuple(waypoints),
        legs,
        str(props.get("start_airfield", "")),
        str(props.get("end_airfield", "")),
    )


def route_properties(doc: Any) -> dict[str, Any]:
    """The properties of the route LineString (``kind: route``) of a FeatureCollection, or {}."""
    features = doc.get("features") if isinstance(doc, dict) else None
    for feature in features if isinstance(features, list) else []:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict) and props.get("kind") == "route":
            return props
    return {}
