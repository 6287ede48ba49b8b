"""Orienteering-problem instances and solutions: immutable values, validated once.

An instance is a complete, symmetric distance over points ``0 .. n-1``, a non-negative
score per point, a distance budget, and the two terminal points of the route (``start``
and ``end``; equal for a round trip from one airfield). The distance is either a matrix
(``dist``; the flight planner passes geodesic kilometres) or a function of the points'
coordinates computed on demand (``metric``: Euclidean, or one of the TSPLIB 95 functions
of the benchmark files), so that a large instance holds O(n) numbers instead of n².
Distances are in whatever unit the caller uses; the budget is in the same unit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from openskies.errors import InputError

__all__ = ["BUDGET_RTOL", "METRICS", "OPInstance", "OPSolution", "pair_distances"]

METRICS = ("matrix", "euclidean", "tsplib_euc_2d", "tsplib_ceil_2d", "tsplib_att", "tsplib_geo")
"""Distance kinds: a given matrix; unrounded Euclidean; the TSPLIB 95 functions EUC_2D
(nearest integer), CEIL_2D, ATT (pseudo-Euclidean) and GEO (coordinates DDD.MM, km)
(Reinelt 1991, TSPLIB 95 §2). Their index is the compiled engine's ``kind``."""


def _geo_radians(value: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """TSPLIB GEO: DDD.MM (degrees, minutes) to radians, with TSPLIB's PI = 3.141592."""
    degrees = np.trunc(value)
    return np.asarray(3.141592 * (degrees + 5.0 * (value - degrees) / 3.0) / 180.0)


def pair_distances(
    metric: str, xy: npt.NDArray[np.float64], i: npt.ArrayLike, j: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Distances between points ``i`` and ``j`` (arrays, broadcast) of coordinates ``xy``
    under a coordinate ``metric`` (any of :data:`METRICS` but ``matrix``)."""
    a = np.asarray(i, dtype=np.intp)
    b = np.asarray(j, dtype=np.intp)
    if metric == "tsplib_geo":
        lat, lon = _geo_radians(xy[:, 0]), _geo_radians(xy[:, 1])
        q1 = np.cos(lon[a] - lon[b])
        q2 = np.cos(lat[a] - lat[b])
        q3 = np.cos(lat[a] + lat[b])
        inner = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        return np.asarray(np.where(a == b, 0.0, np.trunc(6378.388 * np.arccos(inner) + 1.0)))
    dx = xy[a, 0] - xy[b, 0]
    dy = xy[a, 1] - xy[b, 1]
    sq = dx * dx + dy * dy
    if metric == "euclidean":
        return np.asarray(np.sqrt(sq))
    if metric == "tsplib_euc_2d":
        return np.asarray(np.floor(np.sqrt(sq) + 0.5))
    if metric == "tsplib_ceil_2d":
        return np.asarray(np.ceil(np.sqrt(sq)))
    if metric == "tsplib_att":
        r = np.sqrt(sq / 10.0)
        t = np.floor(r + 0.5)
        return np.asarray(np.where(t < r, t + 1.0, t))
    raise InputError(f"unknown metric {metric!r}; choose from {', '.join(METRICS[1:])}")


BUDGET_RTOL = 1e-9
"""Relative tolerance on the budget: a route is feasible when length <= budget * (1 + 1e-9)."""


def _frozen(array: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if array.dtype == np.float64 and not array.flags.writeable and array.base is None:
        return array  # already a read-only array that no one else can write: no copy
    array = np.array(array, dtype=np.float64, copy=True)
    array.flags.writeable = False
    return array


_CHUNK_CELLS = 2_000_000  # matrix cells per block in checks and distance computations


def _finite_non_negative(dist: npt.NDArray[np.float64]) -> bool:
    rows = max(1, _CHUNK_CELLS // max(dist.shape[1], 1))
    return all(
        bool(np.all(np.isfinite(b)) and not np.any(b < 0))
        for b in (dist[lo : lo + rows] for lo in range(0, dist.shape[0], rows))
    )


def _symmetric(dist: npt.NDArray[np.float64]) -> bool:
    """dist == dist.T within rtol 1e-9, checked by blocks (no n x n temporary)."""
    n = dist.shape[0]
    scale = max(float(dist.max()) if n > 1 else 0.0, 1.0)
    rows = max(1, _CHUNK_CELLS // max(n, 1))
    for lo in range(0, n, rows):
        a = dist[lo : lo + rows]
        b = dist[:, lo : lo + rows].T
        if not np.allclose(a, b, rtol=1e-9, atol=1e-12 * scale):
            return False
    return True


@dataclass(frozen=True, eq=False)
class OPInstance:
    """An orienteering problem: collect the most score on a route no longer than the budget.

    ``dist[i, j]`` is the distance from point ``i`` to point ``j`` (same unit as
    ``budget``), or ``dist`` is None and the distance is ``metric`` (see :data:`METRICS`)
    of ``coords``, computed on demand (:meth:`distance`; :meth:`matrix` builds the n x n
    matrix for a caller that needs one). ``scores[i]`` is the value of visiting point
    ``i`` (counted once). Every route starts at ``start`` and ends at ``end``; these may
    be the same point. Arrays are copied and made read-only (a read-only array that owns
    its memory is kept).
    """

    budget: float
    scores: npt.NDArray[np.float64]
    dist: npt.NDArray[np.float64] | None
    start: int = 0
    end: int = 1
    coords: npt.NDArray[np.float64] | None = None
    metric: str = "matrix"

    def __post_init__(self) -> None:
        scores = _frozen(self.scores)
        object.__setattr__(self, "scores", scores)
        if self.coords is not None:
            object.__setattr__(self, "coords", _frozen(self.coords))
        budget = float(self.budget)
        object.__setattr__(self, "budget", budget)
        if self.dist is None:
            if self.metric not in METRICS[1:]:
                raise InputError(
                    f"an instance without dist needs a coordinate metric "
                    f"({', '.join(METRICS[1:])}), got {self.metric!r}"
                )
            if self.coords is None or self.coords.ndim != 2 or self.coords.shape[1] != 2:
                raise InputError("an instance without dist needs (n, 2) coords")
            if self.coords.shape[0] < 1 or not np.all(np.isfinite(self.coords)):
                raise InputError("coords must hold finite coordinates of at least one point")
            n = int(self.coords.shape[0])
        else:
            if self.metric != "matrix":
                raise InputError(f"metric must be 'matrix' when dist is given, got {self.metric!r}")
            dist = _frozen(self.dist)
            object.__setattr__(self, "dist", dist)
            if dist.ndim != 2 or dist.shape[0] != dist.shape[1] or dist.shape[0] < 1:
                raise InputError(f"dist must be a square n×n matrix, got shape {dist.shape}")
            n = dist.shape[0]
            if not _finite_non_negative(dist):
                raise InputError("dist must hold finite distances >= 0")
            if not _symmetric(dist):
                raise InputError("dist must be symmetric (dist[i, j] == dist[j, i])")
        if scores.shape != (n,):
            raise InputError(f"scores must have one value per point ({n}), got {scores.shape}")
        if self.coords is not None and (self.coords.ndim != 2 or self.coords.shape[0] != n):
            raise InputError(f"coords must have one row per point ({n}), got {self.coords.shape}")
        if not (math.isfinite(budget) and budget >= 0):
            raise InputError(f"budget must be a finite number >= 0, got {self.budget!r}")
        if not np.all(np.isfinite(scores)) or np.any(scores < 0):
            raise InputError("scores must be finite numbers >= 0")
        for name in ("start", "end"):
            index = getattr(self, name)
            if isinstance(index, bool) or not isinstance(index, int | np.integer):
                raise InputError(f"{name} must be an integer point index, got {index!r}")
            if not 0 <= int(index) < n:
                raise InputError(f"{name} = {index} is not a point index in 0..{n - 1}")
            object.__setattr__(self, name, int(index))
        direct = float(self.distance(self.start, self.end))
        if direct > self.budget_limit:
            raise InputError(
                f"no route fits the budget: start {self.start} to end {self.end} is "
                f"{direct:g} > budget {budget:g}"
            )

    @classmethod
    def from_coordinates(
        cls,
        xy: npt.ArrayLike,
        scores: npt.ArrayLike,
        budget: float,
        start: int = 0,
        end: int = 1,
    ) -> OPInstance:
        """Instance on planar points with unrounded Euclidean distances.

        ``xy`` is an ``(n, 2)`` array of coordinates, in the unit of ``budget``.
        """
        lazy = cls.from_points(xy, scores, budget, start=start, end=end)
        return cls(
            budget=budget,
            scores=lazy.scores,
            dist=lazy.matrix(),  # by blocks of rows: O(n) extra memory
            start=start,
            end=end,
            coords=lazy.coords,
        )

    @classmethod
    def from_points(
        cls,
        xy: npt.ArrayLike,
        scores: npt.ArrayLike,
        budget: float,
        *,
        start: int = 0,
        end: int = 1,
        metric: str = "euclidean",
    ) -> OPInstance:
        """Instance on points whose distances are computed on demand (no matrix): O(n)
        memory. ``metric`` is ``euclidean`` (unrounded) or a TSPLIB function; ``xy`` is an
        ``(n, 2)`` array of coordinates (TSPLIB GEO: DDD.MM latitude, longitude)."""
        points = np.asarray(xy, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2:
            raise InputError(f"xy must be an (n, 2) array of coordinates, got {points.shape}")
        if not np.all(np.isfinite(points)):
            raise InputError("xy must hold finite coordinates")
        return cls(
            budget=budget,
            scores=np.asarray(scores, dtype=np.float64),
            dist=None,
            start=start,
            end=end,
            coords=points,
            metric=metric,
        )

    @classmethod
    def from_distance_matrix(
        cls,
        dist: npt.ArrayLike,
        scores: npt.ArrayLike,
        budget: float,
        start: int = 0,
        end: int = 1,
        coords: npt.ArrayLike | None = None,
    ) -> OPInstance:
        """Instance on a precomputed symmetric distance matrix (e.g. geodesic km)."""
        return cls(
            budget=budget,
            scores=np.asarray(scores, dtype=np.float64),
            dist=np.asarray(dist, dtype=np.float64),
            start=start,
            end=end,
            coords=None if coords is None else np.asarray(coords, dtype=np.float64),
        )

    @property
    def n_points(self) -> int:
        """Number of points, terminals included."""
        return int(self.scores.shape[0])

    def distance(self, i: npt.ArrayLike, j: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Distances between points ``i`` and ``j`` (index arrays, broadcast together)."""
        if self.dist is not None:
            return np.asarray(self.dist[np.asarray(i, dtype=np.intp), np.asarray(j, dtype=np.intp)])
        assert self.coords is not None
        return pair_distances(self.metric, self.coords, i, j)

    def matrix(self) -> npt.NDArray[np.float64]:
        """The n x n distance matrix (``dist``, or built from the metric: 8 n² bytes)."""
        if self.dist is not None:
            return self.dist
        n = self.n_points
        out = np.empty((n, n))
        rows = max(1, _CHUNK_CELLS // max(n, 1))
        cols = np.arange(n)
        for lo in range(0, n, rows):
            block = np.arange(lo, min(n, lo + rows))
            out[lo : lo + block.size] = self.distance(block[:, None], cols[None, :])
        out.flags.writeable = False
        return out

    @property
    def budget_limit(self) -> float:
        """Largest feasible route length: the budget with a relative tolerance of 1e-9."""
        return self.budget * (1.0 + BUDGET_RTOL)

    def route_length(self, route: Sequence[int]) -> float:
        """Length of a route given as point indices (sum of its legs, compensated)."""
        legs = self.distance(
            np.asarray(route[:-1], dtype=np.intp), np.asarray(route[1:], dtype=np.intp)
        )
        return math.fsum(legs.tolist())

    def route_score(self, route: Sequence[int]) -> float:
        """Score of a route: each distinct point counts once (terminals included)."""
        return math.fsum(self.scores[sorted(set(route))].tolist())

    def check_route(self, route: Sequence[int]) -> None:
        """Raise InputError unless the route is a feasible route of this instance."""
        if len(route) < 2 or route[0] != self.start or route[-1] != self.end:
            raise InputError(f"route must run from {self.start} to {self.end}: {route!r}")
        inner = list(route[1:-1])
        if any(not 0 <= p < self.n_points for p in route):
            raise InputError("route names a point index out of range")
        if len(set(inner)) != len(inner) or {self.start, self.end} & set(inner):
            raise InputError("route visits a point more than once")
        length = self.route_length(route)
        if length > self.budget_limit:
            raise InputError(f"route length {length:g} exceeds budget {self.budget:g}")


@dataclass(frozen=True)
class OPSolution:
    """A feasible route from ``start`` to ``end``, its score and its length.

    ``route`` lists point indices in visiting order, terminals included;
    ``length`` is in the unit of the instance's distances and never exceeds its budget
    (relative tolerance 1e-9); ``upper_bound`` is a proven bound on the optimal score
    (``proven_optimal`` when the route reaches it); ``iterations`` counts rounds of the
    search, ``elapsed_s`` its wall time and ``best_found_s`` when its score was first reached.
    """

    route: tuple[int, ...]
    score: float
    length: float
    upper_bound: float
    iterations: int
    elapsed_s: float
    best_found_s: float

    @property
    def proven_optimal(self) -> bool:
        """True when the score reaches the proven upper bound."""
        return self.score >= self.upper_bound - 1e-9 * max(1.0, abs(self.upper_bound))
