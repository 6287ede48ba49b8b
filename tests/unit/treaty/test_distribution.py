"""The annual distribution of active quotas (Ann. L §II) and quarterly planning (Ann. H)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from openskies.treaty import (
    PlannedFlight,
    Request,
    distribute,
    fifty_percent_bound,
    plan_quarters,
)

PASSIVE = {"A": 12, "B": 6, "C": 4, "D": 12}


def test_ann_l_ii_2_requests_within_the_passive_quota_stand() -> None:
    result = distribute(2030, [Request("A", "B", 2), Request("C", "B", 1)], PASSIVE, PASSIVE)
    assert [(a.observing, a.granted, a.reasons) for a in result.allocations] == [
        ("A", 2, ()),
        ("C", 1, ()),
    ]


def test_ann_l_ii_3_excess_requests_are_shared_fairly_and_explained() -> None:
    caps = {"A": 12, "B": 3, "C": 4, "D": 12}
    requests = [Request("A", "B", 3), Request("D", "B", 3), Request("C", "B", 1)]
    result = distribute(2030, requests, PASSIVE, caps)
    assert result.accepted("B") == 3  # the capacity is used in full
    assert sorted(a.granted for a in result.allocations) == [1, 1, 1]  # max-min fair
    cut = [a for a in result.allocations if a.granted < a.requested]
    assert cut and all(r.citation.text == "Ann. L §II ¶3" for a in cut for r in a.reasons)


def test_art_iii_i_3_reciprocal_requests_are_served_first() -> None:
    caps = {"A": 12, "B": 2, "C": 4, "D": 12}
    requests = [Request("A", "B", 2), Request("D", "B", 2), Request("B", "A", 2)]
    result = distribute(2030, requests, PASSIVE, caps)
    assert result.granted("A", "B") == 2  # B asks for 2 over A, so A's 2 over B come first
    assert result.granted("D", "B") == 0


def test_art_iii_i_10_requests_cut_to_the_fifty_percent_rule() -> None:
    result = distribute(2030, [Request("A", "C", 4)], PASSIVE, PASSIVE)
    [allocation] = result.allocations
    assert allocation.granted == 2  # ceil(4 / 2)
    assert allocation.reasons[0].citation.text == "Art. III §I ¶10"


def test_art_iii_i_5_requests_cut_to_the_observers_passive_quota() -> None:
    requests = [Request("C", "A", 2), Request("C", "D", 2), Request("C", "B", 2)]
    result = distribute(2030, requests, PASSIVE, PASSIVE)
    assert result.total_active("C") == 4
    assert any(r.citation.text == "Art. III §I ¶5" for a in result.allocations for r in a.reasons)


HOLDERS = ["A", "B", "C", "D", "E", "F"]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, int], dict[str, int], list[Request]]:
    passive = {h: draw(st.integers(0, 20)) for h in HOLDERS}
    caps = {h: draw(st.integers(0, passive[h])) for h in HOLDERS}
    requests = draw(
        st.lists(
            st.builds(
                Request, st.sampled_from(HOLDERS), st.sampled_from(HOLDERS), st.integers(0, 12)
            ),
            max_size=25,
        )
    )
    return passive, caps, requests


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_property_no_allocation_breaks_active_le_passive_or_fifty_percent(scenario) -> None:
    passive, caps, requests = scenario
    result = distribute(2030, requests, passive, caps)
    for h in HOLDERS:
        assert result.total_active(h) <= passive[h]  # Art. III §I ¶5
        assert result.accepted(h) <= caps[h]  # Ann. L §II, Ann. A §II
    for a in result.allocations:
        assert 0 <= a.granted <= a.requested
        if a.observing != a.observed:
            bound = fifty_percent_bound(passive[a.observing], passive[a.observed])
            assert result.granted(a.observing, a.observed) <= bound  # Art. III §I ¶10
        if a.granted < a.requested:
            assert a.reasons  # every cut is explained


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_property_distribution_ignores_request_order(scenario, rnd: random.Random) -> None:
    passive, caps, requests = scenario
    shuffled = list(requests)
    rnd.shuffle(shuffled)
    first = distribute(2030, requests, passive, caps)
    second = distribute(2030, shuffled, passive, caps)
    assert [(a.observing, a.observed, a.granted) for a in first.allocations] == [
        (a.observing, a.observed, a.granted) for a in second.allocations
    ]


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_property_capacity_is_used_in_full_when_requests_exceed_it(scenario) -> None:
    passive, caps, requests = scenario
    result = distribute(2030, requests, passive, caps)
    for h in HOLDERS:
        over_h = [a for a in result.allocations if a.observed == h]
        if any(r.rule == "observed_quota_exceeded" for a in over_h for r in a.reasons):
            assert result.accepted(h) == caps[h]


def test_ann_h_2_at_most_16_flights_over_one_state_in_a_quarter(data) -> None:
    cap = data.limit("quarterly_flights_over_one_state").on(date(2030, 1, 1))
    assert (
        cap,
        data.limit("quarterly_flights_over_one_state").citation_on(date(2030, 1, 1)).text,
    ) == (
        16,
        "Ann. H ¶2",
    )
    planned = [PlannedFlight(o, "B", 2) for o in "ACDEFGHIJ" for _ in range(2)]  # 18 flights
    plan = plan_quarters(2030, planned, cap)
    assert len(plan.kept) == 16 and len(plan.not_drawn) == 2
    assert all(f.citation.text == "Ann. H ¶2–3" for _, f in plan.not_drawn)


def test_ann_h_3_drawing_of_lots_is_reproducible_and_order_free() -> None:
    planned = [PlannedFlight(o, "B", 3) for o in "ACDEFGHIJ" for _ in range(2)]
    first = plan_quarters(2030, planned, 16, seed="OSCC 2029-11-15")
    again = plan_quarters(2030, list(reversed(planned)), 16, seed="OSCC 2029-11-15")
    assert Counter(first.kept) == Counter(again.kept)
    other = plan_quarters(2030, planned, 16, seed="another seed")
    assert len(other.kept) == 16
