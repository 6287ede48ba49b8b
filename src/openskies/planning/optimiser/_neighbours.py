"""Nearest-neighbour candidate lists: the k nearest other points of each point (private).

Built from the coordinates with a k-d tree (``scipy.spatial.cKDTree``; O(n log n) time,
O(n k) memory) when the distance is a function of planar coordinates, or of points on a
sphere (TSPLIB GEO: the tree runs on unit vectors, whose chord length orders pairs as the
arc does); by blocks of rows of the matrix otherwise (no n x n temporary).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from openskies.planning.optimiser._instance import OPInstance, _geo_radians

__all__ = ["nearest_neighbours"]

IntArray = npt.NDArray[np.intp]
_CHUNK_CELLS = 4_000_000


def _sphere(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """TSPLIB GEO's points as unit vectors: its formula, cos d = cos x_i cos x_j + sin x_i
    sin x_j cos(y_i - y_j), is the dot product of these (x as the polar angle)."""
    x, y = _geo_radians(xy[:, 0]), _geo_radians(xy[:, 1])
    return np.column_stack([np.sin(x) * np.cos(y), np.sin(x) * np.sin(y), np.cos(x)])


def nearest_neighbours(instance: OPInstance, points: IntArray, k: int) -> IntArray:
    """For every point of ``points`` (sorted), its ``k`` nearest others among ``points``,
    nearest first (an n x k table; rows of points outside ``points`` are unused and point
    at ``points[0]``). Ties are broken by index, in no guaranteed order."""
    n = instance.n_points
    points = np.asarray(points, dtype=np.intp)
    k = max(0, min(k, points.size - 1))
    table = np.full((n, max(k, 1)), points[0] if points.size else 0, dtype=np.intp)
    if k == 0:
        return table[:, :0]
    if instance.dist is None:
        assert instance.coords is not None
        xy = instance.coords[points]
        space = _sphere(xy) if instance.metric == "tsplib_geo" else xy
        _, idx = cKDTree(space).query(space, k=k + 1)
        idx = np.asarray(idx, dtype=np.intp)
        # drop each point itself (the first column, unless a duplicate point came first)
        own = np.arange(points.size)[:, None]
        keep = idx != own
        rows = keep & (np.cumsum(keep, axis=1) <= k)
        table[points] = points[idx[rows].reshape(points.size, k)]
        return table
    dist = instance.dist
    chunk = max(1, _CHUNK_CELLS // max(points.size, 1))
    for lo in range(0, points.size, chunk):
        rows_ = points[lo : lo + chunk]
        block = dist[np.ix_(rows_, points)].copy()
        block[np.arange(rows_.size), np.searchsorted(points, rows_)] = np.inf
        part = np.argpartition(block, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(block, part, axis=1).argsort(axis=1)
        table[rows_] = points[np.take_along_axis(part, order, axis=1)]
    return table
