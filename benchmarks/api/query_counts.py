"""SQL statements per request of the read endpoints, at two sizes of the record.

Not a test (``tests/integration/test_query_counts.py`` asserts the counts do not grow):
``python benchmarks/api/query_counts.py [DATABASE_URL]`` prints one line per endpoint and
size, counted with SQLAlchemy's ``before_cursor_execute``; SQLite in a temporary directory
by default. A PostgreSQL URL is wiped first: give it a database of its own.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

from openskies.adapters.orm import FlightRow
from openskies.services.clock import FixedClock

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.integration.conftest import START, World, _reset_postgres
from tests.integration.test_query_counts import counted, seed


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="openskies-queries-"))
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite+pysqlite:///{tmp / 'db.sqlite3'}"
    if url.startswith("postgresql"):
        _reset_postgres(url)
    world = World(url, FixedClock(START), tmp / "objects")
    print("| flights | request | statements |")
    print("|---:|---|---:|")
    with world.client:
        for flights, more in ((3, 3), (40, 37)):
            seed(world, more)
            with world.sessions() as session:
                fid = session.execute(select(FlightRow.id).limit(1)).scalar_one()
            for name, who, path in (
                ("GET /api/flights?limit=100", "POL", "/api/flights?limit=100"),
                ("GET /api/flights?limit=10", "POL", "/api/flights?limit=10"),
                ("GET /api/flights/{id}, public copy", "FRA", f"/api/flights/{fid}"),
                ("GET /api/flights/{id}, restricted (audited)", "POL", f"/api/flights/{fid}"),
                ("GET /api/messages?limit=100", "POL", "/api/messages?limit=100"),
                ("GET /api/messages?box=outbox", "DEU", "/api/messages?box=outbox"),
                ("GET /api/me", "POL", "/api/me"),
            ):
                with counted() as statements:
                    response = world.call(who, "GET", path)
                assert response.status_code == 200, response.text
                print(f"| {flights} | `{name}` | {len(statements)} |")
    world.engine.dispose()


if __name__ == "__main__":
    main()
