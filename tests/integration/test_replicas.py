"""Two replicas (two ``openskies serve`` processes) on one PostgreSQL agree: what one
writes the other reads at once, and the record they write together verifies."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.adapters.object_store import LocalObjectStore
from openskies.services.delegations import create_delegation
from openskies.services.verification import verify_everything
from openskies.treaty import load_treaty_data
from tests.conftest import TEST_DECISIONS
from tests.integration.conftest import PG_ENV, _reset_postgres
from tests.integration.test_custody_durability import _port
from tests.integration.test_mission_flow import notice


def _wait(base: str) -> None:
    """Until the server at ``base`` answers its health check (at most a minute)."""
    for _ in range(600):
        try:
            if httpx.get(f"{base}/api/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start")


@pytest.fixture
def replicas(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str], str]]:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"the replica test needs PostgreSQL ({PG_ENV})")
    _reset_postgres(url)
    engine = make_engine(url)
    upgrade(engine)
    tokens = {}
    with make_session_factory(engine).begin() as session:
        for code in ("DEU", "POL", "FRA"):
            _, tokens[code] = create_delegation(
                session, load_treaty_data(), code, datetime.now(UTC)
            )
    engine.dispose()
    env = {**os.environ, "OPENSKIES_DATABASE_URL": url}
    env["OPENSKIES_OBJECT_STORE"] = str(tmp_path / "objects")
    env["OPENSKIES_DECISIONS_DIR"] = str(TEST_DECISIONS)  # a 2026 distribution of quotas
    processes, bases = [], []
    for _ in range(2):
        port = _port()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "openskies", "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            _wait(base)
        yield bases, tokens, url
    finally:
        for process in processes:
            process.terminate()
            process.wait(20)


def test_two_replicas_on_one_database_agree(
    replicas: tuple[list[str], dict[str, str], str], tmp_path: Path
) -> None:
    (one, two), tokens, url = replicas

    def call(base: str, state: str, method: str, path: str, **kw: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {tokens[state]}"}
        return httpx.request(method, f"{base}{path}", headers=headers, timeout=60, **kw)  # type: ignore[arg-type]

    eta = datetime.now(UTC) + timedelta(days=10)
    made = call(one, "DEU", "POST", "/api/flights", json=notice(eta=eta))
    assert made.status_code == 201, made.text
    fid = made.json()["id"]
    # Written through one, read through the other: the same flight, the same answer.
    assert call(two, "POL", "GET", f"/api/flights/{fid}").json()["state"] == "notified"
    acknowledged = call(two, "POL", "POST", f"/api/flights/{fid}/acknowledge")
    assert acknowledged.status_code == 200, acknowledged.text
    views = [call(base, "POL", "GET", f"/api/flights/{fid}").json() for base in (one, two)]
    assert views[0] == views[1] and views[0]["state"] == "acknowledged"
    lists = [call(base, "FRA", "GET", "/api/flights").json() for base in (one, two)]
    assert lists[0] == lists[1] and [f["id"] for f in lists[0]] == [fid]
    inboxes = [call(base, "POL", "GET", "/api/messages").json() for base in (one, two)]
    assert inboxes[0] == inboxes[1] and inboxes[0]
    # The record both wrote is one chain, and every row is covered.
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        report = verify_everything(session, LocalObjectStore(tmp_path / "objects"))
    engine.dispose()
    assert report.ok, report.as_json()


def test_serve_workers_n_runs_n_processes_on_one_database(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'openskies.sqlite3'}"
    env = {**os.environ, "OPENSKIES_DATABASE_URL": url}
    env["OPENSKIES_OBJECT_STORE"] = str(tmp_path / "objects")
    port = _port()
    command = [sys.executable, "-m", "openskies", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait(base)
        assert all(httpx.get(f"{base}/api/health").status_code == 200 for _ in range(10))
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    # uvicorn's supervisor started two worker processes, each its own app.
    assert "2 worker(s)" in output
    assert output.count("Started server process") == 2, output
