"""Which sites a route observes: sites inside the ground swath of a leg flown with sensors on.

A leg's swath is the strip on the ground of half-width ``swath_half_width_km`` either side of
the leg, between its two fixes: the sensors' geometric footprint at the leg's height, capped
by Art. IV ¶2 (optical coverage up to 50 km each side of the flight path, a SAR swath of at
most 25 km). Distances are on the WGS84 ellipsoid (``pyproj.Geod``): the cross-track distance
is the shortest geodesic from the site to the leg's geodesic, found by golden-section search
along the leg. Not observed: sites beyond a leg's ends (the aircraft turns there; the strip
has no round caps), sites of a leg shorter than a metre (no flight) or of a transit leg
(sensors off, Art. VII ¶3).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from openskies.errors import InputError
from openskies.geo import GEOD
from openskies.planning.route import Leg, Route
from openskies.planning.sensors import SensorModel, SyntheticApertureRadar
from openskies.treaty import TreatyData

__all__ = [
    "LegFootprint",
    "Site",
    "SiteAccount",
    "SiteStatus",
    "covered_sites",
    "leg_footprint",
    "leg_footprints",
    "observing_legs",
    "swath_half_width_km",
    "swath_polygon",
    "unit_vectors",
]

EARTH_RADIUS_KM = 6371.0088
MIN_LEG_M = 1.0
"""A leg shorter than this is not flown: it observes nothing."""

_GOLDEN = (math.sqrt(5) - 1) / 2
_SEARCH_STEPS = 48  # the bracket shrinks to 0.618^48 ≈ 1e-10 of the leg


@dataclass(frozen=True)
class Site:
    """A candidate site to observe: an id, a (lon, lat) position and a value."""

    id: str
    lon: float
    lat: float
    value: float = 1.0

    def __post_init__(self) -> None:
        if not (-180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            raise InputError(f"site {self.id}: position ({self.lon}, {self.lat}) is not on Earth")
        if not (self.value >= 0):
            raise InputError(f"site {self.id}: value must be >= 0, got {self.value}")


def unit_vectors(lon_deg: npt.ArrayLike, lat_deg: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Unit vectors on the sphere for arrays of (lon, lat) in degrees; shape (n, 3)."""
    lon, lat = np.radians(np.asarray(lon_deg, float)), np.radians(np.asarray(lat_deg, float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def swath_half_width_km(sensor: SensorModel, hagl_m: float, data: TreatyData, on: date) -> float:
    """How far to one side of the path a sensor observes, within the Art. IV ¶2 caps."""
    limits = data.sensors[sensor.category.value].limits.value_on(on)
    if isinstance(sensor, SyntheticApertureRadar):
        cap = limits.max_swath_km if limits.max_swath_km is not None else sensor.swath_km
        return sensor.near_range_km + min(sensor.swath_km, cap)
    width = sensor.swath_half_width_km(hagl_m)
    if limits.max_coverage_each_side_km is not None:
        return min(width, limits.max_coverage_each_side_km)
    return width


@dataclass(frozen=True)
class LegFootprint:
    """What one leg observes: its swath half-width and ground resolution at its height.

    ``gsd_m`` is the finest ground sample distance of the sensors on the leg (sensor geometry);
    ``resolution_limit_m`` the finest the treaty allows those sensors (Art. IV ¶2), which the
    certified minimum height enforces (Art. VI §II ¶4(D)). A transit leg has neither.
    """

    swath_half_width_km: float
    gsd_m: float | None
    resolution_limit_m: float | None
    citation: str
    sensors: tuple[str, ...]

    @property
    def observing(self) -> bool:
        """True when a sensor operates on the leg."""
        return bool(self.sensors)

    def as_json(self) -> dict[str, Any]:
        """The footprint as JSON fields of a leg."""
        return {
            "swath_half_width_km": round(self.swath_half_width_km, 4),
            "gsd_m": None if self.gsd_m is None else round(self.gsd_m, 4),
            "resolution_limit_m": self.resolution_limit_m,
            "resolution_citation": self.citation,
        }


def leg_footprint(
    leg: Leg, sensors: Mapping[str, SensorModel], data: TreatyData, on: date
) -> LegFootprint:
    """The swath and ground resolution of ``leg`` from the sensors on it that are known."""
    on_leg = [sensors[s] for s in leg.sensors if s in sensors] if not leg.transit else []
    if not on_leg:
        return LegFootprint(0.0, None, None, "Art. IV ¶2", ())
    entries = [data.sensors[s.category.value].limits.entry_on(on) for s in on_leg]
    cites = sorted({entry.citation.text for entry in entries})
    return LegFootprint(
        max(swath_half_width_km(s, leg.hagl_m, data, on) for s in on_leg),
        min(s.ground_sample_distance_m(leg.hagl_m) for s in on_leg),
        min(entry.value.ground_resolution_m for entry in entries),
        "; ".join(cites) + "; certified minimum height: Art. VI §II ¶4(D)",
        tuple(s.id for s in on_leg),
    )


def leg_footprints(
    route: Route, sensors: Mapping[str, SensorModel], data: TreatyData, on: date
) -> tuple[LegFootprint, ...]:
    """The footprint of every leg of ``route``, in order."""
    return tuple(leg_footprint(leg, sensors, data, on) for leg in route.legs)


def _sphere_distance_km(
    sites: npt.NDArray[np.float64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Coarse distance (km, sphere) from sites (n, 3) to segments a→b (m, 3): a pre-filter."""
    normal = np.cross(a, b)
    norm = np.linalg.norm(normal, axis=1)
    degenerate = norm < 1e-12
    normal = normal / np.where(degenerate, 1.0, norm)[:, None]
    cross_track = np.abs(np.arcsin(np.clip(sites @ normal.T, -1, 1)))
    within = ((np.cross(a, sites[:, None, :]) * normal).sum(-1) >= 0) & (
        (np.cross(sites[:, None, :], b) * normal).sum(-1) >= 0
    )
    within &= ~degenerate[None, :]
    to_a = np.arccos(np.clip(sites @ a.T, -1, 1))
    to_b = np.arccos(np.clip(sites @ b.T, -1, 1))
    return np.where(within, cross_track, np.minimum(to_a, to_b)) * EARTH_RADIUS_KM


def _angle_deg(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.abs((a - b + 180.0) % 360.0 - 180.0)


def strip_distance_km(
    site: npt.NDArray[np.float64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """For (k, 2) arrays of site, leg start and leg end (lon, lat): the shortest geodesic
    distance (km) from the site to the leg, and whether its foot lies between the leg's ends."""
    az_ab, az_ba, length = (
        np.asarray(x, float) for x in GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    )
    az_as, _, to_a = (
        np.asarray(x, float) for x in GEOD.inv(a[:, 0], a[:, 1], site[:, 0], site[:, 1])
    )
    az_bs, _, to_b = (
        np.asarray(x, float) for x in GEOD.inv(b[:, 0], b[:, 1], site[:, 0], site[:, 1])
    )
    between = ((to_a < 1e-3) | (_angle_deg(az_as, az_ab) <= 90.0)) & (
        (to_b < 1e-3) | (_angle_deg(az_bs, az_ba) <= 90.0)
    )

    def along(s: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        lon, lat, _ = GEOD.fwd(a[:, 0], a[:, 1], az_ab, s)
        return np.asarray(GEOD.inv(lon, lat, site[:, 0], site[:, 1])[2], float)

    low, high = np.zeros(len(site)), length.copy()
    c, d = high - _GOLDEN * high, _GOLDEN * high
    fc, fd = along(c), along(d)
    for _ in range(_SEARCH_STEPS):
        left = fc < fd  # the minimum lies in [low, d]: drop (d, high]; else drop [low, c)
        high = np.where(left, d, high)
        low = np.where(left, low, c)
        new_c = np.where(left, high - _GOLDEN * (high - low), d)
        new_d = np.where(left, c, low + _GOLDEN * (high - low))
        fx = along(np.where(left, new_c, new_d))
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
        c, d = new_c, new_d
    best = np.minimum(np.minimum(fc, fd), np.minimum(to_a, to_b))
    return best / 1000.0, between & (length >= MIN_LEG_M)


def observing_legs(
    route: Route, sites: Sequence[Site], footprints: Sequence[LegFootprint]
) -> list[tuple[int, float] | None]:
    """For each site, the first leg whose swath holds it and the cross-track distance (km),
    or None when no leg flown with a sensor on observes it."""
    out: list[tuple[int, float] | None] = [None] * len(sites)
    if not sites:
        return out
    pts = np.asarray(route.points, dtype=np.float64)
    widths = np.array([f.swath_half_width_km if f.observing else -1.0 for f in footprints])
    xyz = unit_vectors([s.lon for s in sites], [s.lat for s in sites])
    a3, b3 = unit_vectors(pts[:-1, 0], pts[:-1, 1]), unit_vectors(pts[1:, 0], pts[1:, 1])
    lengths = np.asarray(GEOD.inv(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])[2], float)
    # sphere vs ellipsoid geodesics: a leg of L km may part by up to ~L/300 km; be generous
    margin = 0.01 * lengths / 1000 + 0.01 * widths + 1.0
    near = _sphere_distance_km(xyz, a3, b3) <= (widths + margin)[None, :]
    near &= (widths >= 0)[None, :]
    site_index, leg_index = np.nonzero(near)
    if not len(site_index):
        return out
    where = np.array([(s.lon, s.lat) for s in sites], dtype=np.float64)[site_index]
    distance, between = strip_distance_km(where, pts[leg_index], pts[leg_index + 1])
    inside = between & (distance <= widths[leg_index])
    for s, leg, d in zip(site_index[inside], leg_index[inside], distance[inside], strict=True):
        if out[int(s)] is None:  # legs come in order for each site: the first one wins
            out[int(s)] = (int(leg), float(d))
    return out


def covered_sites(
    route: Route,
    sites: Sequence[Site],
    sensors: Mapping[str, SensorModel],
    data: TreatyData,
    on: date,
) -> list[Site]:
    """The sites inside the swath of at least one leg flown with sensors on (each once)."""
    found = observing_legs(route, sites, leg_footprints(route, sensors, data, on))
    return [site for site, hit in zip(sites, found, strict=True) if hit is not None]


class SiteStatus(StrEnum):
    """What became of a candidate site in a plan."""

    OBSERVED = "observed"  # inside the swath of a leg flown with a sensor on
    NOT_COVERED = "not_covered"  # could be observed, but no leg of this route does
    EXCLUDED = "excluded"  # set aside before planning: the reason says which rule


@dataclass(frozen=True)
class SiteAccount:
    """One candidate site in a plan: observed by which leg, not covered, or excluded and why."""

    site: Site
    status: SiteStatus
    leg: int | None = None
    distance_km: float | None = None
    rule: str | None = None
    citation: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The account as JSON."""
        return {
            "id": self.site.id,
            "lon": self.site.lon,
            "lat": self.site.lat,
            "value": self.site.value,
            "status": self.status.value,
            "leg": self.leg,
            "distance_km": None if self.distance_km is None else round(self.distance_km, 4),
            "rule": self.rule,
            "citation": self.citation,
            "reason": self.reason,
        }


def swath_polygon(
    a: tuple[float, float], b: tuple[float, float], half_width_km: float, step_km: float = 20.0
) -> list[tuple[float, float]]:
    """The swath strip of leg a→b as a closed ring of (lon, lat): offsets of ``half_width_km``
    at right angles to the geodesic at points at most ``step_km`` apart."""
    _, _, length = GEOD.inv(a[0], a[1], b[0], b[1])
    if length < MIN_LEG_M or half_width_km <= 0:
        return []
    inner = max(math.ceil(length / 1000 / step_km) - 1, 0)
    line = [a, *(GEOD.npts(a[0], a[1], b[0], b[1], inner) if inner else []), b]
    lon = np.array([p[0] for p in line])
    lat = np.array([p[1] for p in line])
    heading = np.empty(len(line))
    heading[:-1] = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])[0]
    heading[-1] = GEOD.inv(lon[-1], lat[-1], lon[-2], lat[-2])[0] + 180.0
    metres = np.full(len(line), half_width_km * 1000)
    left = GEOD.fwd(lon, lat, heading - 90.0, metres)
    right = GEOD.fwd(lon, lat, heading + 90.0, metres)
    ring = list(zip(left[0].tolist(), left[1].tolist(), strict=True))
    ring += list(zip(right[0].tolist()[::-1], right[1].tolist()[::-1], strict=True))
    return [*ring, ring[0]]
