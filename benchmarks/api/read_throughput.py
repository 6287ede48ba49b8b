"""Throughput of read endpoints of the mission service, on SQLite and on PostgreSQL.

Not a test: run it by hand (``python benchmarks/api/read_throughput.py``). For each
database it starts ``openskies serve`` (one uvicorn worker) on a fresh database, seeds two
delegations and a flight, then runs a closed-loop load of N concurrent clients for D
seconds against

- ``GET /api/flights/{id}`` as the observed Party (a restricted read: each one also appends
  to the hash-chained audit log, so it is a read and a write), and
- ``GET /api/flights/{id}`` as another State Party (the public copy: read only),

and reports requests per second and latency percentiles. Record results in
docs/benchmarks.md with the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import create_engine, text

from openskies.adapters.database import make_engine, make_session_factory, normalise_url, upgrade
from openskies.services.clock import SystemClock
from openskies.services.commands import NotifyFlight, PersonParticulars, PreFlightInspection
from openskies.services.delegations import create_delegation
from openskies.services.missions import MissionService
from openskies.treaty import load_treaty_data


def seed(url: str) -> tuple[dict[str, str], str]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    data = load_treaty_data()
    tokens, who = {}, {}
    with sessions.begin() as session:
        for code in ("DEU", "POL", "FRA"):
            who[code], tokens[code] = create_delegation(session, data, code, SystemClock().now())
    service = MissionService(sessions, data, SystemClock())
    eta = datetime.now(UTC) + timedelta(days=5)
    person = PersonParticulars("A. Schmidt", "F", "1980-02-01", "Bonn", "C01X", "DEU", "crew")
    notice = NotifyFlight(
        observed="POL",
        point_of_entry="pol-warszawa-okecie",
        eta=eta,
        pre_flight_inspection=PreFlightInspection("pol-warszawa-okecie", eta),
        diplomatic_clearance="BENCH-1",
        aircraft="A319OH 15+03",
        approximate_distance_km=1000.0,
        personnel=(person,),
    )
    flight = service.notify(who["DEU"], notice)
    engine.dispose()
    return tokens, flight["id"]


async def load(base: str, path: str, token: str, clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:

        async def worker() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                response = await client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code} {response.text[:200]}")
                latencies.append(time.perf_counter() - t0)

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


def run(name: str, url: str, port: int, clients: int, seconds: float) -> list[str]:
    tokens, flight_id = seed(url)
    env = {**os.environ, "OPENSKIES_DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "openskies", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        rows = []
        for label, who in (
            ("restricted read (observed Party, audited)", "POL"),
            ("public copy (other State Party)", "FRA"),
        ):
            lat = asyncio.run(
                load(base, f"/api/flights/{flight_id}", tokens[who], clients, seconds)
            )
            q = statistics.quantiles(lat, n=100)
            rows.append(
                f"| {name} | {label} | {clients} | {len(lat) / seconds:,.0f} | "
                f"{q[49] * 1000:.1f} | {q[94] * 1000:.1f} | {q[98] * 1000:.1f} |"
            )
            print(rows[-1], flush=True)
        return rows
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "OPENSKIES_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    print("| database | endpoint | clients | requests/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        run(
            "SQLite",
            f"sqlite+pysqlite:///{Path(tmp) / 'bench.sqlite3'}",
            8765,
            args.clients,
            args.seconds,
        )
    engine = create_engine(normalise_url(args.postgres))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    run("PostgreSQL 15", args.postgres, 8766, args.clients, args.seconds)


if __name__ == "__main__":
    main()
