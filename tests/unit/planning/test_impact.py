"""The restriction-impact view measures what a restriction costs, on the true coverage."""

from __future__ import annotations

from datetime import date

from tests.conftest import TickingClock

from openskies.geo import load_territories
from openskies.planning import Site, flight_context, restriction_impact
from openskies.treaty import TreatyData


def test_the_border_buffer_costs_the_sites_near_kaliningrad(data: TreatyData) -> None:
    ctx = flight_context(data, load_territories(), "POL", "WARSZAWA-OKECIE", date(2026, 12, 1))
    sites = [
        Site("braniewo", 19.82, 54.38, 5),  # within 10 km of the border with Russia
        Site("goldap", 22.31, 54.31, 5),  # within 10 km too
        Site("bartoszyce", 20.81, 54.25, 5),
        Site("olsztyn", 20.48, 53.78, 1),
    ]
    impact = restriction_impact(
        ctx, sites, "border_buffer", time_limit_s=0.5, clock=TickingClock()
    ).as_json(1400)
    assert impact["with"]["valid"] and impact["without"]["valid"]
    assert impact["with"]["value"] <= 6 < impact["without"]["value"]
    assert impact["value_lost_pct"] > 0
