"""Counting flights against quotas (Art. III §I ¶8, Art. VIII) and the quota year (Ann. H, L)."""

from __future__ import annotations

from datetime import date

import pytest

from openskies.treaty import (
    CurtailmentCause,
    FlightOutcome,
    annual_calendar,
    counts_against_quotas,
    group_quota_change_effective,
    review_outcome,
)


def test_art_iii_i_8_a_completed_flight_counts() -> None:
    decision = counts_against_quotas(FlightOutcome.COMPLETED)
    assert (decision.counts, decision.citation.text) == (True, "Art. III §I ¶8")


@pytest.mark.parametrize(
    ("outcome", "cite"),
    [
        (FlightOutcome.PROHIBITED, "Art. VIII §I ¶3"),
        (FlightOutcome.DECLINED, "Art. VIII §I ¶5"),
        (FlightOutcome.NOT_FLOWN_AFTER_INSPECTION, "Ann. F §I ¶8–9"),
        (FlightOutcome.NOT_FLOWN_AFTER_DEMONSTRATION, "Ann. F §III ¶8"),
        (FlightOutcome.EXTRAORDINARY, "Ann. L §III ¶4"),
    ],
)
def test_flights_that_do_not_count(outcome: FlightOutcome, cite: str) -> None:
    decision = counts_against_quotas(outcome)
    assert (decision.counts, decision.data_retained, decision.citation.text) == (False, False, cite)


def test_art_viii_ii_5_curtailed_flight_counts_against_both() -> None:
    decision = counts_against_quotas(FlightOutcome.CURTAILED, CurtailmentCause.WEATHER)
    assert (decision.counts, decision.citation.text) == (True, "Art. VIII §II ¶5")
    own_sensor = counts_against_quotas(FlightOutcome.CURTAILED, CurtailmentCause.SENSOR_MALFUNCTION)
    assert own_sensor.counts is True  # the observing Party's own aircraft


@pytest.mark.parametrize(
    ("cause", "observed_aircraft", "observed_crew"),
    [
        (CurtailmentCause.SENSOR_MALFUNCTION, True, False),
        (CurtailmentCause.TECHNICAL_DIFFICULTY, True, False),
        (CurtailmentCause.MEDICAL_EMERGENCY, False, True),
        (CurtailmentCause.FORCE_MAJEURE_ATC, False, False),
    ],
)
def test_art_viii_ii_5_observing_party_decides_for_causes_on_the_observed_side(
    cause: CurtailmentCause, observed_aircraft: bool, observed_crew: bool
) -> None:
    decision = counts_against_quotas(
        FlightOutcome.CURTAILED, cause, observed_aircraft, observed_crew
    )
    assert decision.counts is None and "Art. VIII §II ¶6" in decision.reason


def test_ann_l_ii_1_and_ann_h_1_annual_calendar() -> None:
    steps = {s.rule: (s.on, s.citation.text) for s in annual_calendar(2027)}
    assert steps["quota_change_requests"] == (date(2026, 10, 1), "Ann. L §II ¶1")
    assert steps["annual_plan_notifications"] == (date(2026, 11, 1), "Ann. H ¶1")
    assert steps["q1_sequence_notified"] == (date(2026, 11, 15), "Ann. H ¶3")
    assert steps["q3_consultations_open"] == (date(2027, 5, 1), "Ann. H ¶3")
    assert steps["q2_taxi_option"][0] == date(2027, 2, 22)  # Ann. H ¶4: within 7 days


def test_art_iii_i_7_no_agreement_keeps_the_previous_distribution() -> None:
    previous = {"DEU": 3, "FRA": 2}
    assert review_outcome(previous, None) == (previous, review_outcome(previous, None)[1])
    assert review_outcome(previous, None)[1].text == "Art. III §I ¶7"
    assert review_outcome(previous, {"DEU": 4})[0] == {"DEU": 4}


def test_art_iii_ii_7_group_quota_changes_from_1_january_after_the_review() -> None:
    reviews = [date(2026, 10, 15), date(2027, 10, 14)]
    # notice 1 Jun 2026: six months end 1 Dec 2026, first review after that is Oct 2027
    assert group_quota_change_effective(date(2026, 6, 1), reviews) == date(2028, 1, 1)
    assert group_quota_change_effective(date(2026, 3, 1), reviews) == date(2027, 1, 1)
    assert group_quota_change_effective(date(2027, 6, 1), reviews) is None


def test_art_vi_iii_1_two_monitors_an_interpreter_and_one_per_sensor_station(data) -> None:
    from openskies.treaty import AircraftProvider, on_board

    crew = on_board(data, AircraftProvider.OBSERVING, sensor_control_stations=3)
    assert (crew.monitors, crew.interpreters, crew.citation.text) == (5, 1, "Art. VI §III ¶1")


def test_art_vi_iii_2_small_aircraft_short_flight_two_monitors_only(data) -> None:
    from openskies.treaty import AircraftProvider, on_board

    crew = on_board(
        data, AircraftProvider.OBSERVING, 3, max_takeoff_weight_kg=35_000, flight_distance_km=1_500
    )
    assert (crew.monitors, crew.citation.text) == (2, "Art. VI §III ¶2")
    assert on_board(data, AircraftProvider.OBSERVING, 3, 35_001, 1_500).monitors == 5


def test_art_vi_iii_4_and_5_representatives_of_the_observing_party(data) -> None:
    from openskies.treaty import AircraftProvider, on_board

    taxi = on_board(data, AircraftProvider.OBSERVED, 2)
    assert (taxi.monitors, taxi.representatives, taxi.citation.text) == (0, 4, "Art. VI §III ¶4")
    third = on_board(data, AircraftProvider.THIRD, 2)
    assert (third.monitors, third.representatives, third.citation.text) == (4, 4, "Art. VI §III ¶5")


def test_art_vi_iii_5_third_party_aircraft_carries_two_interpreters(data) -> None:
    # ¶5: the observing Party's interpreter, and ¶1 applies for the observed Party's
    from openskies.treaty import AircraftProvider, on_board

    assert on_board(data, AircraftProvider.THIRD, 2).interpreters == 2
    assert on_board(data, AircraftProvider.OBSERVED, 2).interpreters == 1
