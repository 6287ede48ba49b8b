"""Generalisation check: our OP solver vs OR-Tools on generated instances of other shapes.

Usage (from the repository root)::

    python benchmarks/op/synthetic.py --time-limit 1 [--sizes 100,250,500] [--workers 1]

Shapes: uniform square, Gaussian clusters, a ring; scores random (1-100), constant
(1), or growing with the distance from the start; open paths and round trips (start
== end); budgets 30-60 % of an estimated tour through all points. No best-known
values exist: the table shows mean score ours / OR-Tools and our relative lead.
Instances are generated from fixed seeds, so every run sees the same ones.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parents[1] / "src"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from openskies.planning.optimiser import OPInstance, solve  # noqa: E402

# (budget as a share of the estimated full tour, seed, score kind, round trip)
_VARIANTS = ((0.3, 1, "random", False), (0.6, 2, "far", True), (0.45, 3, "constant", False))


def make_instance(
    shape: str, n: int, share: float, seed: int, score: str, round_trip: bool
) -> OPInstance:
    """A reproducible instance; the budget is ``share`` of 0.7124·sqrt(n·area)."""
    rng = np.random.default_rng(seed)
    if shape == "uniform":
        xy = rng.uniform(0, 100, (n, 2))
    elif shape == "cluster":
        centres = rng.uniform(0, 100, (max(3, n // 40), 2))
        xy = centres[rng.integers(0, len(centres), n)] + rng.normal(0, 4, (n, 2))
    else:
        angle = rng.uniform(0, 2 * np.pi, n)
        radius = rng.uniform(40, 50, n)
        xy = np.c_[50 + radius * np.cos(angle), 50 + radius * np.sin(angle)]
    if score == "random":
        scores = rng.integers(1, 101, n).astype(float)
    elif score == "constant":
        scores = np.ones(n)
    else:
        scores = 1 + np.floor(np.hypot(*(xy - xy[0]).T))
    end = 0 if round_trip else 1
    scores[[0, end]] = 0
    area = np.ptp(xy[:, 0]) * np.ptp(xy[:, 1])
    budget = share * 0.7124 * np.sqrt(n * area)  # Beardwood-Halton-Hammersley estimate
    direct = float(np.hypot(*(xy[0] - xy[end])))
    return OPInstance.from_points(xy, scores, max(budget, 1.01 * direct), start=0, end=end)


def _run(
    job: tuple[tuple[str, int, float, int, str, bool], float],
) -> tuple[str, int, float, float]:
    case, time_limit_s = job
    from ortools_op import solve_with_ortools

    instance = make_instance(*case)
    ours = solve(instance, time_limit_s, seed=0, clock=time.perf_counter)
    instance.check_route(ours.route)
    ort = solve_with_ortools(instance, time_limit_s)
    instance.check_route(ort.route)
    return case[0], case[1], ours.score, ort.score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=1.0)
    parser.add_argument("--sizes", default="100,250,500")
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    cases = [
        (shape, n, *variant)
        for shape in ("uniform", "cluster", "ring")
        for n in sizes
        for variant in _VARIANTS
    ]
    jobs = [(case, args.time_limit) for case in cases]
    if args.workers == 1:
        results = [_run(job) for job in jobs]
    else:
        with ProcessPoolExecutor(max_workers=args.workers) as pool:
            results = list(pool.map(_run, jobs, chunksize=1))
    groups: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for shape, n, ours, ort in results:
        groups.setdefault((shape, n), []).append((ours, ort))
    head = (
        "shape",
        "points",
        "instances",
        "mean score ours / OR-Tools",
        "ours ahead by %",
        "ours ≥ OR-Tools",
    )
    print("| " + " | ".join(head) + " |")
    print("|---|---|---|---|---|---|")
    for (shape, n), rows in groups.items():
        lead = statistics.mean(100 * (a - b) / b if b > 0 else 0.0 for a, b in rows)
        ours = statistics.mean(a for a, _ in rows)
        ort = statistics.mean(b for _, b in rows)
        wins = sum(a >= b for a, b in rows)
        cells = (
            shape,
            n,
            len(rows),
            f"{ours:.1f} / {ort:.1f}",
            f"{lead:+.1f}",
            f"{wins}/{len(rows)}",
        )
        print("| " + " | ".join(str(c) for c in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
