"""Reader of OPLib instances (Kobeaga, Merino & Lozano 2018) for the benchmarks only.

OPLib files use TSPLIB headers (``DIMENSION``, ``COST_LIMIT``, ``EDGE_WEIGHT_TYPE``,
``NODE_COORD_SECTION``, ``EDGE_WEIGHT_SECTION``, ``NODE_SCORE_SECTION``,
``DEPOT_SECTION``). The route is a closed tour from the depot, whose score counts,
and distances are TSPLIB's integer functions (Reinelt 1991, TSPLIB 95 §2): EUC_2D
(nearest integer), CEIL_2D, ATT (pseudo-Euclidean), GEO (geographical, km), EXPLICIT
(LOWER_DIAG_ROW, UPPER_ROW, FULL_MATRIX, ...). Returned as an ``OPInstance`` with
``start == end == depot``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance

__all__ = ["read_oplib"]

_SECTIONS = {
    "NODE_COORD_SECTION",
    "EDGE_WEIGHT_SECTION",
    "NODE_SCORE_SECTION",
    "DEPOT_SECTION",
    "DISPLAY_DATA_SECTION",
}


def _geo_radians(value: np.ndarray) -> np.ndarray:
    """TSPLIB GEO: DDD.MM (degrees, minutes) to radians, with TSPLIB's PI = 3.141592."""
    degrees = np.trunc(value)
    return 3.141592 * (degrees + 5.0 * (value - degrees) / 3.0) / 180.0


def _matrix(
    kind: str, fmt: str, coords: np.ndarray | None, weights: list[float], n: int
) -> np.ndarray:
    if kind == "EXPLICIT":
        values = np.array(weights, dtype=np.float64)
        d = np.zeros((n, n))
        if fmt == "FULL_MATRIX":
            d = values[: n * n].reshape(n, n)
        elif fmt in ("LOWER_DIAG_ROW", "UPPER_DIAG_ROW", "LOWER_ROW", "UPPER_ROW"):
            diag = fmt.endswith("DIAG_ROW")
            lower = fmt.startswith("LOWER")
            it = iter(values)
            for i in range(n):
                if lower:
                    cols = range(i + 1) if diag else range(i)
                else:
                    cols = range(i, n) if diag else range(i + 1, n)
                for j in cols:
                    d[i, j] = d[j, i] = next(it)
        else:
            raise InputError(f"unsupported EDGE_WEIGHT_FORMAT {fmt}")
        np.fill_diagonal(d, 0.0)
        return d
    if coords is None:
        raise InputError(f"EDGE_WEIGHT_TYPE {kind} needs a NODE_COORD_SECTION")
    x, y = coords[:, 0], coords[:, 1]
    if kind == "GEO":
        lat, lon = _geo_radians(x), _geo_radians(y)
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        inner = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        d = np.trunc(6378.388 * np.arccos(inner) + 1.0)
        np.fill_diagonal(d, 0.0)
        return d
    dx = x[:, None] - x[None, :]
    dy = y[:, None] - y[None, :]
    if kind == "ATT":
        r = np.sqrt((dx * dx + dy * dy) / 10.0)
        t = np.floor(r + 0.5)
        return np.where(t < r, t + 1.0, t)
    e = np.sqrt(dx * dx + dy * dy)
    if kind == "EUC_2D":
        return np.floor(e + 0.5)
    if kind == "CEIL_2D":
        return np.ceil(e)
    raise InputError(f"unsupported EDGE_WEIGHT_TYPE {kind}")


_METRICS = {
    "EUC_2D": "tsplib_euc_2d",
    "CEIL_2D": "tsplib_ceil_2d",
    "ATT": "tsplib_att",
    "GEO": "tsplib_geo",
}


def read_oplib(path: str | Path, *, matrix: bool = False) -> OPInstance:
    """Read an ``.oplib`` file: closed tour from the depot, TSPLIB integer distances
    (computed on demand from the coordinates, or as a full matrix with ``matrix=True``
    and for EXPLICIT weights)."""
    path = Path(path)
    header: dict[str, str] = {}
    section = None
    coords: dict[int, tuple[float, float]] = {}
    scores: dict[int, float] = {}
    weights: list[float] = []
    depots: list[int] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if not text or text == "EOF":
            continue
        key = text.split(":")[0].strip()
        if key in _SECTIONS:
            section = key
            continue
        if ":" in text and not (text[0].isdigit() or text[0] in "+-."):
            name, _, value = text.partition(":")
            header[name.strip()] = value.strip()
            section = None
            continue
        fields = text.split()
        if section == "NODE_COORD_SECTION":
            coords[int(fields[0])] = (float(fields[1]), float(fields[2]))
        elif section == "EDGE_WEIGHT_SECTION":
            weights.extend(float(f) for f in fields)
        elif section == "NODE_SCORE_SECTION":
            scores[int(fields[0])] = float(fields[1])
        elif section == "DEPOT_SECTION":
            depots.extend(int(f) for f in fields if int(f) != -1)
    n = int(header["DIMENSION"])
    kind = header["EDGE_WEIGHT_TYPE"]
    fmt = header.get("EDGE_WEIGHT_FORMAT", "FUNCTION")
    xy = np.array([coords[i] for i in range(1, n + 1)]) if coords else None
    depot = (depots[0] if depots else 1) - 1
    score = np.array([scores.get(i, 0.0) for i in range(1, n + 1)])
    if kind in _METRICS and xy is not None and not matrix:  # distances on demand
        return OPInstance.from_points(
            xy, score, float(header["COST_LIMIT"]), start=depot, end=depot, metric=_METRICS[kind]
        )
    dist = _matrix(kind, fmt, xy, weights, n)
    return OPInstance.from_distance_matrix(
        dist, score, float(header["COST_LIMIT"]), start=depot, end=depot, coords=xy
    )
