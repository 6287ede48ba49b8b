"""Quota rules: Art. III, Ann. A §II and their arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openskies.errors import InputError
from openskies.treaty import (
    Transfer,
    TreatyData,
    ceil_half,
    check_active_not_above_passive,
    check_distribution,
    check_separate_group_overflights,
    check_transfer,
    count_flight,
    fifty_percent_bound,
    first_distribution_quotas,
    max_flights,
    observed_cap,
    passive_quotas_in_year,
    phase_in_ends,
    reciprocal_right,
    separate_group_member_cap,
)


def test_art_iii_i_10_fifty_percent_rule_example() -> None:
    # A: total active 7, B: passive 4 -> min(ceil(3.5), ceil(2)) = min(4, 2) = 2
    assert fifty_percent_bound(7, 4) == 2
    # rounded up: 50 % of 5 is 2.5 -> 3
    assert fifty_percent_bound(5, 42) == 3


@given(st.integers(0, 100), st.integers(0, 100))
def test_art_iii_i_10_rounding_before_or_after_the_minimum_agree(a: int, b: int) -> None:
    assert fifty_percent_bound(a, b) == ceil_half(min(a, b))


def test_art_iii_i_10_max_flights_germany_over_belarus_russia(data: TreatyData) -> None:
    result = max_flights(data, "DEU", "RUS", 2010)
    # min(ceil(12 / 2), ceil(42 / 2)) = min(6, 21) = 6; RUS resolves to its group.
    assert (result.observed, result.max, result.citation.text) == ("BLR-RUS", 6, "Art. III §I ¶10")
    assert max_flights(data, "DEU", "RUS", 2010, total_active=7).max == 4


def test_art_iii_i_10_small_observed_party_bounds_the_flights(data: TreatyData) -> None:
    # Portugal's passive quota of 2 allows ceil(1) = 1 flight by anyone.
    assert max_flights(data, "DEU", "PRT", 2010).max == 1


def test_art_iii_i_5_total_active_not_above_total_passive(data: TreatyData) -> None:
    assert check_active_not_above_passive("PRT", 2, 2) == []
    [finding] = check_active_not_above_passive("PRT", 3, 2)
    assert finding.citation.text == "Art. III §I ¶5" and (finding.limit, finding.actual) == (2, 3)
    with pytest.raises(InputError, match=r"Art\. III §I ¶5"):
        max_flights(data, "PRT", "DEU", 2010, total_active=3)


def test_max_flights_refuses_a_state_that_has_left(data: TreatyData) -> None:
    with pytest.raises(InputError, match="not a State Party that year"):
        max_flights(data, "USA", "DEU", 2021)
    assert max_flights(data, "USA", "DEU", 2020).max == 6  # a Party until 22 Nov 2020


def test_max_flights_refuses_an_unknown_passive_quota(data: TreatyData) -> None:
    with pytest.raises(InputError, match="not known"):
        max_flights(data, "DEU", "SWE", 2010)


def test_max_flights_refuses_the_same_holder(data: TreatyData) -> None:
    with pytest.raises(InputError, match="same quota holder"):
        max_flights(data, "BLR", "RUS", 2010)


def test_art_iii_i_3_reciprocity() -> None:
    flights = {("DEU", "BLR-RUS"): 3, ("BLR-RUS", "DEU"): 3}
    assert reciprocal_right(flights, "DEU", "BLR-RUS") == 3
    assert reciprocal_right(flights, "DEU", "UKR") == 0


def test_ann_a_ii_1_first_distribution_keeps_every_rule_but_poland(data: TreatyData) -> None:
    passive = first_distribution_quotas(data)
    caps = {c: observed_cap(v, 2002, data) for c, v in passive.items()}
    findings = check_distribution(data.first_distribution.flights, passive, caps)
    assert [(f.rule, f.citation.text, f.limit, f.actual) for f in findings] == [
        ("observed_cap", "Ann. A §II ¶1–3", 4, 5)
    ]


def test_ann_a_ii_1_seventy_five_percent_rounded_down_during_phase_in(data: TreatyData) -> None:
    assert phase_in_ends(data) == date(2005, 12, 31)  # Art. XVIII §II ¶1
    assert observed_cap(42, 2002, data) == 31
    assert observed_cap(7, 2005, data) == 5  # Ann. A §II ¶2: until full implementation


def test_ann_a_ii_3_full_passive_quota_after_full_implementation(data: TreatyData) -> None:
    assert observed_cap(42, 2006, data) == 42


def test_art_iii_i_9_transfer_needs_agreement_quota_and_fifty_percent_rule() -> None:
    flights = {("FRA", "UKR"): 2, ("ITA", "UKR"): 5}
    passive = {"FRA": 12, "ITA": 12, "UKR": 12}
    ok = Transfer("FRA", "ITA", "UKR", 1, agreed_by_observed=True, notified_to_all=True)
    assert check_transfer(ok, flights, passive) == []
    too_many = Transfer("FRA", "ITA", "UKR", 2, agreed_by_observed=False, notified_to_all=False)
    rules = {f.rule for f in check_transfer(too_many, flights, passive)}
    assert rules == {"transfer_agreed_by_observed", "transfer_notified", "fifty_percent_rule"}
    beyond = Transfer("FRA", "ITA", "UKR", 3, agreed_by_observed=True, notified_to_all=True)
    assert "transfer_within_quota" in {f.rule for f in check_transfer(beyond, flights, passive)}


def test_art_iii_ii_2_b_flight_over_several_members_counts_per_member() -> None:
    count = count_flight(common_quota=False, members_overflown=3)
    assert (count.active, count.passive_each, count.citation.text) == (3, 1, "Art. III §II ¶2(B)")


def test_art_iii_ii_3_d_flight_over_a_common_quota_group_counts_once() -> None:
    count = count_flight(common_quota=True, members_overflown=2)
    assert (count.active, count.passive_each) == (1, 1)


def test_art_iii_ii_2_c_fifty_percent_more_over_a_group_member() -> None:
    assert separate_group_member_cap(3) == 5  # 3 + ceil(1.5)
    assert separate_group_member_cap(4) == 6
    assert separate_group_member_cap(0) == 2  # no quota for that member: two flights


def test_art_iii_ii_2_d_total_over_the_group_within_its_quotas() -> None:
    quotas = {"A1": 2, "A2": 2}
    assert check_separate_group_overflights("X", {"A1": 3, "A2": 1}, quotas) == []
    rules = [
        f.citation.text for f in check_separate_group_overflights("X", {"A1": 3, "A2": 2}, quotas)
    ]
    assert rules == ["Art. III §II ¶2(D)"]
    rules = [f.citation.text for f in check_separate_group_overflights("X", {"A1": 4}, quotas)]
    assert rules == ["Art. III §II ¶2(C)"]


def test_quotas_in_force_follow_membership(data: TreatyData) -> None:
    assert passive_quotas_in_year(data, 2020)["USA"] == 42  # a Party until 22 Nov
    q2022 = passive_quotas_in_year(data, 2022)
    assert "USA" not in q2022 and "BLR-RUS" not in q2022
    assert q2022["DEU"] == 12 and q2022["BLR"] is None
