"""Deviations from the flight plan, as the mission report records them (pure).

Art. VIII §II ¶1-2 permit a deviation during the observation flight for weather affecting
flight safety, technical difficulties of the aircraft, a medical emergency, air traffic
control instructions brought about by force majeure (¶1(A)-(D)), or weather preventing the
effective use of optical and infra-red sensors (¶2). ¶7: "The additional flight distance of
the observation aircraft due to the deviation shall not count against the maximum flight
distance." The report gives each deviation with its reason and additional distance, and the
distance flown; the distance counted against the maximum is the flown one less the
deviations', and only that is checked against the maximum flight distance (Ann. A §III).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from openskies.errors import OpenSkiesError
from openskies.missions.errors import Refusal
from openskies.treaty import Citation, Finding, TreatyData, check_at_most, find_flight_distance

__all__ = [
    "DEVIATION_GROUNDS",
    "DISTANCE_CITATION",
    "Deviation",
    "check_flown_distance",
    "deviations_of",
    "distance_counted_km",
    "maximum_flight_distance",
    "sensors_may_be_prohibited",
]

DEVIATION_GROUNDS = {
    "weather_flight_safety": "Art. VIII §II ¶1(A)",
    "technical_difficulties": "Art. VIII §II ¶1(B)",
    "medical_emergency": "Art. VIII §II ¶1(C)",
    "air_traffic_control_force_majeure": "Art. VIII §II ¶1(D)",
    "weather_sensors": "Art. VIII §II ¶2",
}
"""The reasons a deviation from the flight plan is permitted -> their paragraph."""

DISTANCE_CITATION = "Art. VIII §II ¶7"


@dataclass(frozen=True)
class Deviation:
    """One deviation from the flight plan: why, and the flight distance it added."""

    reason: str
    additional_km: float
    off_path_km: float | None = None
    """How far it took the aircraft from the flight plan's path, when reported (¶3)."""

    @property
    def citation(self) -> str:
        """The paragraph that permits it."""
        return DEVIATION_GROUNDS[self.reason]

    def as_json(self) -> dict[str, Any]:
        """The deviation as recorded, with the paragraph that permits it."""
        out: dict[str, Any] = {
            "reason": self.reason,
            "additional_km": self.additional_km,
            "citation": self.citation,
        }
        if self.off_path_km is not None:
            out["off_path_km"] = self.off_path_km
        return out


def _km(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise Refusal.one(
            "deviation_distance",
            DISTANCE_CITATION,
            f"{field}: a distance in kilometres, zero or more (got {value!r})",
            field=field,
        )
    return float(value)


def deviations_of(report: Mapping[str, Any]) -> tuple[Deviation, ...]:
    """The deviations a mission report records (``report["deviations"]``: a list of
    ``{"reason", "additional_km"}``), each on a ground of Art. VIII §II ¶1-2, or a refusal
    naming the field."""
    raw = report.get("deviations") or []
    if not isinstance(raw, list):
        raise Refusal.one(
            "deviation_grounds", "Art. VIII §II ¶1–2", "deviations: a list", field="deviations"
        )
    out = []
    for i, item in enumerate(raw):
        where = f"deviations[{i}]"
        reason = item.get("reason") if isinstance(item, Mapping) else None
        if reason not in DEVIATION_GROUNDS:
            raise Refusal.one(
                "deviation_grounds",
                "Art. VIII §II ¶1–2",
                f"{where}.reason: a deviation is permitted only for "
                f"{', '.join(DEVIATION_GROUNDS)} (got {reason!r})",
                field=f"{where}.reason",
            )
        assert isinstance(item, Mapping)
        off = item.get("off_path_km")
        out.append(
            Deviation(
                reason,
                _km(item.get("additional_km"), f"{where}.additional_km"),
                None if off is None else _km(off, f"{where}.off_path_km"),
            )
        )
    return tuple(out)


def distance_counted_km(flown_km: float, deviations: tuple[Deviation, ...]) -> float:
    """The flown distance that counts against the maximum flight distance: the deviations'
    additional distance does not (Art. VIII §II ¶7)."""
    return max(0.0, flown_km - sum(d.additional_km for d in deviations))


def maximum_flight_distance(
    data: TreatyData, airfield: str | None, on: date
) -> tuple[float, str] | None:
    """The maximum flight distance of the Open Skies airfield the flight starts from on
    ``on``, with its citation (Ann. A §III or a later decision); None when the airfield is
    not given or its distance is a region's row (Denmark) or not in force that day."""
    if not airfield:
        return None
    try:
        dated = find_flight_distance(data, airfield).distance_km.entry_on(on)
    except OpenSkiesError:
        return None
    return float(dated.value), dated.citation.text


def check_flown_distance(
    report: Mapping[str, Any], maximum_km: float | None, maximum_citation: str = "Ann. A §III"
) -> tuple[dict[str, Any], tuple[Finding, ...]]:
    """What the report says of distance (its deviations, the distance flown and the part
    counted against the maximum) and, when both the flown distance and the maximum are known,
    a finding if the counted part exceeds the maximum flight distance."""
    deviations = deviations_of(report)
    recorded: dict[str, Any] = {"deviations": [d.as_json() for d in deviations]}
    if report.get("flown_distance_km") is None:
        return recorded, ()
    flown = _km(report["flown_distance_km"], "flown_distance_km")
    counted = distance_counted_km(flown, deviations)
    recorded |= {"flown_distance_km": flown, "distance_counted_km": counted}
    if maximum_km is None:
        return recorded, ()
    recorded["maximum_flight_distance_km"] = maximum_km
    if counted <= maximum_km * (1 + 1e-9):
        return recorded, ()
    return recorded, (
        Finding(
            "max_flight_distance",
            Citation(f"{maximum_citation}; {DISTANCE_CITATION}"),
            f"{counted:,.1f} km flown against the maximum flight distance of {maximum_km:,.0f} "
            f"km ({flown:,.1f} km flown, less {flown - counted:,.1f} km of deviations, which "
            "do not count against it)",
            limit=maximum_km,
            actual=counted,
        ),
    )


def sensors_may_be_prohibited(
    data: TreatyData, deviations: tuple[Deviation, ...], on: date
) -> list[dict[str, Any]]:
    """The deviations that took the aircraft more than the limit in force (50 km) from the
    flight plan's path: beyond it the observed Party had the right to prohibit the use of all
    the sensors (Art. VIII §II ¶3). Each as its index and the finding; a right, not a breach."""
    out = []
    for index, deviation in enumerate(deviations):
        if deviation.off_path_km is None:
            continue
        for finding in check_at_most(data, "deviation_sensor_limit", deviation.off_path_km, on):
            out.append({"deviation": index, **finding.as_json()})
    return out
