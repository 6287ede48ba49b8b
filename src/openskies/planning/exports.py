"""Route exports: GeoJSON (native), KML (simplekml) and GPX (gpxpy)."""

from __future__ import annotations

from typing import Any

import gpxpy.gpx
import simplekml

from openskies.geo import leg_lengths_km
from openskies.planning.coverage import SiteStatus, swath_polygon
from openskies.planning.planner import FlightPlan
from openskies.planning.route import Route

__all__ = ["plan_to_geojson", "route_to_gpx", "route_to_kml"]


def plan_to_geojson(plan: FlightPlan, budget_km: float) -> dict[str, Any]:
    """A FeatureCollection: the route LineString (with the check, each leg's height, sensors,
    swath and ground resolution, and every candidate site's account), the fixes, the observed
    sites and each observing leg's swath strip as a polygon."""
    route = plan.route
    lengths = [round(x, 3) for x in _leg_lengths(route)]
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
                "legs": [
                    {
                        "hagl_m": leg.hagl_m,
                        "sensors": list(leg.sensors),
                        "transit": leg.transit,
                        "length_km": length,
                        **footprint.as_json(),
                    }
                    for leg, footprint, length in zip(
                        route.legs, plan.footprints, lengths, strict=True
                    )
                ],
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
    for index, footprint in enumerate(plan.footprints):
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
    return {"type": "FeatureCollection", "features": features}


def _ids(plan: FlightPlan, status: SiteStatus) -> list[str]:
    return [a.site.id for a in plan.accounts if a.status is status]


def _leg_lengths(route: Route) -> list[float]:
    return [float(x) for x in leg_lengths_km(route.points)]


def route_to_kml(route: Route, name: str = "openskies route") -> str:
    """The route as KML: a line and a placemark per waypoint."""
    kml = simplekml.Kml(name=name)
    line = kml.newlinestring(name=name, coords=route.points)
    line.altitudemode = simplekml.AltitudeMode.relativetoground
    for w in route.waypoints:
        kml.newpoint(name=w.name or w.kind.value, coords=[w.point])
    return str(kml.kml())


def route_to_gpx(route: Route, name: str = "openskies route") -> str:
    """The route as GPX 1.1: one <rte> with a point per waypoint."""
    gpx = gpxpy.gpx.GPX()
    gpx_route = gpxpy.gpx.GPXRoute(name=name)
    for w in route.waypoints:
        gpx_route.points.append(gpxpy.gpx.GPXRoutePoint(w.lat, w.lon, name=w.name or None))
    gpx.routes.append(gpx_route)
    return str(gpx.to_xml())
