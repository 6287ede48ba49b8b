"""Which sites a route observes: sites inside the swath of a leg flown with sensors on.

A site counts once, however many legs see it. The swath of a sensor is its geometric
half-width at the leg's height, capped by Art. IV ¶2: optical coverage up to 50 km each side
of the flight path, a SAR swath of at most 25 km. Distances to a leg are cross-track
distances on a sphere of the Earth's mean radius (within 0.5 % of the ellipsoid: enough for
coverage; the treaty checks use the ellipsoid).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from openskies.errors import InputError
from openskies.planning.route import Route
from openskies.planning.sensors import SensorModel, SyntheticApertureRadar
from openskies.treaty import TreatyData

__all__ = ["Site", "covered_sites", "swath_half_width_km", "unit_vectors"]

EARTH_RADIUS_KM = 6371.0088


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
    width = sensor.swath_half_width_km(hagl_m)
    if isinstance(sensor, SyntheticApertureRadar):
        cap = limits.max_swath_km if limits.max_swath_km is not None else sensor.swath_km
        return sensor.near_range_km + min(sensor.swath_km, cap)
    if limits.max_coverage_each_side_km is not None:
        return min(width, limits.max_coverage_each_side_km)
    return width


def _distance_to_legs_km(
    sites: npt.NDArray[np.float64], a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Distance (km) from each site (n, 3) to each great-circle segment a→b (m, 3): (n, m)."""
    normal = np.cross(a, b)
    norm = np.linalg.norm(normal, axis=1)
    norm[norm == 0] = 1.0
    normal = normal / norm[:, None]
    cross_track = np.abs(np.arcsin(np.clip(sites @ normal.T, -1, 1)))
    within = ((np.cross(a, sites[:, None, :]) * normal).sum(-1) >= 0) & (
        (np.cross(sites[:, None, :], b) * normal).sum(-1) >= 0
    )
    to_a = np.arccos(np.clip(sites @ a.T, -1, 1))
    to_b = np.arccos(np.clip(sites @ b.T, -1, 1))
    return np.where(within, cross_track, np.minimum(to_a, to_b)) * EARTH_RADIUS_KM


def covered_sites(
    route: Route,
    sites: Sequence[Site],
    sensors: Mapping[str, SensorModel],
    data: TreatyData,
    on: date,
) -> list[Site]:
    """The sites inside the swath of at least one leg flown with sensors on (each once)."""
    if not sites:
        return []
    xyz = unit_vectors([s.lon for s in sites], [s.lat for s in sites])
    pts = route.points
    a = unit_vectors([p[0] for p in pts[:-1]], [p[1] for p in pts[:-1]])
    b = unit_vectors([p[0] for p in pts[1:]], [p[1] for p in pts[1:]])
    widths = np.array(
        [
            max(
                (
                    swath_half_width_km(sensors[s], leg.hagl_m, data, on)
                    for s in leg.sensors
                    if s in sensors
                ),
                default=-1.0,
            )
            for leg in route.legs
        ]
    )
    seen = (_distance_to_legs_km(xyz, a, b) <= widths[None, :]).any(axis=1)
    return [site for site, hit in zip(sites, seen, strict=True) if hit]
