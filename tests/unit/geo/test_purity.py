"""openskies.geo is part of the pure core: no edge library, no clock, no environment, no I/O
beyond its shipped data file."""

from __future__ import annotations

from pathlib import Path

import pytest

from openskies.errors import DataError
from openskies.geo import Territories
from tests.unit.test_architecture import imports_of

GEO = Path(__file__).parents[3] / "src" / "openskies" / "geo"
EDGE = {"typer", "rich", "fastapi", "sqlalchemy", "psycopg", "httpx", "click", "requests"}


@pytest.mark.parametrize("path", sorted(GEO.rglob("*.py")), ids=lambda p: p.name)
def test_geo_imports_no_edge_library_and_reads_no_clock(path: Path) -> None:
    assert not imports_of(path) & EDGE
    text = path.read_text(encoding="utf-8")
    for forbidden in ("datetime.now(", "date.today(", "os.environ", "time.time(", "urlopen"):
        assert forbidden not in text


def test_a_feature_that_breaks_the_schema_names_itself() -> None:
    bad = {"features": [{"type": "Feature", "properties": {"kind": "sea"}, "geometry": None}]}
    with pytest.raises(DataError, match=r"test\.geojson: feature 0"):
        Territories.from_geojson(bad, origin="test.geojson")
