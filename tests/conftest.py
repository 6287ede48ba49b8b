"""Shared fixtures: the shipped treaty data, loaded once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from openskies.adapters.decisions import treaty_data_with
from openskies.treaty import TreatyData, load_treaty_data

TEST_DECISIONS = Path(__file__).parent / "fixtures" / "decisions"
"""A recorded decision set for tests (invented values, labelled TEST FIXTURE): passive
quotas for the 12 Parties whose decision is not public, and a 2026 distribution."""


def fixture_data() -> TreatyData:
    """The shipped data plus the test decision set (tests of flights after 2003)."""
    return treaty_data_with((TEST_DECISIONS,))


@pytest.fixture(scope="session")
def data() -> TreatyData:
    """The treaty data shipped in the package."""
    return load_treaty_data()


def utc(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text without offset, for readable tests."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
