"""Time and memory against the number of points: the OP solver's first route.

Usage (from the repository root)::

    python benchmarks/op/scaling.py --sizes 500,1000,2000,5000,10000

Each size runs in a fresh process: a uniform instance (random scores 1-100, round trip,
budget half of an estimated tour through all points; ``synthetic.make_instance``) is
built from coordinates, then solved with ``max_iterations=0`` (construction and local
search: the first route the solver would return). Reported per size: CPU seconds to
build the instance (distance matrix and its checks) and to the first route, its score
against the same solver after 5 CPU-s more of search, and the process's peak resident
memory (``ru_maxrss``) after the import of numpy, after building, and at the end.
CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(n: int, more_s: float) -> dict[str, float]:
    sys.path[:0] = [str(HERE), str(HERE.parents[1] / "src")]
    import numpy  # noqa: F401
    from synthetic import make_instance

    from openskies.planning.optimiser import solve

    base = _peak_mib()
    t = time.process_time()
    instance = make_instance("uniform", n, 0.5, 11, "random", True)
    build = time.process_time() - t
    built = _peak_mib()
    first = solve(instance, 1e6, max_iterations=0, clock=time.process_time)
    instance.check_route(first.route)
    later = solve(instance, more_s + first.elapsed_s, clock=time.process_time)
    return {
        "n": n,
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
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.more)))
        return 0
    print(
        "| points | build CPU s | first route CPU s | first score | score after +"
        f"{args.more:g} CPU s | peak RSS MiB (import / built / end) |"
    )
    print("|---|---|---|---|---|---|")
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(n), "--more", str(args.more)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out)
        print(
            f"| {n:,} | {r['build_cpu_s']:.2f} | {r['first_cpu_s']:.2f} | {r['first_score']:g} | "
            f"{r['later_score']:g} | {r['peak_import_mib']:.0f} / {r['peak_built_mib']:.0f} / "
            f"{r['peak_mib']:.0f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
