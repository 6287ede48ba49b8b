"""The shipped territories file is checked as it is read (the layers contract, in
tests/unit/test_layers.py, keeps geo pure)."""

from __future__ import annotations

import pytest

from openskies.errors import DataError
from openskies.geo import Territories


def test_a_feature_that_breaks_the_schema_names_itself() -> None:
    bad = {"features": [{"type": "Feature", "properties": {"kind": "sea"}, "geometry": None}]}
    with pytest.raises(DataError, match=r"test\.geojson: feature 0"):
        Territories.from_geojson(bad, origin="test.geojson")
