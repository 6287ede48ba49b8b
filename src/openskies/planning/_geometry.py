"""Route geometry on the WGS84 ellipsoid: leg lengths, densified legs, crossings.

Points are (lon, lat) in degrees; lengths in kilometres. Legs are great circles (geodesics),
sampled with ``pyproj.Geod.npts`` for point-in-area checks.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import shapely

from openskies.geo import GEOD

__all__ = [
    "crossing_points",
    "densify_route",
    "distance_km",
    "leg_lengths_km",
    "segment_lengths_km",
]

Point = tuple[float, float]


def distance_km(a: Point, b: Point) -> float:
    """Geodesic distance between two (lon, lat) points, in km."""
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000


def leg_lengths_km(points: Sequence[Point]) -> npt.NDArray[np.float64]:
    """Geodesic length of each leg between consecutive points, in km."""
    arr = np.asarray(points, dtype=np.float64)
    return segment_lengths_km(arr)


def segment_lengths_km(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Geodesic length of each segment of an (n, 2) array of (lon, lat), in km."""
    if len(points) < 2:
        return np.zeros(0)
    _, _, metres = GEOD.inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    return np.asarray(metres, dtype=np.float64) / 1000


def densify_route(
    points: Sequence[Point], step_km: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Points along each great-circle leg at most ``step_km`` apart, and each point's leg.

    The last point of each leg is the first of the next; it is listed once, with the
    later leg (the route's last point with the last leg).
    """
    out: list[npt.NDArray[np.float64]] = []
    legs: list[npt.NDArray[np.int64]] = []
    lengths = leg_lengths_km(points)
    for index, ((a, b), length) in enumerate(zip(itertools.pairwise(points), lengths, strict=True)):
        inner = max(math.ceil(length / step_km) - 1, 0)
        middle = GEOD.npts(a[0], a[1], b[0], b[1], inner) if inner else []
        leg = np.array([a, *middle], dtype=np.float64).reshape(-1, 2)
        out.append(leg)
        legs.append(np.full(len(leg), index, dtype=np.int64))
    out.append(np.array([points[-1]], dtype=np.float64))
    legs.append(np.array([len(points) - 2], dtype=np.int64))
    return np.concatenate(out), np.concatenate(legs)


def _near(p: Point, exempt: Sequence[Point], tolerance_km: float) -> bool:
    return any(distance_km(p, q) <= tolerance_km for q in exempt)


def crossing_points(
    points: Sequence[Point],
    exempt: Sequence[Point],
    tolerance_km: float = 1.0,
    dense: tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]] | None = None,
) -> list[tuple[int, int, Point]]:
    """Pairs of legs (i < j) that cross or overlap, with a point where they do.

    Crossings within ``tolerance_km`` of an ``exempt`` point (take-off, calibration
    target, landing) are not reported; neighbouring legs meet at their shared fix, which
    is not a crossing unless they run back over each other. ``dense`` is the route already
    sampled by ``densify_route`` (sampled here at 25 km otherwise).
    """
    coords, leg_of = dense if dense is not None else densify_route(points, 25.0)
    n_legs = len(points) - 1
    # each leg's samples plus the next leg's first point (its end)
    ends = np.array([points[i + 1] for i in range(n_legs)], dtype=np.float64)
    xy = np.vstack([coords[:-1], ends])
    index = np.concatenate([leg_of[:-1], np.arange(n_legs)])
    order = np.argsort(index, kind="stable")
    lines = shapely.linestrings(xy[order], indices=index[order])
    left, right = shapely.STRtree(lines).query(lines, predicate="intersects")
    keep = right > left
    left, right = left[keep], right[keep]
    meets = shapely.intersection(lines[left], lines[right])
    found = []
    closed = points[0] == points[-1]
    for i, j, meet in zip(left.tolist(), right.tolist(), meets, strict=True):
        if j == i + 1 and shapely.get_type_id(meet) == 0:  # one point: the shared fix
            continue
        candidates = [tuple(c) for c in shapely.get_coordinates(meet)]
        if j == i + 1:
            candidates = [c for c in candidates if distance_km(c, points[j]) > tolerance_km]
        if closed and i == 0 and j == n_legs - 1:
            candidates = [c for c in candidates if distance_km(c, points[0]) > tolerance_km]
        candidates = [c for c in candidates if not _near(c, exempt, tolerance_km)]
        if candidates:
            found.append((i, j, (float(candidates[0][0]), float(candidates[0][1]))))
    return found
