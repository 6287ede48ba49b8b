"""Campaign endpoint: several quota flights over one observed Party, planned together."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from openskies.api.deps import authenticated, services
from openskies.api.responses import CampaignOut
from openskies.errors import InputError
from openskies.planning import FlightContext, flight_context
from openskies.planning.campaign import plan_campaign
from openskies.planning.sites import demo_sites, sites_from_geojson
from openskies.services.container import Services

__all__ = ["router"]

router = APIRouter(prefix="/api/plan", dependencies=[Depends(authenticated)])


AirfieldName = Annotated[str, Field(min_length=1, max_length=80)]


class CampaignFlight(BaseModel):
    """One flight of a campaign: its Open Skies airfield, and the row of Ann. A §III naming a
    region whose distance it uses (Denmark's Faroe Islands or Greenland, the UK's islands)."""

    model_config = ConfigDict(extra="forbid")

    airfield: AirfieldName
    region: str | None = Field(default=None, max_length=80)


class CampaignIn(BaseModel):
    """Plan several flights jointly: observed Party, day, one airfield per flight, sites."""

    model_config = ConfigDict(extra="forbid")

    observed: str = Field(min_length=3, max_length=16)
    date: date
    flights: list[AirfieldName | CampaignFlight] = Field(min_length=1, max_length=12)
    sites: dict[str, Any] | None = None
    time_limit: float = Field(default=6.0, gt=0, le=60)
    hagl_m: float = Field(default=6520.0, gt=0, le=20000)
    sequential: bool = False


@router.post("/campaign", response_model=CampaignOut)
def campaign(body: CampaignIn, svc: Annotated[Services, Depends(services)]) -> dict[str, Any]:
    """The campaign: joint and sequential values, and per flight its check and GeoJSON plan."""
    contexts = [_context(svc, body, k, flight) for k, flight in enumerate(body.flights)]
    sites = (
        demo_sites(*contexts[0].observed_states)
        if body.sites is None
        else sites_from_geojson(body.sites, "sites")
    )
    result = plan_campaign(
        contexts,
        sites,
        body.time_limit,
        body.hagl_m,
        max_rounds=0 if body.sequential else 2,
        clock=time.perf_counter,
    )
    return result.as_json()


def _context(
    svc: Services, body: CampaignIn, k: int, flight: str | CampaignFlight
) -> FlightContext:
    """The context of flight ``k``; a refusal names the flight it is about."""
    airfield, region = (
        (flight, None) if isinstance(flight, str) else (flight.airfield, flight.region)
    )
    try:
        return flight_context(
            svc.data, svc.territories(), body.observed, airfield, body.date, region=region
        )
    except InputError as error:
        raise InputError(f"flights.{k} (flight {k + 1}, {airfield}): {error}") from error
