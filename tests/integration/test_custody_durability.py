"""Killing the server during an upload loses no acknowledged object and leaves nothing
half-written; a changed byte in the store or in the log is detected by the CLI."""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest

from openskies.adapters.custody_client import CustodyClient, http_client
from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.adapters.orm import FlightRow
from openskies.custody import Ed25519Signer, ingest_event
from openskies.services.delegations import create_delegation
from openskies.treaty import load_treaty_data

ANNOTATION = (
    base64.urlsafe_b64encode(
        json.dumps(
            {
                "flight_reference": "OS6001",
                "flight_date": "2026-06-06",
                "sensor": "OPBP",
                "configuration": "INT1V",
                "records": [],
            }
        ).encode()
    )
    .decode()
    .rstrip("=")
)


FLIGHT_ID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f1"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir, self.port = data_dir, port or _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "OPENSKIES_DATABASE_URL"}
        return {**env, "OPENSKIES_DATA_DIR": str(self.data_dir)}

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "openskies", "serve", "--port", str(self.port)],
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                if httpx.get(f"{self.url}/api/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "openskies", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
        )


def seed(data_dir: Path, codes: tuple[str, ...]) -> dict[str, str]:
    """A server's database with delegations (their tokens) and flight f1 of DEU over POL,
    already completed (the clock of a real server cannot be moved)."""
    engine = make_engine(f"sqlite+pysqlite:///{data_dir / 'openskies.sqlite3'}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime.now(UTC)
    tokens = {}
    with sessions.begin() as session:
        for code in codes:
            _, tokens[code] = create_delegation(session, load_treaty_data(), code, now)
        session.add(
            FlightRow(
                id=FLIGHT_ID,
                observing="DEU",
                observed="POL",
                observing_holder="DEU",
                observed_holder="POL",
                quota_year=now.year,
                eta=now - timedelta(days=3),
                notified_at=now - timedelta(days=7),
                state="completed",
                counted=True,
                demonstration_by="none",
                transit=[],
                agreed_otherwise=[],
                times={},
                notification={},
            )
        )
    engine.dispose()
    return tokens


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, dict[str, str], str]]:
    tokens = seed(tmp_path, ("DEU", "POL"))
    srv = Server(tmp_path)
    srv.start()
    yield srv, tokens, FLIGHT_ID
    if srv.process and srv.process.poll() is None:
        srv.process.terminate()
        srv.process.wait(10)


def test_a_crash_during_upload_loses_no_acknowledged_object(server) -> None:
    srv, tokens, flight = server
    deu = CustodyClient(http_client(srv.url, tokens["DEU"]), Ed25519Signer.generate())
    deu.register_key()
    first = os.urandom(3 << 20)
    acked = deu.upload(flight, first, json.loads(base64.urlsafe_b64decode(ANNOTATION + "==")))
    sha = acked["sha256"]

    def slow_body() -> Iterator[bytes]:
        for index in range(64):
            yield os.urandom(256 << 10)
            if index == 8:
                srv.kill()  # the server dies with a quarter of the upload received

    event = ingest_event(datetime.now(UTC), "DEU", "0" * 64, 64 << 18, "OS6001", "DEU", "POL")
    signed = base64.urlsafe_b64encode(json.dumps(deu.sign(event).as_json()).encode()).decode()
    headers = {
        "Authorization": f"Bearer {tokens['DEU']}",
        "X-Annotation": ANNOTATION,
        "X-Custody-Event": signed,
    }
    with pytest.raises(httpx.TransportError):
        httpx.post(
            f"{srv.url}/api/flights/{flight}/data", content=slow_body(), headers=headers, timeout=60
        )
    objects = srv.data_dir / "objects"
    assert any(objects.rglob("*")), "the interrupted upload left its temporary file"
    srv.start()  # restart: partial files are removed at start-up
    deu.http.close()
    deu.http = http_client(srv.url, tokens["DEU"])  # the old connection died with the server
    got = io.BytesIO()
    deu.download(sha, got)
    deu.http.close()
    assert got.getvalue() == first
    stored = [p for p in objects.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [sha[2:]] or len(stored) == 1
    verified = srv.cli("data", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["checked"] == 1

    # One changed byte of a stored object is detected.
    path = stored[0]
    raw = bytearray(path.read_bytes())
    raw[12345] ^= 0x01
    path.write_bytes(bytes(raw))
    broken = srv.cli("data", "verify")
    assert broken.returncode == 1 and "BROKEN" in broken.stderr

    # One changed byte of the log is detected.
    log, keys = srv.data_dir / "log.json", srv.data_dir / "keys.json"
    assert srv.cli("ledger", "export", "--out", str(log), "--keys", str(keys)).returncode == 0
    assert srv.cli("ledger", "verify", str(log), "--keys", str(keys)).returncode == 0
    doc = json.loads(log.read_text())
    doc["leaves"][1] = doc["leaves"][1].replace('"POL"', '"FRA"')
    log.write_text(json.dumps(doc))
    tampered = srv.cli("ledger", "verify", str(log), "--keys", str(keys))
    assert tampered.returncode == 1 and "BROKEN" in tampered.stderr


def test_audit_verify_command_names_an_edited_row(server) -> None:
    srv, _, _ = server
    intact = srv.cli("audit", "verify")
    assert intact.returncode == 0 and "intact" in intact.stdout
    import sqlite3

    with sqlite3.connect(srv.data_dir / "openskies.sqlite3") as db:
        db.execute("UPDATE audit_log SET actor = 'FRA' WHERE seq = 2")
    broken = srv.cli("audit", "verify")
    assert broken.returncode == 1 and "BROKEN at entry 2" in broken.stderr
