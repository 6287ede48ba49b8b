"""Ground footprints of annotated frames, to draw them on a map.

A vertical framing camera (Ann. B category ``OP``/``OF``) with focal length *f* at height *H*
above ground images a square of side ``H · s / f``, where *s* is the frame's side. The
annotation does not give *s*: ``FRAME_SIDE_M`` assumes the 23 cm (9 in) square of standard
aerial film. A SAR record that gives its swath width (Ann. B App.1 ¶15) is drawn as a square
of that side. The squares are approximate (flat Earth over a few kilometres, heading, roll
and pitch ignored): for display, not for measurement.
"""

from __future__ import annotations

import math
from typing import Any

from openskies.custody.annotation import Annotation

__all__ = ["FRAME_SIDE_M", "frame_footprints"]

FRAME_SIDE_M = 0.23
"""Assumed side of a film frame: the 23 cm (9 in) square of standard aerial film."""

_M_PER_DEG_LAT = 111_320.0


def _square(lat: float, lon: float, side_m: float) -> list[list[float]]:
    half_lat = side_m / 2 / _M_PER_DEG_LAT
    half_lon = side_m / 2 / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat)), 1e-6))
    ring = [(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)]
    return [[round(lon + dx * half_lon, 6), round(lat + dy * half_lat, 6)] for dx, dy in ring]


def frame_footprints(annotation: Annotation) -> list[dict[str, Any]]:
    """A GeoJSON feature per record with a position: its footprint, or its point."""
    framing = annotation.sensor.category.value in ("OP", "OF")
    features = []
    for record in annotation.records:
        if record.position is None:
            continue
        lat, lon = record.position.lat_deg, record.position.lon_deg
        side = None
        if framing and annotation.focal_length_mm and record.hagl is not None:
            side = record.hagl.hagl_m * FRAME_SIDE_M / (annotation.focal_length_mm / 1000)
        elif record.swath_width_km is not None:
            side = record.swath_width_km * 1000
        geometry: dict[str, Any] = (
            {"type": "Polygon", "coordinates": [_square(lat, lon, side)]}
            if side
            else {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "time": record.time.strftime("%Y-%m-%dT%H:%MZ"),
                    "frame": record.frame,
                    "side_m": round(side) if side else None,
                },
            }
        )
    return features
