"""Fixtures and helpers for the geo tests: the shipped territories, true geodesic distances."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from openskies.geo import Territories, load_territories

# An independent Geod, so the tests do not measure openskies.geo with itself.
WGS84 = Geod(ellps="WGS84")


@pytest.fixture(scope="session")
def territories() -> Territories:
    """The territories shipped in the package."""
    return load_territories()


def geodesic_distance_to_km(point: tuple[float, float], lines: BaseGeometry) -> float:
    """True geodesic distance from a (lon, lat) point to (lon, lat) lines, in km.

    Only the lines within 1 deg of the point are looked at (the tests measure tens of km).
    They are straight in (lon, lat), as the data draws them: they are cut into steps of
    0.0005 deg (about 50 m), and the nearest step point is found with pyproj's Geod.
    """
    lon, lat = point
    near = shapely.clip_by_rect(lines, lon - 1.0, lat - 1.0, lon + 1.0, lat + 1.0)
    dense = shapely.get_coordinates(shapely.segmentize(near, 0.0005))
    lon = np.full(len(dense), point[0])
    lat = np.full(len(dense), point[1])
    _, _, metres = WGS84.inv(lon, lat, dense[:, 0], dense[:, 1])
    return float(np.min(metres)) / 1000.0
