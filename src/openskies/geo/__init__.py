"""Geodesy and territory for the Treaty on Open Skies.

Pure: no network and no clock; the only file read is the shipped
``data/territories.geojson``, once, by ``load_territories()``. Points are (lon, lat) in
degrees, lengths in km (units are in the names), geometries are shapely objects in (lon, lat).

- ``geodesy``: WGS84 geodesics (``distance_km``, ``destination``, ``densify``...) and local
  azimuthal equidistant projections for metric buffers.
- ``territory``: land, territory (Art. II ¶8), land borders and neighbours of the States.
- ``buffers``: zones within 10 km of the border of a non-party State (Art. VI §II ¶2).
"""

from openskies.geo.buffers import NON_PARTY_BORDER_KM, border_buffer, zones_near_borders
from openskies.geo.geodesy import (
    GEOD,
    LocalProjection,
    LonLat,
    azimuth_deg,
    densify,
    destination,
    distance_km,
    distances_km,
    geodesic_buffer,
    leg_lengths_km,
    local_projection,
    path_length_km,
    split_antimeridian,
    wrap_lon_deg,
)
from openskies.geo.territory import (
    TERRITORIAL_SEA_KM,
    DisputedArea,
    Territories,
    load_territories,
    point_in_territory,
)

__all__ = [
    "GEOD",
    "NON_PARTY_BORDER_KM",
    "TERRITORIAL_SEA_KM",
    "DisputedArea",
    "LocalProjection",
    "LonLat",
    "Territories",
    "azimuth_deg",
    "border_buffer",
    "densify",
    "destination",
    "distance_km",
    "distances_km",
    "geodesic_buffer",
    "leg_lengths_km",
    "load_territories",
    "local_projection",
    "path_length_km",
    "point_in_territory",
    "split_antimeridian",
    "wrap_lon_deg",
    "zones_near_borders",
]
