"""What a restriction costs: the best value reachable with it and without it.

Restrictions compared: a dated sub-limit (Kaliningrad's 500 km), the 10 km buffer along
non-party borders (Art. VI §II ¶2), and an altitude floor (which coarsens the ground
resolution a sensor reaches: Art. IV ¶2 sets the finest allowed, a floor forces coarser).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from openskies.errors import InputError
from openskies.planning.context import FlightContext
from openskies.planning.coverage import Site
from openskies.planning.exports import plan_to_geojson
from openskies.planning.planner import FlightPlan, plan_flight
from openskies.planning.route import Leg
from openskies.planning.validation import validate_route

__all__ = ["RESTRICTIONS", "RestrictionImpact", "restriction_impact"]

RESTRICTIONS = ("sub_limits", "border_buffer", "altitude_floor")


@dataclass(frozen=True)
class RestrictionImpact:
    """The best plan with and without one restriction."""

    restriction: str
    with_restriction: FlightPlan
    without_restriction: FlightPlan
    note: str

    def as_json(self, budget_km: float) -> dict[str, Any]:
        """Numbers and both routes as GeoJSON."""

        def summary(plan: FlightPlan) -> dict[str, Any]:
            return {
                "value": plan.value,
                "sites_observed": len(plan.observed_sites),
                "length_km": round(plan.check.length_km, 3),
                "valid": plan.check.valid,
                "geojson": plan_to_geojson(plan, budget_km),
            }

        with_, without = summary(self.with_restriction), summary(self.without_restriction)
        lost = without["value"] - with_["value"]
        return {
            "restriction": self.restriction,
            "note": self.note,
            "with": with_,
            "without": without,
            "value_lost": lost,
            "value_lost_pct": round(100 * lost / without["value"], 2) if without["value"] else 0.0,
        }


def restriction_impact(
    ctx: FlightContext,
    sites: Sequence[Site],
    restriction: str,
    time_limit_s: float = 2.0,
    floor_hagl_m: float | None = None,
    leg: Leg | None = None,
    *,
    clock: Callable[[], float],
) -> RestrictionImpact:
    """Plan twice, with and without ``restriction``, on the same sites and time (of the
    caller's monotonic ``clock``)."""
    profile = leg or Leg(sensors=tuple(ctx.sensors))
    if restriction == "sub_limits":  # planned within them, contested ones too (¶2: a choice)
        free, note = dataclasses.replace(ctx, sub_limits=()), "dated regional sub-limits"
        ctx = dataclasses.replace(ctx, respect_contested=True)
        restricted_leg = free_leg = profile
    elif restriction == "border_buffer":
        free = dataclasses.replace(ctx, buffer_km=0.0)
        note = f"{ctx.buffer_km:g} km from non-party borders (Art. VI §II ¶2)"
        restricted_leg = free_leg = profile
    elif restriction == "altitude_floor":
        if floor_hagl_m is None:
            raise InputError("altitude_floor: give the floor in metres above ground")
        free, note = ctx, f"altitude floor of {floor_hagl_m:,.0f} m above ground"
        free_leg = profile
        restricted_leg = dataclasses.replace(profile, hagl_m=max(profile.hagl_m, floor_hagl_m))
    else:
        raise InputError(f"restriction: one of {', '.join(RESTRICTIONS)}")
    restricted = plan_flight(ctx, sites, time_limit_s, restricted_leg, clock=clock)
    unrestricted = plan_flight(free, sites, time_limit_s, free_leg, clock=clock)
    if restricted.check.valid and restricted.value > unrestricted.value:
        # a route flown under the restriction may be flown without it: the search found less
        check = validate_route(restricted.route, free)
        if check.valid:
            unrestricted = dataclasses.replace(restricted, check=check)
    return RestrictionImpact(restriction, restricted, unrestricted, note)
