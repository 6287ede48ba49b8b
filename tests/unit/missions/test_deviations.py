"""Deviations from the flight plan in the mission report (Art. VIII §II ¶1-2, ¶7)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openskies.missions.deviations import (
    DEVIATION_GROUNDS,
    check_flown_distance,
    deviations_of,
    distance_counted_km,
    maximum_flight_distance,
)
from openskies.missions.errors import Refusal
from openskies.missions.lifecycle import ObservationFlight
from openskies.missions.policy import Role
from openskies.missions.steps import next_steps
from openskies.treaty import TreatyData

NOTIFIED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ETA = NOTIFIED + timedelta(hours=96)


def _flown(data: TreatyData) -> ObservationFlight:
    f = ObservationFlight("f1", "DEU", "POL", ETA, NOTIFIED)
    f.acknowledge(NOTIFIED + timedelta(hours=1), "POL", data)
    f.arrive(ETA, "DEU", data)
    start = ETA + timedelta(hours=2)
    f.submit_mission_plan(start, "DEU", data, start + timedelta(hours=24), {})
    f.accept_mission_plan(start + timedelta(hours=1), "POL", data)
    f.start_flight(start + timedelta(hours=24), "DEU", data)
    f.complete_flight(start + timedelta(hours=30), "DEU", data)
    f.depart(start + timedelta(hours=40), "DEU", data)
    return f


def test_art_viii_ii_7_deviation_distance_does_not_count_against_the_maximum(
    data: TreatyData,
) -> None:
    # 1 500 km flown from Warszawa-Okecie (1 400 km, Ann. A §III), 150 km of them a
    # deviation for weather affecting flight safety (Art. VIII §II ¶1(A)): 1 350 km count.
    maximum = maximum_flight_distance(data, "pol-warszawa-okecie", ETA.date())
    assert maximum == (1400.0, "Ann. A §III")
    weather = {"reason": "weather_flight_safety", "additional_km": 150}
    report = {"flown_distance_km": 1500, "deviations": [weather]}
    event = _flown(data).report(ETA + timedelta(days=3), "DEU", data, report, maximum)
    assert event.breaches == ()
    distance = event.payload["distance"]
    assert (distance["flown_distance_km"], distance["distance_counted_km"]) == (1500.0, 1350.0)
    assert distance["deviations"][0]["citation"] == "Art. VIII §II ¶1(A)"
    # with only 50 km of deviation, 1 450 km count: beyond the maximum, a breach citing ¶7
    short = {"flown_distance_km": 1500, "deviations": [{**weather, "additional_km": 50}]}
    over = _flown(data).report(ETA + timedelta(days=3), "DEU", data, short, maximum)
    assert [(b.rule, b.citation.text, b.actual) for b in over.breaches] == [
        ("max_flight_distance", "Ann. A §III; Art. VIII §II ¶7", 1450.0)
    ]
    # no deviation: the whole flown distance counts
    assert check_flown_distance({"flown_distance_km": 1401}, 1400.0)[1][0].actual == 1401.0


def test_art_viii_ii_1_2_a_deviation_only_on_the_grounds_of_the_treaty() -> None:
    assert set(DEVIATION_GROUNDS.values()) == {
        "Art. VIII §II ¶1(A)",
        "Art. VIII §II ¶1(B)",
        "Art. VIII §II ¶1(C)",
        "Art. VIII §II ¶1(D)",
        "Art. VIII §II ¶2",
    }
    with pytest.raises(Refusal) as refused:
        deviations_of({"deviations": [{"reason": "sightseeing", "additional_km": 10}]})
    assert refused.value.field == "deviations[0].reason"
    with pytest.raises(Refusal) as negative:
        deviations_of({"deviations": [{"reason": "medical_emergency", "additional_km": -1}]})
    assert negative.value.findings[0].citation.text == "Art. VIII §II ¶7"


def test_maximum_flight_distance_unknown_airfield_or_none_is_not_checked(
    data: TreatyData,
) -> None:
    assert maximum_flight_distance(data, None, date(2026, 12, 1)) is None
    assert maximum_flight_distance(data, "nowhere", date(2026, 12, 1)) is None
    assert check_flown_distance({"flown_distance_km": 99999}, None)[1] == ()


@given(
    st.floats(0, 10_000),
    st.lists(st.floats(0, 2_000), max_size=5),
)
def test_counted_distance_is_the_flown_less_the_deviations(
    flown: float, added: list[float]
) -> None:
    report = {
        "flown_distance_km": flown,
        "deviations": [{"reason": "technical_difficulties", "additional_km": a} for a in added],
    }
    counted = distance_counted_km(flown, deviations_of(report))
    # checked another way: adding the deviations back gives the flown distance, unless
    # they exceed it (then nothing counts)
    assert counted >= 0
    if sum(added) <= flown:
        assert counted + sum(added) == pytest.approx(flown, abs=1e-6)
    else:
        assert counted == 0


def test_art_viii_ii_3_all_sensors_may_be_prohibited_beyond_50_km_of_deviation(
    data: TreatyData,
) -> None:
    near = {"reason": "weather_sensors", "additional_km": 40, "off_path_km": 50}
    far = {"reason": "air_traffic_control_force_majeure", "additional_km": 90, "off_path_km": 62}
    report = {"deviations": [near, far]}
    event = _flown(data).report(ETA + timedelta(days=3), "DEU", data, report)
    assert event.breaches == ()  # a right of the observed Party, not a breach
    [beyond] = event.payload["distance"]["sensors_may_be_prohibited"]
    assert (beyond["deviation"], beyond["citation"], beyond["limit"], beyond["actual"]) == (
        1,
        "Art. VIII §II ¶3",
        50,
        62.0,
    )
    assert (
        "sensors_may_be_prohibited"
        not in (_flown(data).report(ETA, "DEU", data, {"deviations": [near]}).payload["distance"])
    )


def test_art_viii_ii_1_2_the_report_step_offers_exactly_the_grounds_of_a_deviation() -> None:
    steps = {s["step"]: s for s in next_steps("departed", Role.OBSERVING)}
    offered = {g["value"]: g["citation"] for g in steps["report"]["grounds"]}
    assert offered == {
        "weather_flight_safety": "Art. VIII §II ¶1(A)",
        "technical_difficulties": "Art. VIII §II ¶1(B)",
        "medical_emergency": "Art. VIII §II ¶1(C)",
        "air_traffic_control_force_majeure": "Art. VIII §II ¶1(D)",
        "weather_sensors": "Art. VIII §II ¶2",
    }
    for value in offered:  # each one the report's check accepts
        assert deviations_of({"deviations": [{"reason": value, "additional_km": 1}]})


def test_ann_f_iii_3_d_the_demonstration_step_offers_the_causes_of_a_delay() -> None:
    steps = {s["step"]: s for s in next_steps("arrived", Role.OBSERVING)}
    causes = [g["value"] for g in steps["start_demonstration"]["grounds"]]
    assert causes == ["weather", "observed_party_aircraft", "observed_party_sensors"]
    assert steps["start_demonstration"]["form"] == "demonstration"
    acknowledge = {s["step"]: s for s in next_steps("notified", Role.OBSERVED)}["acknowledge"]
    assert acknowledge["form"] == "acknowledge"  # who provides the aircraft (Art. VI §I ¶6)
