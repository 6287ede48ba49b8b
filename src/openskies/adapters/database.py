"""Connecting to the database: SQLite or PostgreSQL by URL; migrations by Alembic.

Which database is the settings' choice (``openskies.bootstrap``: ``OPENSKIES_DATABASE_URL``,
else a SQLite file in the data directory). Writers on SQLite take the write lock at BEGIN
(``BEGIN IMMEDIATE``), so a transaction that counts quotas never races another.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "INSERTED_ROWS",
    "insert_ignore",
    "make_engine",
    "make_session_factory",
    "normalise_url",
    "sqlite_file",
    "upgrade",
]

MIGRATIONS = Path(__file__).parent / "migrations"
_WRITER = "openskies.writer"  # in a SQLite connection's info: it holds the writers' mutex


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for other databases (or in-memory SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def normalise_url(url: str) -> str:
    """A SQLAlchemy URL for ``url``: plain ``postgresql://`` uses psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return str(
            parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        )
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; on SQLite with foreign keys on, WAL and BEGIN IMMEDIATE."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below decide
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # WAL with synchronous=NORMAL: a commit survives a crash of the process; only a
            # power loss may lose the last commits (never corrupt the file). PostgreSQL is
            # the production database; see docs/benchmarks.md for the cost of FULL.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        # The writers of this process wait for each other on a mutex, handed over at once,
        # rather than in SQLite's busy handler, which sleeps up to 100 ms between tries
        # (other processes still wait there: the database's lock is the lock). The mutex
        # is taken at BEGIN IMMEDIATE and released when the connection returns to the pool.
        writers = threading.Lock()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            deferred = connection.get_execution_options().get("read_only", False)
            if not deferred and writers.acquire(timeout=30):
                connection.info[_WRITER] = True
            connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        @event.listens_for(engine, "checkin")
        def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
            if record.info.pop(_WRITER, False):
                writers.release()

        return engine
    options = {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, **kwargs}
    return create_engine(url, **options)


def make_session_factory(engine: Engine, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (values are read after commit).

    ``read_only`` sessions take no write lock on SQLite (a plain deferred BEGIN), so reads
    run side by side; every transaction that writes uses the default sessions.
    """
    bind = engine.execution_options(read_only=True) if read_only else engine
    return sessionmaker(bind, expire_on_commit=False)


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the latest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


INSERTED_ROWS = "openskies.inserted_rows"
"""``session.info`` key: rows ``insert_ignore`` wrote, for the audit chain's row records."""


def insert_ignore(session: Session, table: Any, **values: Any) -> None:
    """INSERT a row unless its key exists (ON CONFLICT DO NOTHING), on either database."""
    session.info.setdefault(INSERTED_ROWS, []).append((getattr(table, "__table__", table), values))
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        session.execute(postgresql.insert(table).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects import sqlite

        session.execute(sqlite.insert(table).values(**values).on_conflict_do_nothing())
