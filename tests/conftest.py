"""Shared fixtures: the shipped treaty data, loaded once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from openskies.treaty import TreatyData, load_treaty_data


@pytest.fixture(scope="session")
def data() -> TreatyData:
    """The treaty data shipped in the package."""
    return load_treaty_data()


def utc(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text without offset, for readable tests."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
