"""Everything a route is checked against, resolved once for one flight.

Given the observed Party, the Open Skies airfield where the flight starts and the day,
this gathers from the treaty data and the territories: the observed territory, the
maximum flight distance and sub-limits in force, the adjacent States that are not Parties
that day (their borders get the 10 km buffer) and the aircraft and sensors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry

from openskies.errors import InputError
from openskies.geo import Territories, zones_near_borders
from openskies.planning.sensors import SensorModel, default_sensors
from openskies.treaty import (
    Citation,
    QuotaHolder,
    Site,
    SubLimit,
    TreatyData,
    find_flight_distance,
    is_party,
    resolve_holder,
    sub_limits_on,
)

__all__ = ["Aircraft", "FlightContext", "HazardArea", "SubLimitArea", "flight_context"]


@dataclass(frozen=True)
class Aircraft:
    """Performance of the observation aircraft (cruise speed, unrefuelled range)."""

    name: str
    cruise_speed_kmh: float
    range_km: float | None = None


@dataclass(frozen=True)
class HazardArea:
    """Hazardous airspace (Art. VI §II ¶5): a polygon in (lon, lat) and its name."""

    name: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class SubLimitArea:
    """A sub-limit in force, with the area it applies to."""

    limit: SubLimit
    distance_km: float
    citation: Citation
    area: BaseGeometry


# Regions of sub-limits: the part of the holder's territory inside this (lon, lat) box.
_SUB_LIMIT_BOXES: Mapping[str, tuple[str, tuple[float, float, float, float]]] = {
    "rus-kaliningrad-500": ("RUS", (19.0, 54.2, 23.0, 55.4)),
}

# Territories drawn apart from their sovereign (Natural Earth); a border with one of them is
# a border with its sovereign's State, which decides whether the 10 km buffer applies.
SOVEREIGN = {
    "GIB": "GBR",
    "GGY": "GBR",
    "IMN": "GBR",
    "JEY": "GBR",
    "BLM": "FRA",
    "MAF": "FRA",
    "SPM": "FRA",
    "CUW": "NLD",
    "SXM": "NLD",
}

DEFAULT_AIRCRAFT = Aircraft("unspecified aircraft", cruise_speed_kmh=500.0, range_km=None)
"""Used when no aircraft is named: a slow cruise speed (a cautious flight time), no range."""


@dataclass(frozen=True, eq=False)
class FlightContext:
    """The treaty and geography that one observation flight is checked against."""

    data: TreatyData
    territories: Territories
    on: date
    observed: QuotaHolder
    observed_states: tuple[str, ...]
    airfield: Site
    end_airfield: Site
    budget_km: float
    budget_citation: Citation
    non_parties: tuple[str, ...]
    sub_limits: tuple[SubLimitArea, ...] = ()
    hazards: tuple[HazardArea, ...] = ()
    aircraft: Aircraft = DEFAULT_AIRCRAFT
    sensors: Mapping[str, SensorModel] = field(default_factory=dict)
    buffer_km: float = 10.0
    eta: datetime | None = None
    start_at: datetime | None = None
    refuelling_stop_h: float = 2.0

    @cached_property
    def territory(self) -> BaseGeometry:
        """The observed territory (land and territorial sea of every member in force)."""
        parts = [self.territories.territory(code) for code in self.observed_states]
        geometry = shapely.union_all(parts)
        shapely.prepare(geometry)
        return geometry

    @cached_property
    def buffer_zone(self) -> BaseGeometry | None:
        """Points within ``buffer_km`` of the border of an adjacent non-party State."""
        if self.buffer_km <= 0:
            return None
        zones = [
            zones_near_borders(self.territories, code, self.non_parties, self.buffer_km)
            for code in self.observed_states
        ]
        zones = [z for z in zones if z is not None and not z.is_empty]
        if not zones:
            return None
        geometry = shapely.union_all(zones)
        shapely.prepare(geometry)
        return geometry


def flight_context(
    data: TreatyData,
    territories: Territories,
    observed: str,
    airfield: str,
    on: date,
    end_airfield: str | None = None,
    sensors: Sequence[SensorModel] | None = None,
    **options: Any,
) -> FlightContext:
    """Resolve the context of a flight over ``observed`` from ``airfield`` on ``on``."""
    holder = resolve_holder(data, observed, on)
    states = tuple(m for m in holder.members if is_party(data.states[m], on))
    start = _airfield_site(data, airfield, holder)
    end = _airfield_site(data, end_airfield, holder) if end_airfield else start
    distance = find_flight_distance(data, start.id)
    dated = distance.distance_km.entry_on(on)
    neighbours = {n for code in states for n in territories.neighbours(code)}

    def party(code: str) -> bool:
        code = SOVEREIGN.get(code, code)
        return code in data.states and is_party(data.states[code], on)

    non_parties = tuple(sorted(n for n in neighbours - set(states) if not party(n)))
    limits = []
    for limit in sub_limits_on(data, holder.code, on):
        code, box = _SUB_LIMIT_BOXES[limit.id]
        if code in states:
            area = shapely.intersection(territories.territory(code), shapely.box(*box))
            shapely.prepare(area)
            entry = limit.distance_km.entry_on(on)
            limits.append(SubLimitArea(limit, float(entry.value or 0), entry.citation, area))
    models = tuple(sensors) if sensors is not None else default_sensors()
    return FlightContext(
        data=data,
        territories=territories,
        on=on,
        observed=holder,
        observed_states=states,
        airfield=start,
        end_airfield=end,
        budget_km=dated.value,
        budget_citation=dated.citation,
        non_parties=non_parties,
        sub_limits=tuple(limits),
        sensors={s.id: s for s in models},
        **options,
    )


def _airfield_site(data: TreatyData, name: str, holder: QuotaHolder) -> Site:
    entry = find_flight_distance(data, name)
    if entry.site is None:
        raise InputError(f"{name!r} names a region of Ann. A §III, not an Open Skies airfield")
    site = data.sites[entry.site]
    if site.state not in holder.members:
        raise InputError(
            f"{site.name} is an Open Skies airfield of {entry.holder}, not of "
            f"{holder.code} (Art. II ¶5, Ann. E App.1)"
        )
    if site.best_position is None:
        raise InputError(f"{site.name}: no usable position in Ann. E App.1")
    return site
