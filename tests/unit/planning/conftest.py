"""Planning fixtures: the shipped treaty data."""

from __future__ import annotations

import pytest

from openskies.treaty import TreatyData, load_treaty_data


@pytest.fixture(scope="session")
def data() -> TreatyData:
    return load_treaty_data()
