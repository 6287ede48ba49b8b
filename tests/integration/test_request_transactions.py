"""A flight read is one transaction, its token checked in it (#13 item 3: cost per request).

Counted with the engine's ``begin`` event: a public read is one transaction; an audited
read is that and the transaction that commits its entry (with those of the reads waiting
at the same moment). The token is checked in the read's own transaction, so a token
revoked before it began is refused and leaves no audit entry. Concurrent audited reads
share transactions and each finds its entry in one chain that verifies.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import OperationalError

from openskies.adapters.orm import AuditRow, TokenRow
from openskies.services.audit import AuditNotWritten, ReadAudit, verify_audit
from openskies.services.delegations import Credentials, hash_token
from tests.integration.conftest import World
from tests.integration.test_mission_flow import notice


@contextmanager
def transactions() -> Iterator[list[Any]]:
    """The transactions begun (on any engine) while the block runs."""
    begun: list[Any] = []

    def on_begin(connection: Any) -> None:
        begun.append(connection)

    event.listen(Engine, "begin", on_begin)
    try:
        yield begun
    finally:
        event.remove(Engine, "begin", on_begin)


def _entries(world: World, action: str) -> list[str]:
    with world.sessions() as session:
        rows = session.execute(select(AuditRow.object).where(AuditRow.action == action))
        return list(rows.scalars())


def _revoke(world: World, state: str) -> None:
    with world.sessions.begin() as session:
        token = session.execute(
            select(TokenRow).where(TokenRow.token_hash == hash_token(world.tokens[state]))
        ).scalar_one()
        token.revoked_at = world.clock.now()


def test_a_public_flight_read_is_one_transaction(world: World) -> None:
    flight = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    with transactions() as begun:
        read = world.call("FRA", "GET", f"/api/flights/{flight}")
    assert read.status_code == 200 and read.json()["role"] == "other_party"
    assert len(begun) == 1
    assert _entries(world, "flight.read") == []  # the public copy is not audited


def test_an_audited_read_is_the_read_and_its_entry(world: World) -> None:
    flight = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    with transactions() as begun:
        read = world.call("POL", "GET", f"/api/flights/{flight}")
    assert read.status_code == 200 and read.json()["role"] == "observed"
    assert len(begun) == 2  # the read (with the token's check), then the entry
    assert _entries(world, "flight.read") == [f"flight:{flight}"]
    with world.sessions() as session:
        checked, broken, _ = verify_audit(session)
    assert broken is None and checked >= 2  # the notification's entry and the read's


def test_a_revoked_token_is_refused_in_the_reads_own_transaction(world: World) -> None:
    flight = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    _revoke(world, "POL")
    with transactions() as begun:
        read = world.call("POL", "GET", f"/api/flights/{flight}")
    assert read.status_code == 401 and read.headers["WWW-Authenticate"] == "Bearer"
    assert len(begun) == 1
    assert _entries(world, "flight.read") == []


def test_a_read_without_a_token_begins_no_transaction(world: World) -> None:
    flight = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    with transactions() as begun:
        read = world.client.get(f"/api/flights/{flight}")
    assert read.status_code == 401 and begun == []


def test_credentials_never_show_their_token() -> None:
    assert "osk_secret" not in repr(Credentials("osk_secret"))


def test_concurrent_audited_reads_each_leave_one_entry_in_one_chain(world: World) -> None:
    flight = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    with world.sessions() as session:
        before = verify_audit(session)[0]
    with transactions() as begun, ThreadPoolExecutor(8) as pool:
        reads = list(
            pool.map(lambda _: world.call("POL", "GET", f"/api/flights/{flight}"), range(24))
        )
    assert [r.status_code for r in reads] == [200] * 24
    assert _entries(world, "flight.read") == [f"flight:{flight}"] * 24
    assert len(begun) <= 48  # 24 reads, and at most one entry transaction each
    with world.sessions() as session:
        checked, broken, _ = verify_audit(session)
    assert broken is None and checked == before + 24


def test_a_batch_that_fails_fails_every_read_in_it(world: World) -> None:
    class Down:
        def begin(self) -> Any:
            raise OperationalError("BEGIN", {}, Exception("the database went away"))

    audit = ReadAudit(Down())  # type: ignore[arg-type]
    with pytest.raises(AuditNotWritten) as refused:
        audit.append(world.clock.now(), "POL", "flight.read", "flight:x")
    assert isinstance(refused.value.__cause__, OperationalError)
    audit = ReadAudit(world.sessions)  # and the next batch is written again
    audit.append(world.clock.now(), "POL", "flight.read", "flight:y")
    assert _entries(world, "flight.read") == ["flight:y"]


def test_the_lists_are_one_transaction_each_their_token_checked_in_it(world: World) -> None:
    world.call("DEU", "POST", "/api/flights", json=notice())
    for path in ("/api/flights", "/api/messages", "/api/messages?box=outbox"):
        with transactions() as begun:
            listed = world.call("POL", "GET", path)
        assert listed.status_code == 200 and len(begun) == 1, path
    _revoke(world, "POL")
    for path in ("/api/flights", "/api/messages"):
        assert world.call("POL", "GET", path).status_code == 401, path
