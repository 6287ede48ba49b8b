"""Ingest throughput of sensor data against a plain file copy on the same disk.

Not a test: ``python benchmarks/custody/ingest.py [--size-mb 1024]``. In one run, on the
same disk: (1) ``cp`` of a file of that size followed by ``sync`` of the copy, (2) the
object store's ``put_stream`` (SHA-256 while writing, fsync, atomic rename, directory
fsync), and (3) the whole HTTP path: ``POST /api/flights/{id}/data`` to a running
``openskies serve``, streamed, acknowledged once durable. Reports MB/s for each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx

from openskies.adapters.custody_client import CustodyClient, http_client
from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.adapters.object_store import LocalObjectStore
from openskies.adapters.orm import FlightRow
from openskies.custody import Ed25519Signer
from openskies.services.delegations import create_delegation
from openskies.treaty import load_treaty_data

CHUNK = 1 << 20


def chunks_of(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            yield block


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (a disk)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = Path(tmp)
        source = root / "source.bin"
        with source.open("wb") as handle:
            for _ in range(args.size_mb):
                handle.write(os.urandom(CHUNK))
        size_mb = source.stat().st_size / 1e6
        subprocess.run(["sync"], check=True)

        t = time.perf_counter()
        subprocess.run(["cp", str(source), str(root / "copy.bin")], check=True)
        subprocess.run(["sync", str(root / "copy.bin")], check=True)
        cp_s = time.perf_counter() - t
        (root / "copy.bin").unlink()

        store = LocalObjectStore(root / "store")
        t = time.perf_counter()
        sha, _ = store.put_stream(chunks_of(source))
        store_s = time.perf_counter() - t
        store.delete(sha)

        data_dir = root / "server"
        data_dir.mkdir()
        engine = make_engine(f"sqlite+pysqlite:///{data_dir / 'openskies.sqlite3'}")
        upgrade(engine)
        now = datetime.now(UTC)
        with make_session_factory(engine).begin() as session:
            _, token = create_delegation(session, load_treaty_data(), "DEU", now)
            session.add(
                FlightRow(
                    id="bench",
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
        env = {
            **{k: v for k, v in os.environ.items() if k != "OPENSKIES_DATABASE_URL"},
            "OPENSKIES_DATA_DIR": str(data_dir),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "openskies", "serve", "--port", "8791"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(200):
                try:
                    httpx.get("http://127.0.0.1:8791/api/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            annotation = {
                "flight_reference": f"OS{now.year % 10}001",
                "flight_date": now.date().isoformat(),
                "sensor": "OPBP",
                "configuration": "INT1V",
                "records": [],
            }
            client = CustodyClient(
                http_client("http://127.0.0.1:8791", token, timeout=3600),
                Ed25519Signer.generate(),
            )
            client.register_key()
            t = time.perf_counter()  # includes the client's own hashing pass (it signs the hash)
            client.upload("bench", source, annotation)
            http_s = time.perf_counter() - t
            client.http.close()
        finally:
            server.terminate()
            server.wait(10)
        print("| size | cp + sync | store put_stream | HTTP ingest (acknowledged) |")
        print("|---:|---:|---:|---:|")
        print(
            f"| {size_mb:,.0f} MB | {size_mb / cp_s:,.0f} MB/s ({cp_s:.1f} s) | "
            f"{size_mb / store_s:,.0f} MB/s ({store_s:.1f} s) | "
            f"{size_mb / http_s:,.0f} MB/s ({http_s:.1f} s) |"
        )
        shutil.rmtree(root / "store", ignore_errors=True)


if __name__ == "__main__":
    main()
