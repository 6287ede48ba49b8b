"""Territory (Art. II ¶8): land of the shipped data, territorial sea, borders, neighbours."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

import openskies.geo
from openskies.errors import InputError
from openskies.geo import (
    TERRITORIAL_SEA_KM,
    Territories,
    destination,
    point_in_territory,
)
from tests.unit.geo.conftest import geodesic_distance_to_km

PARTIES = sorted(
    {
        "BEL",
        "BGR",
        "BIH",
        "BLR",
        "CAN",
        "CZE",
        "DEU",
        "DNK",
        "ESP",
        "EST",
        "FIN",
        "FRA",
        "GBR",
        "GEO",
        "GRC",
        "HRV",
        "HUN",
        "ISL",
        "ITA",
        "LTU",
        "LUX",
        "LVA",
        "NLD",
        "NOR",
        "POL",
        "PRT",
        "ROU",
        "RUS",
        "SVK",
        "SVN",
        "SWE",
        "TUR",
        "UKR",
        "USA",
    }
)  # the 34 States that were ever States Parties
KALININGRAD = (20.5101, 54.7104)
CITIES = {
    "RUS": (37.6173, 55.7558),  # Moscow
    "USA": (-77.0369, 38.9072),  # Washington
}


def _shipped() -> dict:
    text = (resources.files("openskies.geo") / "data" / "territories.geojson").read_text("utf-8")
    return json.loads(text)


def test_every_shipped_feature_is_valid_and_inside_minus_180_to_180() -> None:
    collection = _shipped()
    for feature in collection["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid, feature["properties"]
        xmin, ymin, xmax, ymax = geometry.bounds
        assert -180.0 <= xmin <= xmax <= 180.0 and -90.0 <= ymin <= ymax <= 90.0


def test_the_shipped_file_records_its_source_and_is_small() -> None:
    metadata = _shipped()["metadata"]
    assert "Natural Earth 4.1.0" in metadata["source"]
    assert "world-atlas@2.0.2" in metadata["distribution"]
    assert "1:10m" in metadata["resolution"]
    assert {"simplification", "built", "source_sha256"} <= set(metadata)
    size = (resources.files("openskies.geo") / "data" / "territories.geojson").stat().st_size
    assert size < 8_000_000


def test_every_state_that_was_ever_a_party_has_land(territories: Territories) -> None:
    assert set(PARTIES) <= set(territories.codes())
    for code in PARTIES:
        assert territories.land(code).area > 0


def test_kaliningrad_is_russian_land_and_not_polish_or_lithuanian(
    territories: Territories,
) -> None:
    assert territories.states_at(*KALININGRAD) == ("RUS",)
    assert point_in_territory(territories, "RUS", KALININGRAD, territorial_sea_km=0).all()
    assert not point_in_territory(territories, "POL", KALININGRAD).any()
    assert not point_in_territory(territories, "LTU", KALININGRAD).any()


def test_capitals_and_detached_states_are_in_the_right_territory(
    territories: Territories,
) -> None:
    points = {
        "Moscow": ("RUS", (37.6173, 55.7558)),
        "Washington": ("USA", (-77.0369, 38.9072)),
        "Anchorage": ("USA", (-149.9003, 61.2181)),
        "Honolulu": ("USA", (-157.8583, 21.3069)),
        "Longyearbyen, Svalbard": ("NOR", (16.0, 78.5)),
        "Greenland ice sheet": ("DNK", (-45.0, 72.0)),
        "Faroe Islands": ("DNK", (-6.9, 62.1)),
        "Aland Islands": ("FIN", (20.0, 60.2)),
        "Tenerife, Canary Islands": ("ESP", (-16.64, 28.27)),
        "Sao Miguel, Azores": ("PRT", (-25.5, 37.78)),
        "Madeira": ("PRT", (-16.95, 32.75)),
        "Attu, Aleutians (east longitude)": ("USA", (173.2, 52.9)),
        "Vatican City (enclave, drawn as a stand-in)": ("VAT", (12.4534, 41.9034)),
        "Rome": ("ITA", (12.4964, 41.9028)),
    }
    for name, (code, point) in points.items():
        assert territories.states_at(*point) == (code,), name
    washington = CITIES["USA"]
    assert point_in_territory(territories, "USA", [washington, CITIES["RUS"]]).tolist() == [
        True,
        False,
    ]


def test_chukotka_is_russian_on_both_sides_of_the_antimeridian(
    territories: Territories,
) -> None:
    points = [(179.5, 67.5), (-179.5, 67.5)]
    assert point_in_territory(territories, "RUS", points, territorial_sea_km=0).all()
    # The sea band off Chukotka's south coast crosses 180 and is cut there too:
    # the coast meets the antimeridian at 65.066 N; 10 km south is in the 22.224 km band.
    sea = [destination((lon, 65.066), 180.0, 10.0) for lon in (179.99, -179.99)]
    assert point_in_territory(territories, "RUS", sea).all()
    assert not point_in_territory(territories, "RUS", sea, territorial_sea_km=0).any()
    assert territories.territory("RUS").is_valid


def test_art_ii_8_territorial_sea_is_12_nautical_miles_off_the_coast(
    territories: Territories,
) -> None:
    coast_point = (17.0, 54.6433)  # the Polish coast at 17 E (as drawn)
    inside = destination(coast_point, 0.0, 15.0)
    outside = destination(coast_point, 0.0, 30.0)
    coast = territories.coast("POL")
    assert geodesic_distance_to_km(inside, coast) < TERRITORIAL_SEA_KM - 1.0
    assert geodesic_distance_to_km(outside, coast) > TERRITORIAL_SEA_KM + 1.0
    assert point_in_territory(territories, "POL", [inside, outside]).tolist() == [True, False]
    assert not point_in_territory(territories, "POL", inside, territorial_sea_km=0).any()


def test_the_territorial_sea_never_covers_another_states_land(
    territories: Territories,
) -> None:
    polish = territories.territory("POL")
    for other in ("RUS", "LTU", "DEU"):
        assert shapely.intersection(polish, territories.land(other)).area < 1e-9


def test_neighbours_of_poland_include_russia_through_kaliningrad(
    territories: Territories,
) -> None:
    assert territories.neighbours("POL") == ("BLR", "CZE", "DEU", "LTU", "RUS", "SVK", "UKR")
    assert "POL" in territories.neighbours("RUS")


def test_the_polish_russian_border_is_the_line_both_lands_share(
    territories: Territories,
) -> None:
    border = territories.border("RUS", "POL")
    assert border == territories.border("POL", "RUS")
    # about 210 km along the Kaliningrad oblast (as drawn at 1:10m)
    length_km = sum(
        openskies.geo.path_length_km(shapely.get_coordinates(line))
        for line in shapely.get_parts(border)
    )
    assert 190.0 < length_km < 240.0
    for land in (territories.land("POL"), territories.land("RUS")):
        assert shapely.distance(land.boundary, border) < 1e-9


def test_states_without_a_common_border_or_unknown_codes_are_refused(
    territories: Territories,
) -> None:
    with pytest.raises(InputError, match="share no land border"):
        territories.border("POL", "FRA")
    with pytest.raises(InputError, match="no territory for 'XXX'"):
        territories.land("XXX")


def test_crimea_is_drawn_russian_by_the_source_and_listed_as_disputed(
    territories: Territories,
) -> None:
    simferopol = (34.10, 44.95)
    assert territories.states_at(*simferopol) == ("RUS",)
    (crimea,) = [d for d in territories.disputed if d.name == "Crimea"]
    assert (crimea.held_by, crimea.claimed_by) == ("RUS", "UKR")
    assert shapely.contains_xy(crimea.geometry, *simferopol)
    assert not shapely.contains_xy(crimea.geometry, 37.0, 45.2)  # Taman peninsula


def test_point_in_territory_is_vectorised(territories: Territories) -> None:
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(14, 24, 10_000), rng.uniform(49, 55, 10_000)])
    inside = point_in_territory(territories, "POL", points)
    assert inside.shape == (10_000,) and inside.dtype == bool
    one_by_one = [territories.territory("POL").contains(shapely.Point(p)) for p in points[:200]]
    assert inside[:200].tolist() == one_by_one


def test_the_median_line_divides_the_oresund(territories: Territories) -> None:
    # Helsingør-Helsingborg, about 4 km apart: each side's sea stops at the median line.
    swedish_side, danish_side = (12.68, 56.04), (12.63, 56.04)
    dk, se = territories.coast("DNK"), territories.coast("SWE")
    assert geodesic_distance_to_km(swedish_side, se) < geodesic_distance_to_km(swedish_side, dk)
    assert geodesic_distance_to_km(danish_side, dk) < geodesic_distance_to_km(danish_side, se)
    for point, inside, outside in ((swedish_side, "SWE", "DNK"), (danish_side, "DNK", "SWE")):
        assert point_in_territory(territories, inside, point).all()
        assert not point_in_territory(territories, outside, point).any()


def _square(code: str, west_deg: float) -> dict:
    ring = [(west_deg, 0.0), (west_deg + 1, 0.0), (west_deg + 1, 1), (west_deg, 1), (west_deg, 0)]
    return {
        "type": "Feature",
        "properties": {"kind": "land", "code": code, "name": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_a_strait_narrower_than_24_nm_is_split_at_equal_distance() -> None:
    # Two islands on the equator, 0.3 deg (33.4 km) apart: their 12 nm seas would overlap.
    pair = Territories.from_geojson({"features": [_square("AAA", 0.0), _square("BBB", 1.3)]})
    assert pair.territory("AAA").bounds[2] == pytest.approx(1.15, abs=0.002)
    assert pair.territory("BBB").bounds[0] == pytest.approx(1.15, abs=0.002)
    assert shapely.intersection(pair.territory("AAA"), pair.territory("BBB")).area < 1e-6
    # Open sea to the west: the full 22.224 km (0.19964 deg of longitude on the equator).
    assert pair.territory("AAA").bounds[0] == pytest.approx(-22.224 / 111.3195, abs=0.003)
    assert pair.territory("AAA", territorial_sea_km=0).equals(pair.land("AAA"))


def test_shipped_territories_barely_overlap(territories: Territories) -> None:
    # Where seas meet, both sides are cut at the same median line, up to metres.
    for a, b in (("DNK", "SWE"), ("GBR", "FRA"), ("POL", "RUS"), ("RUS", "USA"), ("GRC", "TUR")):
        overlap = shapely.intersection(territories.territory(a), territories.territory(b))
        assert overlap.area < 1e-4, (a, b)  # < 0.7 km2 in all
