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

__all__ = ["route_from_geojson", "route_properties"]


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
    lines = [f for f in features if (f.get("geometry") or {}).get("type") == "LineString"]
    if not lines:
        raise InputError(f"{where}: no LineString feature (the route)")
    line = lines[0]
    coords = line["geometry"].get("coordinates") or []
    if len(coords) < 2:
        raise InputError(f"{where}: the route needs at least two points")
    props = line.get("properties") or {}
    kinds: dict[int, dict[str, Any]] = {}
    for f in features:
        p = f.get("properties") or {}
        if p.get("kind") == "waypoint" and isinstance(p.get("index"), int):
            kinds[p["index"]] = p
    waypoints = []
    for index, point in enumerate(coords):
        if not isinstance(point, list | tuple) or len(point) < 2:
            raise InputError(f"{where}: point {index}: expected [lon, lat]")
        info = kinds.get(index, {})
        default = FixKind.AIRFIELD if index in (0, len(coords) - 1) else FixKind.FIX
        try:
            kind = FixKind(info.get("fix_kind", default))
            turn = TurnType(info.get("turn", TurnType.OVERFLIGHT))
        except ValueError as exc:
            raise InputError(f"{where}: waypoint {index}: {exc}") from None
        try:
            lon, lat = float(point[0]), float(point[1])
        except (TypeError, ValueError):
            raise InputError(f"{where}: point {index}: coordinates must be numbers") from None
        waypoints.append(
            Waypoint(lon, lat, str(info.get("name") or f"P{index}"), kind, turn, info.get("site"))
        )
    raw_legs = props.get("legs")
    if raw_legs is None:
        legs = tuple(Leg() for _ in coords[1:])
    else:
        if not isinstance(raw_legs, list) or len(raw_legs) != len(coords) - 1:
            raise InputError(f"{where}: properties.legs: expected {len(coords) - 1} legs")
        legs = tuple(
            Leg(
                float(leg.get("hagl_m", Leg().hagl_m)),
                tuple(leg.get("sensors", [] if leg.get("transit") else list(Leg().sensors))),
                bool(leg.get("transit", False)),
            )
            for leg in raw_legs
        )
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
