"""Compile the orienteering solver's loops once per machine: ``python -m
openskies.planning.optimiser.warm_up`` (``make install`` runs it).

numba writes the machine code into the package's ``__pycache__`` (or its user cache when
that is not writable); every later process loads it (about 0.2-0.3 s) instead of compiling
(several CPU-seconds). Without numba this does nothing: the numpy engine needs no warm-up.
"""

from __future__ import annotations

import numpy as np

from openskies.planning.optimiser import _compiled
from openskies.planning.optimiser._instance import OPInstance
from openskies.planning.optimiser._solve import solve


def _stopped() -> float:
    """A clock that never moves: the warm-up runs a fixed number of rounds."""
    return 0.0


def warm_up() -> bool:
    """Solve two small instances (coordinates, matrix) with the compiled engine: compiles
    every function of it, or loads it from the cache. False when numba is missing."""
    if not _compiled.HAVE_NUMBA:
        return False
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 100, (80, 2))
    scores = rng.integers(1, 10, 80).astype(np.float64)
    by_points = OPInstance.from_points(xy, scores, 300.0, start=0, end=1)
    solve(by_points, 60.0, max_iterations=20, clock=_stopped, engine="compiled")
    by_matrix = OPInstance.from_distance_matrix(by_points.matrix(), scores, 300.0, start=0, end=0)
    solve(by_matrix, 60.0, max_iterations=20, clock=_stopped, engine="compiled")
    return True


if __name__ == "__main__":  # pragma: no cover
    print("compiled" if warm_up() else "numba not installed: the numpy engine will be used")
