"""API reads with wrk, side by side with a bare FastAPI endpoint served the same way.

Not a test: ``make bench-api`` (installs Debian's ``wrk``) or
``python benchmarks/api/wrk_bench.py [--postgres URL] [--seconds 10]``. For each database
and each size (empty: 3 delegations and 1 flight; seeded: ``benchmarks/api/seed.py``, the
twenty-year size), it starts ``openskies serve`` (1 uvicorn worker, log level warning)
and, in the same run, ``benchmarks/api/bare.py`` (one FastAPI endpoint returning a small
JSON object, the same uvicorn settings), and runs wrk against each in turn:

- bare: ``GET /bare``;
- public read: ``GET /api/flights/{id}`` as a State Party not in the flight;
- audited restricted read: ``GET /api/flights/{id}`` as the observed Party (each read also
  appends an entry to the hash-chained audit log);
- list: ``GET /api/flights?limit=100``.

It prints requests/s, p50 and p99 latency, the ratio to the bare endpoint, the CPU time the
server process spent per request (user + system, from ``/proc``: it does not depend on how
the shared cores are divided) and the load average when each line started.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2 as httpx
from sqlalchemy import create_engine, text

from openskies.adapters.database import normalise_url
from openskies.bootstrap import Settings, open_services
from openskies.cli.decisions import record_demo_distribution
from openskies.services.commands import NotifyFlight, PersonParticulars, PreFlightInspection
from openskies.services.delegations import create_delegation

HERE = Path(__file__).parent
PORT = int(os.environ.get("BENCH_PORT", "8130"))


def _wait(base: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(f"{base}/api/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


def empty(url: str, objects: str, decisions: str) -> dict[str, object]:
    """Three delegations and one flight (DEU over POL, under the demo distribution)."""
    record_demo_distribution(Path(decisions), datetime.now(UTC).year)
    settings = Settings(url, objects, decisions_dirs=(decisions,))
    with open_services(settings, route_checker=None) as svc:
        tokens, who = {}, {}
        with svc.sessions.begin() as session:
            for code in ("DEU", "POL", "FRA"):
                who[code], tokens[code] = create_delegation(
                    session, svc.data, code, svc.clock.now()
                )
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
        flight = svc.missions.notify(who["DEU"], notice)
    return {"tokens": tokens, "flight": flight["id"]}


def _cpu_seconds(pid: int) -> float:
    """The user and system CPU time a process has used so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str, token: str | None, seconds: int, connections: int, server: int
) -> tuple[float, float, float, float]:
    """(requests/s, p50 ms, p99 ms, CPU µs of the ``server`` process per request) of
    ``url``: the CPU a request costs does not depend on how the cores are shared."""
    cpu = _cpu_seconds(server)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = _cpu_seconds(server) - cpu
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def pct(p: str) -> float:
        found = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        assert found, out
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    done = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rps, pct("50"), pct("99"), cpu * 1e6 / max(done, 1)


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(
    name: str, url: str, size: str, state: dict[str, Any], seconds: int, connections: int
) -> list[str]:
    env = {**os.environ, "OPENSKIES_DATABASE_URL": url}
    env["OPENSKIES_OBJECT_STORE"] = str(state["objects"])
    env["OPENSKIES_DECISIONS_DIR"] = str(state["decisions"])
    ours = _start(
        [sys.executable, "-m", "openskies", "serve", "--port", str(PORT), "--log-level", "warning"],
        env,
    )
    bare = _start(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            str(HERE),
            "bare:app",
            "--port",
            str(PORT + 1),
            "--log-level",
            "warning",
        ],
        env,
    )
    rows = []
    try:
        _wait(f"http://127.0.0.1:{PORT}")
        _wait(f"http://127.0.0.1:{PORT + 1}")
        tokens, flight = state["tokens"], state["flight"]
        observed = state.get("observed") or "POL"
        other = state.get("other") or "FRA"
        load = os.getloadavg()[0]
        base_rps, base_p50, base_p99, base_cpu = wrk(
            f"http://127.0.0.1:{PORT + 1}/bare", None, seconds, connections, bare.pid
        )
        rows.append(
            f"| {name} | {size} | bare FastAPI | {base_rps:,.0f} | {base_p50:.1f} | "
            f"{base_p99:.1f} | 1.00 | {base_cpu:,.0f} | {load:.1f} |"
        )
        print(rows[-1], flush=True)
        for label, who, path in (
            ("public read (other Party)", other, f"/api/flights/{flight}"),
            ("audited restricted read (observed Party)", observed, f"/api/flights/{flight}"),
            ("flight list, 100 a page", other, "/api/flights?limit=100"),
        ):
            load = os.getloadavg()[0]
            rps, p50, p99, cpu = wrk(
                f"http://127.0.0.1:{PORT}{path}", tokens[who], seconds, connections, ours.pid
            )
            rows.append(
                f"| {name} | {size} | {label} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | "
                f"{rps / base_rps:.2f} | {cpu:,.0f} | {load:.1f} |"
            )
            print(rows[-1], flush=True)
    finally:
        for process in (ours, bare):
            process.terminate()
            process.wait(20)
    return rows


def _flight_parties(url: str, flight: str) -> tuple[str, str]:
    """The observed Party of ``flight`` and a State Party not in it."""
    engine = create_engine(normalise_url(url))
    with engine.connect() as c:
        observing, observed = c.execute(
            text("SELECT observing, observed FROM flights WHERE id = :i"), {"i": flight}
        ).one()
    engine.dispose()
    other = next(p for p in ("FRA", "DEU", "POL", "ITA") if p not in (observing, observed))
    return observed, other


def _reset(url: str, schema: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--flights", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("OPENSKIES_TEST_DATABASE_URL"))
    parser.add_argument("--sizes", default="empty,seeded")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--pg-schema",
        default="public",
        help="The PostgreSQL schema to (re)create and use (search_path), e.g. bench",
    )
    parser.add_argument(
        "--seeded-sqlite",
        help="A directory seeded before (s.sqlite3, objects/, tokens.json from seed.py); "
        "seeded now, there, if it has no tokens.json",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: run make bench-api (Debian package wrk)")
    print(
        "| database | size | endpoint | requests/s | p50 ms | p99 ms | ratio to bare "
        "| server CPU µs/request | load |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    pg_url = args.postgres
    if pg_url and args.pg_schema != "public":
        joiner = "&" if "?" in pg_url else "?"
        pg_url = f"{pg_url}{joiner}options=-csearch_path%3D{args.pg_schema}"
    databases = [("SQLite", None)] + ([("PostgreSQL", pg_url)] if pg_url else [])
    if args.only:
        databases = [d for d in databases if d[0].lower() == args.only]
    for name, pg in databases:
        for size in args.sizes.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                url = pg or f"sqlite+pysqlite:///{Path(tmp) / 'bench.sqlite3'}"
                if pg:
                    _reset(args.postgres, args.pg_schema)
                objects = str(Path(tmp) / "objects")
                decisions = str(Path(tmp) / "decisions")
                if size == "empty":
                    state = empty(url, objects, decisions)
                else:
                    tokens = Path(tmp) / "tokens.json"
                    if args.seeded_sqlite and not pg:
                        keep = Path(args.seeded_sqlite)
                        keep.mkdir(parents=True, exist_ok=True)
                        url = f"sqlite+pysqlite:///{keep / 's.sqlite3'}"
                        objects, tokens = str(keep / "objects"), keep / "tokens.json"
                    if not tokens.exists():
                        subprocess.run(
                            [
                                sys.executable,
                                str(HERE / "seed.py"),
                                "--database-url",
                                url,
                                "--objects",
                                objects,
                                "--tokens",
                                str(tokens),
                                "--flights",
                                str(args.flights),
                            ],
                            check=True,
                            stdout=subprocess.DEVNULL,
                        )
                    state = json.loads(tokens.read_text())
                    state["observed"], state["other"] = _flight_parties(url, state["flight"])
                state["objects"], state["decisions"] = objects, decisions
                Path(decisions).mkdir(exist_ok=True)
                run(name, url, size, state, args.seconds, args.connections)


if __name__ == "__main__":
    main()
