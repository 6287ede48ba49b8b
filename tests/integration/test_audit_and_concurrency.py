"""The audit chain detects an edited row; concurrent notifications never exceed a quota."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.missions.errors import Refusal
from openskies.services.audit import append_audit, verify_audit
from openskies.services.clock import FixedClock
from openskies.services.delegations import create_delegation
from openskies.services.missions import MissionService
from tests.conftest import fixture_data, notification

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_audit_verify_names_the_first_edited_entry(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        for i in range(5):
            append_audit(
                session, START + timedelta(minutes=i), "DEU", "flight.read", f"flight:{i}", {"n": i}
            )
    with sessions() as session:
        assert verify_audit(session) == (5, None, "chain intact")
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'FRA' WHERE seq = 3"))
    with sessions() as session:
        _, broken, why = verify_audit(session)
    assert broken == 3 and "does not match its hash" in why
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET actor = 'DEU' WHERE seq = 3"))
        connection.execute(text("DELETE FROM audit_log WHERE seq = 5"))
    with sessions() as session:
        assert verify_audit(session)[1] == 5  # a removed last entry is seen by the head
    engine.dispose()


OBSERVERS = ["DEU", "FRA", "GBR", "ITA", "ESP", "NOR", "DNK", "BGR", "GRC", "HUN", "ROU", "TUR"]


def test_concurrent_notifications_never_exceed_the_passive_quota(database_url: str) -> None:
    # Portugal must accept at most 2 flights a year (Ann. A §I): 12 delegations notify at once.
    engine = (
        make_engine(database_url, pool_size=len(OBSERVERS) + 2)
        if database_url.startswith("postgres")
        else make_engine(database_url)
    )
    upgrade(engine)
    sessions = make_session_factory(engine)
    data = fixture_data()
    spring = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)  # every ETA below falls in 2026
    clock = FixedClock(spring)
    delegations = {}
    with sessions.begin() as session:
        for code in OBSERVERS:
            delegations[code], _ = create_delegation(session, data, code, spring)
    service = MissionService(sessions, data, clock)
    barrier = threading.Barrier(len(OBSERVERS))

    def notify(index_code: tuple[int, str]) -> str:
        index, code = index_code
        eta = spring + timedelta(days=5 + 5 * index)  # no two in one 96-hour period
        notice = {
            "observed": "PRT",
            "point_of_entry": "prt-lisboa-international",
            "eta": eta,
            "transit": [],
        }
        barrier.wait()
        try:
            service.notify(delegations[code], notification(**notice))
        except Refusal as exc:
            return exc.findings[0].rule
        return "accepted"

    with ThreadPoolExecutor(len(OBSERVERS)) as pool:
        outcomes = list(pool.map(notify, enumerate(OBSERVERS)))
    assert outcomes.count("accepted") == 2, outcomes
    assert set(outcomes) == {"accepted", "passive_quota"}
    with engine.connect() as connection:
        counted = connection.execute(text("SELECT count(*) FROM flights")).scalar_one()
    assert counted == 2
    engine.dispose()


@pytest.mark.parametrize("n", [1])
def test_audit_chain_stays_a_chain_under_concurrent_appends(database_url: str, n: int) -> None:
    engine = (
        make_engine(database_url, pool_size=10)
        if database_url.startswith("postgres")
        else make_engine(database_url)
    )
    upgrade(engine)
    sessions = make_session_factory(engine)
    barrier = threading.Barrier(8)

    def append(i: int) -> None:
        barrier.wait()
        for j in range(5):
            with sessions.begin() as session:
                append_audit(session, START, f"T{i}", "test", f"obj:{i}:{j}", {"n": n})

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(append, range(8)))
    with sessions() as session:
        assert verify_audit(session) == (40, None, "chain intact")
    engine.dispose()
