"""The counts, notice periods and sensor limits of the treaty (fact sheet §0, Art. IV)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openskies.treaty import TreatyData, check_at_most, earliest_effective, entry_into_force_for

DAY = date(2026, 1, 1)

# (limit id, citation, allowed, first value over it)
COUNTS = [
    ("flights_at_one_time", "Art. VI §I ¶3", 1, 2),
    ("inspectors_of_observing_aircraft", "Ann. F §I ¶2(A)", 10, 11),
    ("inspectors_of_observed_sensors", "Ann. F §II ¶2(A)", 5, 6),
    ("film_processing_officials", "Art. IX §II ¶4", 2, 3),
    ("designated_personnel", "Art. XIII §I ¶1", 400, 401),
    ("quarterly_flights_over_one_state", "Ann. H ¶2", 16, 17),
    ("non_party_border_distance", "Art. VI §II ¶2", 10, 11),
    ("deviation_sensor_limit", "Art. VIII §II ¶3", 50, 51),
    ("airfield_from_point_of_entry", "Ann. E ¶1", 5, 6),
    ("demonstration_overlap", "Ann. H ¶2", 24, 25),
    ("equipment_inventory_start", "Ann. E ¶7(A)", 1, 2),
    ("equipment_inventory_duration", "Ann. E ¶7(A)", 1, 2),
    ("visa_on_arrival", "Art. XIII §I ¶3", 1, 2),
    ("visa_issue", "Art. XIII §I ¶3", 30, 31),
    ("designated_personnel_objection", "Art. XIII §I ¶2", 30, 31),
    ("annual_review_agreement", "Art. III §I ¶7", 21, 22),
    ("certification_participants_total", "Ann. D §I ¶4", 40, 41),
    ("certification_participants_per_party", "Ann. D §I ¶4", 4, 5),
    ("airfield_coverage_share", "Ann. E ¶5(A)", 35, 36),
    ("separated_territory_distance", "Ann. E ¶5(B)", 600, 601),
]


@pytest.mark.parametrize(
    ("limit_id", "cite", "allowed", "over"), COUNTS, ids=[c[1] + " " + c[0] for c in COUNTS]
)
def test_at_most(data: TreatyData, limit_id: str, cite: str, allowed: int, over: int) -> None:
    assert check_at_most(data, limit_id, allowed, DAY) == []
    [finding] = check_at_most(data, limit_id, over, DAY)
    assert (finding.citation.text, finding.limit, finding.actual) == (cite, allowed, over)


# (limit id, citation, notified, earliest effective)
NOTICES = [
    ("aircraft_designation_notice", "Art. V ¶2", date(2026, 1, 1), date(2026, 1, 31)),
    ("aircraft_deletion_notice", "Art. V ¶3", date(2026, 1, 1), date(2026, 4, 1)),
    ("sensor_change_notice", "Art. IV ¶12", date(2026, 1, 1), date(2026, 4, 1)),
    ("site_change_notice", "Ann. E ¶4", date(2026, 1, 1), date(2026, 4, 1)),
    ("withdrawal_notice", "Art. XV ¶2", date(2026, 1, 31), date(2026, 7, 31)),
    ("group_change_notice", "Art. III §II ¶1(A)", date(2026, 8, 31), date(2027, 2, 28)),
    (
        "designated_personnel_amendment_interval",
        "Art. XIII §I ¶2",
        date(2026, 3, 1),
        date(2026, 9, 1),
    ),
    # periods counted after an event, each checked against the text: Ann. D §I ¶3-6
    # (certification), Ann. I ¶1, ¶3 (airspace information), Ann. K §I ¶3 (film samples),
    # Art. XIII §I ¶3 (visas), Art. XVI ¶1 (amendments)
    ("certification_notice", "Ann. D §I ¶3", date(2026, 1, 1), date(2026, 3, 2)),
    ("certification_period", "Ann. D §I ¶3", date(2026, 3, 2), date(2026, 3, 9)),
    ("certification_participation_notice", "Ann. D §I ¶4", date(2026, 1, 5), date(2026, 1, 15)),
    ("certification_participant_details", "Ann. D §I ¶5", date(2026, 2, 1), date(2026, 3, 3)),
    ("certification_sensor_information", "Ann. D §I ¶6", date(2026, 2, 16), date(2026, 3, 2)),
    ("airspace_information_not_before", "Ann. I ¶1", date(2002, 1, 1), date(2002, 4, 1)),
    ("airspace_information_response", "Ann. I ¶1", date(2026, 5, 1), date(2026, 5, 31)),
    ("airspace_information_source", "Ann. I ¶3", date(2002, 1, 1), date(2002, 4, 1)),
    ("film_samples_response", "Ann. K §I ¶3", date(2026, 5, 1), date(2026, 5, 31)),
    ("visa_validity", "Art. XIII §I ¶3", date(2026, 5, 1), date(2028, 5, 1)),
    ("amendment_request_period", "Art. XVI ¶1", date(2026, 1, 1), date(2026, 4, 1)),
    ("amendment_conference_earliest", "Art. XVI ¶1", date(2026, 1, 1), date(2026, 1, 31)),
    ("amendment_conference_latest", "Art. XVI ¶1", date(2026, 1, 1), date(2026, 3, 2)),
]


def test_art_xvii_2_twenty_instruments_and_every_holder_of_eight(data: TreatyData) -> None:
    on = date(2002, 1, 1)
    assert data.limit("entry_into_force_instruments").on(on) == 20
    assert data.limit("entry_into_force_quota_threshold").on(on) == 8
    assert data.limit("entry_into_force_quota_threshold").citation_on(on).text == "Art. XVII ¶2"
    # 60 days after the last instruments required (Russia and Belarus, 2 November 2001)
    delay = timedelta(days=data.limit("entry_into_force_delay").on(on))
    assert data.entry_into_force - delay == date(2001, 11, 2)


@pytest.mark.parametrize(
    ("limit_id", "cite", "notified", "effective"), NOTICES, ids=[n[1] + " " + n[0] for n in NOTICES]
)
def test_notice_period(
    data: TreatyData, limit_id: str, cite: str, notified: date, effective: date
) -> None:
    assert earliest_effective(data, limit_id, notified) == effective
    assert data.limit(limit_id).citation_on(notified).text == cite


def test_art_xvii_6_entry_into_force_60_days_after_a_later_deposit(data: TreatyData) -> None:
    assert entry_into_force_for(data, date(2005, 3, 24)) == date(2005, 5, 23)  # Estonia
    assert entry_into_force_for(data, date(1993, 12, 3)) == date(2002, 1, 1)  # Art. XVII ¶2


def test_art_iv_2_a_optical_cameras_30_cm_and_50_km_each_side(data: TreatyData) -> None:
    limits = data.sensors["optical_camera"].limits.value_on(DAY)
    assert (limits.ground_resolution_m, limits.max_coverage_each_side_km) == (0.30, 50)
    assert dict(limits.max_units) == {"panoramic": 1, "vertical_framing": 1, "oblique_framing": 2}


def test_art_iv_2_b_video_cameras_30_cm(data: TreatyData) -> None:
    assert data.sensors["video_camera"].limits.value_on(DAY).ground_resolution_m == 0.30


def test_art_iv_2_c_infra_red_line_scanner_50_cm_single_device(data: TreatyData) -> None:
    limits = data.sensors["infra_red_line_scanner"].limits.value_on(DAY)
    assert (limits.ground_resolution_m, dict(limits.max_units)) == (0.50, {"device": 1})


def test_art_iv_2_d_sar_3_m_swath_25_km_one_side(data: TreatyData) -> None:
    limits = data.sensors["synthetic_aperture_radar"].limits.value_on(DAY)
    assert (limits.ground_resolution_m, limits.max_swath_km) == (3.0, 25)
    assert limits.one_side_at_a_time and limits.taxi_aircraft_resolution_m == 6.0  # Art. IV ¶9


def test_art_xviii_ii_2_no_infra_red_during_the_phase_in(data: TreatyData) -> None:
    history = data.sensors["infra_red_line_scanner"].limits
    assert not history.value_on(date(2005, 12, 31)).usable
    assert history.value_on(date(2006, 1, 1)).usable
