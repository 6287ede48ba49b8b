"""The one place concrete adapters are chosen: database, clock, route checker."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import FastAPI

from openskies.api.app import Settings, create_app
from openskies.services.clock import SystemClock
from openskies.treaty import Finding

__all__ = ["build_app", "planner_route_checker"]


def planner_route_checker(
    route: dict[str, Any], observed: str, airfield: str, on: date
) -> list[Finding]:
    """Check a mission plan's route with the flight planner (every rule of Art. VI §II)."""
    from openskies.geo import load_territories
    from openskies.planning import flight_context, route_from_geojson, validate_route
    from openskies.treaty import load_treaty_data

    data = load_treaty_data()
    plan_route = route_from_geojson(route, "route")
    start = airfield or plan_route.start_airfield
    ctx = flight_context(data, load_territories(), observed, start, on)
    check = validate_route(plan_route, ctx)
    return [
        Finding(v.rule, v.citation, v.message, v.limit, v.actual)
        for v in check.violations
        if v.severity.value == "violation"
    ]


def build_app(database_url: str) -> FastAPI:
    """The production app: system clock, the planner as route checker."""
    return create_app(Settings(database_url, SystemClock(), planner_route_checker))
