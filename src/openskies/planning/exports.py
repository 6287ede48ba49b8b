"""Route exports: GeoJSON (native), KML (simplekml) and GPX (gpxpy)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gpxpy.gpx
import simplekml

from openskies.geo import leg_lengths_km
from openskies.planning.coverage import LegFootprint, SiteStatus, swath_polygon
from openskies.planning.planner import FlightPlan
from openskies.planning.route import Route

__all__ = ["leg_rows", "plan_to_geojson", "route_to_gpx", "route_to_kml", "swath_features"]


def plan_to_geojson(plan: FlightPlan, budget_km: float) -> dict[str, Any]:
    """A FeatureCollection: the route LineString (with the check, each leg's height, sensors,
    swath and ground resolution, and every candidate site's account), the fixes, the observed
    sites and each observing leg's swath strip as a polygon."""
    route = plan.route
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in route.points]},
            "properties": {
                "kind": "route",
                "start_airfield": route.start_airfield,
                "end_airfield": route.end_airfield,
                "region": plan.region,
                "length_km": round(plan.check.length_km, 3),
                "observation_km": round(plan.check.observation_km, 3),
                "budget_km": budget_km,
                "value": plan.value,
                "sites_observed": [s.id for s in plan.observed_sites],
                "sites_not_covered": _ids(plan, SiteStatus.NOT_COVERED),
                "sites_excluded": _ids(plan, SiteStatus.EXCLUDED),
                "valid": plan.check.valid,
                "violations": [v.as_json() for v in plan.check.violations],
                "date": plan.on.isoformat() if plan.on is not None else None,
                "cruise_speed_kmh": plan.cruise_speed_kmh,
                "legs": leg_rows(route, plan.footprints, plan.cruise_speed_kmh),
                "sites": [a.as_json() for a in plan.accounts],
            },
        }
    ]
    for index, w in enumerate(route.waypoints):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [w.lon, w.lat]},
                "properties": {
                    "kind": "waypoint",
                    "index": index,
                    "name": w.name,
                    "fix_kind": w.kind.value,
                    "turn": w.turn.value,
                    "site": w.site_id,
                },
            }
        )
    for site in plan.observed_sites:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
                "properties": {"kind": "observed_site", "id": site.id, "value": site.value},
            }
        )
    features += swath_features(route, plan.footprints)
    return {"type": "FeatureCollection", "features": features}


def swath_features(route: Route, footprints: Sequence[LegFootprint]) -> list[dict[str, Any]]:
    """Each observing leg's swath strip as a GeoJSON Polygon feature (``kind: swath``)."""
    features = []
    for index, footprint in enumerate(footprints):
        ring = swath_polygon(
            route.points[index], route.points[index + 1], footprint.swath_half_width_km
        )
        if ring:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
                    "properties": {
                        "kind": "swath",
                        "leg": index,
                        "half_width_km": round(footprint.swath_half_width_km, 4),
                    },
                }
            )
    return features


def leg_rows(
    route: Route, footprints: Sequence[LegFootprint], cruise_speed_kmh: float
) -> list[dict[str, Any]]:
    """Each leg as the waypoint table shows it: height, sensors or transit, length, time at
    the aircraft's speed, swath half-width and ground sample distance."""
    return [
        {
            "hagl_m": leg.hagl_m,
            "sensors": list(leg.sensors),
            "transit": leg.transit,
            "length_km": round(length, 3),
            "time_min": round(60 * length / cruise_speed_kmh, 1),
            **footprint.as_json(),
        }
        for leg, footprint, length in zip(
            route.legs, footprints, leg_lengths_km(route.points), strict=True
        )
    ]


def _ids(plan: FlightPlan, status: SiteStatus) -> list[str]:
    return [a.site.id for a in plan.accounts if a.status is status]


def route_to_kml(
    route: Route,
    name: str = "openskies route",
    ground_m: float = 0.0,
    footprints: Sequence[LegFootprint] = (),
) -> str:
    """The route as KML: the line at absolute altitude (each fix at the height above ground of
    the leg that leaves it, plus ``ground_m``: no terrain model), a placemark per waypoint and
    each observing leg's swath strip as a polygon."""
    kml = simplekml.Kml(name=name)
    altitudes = _altitudes(route, ground_m)
    coords = [(w.lon, w.lat, alt) for w, alt in zip(route.waypoints, altitudes, strict=True)]
    line = kml.newlinestring(name=name, coords=coords)
    line.altitudemode = simplekml.AltitudeMode.absolute
    line.description = (
        f"Altitude above mean sea level = height above ground of each leg + {ground_m:,.0f} m, "
        "the elevation of the start airfield (no terrain model)"
    )
    for w, alt in zip(route.waypoints, altitudes, strict=True):
        point = kml.newpoint(name=w.name or w.kind.value, coords=[(w.lon, w.lat, alt)])
        point.altitudemode = simplekml.AltitudeMode.absolute
    for index, footprint in enumerate(footprints):
        ring = swath_polygon(
            route.points[index], route.points[index + 1], footprint.swath_half_width_km
        )
        if ring:
            polygon = kml.newpolygon(name=f"swath of leg {index}", outerboundaryis=ring)
            polygon.altitudemode = simplekml.AltitudeMode.clamptoground
            polygon.description = (
                f"{footprint.swath_half_width_km:.3f} km each side; ground sample distance "
                f"{footprint.gsd_m} m ({footprint.citation})"
            )
    return str(kml.kml())


def _altitudes(route: Route, ground_m: float) -> list[float]:
    """Each waypoint's altitude (m above mean sea level): the leaving leg's height (the
    arriving leg's at the end) above ``ground_m``."""
    heights = [leg.hagl_m for leg in route.legs] + [route.legs[-1].hagl_m]
    return [round(ground_m + h, 1) for h in heights]


def route_to_gpx(route: Route, name: str = "openskies route", ground_m: float = 0.0) -> str:
    """The route as GPX 1.1: one <rte> with a point per waypoint, ``<ele>`` its altitude above
    mean sea level (as in ``route_to_kml``: height above ground + ``ground_m``)."""
    gpx = gpxpy.gpx.GPX()
    gpx_route = gpxpy.gpx.GPXRoute(name=name)
    for w, alt in zip(route.waypoints, _altitudes(route, ground_m), strict=True):
        gpx_route.points.append(
            gpxpy.gpx.GPXRoutePoint(w.lat, w.lon, elevation=alt, name=w.name or None)
        )
    gpx.routes.append(gpx_route)
    return str(gpx.to_xml())
