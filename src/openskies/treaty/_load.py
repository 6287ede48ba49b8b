"""The one reader of the shipped data files (``treaty/data/*.yaml``).

Every file is checked as it is read; a file that breaks its schema raises ``DataError``
naming the file and the key, so a bad edit of the data never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from openskies.errors import DataError, InputError
from openskies.treaty.citation import Citation
from openskies.treaty.history import Dated, History
from openskies.treaty.model import (
    FirstDistribution,
    FlightDistance,
    Group,
    GroupKind,
    QuotaHolder,
    SensorCategory,
    SensorLimits,
    Site,
    State,
    SubLimit,
    TimeLimit,
    TreatyData,
    TreatyFlight,
)

__all__ = ["load_treaty_data"]

T = TypeVar("T")
_DATA = resources.files("openskies.treaty") / "data"


def _read(name: str) -> dict[str, Any]:
    text = (_DATA / name).read_text(encoding="utf-8")
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML: {exc}") from exc
    if not isinstance(content, dict):
        raise DataError(f"{name}: the top level must be a mapping")
    return content


def _get(mapping: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in mapping:
        raise DataError(f"{where}: missing key {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise DataError(f"{where}.{key}: expected {kind}, got {type(value).__name__} {value!r}")
    return value


def _opt(mapping: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    value = mapping.get(key)
    if value is not None and not isinstance(value, kind):
        raise DataError(f"{where}.{key}: expected {kind}, got {type(value).__name__} {value!r}")
    return value


def _date(mapping: Mapping[str, Any], key: str, where: str) -> date | None:
    value: date | None = _opt(mapping, key, where, date)
    return value


def _citation(raw: Any, where: str, url: str | None = None) -> Citation:
    try:
        if isinstance(raw, dict):
            return Citation(str(raw.get("text", "")), raw.get("url"))
        if isinstance(raw, str):
            return Citation(raw, url)
    except InputError as exc:
        raise DataError(f"{where}: {exc}") from exc
    raise DataError(f"{where}: a reference must be a string or {{text, url}}, got {raw!r}")


def _history(
    name: str, raw: Any, where: str, value_of: Callable[[dict[str, Any], str], T]
) -> History[T]:
    if not isinstance(raw, dict) or not raw:
        raise DataError(f"{where}: expected a mapping of effective dates to values")
    entries = []
    for day, entry in raw.items():
        here = f"{where}.{day}"
        if not isinstance(day, date):
            raise DataError(f"{here}: an effective date must be YYYY-MM-DD")
        if not isinstance(entry, dict):
            raise DataError(f"{here}: expected a mapping with a value and a reference")
        citation = _citation(_get(entry, "reference", here, (str, dict)), here, entry.get("url"))
        entries.append(Dated(day, value_of(entry, here), citation, entry.get("note")))
    return History.of(name, entries)


def _states(content: dict[str, Any]) -> dict[str, State]:
    states = {}
    for code, raw in _get(content, "states", "states.yaml", dict).items():
        where = f"states.yaml:states.{code}"
        sources = tuple(
            _citation(s, f"{where}.sources[{i}]") for i, s in enumerate(raw.get("sources", []))
        )
        state = State(
            code=code,
            name=_get(raw, "name", where, str),
            treaty_name=raw.get("treaty_name") or _get(raw, "name", where, str),
            signed=_date(raw, "signed", where),
            deposited=_date(raw, "deposited", where),
            in_force=_date(raw, "in_force", where),
            withdrawal_notice=_date(raw, "withdrawal_notice", where),
            withdrawal_effective=_date(raw, "withdrawal_effective", where),
            sources=sources,
            note=_opt(raw, "note", where, str),
            party_by=_date(raw, "party_by", where),
        )
        if len(code) != 3 or not code.isupper():
            raise DataError(f"{where}: a State code is ISO 3166 alpha-3 (three capitals)")
        if (state.withdrawal_notice is None) != (state.withdrawal_effective is None):
            raise DataError(f"{where}: withdrawal_notice and withdrawal_effective go together")
        states[code] = state
    return states


def _groups(content: dict[str, Any], states: Mapping[str, State]) -> dict[str, Group]:
    groups = {}
    for code, raw in _get(content, "groups", "groups.yaml", dict).items():
        where = f"groups.yaml:groups.{code}"
        members = tuple(_get(raw, "members", where, list))
        for member in members:
            if member not in states:
                raise DataError(f"{where}.members: {member!r} is not in states.yaml")
        try:
            kind = GroupKind(_get(raw, "kind", where, str))
        except ValueError as exc:
            raise DataError(f"{where}.kind: one of {[k.value for k in GroupKind]}") from exc
        groups[code] = Group(
            code=code,
            name=_get(raw, "name", where, str),
            kind=kind,
            members=members,
            formed=_get(raw, "formed", where, date),
            citation=_citation(_get(raw, "reference", where, str), where),
            note=_opt(raw, "note", where, str),
        )
    return groups


def _int_value(entry: dict[str, Any], where: str) -> int | None:
    value = entry.get("value")
    if value is not None and (not isinstance(value, int) or value < 0):
        raise DataError(f"{where}.value: expected a whole number >= 0 or null, got {value!r}")
    return value


def _holders(content: dict[str, Any], states: Mapping[str, State]) -> dict[str, QuotaHolder]:
    quotas = _get(content, "passive_quotas", "quotas.yaml", dict)
    holders = {}
    for code, raw in _get(content, "holders", "quotas.yaml", dict).items():
        where = f"quotas.yaml:holders.{code}"
        members = tuple(_get(raw, "members", where, list))
        for member in members:
            if member not in states:
                raise DataError(f"{where}.members: {member!r} is not in states.yaml")
        history = _history(
            f"passive quota of {code}",
            _get(quotas, code, "quotas.yaml:passive_quotas", dict),
            f"quotas.yaml:passive_quotas.{code}",
            _int_value,
        )
        holders[code] = QuotaHolder(
            code, _get(raw, "name", where, str), members, history, _opt(raw, "note", where, str)
        )
    unknown = set(quotas) - set(holders)
    if unknown:
        raise DataError(f"quotas.yaml:passive_quotas: no holder for {sorted(unknown)}")
    listed = {member for holder in holders.values() for member in holder.members}
    for code, state in states.items():
        if code in holders and code not in listed:
            raise DataError(f"quotas.yaml:holders.{code}: must list itself as member")
        if code not in holders:
            # A State that ratified or acceded later, or a group member left alone: its passive
            # quota is an OSCC decision (Ann. A §I ¶2); with no value shipped it is unknown.
            unknown_quota: Dated[int | None] = Dated(
                state.in_force or state.party_by or date(2002, 1, 1),
                None,
                Citation("Ann. A §I ¶2"),
                "allocated by a later OSCC decision; no value found in public sources",
            )
            holders[code] = QuotaHolder(
                code, state.name, (code,), History(f"passive quota of {code}", (unknown_quota,))
            )
    return holders


def _first_distribution(content: dict[str, Any], holders: Mapping[str, Any]) -> FirstDistribution:
    where = "quotas.yaml:first_distribution"
    raw = _get(content, "first_distribution", "quotas.yaml", dict)
    flights = []
    for observing, rows in _get(raw, "flights", where, dict).items():
        for i, row in enumerate(rows):
            here = f"{where}.flights.{observing}[{i}]"
            flight = TreatyFlight(
                observing,
                _get(row, "observed", here, str),
                _get(row, "flights", here, int),
                _opt(row, "shared_with", here, str),
            )
            for code in (flight.observing, flight.observed, flight.shared_with):
                if code is not None and code not in holders:
                    raise DataError(f"{here}: {code!r} is not a quota holder")
            flights.append(flight)
    return FirstDistribution(
        valid_from=_get(raw, "valid_from", where, date),
        valid_until=_get(raw, "valid_until", where, date),
        cap_fraction=float(_get(raw, "cap_fraction", where, float)),
        flights=tuple(flights),
        citation=_citation(_get(raw, "reference", where, str), where),
        known_defects=tuple(d["text"] for d in raw.get("known_defects", [])),
    )


def _time_limits(content: dict[str, Any]) -> dict[str, TimeLimit]:
    limits = {}
    for limit_id, raw in _get(content, "limits", "time_limits.yaml", dict).items():
        where = f"time_limits.yaml:limits.{limit_id}"
        unit = _get(raw, "unit", where, str)
        if unit not in {"hours", "days", "months", "years", "km", "kg", "count", "percent"}:
            raise DataError(
                f"{where}.unit: one of hours, days, months, years, km, kg, count, percent"
            )

        def value(entry: dict[str, Any], here: str) -> int:
            return int(_get(entry, "value", here, int))

        history = _history(limit_id, _get(raw, "values", where, dict), f"{where}.values", value)
        limits[limit_id] = TimeLimit(limit_id, unit, _get(raw, "text", where, str), history)
    return limits


def _sensors(content: dict[str, Any]) -> dict[str, SensorCategory]:
    sensors = {}
    for sensor_id, raw in _get(content, "categories", "sensors.yaml", dict).items():
        where = f"sensors.yaml:categories.{sensor_id}"

        def limits(entry: dict[str, Any], here: str) -> SensorLimits:
            return SensorLimits(
                ground_resolution_m=float(_get(entry, "ground_resolution_m", here, (int, float))),
                resolution_basis=_get(entry, "resolution_basis", here, str),
                max_coverage_each_side_km=entry.get("max_coverage_each_side_km"),
                max_swath_km=entry.get("max_swath_km"),
                max_units=MappingProxyType(dict(entry.get("max_units", {}))),
                usable=bool(entry.get("usable", True)),
                one_side_at_a_time=bool(entry.get("one_side_at_a_time", False)),
                taxi_aircraft_resolution_m=entry.get("taxi_aircraft_resolution_m"),
            )

        sensors[sensor_id] = SensorCategory(
            id=sensor_id,
            name=_get(raw, "name", where, str),
            codes=tuple(_get(raw, "codes", where, list)),
            media=tuple(_get(raw, "media", where, list)),
            citation=_citation(_get(raw, "reference", where, str), where),
            limits=_history(sensor_id, _get(raw, "values", where, dict), where, limits),
        )
    return sensors


def _float_or_none(key: str) -> Callable[[dict[str, Any], str], float | None]:
    def value(entry: dict[str, Any], where: str) -> float | None:
        raw = _opt(entry, key, where, (int, float))
        return None if raw is None else float(raw)

    return value


def _sites(content: dict[str, Any]) -> dict[str, Site]:
    sites = {}
    for i, raw in enumerate(_get(content, "sites", "sites.yaml", list)):
        where = f"sites.yaml:sites[{i}]"
        site_id = _get(raw, "id", where, str)
        where = f"sites.yaml:sites[{site_id}]"
        if site_id in sites:
            raise DataError(f"{where}: duplicate id")

        def number(key: str, _raw: dict[str, Any] = raw, _where: str = where) -> float | None:
            value = _opt(_raw, key, _where, (int, float))
            return None if value is None else float(value)

        sites[site_id] = Site(
            id=site_id,
            holder=_get(raw, "holder", where, str),
            state=_get(raw, "state", where, str),
            name=_opt(raw, "name", where, str) or "(not named in the treaty)",
            icao=_opt(raw, "icao", where, str),
            roles=tuple(_get(raw, "roles", where, list)),
            inspection=_opt(raw, "inspection", where, bool),
            position_as_printed=_opt(raw, "position_as_printed", where, str),
            lat=number("lat"),
            lon=number("lon"),
            position_quality=_get(raw, "position_quality", where, str),
            corrected_lat=number("corrected_lat"),
            corrected_lon=number("corrected_lon"),
            note=_opt(raw, "note", where, str),
            effective=_get(raw, "effective", where, date),
            citation=_citation(_get(raw, "reference", where, str), where),
        )
    return sites


def _flight_distances(
    contents: list[dict[str, Any]], sites: Mapping[str, Site]
) -> dict[str, FlightDistance]:
    distances: dict[str, FlightDistance] = {}
    raw_by_id: dict[str, tuple[dict[str, Any], dict[Any, Any]]] = {}
    for content in contents:
        for i, raw in enumerate(_get(content, "entries", "flight_distances", list)):
            where = f"flight_distances:entries[{i}]"
            entry_id = _get(raw, "id", where, str)
            values = dict(_get(raw, "values", where, dict))
            if entry_id in raw_by_id:  # a later file adds dated values to an entry
                base, old_values = raw_by_id[entry_id]
                clash = set(old_values) & set(values)
                if clash:
                    raise DataError(f"{where}[{entry_id}]: dates given twice: {sorted(clash)}")
                raw_by_id[entry_id] = (base, {**old_values, **values})
            else:
                raw_by_id[entry_id] = (raw, values)
    for entry_id, (raw, values) in raw_by_id.items():
        where = f"flight_distances[{entry_id}]"
        site = _opt(raw, "site", where, str)
        airfield, region = _opt(raw, "airfield", where, str), _opt(raw, "region", where, str)
        if airfield is None and region is None and site is None:
            raise DataError(f"{where}: an entry names an airfield, a region or a site")
        if site is not None and site not in sites:
            raise DataError(f"{where}.site: {site!r} is not an id in sites.yaml")
        distances[entry_id] = FlightDistance(
            id=entry_id,
            holder=_get(raw, "holder", where, str),
            airfield=airfield or region or sites[site or ""].name,
            site=site,
            region=region,
            distance_km=_history(
                f"maximum flight distance {entry_id}", values, where, _required_km
            ),
        )
    return distances


def _required_km(entry: dict[str, Any], where: str) -> float:
    return float(_get(entry, "distance_km", where, (int, float)))


def _sub_limits(content: dict[str, Any]) -> dict[str, SubLimit]:
    limits = {}
    for i, raw in enumerate(_get(content, "sub_limits", "later_decisions.yaml", list)):
        where = f"later_decisions.yaml:sub_limits[{i}]"
        limit_id = _get(raw, "id", where, str)
        limits[limit_id] = SubLimit(
            id=limit_id,
            holder=_get(raw, "holder", where, str),
            region=_get(raw, "region", where, str),
            distance_km=_history(
                limit_id, _get(raw, "values", where, dict), where, _float_or_none("distance_km")
            ),
            status=_get(raw, "status", where, str),
            note=_opt(raw, "note", where, str),
        )
    return limits


def _exists(name: str) -> bool:
    return (_DATA / name).is_file()


@cache
def load_treaty_data() -> TreatyData:
    """Read and check every shipped data file; the result is immutable and cached."""
    treaty = _read("treaty.yaml")
    states = _states(_read("states.yaml"))
    groups = _groups(_read("groups.yaml"), states)
    quotas = _read("quotas.yaml")
    holders = _holders(quotas, states)
    sites = _sites(_read("sites.yaml")) if _exists("sites.yaml") else {}
    later = _read("later_decisions.yaml") if _exists("later_decisions.yaml") else {}
    distance_files = [_read("flight_distances.yaml")] if _exists("flight_distances.yaml") else []
    if later.get("entries"):
        distance_files.append(later)
    where = "treaty.yaml"
    data = TreatyData(
        signed=_get(treaty, "signed", where, date),
        entry_into_force=_get(treaty, "entry_into_force", where, date),
        entry_into_force_citation=_citation(
            _get(treaty, "entry_into_force_reference", where, (str, dict)), where
        ),
        states=MappingProxyType(states),
        groups=MappingProxyType(groups),
        holders=MappingProxyType(holders),
        first_distribution=_first_distribution(quotas, holders),
        time_limits=MappingProxyType(_time_limits(_read("time_limits.yaml"))),
        sensors=MappingProxyType(_sensors(_read("sensors.yaml"))),
        sites=MappingProxyType(sites),
        flight_distances=MappingProxyType(_flight_distances(distance_files, sites)),
        sub_limits=MappingProxyType(_sub_limits(later) if later.get("sub_limits") else {}),
    )
    if not _exists("decisions.yaml"):
        return data
    from openskies.treaty.decisions import DecisionSource, apply_decisions

    text = (_DATA / "decisions.yaml").read_text(encoding="utf-8")
    return apply_decisions(data, [DecisionSource("decisions.yaml (shipped)", text)])
