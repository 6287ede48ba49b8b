"""ObservationFlight, the flight's state machine: one test per rule, named for its paragraph."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openskies.missions.errors import Forbidden, Refusal, WrongState
from openskies.missions.lifecycle import FlightState, ObservationFlight
from openskies.missions.policy import Role
from openskies.treaty import CurtailmentCause, DemonstrationBy, TreatyData, flight_deadlines

NOTIFIED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ETA = NOTIFIED + timedelta(hours=96)
PLAN = {"type": "Feature", "properties": {}, "geometry": None}


def flight() -> ObservationFlight:
    return ObservationFlight("f1", "DEU", "POL", ETA, NOTIFIED)


def planned(data: TreatyData, at: datetime = ETA + timedelta(hours=2)) -> ObservationFlight:
    f = flight()
    f.acknowledge(NOTIFIED + timedelta(hours=1), "POL", data)
    f.arrive(ETA, "DEU", data)
    f.submit_mission_plan(at, "DEU", data, at + timedelta(hours=24), PLAN)
    return f


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_art_vi_i_6_acknowledgement_within_24_hours(data: TreatyData) -> None:
    on_time = flight().acknowledge(NOTIFIED + hours(24), "POL", data)
    assert on_time.breaches == ()
    late = flight().acknowledge(NOTIFIED + hours(25), "POL", data)
    assert [(b.rule, b.citation.text) for b in late.breaches] == [
        ("acknowledge_by", "Art. VI §I ¶6")
    ]


def test_art_viii_i_2_arrival_more_than_24_hours_late_is_a_breach(data: TreatyData) -> None:
    assert flight().arrive(ETA + hours(24), "DEU", data).breaches == ()
    assert [b.rule for b in flight().arrive(ETA + hours(25), "DEU", data).breaches] == ["arrive_by"]


def test_art_vi_ii_4_e_planned_start_24_hours_after_submission_unless_agreed(
    data: TreatyData,
) -> None:
    f = flight()
    f.arrive(ETA, "DEU", data)
    with pytest.raises(Refusal) as refused:
        f.submit_mission_plan(ETA + hours(1), "DEU", data, ETA + hours(24), PLAN)
    assert refused.value.findings[0].citation.text == "Art. VI §II ¶4(E)"
    f.agreed_otherwise.add("flight_starts_not_before")
    f.submit_mission_plan(ETA + hours(1), "DEU", data, ETA + hours(24), PLAN)
    assert f.state is FlightState.PLAN_SUBMITTED


def test_art_vi_ii_6_acceptance_signs_the_plan(data: TreatyData) -> None:
    f = planned(data)
    event = f.accept_mission_plan(ETA + hours(3), "POL", data)
    assert f.state is FlightState.AGREED and event.breaches == ()
    assert "mission_plan_agreed_at" in f.times


def test_art_vi_ii_6_answer_after_4_hours_is_a_breach(data: TreatyData) -> None:
    f = planned(data)
    late = f.accept_mission_plan(ETA + hours(7), "POL", data)
    assert [(b.rule, b.citation.text) for b in late.breaches] == [
        ("mission_plan_answer_by", "Art. VI §II ¶6")
    ]


def test_art_viii_i_4_changes_only_on_the_grounds_of_the_treaty(data: TreatyData) -> None:
    f = planned(data)
    with pytest.raises(Refusal) as refused:
        f.propose_changes(ETA + hours(3), "POL", data, "politics", {})
    assert refused.value.findings[0].rule == "change_grounds"
    f.propose_changes(ETA + hours(3), "POL", data, "weather", {"altitude": "FL200"})
    f.accept_changes(ETA + hours(4), "DEU", data)
    assert f.state is FlightState.AGREED


def test_art_viii_i_5_decline_only_8_hours_after_submission_and_not_counted(
    data: TreatyData,
) -> None:
    f = planned(data)
    with pytest.raises(Refusal) as refused:
        f.decline(ETA + hours(9), "DEU", data, "no agreement")  # 7 h after the submission
    assert refused.value.findings[0].citation.text == "Art. VIII §I ¶5"
    f.decline(ETA + hours(10), "DEU", data, "no agreement")
    assert f.state is FlightState.DECLINED and not f.counted


def test_art_viii_i_2_prohibition_for_late_arrival_only_when_late(data: TreatyData) -> None:
    f = flight()
    f.arrive(ETA + hours(2), "DEU", data)
    with pytest.raises(Refusal) as refused:
        f.prohibit(ETA + hours(30), "POL", data, "late_arrival", "arrived late")
    assert refused.value.findings[0].citation.text == "Art. VIII §I ¶2"
    g = flight()
    g.prohibit(ETA + hours(25), "POL", data, "late_arrival", "not at the point of entry")
    assert g.state is FlightState.PROHIBITED


def test_art_viii_i_3_prohibition_states_its_facts_and_is_not_counted(data: TreatyData) -> None:
    f = flight()
    with pytest.raises(Refusal) as refused:
        f.prohibit(ETA, "POL", data, "treaty_breach", "  ")
    assert refused.value.findings[0].citation.text == "Art. VIII §I ¶3"
    f.prohibit(ETA, "POL", data, "treaty_breach", "sensor not certified")
    assert not f.counted
    with pytest.raises(Refusal) as refused:
        flight().prohibit(ETA, "POL", data, "dislike", "facts")
    assert refused.value.findings[0].citation.text == "Art. VIII §I ¶1–3"


def test_art_vi_ii_4_e_flight_starts_24_hours_after_the_plan(data: TreatyData) -> None:
    f = planned(data)
    f.accept_mission_plan(ETA + hours(3), "POL", data)
    with pytest.raises(Refusal):
        f.start_flight(ETA + hours(20), "DEU", data)
    f.start_flight(ETA + hours(26), "DEU", data)
    assert f.state is FlightState.IN_FLIGHT


def test_art_vi_i_20_21_departure_and_report_deadlines(data: TreatyData) -> None:
    f = planned(data)
    f.accept_mission_plan(ETA + hours(3), "POL", data)
    f.start_flight(ETA + hours(26), "DEU", data)
    assert f.complete_flight(ETA + hours(30), "DEU", data).breaches == ()
    late_departure = f.depart(ETA + hours(56), "DEU", data)  # 26 h after completion
    assert [b.citation.text for b in late_departure.breaches] == ["Art. VI §I ¶20"]
    deadline = flight_deadlines(data, ETA, f.timeline()).get("report_by")
    assert deadline is not None and deadline.at == ETA + hours(56) + timedelta(days=7)
    assert f.counted


def test_art_vi_steps_out_of_order_are_refused(data: TreatyData) -> None:
    with pytest.raises(WrongState):
        flight().start_flight(ETA, "DEU", data)
    with pytest.raises(WrongState):
        flight().report(ETA, "DEU", data, {})


def test_art_vi_i_11_the_scheduled_commencement_is_in_the_timeline(data: TreatyData) -> None:
    f = planned(data)
    assert f.timeline().planned_start == ETA + hours(26)


def arrived(data: TreatyData) -> ObservationFlight:
    f = flight()
    f.arrive(ETA, "DEU", data)
    return f


def test_ann_f_i_4_pre_flight_inspection_over_8_hours_is_a_breach(data: TreatyData) -> None:
    f = arrived(data)
    f.start_inspection(ETA + hours(1), "POL", data)
    assert f.state is FlightState.ARRIVED  # the inspection does not move the flight on
    late = f.end_inspection(ETA + hours(10), "POL", data, conforms=True)
    assert [(b.rule, b.citation.text) for b in late.breaches] == [
        ("inspection_ends_by", "Ann. F §I ¶4")
    ]


def test_ann_f_i_8_9_flight_cancelled_after_inspection_is_not_counted(data: TreatyData) -> None:
    f = arrived(data)
    with pytest.raises(Refusal):
        f.cancel(ETA + hours(2), "DEU", data, "inspection")  # no inspection recorded
    f.start_inspection(ETA + hours(1), "POL", data)
    f.end_inspection(ETA + hours(3), "POL", data, conforms=False)
    event = f.cancel(ETA + hours(4), "DEU", data, "inspection")
    assert f.state is FlightState.CANCELLED and not f.counted
    assert event.payload["count_citation"] == "Ann. F §I ¶8–9"


def test_ann_f_iii_4_demonstration_asked_by_the_observed_party_extends_the_period(
    data: TreatyData,
) -> None:
    f = arrived(data)
    f.start_demonstration(ETA + hours(2), "POL", data, DemonstrationBy.OBSERVED)
    late = f.end_demonstration(ETA + hours(5), "POL", data, conforms=True)  # 3 h
    assert [b.citation.text for b in late.breaches] == ["Ann. F §III ¶3(B)"]
    assert f.demonstration_by is DemonstrationBy.OBSERVED
    assert flight_deadlines(data, ETA, f.timeline(), f.demonstration_by).get(
        "period_ends"
    ).at == ETA + hours(120)  # type: ignore[union-attr]


def arrived_in_observed_aircraft(data: TreatyData) -> ObservationFlight:
    f = flight()
    f.acknowledge(NOTIFIED + hours(1), "POL", data, observed_provides_aircraft=True)
    f.arrive(ETA, "DEU", data)
    return f


def test_ann_f_iii_8_flight_cancelled_after_demonstration_is_not_counted(
    data: TreatyData,
) -> None:
    f = arrived_in_observed_aircraft(data)
    with pytest.raises(Refusal):  # Ann. F §III ¶2: the observing Party asks, not the observed
        f.start_demonstration(ETA + hours(2), "POL", data, DemonstrationBy.OBSERVED)
    f.start_demonstration(ETA + hours(2), "DEU", data, DemonstrationBy.OBSERVING)
    f.end_demonstration(ETA + hours(3), "DEU", data, conforms=False)
    event = f.cancel(ETA + hours(4), "DEU", data, "demonstration")
    assert not f.counted and event.payload["count_citation"] == "Ann. F §III ¶8"
    assert event.payload["ground"] == "Ann. F §III ¶7(E); Ann. F §III ¶8"


def test_art_vi_i_11_the_party_not_providing_the_aircraft_inspects(data: TreatyData) -> None:
    f = arrived(data)  # the observing Party's aircraft: the observed Party inspects (Ann. F §I)
    assert f.inspecting is Role.OBSERVED
    with pytest.raises(Forbidden) as refused:
        f.start_inspection(ETA + hours(1), "DEU", data, side=Role.OBSERVING)
    assert refused.value.findings[0].citation.text == "Art. VI §I ¶11; Ann. F §I ¶1"
    g = arrived_in_observed_aircraft(data)  # Ann. F §II: the observing Party inspects
    assert g.inspecting is Role.OBSERVING
    g.start_inspection(ETA + hours(1), "DEU", data, side=Role.OBSERVING)


def test_ann_f_ii_8_9_cancellation_needs_sensors_found_not_conforming(data: TreatyData) -> None:
    f = arrived_in_observed_aircraft(data)
    f.start_inspection(ETA + hours(1), "DEU", data, side=Role.OBSERVING)
    f.end_inspection(ETA + hours(2), "DEU", data, conforms=True, side=Role.OBSERVING)
    with pytest.raises(Refusal) as refused:
        f.cancel(ETA + hours(3), "DEU", data, "inspection", side=Role.OBSERVING)
    assert refused.value.findings[0].citation.text == "Ann. F §II ¶8(D); Ann. F §II ¶9"
    g = arrived_in_observed_aircraft(data)
    g.start_inspection(ETA + hours(1), "DEU", data, side=Role.OBSERVING)
    g.end_inspection(ETA + hours(2), "DEU", data, conforms=False, side=Role.OBSERVING)
    g.cancel(ETA + hours(3), "DEU", data, "inspection", side=Role.OBSERVING)
    assert g.state is FlightState.CANCELLED and not g.counted


def test_ann_f_i_9_prohibition_after_an_inspection_that_found_a_problem(
    data: TreatyData,
) -> None:
    f = arrived(data)
    f.start_inspection(ETA + hours(1), "POL", data, side=Role.OBSERVED)
    f.end_inspection(ETA + hours(2), "POL", data, conforms=True, side=Role.OBSERVED)
    with pytest.raises(Refusal):
        f.prohibit(ETA + hours(3), "POL", data, "inspection", "nothing found")
    g = arrived(data)
    g.start_inspection(ETA + hours(1), "POL", data, side=Role.OBSERVED)
    g.end_inspection(ETA + hours(2), "POL", data, conforms=False, side=Role.OBSERVED)
    g.prohibit(ETA + hours(3), "POL", data, "inspection", "an uncertified camera")
    assert g.state is FlightState.PROHIBITED and not g.counted


def test_art_viii_i_6_departure_after_a_decline_keeps_it_uncounted_and_starts_the_7_days(
    data: TreatyData,
) -> None:
    f = planned(data)
    f.decline(ETA + hours(10), "DEU", data, "no agreement")
    f.depart(ETA + hours(12), "POL", data)
    assert f.state is FlightState.DECLINED and not f.counted
    late = f.explain_decline(ETA + hours(12) + timedelta(days=7, minutes=1), "DEU", data, "why")
    assert [b.citation.text for b in late.breaches] == ["Art. VIII §I ¶6"]


def test_training_flight_by_agreement_is_never_counted(data: TreatyData) -> None:
    f = flight()
    assert f.counted
    f.agreed_otherwise.add("training_flight")
    assert not f.counted


def _in_flight(data: TreatyData) -> ObservationFlight:
    f = planned(data)
    f.accept_mission_plan(ETA + hours(3), "POL", data)
    f.start_flight(ETA + hours(26), "DEU", data)
    return f


def test_art_viii_ii_5_curtailed_flight_in_the_lifecycle_counts_against_both(
    data: TreatyData,
) -> None:
    f = _in_flight(data)
    event = f.curtail(ETA + hours(28), "DEU", data, CurtailmentCause.WEATHER)
    assert f.state is FlightState.COMPLETED and f.counted
    assert event.payload["counts"] is True and event.payload["count_citation"] == "Art. VIII §II ¶5"


def test_art_viii_ii_5_6_observing_party_decides_and_data_follow_the_count(
    data: TreatyData,
) -> None:
    f = _in_flight(data)
    with pytest.raises(Refusal) as refused:
        f.curtail(ETA + hours(28), "DEU", data, CurtailmentCause.FORCE_MAJEURE_ATC)
    assert refused.value.findings[0].citation.text == "Art. VIII §II ¶5"
    event = f.curtail(
        ETA + hours(28), "DEU", data, CurtailmentCause.FORCE_MAJEURE_ATC, observing_counts=False
    )
    assert f.state is FlightState.CURTAILED_NOT_COUNTED and not f.counted
    assert event.payload["data_kept"] is False  # Art. VIII §II ¶6


def test_art_viii_i_3_prohibition_explained_in_writing_within_7_days(data: TreatyData) -> None:
    f = flight()
    f.prohibit(ETA, "POL", data, "treaty_breach", "uncertified sensor")
    with pytest.raises(Refusal):
        f.explain_prohibition(ETA + hours(1), "POL", data, " ")
    late = f.explain_prohibition(ETA + timedelta(days=8), "POL", data, "see the report")
    assert [b.citation.text for b in late.breaches] == ["Art. VIII §I ¶3"]
    assert f.state is FlightState.PROHIBITED


def test_art_viii_i_6_decline_explained_in_writing(data: TreatyData) -> None:
    f = planned(data)
    f.decline(ETA + hours(10), "DEU", data, "no agreement")
    event = f.explain_decline(ETA + hours(11), "DEU", data, "the plan was not agreed")
    assert event.payload["explanation"] and f.state is FlightState.DECLINED


def test_ann_f_iii_3_d_delay_not_counted_against_the_time_allocated(data: TreatyData) -> None:
    f = arrived_in_observed_aircraft(data)  # the observing Party asks (Ann. F §III ¶2, ¶5)
    with pytest.raises(Refusal) as refused:
        f.start_demonstration(ETA + hours(2), "DEU", data, delay_hours=2, delay_cause="crew")
    assert refused.value.field == "delay_cause"
    f.start_demonstration(
        ETA + hours(2), "DEU", data, delay_hours=2, delay_cause="observed_party_sensors"
    )
    period = flight_deadlines(data, ETA, f.timeline(), f.demonstration_by).get("period_ends")
    assert period is not None and period.at == ETA + hours(96 + 2)
    f.agreed_otherwise.add("demonstration_delay")  # "unless otherwise agreed"
    period = flight_deadlines(data, ETA, f.timeline(), f.demonstration_by).get("period_ends")
    assert period is not None and period.at == ETA + hours(96)


def test_ann_f_iii_1_demonstration_not_during_the_pre_flight_inspection(
    data: TreatyData,
) -> None:
    f = arrived(data)
    f.start_inspection(ETA + hours(1), "POL", data)
    with pytest.raises(WrongState):
        f.start_demonstration(ETA + hours(2), "POL", data, DemonstrationBy.OBSERVED)
    f.end_inspection(ETA + hours(3), "POL", data, conforms=True)
    f.start_demonstration(ETA + hours(4), "POL", data, DemonstrationBy.OBSERVED)
    with pytest.raises(WrongState):
        f.start_inspection(ETA + hours(5), "POL", data)
