"""Deadlines of an observation flight (Art. VI, VIII, IX; Ann. F) and timeline checks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from openskies.errors import InputError
from openskies.treaty import (
    DemonstrationBy,
    FilmFacility,
    Timeline,
    TreatyData,
    check_timeline,
    flight_deadlines,
)
from tests.conftest import utc

ETA = utc("2026-12-07T09:00")  # a Monday


def at(data: TreatyData, rule: str, timeline: Timeline | None = None, **kw) -> datetime:
    deadline = flight_deadlines(data, ETA, timeline, **kw).get(rule)
    assert deadline is not None, rule
    return deadline.at


def citation(data: TreatyData, rule: str, timeline: Timeline | None = None, **kw) -> str:
    deadline = flight_deadlines(data, ETA, timeline, **kw).get(rule)
    assert deadline is not None, rule
    return deadline.citation.text


def test_art_vi_i_5_notice_at_least_72_hours_before_eta(data: TreatyData) -> None:
    assert at(data, "notify_by") == utc("2026-12-04T09:00")
    assert citation(data, "notify_by") == "Art. VI §I ¶5"


def test_art_vi_i_6_acknowledgement_within_24_hours(data: TreatyData) -> None:
    t = Timeline(notified_at=utc("2026-12-01T10:00"))
    assert at(data, "acknowledge_by", t) == utc("2026-12-02T10:00")
    assert citation(data, "acknowledge_by", t) == "Art. VI §I ¶6"


def test_art_vi_i_9_period_of_96_hours_from_eta(data: TreatyData) -> None:
    assert at(data, "period_ends") == ETA + timedelta(hours=96)


def test_ann_f_iii_4_demonstration_asked_by_observed_party_adds_24_hours(
    data: TreatyData,
) -> None:
    ends = at(data, "period_ends", demonstration_by=DemonstrationBy.OBSERVED)
    assert ends == ETA + timedelta(hours=120)


def test_ann_f_iii_5_demonstration_asked_by_observing_party_fits_inside_96(
    data: TreatyData,
) -> None:
    ends = at(data, "period_ends", demonstration_by=DemonstrationBy.OBSERVING)
    assert ends == ETA + timedelta(hours=96)


def test_ann_f_iii_3_b_demonstration_flight_at_most_2_hours(data: TreatyData) -> None:
    t = Timeline(
        demonstration_started_at=utc("2026-12-07T14:00"),
        demonstration_ended_at=utc("2026-12-07T16:30"),
    )
    [breach] = check_timeline(data, ETA, t, DemonstrationBy.OBSERVED)
    assert (breach.rule, breach.citation.text) == ("demonstration_ends_by", "Ann. F §III ¶3(B)")


def test_art_viii_i_2_late_arrival_after_24_hours(data: TreatyData) -> None:
    assert at(data, "arrive_by") == utc("2026-12-08T09:00")
    [breach] = check_timeline(data, ETA, Timeline(arrived_at=utc("2026-12-08T09:01")))
    assert breach.citation.text == "Art. VIII §I ¶2"


def test_ann_f_i_4_pre_flight_inspection_at_most_8_hours(data: TreatyData) -> None:
    t = Timeline(
        inspection_started_at=utc("2026-12-07T12:00"), inspection_ended_at=utc("2026-12-07T21:00")
    )
    [breach] = check_timeline(data, ETA, t)
    assert (breach.rule, breach.citation.text) == ("inspection_ends_by", "Ann. F §I ¶4")


def test_art_vi_i_11_inspection_ends_4_hours_before_the_flight(data: TreatyData) -> None:
    t = Timeline(
        inspection_started_at=utc("2026-12-07T12:00"),
        inspection_ended_at=utc("2026-12-07T18:00"),
        planned_start=utc("2026-12-07T21:00"),
        flight_started_at=utc("2026-12-08T03:00"),
    )
    rules = {b.rule: b.citation.text for b in check_timeline(data, ETA, t)}
    assert rules == {"inspection_ends_before_flight": "Art. VI §I ¶11"}
    assert check_timeline(data, ETA, t, agreed_otherwise=["inspection_ends_before_flight"]) == []


def test_art_vi_i_11_inspection_measured_from_the_scheduled_commencement(
    data: TreatyData,
) -> None:
    # a flight starting late does not cure an inspection that ended too close to the schedule
    late_start = Timeline(
        inspection_ended_at=utc("2026-12-07T18:00"),
        planned_start=utc("2026-12-07T21:00"),
        flight_started_at=utc("2026-12-08T09:00"),
    )
    assert [b.rule for b in check_timeline(data, ETA, late_start)] == [
        "inspection_ends_before_flight"
    ]
    # and an early actual start is not held against an inspection that kept the schedule
    on_schedule = Timeline(
        inspection_ended_at=utc("2026-12-07T18:00"),
        planned_start=utc("2026-12-07T22:00"),
        flight_started_at=utc("2026-12-07T20:00"),
    )
    assert "inspection_ends_before_flight" not in [
        b.rule for b in check_timeline(data, ETA, on_schedule)
    ]


def test_art_vi_ii_6_mission_plan_answered_within_4_hours(data: TreatyData) -> None:
    t = Timeline(
        mission_plan_submitted_at=utc("2026-12-07T12:00"),
        mission_plan_answered_at=utc("2026-12-07T16:30"),
    )
    [breach] = check_timeline(data, ETA, t)
    assert (breach.rule, breach.citation.text) == ("mission_plan_answer_by", "Art. VI §II ¶6")


def test_art_viii_i_5_observing_party_may_decline_8_hours_after_submission(
    data: TreatyData,
) -> None:
    t = Timeline(mission_plan_submitted_at=utc("2026-12-07T12:00"))
    assert at(data, "may_decline_from", t) == utc("2026-12-07T20:00")
    assert citation(data, "may_decline_from", t) == "Art. VI §II ¶6; Art. VIII §I ¶5"


def test_art_vi_ii_4_e_flight_starts_24_hours_after_mission_plan(data: TreatyData) -> None:
    t = Timeline(
        mission_plan_submitted_at=utc("2026-12-07T12:00"), flight_started_at=utc("2026-12-08T11:00")
    )
    [breach] = check_timeline(data, ETA, t)
    assert (breach.rule, breach.citation.text) == ("flight_starts_not_before", "Art. VI §II ¶4(E)")
    assert check_timeline(data, ETA, t, agreed_otherwise=["flight_starts_not_before"]) == []


def test_art_vi_i_9_flight_completed_after_the_period_is_a_breach(data: TreatyData) -> None:
    t = Timeline(flight_completed_at=ETA + timedelta(hours=97))
    assert [b.citation.text for b in check_timeline(data, ETA, t)] == ["Art. VI §I ¶9"]


def test_art_vi_i_20_departure_within_24_hours_of_completion(data: TreatyData) -> None:
    t = Timeline(flight_completed_at=utc("2026-12-09T15:00"), departed_at=utc("2026-12-10T16:00"))
    assert [b.citation.text for b in check_timeline(data, ETA, t)] == ["Art. VI §I ¶20"]


def test_art_vi_i_21_mission_report_within_7_days_of_departure(data: TreatyData) -> None:
    t = Timeline(departed_at=utc("2026-12-10T12:00"), report_sent_at=utc("2026-12-17T12:00"))
    assert check_timeline(data, ETA, t) == []
    late = Timeline(departed_at=utc("2026-12-10T12:00"), report_sent_at=utc("2026-12-17T12:01"))
    assert [b.citation.text for b in check_timeline(data, ETA, late)] == ["Art. VI §I ¶21"]


def test_art_ix_ii_3_film_developed_within_3_days_at_the_observed_partys_facility(
    data: TreatyData,
) -> None:
    # Art. IX §II ¶3: from the arrival of the aircraft at the point of exit, not completion
    t = Timeline(
        flight_completed_at=utc("2026-12-09T15:00"),
        arrived_at_exit_at=utc("2026-12-09T18:30"),
        departed_at=utc("2026-12-10T09:00"),
    )
    assert at(data, "film_developed_by", t, film_facility=FilmFacility.OBSERVED) == utc(
        "2026-12-12T18:30"
    )


def test_art_ix_ii_3_film_developed_within_10_days_at_the_observing_partys_facility(
    data: TreatyData,
) -> None:
    t = Timeline(left_territory_at=utc("2026-12-10T11:00"))
    assert at(data, "film_developed_by", t, film_facility=FilmFacility.OBSERVING) == utc(
        "2026-12-20T11:00"
    )


def test_art_viii_i_3_prohibition_explained_within_7_days(data: TreatyData) -> None:
    t = Timeline(
        prohibited_at=utc("2026-12-08T10:00"), prohibition_explained_at=utc("2026-12-16T10:00")
    )
    assert [b.citation.text for b in check_timeline(data, ETA, t)] == ["Art. VIII §I ¶3"]


def test_art_viii_i_6_decline_explained_within_7_days_after_departure(data: TreatyData) -> None:
    t = Timeline(
        declined_at=utc("2026-12-08T10:00"),
        departed_at=utc("2026-12-08T20:00"),
        decline_explained_at=utc("2026-12-15T19:00"),
    )
    assert check_timeline(data, ETA, t) == []


def test_overdue_steps_are_reported_when_now_is_given(data: TreatyData) -> None:
    t = Timeline(notified_at=utc("2026-12-01T10:00"))
    [breach] = check_timeline(data, ETA, t, now=utc("2026-12-03T00:00"))
    assert breach.rule == "acknowledge_by" and "not done" in breach.message


def test_a_time_without_utc_offset_is_refused(data: TreatyData) -> None:
    with pytest.raises(InputError, match="eta: a time must carry its UTC offset"):
        flight_deadlines(data, datetime(2026, 12, 7, 9, 0))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(InputError, match="notified_at"):
        Timeline(notified_at=datetime(2026, 12, 1, 9, 0))  # noqa: DTZ001 - naive on purpose


def test_a_full_timeline_on_time_has_no_breach(data: TreatyData) -> None:
    t = Timeline(
        notified_at=utc("2026-12-03T08:00"),
        acknowledged_at=utc("2026-12-03T20:00"),
        arrived_at=utc("2026-12-07T10:00"),
        inspection_started_at=utc("2026-12-07T12:00"),
        inspection_ended_at=utc("2026-12-07T18:00"),
        mission_plan_submitted_at=utc("2026-12-07T19:00"),
        mission_plan_answered_at=utc("2026-12-07T22:00"),
        flight_started_at=utc("2026-12-08T20:00"),
        flight_completed_at=utc("2026-12-09T06:00"),
        departed_at=utc("2026-12-09T20:00"),
        report_sent_at=utc("2026-12-14T09:00"),
    )
    assert check_timeline(data, ETA, t) == []
