"""Parser of the standard orienteering benchmark format (Tsiligirides 1984; Chao et al. 1996).

The format, as shipped with the public benchmark sets::

    Tmax P          line 1: distance budget and number of paths (always 1 here)
    x y S           line 2: start point
    x y S           line 3: end point
    x y S           one line per target: coordinates and score

Fields are separated by tabs or spaces; blank lines are ignored. Distances are the
unrounded Euclidean distances between the points.
"""

from __future__ import annotations

import math

import numpy as np

from openskies.errors import InputError
from openskies.planning.optimiser._instance import OPInstance

__all__ = ["parse_op_instance"]


def _number(text: str, what: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {what} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {what} {text!r} is not a finite number")
    return value


def parse_op_instance(text: str, path: str = "instance") -> OPInstance:
    """An OP instance from the text of a file: point 0 is the start, point 1 the end (file
    order kept). Raises InputError naming ``path`` and the line on any malformed content.
    """

    rows = [(no, line.split()) for no, line in enumerate(text.splitlines(), start=1)]
    rows = [(no, fields) for no, fields in rows if fields]
    if not rows:
        raise InputError(f"{path}: empty file, expected 'Tmax P' on line 1")

    head_no, head = rows[0]
    where = f"{path}:{head_no}"
    if len(head) != 2:
        raise InputError(f"{where}: expected 'Tmax P' (2 fields), got {len(head)} fields")
    budget = _number(head[0], "Tmax", where)
    paths = _number(head[1], "P", where)
    if budget < 0:
        raise InputError(f"{where}: Tmax must be >= 0, got {head[0]}")
    if paths != 1:
        raise InputError(
            f"{where}: only single-path instances (P = 1) are supported, got {head[1]}"
        )

    points: list[tuple[float, float, float]] = []
    for no, fields in rows[1:]:
        where = f"{path}:{no}"
        if len(fields) != 3:
            raise InputError(f"{where}: expected 'x y score' (3 fields), got {len(fields)} fields")
        x = _number(fields[0], "x", where)
        y = _number(fields[1], "y", where)
        score = _number(fields[2], "score", where)
        if score < 0:
            raise InputError(f"{where}: score must be >= 0, got {fields[2]}")
        points.append((x, y, score))
    if len(points) < 2:
        raise InputError(f"{path}: expected a start and an end point, got {len(points)} point(s)")

    table = np.array(points, dtype=np.float64)
    try:
        return OPInstance.from_coordinates(table[:, :2], table[:, 2], budget, start=0, end=1)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
