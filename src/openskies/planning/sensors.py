"""Sensor physics for planning: ground resolution against height, swath, the treaty's caps.

Geometry in the manner of HyPlan (``instruments/frame_camera.py``): heights are above
ground level (``hagl_m``), resolutions and swaths in metres and kilometres, angles in
degrees. A pixel's ground sample distance is not the treaty's bar-target resolution: the
compliance check (Art. VI §II ¶4(D)) uses each sensor's *certified* minimum height
(Ann. D, Ann. C ¶2); the geometry is for coverage and display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from openskies.errors import InputError

__all__ = [
    "FramingCamera",
    "InfraRedLineScanner",
    "PanoramicCamera",
    "SensorCategoryId",
    "SensorModel",
    "SyntheticApertureRadar",
    "default_sensors",
]


class SensorCategoryId(StrEnum):
    """The four categories of Art. IV ¶1, as ids of ``treaty/data/sensors.yaml``."""

    OPTICAL = "optical_camera"
    VIDEO = "video_camera"
    INFRA_RED = "infra_red_line_scanner"
    SAR = "synthetic_aperture_radar"


def _positive(value: float, name: str) -> float:
    if not (math.isfinite(value) and value > 0):
        raise InputError(f"{name}: must be a positive number, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class FramingCamera:
    """A vertical or oblique framing camera (digital or film, by its pixel or grain pitch).

    ``tilt_deg`` is the depression from vertical (0 = vertical); across-track is x.
    """

    id: str
    focal_length_mm: float
    pixel_pitch_um: float
    pixels_across: int
    certified_min_hagl_m: float
    tilt_deg: float = 0.0
    category: SensorCategoryId = SensorCategoryId.OPTICAL

    def __post_init__(self) -> None:
        _positive(self.focal_length_mm, f"{self.id}.focal_length_mm")
        _positive(self.pixel_pitch_um, f"{self.id}.pixel_pitch_um")
        _positive(self.certified_min_hagl_m, f"{self.id}.certified_min_hagl_m")

    def ground_sample_distance_m(self, hagl_m: float) -> float:
        """Across-track ground sample distance at the image centre: H·p/(f·cos θ)."""
        pitch_m = self.pixel_pitch_um * 1e-6
        return (
            hagl_m * pitch_m / (self.focal_length_mm * 1e-3 * math.cos(math.radians(self.tilt_deg)))
        )

    def hagl_for_resolution_m(self, resolution_m: float) -> float:
        """Height above ground at which the centre GSD equals ``resolution_m``."""
        return (
            resolution_m
            * self.focal_length_mm
            * 1e-3
            * math.cos(math.radians(self.tilt_deg))
            / (self.pixel_pitch_um * 1e-6)
        )

    def swath_half_width_km(self, hagl_m: float) -> float:
        """Half the across-track footprint width for a vertical camera, 2·H·tan(FOV/2) / 2."""
        sensor_width_m = self.pixels_across * self.pixel_pitch_um * 1e-6
        half_fov = math.atan(sensor_width_m / 2 / (self.focal_length_mm * 1e-3))
        near, far = self.tilt_deg - math.degrees(half_fov), self.tilt_deg + math.degrees(half_fov)
        edge = max(abs(near), abs(far))
        return hagl_m * math.tan(math.radians(min(edge, 89.0))) / 1000


@dataclass(frozen=True)
class PanoramicCamera:
    """A panoramic camera scanning ``scan_angle_deg`` in total across track."""

    id: str
    focal_length_mm: float
    film_resolution_lp_mm: float
    scan_angle_deg: float
    certified_min_hagl_m: float
    category: SensorCategoryId = SensorCategoryId.OPTICAL

    def ground_sample_distance_m(self, hagl_m: float) -> float:
        """Ground resolution at nadir: one line pair on film, H / (f · lp/mm)."""
        return hagl_m / (self.focal_length_mm * self.film_resolution_lp_mm)

    def swath_half_width_km(self, hagl_m: float) -> float:
        """Half the swath: H · tan(scan / 2)."""
        return hagl_m * math.tan(math.radians(min(self.scan_angle_deg / 2, 89.0))) / 1000


@dataclass(frozen=True)
class InfraRedLineScanner:
    """An infra-red line scanner with instantaneous field of view ``ifov_mrad``."""

    id: str
    ifov_mrad: float
    field_of_view_deg: float
    certified_min_hagl_m: float
    category: SensorCategoryId = SensorCategoryId.INFRA_RED

    def ground_sample_distance_m(self, hagl_m: float) -> float:
        """Ground resolution at nadir: H · IFOV."""
        return hagl_m * self.ifov_mrad * 1e-3

    def swath_half_width_km(self, hagl_m: float) -> float:
        """Half the swath: H · tan(FOV / 2)."""
        return hagl_m * math.tan(math.radians(min(self.field_of_view_deg / 2, 89.0))) / 1000


@dataclass(frozen=True)
class SyntheticApertureRadar:
    """A sideways-looking SAR: resolution independent of height (Ann. D §I ¶2(E))."""

    id: str
    resolution_m: float
    swath_km: float
    near_range_km: float
    certified_min_hagl_m: float = 0.0
    category: SensorCategoryId = SensorCategoryId.SAR

    def ground_sample_distance_m(self, hagl_m: float) -> float:
        """The certified resolution; a SAR's does not depend on height."""
        return self.resolution_m

    def swath_half_width_km(self, hagl_m: float) -> float:
        """Far edge of the imaged strip on one side: near range + swath."""
        return self.near_range_km + self.swath_km


SensorModel = FramingCamera | PanoramicCamera | InfraRedLineScanner | SyntheticApertureRadar


def default_sensors() -> tuple[SensorModel, ...]:
    """A typical digital-camera configuration, for demos when no certified data are given.

    A vertical framing camera with 100 mm focal length and 4.6 µm pixels reaches 0.30 m at
    about 6,520 m (background §3.3); its certified minimum height is set there.
    """
    return (
        FramingCamera(
            "vertical-framing",
            focal_length_mm=100.0,
            pixel_pitch_um=4.6,
            pixels_across=10_000,
            certified_min_hagl_m=6_520.0,
        ),
    )
