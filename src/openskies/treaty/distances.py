"""Maximum flight distances (Art. II ¶11, Art. VI §II ¶4(A), Ann. A §III) on a given day.

A maximum flight distance belongs to the Open Skies airfield where the observation flight
starts; later decisions are dated entries of the same record, and a sub-limit caps the
distance flown over one region inside it (Kaliningrad: 500 km).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from openskies.errors import InputError
from openskies.treaty.citation import Citation
from openskies.treaty.membership import check_in_treaty_period
from openskies.treaty.model import FlightDistance, SubLimit, TreatyData

__all__ = ["DistanceOnDay", "find_flight_distance", "flight_distances_on", "sub_limits_on"]


@dataclass(frozen=True)
class DistanceOnDay:
    """A maximum flight distance in force on one day, with where it comes from."""

    entry: FlightDistance
    distance_km: float
    citation: Citation
    note: str | None


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.casefold() if ch.isalnum())


def find_flight_distance(data: TreatyData, name_or_id: str) -> FlightDistance:
    """The distance record of an airfield, by id, Ann. A §III name, site id or ICAO code."""
    key = _fold(name_or_id)
    for entry in data.flight_distances.values():
        site = data.sites.get(entry.site or "")
        names = [entry.id, entry.airfield, entry.site or ""]
        if site is not None:
            names += [site.name, site.icao or ""]
        if key and key in {_fold(n) for n in names if n}:
            return entry
    raise InputError(
        f"unknown Open Skies airfield {name_or_id!r}: not an airfield of "
        "Ann. A §III (try its name, e.g. KUBINKA, or its ICAO code)"
    )


def flight_distances_on(
    data: TreatyData, on: date, holder: str | None = None
) -> tuple[DistanceOnDay, ...]:
    """Every maximum flight distance in force on ``on`` (optionally of one holder)."""
    check_in_treaty_period(data, on)
    out = []
    for entry in data.flight_distances.values():
        if holder is not None and entry.holder != holder:
            continue
        dated = entry.distance_km.entry_on(on)
        out.append(DistanceOnDay(entry, dated.value, dated.citation, dated.note))
    return tuple(out)


def sub_limits_on(data: TreatyData, holder: str, on: date) -> tuple[SubLimit, ...]:
    """The regional sub-limits of ``holder`` in force on ``on``."""
    return tuple(
        limit
        for limit in data.sub_limits.values()
        if limit.holder == holder
        and limit.distance_km.first_effective <= on
        and limit.distance_km.value_on(on) is not None
    )
