"""A replay of the treaty's first quota year, 2002, through the mission service on the
exercise clock (#10 item 6): every individual active quota of the first distribution
(Ann. A §II ¶1) notified, one flight more per pair, some flights prohibited (not counted,
Art. VIII §I ¶3), the clock moved on by the exercise controller between notifications.

The flights are scripted, not the historical record (which is not public flight by flight):
what is checked is the treaty's counting. The test keeps its own tally of what each
notification should do (admitted, or refused by which rules) from the quotas alone, and
compares the service's answers, its quota report and the messages sent with that tally.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.exercise import advance_exercise, exercise_clock, start_exercise
from openskies.missions.errors import Refusal
from openskies.services.clock import FixedClock
from openskies.services.commands import Prohibit
from openskies.services.delegations import Delegation, create_delegation
from openskies.services.missions import MissionService
from openskies.services.quota_usage import quota_usage
from openskies.treaty import (
    fifty_percent_bound,
    holders_in_year,
    load_treaty_data,
    observed_cap,
    passive_quotas_in_year,
)
from openskies.treaty.active_quotas import individual_quota
from tests.conftest import notification

YEAR = 2002
START = datetime(YEAR, 3, 1, 8, 0, tzinfo=UTC)  # exercise time when the replay starts
REAL = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the machine's clock, standing still
SPACING = timedelta(days=5)  # flights over one Party: one 96-hour period at a time
DELEGATION = {"BENELUX": "BEL", "BLR-RUS": "RUS"}  # a member State acts for its group
PROHIBIT_EVERY = 7  # every 7th admitted flight is prohibited by the observed Party


def test_replay_of_2002_notifications_refusals_and_counts(
    sessions: sessionmaker[Session],
) -> None:
    data = load_treaty_data()
    holders = [h.code for h in holders_in_year(data, YEAR)]
    passive = {h: passive_quotas_in_year(data, YEAR)[h] or 0 for h in holders}
    quota = {
        (a, b): individual_quota(data, a, b, YEAR).flights
        for a in holders
        for b in holders
        if a != b and individual_quota(data, a, b, YEAR).recorded
    }
    # the script: each quota flight of the first distribution and one more per pair, the
    # flights over one observed Party 5 days apart, all in time order
    script: list[tuple[datetime, str, str]] = []
    slots: Counter[str] = Counter()
    for (a, b), n in sorted(quota.items()):
        for _ in range(n + 1 if n else 0):
            script.append((START + timedelta(days=4) + slots[b] * SPACING, a, b))
            slots[b] += 1
    script.sort()
    assert script[-1][0].year == YEAR and len(script) > 100

    states = sorted({DELEGATION.get(h, h) for h in holders} | {"ESP"})
    start_exercise(sessions, START, REAL)
    who: dict[str, Delegation] = {}
    with sessions.begin() as session:
        for state in states:
            who[state], _ = create_delegation(session, data, state, START)
    clock = exercise_clock(sessions, FixedClock(REAL))
    assert clock is not None
    svc = MissionService(sessions, data, clock)

    pair: Counter[tuple[str, str]] = Counter()
    active: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    admitted = prohibited = 0
    expected_refusals: list[tuple[str, str, set[str]]] = []
    refusals: list[tuple[str, str, set[str]]] = []
    for eta, a, b in script:
        notify_at = eta - timedelta(hours=96)
        if notify_at > clock.now():
            advance_exercise(sessions, notify_at - clock.now())  # the exercise controller
        assert clock.now() == notify_at
        broken = set()
        if pair[a, b] + 1 > quota[a, b]:
            broken.add("individual_active_quota")  # Ann. A §II ¶1
        if pair[a, b] + 1 > fifty_percent_bound(passive[a], passive[b]):
            broken.add("fifty_percent_rule")  # Art. III §I ¶10
        if active[a] + 1 > passive[a]:
            broken.add("active_not_above_passive")  # Art. III §I ¶5
        if accepted[b] + 1 > observed_cap(passive[b], YEAR, data):
            broken.add("passive_quota")  # Art. III §I ¶4; Ann. A §II ¶1: 75 % in 2002
        if broken:
            expected_refusals.append((a, b, broken))
        observer, observed = who[DELEGATION.get(a, a)], DELEGATION.get(b, b)
        try:
            flight = svc.notify(observer, notification(observed=observed, eta=eta))
        except Refusal as refused:
            refusals.append((a, b, {f.rule for f in refused.findings}))
            continue
        assert not broken, (a, b, broken)
        admitted += 1
        pair[a, b] += 1
        active[a] += 1
        accepted[b] += 1
        if admitted % PROHIBIT_EVERY == 0:  # Art. VIII §I ¶3: not counted, the quota freed
            svc.step(who[observed], flight["id"], "prohibit", Prohibit("treaty_breach", "x"))
            prohibited += 1
            pair[a, b] -= 1
            active[a] -= 1
            accepted[b] -= 1

    assert refusals == expected_refusals
    assert prohibited > 0 and any("passive_quota" in r for _, _, r in refusals)
    # the service's own report of the year, for every quota holder, against the tally
    for h in holders:
        usage = quota_usage(svc, who[DELEGATION.get(h, h)], YEAR)
        assert usage["active"]["used"] == active[h], h
        assert usage["passive"]["accepted"] == accepted[h], h
        for row in usage["individual"]:
            assert row["used"] == pair[h, row["observed_party"]], (h, row["observed_party"])
    # Spain, with no active quota in 2002, received a copy of every notice and prohibition
    kinds = Counter(m["kind"] for m in svc.messages(who["ESP"], "inbox"))
    assert (kinds["notification"], kinds["prohibition"]) == (admitted, prohibited)
