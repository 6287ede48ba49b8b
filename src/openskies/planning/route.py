"""A mission plan's route: ordered fixes joined by great-circle legs (Art. VI §II ¶4(F)).

A route starts at an Open Skies airfield and ends at one (Art. II ¶5, Art. VI §II ¶3);
each leg carries its height above ground and whether sensors operate on it, or whether it
is a transit leg with sensors off. Coordinates are (lon, lat) in degrees, WGS84.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from openskies.errors import InputError

__all__ = ["FixKind", "Leg", "Route", "TurnType", "Waypoint"]


class FixKind(StrEnum):
    """What a point of the route is; some are exempt from the no-crossing rule."""

    AIRFIELD = "airfield"  # take-off or landing: exempt (Art. VI §II ¶4(G))
    FIX = "fix"  # a declared fix of the mission plan
    CALIBRATION_TARGET = "calibration_target"  # exempt (Art. VI §II ¶4(G))
    REFUELLING = "refuelling"  # a refuelling airfield stop (Art. VI §II ¶3)


class TurnType(StrEnum):
    """How the aircraft turns at a fix (OSCC.DEC/16/02)."""

    TURN_SHORT = "turn_short"  # turn before the fix; sensors not used near it
    OVERFLIGHT = "overflight"  # overfly the fix, then turn the short way


@dataclass(frozen=True)
class Waypoint:
    """A point of the route: (lon, lat) in degrees, a name, what it is, how to turn there."""

    lon: float
    lat: float
    name: str = ""
    kind: FixKind = FixKind.FIX
    turn: TurnType = TurnType.OVERFLIGHT
    site_id: str | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lon) and -180 <= self.lon <= 180):
            raise InputError(f"waypoint {self.name!r}: lon must be within -180..180")
        if not (math.isfinite(self.lat) and -90 <= self.lat <= 90):
            raise InputError(f"waypoint {self.name!r}: lat must be within -90..90")

    @property
    def point(self) -> tuple[float, float]:
        """(lon, lat)."""
        return (self.lon, self.lat)

    @property
    def exempt_from_crossing(self) -> bool:
        """Take-off, calibration targets and landing may be crossed again (¶4(G))."""
        return self.kind in (FixKind.AIRFIELD, FixKind.CALIBRATION_TARGET, FixKind.REFUELLING)


@dataclass(frozen=True)
class Leg:
    """How one leg is flown: height above ground, sensors on it, or transit."""

    hagl_m: float = 6_520.0
    sensors: tuple[str, ...] = ("vertical-framing",)
    transit: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.hagl_m) and self.hagl_m > 0):
            raise InputError(f"leg hagl_m: must be a positive height, got {self.hagl_m!r}")
        if self.transit and self.sensors:
            raise InputError("a transit leg has its sensors off (Art. VII ¶3, Art. IV ¶4)")


@dataclass(frozen=True)
class Route:
    """The route of a mission plan: waypoints and the legs between them.

    ``legs[i]`` joins ``waypoints[i]`` to ``waypoints[i + 1]``; the first and the last
    waypoint are Open Skies airfields.
    """

    waypoints: tuple[Waypoint, ...]
    legs: tuple[Leg, ...]
    start_airfield: str = ""
    end_airfield: str = ""
    agreed_crossings: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.waypoints) < 2:
            raise InputError("a route needs at least two waypoints (take-off and landing)")
        if len(self.legs) != len(self.waypoints) - 1:
            raise InputError(
                f"a route of {len(self.waypoints)} waypoints has "
                f"{len(self.waypoints) - 1} legs, not {len(self.legs)}"
            )

    @classmethod
    def through(
        cls,
        points: list[tuple[float, float]],
        leg: Leg | None = None,
        start_airfield: str = "",
        end_airfield: str = "",
    ) -> Route:
        """A route through ``points`` (lon, lat), airfields at both ends, one leg profile."""
        kinds = [FixKind.AIRFIELD] + [FixKind.FIX] * (len(points) - 2) + [FixKind.AIRFIELD]
        waypoints = tuple(
            Waypoint(lon, lat, f"P{i}", kinds[i]) for i, (lon, lat) in enumerate(points)
        )
        profile = leg or Leg()
        return cls(waypoints, tuple(profile for _ in points[1:]), start_airfield, end_airfield)

    @property
    def points(self) -> list[tuple[float, float]]:
        """The waypoints as (lon, lat) pairs."""
        return [w.point for w in self.waypoints]
