"""Campaign benchmark: three quota flights over Russia planned together, one after another,
and by PyVRP's multi-vehicle solve.

Usage (from the repository root; needs the ``bench`` extra)::

    python benchmarks/op/campaign.py --time-limit 10,30 [--planner 20]

Sites: Russia's airfields and towns of 15,000 people or more (GeoNames, as in
``benchmarks/planner/russia.py``). Flights on 1 June 2019: KUBINKA (5,500 km), ULAN-UDE
(5,000 km) and KUBINKA again, each a round trip from its Open Skies airfield.

1. *Team orienteering* on geodesic distances (WGS84, pyproj), every method with the same
   CPU time (``time.process_time``): ours sequential (``solve_team(max_rounds=0)``: the
   flights one after another, each without the sites the earlier ones collect), ours
   joint (``solve_team``: passes in several orders, then block-coordinate ascent), and
   PyVRP (one vehicle per flight, each with its own depot and ``max_distance``). Every
   route is checked within its budget; a site counts once.
2. *Planner* (``--planner S``): ``plan_campaign`` with whole treaty-valid flight plans
   (territory, lazy re-solves, validation), joint vs sequential, S seconds of wall time each.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
for extra in (HERE, REPO / "src", REPO / "benchmarks" / "planner"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from openskies.bootstrap import shipped_territories, shipped_treaty_data  # noqa: E402
from openskies.planning import flight_context  # noqa: E402
from openskies.planning._geometry import GEOD  # noqa: E402
from openskies.planning.campaign import plan_campaign  # noqa: E402
from openskies.planning.optimiser import OPInstance, solve_team  # noqa: E402

FLIGHTS = ("KUBINKA", "ULAN-UDE", "KUBINKA")
DAY = date(2019, 6, 1)


def geodesic_matrix(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    n = lon.size
    i, j = np.triu_indices(n, k=1)
    _, _, metres = GEOD.inv(lon[i], lat[i], lon[j], lat[j])
    d = np.zeros((n, n))
    d[i, j] = np.asarray(metres) / 1000
    d[j, i] = d[i, j]
    return d


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", default="10,30", help="CPU seconds per method (list)")
    parser.add_argument("--planner", type=float, default=0.0, help="also plan_campaign, s")
    args = parser.parse_args()
    from pyvrp_op import solve_team_with_pyvrp
    from russia import sites

    data, territories = shipped_treaty_data(), shipped_territories()
    contexts = [flight_context(data, territories, "RUS", name, DAY) for name in FLIGHTS]
    candidates = sites()
    fields = {ctx.airfield.id: ctx.airfield for ctx in contexts}
    ids = list(fields)
    lon = np.array([fields[i].lon for i in ids] + [s.lon for s in candidates])
    lat = np.array([fields[i].lat for i in ids] + [s.lat for s in candidates])
    scores = np.array([0.0] * len(ids) + [s.value for s in candidates])
    dist = geodesic_matrix(lon, lat)
    vehicles = [(ids.index(c.airfield.id),) * 2 + (float(c.budget_km),) for c in contexts]
    vehicles = [(a, b, c) for a, b, c in vehicles]
    print(
        f"<!-- python benchmarks/op/campaign.py --time-limit {args.time_limit} --planner "
        f"{args.planner:g} | {len(candidates)} sites | load average {os.getloadavg()[0]:.1f} -->"
    )
    print("| CPU s per method | ours sequential | ours joint | PyVRP (3 vehicles) | PyVRP CPU s |")
    print("|---|---|---|---|---|")

    def team_value(routes: tuple[tuple[int, ...], ...]) -> float:
        for route, (a, b, budget) in zip(routes, vehicles, strict=True):
            OPInstance(budget, scores, dist, start=a, end=b).check_route(list(route))
        return math.fsum(scores[p] for p in set().union(*map(set, routes)))

    for limit in (float(t) for t in args.time_limit.split(",")):
        seq = solve_team(dist, scores, vehicles, limit, max_rounds=0, clock=time.process_time)
        joint = solve_team(dist, scores, vehicles, limit, clock=time.process_time)
        pv = solve_team_with_pyvrp(dist, scores, vehicles, limit, clock=time.process_time)
        print(
            f"| {limit:g} | {team_value(seq.routes):g} | {team_value(joint.routes):g} | "
            f"{team_value(pv.routes):g} | {pv.elapsed_s:.1f} |",
            flush=True,
        )
    if args.planner:
        print()
        print(
            "| planner (wall s) | method | value | valid flights | sites | km per flight | wall s |"
        )
        print("|---|---|---|---|---|---|---|")
        for label, rounds in (("sequential", 0), ("joint", 2)):
            t = time.perf_counter()
            plan = plan_campaign(
                contexts, candidates, args.planner, max_rounds=rounds, clock=time.perf_counter
            )
            wall = time.perf_counter() - t
            out = plan.as_json()
            kms = " / ".join(f"{f['length_km']:,.0f}" for f in out["flights"])
            valid = sum(f["valid"] for f in out["flights"])
            print(
                f"| {args.planner:g} | {label} | {out['value']:g} | {valid}/3 | "
                f"{out['sites_observed']} | {kms} | {wall:.0f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
