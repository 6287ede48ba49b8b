"""The territory of a State: land, territorial sea, land borders and neighbours.

Art. II ¶8: territory is the land, including islands, and the internal and territorial waters
over which a State Party exercises sovereignty. Land comes from the shipped
``data/territories.geojson`` (Natural Earth 4.1.0, 1:10m; built by
``scripts/build_territories.py``; see docs/geo.md). The territorial sea is approximated as a
band of 12 nautical miles (22.224 km, UNCLOS Art. 3) measured geodesically from the coast as
drawn, with no baselines (so no bay or fjord closing lines, no internal waters beyond the
band) and no maritime boundary agreements. The band never covers another State's land, and
where two States' bands overlap (coasts less than 24 nm apart: the Øresund, the Strait of
Dover, the Kerch Strait, the Bering Strait, the Aegean) the median line divides them (UNCLOS
Art. 15, the rule failing an agreement), found from points every ~0.5 km along both coasts.
The bands for 12 nm are computed by the build script with this very code and shipped; other
widths are computed on first use (seconds for a large State) and cached.

All geometries are shapely objects in (lon, lat) degrees, valid in the plane: none spans the
antimeridian (the data cut Chukotka and the Aleutians at +-180; computed bands are cut there
too), so a point at lon 179.5 or -179.5 is found in Russia's Chukotka either way.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from openskies.errors import DataError, InputError
from openskies.geo.geodesy import geodesic_buffer

__all__ = [
    "TERRITORIAL_SEA_KM",
    "DisputedArea",
    "Territories",
    "load_territories",
    "point_in_territory",
]

TERRITORIAL_SEA_KM = 22.224  # 12 nautical miles of 1.852 km (UNCLOS Art. 3)
_DATA_FILE = "territories.geojson"
# A land border is taken off a State's outline with this margin (deg) to find its coast.
_BORDER_MARGIN_DEG = 1e-6
_ANTIMERIDIAN = shapely.multilinestrings(
    [[(180.0, -90.0), (180.0, 90.0)], [(-180.0, -90.0), (-180.0, 90.0)]]
)


@dataclass(frozen=True)
class DisputedArea:
    """An area the source draws inside one State that another State claims.

    Natural Earth draws de facto control; a planner that follows another view (for example
    Crimea as Ukrainian territory, as most States Parties hold) moves ``geometry`` from
    ``held_by`` to ``claimed_by`` itself.
    """

    name: str
    held_by: str
    claimed_by: str
    geometry: BaseGeometry
    note: str


class Territories:
    """Land, territory, borders and neighbours of the States in the shipped data.

    Read-only; results are cached per instance. Get the shipped one from
    ``load_territories()``; ``Territories.from_geojson`` reads another FeatureCollection of the
    same shape (tests, other sources). ``territories_12nm`` holds precomputed territories
    (land + 12 nm) by code; a code missing there is computed when first asked for.
    """

    def __init__(
        self,
        lands: Mapping[str, BaseGeometry],
        names: Mapping[str, str],
        borders: Mapping[tuple[str, str], BaseGeometry],
        outer_borders: Mapping[str, BaseGeometry],
        disputed: Sequence[DisputedArea] = (),
        metadata: Mapping[str, Any] | None = None,
        territories_12nm: Mapping[str, BaseGeometry] | None = None,
    ) -> None:
        self._lands = MappingProxyType(dict(lands))
        self._names = MappingProxyType(dict(names))
        self._borders = MappingProxyType({tuple(sorted(k)): v for k, v in borders.items()})
        self._outer_borders = MappingProxyType(dict(outer_borders))
        self._neighbours: Mapping[str, tuple[str, ...]] = MappingProxyType(
            {
                code: tuple(
                    sorted(
                        {b for pair in self._borders for b in pair if code in pair and b != code}
                    )
                )
                for code in self._lands
            }
        )
        self._tree = shapely.STRtree(list(self._lands.values()))
        self._tree_codes = tuple(self._lands)
        self._territories: dict[tuple[str, float], BaseGeometry] = {}
        self._coasts: dict[str, BaseGeometry] = {}
        self._bands: dict[tuple[str, float], BaseGeometry] = {}
        self._shipped_territories = MappingProxyType(dict(territories_12nm or {}))
        self.disputed: tuple[DisputedArea, ...] = tuple(disputed)
        self.metadata: Mapping[str, Any] = MappingProxyType(dict(metadata or {}))
        for geometry in self._lands.values():
            shapely.prepare(geometry)

    @classmethod
    def from_geojson(cls, collection: Mapping[str, Any], origin: str = "GeoJSON") -> Territories:
        """Territories from a FeatureCollection as written by scripts/build_territories.py.

        Features of ``kind`` "land" (``code``, ``name``), "land_border" (``codes``: two codes,
        the second null for a unit not in the file) and "disputed". A feature that breaks this
        raises ``DataError`` naming ``origin`` and the feature. Geometries are trusted to be
        valid (the build script and the tests check it; checking here would double the load).
        """
        lands: dict[str, BaseGeometry] = {}
        names: dict[str, str] = {}
        borders: dict[tuple[str, str], BaseGeometry] = {}
        outer: dict[str, list[BaseGeometry]] = defaultdict(list)
        disputed: list[DisputedArea] = []
        shipped: dict[str, BaseGeometry] = {}
        for number, feature in enumerate(collection.get("features", [])):
            where = f"{origin}: feature {number}"
            try:
                properties = feature["properties"]
                kind = properties["kind"]
                geometry = shape(feature["geometry"])
                if kind == "land":
                    code = properties["code"]
                    lands[code], names[code] = geometry, properties["name"]
                elif kind == "land_border":
                    a, b = properties["codes"]
                    if b is None:
                        outer[a].append(geometry)
                    else:
                        borders[(a, b)] = geometry
                elif kind == "territory":
                    if properties["territorial_sea_km"] == TERRITORIAL_SEA_KM:
                        shipped[properties["code"]] = geometry
                elif kind == "disputed":
                    disputed.append(
                        DisputedArea(
                            properties["name"],
                            properties["held_by"],
                            properties["claimed_by"],
                            geometry,
                            properties.get("note", ""),
                        )
                    )
                else:
                    raise DataError(f"{where}: unknown kind {kind!r}")
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise DataError(f"{where}: {exc!r}") from exc
        for a, b in borders:
            if a not in lands or b not in lands:
                raise DataError(f"{origin}: border {a}-{b} names a State with no land feature")
        territories = cls(
            lands,
            names,
            borders,
            {code: shapely.union_all(parts) for code, parts in outer.items()},
            disputed,
            collection.get("metadata"),
            shipped,
        )
        return territories

    def codes(self) -> tuple[str, ...]:
        """ISO 3166 alpha-3 codes of every State (or other unit) in the data, sorted."""
        return tuple(sorted(self._lands))

    def name(self, code: str) -> str:
        """The short English name of ``code``."""
        return self._names[self._check(code)]

    def land(self, code: str) -> BaseGeometry:
        """Land of ``code`` (islands, exclaves, overseas parts as the source draws them).

        A (Multi)Polygon in (lon, lat), prepared for fast predicates. Art. II ¶8.
        """
        return self._lands[self._check(code)]

    def territory(self, code: str, territorial_sea_km: float = TERRITORIAL_SEA_KM) -> BaseGeometry:
        """Land of ``code`` plus a band of ``territorial_sea_km`` off its coast (prepared).

        Art. II ¶8: land, internal and territorial waters. The band is measured geodesically
        from the coast as drawn (no baselines, no maritime boundary agreements), never covers
        another State's land and stops at the median line where two bands meet; its outer
        edge is within 0.25 km of ``territorial_sea_km``. ``territorial_sea_km=0`` gives the
        land alone. 12 nm is shipped; another width takes seconds for a large State the first
        time (Russia, Canada), then is cached.
        """
        self._check(code)
        if territorial_sea_km < 0:
            raise InputError(f"territorial_sea_km must be >= 0, not {territorial_sea_km}")
        key = (code, float(territorial_sea_km))
        if key not in self._territories:
            self._territories[key] = self._build_territory(code, float(territorial_sea_km))
        return self._territories[key]

    def coast(self, code: str) -> BaseGeometry:
        """The coastline of ``code``: its outline less every land border and the antimeridian."""
        if code not in self._coasts:
            self._coasts[code] = self._build_coast(code)
        return self._coasts[code]

    def _build_coast(self, code: str) -> BaseGeometry:
        land = self.land(code)
        cuts = [b for pair, b in self._borders.items() if code in pair]
        if code in self._outer_borders:
            cuts.append(self._outer_borders[code])
        cuts.append(_ANTIMERIDIAN)
        margin = shapely.buffer(shapely.union_all(cuts), _BORDER_MARGIN_DEG, quad_segs=1)
        return shapely.difference(shapely.boundary(land), margin)

    def neighbours(self, code: str) -> tuple[str, ...]:
        """Codes of the States that share a land border with ``code``, sorted.

        Art. VI §II ¶2: the border with an adjacent State that is not a State Party is kept
        10 km off. Detached land counts (Kaliningrad makes Russia a neighbour of Poland).
        """
        return self._neighbours[self._check(code)]

    def border(self, a: str, b: str) -> BaseGeometry:
        """The land border shared by ``a`` and ``b``, a (Multi)LineString in (lon, lat).

        Exactly the line both lands share in the source (one simplified TopoJSON arc set).
        """
        key = tuple(sorted((self._check(a), self._check(b))))
        if key not in self._borders:
            raise InputError(f"{a} and {b} share no land border")
        return self._borders[key]

    def states_at(self, lon_deg: float, lat_deg: float) -> tuple[str, ...]:
        """Codes of the States whose land holds the point (lon, lat), sorted."""
        point = shapely.Point(lon_deg, lat_deg)
        hits = self._tree.query(point, predicate="intersects")
        return tuple(sorted(self._tree_codes[i] for i in hits))

    def _check(self, code: str) -> str:
        if code not in self._lands:
            raise InputError(
                f"no territory for {code!r}: known codes are {', '.join(self.codes())}"
            )
        return code

    def _build_territory(self, code: str, sea_km: float) -> BaseGeometry:
        land = self.land(code)
        if sea_km == 0:
            return land
        if sea_km == TERRITORIAL_SEA_KM and code in self._shipped_territories:
            shipped = self._shipped_territories[code]
            shapely.prepare(shipped)
            return shipped
        band = self._band(code, sea_km)
        if band.is_empty:
            return land
        reach_deg = _degrees_at_least(2.0 * sea_km, band)
        others = [
            self._tree_codes[i]
            for i in self._tree.query(band, predicate="dwithin", distance=reach_deg)
            if self._tree_codes[i] != code
        ]
        nearer_to_others = []
        for other in others:
            band = shapely.difference(band, self._lands[other])
            overlap = shapely.intersection(band, self._band(other, sea_km))
            for part in shapely.get_parts(overlap):
                if shapely.get_dimensions(part) == 2 and shapely.area(part) > 0:
                    nearer_to_others.append(self._nearer_to(other, code, part, sea_km))
        if nearer_to_others:
            band = shapely.difference(band, shapely.union_all(nearer_to_others))
        geometry = _polygonal(shapely.union_all([land, band]))
        shapely.prepare(geometry)
        return geometry

    def _band(self, code: str, sea_km: float) -> BaseGeometry:
        """Every point within ``sea_km`` of the coast of ``code`` (cached)."""
        key = (code, sea_km)
        if key not in self._bands:
            coast = self.coast(code)
            if coast.is_empty:
                self._bands[key] = shapely.Polygon()
            else:
                band = geodesic_buffer(coast, sea_km)
                self._bands[key] = shapely.simplify(band, _BAND_TOLERANCE_DEG)
        return self._bands[key]

    def _nearer_to(self, other: str, code: str, part: BaseGeometry, sea_km: float) -> BaseGeometry:
        """The piece of ``part`` (where two seas overlap) nearer to the coast of ``other``.

        The median line divides overlapping territorial seas (UNCLOS Art. 15, failing an
        agreement): here the Voronoi diagram of points every ~0.5 km along both coasts near
        ``part``, drawn in (lon cos(lat0), lat), which is isotropic to within ~1 % there.
        """
        reach_deg = _degrees_at_least(1.2 * sea_km, part)
        xmin, ymin, xmax, ymax = part.bounds
        window = (xmin - reach_deg, ymin - reach_deg, xmax + reach_deg, ymax + reach_deg)
        ours = _coast_points(self.coast(code), window)
        theirs = _coast_points(self.coast(other), window)
        if not len(theirs):
            return shapely.Polygon()
        ours = ours[~_rows_in(ours, theirs)]
        if not len(ours):
            return part
        lat0 = (ymin + ymax) / 2.0
        scale = np.array([np.cos(np.radians(lat0)), 1.0])
        frame = shapely.box(*(np.array(window).reshape(2, 2) * scale).ravel())
        sites = shapely.multipoints(np.vstack([ours, theirs]) * scale)
        cells = shapely.get_parts(shapely.voronoi_polygons(sites, extend_to=frame, ordered=True))
        region = shapely.transform(shapely.union_all(cells[len(ours) :]), lambda xy: xy / scale)
        # A little beyond ``part`` too: the two bands' simplified edges (<= 0.22 km apart)
        # leave slivers of one band on the other side of the median line, next to ``part``.
        return shapely.intersection(shapely.buffer(part, _MEDIAN_MARGIN_DEG), region)


_KM_PER_DEG = 111.32
_COAST_STEP_DEG = 0.005  # ~0.5 km between coast points for the median line
_BAND_TOLERANCE_DEG = 0.002  # the sea band's outer edge is simplified by <= 0.22 km
_MEDIAN_MARGIN_DEG = 0.02  # < the 20 % margin of the window of coast points (>= 0.04 deg)


def _degrees_at_least(km: float, near: BaseGeometry) -> float:
    """Degrees that span at least ``km`` in every direction anywhere in ``near``'s latitudes."""
    _, ymin, _, ymax = near.bounds
    lat = min(max(abs(ymin), abs(ymax)), 85.0)
    return float(km / (_KM_PER_DEG * np.cos(np.radians(lat))))


def _coast_points(
    coast: BaseGeometry, window: tuple[float, float, float, float]
) -> npt.NDArray[np.float64]:
    """Points every ~0.5 km along the part of ``coast`` inside the (lon, lat) window."""
    near = shapely.clip_by_rect(coast, *window)
    points = shapely.get_coordinates(shapely.segmentize(near, _COAST_STEP_DEG))
    return np.unique(points, axis=0) if len(points) else np.zeros((0, 2))


def _rows_in(
    rows: npt.NDArray[np.float64], other: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    keys = {tuple(r) for r in np.round(other, 7)}
    return np.array([tuple(r) in keys for r in np.round(rows, 7)], dtype=bool)


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    polygons = [g for g in shapely.get_parts(geometry) if shapely.get_dimensions(g) == 2]
    if len(polygons) == 1:
        return polygons[0]
    return shapely.multipolygons(polygons)


@cache
def load_territories() -> Territories:
    """The territories shipped with openskies (read once, then cached)."""
    source = resources.files("openskies.geo") / "data" / _DATA_FILE
    try:
        collection = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{_DATA_FILE}: cannot be read: {exc}") from exc
    return Territories.from_geojson(collection, origin=_DATA_FILE)


def point_in_territory(
    territories: Territories,
    code: str,
    points: npt.ArrayLike,
    territorial_sea_km: float = TERRITORIAL_SEA_KM,
) -> npt.NDArray[np.bool_]:
    """Which of the (lon, lat) points lie in the territory of ``code`` (Art. II ¶8).

    ``points`` is an (n, 2) array-like (or one point); returns n booleans. Points on the
    outline count as outside. ``territorial_sea_km=0`` tests the land alone.
    """
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    geometry = territories.territory(code, territorial_sea_km)
    return np.asarray(shapely.contains_xy(geometry, array[:, 0], array[:, 1]), dtype=bool)
