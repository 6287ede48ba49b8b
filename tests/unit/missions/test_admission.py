"""Admission of a notification: one test per rule, named for its paragraph (pure, no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from openskies.missions.admission import FlightsCounted, Notification, OpenFlight, admit
from openskies.treaty import Citation, DemonstrationBy, Group, GroupKind, TreatyData
from tests.conftest import fixture_data

NOW = datetime(2002, 3, 1, 8, 0, tzinfo=UTC)
NONE = FlightsCounted(pair=0, total_active=0, accepted=0)


def notice(
    observing: str = "DEU",
    observed: str = "BLR-RUS",
    state: str = "RUS",
    eta: datetime | None = None,
    now: datetime = NOW,
    transit: tuple[str, ...] = (),
    members: tuple[str, ...] | None = None,
) -> Notification:
    return Notification(
        actor=observing if len(observing) == 3 else state,
        observing=observing,
        observed=observed,
        observed_state=state,
        observing_members=(observing,),
        observed_members=members or (("BLR", "RUS") if observed == "BLR-RUS" else (observed,)),
        eta=eta or now + timedelta(hours=96),
        now=now,
        transit=transit,
    )


def rules(data: TreatyData, n: Notification, counted: FlightsCounted = NONE) -> list[str]:
    return [f.rule for f in admit(data, n, counted).findings]


def test_admitted_within_every_rule(data: TreatyData) -> None:
    outcome = admit(data, notice(), NONE)
    assert outcome.admitted and outcome.quota is not None and outcome.quota.flights == 3


def test_art_vi_i_5_notice_at_least_72_hours_before_eta(data: TreatyData) -> None:
    late = notice(eta=NOW + timedelta(hours=71, minutes=59))
    assert rules(data, late) == ["notify_by"]
    assert admit(data, late, NONE).field == "eta"
    assert rules(data, notice(eta=NOW + timedelta(hours=72))) == []


def test_art_vii_1_2_transit_state_is_a_third_state_party(data: TreatyData) -> None:
    assert rules(data, notice(transit=("POL",))) == []
    assert rules(data, notice(transit=("RUS",))) == ["transit"]  # the observed Party
    assert rules(data, notice(transit=("DEU",))) == ["transit"]  # the observing Party
    assert rules(data, notice(transit=("SRB",))) == ["transit"]  # never a State Party


def test_ann_a_i_2_unknown_passive_quota_names_the_missing_decision(data: TreatyData) -> None:
    n = notice(observed="SWE", state="SWE", now=datetime(2026, 3, 1, tzinfo=UTC))
    findings = admit(data, n, NONE).findings
    assert [f.rule for f in findings] == ["passive_quota_known"]
    assert findings[0].citation.text == "Ann. A §I ¶2"
    assert "SWE" in findings[0].message and "OPENSKIES_DECISIONS_DIR" in findings[0].message


def test_ann_a_ii_1_first_distribution_refuses_germany_over_poland_in_2002(
    data: TreatyData,
) -> None:
    findings = admit(data, notice(observed="POL", state="POL"), NONE).findings
    assert [f.rule for f in findings] == ["individual_active_quota"]
    assert findings[0].citation.text.startswith("Ann. A §II")
    assert admit(data, notice(), NONE).admitted  # over Belarus–Russia: three flights


def test_ann_a_ii_1_individual_quota_counts_flights_already_notified(data: TreatyData) -> None:
    assert rules(data, notice(), FlightsCounted(2, 2, 2)) == []
    assert rules(data, notice(), FlightsCounted(3, 3, 3)) == ["individual_active_quota"]


def test_art_iii_i_7_previous_years_distribution_stands(data: TreatyData) -> None:
    n = notice(now=datetime(2005, 3, 1, tzinfo=UTC))
    outcome = admit(data, n, NONE)
    assert outcome.admitted and outcome.quota is not None
    assert "standing in 2005 (Art. III §I ¶7)" in outcome.quota.basis


def test_art_iii_i_7_no_distribution_names_the_party(data: TreatyData) -> None:
    recorded = fixture_data()
    n = notice("SWE", "POL", "POL", now=datetime(2003, 6, 1, tzinfo=UTC))
    findings = admit(recorded, n, NONE).findings
    assert [f.rule for f in findings] == ["individual_active_quota"]  # SWE has 0 over POL
    n = notice("FIN", "POL", "POL", now=datetime(2003, 6, 1, tzinfo=UTC))
    findings = admit(recorded, n, NONE).findings
    assert findings[0].citation.text == "Art. III §I ¶7"
    assert "distribution record" in findings[0].message


def test_art_iii_i_10_fifty_percent_rule(data: TreatyData) -> None:
    recorded = fixture_data()  # 9 a pair for tests: the 50 % rule binds first
    n = notice("DEU", "POL", "POL", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert rules(recorded, n, FlightsCounted(2, 2, 2)) == []
    assert rules(recorded, n, FlightsCounted(3, 3, 3)) == ["fifty_percent_rule"]


def test_art_iii_i_5_total_active_quota_within_passive_quota(data: TreatyData) -> None:
    recorded = fixture_data()
    n = notice("PRT", "DEU", "DEU", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert rules(recorded, n, FlightsCounted(0, 1, 0)) == []
    assert rules(recorded, n, FlightsCounted(0, 2, 0)) == ["active_not_above_passive"]


def test_art_iii_i_4_ann_a_ii_observed_party_accepts_at_most_its_cap(data: TreatyData) -> None:
    # 2026, after the phase-in: Portugal must accept its passive quota, 2 (Ann. A §II ¶3)
    recorded = fixture_data()
    n = notice("DEU", "PRT", "PRT", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert rules(recorded, n, FlightsCounted(0, 0, 1)) == []
    assert rules(recorded, n, FlightsCounted(0, 0, 2)) == ["passive_quota"]


def test_art_vi_i_3_one_flight_at_a_time(data: TreatyData) -> None:
    eta = NOW + timedelta(hours=96)
    busy = FlightsCounted(0, 0, 1, (OpenFlight(eta - timedelta(hours=95)),))
    assert rules(data, notice(eta=eta), busy) == ["one_flight_at_a_time"]
    free = FlightsCounted(0, 0, 1, (OpenFlight(eta - timedelta(hours=96)),))
    assert rules(data, notice(eta=eta), free) == []


def test_art_vi_i_3_one_flight_at_a_time_set_aside_by_agreement_before_notice(
    data: TreatyData,
) -> None:
    eta = NOW + timedelta(hours=96)
    agreed = OpenFlight(eta - timedelta(hours=95), others_agreed=True)
    assert rules(data, notice(eta=eta), FlightsCounted(0, 0, 1, (agreed,))) == []
    two = (agreed, OpenFlight(eta - timedelta(hours=90)))  # the agreement covers its flight only
    assert rules(data, notice(eta=eta), FlightsCounted(0, 0, 2, two)) == ["one_flight_at_a_time"]


def test_ann_h_2_demonstration_overlap_of_up_to_24_hours(data: TreatyData) -> None:
    eta = NOW + timedelta(hours=100)
    # the observed Party asked for a demonstration: its period is 96 + 24 hours
    within = OpenFlight(eta - timedelta(hours=96), DemonstrationBy.OBSERVED)  # 24 h overlap
    assert rules(data, notice(eta=eta), FlightsCounted(0, 0, 1, (within,))) == []
    beyond = OpenFlight(eta - timedelta(hours=95), DemonstrationBy.OBSERVED)  # 25 h
    assert rules(data, notice(eta=eta), FlightsCounted(0, 0, 1, (beyond,))) == [
        "one_flight_at_a_time"
    ]


def with_separate_group(data: TreatyData, *members: str) -> TreatyData:
    """``data`` with a group of separate quotas (Art. III §II ¶2) of ``members``: none in the
    record has one, a verification centre may record one."""
    group = Group(
        "TEST-GROUP",
        "a group with separate quotas",
        GroupKind.SEPARATE_QUOTAS,
        members,
        date(2002, 1, 1),
        Citation("Art. III §II ¶2"),
    )
    return replace(data, groups={**data.groups, group.code: group})


def test_art_iii_ii_2_c_d_over_a_group_member_more_but_the_group_total_within_the_quotas(
    data: TreatyData,
) -> None:
    # Germany in 2002 (first distribution): 1 flight over Ukraine, none over Poland.
    grouped = with_separate_group(data, "UKR", "POL")
    over_poland = notice(observed="POL", state="POL")
    assert rules(data, over_poland) == ["individual_active_quota"]  # alone: no quota
    assert rules(grouped, over_poland) == []  # ¶2(C): two flights with no quota held
    once = FlightsCounted(pair=0, total_active=1, accepted=0, over_group={"POL": 1})
    over_ukraine = notice(observed="UKR", state="UKR")
    assert rules(data, over_ukraine, once) == []
    refused = admit(grouped, over_ukraine, once).findings  # ¶2(D): 2 over the group > 1
    assert [(f.rule, f.citation.text, f.limit, f.actual) for f in refused] == [
        ("group_total_within_quotas", "Art. III §II ¶2(D)", 1, 2)
    ]
