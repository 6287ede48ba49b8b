"""Planner endpoints: territories, demo sites, plan, check, export, restriction impact."""

from __future__ import annotations

import json
import time
from datetime import date
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from openskies.api.deps import authenticated, services
from openskies.api.responses import (
    FeatureCollection,
    FootprintOut,
    ImpactOut,
    RegionsOut,
    RouteCheckOut,
)
from openskies.planning import (
    Leg,
    Site,
    flight_context,
    plan_flight,
    plan_to_geojson,
    restriction_impact,
    route_from_geojson,
    route_to_gpx,
    route_to_kml,
)
from openskies.planning.context import DEFAULT_AIRCRAFT, region_rows, regional_airfields
from openskies.planning.coverage import SiteStatus, leg_footprint, leg_footprints
from openskies.planning.exports import leg_rows, swath_features
from openskies.planning.mission_plan import mission_plan_context
from openskies.planning.planner import route_site_accounts
from openskies.planning.route_io import route_properties
from openskies.planning.sensors import default_sensors
from openskies.planning.sites import airfield_elevation_m, demo_sites, sites_from_geojson
from openskies.planning.validation import validate_route
from openskies.services.container import Services

__all__ = ["geo_router", "router"]

router = APIRouter(prefix="/api/plan", dependencies=[Depends(authenticated)])
geo_router = APIRouter(prefix="/api/geo", dependencies=[Depends(authenticated)])


Svc = Annotated[Services, Depends(services)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FlightIn(_Body):
    """Plan a flight: observed Party, airfield, day, sites (null for the demo set)."""

    observed: str = Field(min_length=3, max_length=16)
    airfield: str = Field(min_length=1, max_length=80)
    date: date
    sites: dict[str, Any] | None = None
    time_limit: float = Field(default=2.0, gt=0, le=30)
    hagl_m: float = Field(default=6520.0, gt=0, le=20000)
    region: str | None = Field(default=None, max_length=80)


class CheckIn(_Body):
    """Check a route (GeoJSON) over the observed Party on a day; with ``coverage``, also what
    it observes of ``sites`` (null for the demo set): its swath and every site's account."""

    route: dict[str, Any]
    observed: str = Field(min_length=3, max_length=16)
    date: date
    airfield: str | None = None
    coverage: bool = False
    sites: dict[str, Any] | None = None


class ImpactIn(FlightIn):
    """Compare the best plan with and without a restriction."""

    restriction: Literal["sub_limits", "border_buffer", "altitude_floor"]
    floor_hagl_m: float | None = Field(default=None, gt=0, le=20000)


def _sites(body: FlightIn, observed_states: tuple[str, ...]) -> list[Site]:
    if body.sites is None:
        return demo_sites(*observed_states)
    return sites_from_geojson(body.sites, "sites")


@geo_router.get("/territories")
def territories() -> FileResponse:
    """The shipped territories (Natural Earth), as GeoJSON."""
    path = resources.files("openskies.geo") / "data" / "territories.geojson"
    return FileResponse(
        str(path),
        media_type="application/geo+json",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/demo-sites", response_model=FeatureCollection)
def demo(observed: str) -> dict[str, Any]:
    """The demo site set of a State: its airfields (airportsdata), as GeoJSON points."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.lon, s.lat]},
                "properties": {"id": s.id, "value": s.value},
            }
            for s in demo_sites(observed)
        ],
    }


@router.post("/flight", response_model=FeatureCollection)
def flight(body: FlightIn, svc: Svc) -> dict[str, Any]:
    """The most valuable valid route, as a GeoJSON FeatureCollection."""
    ctx = flight_context(
        svc.data, svc.territories(), body.observed, body.airfield, body.date, region=body.region
    )
    leg = Leg(hagl_m=body.hagl_m, sensors=tuple(ctx.sensors))
    sites = _sites(body, ctx.observed_states)
    plan = plan_flight(ctx, sites, body.time_limit, leg, clock=time.perf_counter)
    return plan_to_geojson(plan, ctx.budget_km)


@router.post("/check", response_model=RouteCheckOut, response_model_exclude_unset=True)
def check(body: CheckIn, svc: Svc) -> dict[str, Any]:
    """Every violation of a route, with its citation and leg (the mission service's check);
    with ``coverage``, the swath of each observing leg and every site's account."""
    parsed, ctx = mission_plan_context(
        svc.data, svc.territories(), body.route, body.observed, body.date, body.airfield
    )
    result = validate_route(parsed, ctx)
    sensors = {s.id: s for s in default_sensors()}
    footprints = leg_footprints(parsed, sensors, svc.data, body.date)
    out: dict[str, Any] = {
        "valid": result.valid,
        "violations": [v.as_json() for v in result.violations],
        "length_km": round(result.length_km, 3),
        "observation_km": round(result.observation_km, 3),
        "budget_km": result.budget_km,
        "legs": leg_rows(parsed, footprints, _cruise_speed(body.route)),
    }
    if body.coverage:
        candidates = (
            demo_sites(*ctx.observed_states)
            if body.sites is None
            else sites_from_geojson(body.sites, "sites")
        )
        accounts = route_site_accounts(parsed, footprints, candidates, ctx)
        seen = [a.site for a in accounts if a.status is SiteStatus.OBSERVED]
        out["coverage"] = {
            "value": sum(s.value for s in seen),
            "sites_observed": [s.id for s in seen],
            "sites": [a.as_json() for a in accounts],
            "swath": {"type": "FeatureCollection", "features": swath_features(parsed, footprints)},
        }
    return out


@router.get("/regions", response_model=RegionsOut)
def regions(observed: str, on: date, svc: Svc) -> dict[str, Any]:
    """The observed Party's rows of Ann. A §III that name a region (a flight names one as its
    ``region``), and its Open Skies airfields whose distance is a region's row (Denmark's)."""
    return {
        "observed": observed,
        "on": on.isoformat(),
        "regions": [
            {
                "id": row.id,
                "region": row.region,
                "distance_km": row.distance_km,
                "citation": row.citation.text,
                "extends": row.extends,
            }
            for row in region_rows(svc.data, svc.territories(), observed, on)
        ],
        "airfields": [
            {"id": site.id, "name": site.name, "lon": pos[0], "lat": pos[1]}
            for site in regional_airfields(svc.data, observed, on)
            if (pos := site.best_position) is not None
        ],
    }


def _cruise_speed(route: dict[str, Any]) -> float:
    speed = route_properties(route).get("cruise_speed_kmh")
    if isinstance(speed, int | float) and speed > 0:
        return float(speed)
    return DEFAULT_AIRCRAFT.cruise_speed_kmh


def _route_date(route: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(route_properties(route).get("date")))
    except ValueError:
        return None


@router.get("/footprint", response_model=FootprintOut)
def footprint(
    svc: Svc, hagl_m: float = Query(gt=0, le=20000), on: date | None = None
) -> dict[str, Any]:
    """The swath half-width and ground sample distance of the sensors at ``hagl_m`` (Art. IV ¶2),
    and their certified minimum height (Art. VI §II ¶4(D)), for the live planner form."""
    day = on or svc.clock.now().date()
    sensors = default_sensors()
    found = leg_footprint(
        Leg(hagl_m=hagl_m, sensors=tuple(s.id for s in sensors)),
        {s.id: s for s in sensors},
        svc.data,
        day,
    )
    certified = max(s.certified_min_hagl_m for s in sensors)
    return {
        "hagl_m": hagl_m,
        **found.as_json(),
        "certified_min_hagl_m": certified,
        "below_certified_height": hagl_m < certified,
    }


GEOJSON_ROUTE: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "description": "the route: a GeoJSON Feature or FeatureCollection with "
                    "its LineString, read by route_from_geojson and sent back as given",
                    "required": ["type"],
                    "properties": {
                        "type": {"enum": ["Feature", "FeatureCollection"]},
                        "features": {"type": "array", "items": {"type": "object"}},
                        "geometry": {"type": "object"},
                        "properties": {"type": "object"},
                    },
                }
            }
        }
    }
}
"""The export's body in OpenAPI: a plain object (a model would reorder what is sent back)."""


@router.post("/export", openapi_extra=GEOJSON_ROUTE)
def export(
    route: dict[str, Any],
    svc: Svc,
    format: Literal["geojson", "kml", "gpx"] = "geojson",
) -> Response:
    """The route as GeoJSON, KML or GPX."""
    parsed = route_from_geojson(route, "route")
    start = svc.data.sites.get(parsed.start_airfield)
    ground = airfield_elevation_m(start.icao if start is not None else None)
    if format == "kml":
        day = _route_date(route) or svc.clock.now().date()
        sensors = {s.id: s for s in default_sensors()}
        kml = route_to_kml(
            parsed, ground_m=ground, footprints=leg_footprints(parsed, sensors, svc.data, day)
        )
        return PlainTextResponse(kml, media_type="application/vnd.google-earth.kml+xml")
    if format == "gpx":
        return PlainTextResponse(
            route_to_gpx(parsed, ground_m=ground), media_type="application/gpx+xml"
        )
    return PlainTextResponse(json.dumps(route), media_type="application/geo+json")


@router.post("/impact", response_model=ImpactOut)
def impact(body: ImpactIn, svc: Svc) -> dict[str, Any]:
    """The best value with and without a restriction, and both routes."""
    ctx = flight_context(
        svc.data, svc.territories(), body.observed, body.airfield, body.date, region=body.region
    )
    leg = Leg(hagl_m=body.hagl_m, sensors=tuple(ctx.sensors))
    result = restriction_impact(
        ctx,
        _sites(body, ctx.observed_states),
        body.restriction,
        body.time_limit,
        body.floor_hagl_m,
        leg,
        clock=time.perf_counter,
    )
    return result.as_json(ctx.budget_km)
