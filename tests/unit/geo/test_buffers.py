"""Art. VI §II ¶2: no observation flight closer than 10 km to a non-party State's border."""

from __future__ import annotations

import shapely

from openskies.geo import (
    Territories,
    border_buffer,
    destination,
    point_in_territory,
    zones_near_borders,
)
from tests.unit.geo.conftest import geodesic_distance_to_km

# The Polish-Russian (Kaliningrad) border crosses 21 E at 54.3951 N (as drawn).
ON_BORDER = (21.0, 54.3951)


def test_art_vi_2_a_point_5_km_from_kaliningrad_is_in_the_10_km_zone(
    territories: Territories,
) -> None:
    border = territories.border("POL", "RUS")
    near = destination(ON_BORDER, 180.0, 5.0)  # 5 km south, in Poland
    assert 4.9 < geodesic_distance_to_km(near, border) <= 5.0
    assert point_in_territory(territories, "POL", near, territorial_sea_km=0).all()
    zone = border_buffer(territories, "POL", "RUS", 10.0)
    assert shapely.contains_xy(zone, *near)


def test_art_vi_2_a_point_15_km_from_kaliningrad_is_outside_the_zone(
    territories: Territories,
) -> None:
    border = territories.border("POL", "RUS")
    far = destination(ON_BORDER, 180.0, 15.0)
    assert 14.0 < geodesic_distance_to_km(far, border) <= 15.0
    assert point_in_territory(territories, "POL", far, territorial_sea_km=0).all()
    assert not shapely.contains_xy(border_buffer(territories, "POL", "RUS"), *far)


def test_the_zone_outline_is_10_km_from_the_border_within_one_percent(
    territories: Territories,
) -> None:
    border = territories.border("POL", "RUS")
    zone = border_buffer(territories, "POL", "RUS", 10.0)
    outline = shapely.get_coordinates(zone.boundary)[::9]
    distances = [geodesic_distance_to_km(tuple(p), border) for p in outline]
    assert min(distances) > 9.9 and max(distances) < 10.1


def test_zones_are_cached(territories: Territories) -> None:
    first = border_buffer(territories, "POL", "RUS", 10.0)
    assert border_buffer(territories, "POL", "RUS", 10) is first


def test_zones_near_borders_join_the_adjacent_non_parties_only(
    territories: Territories,
) -> None:
    zones = zones_near_borders(territories, "POL", ["RUS", "BLR", "FRA"], 10.0)
    for non_party in ("RUS", "BLR"):
        assert shapely.covers(zones, border_buffer(territories, "POL", non_party))
    assert zones_near_borders(territories, "POL", ["FRA", "USA"]).is_empty


def test_a_zone_reaches_into_a_detached_part(territories: Territories) -> None:
    # Lithuania borders Russia twice over: Kaliningrad and nowhere else (Belarus between).
    zone = zones_near_borders(territories, "LTU", ["RUS"], 10.0)
    kaliningrad = territories.land("RUS").intersection(shapely.box(19.0, 54.2, 23.0, 55.4))
    assert zone.intersects(kaliningrad)
