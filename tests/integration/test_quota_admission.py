"""Admission through the service: every current Party flies once its decision is recorded,
and the first distribution binds in 2002 (Ann. A §II ¶1). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from openskies.missions.errors import Refusal
from openskies.services.clock import FixedClock
from openskies.services.delegations import Delegation, create_delegation
from openskies.services.missions import MissionService
from openskies.treaty import TreatyData, load_treaty_data, parties_on
from tests.conftest import fixture_data, notification
from tests.unit.missions.test_admission import with_separate_group


def _delegations(
    sessions: sessionmaker[Session], data: TreatyData, codes: list[str], now: datetime
) -> dict[str, Delegation]:
    who = {}
    with sessions.begin() as session:
        for code in codes:
            who[code], _ = create_delegation(session, data, code, now)
    return who


def test_ann_a_ii_1_germany_refused_over_poland_in_2002_accepted_over_belarus_russia(
    sessions: sessionmaker[Session],
) -> None:
    now = datetime(2002, 3, 1, 8, 0, tzinfo=UTC)
    data = load_treaty_data()
    who = _delegations(sessions, data, ["DEU"], now)
    svc = MissionService(sessions, data, FixedClock(now))
    with pytest.raises(Refusal) as refused:
        svc.notify(who["DEU"], notification(observed="POL", eta=now + timedelta(hours=96)))
    finding = refused.value.findings[0]
    assert finding.rule == "individual_active_quota"
    assert finding.citation.text.startswith("Ann. A §II")
    flight = svc.notify(who["DEU"], notification(observed="RUS", eta=now + timedelta(hours=96)))
    assert flight["observed_holder"] == "BLR-RUS"


def test_ann_a_i_2_without_a_recorded_decision_the_refusal_says_how_to_record_it(
    sessions: sessionmaker[Session],
) -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    data = load_treaty_data()
    who = _delegations(sessions, data, ["SWE"], now)
    svc = MissionService(sessions, data, FixedClock(now))
    with pytest.raises(Refusal) as refused:
        svc.notify(who["SWE"], notification(observed="DEU", eta=now + timedelta(hours=96)))
    assert refused.value.findings[0].citation.text == "Ann. A §I ¶2"
    assert "OPENSKIES_DECISIONS_DIR" in str(refused.value)


def test_ann_a_i_2_each_of_the_32_current_parties_notifies_and_is_observed(
    sessions: sessionmaker[Session],
) -> None:
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    data = fixture_data()
    codes = [s.code for s in parties_on(data, now.date())]
    assert len(codes) == 32
    who = _delegations(sessions, data, codes, now)
    svc = MissionService(sessions, data, FixedClock(now))
    observed_by: dict[str, str] = {}
    for i, code in enumerate(codes):
        target = codes[(i + 1) % len(codes)]
        eta = now + timedelta(hours=96 + 100 * i)  # one at a time over Benelux (Art. VI §I ¶3)
        flight = svc.notify(who[code], notification(observed=target, eta=eta))
        observed_by[target] = flight["observing_party"]
    assert sorted(observed_by) == sorted(codes)  # everyone observed, everyone observing


def test_art_iii_ii_2_d_flights_over_a_separate_quota_group_counted_by_the_service(
    sessions: sessionmaker[Session],
) -> None:
    # Ukraine and Poland as a group with separate quotas (recorded by a verification centre):
    # Germany's 2002 quotas are 1 over Ukraine and none over Poland, so 2 over Poland
    # (¶2(C)) and then none over Ukraine (¶2(D)), the service counting what was flown.
    now = datetime(2002, 3, 1, 8, 0, tzinfo=UTC)
    data = with_separate_group(load_treaty_data(), "UKR", "POL")
    who = _delegations(sessions, data, ["DEU"], now)
    svc = MissionService(sessions, data, FixedClock(now))
    svc.notify(who["DEU"], notification(observed="POL", eta=now + timedelta(days=4)))
    with pytest.raises(Refusal) as refused:
        svc.notify(who["DEU"], notification(observed="UKR", eta=now + timedelta(days=10)))
    assert [f.citation.text for f in refused.value.findings] == ["Art. III §II ¶2(D)"]
