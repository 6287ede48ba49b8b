"""Membership over time: entry into force, groups, withdrawal (Art. XIV, XV, XVII)."""

from __future__ import annotations

from datetime import date

import pytest

from openskies.errors import DateOutOfRangeError, InputError, UnknownStateError
from openskies.treaty import (
    TreatyData,
    benelux_arrangement_ends,
    group_on,
    holder_of,
    holders_on,
    is_party,
    parties_on,
    resolve_state,
    withdrawal,
)


def codes(data: TreatyData, day: date) -> set[str]:
    return {s.code for s in parties_on(data, day)}


def test_art_xvii_2_entry_into_force_with_26_states_parties(data: TreatyData) -> None:
    # In force 1 Jan 2002 (60 days after Belarus and Russia deposited on 2 Nov 2001);
    # Arms Control Today counts 26 States Parties at the first flights in August 2002.
    assert len(parties_on(data, date(2002, 1, 1))) == 26
    assert len(parties_on(data, date(2002, 8, 8))) == 26


def test_history_replay_34_states_parties_in_2013(data: TreatyData) -> None:
    # US State Department, 3 Sep 2013: 1,000 flights, 34 States Parties.
    assert len(parties_on(data, date(2013, 9, 3))) == 34


def test_history_replay_us_withdrawal(data: TreatyData) -> None:
    result = withdrawal(data, "USA", date(2020, 5, 22))
    assert result.effective == date(2020, 11, 22)
    assert "USA" in codes(data, date(2020, 11, 21))
    assert "USA" not in codes(data, date(2020, 11, 22))
    assert len(parties_on(data, date(2020, 11, 22))) == 33


def test_history_replay_russian_withdrawal_leaves_32(data: TreatyData) -> None:
    result = withdrawal(data, "RUS", date(2021, 6, 18))
    assert result.effective == date(2021, 12, 18)
    assert "RUS" in codes(data, date(2021, 12, 17))
    parties = codes(data, date(2021, 12, 19))
    assert len(parties) == 32
    assert {"RUS", "USA"}.isdisjoint(parties)
    assert "BLR" in parties and "KGZ" not in parties


def test_art_xv_2_withdrawal_effective_six_months_after_notice(data: TreatyData) -> None:
    assert withdrawal(data, "DEU", date(2026, 1, 15)).effective == date(2026, 7, 15)
    # a day that does not exist six months on becomes the month's last day
    assert withdrawal(data, "DEU", date(2026, 8, 31)).effective == date(2027, 2, 28)


def test_art_xv_2_intended_date_at_least_six_months_after_notice(data: TreatyData) -> None:
    assert withdrawal(data, "FRA", date(2026, 1, 1), date(2026, 9, 1)).effective == date(2026, 9, 1)
    with pytest.raises(InputError, match=r"Art\. XV ¶2"):
        withdrawal(data, "FRA", date(2026, 1, 1), date(2026, 6, 30))


def test_art_xv_2_only_a_state_party_can_withdraw(data: TreatyData) -> None:
    with pytest.raises(InputError, match="not a State Party"):
        withdrawal(data, "USA", date(2021, 1, 10))


def test_art_xv_3_conference_30_to_60_days_after_notice(data: TreatyData) -> None:
    us = withdrawal(data, "USA", date(2020, 5, 22))
    assert us.conference_window == (date(2020, 6, 21), date(2020, 7, 21))
    # The conference was held on 6 July 2020, inside the window.
    assert us.conference_window[0] <= date(2020, 7, 6) <= us.conference_window[1]
    russia = withdrawal(data, "RUS", date(2021, 6, 18))
    assert russia.conference_window[0] <= date(2021, 7, 20) <= russia.conference_window[1]


def test_art_ix_iv_1_a_withdrawn_state_no_longer_receives_data(data: TreatyData) -> None:
    result = withdrawal(data, "USA", date(2020, 5, 22))
    assert any(c.citation.text == "Art. IX §IV ¶1" for c in result.consequences)


def test_art_iii_ii_3_belarus_russia_group_holds_a_common_quota(data: TreatyData) -> None:
    assert holder_of(data, "RUS", date(2010, 1, 1)).code == "BLR-RUS"
    assert holder_of(data, "BLR", date(2021, 12, 17)).code == "BLR-RUS"


def test_group_ends_when_russia_leaves_and_belarus_holds_alone(data: TreatyData) -> None:
    day = date(2021, 12, 18)
    assert group_on(data, "BLR", day) is None
    assert holder_of(data, "BLR", day).code == "BLR"
    assert holder_of(data, "BLR", day).passive_quota.value_on(day) is None  # not found
    consequences = withdrawal(data, "RUS", date(2021, 6, 18)).consequences
    assert any("ends" in c.text and c.citation.text == "Art. III §II ¶6–7" for c in consequences)


def test_art_xiv_1_benelux_deemed_a_single_state_party(data: TreatyData) -> None:
    day = date(2022, 1, 1)
    for code in ("BEL", "LUX", "NLD"):
        assert group_on(data, code, day).code == "BENELUX"  # type: ignore[union-attr]
    assert "BENELUX" in {h.code for h in holders_on(data, day)}
    assert {"BEL", "LUX", "NLD"} <= codes(data, day)  # each is still a State Party


def test_art_xiv_2_benelux_arrangement_ends_on_the_next_31_december(data: TreatyData) -> None:
    assert benelux_arrangement_ends(data, date(2026, 3, 1)) == date(2026, 12, 31)
    # notice on 15 Nov: the 60 days end on 14 Jan, so the next 31 December is a year later
    assert benelux_arrangement_ends(data, date(2026, 11, 15)) == date(2027, 12, 31)


def test_art_xvii_6_acceding_state_is_a_party_sixty_days_after_deposit(data: TreatyData) -> None:
    estonia = data.states["EST"]  # deposited 24 Mar 2005
    assert not is_party(estonia, date(2005, 5, 22))
    assert is_party(estonia, date(2005, 5, 23))


def test_a_date_before_the_treaty_is_refused(data: TreatyData) -> None:
    with pytest.raises(DateOutOfRangeError, match=r"Art\. XVII ¶2"):
        parties_on(data, date(1999, 1, 1))


def test_unknown_state_is_refused_with_a_clear_message(data: TreatyData) -> None:
    with pytest.raises(UnknownStateError, match="ISO 3166 alpha-3"):
        resolve_state(data, "XYZ")
    assert resolve_state(data, "deu").code == "DEU"
    assert resolve_state(data, "Germany").code == "DEU"


def test_art_xiv_benelux_member_withdrawal_cites_art_xiv_not_the_groups_of_art_iii(
    data: TreatyData,
) -> None:
    consequences = withdrawal(data, "BEL", date(2024, 1, 10)).consequences
    cited = [c.citation.text for c in consequences]
    assert "Art. XIV ¶1–2" in cited and "Art. III §II ¶6–7" not in cited
