"""Copy requests (Art. IX §IV ¶1): contents (A)-(F), decided on the day of request and delivery."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from openskies.custody import (
    REQUEST_TRANSITIONS,
    CopyRequestState,
    Outcome,
    TransitionError,
    decide,
    next_state,
    parse_copy_request,
)
from openskies.errors import DateOutOfRangeError, InputError
from openskies.treaty import TreatyData


def request(**changes: Any) -> dict[str, Any]:
    """Germany asks for copies of Sweden's 2019 flight over Poland (valid unless changed)."""
    doc: dict[str, Any] = {
        "requesting_party": "DEU",
        "observing_party": "SWE",
        "observed_party": "POL",
        "flight_date": "2019-06-05",
        "sensor": "OPBP",
        "portions": [{"start": "2019-06-05T10:00Z", "end": "2019-06-05T10:45Z"}],
        "duplicate_medium": "positive_film",
    }
    doc.update(changes)
    return doc


def test_art_ix_4_1_a_state_party_receives_copies(data: TreatyData) -> None:
    decision = decide(parse_copy_request(request()), date(2020, 1, 10), date(2020, 2, 1), data)
    assert decision.outcome is Outcome.DELIVER
    assert decision.findings == ()
    assert decision.checked_on == (date(2020, 1, 10), date(2020, 2, 1))


def test_art_ix_4_1_the_observed_party_is_notified(data: TreatyData) -> None:
    decision = decide(parse_copy_request(request()), date(2020, 1, 10), date(2020, 1, 10), data)
    (notice,) = decision.notifications
    assert notice.party == "POL"
    assert notice.citation.text == "Art. IX §IV ¶1"


def test_art_xv_2_russia_after_its_withdrawal_took_effect_gets_nothing(data: TreatyData) -> None:
    # Russia's withdrawal took effect on 18 Dec 2021 (notice 18 Jun 2021 + 6 months).
    req = parse_copy_request(request(requesting_party="RUS"))
    decision = decide(req, date(2021, 12, 18), date(2021, 12, 20), data)
    assert decision.outcome is Outcome.REFUSE
    assert {f.citation.text for f in decision.findings} == {"Art. IX §IV ¶1; Art. XV ¶2"}
    assert all(f.rule == "requester_not_a_party" for f in decision.findings)
    assert "took effect on 2021-12-18" in decision.findings[0].message


def test_art_xv_2_request_before_withdrawal_is_refused_at_delivery_after_it(
    data: TreatyData,
) -> None:
    # Requested 17 Dec 2021, the last day Russia was a Party; delivery due 18 Dec: refused.
    req = parse_copy_request(request(requesting_party="RUS"))
    assert decide(req, date(2021, 12, 17), date(2021, 12, 17), data).outcome is Outcome.DELIVER
    late = decide(req, date(2021, 12, 17), date(2021, 12, 18), data)
    assert late.outcome is Outcome.REFUSE
    (finding,) = late.findings
    assert "on 2021-12-18" in finding.message


def test_art_ix_4_1_a_state_that_never_was_a_party_gets_nothing(data: TreatyData) -> None:
    # Kyrgyzstan signed but never ratified; China never signed.
    for code in ("KGZ", "CHN"):
        decision = decide(
            parse_copy_request(request(requesting_party=code)),
            date(2020, 1, 10),
            date(2020, 1, 10),
            data,
        )
        assert decision.outcome is Outcome.REFUSE
        (finding,) = decision.findings
        assert finding.citation.text == "Art. IX §IV ¶1; Art. XV ¶2"
        assert "never was a State Party" in finding.message


def test_united_states_is_refused_from_22_november_2020(data: TreatyData) -> None:
    req = parse_copy_request(request(requesting_party="USA"))
    assert decide(req, date(2020, 11, 21), date(2020, 11, 21), data).deliver
    assert not decide(req, date(2020, 11, 22), date(2020, 11, 22), data).deliver


def test_observing_party_that_withdrew_delivers_nothing_under_the_treaty(
    data: TreatyData,
) -> None:
    # Copies of a 2019 Russian flight over Germany, asked for by France in 2022.
    req = parse_copy_request(
        request(requesting_party="FRA", observing_party="RUS", observed_party="DEU")
    )
    decision = decide(req, date(2022, 3, 1), date(2022, 3, 1), data)
    assert [f.rule for f in decision.findings] == ["observing_party_not_a_party"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"observing_party": "swe"}, r"observing_party: .*¶1\(A\)"),
        ({"observed_party": "SWE"}, r"observed_party: the same State"),
        ({"requesting_party": "SWE"}, r"requesting_party: .*from itself"),
        ({"flight_date": "June 2019"}, r"flight_date: .*¶1\(C\)"),
        ({"sensor": "OPXX"}, r"sensor: .*Ann\. B App\.1 ¶2"),
        ({"portions": []}, r"portions: at least one .*¶1\(E\)"),
        (
            {"portions": [{"start": "2019-06-05T10:45Z", "end": "2019-06-05T10:00Z"}]},
            r"portions: start .* not before end",
        ),
        (
            {"portions": [{"start": "2019-06-04T10:00Z", "end": "2019-06-04T11:00Z"}]},
            r"portions\[0\]: starts before the flight date",
        ),
        ({"portions": [{"start": "2019-06-05T10:00", "end": "2019-06-05T11:00Z"}]}, r"no UTC"),
        ({"duplicate_medium": "vinyl"}, r"duplicate_medium: .*¶1\(F\)"),
        ({"duplicate_medium": "magnetic_tape"}, r"on film; .*negative or positive film"),
        ({"sensor": "SARTD", "duplicate_medium": "negative_film"}, r"magnetic tape or digital"),
        ({"extra": 1}, r"unknown key"),
    ],
)
def test_art_ix_4_1_request_contents_are_validated(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_copy_request(request(**changes))


def test_art_ix_4_1_missing_contents_name_the_subparagraph() -> None:
    doc = request()
    del doc["sensor"]
    with pytest.raises(InputError, match=r"sensor: missing; .*¶1\(D\)"):
        parse_copy_request(doc)


def test_days_must_be_in_order_and_in_the_treaty_period(data: TreatyData) -> None:
    req = parse_copy_request(request())
    with pytest.raises(InputError, match="on_delivery_day"):
        decide(req, date(2020, 1, 10), date(2020, 1, 9), data)
    with pytest.raises(InputError, match="on_request_day"):
        decide(req, date(2019, 6, 4), date(2019, 6, 5), data)
    old = parse_copy_request(
        request(
            flight_date="1999-06-05",
            portions=[{"start": "1999-06-05T10:00Z", "end": "1999-06-05T11:00Z"}],
        )
    )
    with pytest.raises(DateOutOfRangeError):
        decide(old, date(2000, 1, 1), date(2000, 1, 1), data)


def test_request_round_trips_through_json() -> None:
    req = parse_copy_request(request())
    assert parse_copy_request(req.as_json()) == req


def test_lifecycle_requested_notified_approved_delivered() -> None:
    state = CopyRequestState.REQUESTED
    for step in ("notify_observed", "approve", "deliver"):
        state = next_state(state, step)
    assert state is CopyRequestState.DELIVERED


def test_lifecycle_approval_waits_for_notice_to_the_observed_party() -> None:
    with pytest.raises(TransitionError, match=r"cannot approve .* requested .*Art\. IX §IV ¶1"):
        next_state(CopyRequestState.REQUESTED, "approve")


def test_lifecycle_refusal_is_possible_until_delivery_and_final() -> None:
    for state in (
        CopyRequestState.REQUESTED,
        CopyRequestState.NOTIFIED_OBSERVED,
        CopyRequestState.APPROVED,
    ):
        assert next_state(state, "refuse") is CopyRequestState.REFUSED
    for final in (CopyRequestState.DELIVERED, CopyRequestState.REFUSED):
        for step in REQUEST_TRANSITIONS:
            with pytest.raises(TransitionError):
                next_state(final, step)
    with pytest.raises(InputError, match="step"):
        next_state(CopyRequestState.REQUESTED, "fly")
