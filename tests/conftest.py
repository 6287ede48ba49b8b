"""Shared fixtures: the shipped treaty data, loaded once; Hypothesis made deterministic.

Hypothesis runs derandomised and without its per-example deadline (a wall-clock assertion):
the same examples on every run and machine, however loaded. ``--hypothesis-profile=explore``
searches afresh, with random examples, when looking for new failures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from openskies.adapters.decisions import treaty_data_with
from openskies.services.commands import NotifyFlight, PersonParticulars, PreFlightInspection
from openskies.treaty import TreatyData, load_treaty_data

TEST_DECISIONS = Path(__file__).parent / "fixtures" / "decisions"
"""A recorded decision set for tests (invented values, labelled TEST FIXTURE): passive
quotas for the 12 Parties whose decision is not public, and a 2026 distribution."""


def fixture_data() -> TreatyData:
    """The shipped data plus the test decision set (tests of flights after 2003)."""
    return treaty_data_with((TEST_DECISIONS,))


settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def data() -> TreatyData:
    """The treaty data shipped in the package."""
    return load_treaty_data()


def utc(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text without offset, for readable tests."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class TickingClock:
    """A monotonic clock that moves ``step`` seconds each time it is read: a time-limited
    search given it runs the same number of steps on every machine, however loaded."""

    def __init__(self, step: float = 1e-4) -> None:
        self.step, self.at = step, 0.0

    def __call__(self) -> float:
        self.at += self.step
        return self.at


def STOPPED() -> float:
    """A clock that never moves: a search given it is bounded by its iterations only."""
    return 0.0


def notification(**fields: Any) -> NotifyFlight:
    """A notification command for service-level tests: the given fields (as the API's JSON
    names them), the other ¶5 items filled in; no point of entry unless given."""
    personnel = (
        PersonParticulars(
            "A. Schmidt", "F", "1980-02-01", "Bonn", "C01X00T47", "DEU", "mission commander"
        ),
    )
    eta: datetime = fields.pop("eta")
    defaults: dict[str, Any] = {
        "point_of_entry": "",
        "pre_flight_inspection": PreFlightInspection("the point of entry", eta),
        "diplomatic_clearance": "TEST-1",
        "aircraft": "A319OH 15+03",
        "approximate_distance_km": 1000.0,
        "personnel": personnel,
    }
    transit = tuple(fields.pop("transit", ()))
    return NotifyFlight(eta=eta, transit=transit, **{**defaults, **fields})
