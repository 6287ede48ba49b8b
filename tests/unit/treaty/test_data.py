"""The shipped data: complete, cited, and consistent with the treaty's own arithmetic."""

from __future__ import annotations

from datetime import date

from openskies.treaty import TreatyData, entry_into_force_for, first_distribution_quotas

ANNEX_A_SECTION_I = {
    "DEU": 12,
    "USA": 42,
    "BLR-RUS": 42,
    "BENELUX": 6,
    "BGR": 4,
    "CAN": 12,
    "DNK": 6,
    "ESP": 4,
    "FRA": 12,
    "GBR": 12,
    "GRC": 4,
    "HUN": 4,
    "ISL": 4,
    "ITA": 12,
    "NOR": 7,
    "POL": 6,
    "PRT": 2,
    "ROU": 6,
    "CSK": 4,
    "TUR": 12,
    "UKR": 12,
}


def test_34_states_were_ever_states_parties(data: TreatyData) -> None:
    assert len(data.states) == 34
    assert all(len(code) == 3 and code.isupper() for code in data.states)


def test_every_state_with_a_date_cites_a_source(data: TreatyData) -> None:
    for state in data.states.values():
        if state.in_force or state.party_by:
            assert state.sources, state.code


def test_unknown_dates_are_recorded_as_unknown_not_invented(data: TreatyData) -> None:
    sweden = data.states["SWE"]
    assert sweden.in_force is None and sweden.deposited is None
    assert sweden.party_by == date(2003, 3, 1) and sweden.note


def test_ann_a_i_1_passive_quotas(data: TreatyData) -> None:
    # Ann. A §I ¶1: 21 holders, 225 flights in all.
    assert first_distribution_quotas(data) == ANNEX_A_SECTION_I
    assert sum(ANNEX_A_SECTION_I.values()) == 225


def test_art_xvii_2_holders_of_eight_or_more_needed_for_entry_into_force(
    data: TreatyData,
) -> None:
    big = {c for c, v in first_distribution_quotas(data).items() if v >= 8}
    assert big == {"DEU", "USA", "BLR-RUS", "CAN", "FRA", "GBR", "ITA", "TUR", "UKR"}


def test_art_xvii_6_in_force_sixty_days_after_deposit(data: TreatyData) -> None:
    # Every recorded in-force date agrees with the deposit date: ¶2 before 2002, ¶6 after.
    checked = 0
    for state in data.states.values():
        if state.deposited and state.in_force:
            assert state.in_force == entry_into_force_for(data, state.deposited), state.code
            checked += 1
    assert checked == 33


def test_ann_a_ii_1_first_distribution_observed_totals(data: TreatyData) -> None:
    observed: dict[str, int] = {}
    for f in data.first_distribution.flights:
        if f.shared_with is None or f.observing < f.shared_with:
            observed[f.observed] = observed.get(f.observed, 0) + f.flights
    assert observed["BLR-RUS"] == 28  # cap floor(0.75 * 42) = 31
    assert observed["UKR"] == 9  # cap 9: the shared flights count once
    assert observed["POL"] == 5  # a known defect: cap 4
    assert data.first_distribution.known_defects


def test_every_time_limit_cites_the_treaty(data: TreatyData) -> None:
    for limit in data.time_limits.values():
        for entry in limit.history.entries:
            assert entry.citation.is_treaty, limit.id


def test_sites_and_flight_distances_link_up(data: TreatyData) -> None:
    for entry in data.flight_distances.values():
        assert entry.site is None or entry.site in data.sites
        assert entry.distance_km.value_on(date(2002, 1, 1)) > 0
