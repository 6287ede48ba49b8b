"""Candidate sites from CSV and GeoJSON text; the file is read at the edge (adapters.files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openskies.adapters.files import read_sites
from openskies.errors import InputError
from openskies.planning import sites_from_csv


def test_csv_sites_with_and_without_value() -> None:
    sites = sites_from_csv("id,lat,lon,value\nA,52.1,21.0,3\nB,51.0,20.0,\n", "s.csv")
    assert [(s.id, s.lat, s.lon, s.value) for s in sites] == [
        ("A", 52.1, 21.0, 3.0),
        ("B", 51.0, 20.0, 1.0),
    ]


def test_a_bad_csv_row_names_the_line_and_the_field() -> None:
    with pytest.raises(InputError, match=r"s\.csv:3: lat"):
        sites_from_csv("id,lat,lon\nA,52,21\nB,north,21\n", "s.csv")
    with pytest.raises(InputError, match="missing column"):
        sites_from_csv("id,lon\nA,21\n", "s.csv")


def test_a_sites_file_is_read_by_its_suffix(tmp_path: Path) -> None:
    csv_file = tmp_path / "sites.csv"
    csv_file.write_text("id,lat,lon\nA,52,21\n", encoding="utf-8")
    geojson = tmp_path / "sites.geojson"
    geojson.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"id": "B"}, "geometry": {"type": "Point", "coordinates": [21, 52]}}]}',
        encoding="utf-8",
    )
    assert [s.id for s in read_sites(csv_file) + read_sites(geojson)] == ["A", "B"]
    with pytest.raises(InputError, match=r"--sites: .*: no such file"):
        read_sites(tmp_path / "missing.csv")
