"""Saved plans and their versions, flights' plans, the live view, read marks, report drafts.

``GET /api/live`` is what the web app polls: every flight the delegation may see and its
unread messages, with an ``ETag``; ``If-None-Match`` answers 304 when nothing changed. It
reads the database only, so any replica can answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from openskies.api.deps import authenticated, service
from openskies.api.pages import DEFAULT_PAGE, PAGED, Cursor, decode_time_cursor, page
from openskies.api.responses import LiveOut, QuotaUsageOut, ReportDraftOut
from openskies.api.validated import OptionalYear, PageLimit
from openskies.missions.plans import route_diff
from openskies.services.commands import PlanDraft
from openskies.services.delegations import Delegation
from openskies.services.missions import MissionService
from openskies.services.plans import PlanService
from openskies.services.quota_usage import quota_usage

__all__ = ["router"]

router = APIRouter(prefix="/api", tags=["plans"])
Me = Annotated[Delegation, Depends(authenticated)]


Svc = Annotated[MissionService, Depends(service)]


async def plans(missions: Svc) -> PlanService:
    """The plan service: a view of the mission service's database and roles (no state)."""
    return PlanService(missions)


Plans = Annotated[PlanService, Depends(plans)]


class PlanIn(BaseModel):
    """A plan to save: its name, the route (GeoJSON) and what it was planned with."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=200)
    observed: str = Field(min_length=3, max_length=16, description="the observed Party")
    route: dict[str, Any] = Field(description="GeoJSON FeatureCollection with the LineString")
    airfield: str | None = Field(default=None, max_length=80, description="Open Skies airfield")
    date: dt.date | None = Field(default=None, description="the day the rules apply")
    hagl_m: float | None = Field(default=None, gt=0, le=20000, description="sensor height")
    sensors: list[str] | None = Field(default=None, max_length=20)
    sites: list[dict[str, Any]] | None = Field(default=None, max_length=5000)
    check: dict[str, Any] | None = Field(default=None, description="the planner's check")

    def command(self) -> PlanDraft:
        """The plan as the plan service's command."""
        return PlanDraft(
            name=self.name,
            observed=self.observed,
            route=self.route,
            airfield=self.airfield,
            date=self.date,
            hagl_m=self.hagl_m,
            sensors=None if self.sensors is None else tuple(self.sensors),
            sites=None if self.sites is None else tuple(self.sites),
            check=self.check,
        )


class VersionSummary(BaseModel):
    """One version of a plan, without its route."""

    plan_id: str
    number: int
    kind: str = Field(description="draft, mission_plan, proposed_change or agreed")
    author: str
    created_at: str
    details: dict[str, Any]


class VersionOut(VersionSummary):
    """One version of a plan, with its route."""

    route: dict[str, Any]


class PlanOut(BaseModel):
    """A plan and its versions (oldest first)."""

    id: str
    name: str
    owner: str
    observed: str
    flight_id: str | None
    created_at: str
    versions: list[VersionSummary]


class FixOut(BaseModel):
    """A fix of a route."""

    index: int
    lon: float
    lat: float
    hagl_m: float | None


class ChangeOut(BaseModel):
    """One change between two routes."""

    change: str = Field(description="added, removed, moved or height_changed")
    old: FixOut | None
    new: FixOut | None
    distance_m: float | None


class DiffOut(BaseModel):
    """The changes from one version to another."""

    plan_id: str
    from_: int = Field(alias="from")
    to: int
    changes: list[ChangeOut]


class ReadOut(BaseModel):
    """Messages of a flight marked read up to this message id."""

    flight_id: str
    read_up_to: int


@router.post("/plans", status_code=201, response_model=PlanOut)
def save_plan(body: PlanIn, who: Me, svc: Plans) -> dict[str, Any]:
    """Save a new named plan: its first version."""
    return svc.save(who, body.command())


@router.get("/plans", response_model=list[PlanOut], responses=PAGED)
def list_plans(
    who: Me,
    svc: Plans,
    request: Request,
    response: Response,
    limit: PageLimit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> list[dict[str, Any]]:
    """Your plans and the plans of the flights you observe or are observed in, by creation
    time, a page at a time (see ``openskies.api.pages``)."""
    items = svc.list(who, limit + 1, decode_time_cursor(cursor))
    return page(items, limit, lambda p: [p["created_at"], p["id"]], request, response)


class DiffIn(BaseModel):
    """Two routes to compare (GeoJSON)."""

    model_config = ConfigDict(extra="forbid")
    old: dict[str, Any]
    new: dict[str, Any]


class ChangesOut(BaseModel):
    """The changes from one route to another."""

    changes: list[ChangeOut]


@router.post("/plans/diff", response_model=ChangesOut)
def diff_routes(body: DiffIn, who: Me) -> dict[str, Any]:
    """What changed from ``old`` to ``new``: fixes added, removed, moved, new heights."""
    return {"changes": [c.as_json() for c in route_diff(body.old, body.new)]}


@router.get("/plans/{plan_id}", response_model=PlanOut)
def get_plan(plan_id: str, who: Me, svc: Plans) -> dict[str, Any]:
    """One plan and its versions."""
    return svc.get(who, plan_id)


@router.post("/plans/{plan_id}/versions", status_code=201, response_model=PlanOut)
def save_version(plan_id: str, body: PlanIn, who: Me, svc: Plans) -> dict[str, Any]:
    """Save the plan again: a new version, the earlier ones unchanged."""
    return svc.add_version(who, plan_id, body.command())


@router.get("/plans/{plan_id}/versions/{number}", response_model=VersionOut)
def get_version(plan_id: str, number: int, who: Me, svc: Plans) -> dict[str, Any]:
    """One version with its route."""
    return svc.version(who, plan_id, number)


@router.get("/plans/{plan_id}/diff", response_model=DiffOut, response_model_by_alias=True)
def diff(
    plan_id: str,
    who: Me,
    svc: Plans,
    from_: Annotated[int, Query(alias="from", ge=1)] = 1,
    to: Annotated[int, Query(ge=1)] = 2,
) -> dict[str, Any]:
    """What changed from one version to another: fixes added, removed, moved, new heights."""
    return svc.diff(who, plan_id, from_, to)


@router.get("/flights/{flight_id}/plan", response_model=PlanOut)
def flight_plan(flight_id: str, who: Me, svc: Plans) -> dict[str, Any]:
    """The plan of a flight: mission plan, proposed changes, agreed plan, as versions."""
    return svc.flight_plan(who, flight_id)


@router.get("/flights/{flight_id}/report-draft", response_model=ReportDraftOut)
def report_draft(flight_id: str, who: Me, svc: Plans) -> dict[str, Any]:
    """The mission report drafted from the flight (Art. VI §I ¶21), for the observing Party."""
    return svc.report_draft(who, flight_id)


@router.post("/flights/{flight_id}/read", response_model=ReadOut)
def mark_read(flight_id: str, who: Me, svc: Plans) -> dict[str, Any]:
    """Mark the flight's messages read (the unread badge)."""
    return svc.mark_read(who, flight_id)


@router.get("/quota-usage", response_model=QuotaUsageOut)
def quota_usage_route(who: Me, missions: Svc, year: OptionalYear = None) -> dict[str, Any]:
    """Your quotas in ``year`` (default: this year): active used and remaining, each
    individual active quota with the 50 % rule, flights accepted as observed Party."""
    return quota_usage(missions, who, year or missions.clock.now().year)


@router.get(
    "/live",
    response_model=None,
    responses={200: {"model": LiveOut, "description": "The flights and unread messages"}},
)
def live(
    who: Me,
    missions: Svc,
    svc: Plans,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Any:
    """Every flight you may see and your unread messages per flight, with an ETag."""
    body = {"flights": missions.list_flights(who), "unread": svc.unread(who)}
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()
    tag = f'"{hashlib.sha256(raw).hexdigest()[:32]}"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if if_none_match == tag:
        return Response(status_code=304, headers=headers)
    return Response(raw, media_type="application/json", headers=headers)
