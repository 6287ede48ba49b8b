"""Time to measure a 100-leg route: one vectorised ``Geod.inv`` against a loop of one call
per leg (the peer, the same geodesics, in the same run). Was a wall-clock assertion in
tests/unit/geo/test_geodesy.py (< 1 ms per call); timings belong here.

    .venv/bin/python benchmarks/geo/path_length.py
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable

import numpy as np

from openskies.geo import distance_km, path_length_km


def per_call_s(function: Callable[[np.ndarray], float], route: np.ndarray, repeat: int) -> float:
    """Best of 5 batches of ``repeat`` calls, in seconds per call (least disturbed by load)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            function(route)
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def loop_length_km(route: np.ndarray) -> float:
    """The peer: one geodesic call per leg."""
    return sum(distance_km(tuple(a), tuple(b)) for a, b in itertools.pairwise(route))


def main() -> None:
    rng = np.random.default_rng(1992)
    route = np.column_stack([rng.uniform(20, 60, 101), rng.uniform(45, 65, 101)])
    assert abs(path_length_km(route) - loop_length_km(route)) < 1e-6
    ours = per_call_s(path_length_km, route, 200)
    peer = per_call_s(loop_length_km, route, 20)
    print(f"load average {os.getloadavg()[0]:.2f} (1 min)")
    print(f"path_length_km, 100 legs: {ours * 1e3:.3f} ms per call")
    print(f"loop of distance_km, 100 legs: {peer * 1e3:.3f} ms per call")
    print(f"ratio: {peer / ours:.1f}x")


if __name__ == "__main__":
    main()
