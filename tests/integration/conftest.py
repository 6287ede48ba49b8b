"""Databases for the integration tests: SQLite always, PostgreSQL when its URL is set.

CI sets OPENSKIES_TEST_DATABASE_URL (see .ci/run) to the PostgreSQL server at
127.0.0.1:5432; without it the PostgreSQL cases are skipped and say why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from openskies.adapters.database import normalise_url

PG_ENV = "OPENSKIES_TEST_DATABASE_URL"


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


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
