"""Decisions recorded as dated entries (Ann. A §I ¶2, Art. III §I ¶7, ¶9): loader and standing."""

from __future__ import annotations

from datetime import date

import pytest

from openskies.errors import DataError
from openskies.treaty import TreatyData, holders_on, parties_on
from openskies.treaty.active_quotas import individual_quota, with_previous_year
from openskies.treaty.decisions import DecisionSource, apply_decisions, distribution_text
from openskies.treaty.distribution import Request
from openskies.treaty.model import TreatyFlight
from tests.conftest import fixture_data


def apply(data: TreatyData, text: str, name: str = "/srv/decisions/x.yaml") -> TreatyData:
    return apply_decisions(data, [DecisionSource(name, text)])


def test_ann_a_i_2_twelve_current_parties_have_no_public_passive_quota(data: TreatyData) -> None:
    day = date(2026, 6, 1)
    assert len(parties_on(data, day)) == 32
    unknown = sorted(h.code for h in holders_on(data, day) if h.passive_quota.value_on(day) is None)
    assert unknown == [
        "BIH", "BLR", "CZE", "EST", "FIN", "GEO", "HRV", "LTU", "LVA", "SVK", "SVN", "SWE"
    ]  # fmt: skip


def test_ann_a_i_2_recorded_decision_gives_every_current_party_a_passive_quota() -> None:
    data, day = fixture_data(), date(2026, 6, 1)
    assert all(h.passive_quota.value_on(day) is not None for h in holders_on(data, day))


def test_ann_a_i_2_a_recorded_passive_quota_is_a_dated_entry_with_its_source(
    data: TreatyData,
) -> None:
    new = apply(data, "passive_quotas: {SWE: {2004-01-01: {value: 7, reference: OSCC.DEC/9/03}}}")
    history = new.holders["SWE"].passive_quota
    assert history.value_on(date(2003, 6, 1)) is None  # not known before the decision
    assert history.value_on(date(2010, 1, 1)) == 7
    cited = history.entry_on(date(2010, 1, 1)).citation
    assert cited.text == "OSCC.DEC/9/03" and cited.url == "file:///srv/decisions/x.yaml"
    assert [(r.kind, r.subject, r.source) for r in new.decisions][-1] == (
        "passive_quota",
        "SWE",
        "/srv/decisions/x.yaml",
    )


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("passive_quotas: {XXX: {2004-01-01: {value: 7, reference: R}}}", "passive_quotas.XXX"),
        ("passive_quotas: {SWE: {2004-01-01: {value: -1, reference: R}}}", "value"),
        ("passive_quotas: {DEU: {2002-01-01: {value: 9, reference: R}}}", "already dated"),
        ("quotas: {}", "unknown key"),
        ("distributions: [{year: 2004, reference: R, "
         "flights: {DEU: [{observed: DEU, flights: 1}]}}]",
         "observe itself"),
        ("transfers: [{year: 2004, transferor: DEU, recipient: FRA, observed: POL, flights: 1, "
         "notified: 2004-01-01, reference: R}]", "agreed_by_observed"),
    ],
)  # fmt: skip
def test_a_decision_file_that_breaks_the_schema_names_the_file_and_key(
    data: TreatyData, text: str, names: str
) -> None:
    with pytest.raises(DataError, match=names) as error:
        apply(data, text)
    assert "/srv/decisions/x.yaml" in str(error.value)


def test_art_iii_i_7_one_distribution_per_party_and_year(data: TreatyData) -> None:
    text = distribution_text(2005, [TreatyFlight("DEU", "POL", 1)], "OSCC.DEC/1/05")
    once = apply(data, text)
    with pytest.raises(DataError, match="already recorded"):
        apply(once, text, "/srv/decisions/y.yaml")


def test_art_iii_i_7_recorded_distribution_replaces_the_previous_for_that_party(
    data: TreatyData,
) -> None:
    new = apply(data, distribution_text(2005, [TreatyFlight("DEU", "POL", 1)], "OSCC.DEC/1/05"))
    assert individual_quota(new, "DEU", "POL", 2005).flights == 1
    assert individual_quota(new, "DEU", "BLR-RUS", 2005).flights == 0  # not in the new one
    assert individual_quota(new, "DEU", "POL", 2004).basis.startswith("first distribution")
    assert individual_quota(new, "FRA", "BLR-RUS", 2005).flights == 3  # FRA's first stands
    assert "standing in 2009" in individual_quota(new, "DEU", "POL", 2009).basis


def test_art_iii_i_9_transfer_moves_quota_for_its_year(data: TreatyData) -> None:
    new = apply(
        data,
        "transfers: [{year: 2003, transferor: DEU, recipient: POL, observed: UKR, flights: 1, "
        "agreed_by_observed: true, notified: 2003-02-01, reference: OSCC.JOUR/100}]",
    )
    assert individual_quota(new, "DEU", "UKR", 2003).flights == 0
    assert individual_quota(new, "POL", "UKR", 2003).flights == 2
    assert individual_quota(new, "POL", "UKR", 2002).flights == 1


def test_ann_a_ii_4_public_allocation_to_sweden_of_21_july_2003(data: TreatyData) -> None:
    q = individual_quota(data, "SWE", "FIN", 2003)
    assert q.flights == 1 and q.citation.url and "codexis" in q.citation.url
    assert individual_quota(data, "SWE", "BLR-RUS", 2003).flights == 1


def test_ann_l_ii_3_distribute_starts_from_the_previous_year_and_resolves_members(
    data: TreatyData,
) -> None:
    # the 2019 bug: RUS "is not a quota holder in force"; RUS stands for BLR-RUS that year
    requests, carried = with_previous_year(data, 2019, [Request("RUS", "DEU", 2)])
    assert Request("BLR-RUS", "DEU", 2) in requests
    assert Request("DEU", "BLR-RUS", 3) in carried  # Germany asked nothing: its 2018 stands
    assert all(r.observing != "BLR-RUS" for r in carried)
