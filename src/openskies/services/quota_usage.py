"""Quotas used and remaining for one delegation in one year, counted from the flights.

The numbers the Treaty view shows: the total active quota (Art. III §I ¶5: at most the
passive quota), each individual active quota of the distribution in force (Ann. A §II;
Art. III §I ¶6–9) with the 50 % rule (¶10), and the flights the delegation has accepted as
observed Party (¶4). Flights counted are those that count: not prohibited, declined,
cancelled after an inspection or a demonstration flight, curtailed and not counted
(Art. VIII; Ann. F), nor training flights by agreement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from openskies.adapters.orm import FlightRow
from openskies.services.delegations import Delegation
from openskies.services.missions import counted_flights, flights_by_observed
from openskies.treaty import (
    check_in_treaty_period,
    fifty_percent_bound,
    holders_in_year,
    observed_cap,
    passive_quotas_in_year,
    resolve_holder,
)
from openskies.treaty.active_quotas import individual_quota

__all__ = ["quota_usage"]


def quota_usage(missions: Any, actor: Delegation, year: int) -> dict[str, Any]:
    """Used and remaining quotas of the actor's quota holder in ``year``."""
    data = missions.data
    check_in_treaty_period(data, date(year, 12, 31))
    today = missions.clock.now().date()
    day = min(max(today, date(year, 1, 1)), date(year, 12, 31))
    holder = resolve_holder(data, actor.state, day).code
    passive = passive_quotas_in_year(data, year)
    counted = counted_flights()
    with missions.reading().begin() as session:
        by_observed = flights_by_observed(session, year, holder)
        accepted = session.execute(
            select(func.count()).where(
                FlightRow.quota_year == year,
                *counted,
                FlightRow.observed_holder == holder,
            )
        ).scalar_one()
    total_active = passive.get(holder) or 0
    used = sum(by_observed.values())
    rows = []
    for other in holders_in_year(data, year):
        if other.code == holder:
            continue
        individual = individual_quota(data, holder, other.code, year)
        flights = int(by_observed.get(other.code, 0))
        if not individual.flights and not flights:
            continue
        bound = fifty_percent_bound(total_active, passive.get(other.code) or 0)
        rows.append(
            {
                "observed_party": other.code,
                "name": other.name,
                "individual_quota": individual.flights,
                "basis": individual.basis,
                "citation": individual.citation.text,
                "fifty_percent_bound": bound,
                "used": flights,
                "remaining": max(min(individual.flights, bound) - flights, 0),
            }
        )
    cap = observed_cap(passive.get(holder) or 0, year, data)
    return {
        "year": year,
        "holder": holder,
        "active": {
            "total": total_active,
            "used": used,
            "remaining": max(total_active - used, 0),
            "citation": "Art. III §I ¶5",
        },
        "individual": rows,
        "individual_citation": "Art. III §I ¶6–10; Ann. A §II",
        "passive": {
            "quota": passive.get(holder),
            "must_accept": cap,
            "accepted": int(accepted),
            "remaining": max(cap - int(accepted), 0),
            "citation": "Art. III §I ¶4; Ann. A §II",
        },
    }
