"""``openskies verify`` reports each one-row tamper naming its table and row, on SQLite and
PostgreSQL; a clean deployment verifies; orphan objects are reported and collected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, text

from openskies.adapters.custody_client import CustodyClient
from openskies.adapters.object_store import LocalObjectStore
from openskies.custody import Ed25519Signer, key_id
from openskies.services.clock import FixedClock
from openskies.services.delegations import revoke_token
from openskies.services.verification import VerifyReport, verify_everything
from tests.integration.conftest import PG_ENV, World, _reset_postgres
from tests.integration.test_custody_flow import _fly, annotation_doc, request_doc

Undo = Callable[[Connection], None]


def _one(connection: Connection, sql: str, **params: Any) -> Any:
    return connection.execute(text(sql), params).one()


def holding_to_hungary(c: Connection) -> tuple[str, Undo]:
    (hid,) = _one(c, "SELECT id FROM custody_holdings WHERE party = 'FRA'")
    c.execute(text("UPDATE custody_holdings SET party = 'HUN' WHERE id = :i"), {"i": hid})
    return f"custody_holdings:{hid}", lambda c: c.execute(
        text("UPDATE custody_holdings SET party = 'FRA' WHERE id = :i"), {"i": hid}
    )


def refused_request_delivered(c: Connection) -> tuple[str, Undo]:
    (rid,) = _one(c, "SELECT id FROM copy_requests WHERE state = 'refused'")
    c.execute(text("UPDATE copy_requests SET state = 'delivered' WHERE id = :i"), {"i": rid})
    return f"copy_requests:{rid}", lambda c: c.execute(
        text("UPDATE copy_requests SET state = 'refused' WHERE id = :i"), {"i": rid}
    )


def reported_flight_notified(c: Connection) -> tuple[str, Undo]:
    fid, state = _one(c, "SELECT id, state FROM flights")
    c.execute(text("UPDATE flights SET state = 'notified' WHERE id = :i"), {"i": fid})
    return f"flights:{fid}", lambda c: c.execute(
        text("UPDATE flights SET state = :s WHERE id = :i"), {"i": fid, "s": state}
    )


def message_byte(c: Connection) -> tuple[str, Undo]:
    mid, body = _one(c, "SELECT id, text FROM messages ORDER BY id LIMIT 1")
    changed = ("X" if body[0] != "X" else "Y") + body[1:]
    c.execute(text("UPDATE messages SET text = :t WHERE id = :i"), {"i": mid, "t": changed})
    return f"messages:{mid}", lambda c: c.execute(
        text("UPDATE messages SET text = :t WHERE id = :i"), {"i": mid, "t": body}
    )


def token_unrevoked(c: Connection) -> tuple[str, Undo]:
    tid, revoked = _one(c, "SELECT id, revoked_at FROM tokens WHERE revoked_at IS NOT NULL")
    c.execute(text("UPDATE tokens SET revoked_at = NULL WHERE id = :i"), {"i": tid})
    return f"tokens:{tid}", lambda c: c.execute(
        text("UPDATE tokens SET revoked_at = :r WHERE id = :i"), {"i": tid, "r": revoked}
    )


def last_leaf_deleted(c: Connection) -> tuple[str, Undo]:
    row = _one(c, 'SELECT * FROM ledger_leaves ORDER BY "index" DESC LIMIT 1')._mapping
    saved = dict(row)
    c.execute(text('DELETE FROM ledger_leaves WHERE "index" = :i'), {"i": saved["index"]})
    return f"ledger_leaves:{saved['index']}", lambda c: c.execute(
        text(
            'INSERT INTO ledger_leaves ("index", leaf, leaf_hash, at) '
            "VALUES (:index, :leaf, :leaf_hash, :at)"
        ),
        saved,
    )


def key_unrevoked(c: Connection) -> tuple[str, Undo]:
    kid, revoked = _one(
        c, "SELECT key_id, revoked_at FROM delegation_public_keys WHERE revoked_at IS NOT NULL"
    )
    c.execute(
        text("UPDATE delegation_public_keys SET revoked_at = NULL WHERE key_id = :i"), {"i": kid}
    )
    return f"delegation_public_keys:{kid}", lambda c: c.execute(
        text("UPDATE delegation_public_keys SET revoked_at = :r WHERE key_id = :i"),
        {"i": kid, "r": revoked},
    )


def flight_event_deleted(c: Connection) -> tuple[str, Undo]:
    row = _one(c, "SELECT * FROM flight_events ORDER BY id DESC LIMIT 1")._mapping
    saved = dict(row)
    c.execute(text("DELETE FROM flight_events WHERE id = :i"), {"i": saved["id"]})
    columns = ", ".join(saved)
    values = ", ".join(f":{k}" for k in saved)
    return f"flight_events:{saved['id']}", lambda c: c.execute(
        text(f"INSERT INTO flight_events ({columns}) VALUES ({values})"),
        {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in saved.items()},
    )


def object_record_changed(c: Connection) -> tuple[str, Undo]:
    sha, observed = _one(c, "SELECT sha256, observed FROM custody_objects")
    c.execute(text("UPDATE custody_objects SET observed = 'HUN' WHERE sha256 = :s"), {"s": sha})
    return f"custody_objects:{sha}", lambda c: c.execute(
        text("UPDATE custody_objects SET observed = :o WHERE sha256 = :s"),
        {"s": sha, "o": observed},
    )


def subtree_hash_changed(c: Connection) -> tuple[str, Undo]:
    level, index, value = _one(
        c, 'SELECT level, "index", hash FROM ledger_nodes WHERE level = 1 ORDER BY "index" LIMIT 1'
    )
    where = 'UPDATE ledger_nodes SET hash = :h WHERE level = :l AND "index" = :i'
    c.execute(text(where), {"l": level, "i": index, "h": "0" * 64})
    return f"ledger_nodes:{level}/{index}", lambda c: c.execute(
        text(where), {"l": level, "i": index, "h": value}
    )


TAMPERS = {
    "holding FRA→HUN": (holding_to_hungary, "custody_holdings"),
    "copy request refused→delivered": (refused_request_delivered, "copy_requests"),
    "flight reported→notified": (reported_flight_notified, "flights"),
    "a byte of a message": (message_byte, "messages"),
    "a revoked token un-revoked": (token_unrevoked, "tokens"),
    "last ledger leaf deleted": (last_leaf_deleted, "ledger_leaves"),
    "a stored subtree hash changed": (subtree_hash_changed, "ledger_nodes"),
    "a revoked key un-revoked": (key_unrevoked, "delegation_public_keys"),
    "a flight event deleted": (flight_event_deleted, "flight_events"),
    "an object's observed Party changed": (object_record_changed, "custody_objects"),
}


class Deployment:
    """A deployment with a whole flight's record: custody, requests, a revoked token."""

    def __init__(self, url: str, objects: Path) -> None:
        self.world = World(url, FixedClock(datetime(2020, 6, 1, 8, 0, tzinfo=UTC)), objects)
        self.store, self.objects = LocalObjectStore(objects), objects
        w = self.world
        with w.client:
            fid = _fly(w)
            w.call("DEU", "POST", f"/api/flights/{fid}/depart")
            w.call("DEU", "POST", f"/api/flights/{fid}/report", json={"report": {"ok": True}})
            deu, fra = w.custody("DEU"), w.custody("FRA")
            sha = deu.upload(fid, b"x" * 5000, annotation_doc())["sha256"]
            deu.deliver_duplicate(sha)
            w.clock.at = datetime(2020, 7, 1, 9, tzinfo=UTC)
            asked = fra.request_copy(sha, request_doc())
            deu.deliver_request(asked["id"])
            w.clock.at = datetime(2021, 1, 10, 9, tzinfo=UTC)
            refused = w.call("USA", "POST", f"/api/data/{sha}/requests", json=request_doc())
            assert refused.json()["state"] == "refused", refused.text
            w.call("FRA", "GET", "/api/ledger/tree-head")
            rotated = CustodyClient(fra.http, Ed25519Signer.generate(), now=w.clock.now)
            rotated.register_key()
            rotated.revoke_key(key_id(fra.signer.public_key))
        with w.sessions.begin() as session:
            revoke_token(session, 2, w.clock.now())

    def verify(self) -> VerifyReport:
        with self.world.sessions() as session:
            return verify_everything(session, self.store)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    base = tmp_path_factory.mktemp(f"verify-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite+pysqlite:///{base / 'openskies.sqlite3'}"
    else:
        url = os.environ.get(PG_ENV, "")
        if not url:
            pytest.skip(f"PostgreSQL tests need {PG_ENV}")
        _reset_postgres(url)
    d = Deployment(url, base / "objects")
    yield d
    d.world.engine.dispose()


def test_a_whole_record_verifies(deployment: Deployment) -> None:
    report = deployment.verify()
    assert report.ok, report.as_json()
    assert {c.name for c in report.checks} == {"audit", "ledger", "store", "rows"}
    assert "consistent with the signed tree head" in report.checks[1].summary
    assert "stored subtree hashes match the leaves" in report.checks[1].summary


@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_each_tamper_is_reported_naming_its_row(deployment: Deployment, tamper: str) -> None:
    apply, table = TAMPERS[tamper]
    with deployment.world.engine.begin() as connection:
        row, undo = apply(connection)
    try:
        report = deployment.verify()
        assert not report.ok
        first = report.problems[0]
        assert (first.table, first.row) == (table, row), report.as_json()
        assert row in first.message
    finally:
        with deployment.world.engine.begin() as connection:
            undo(connection)
    assert deployment.verify().ok


def _cli(deployment: Deployment, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPENSKIES_DATABASE_URL": deployment.world.url,
        "OPENSKIES_OBJECT_STORE": str(deployment.objects),
    }
    return subprocess.run(
        [sys.executable, "-m", "openskies", *args], env=env, capture_output=True, text=True
    )


def test_audit_details_that_are_not_json_are_named_not_a_traceback(tmp_path: Path) -> None:
    # SQLite only: PostgreSQL's JSON column refuses such details at the UPDATE itself.
    d = Deployment(f"sqlite+pysqlite:///{tmp_path / 'openskies.sqlite3'}", tmp_path / "objects")
    with d.world.engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET details = 'not json {' WHERE seq = 3"))
    for command in (["verify"], ["audit", "verify"]):
        done = _cli(d, *command)
        assert done.returncode == 1, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert "3" in done.stderr + done.stdout and "not JSON" in done.stderr + done.stdout
    assert "audit_log:3: its details are not JSON" in _cli(d, "verify").stderr
    d.world.engine.dispose()


def test_orphan_objects_after_a_crash_are_reported_then_collected(
    deployment: Deployment,
) -> None:
    sha, _ = deployment.store.put_stream([b"left by a crash between the store and the database"])
    old = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    os.utime(deployment.store.path_of(sha), (old, old))
    young, _ = deployment.store.put_stream([b"an upload in progress"])
    report = deployment.verify()
    assert set(report.orphans) == {sha, young} and not report.problems
    done = _cli(deployment, "verify")
    assert done.returncode == 1 and "2 orphan object(s)" in done.stdout, done.stdout
    done = _cli(deployment, "data", "gc", "--grace", "24h")
    assert done.returncode == 0, done.stderr
    assert sha in done.stdout and young not in done.stdout
    assert deployment.store.exists(young) and not deployment.store.exists(sha)
    deployment.store.delete(young)
    assert deployment.verify().ok


def test_backup_wipe_restore_verify(tmp_path: Path, database_url: str) -> None:
    d = Deployment(database_url, tmp_path / "objects")
    first = {**os.environ, "OPENSKIES_DATABASE_URL": d.world.url}
    first["OPENSKIES_OBJECT_STORE"] = str(tmp_path / "objects")
    done = subprocess.run(
        [sys.executable, "-m", "openskies", "backup", str(tmp_path / "backup")],
        env=first,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    d.world.engine.dispose()
    # Wipe: an empty database and an empty store.
    if database_url.startswith("sqlite"):
        url = f"sqlite+pysqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        _reset_postgres(database_url)
        url = database_url
    second = {**first, "OPENSKIES_DATABASE_URL": url}
    second["OPENSKIES_OBJECT_STORE"] = str(tmp_path / "restored-objects")
    for command in (["restore", str(tmp_path / "backup")], ["verify"]):
        done = subprocess.run(
            [sys.executable, "-m", "openskies", *command],
            env=second,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert "everything verified" in done.stdout
    # The restored deployment works on: a new write gets a fresh id and verifies.
    restored = World(
        url, FixedClock(datetime(2021, 2, 1, tzinfo=UTC)), tmp_path / "restored-objects"
    )
    with restored.client:
        assert restored.call("DEU", "GET", "/api/flights").status_code == 200
    with restored.sessions() as session:
        assert verify_everything(session, LocalObjectStore(tmp_path / "restored-objects")).ok
    restored.engine.dispose()
