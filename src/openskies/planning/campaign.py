"""Plan a campaign: several quota flights over one observed Party, planned together.

An observing Party has several active-quota flights a year over the same observed Party
(Art. III §I ¶1-2), each from an Open Skies airfield of the observed Party with its own
maximum flight distance (Ann. A §III) and each a mission plan checked on its own
(Art. VI §II). Planning them together is team orienteering: a site seen by one flight is
worth nothing to the next. Each flight is a whole :func:`plan_flight` (its context, its
lazy re-solves, its validation); the flights are improved in turn by block-coordinate
ascent (:func:`openskies.planning.optimiser.ascend`): first one after another, each without
the sites the earlier ones observe (the sequential plan), then each again without the
sites all the others observe, kept when the campaign's value grows. A site counts once,
for the first flight that observes it; a flight whose route is not valid counts for
nothing. Its value is therefore never below the sequential plan's, which is reported too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from openskies.errors import InputError
from openskies.planning.context import FlightContext
from openskies.planning.coverage import Site
from openskies.planning.exports import plan_to_geojson
from openskies.planning.optimiser import ascend
from openskies.planning.planner import FlightPlan, plan_flight
from openskies.planning.route import Leg

__all__ = ["CampaignPlan", "plan_campaign"]


@dataclass(frozen=True)
class CampaignPlan:
    """The flights of a campaign, the sites each adds, the joint and sequential values."""

    contexts: tuple[FlightContext, ...]
    flights: tuple[FlightPlan, ...]
    new_sites: tuple[tuple[Site, ...], ...]  # per flight: the sites no earlier flight observes
    value: float
    sequential_value: float
    candidates: int
    rounds: int
    solve_seconds: float

    def as_json(self) -> dict[str, Any]:
        """The campaign as JSON: totals, and per flight its airfield, check and GeoJSON plan."""
        first = self.contexts[0]
        return {
            "kind": "campaign",
            "observed": first.observed.code,
            "date": first.on.isoformat(),
            "value": self.value,
            "sequential_value": self.sequential_value,
            "sites_observed": sum(len(s) for s in self.new_sites),
            "candidates": self.candidates,
            "rounds": self.rounds,
            "solve_seconds": round(self.solve_seconds, 3),
            "flights": [
                {
                    "index": k,
                    "airfield": ctx.airfield.name,
                    "end_airfield": ctx.end_airfield.name,
                    "budget_km": ctx.budget_km,
                    "budget_citation": ctx.budget_citation.text,
                    "valid": plan.check.valid,
                    "length_km": round(plan.check.length_km, 3),
                    "value_new": math.fsum(s.value for s in new),
                    "sites_new": [s.id for s in new],
                    "plan": plan_to_geojson(plan, ctx.budget_km),
                }
                for k, (ctx, plan, new) in enumerate(
                    zip(self.contexts, self.flights, self.new_sites, strict=True)
                )
            ],
        }


def plan_campaign(
    contexts: Sequence[FlightContext],
    sites: Sequence[Site],
    time_limit_s: float = 6.0,
    hagl_m: float | None = None,
    seed: int = 0,
    max_rounds: int = 2,
    *,
    clock: Callable[[], float],
) -> CampaignPlan:
    """Plan the flights of ``contexts`` jointly over ``sites`` within ``time_limit_s`` (about)
    seconds of the caller's monotonic ``clock``.

    Every context must be over the same observed Party on the same day. ``max_rounds=0``
    gives the sequential plan (each flight planned once, after the previous ones).
    """
    if not contexts:
        raise InputError("--flight: name at least one Open Skies airfield")
    if not time_limit_s > 0:
        raise InputError("--time-limit: must be a positive number of seconds")
    first = contexts[0]
    for ctx in contexts[1:]:
        if ctx.observed.code != first.observed.code or ctx.on != first.on:
            raise InputError(
                "flights: a campaign is over one observed Party on one day "
                f"({first.observed.code} on {first.on}, not {ctx.observed.code} on {ctx.on})"
            )
    ids = [s.id for s in sites]
    if len(set(ids)) != len(ids):
        raise InputError("sites: each site needs its own id (a site counts once per campaign)")
    worth = {s.id: s.value for s in sites}
    started = clock()

    def plan(
        k: int, taken: frozenset[Hashable], seconds: float
    ) -> tuple[FlightPlan, frozenset[Hashable]]:
        ctx = contexts[k]
        leg = (
            Leg(sensors=tuple(ctx.sensors))
            if hagl_m is None
            else Leg(hagl_m=hagl_m, sensors=tuple(ctx.sensors))
        )
        left = [s for s in sites if s.id not in taken]
        flight = plan_flight(ctx, left, seconds, leg, seed=seed + k, clock=clock)
        seen = frozenset(s.id for s in flight.observed_sites) if flight.check.valid else frozenset()
        return flight, seen

    def value(keys: frozenset[Hashable]) -> float:
        return math.fsum(worth[str(key)] for key in keys)

    result = ascend(len(contexts), plan, value, time_limit_s, max_rounds=max_rounds, clock=clock)
    new_sites: list[tuple[Site, ...]] = []
    counted: set[str] = set()
    for flight in result.routes:
        fresh = (
            tuple(s for s in flight.observed_sites if s.id not in counted)
            if flight.check.valid
            else ()
        )
        counted.update(s.id for s in fresh)
        new_sites.append(fresh)
    return CampaignPlan(
        tuple(contexts),
        result.routes,
        tuple(new_sites),
        math.fsum(s.value for group in new_sites for s in group),
        result.sequential_value,
        len(sites),
        result.rounds,
        clock() - started,
    )
