"""Databases for the integration tests: SQLite always, PostgreSQL when its URL is set.

CI sets OPENSKIES_TEST_DATABASE_URL (see .ci/run) to the PostgreSQL server at
127.0.0.1:5432; without it the PostgreSQL cases are skipped and say why.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.custody_client import CustodyClient
from openskies.adapters.database import make_engine, make_session_factory, normalise_url, upgrade
from openskies.bootstrap import Settings, build_app
from openskies.custody import Ed25519Signer
from openskies.services.clock import FixedClock
from openskies.services.delegations import create_delegation
from openskies.treaty import load_treaty_data
from tests.conftest import fixture_data

PG_ENV = "OPENSKIES_TEST_DATABASE_URL"


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
"""For tests of what uses no database: run on SQLite alone rather than skip on PostgreSQL."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'openskies.sqlite3'}"
        return
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (set by .ci/run)")
    _reset_postgres(url)
    yield url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions over a fresh, migrated database of each kind."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class World:
    """The API, the clock and one client per delegation.

    Mission plans are not checked by the planner unless ``check_routes`` (the workflow tests
    fly sketched routes; the route check has its own tests, through both paths)."""

    def __init__(
        self,
        url: str,
        clock: FixedClock,
        objects: Path | None = None,
        check_routes: bool = False,
    ) -> None:
        self.url, self.clock = url, clock
        self.engine = make_engine(url)
        upgrade(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.tokens: dict[str, str] = {}
        self.clients: dict[str, CustodyClient] = {}
        with self.sessions.begin() as session:
            for code in ("DEU", "POL", "FRA", "USA", "PRT", "GBR", "BEL", "NLD", "ESP"):
                _, self.tokens[code] = create_delegation(
                    session, load_treaty_data(), code, clock.now()
                )
        objects = objects or Path(tempfile.mkdtemp(prefix="openskies-objects-"))
        checker: Literal["planner"] | None = "planner" if check_routes else None
        settings = Settings(url, str(objects))
        self.client = TestClient(
            build_app(settings, clock=clock, data=fixture_data(), route_checker=checker)
        )

    def custody(self, state: str) -> CustodyClient:
        """``state``'s custody client: a key made here (as on its own machine), registered
        on first use, signing with the world's clock."""
        if state not in self.clients:
            http = TestClient(
                self.client.app, headers={"Authorization": f"Bearer {self.tokens[state]}"}
            )
            client = CustodyClient(http, Ed25519Signer.generate(), now=self.clock.now)
            client.register_key()
            self.clients[state] = client
        return self.clients[state]

    def call(self, state: str, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[state]}", **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(database_url, FixedClock(START), tmp_path / "objects")
    with w.client:
        yield w
    w.engine.dispose()
