"""Citations and dated values: the provenance every rule carries."""

from __future__ import annotations

from datetime import date

import pytest

from openskies.errors import DataError, DateOutOfRangeError, InputError
from openskies.treaty import Citation, Dated, History


@pytest.mark.parametrize(
    "text",
    [
        "Art. VI §I ¶5",
        "Art. VI §I ¶5(G)",
        "Ann. E App.1 §II",
        "Ann. A §III",
        "Art. XV ¶2–3",
        "Art. III §II ¶2(C)",
        "Art. VI §II ¶6; Art. VIII §I ¶5",
        "Ann. B App.1 ¶1",
    ],
)
def test_treaty_references_parse(text: str) -> None:
    assert Citation(text).is_treaty


def test_outside_source_needs_a_url() -> None:
    with pytest.raises(InputError, match="no source URL"):
        Citation("Sputnik, 29 Sep 2017")
    assert not Citation("Sputnik, 29 Sep 2017", "https://example.org/a").is_treaty


def _history() -> History[int]:
    return History.of(
        "max distance",
        [
            Dated(date(2014, 1, 1), 5500, Citation("Ann. A §III")),
            Dated(date(2002, 1, 1), 5000, Citation("Ann. A §III")),
        ],
    )


def test_a_later_decision_is_a_new_dated_entry_not_an_edit() -> None:
    history = _history()
    assert history.value_on(date(2013, 12, 31)) == 5000
    assert history.value_on(date(2014, 1, 1)) == 5500
    assert history.entries[0].value == 5000  # the old value is still there


def test_no_value_before_the_first_effective_date() -> None:
    with pytest.raises(DateOutOfRangeError, match="no value before 2002-01-01"):
        _history().value_on(date(2001, 12, 31))


def test_duplicate_effective_dates_are_a_data_error() -> None:
    with pytest.raises(DataError, match="unique and ascending"):
        History(
            "x",
            (
                Dated(date(2002, 1, 1), 1, Citation("Art. I ¶1")),
                Dated(date(2002, 1, 1), 2, Citation("Art. I ¶1")),
            ),
        )
