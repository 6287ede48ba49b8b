"""Treaty endpoints: States Parties, quotas and Open Skies airfields on a day."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from openskies.api.deps import authenticated, services
from openskies.api.responses import AirfieldOut, PartyOut, QuotasOut
from openskies.api.validated import Year
from openskies.errors import InputError
from openskies.services.container import Services
from openskies.treaty import (
    check_in_treaty_period,
    flight_distances_on,
    holders_in_year,
    observed_cap,
    party_summaries,
    passive_quotas_in_year,
    phase_in_ends,
    resolve_holder,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/treaty", dependencies=[Depends(authenticated)])
Svc = Annotated[Services, Depends(services)]


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"on: {value!r} is not a date (YYYY-MM-DD)") from None


@router.get("/parties", response_model=list[PartyOut])
def parties(on: str, svc: Svc) -> list[dict[str, Any]]:
    """The States Parties on a day, with group and quota holder."""
    return party_summaries(svc.data, _day(on))


@router.get("/quotas", response_model=QuotasOut)
def quotas(year: Year, svc: Svc) -> dict[str, Any]:
    """Passive quotas of the holders in force in a year (null where unknown)."""
    data = svc.data
    check_in_treaty_period(data, date(year, 12, 31))
    passive = passive_quotas_in_year(data, year)
    names = {h.code: h.name for h in holders_in_year(data, year)}
    return {
        "year": year,
        "passive": passive,
        "names": names,
        "observed_cap": {
            c: observed_cap(v, year, data) for c, v in passive.items() if v is not None
        },
        "phase_in": year <= phase_in_ends(data).year,
        "unknown": sorted(c for c, v in passive.items() if v is None),
    }


@router.get("/airfields", response_model=list[AirfieldOut])
def airfields(observed: str, on: str, svc: Svc) -> list[dict[str, Any]]:
    """Open Skies airfields of the observed Party on a day, with their maximum distances."""
    data, day = svc.data, _day(on)
    check_in_treaty_period(data, day)
    holder = resolve_holder(data, observed, day)
    out = []
    for entry in flight_distances_on(data, day):
        site = data.sites.get(entry.entry.site or "")
        if site is None or site.state not in holder.members or site.best_position is None:
            continue
        lon, lat = site.best_position
        out.append(
            {
                "id": site.id,
                "name": site.name,
                "airfield": entry.entry.airfield,
                "lon": lon,
                "lat": lat,
                "distance_km": entry.distance_km,
                "citation": entry.citation.text,
                "source": entry.citation.url,
            }
        )
    return out
