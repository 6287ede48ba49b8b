"""Campaign endpoint: several quota flights over one observed Party, planned together."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from openskies.api.deps import authenticated, services
from openskies.planning import flight_context
from openskies.planning.campaign import plan_campaign
from openskies.planning.sites import demo_sites, sites_from_geojson
from openskies.services.container import Services

__all__ = ["router"]

router = APIRouter(prefix="/api/plan", dependencies=[Depends(authenticated)])


class CampaignIn(BaseModel):
    """Plan several flights jointly: observed Party, day, one airfield per flight, sites."""

    model_config = ConfigDict(extra="forbid")

    observed: str = Field(min_length=3, max_length=16)
    date: date
    flights: list[str] = Field(min_length=1, max_length=12)
    sites: dict[str, Any] | None = None
    time_limit: float = Field(default=6.0, gt=0, le=60)
    hagl_m: float = Field(default=6520.0, gt=0, le=20000)
    sequential: bool = False


@router.post("/campaign")
def campaign(body: CampaignIn, svc: Annotated[Services, Depends(services)]) -> dict[str, Any]:
    """The campaign: joint and sequential values, and per flight its check and GeoJSON plan."""
    contexts = [
        flight_context(svc.data, svc.territories(), body.observed, name, body.date)
        for name in body.flights
    ]
    sites = (
        demo_sites(*contexts[0].observed_states)
        if body.sites is None
        else sites_from_geojson(body.sites, "sites")
    )
    result = plan_campaign(
        contexts, sites, body.time_limit, body.hagl_m, max_rounds=0 if body.sequential else 2
    )
    return result.as_json()
