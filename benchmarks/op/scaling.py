"""Time and memory against the number of points: the OP solver's first route.

Usage (from the repository root)::

    python benchmarks/op/scaling.py --sizes 500,1000,2000,5000,10000

Each size runs in a fresh process: the compiled code is loaded (``warm_up``, timed
apart), a uniform instance (random scores 1-100, round trip, budget half of an estimated
tour through all points; ``synthetic.make_instance``, distances on demand) is built from
coordinates, then solved with ``max_iterations=0`` (neighbour lists, construction and
local search: the first route the solver would return). Reported per size: CPU seconds
to build the instance and to the first route, its score against the same solver after 5
CPU-s more of search, and the process's peak resident memory (``ru_maxrss``) after the
imports and warm-up, after building, and at the end. ``--engine numpy`` measures the
numpy engine (full matrix). CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(n: int, more_s: float, engine: str) -> dict[str, float]:
    sys.path[:0] = [str(HERE), str(HERE.parents[1] / "src")]
    import numpy  # noqa: F401
    from synthetic import make_instance

    from openskies.planning.optimiser import solve
    from openskies.planning.optimiser.warm_up import warm_up

    t = time.process_time()
    if engine != "numpy":
        warm_up()
    load = time.process_time() - t
    base = _peak_mib()
    t = time.process_time()
    instance = make_instance("uniform", n, 0.5, 11, "random", True)
    build = time.process_time() - t
    built = _peak_mib()
    first = solve(instance, 1e6, max_iterations=0, clock=time.process_time, engine=engine)
    instance.check_route(first.route)
    later = solve(instance, more_s + first.elapsed_s, clock=time.process_time, engine=engine)
    instance.check_route(later.route)
    return {
        "n": n,
        "load_cpu_s": load,
        "build_cpu_s": build,
        "first_cpu_s": first.elapsed_s,
        "first_score": first.score,
        "later_score": later.score,
        "peak_import_mib": base,
        "peak_built_mib": built,
        "peak_mib": _peak_mib(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000,5000,10000")
    parser.add_argument(
        "--more", type=float, default=5.0, help="CPU-s of search after the first route"
    )
    parser.add_argument("--engine", default="auto", choices=("auto", "compiled", "numpy"))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.more, args.engine)))
        return 0
    print(f"<!-- engine {args.engine} | load average {os.getloadavg()[0]:.1f} -->")
    print(
        "| points | load code CPU s | build CPU s | first route CPU s | first score | score "
        f"after +{args.more:g} CPU s | peak RSS MiB (imports / built / end) |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [
                *(sys.executable, __file__, "--child", str(n), "--more", str(args.more)),
                *("--engine", args.engine),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out)
        print(
            f"| {n:,} | {r['load_cpu_s']:.2f} | {r['build_cpu_s']:.2f} | "
            f"{r['first_cpu_s']:.2f} | {r['first_score']:g} | "
            f"{r['later_score']:g} | {r['peak_import_mib']:.0f} / {r['peak_built_mib']:.0f} / "
            f"{r['peak_mib']:.0f} |",
            flush=True,
        )
    print(f"<!-- load average {os.getloadavg()[0]:.1f} at the end -->")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
