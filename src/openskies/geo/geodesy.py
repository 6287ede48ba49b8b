"""Geodesy on the WGS84 ellipsoid: distances, destinations, great-circle points, local metres.

Every point is (lon, lat) in degrees, as in shapely and pyproj; every length is in km unless
its name says otherwise. One ``pyproj.Geod(ellps="WGS84")`` serves the whole package (Karney's
geodesics, accurate to nanometres): the length a mission plan is held to against the maximum
flight distance (Art. VI §II ¶4(A); Ann. A §III) is measured here. Functions that take many
points call ``Geod.inv`` once on arrays (timed in docs/benchmarks.md, geodesy).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod, Transformer
from pyproj.enums import TransformDirection
from shapely.geometry.base import BaseGeometry

__all__ = [
    "GEOD",
    "LocalProjection",
    "LonLat",
    "azimuth_deg",
    "densify",
    "destination",
    "distance_km",
    "distances_km",
    "geodesic_buffer",
    "leg_lengths_km",
    "local_projection",
    "path_length_km",
    "split_antimeridian",
    "wrap_lon_deg",
]

GEOD = Geod(ellps="WGS84")
LonLat = tuple[float, float]
Coords = npt.NDArray[np.float64]

# geodesic_buffer: pieces of at most CELL_DEG x CELL_DEG, each buffered in an azimuthal
# equidistant projection centred on its cell. A point r km from the centre has a transverse
# scale error of about r^2 / (6 R^2): under 0.1 % for r < 400 km, whatever the latitude.
_CELL_DEG = 4.0
_INPUT_STEP_DEG = 0.05  # lon/lat segments are straight in degrees: cut them to <= 5.6 km
_OUTPUT_STEP_M = 1_000.0  # buffer outlines are straight in metres: cut them to <= 1 km
_QUAD_SEGS = 16  # 64 chords per circle: a chord lies within 0.12 % of the radius


def distance_km(a: LonLat, b: LonLat) -> float:
    """Geodesic distance between two (lon, lat) points, in km.

    >>> round(distance_km((0.0, 0.0), (1.0, 0.0)), 3)  # one degree along the equator
    111.319
    """
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


def distances_km(a: npt.ArrayLike, b: npt.ArrayLike) -> Coords:
    """Geodesic distances between matching rows of two (n, 2) arrays of (lon, lat), in km."""
    first = np.asarray(a, dtype=np.float64).reshape(-1, 2)
    second = np.asarray(b, dtype=np.float64).reshape(-1, 2)
    _, _, metres = GEOD.inv(first[:, 0], first[:, 1], second[:, 0], second[:, 1])
    return np.asarray(metres, dtype=np.float64) / 1000.0


def leg_lengths_km(points: npt.ArrayLike) -> Coords:
    """Geodesic length of each leg between consecutive (lon, lat) points, in km."""
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(array) < 2:
        return np.zeros(0)
    return distances_km(array[:-1], array[1:])


def path_length_km(points: npt.ArrayLike) -> float:
    """Geodesic length of a path through (lon, lat) points, in km (0 for fewer than two)."""
    return float(leg_lengths_km(points).sum())


def azimuth_deg(a: LonLat, b: LonLat) -> float:
    """Forward azimuth at ``a`` of the geodesic to ``b``, degrees clockwise from north."""
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[0])


def destination(point: LonLat, azimuth_deg: float, distance_km: float) -> LonLat:
    """The point ``distance_km`` from ``point`` along the geodesic leaving at ``azimuth_deg``.

    Azimuth in degrees clockwise from north; the longitude returned is in [-180, 180].
    """
    lon, lat, _ = GEOD.fwd(point[0], point[1], azimuth_deg, distance_km * 1000.0)
    return (float(lon), float(lat))


def densify(a: LonLat, b: LonLat, max_step_km: float) -> Coords:
    """Points along the geodesic from ``a`` to ``b``, both ends included, at most
    ``max_step_km`` apart and equally spaced, as an (n, 2) array of (lon, lat).

    Longitudes are in [-180, 180]: a leg across the antimeridian jumps there.
    """
    if max_step_km <= 0:
        raise ValueError(f"max_step_km must be positive, not {max_step_km}")
    inner = max(math.ceil(distance_km(a, b) / max_step_km) - 1, 0)
    middle = GEOD.npts(a[0], a[1], b[0], b[1], inner) if inner else []
    return np.array([a, *middle, b], dtype=np.float64).reshape(-1, 2)


def wrap_lon_deg(lon_deg: npt.ArrayLike, centre_deg: float = 0.0) -> Coords:
    """Longitudes moved by multiples of 360 into [centre - 180, centre + 180)."""
    lon = np.asarray(lon_deg, dtype=np.float64)
    return (lon - centre_deg + 180.0) % 360.0 - 180.0 + centre_deg


@dataclass(frozen=True)
class LocalProjection:
    """An azimuthal equidistant projection on WGS84 centred on ``centre`` (lon, lat).

    Coordinates in metres, x east and y north of the centre. Distances and azimuths from the
    centre are exact; between two points r km from it, lengths are off by about
    r^2 / (6 R^2) (0.1 % at 400 km), so a buffer drawn here is geodesic to that precision.
    """

    centre: LonLat
    _transformer: Transformer

    def to_metres(self, lon_deg: npt.ArrayLike, lat_deg: npt.ArrayLike) -> tuple[Coords, Coords]:
        """(x_m, y_m) of (lon, lat) degrees."""
        x_m, y_m = self._transformer.transform(lon_deg, lat_deg)
        return np.asarray(x_m, dtype=np.float64), np.asarray(y_m, dtype=np.float64)

    def to_lonlat(self, x_m: npt.ArrayLike, y_m: npt.ArrayLike) -> tuple[Coords, Coords]:
        """(lon, lat) degrees of (x_m, y_m); longitudes continuous around the centre's."""
        lon, lat = self._transformer.transform(x_m, y_m, direction=TransformDirection.INVERSE)
        return wrap_lon_deg(lon, self.centre[0]), np.asarray(lat, dtype=np.float64)

    def geometry_to_metres(self, geometry: BaseGeometry) -> BaseGeometry:
        """A (lon, lat) geometry in this projection's metres."""
        return shapely.transform(geometry, _columns(self.to_metres))

    def geometry_to_lonlat(self, geometry: BaseGeometry) -> BaseGeometry:
        """A geometry in this projection's metres back in (lon, lat) degrees.

        Longitudes stay continuous around the centre (they may pass +-180); pass the result
        to ``split_antimeridian`` to bring it into [-180, 180].
        """
        return shapely.transform(geometry, _columns(self.to_lonlat))


def _columns(
    function: Callable[[Coords, Coords], tuple[Coords, Coords]],
) -> Callable[[Coords], Coords]:
    def apply(xy: Coords) -> Coords:
        return np.column_stack(function(xy[:, 0], xy[:, 1]))

    return apply


@lru_cache(maxsize=4096)
def local_projection(centre: LonLat) -> LocalProjection:
    """The azimuthal equidistant projection (metres) centred on ``centre`` (lon, lat)."""
    lon, lat = float(centre[0]), float(centre[1])
    transformer = Transformer.from_pipeline(
        "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
        f"+step +proj=aeqd +lon_0={lon!r} +lat_0={lat!r} +ellps=WGS84"
    )
    return LocalProjection((lon, lat), transformer)


def split_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """A (lon, lat) geometry whose longitudes may pass +-180, cut there and wrapped back.

    Each piece beyond 180 (or -180) is moved by 360 deg, so every longitude ends in
    [-180, 180] and no polygon or line spans the antimeridian: shapely, which knows only the
    plane, then reads it right (Chukotka, the Aleutians).
    """
    xmin, _, xmax, _ = geometry.bounds
    if geometry.is_empty or (xmin >= -180.0 and xmax <= 180.0):
        return geometry
    pieces = []
    for turn in range(math.floor((xmin + 180.0) / 360.0), math.floor((xmax + 180.0) / 360.0) + 1):
        window = shapely.box(-180.0 + 360.0 * turn, -90.0, 180.0 + 360.0 * turn, 90.0)
        piece = shapely.intersection(geometry, window)
        if not piece.is_empty:
            pieces.append(shapely.transform(piece, lambda xy, t=turn: xy - [360.0 * t, 0.0]))
    return shapely.union_all(pieces)


def geodesic_buffer(geometry: BaseGeometry, distance_km: float) -> BaseGeometry:
    """Every point within ``distance_km`` (geodesic) of a (lon, lat) geometry, in (lon, lat).

    The geometry's lines (a polygon's outline; the polygon itself is added back) are cut into
    cells of 4 x 4 degrees; each piece is buffered in an azimuthal equidistant projection
    centred on its cell and brought back, so the outline lies within about 0.2 % of
    ``distance_km`` everywhere, at any latitude. Longitudes of the result are in [-180, 180].
    """
    if distance_km <= 0:
        raise ValueError(f"distance_km must be positive, not {distance_km}")
    parts = shapely.get_parts(geometry)
    polygons = [p for p in parts if shapely.get_dimensions(p) == 2]
    lines = [shapely.boundary(p) if shapely.get_dimensions(p) == 2 else p for p in parts]
    buffers = [
        _buffer_lines(centre, piece, distance_km * 1000.0) for centre, piece in _cells(lines)
    ]
    return shapely.union_all([*buffers, *polygons])


def _cells(lines: list[BaseGeometry]) -> list[tuple[LonLat, BaseGeometry]]:
    """Lines (or points) cut into segments, grouped by grid cell, with each cell's centre."""
    parts = [part for line in lines for part in shapely.get_parts(line)]
    if not parts:
        return []
    dense = shapely.segmentize(np.asarray(parts, dtype=object), _INPUT_STEP_DEG)
    segments = np.concatenate([_segments(part) for part in dense])
    cell = np.floor(segments.mean(axis=1) / _CELL_DEG).astype(np.int64)
    order = np.lexsort((cell[:, 1], cell[:, 0]))
    cell, segments = cell[order], segments[order]
    starts = np.flatnonzero(np.any(np.diff(cell, axis=0) != 0, axis=1)) + 1
    out = []
    for chunk, key in zip(np.split(segments, starts), cell[np.r_[0, starts]], strict=True):
        lon = float((key[0] + 0.5) * _CELL_DEG)
        lat = float(min(89.0, max(-89.0, (key[1] + 0.5) * _CELL_DEG)))
        point = np.all(chunk[:, 0] == chunk[:, 1], axis=1)
        merged = shapely.line_merge(shapely.multilinestrings(shapely.linestrings(chunk[~point])))
        pieces = shapely.geometrycollections([merged, shapely.multipoints(chunk[point, 0])])
        out.append(((lon, lat), pieces))
    return out


def _segments(line: BaseGeometry) -> Coords:
    coords = shapely.get_coordinates(line)
    if len(coords) == 1:
        return np.stack([coords, coords], axis=1)
    return np.stack([coords[:-1], coords[1:]], axis=1)


def _buffer_lines(centre: LonLat, lines: BaseGeometry, distance_m: float) -> BaseGeometry:
    projection = local_projection(centre)
    buffered = shapely.buffer(
        projection.geometry_to_metres(lines), distance_m, quad_segs=_QUAD_SEGS
    )
    outline = shapely.segmentize(buffered, _OUTPUT_STEP_M)
    return split_antimeridian(projection.geometry_to_lonlat(outline))
