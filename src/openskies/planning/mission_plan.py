"""The check of a mission plan's route: one function for the planner's check and the
mission service, so a route the planner accepts is the route the mission service accepts.

The route starts at the Open Skies airfield named (or, if none is named, the one the route
names) and ends at the airfield the route names, which may be another Open Skies airfield
of the observed Party (Art. VI §II ¶3); without one it ends where it started.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openskies.errors import InputError
from openskies.geo import Territories
from openskies.planning.context import FlightContext, flight_context
from openskies.planning.route import Route
from openskies.planning.route_io import route_from_geojson, route_properties
from openskies.planning.validation import RouteCheck, validate_route
from openskies.treaty import TreatyData

__all__ = ["check_mission_plan", "mission_plan_context"]


def check_mission_plan(
    data: TreatyData,
    territories: Territories,
    route: Any,
    observed: str,
    on: date,
    airfield: str | None = None,
    **options: Any,
) -> RouteCheck:
    """Every violation of the GeoJSON ``route`` flown over ``observed`` on ``on``.

    ``airfield`` is the Open Skies airfield where the flight starts; without it, the route's
    ``start_airfield``. The end is the route's ``end_airfield``, else the start.
    ``options`` go to ``flight_context`` (e.g. the ``aircraft``).
    """
    parsed, ctx = mission_plan_context(data, territories, route, observed, on, airfield, **options)
    return validate_route(parsed, ctx)


def mission_plan_context(
    data: TreatyData,
    territories: Territories,
    route: Any,
    observed: str,
    on: date,
    airfield: str | None = None,
    **options: Any,
) -> tuple[Route, FlightContext]:
    """The parsed GeoJSON ``route`` and the context it is checked in (see
    :func:`check_mission_plan`): its start and end airfields and its row of Ann. A §III."""
    parsed = route_from_geojson(route, "route")
    start = airfield or parsed.start_airfield
    if not start:
        raise InputError("airfield: name the Open Skies airfield (the route does not)")
    if "region" not in options or options["region"] is None:  # the row the plan was made for
        region = route_properties(route).get("region")
        options["region"] = region if isinstance(region, str) and region else None
    ctx = flight_context(
        data, territories, observed, start, on, end_airfield=parsed.end_airfield or None, **options
    )
    return parsed, ctx
