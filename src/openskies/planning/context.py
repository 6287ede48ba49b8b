"""Everything a route is checked against, resolved once for one flight.

Given the observed Party, the Open Skies airfield where the flight starts and the day,
this gathers from the treaty data and the territories: the observed territory, the
maximum flight distance and sub-limits in force, the adjacent States that are not Parties
that day (their borders get the 10 km buffer) and the aircraft and sensors.
"""

from __future__ import annotations

import dataclasses
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
    holder_in_force,
    is_party,
    is_state_party,
    resolve_holder,
    sub_limits_on,
)

__all__ = [
    "Aircraft",
    "FlightContext",
    "HazardArea",
    "RegionRow",
    "SubLimitArea",
    "flight_context",
    "region_rows",
    "regional_airfields",
]


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


@dataclass(frozen=True)
class RegionRow:
    """A row of Ann. A §III that names a region, not an airfield: its distance applies to
    observation over that region.

    ``extends`` rows ("with SCILLY ISLANDS") raise the distance of the holder's airfields,
    from ``base_km``, for a flight that observes over the region; the other rows (Denmark's
    Metropolitan, FAROE ISLANDS, GREENLAND) are the distance of a flight that observes over
    that region only, from the holder's Open Skies airfield.
    """

    id: str
    region: str
    distance_km: float
    citation: Citation
    area: BaseGeometry
    extends: bool
    base_km: float | None = None


# Where the regions of Ann. A §III rows lie: the holder's territory inside these boxes.
_REGION_BOXES: Mapping[str, tuple[tuple[float, float, float, float], ...]] = {
    "dnk-metropolitan": ((7.0, 54.3, 16.0, 58.2),),
    "dnk-faroe-islands": ((-8.6, 61.0, -5.6, 63.0),),
    "dnk-greenland": ((-75.0, 58.0, -10.0, 84.0),),
    "gbr-with-scilly-islands": ((-6.6, 49.8, -6.1, 50.05),),
    "gbr-with-shetland-islands": ((-2.3, 59.75, -0.6, 60.95),),
    "grc-with-crete-karpathos-rhodes-kos-islands": (
        (23.3, 34.75, 26.4, 35.75),
        (26.95, 35.35, 27.3, 35.95),
        (27.65, 35.85, 28.3, 36.5),
        (26.9, 36.7, 27.4, 36.95),
    ),
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
    respect_contested: bool = False
    """True when the observing Party chooses to plan within contested sub-limits (¶2)."""
    region: RegionRow | None = None
    """The row of Ann. A §III naming a region whose distance this flight uses."""

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
    region: str | None = None,
    **options: Any,
) -> FlightContext:
    """Resolve the context of a flight over ``observed`` from ``airfield`` on ``on``."""
    holder = resolve_holder(data, observed, on)
    states = tuple(m for m in holder.members if is_party(data.states[m], on))
    rows = _region_rows(data, territories, holder, states, on)
    row, airfield = _region_named(data, rows, region, airfield, holder)
    start = _airfield_site(data, airfield, holder)
    end = _airfield_site(data, end_airfield, holder) if end_airfield else start
    own = _own_distance(data, start)
    budget, budget_citation = 0.0, Citation("Ann. A §III")
    if own is not None:
        dated = own.distance_km.entry_on(on)
        _refuse_a_vanished_holders_distance(data, own, dated.citation, holder, start, on)
        budget, budget_citation = float(dated.value), dated.citation
    if row is None and own is None:  # Denmark: its airfield's distance is a region's row
        position = start.best_position
        assert position is not None
        row = next(
            (
                r
                for r in rows.values()
                if not r.extends and r.area.contains(shapely.Point(position))
            ),
            None,
        )
        if row is None:
            raise InputError(
                f"{start.name}: no row of Ann. A §III gives its maximum flight distance"
            )
    if row is not None:
        if row.extends and own is None:
            raise InputError(f"{row.region!r} extends an airfield's distance: name the airfield")
        if row.extends:
            row = dataclasses.replace(row, base_km=budget)
        budget, budget_citation = row.distance_km, row.citation
    neighbours = {n for code in states for n in territories.neighbours(code)}

    def party(code: str) -> bool:
        code = SOVEREIGN.get(code, code)
        return is_state_party(data, code, on)

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
        budget_km=budget,
        budget_citation=budget_citation,
        non_parties=non_parties,
        sub_limits=tuple(limits),
        sensors={s.id: s for s in models},
        region=row,
        **options,
    )


def region_rows(
    data: TreatyData, territories: Territories, observed: str, on: date
) -> tuple[RegionRow, ...]:
    """The observed Party's rows of Ann. A §III that name a region, as ``flight_context``
    reads them on ``on`` (a flight names one with ``region``)."""
    holder = resolve_holder(data, observed, on)
    states = tuple(m for m in holder.members if is_party(data.states[m], on))
    return tuple(_region_rows(data, territories, holder, states, on).values())


def regional_airfields(data: TreatyData, observed: str, on: date) -> tuple[Site, ...]:
    """The observed Party's Open Skies airfields with no row of their own in Ann. A §III
    (Denmark's): their maximum flight distance is the row of a region."""
    holder = resolve_holder(data, observed, on)
    return tuple(
        site
        for site in data.sites.values()
        if site.state in holder.members
        and "open_skies_airfield" in site.roles
        and site.best_position is not None
        and _own_distance(data, site) is None
    )


def _fold(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _region_rows(
    data: TreatyData,
    territories: Territories,
    holder: QuotaHolder,
    states: tuple[str, ...],
    on: date,
) -> dict[str, RegionRow]:
    """The holder's rows of Ann. A §III that name a region, with the region's area."""
    rows = {}
    for entry in data.flight_distances.values():
        if entry.region is None or entry.site is not None or entry.holder != holder.code:
            continue
        boxes = _REGION_BOXES.get(entry.id)
        if boxes is None or not states:
            continue
        territory = shapely.union_all([territories.territory(code) for code in states])
        area = shapely.intersection(territory, shapely.union_all([shapely.box(*b) for b in boxes]))
        shapely.prepare(area)
        dated = entry.distance_km.entry_on(on)
        citation = dated.citation
        extends = entry.region.casefold().startswith("with ")
        rows[entry.id] = RegionRow(
            entry.id, entry.region, float(dated.value), citation, area, extends
        )
    return rows


def _region_named(
    data: TreatyData,
    rows: Mapping[str, RegionRow],
    region: str | None,
    airfield: str,
    holder: QuotaHolder,
) -> tuple[RegionRow | None, str]:
    """The row named by ``region`` (or by ``airfield``, a region's name), and the airfield."""
    name = region
    if name is None and _fold(airfield) in {_fold(k) for k in rows} | {
        _fold(r.region) for r in rows.values()
    }:
        name, airfield = airfield, ""
    if name is None:
        return None, airfield
    row = next((r for r in rows.values() if _fold(name) in (_fold(r.id), _fold(r.region))), None)
    if row is None:
        known = ", ".join(sorted(r.region for r in rows.values())) or "none"
        raise InputError(
            f"region {name!r}: not a row of Ann. A §III of {holder.code} (rows: {known})"
        )
    if not airfield:
        own = [
            site.id
            for site in data.sites.values()
            if site.state in holder.members and "open_skies_airfield" in site.roles
        ]
        if len(own) != 1:
            raise InputError(
                f"region {row.region!r}: name the Open Skies airfield the flight starts from"
            )
        airfield = own[0]
    return row, airfield


def _own_distance(data: TreatyData, site: Site) -> Any:
    """The row of Ann. A §III of this airfield, or None when it has none (Denmark)."""
    return next((e for e in data.flight_distances.values() if e.site == site.id), None)


def _airfield_site(data: TreatyData, name: str, holder: QuotaHolder) -> Site:
    found = _open_skies_airfield(data, name, holder)
    if found is not None:
        return found
    entry = find_flight_distance(data, name)
    if entry.site is None:
        raise InputError(
            f"{name!r} names a region of Ann. A §III of {entry.holder}, not an Open Skies "
            "airfield (give it as the region of a flight)"
        )
    site = data.sites[entry.site]
    if site.state not in holder.members:
        raise InputError(
            f"{site.name} is an Open Skies airfield of {entry.holder}, not of "
            f"{holder.code} (Art. II ¶5, Ann. E App.1)"
        )
    if site.best_position is None:
        raise InputError(f"{site.name}: no usable position in Ann. E App.1")
    return site


def _refuse_a_vanished_holders_distance(
    data: TreatyData,
    distance: Any,
    citation: Citation,
    holder: QuotaHolder,
    airfield: Site,
    on: date,
) -> None:
    """A distance of Ann. A §III given to a holder that never held quotas (the CSFR) is not its
    successors': only a later dated, cited decision gives them one."""
    owner = data.holders.get(distance.holder)
    if owner is None or owner.code == holder.code or holder_in_force(data, owner, on):
        return
    if citation.text.strip() != "Ann. A §III":
        return  # a later dated entry (a decision) gives the distance: apply it
    value = distance.distance_km.value_on(on)
    raise InputError(
        f"{airfield.name}: the {value:,.0f} km of Ann. A §III ({distance.airfield}) is the "
        f"maximum flight distance of {owner.name} ({owner.code}), which held no quota on "
        f"{on.isoformat()} (it dissolved before the treaty entered into force); it is not "
        f"applied to {holder.name} ({holder.code}). A decision is missing: no dated, cited "
        f"OSCC decision in this deployment's data gives {holder.code} a maximum flight "
        f"distance from {airfield.name} (record it as a later dated entry of "
        f"{distance.id} with its citation)"
    )


def _open_skies_airfield(data: TreatyData, name: str, holder: QuotaHolder) -> Site | None:
    """An Open Skies airfield of the holder (Ann. E App.1) by id, name or ICAO code."""
    key = _fold(name)
    for site in data.sites.values():
        if site.state not in holder.members or "open_skies_airfield" not in site.roles:
            continue
        names = {_fold(n) for n in (site.id, site.name, site.icao or "") if n}
        if key in names or (len(key) >= 5 and key in _fold(site.name)):
            if site.best_position is None:
                raise InputError(f"{site.name}: no usable position in Ann. E App.1")
            return site
    return None
