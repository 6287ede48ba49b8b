"""The composition root: settings read once, every adapter and service built here.

The API's lifespan (``build_app``) and every CLI command (``open_services``) get their
database, object store, clock, treaty data, territories and route checker from this module
and nowhere else. The environment is read only by ``read_settings``; tests build
``Settings`` themselves and inject a clock, treaty data or a store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI

from openskies.adapters.database import (
    make_engine,
    make_session_factory,
    normalise_url,
    sqlite_file,
    upgrade,
)
from openskies.adapters.decisions import DECISIONS_ENV, parse_decision_dirs, treaty_data_with
from openskies.adapters.exercise import exercise_clock, start_exercise
from openskies.adapters.object_store import make_object_store
from openskies.api.app import MAX_BODY_BYTES, create_app
from openskies.custody import ObjectStore
from openskies.errors import InputError
from openskies.geo import Territories, load_territories
from openskies.planning import Severity, check_mission_plan
from openskies.services.clock import Clock, SystemClock
from openskies.services.container import Services
from openskies.services.custody import CustodyService
from openskies.services.fingerprints import Fingerprints
from openskies.services.ledger import LedgerService
from openskies.services.missions import MissionService, RouteChecker
from openskies.services.records import CLOCK
from openskies.treaty import Finding, TreatyData, load_treaty_data

__all__ = [
    "Settings",
    "app_from_environment",
    "build_app",
    "deployment_treaty_data",
    "open_services",
    "planner_route_checker",
    "read_settings",
    "shipped_territories",
    "shipped_treaty_data",
]


@dataclass(frozen=True)
class Settings:
    """Everything an operator configures (``OPENSKIES_*`` environment variables).

    ``object_store`` is a directory or ``s3://bucket/prefix``; without it, ``objects/``
    beside the SQLite file, or in ``data_dir`` for other databases.
    """

    database_url: str
    object_store: str | None = None
    data_dir: str = "data"
    max_body_bytes: int = MAX_BODY_BYTES
    decisions_dirs: tuple[str, ...] = ()  # OPENSKIES_DECISIONS_DIR (docs/decisions.md)
    clock_start: datetime | None = None  # `serve --clock`: start an exercise at this instant
    fingerprint: bool = True  # each image copy delivered names its recipient (docs/fingerprint.md)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from ``OPENSKIES_DATABASE_URL``, ``OPENSKIES_DATA_DIR``,
        ``OPENSKIES_OBJECT_STORE`` and ``OPENSKIES_FINGERPRINT`` (``on``, the default, or
        ``off``); SQLite in the data directory by default."""
        data_dir = environ.get("OPENSKIES_DATA_DIR") or "data"
        url = environ.get("OPENSKIES_DATABASE_URL")
        if not url:
            url = f"sqlite+pysqlite:///{(Path(data_dir) / 'openskies.sqlite3').resolve()}"
        store = environ.get("OPENSKIES_OBJECT_STORE") or None
        decisions = parse_decision_dirs(environ.get(DECISIONS_ENV, ""))
        mark = (environ.get("OPENSKIES_FINGERPRINT") or "on").strip().lower()
        if mark not in ("on", "off"):
            raise InputError(f"OPENSKIES_FINGERPRINT: {mark!r}; use on or off")
        return cls(
            normalise_url(url),
            store,
            data_dir,
            decisions_dirs=decisions,
            fingerprint=mark == "on",
        )

    def object_store_location(self) -> str:
        """Where the object store is (the default resolved)."""
        if self.object_store:
            return self.object_store
        sqlite = sqlite_file(self.database_url)
        base = sqlite.parent if sqlite is not None else Path(self.data_dir)
        return str(base / "objects")


def read_settings() -> Settings:
    """The settings of this process, from its environment (the only read of it)."""
    return Settings.from_environ(os.environ)


@cache
def shipped_treaty_data() -> TreatyData:
    """The treaty data shipped in the package, loaded once."""
    return load_treaty_data()


def deployment_treaty_data(settings: Settings | None = None) -> TreatyData:
    """The shipped treaty data plus the decisions recorded in the deployment's directories."""
    dirs = (settings or read_settings()).decisions_dirs
    return treaty_data_with(tuple(Path(d) for d in dirs))


@cache
def shipped_territories() -> Territories:
    """The territories shipped in the package (Natural Earth), loaded once when first used."""
    return load_territories()


def planner_route_checker(data: TreatyData, territories: Callable[[], Territories]) -> RouteChecker:
    """The mission service's route check: the planner's ``check_mission_plan``, its
    violations as the treaty's findings (notices do not refuse a plan)."""

    def check(route: dict[str, Any], observed: str, airfield: str, on: date) -> list[Finding]:
        result = check_mission_plan(data, territories(), route, observed, on, airfield or None)
        return [v.as_finding() for v in result.violations if v.severity is Severity.VIOLATION]

    return check


@contextmanager
def open_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    data: TreatyData | None = None,
    territories: Callable[[], Territories] | None = None,
    store: ObjectStore | None = None,
    route_checker: RouteChecker | Literal["planner"] | None = "planner",
) -> Iterator[Services]:
    """Every service over the database of ``settings`` (migrated to the latest schema).

    Defaults: the system clock, the shipped treaty data with the deployment's decisions
    (``decisions_dirs``), the shipped territories, the object store
    of ``settings`` and the planner as route checker (``route_checker=None``: no check).
    """
    sqlite = sqlite_file(settings.database_url)
    if sqlite is not None:
        sqlite.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sessions = make_session_factory(engine)
        reads = make_session_factory(engine, read_only=True)
        if clock is None:
            if settings.clock_start is not None:
                start_exercise(sessions, settings.clock_start, SystemClock().now())
            clock = exercise_clock(reads) or SystemClock()
        sessions.configure(info={CLOCK: clock})  # dates the audit chain's row records
        data = data or deployment_treaty_data(settings)
        territories = territories or shipped_territories
        store = store or make_object_store(settings.object_store_location())
        checker = (
            planner_route_checker(data, territories)
            if isinstance(route_checker, str)
            else route_checker
        )
        yield Services(
            data=data,
            territories=territories,
            clock=clock,
            sessions=sessions,
            store=store,
            missions=MissionService(sessions, data, clock, checker, reads),
            custody=CustodyService(
                sessions, data, clock, store, Fingerprints(store, settings.fingerprint)
            ),
            ledger=LedgerService(sessions, clock),
        )
    finally:
        engine.dispose()


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    data: TreatyData | None = None,
    territories: Callable[[], Territories] | None = None,
    store: ObjectStore | None = None,
    route_checker: RouteChecker | Literal["planner"] | None = "planner",
) -> FastAPI:
    """The API over ``settings``; its lifespan opens the services (see ``open_services``)."""

    def compose() -> AbstractContextManager[Services]:
        return open_services(
            settings,
            clock=clock,
            data=data,
            territories=territories,
            store=store,
            route_checker=route_checker,
        )

    return create_app(compose, max_body_bytes=settings.max_body_bytes)


def app_from_environment() -> FastAPI:
    """The production app from this process's environment (for ``serve --workers N``)."""
    return build_app(read_settings())
