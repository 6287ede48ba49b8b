"""Zones near the border of an adjacent State that is not a State Party.

Art. VI §II ¶2: the mission plan may not provide for an observation flight closer than 10 km
to the border with an adjacent State that is not a State Party. A zone here is every point
within ``distance_km`` (geodesic, to about 0.2 %) of the land border, on both sides of it:
intersect it with the observed territory if only that side is wanted. The border is the land
border of the source (docs/geo.md); where it reaches the sea the zone ends in a half-disc (the
maritime boundary between territorial seas is not drawn).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import shapely
from shapely.geometry.base import BaseGeometry

from openskies.errors import InputError
from openskies.geo.geodesy import geodesic_buffer
from openskies.geo.territory import Territories

__all__ = ["NON_PARTY_BORDER_KM", "border_buffer", "zones_near_borders"]

NON_PARTY_BORDER_KM = 10.0  # Art. VI §II ¶2


def border_buffer(
    territories: Territories,
    observed: str,
    non_party: str,
    distance_km: float = NON_PARTY_BORDER_KM,
) -> BaseGeometry:
    """Points within ``distance_km`` of the land border of ``observed`` and ``non_party``.

    Art. VI §II ¶2: no observation flight closer than 10 km to the border with an adjacent
    State that is not a State Party. Each piece of the border is buffered in an azimuthal
    equidistant projection centred on it and brought back to (lon, lat); the result is a
    prepared (Multi)Polygon, cached per (territories, observed, non_party, distance_km).
    Raises ``InputError`` if the two share no land border.
    """
    if distance_km <= 0:
        raise InputError(f"distance_km must be positive, not {distance_km}")
    return _border_buffer(territories, observed, non_party, float(distance_km))


@lru_cache(maxsize=1024)
def _border_buffer(
    territories: Territories, observed: str, non_party: str, distance_km: float
) -> BaseGeometry:
    zone = geodesic_buffer(territories.border(observed, non_party), distance_km)
    shapely.prepare(zone)
    return zone


def zones_near_borders(
    territories: Territories,
    observed: str,
    non_parties: Iterable[str],
    distance_km: float = NON_PARTY_BORDER_KM,
) -> BaseGeometry:
    """The union of ``border_buffer`` over the ``non_parties`` adjacent to ``observed``.

    Art. VI §II ¶2. States in ``non_parties`` that share no land border with ``observed`` are
    skipped (they have no border to keep off); with none adjacent the result is an empty
    polygon. Prepared and cached.
    """
    if distance_km <= 0:
        raise InputError(f"distance_km must be positive, not {distance_km}")
    adjacent = set(territories.neighbours(observed))
    chosen = tuple(sorted(set(non_parties) & adjacent - {observed}))
    return _zones(territories, observed, chosen, float(distance_km))


@lru_cache(maxsize=256)
def _zones(
    territories: Territories, observed: str, non_parties: tuple[str, ...], distance_km: float
) -> BaseGeometry:
    if not non_parties:
        return shapely.Polygon()
    zones = [_border_buffer(territories, observed, n, distance_km) for n in non_parties]
    zone = zones[0] if len(zones) == 1 else shapely.union_all(zones)
    shapely.prepare(zone)
    return zone
