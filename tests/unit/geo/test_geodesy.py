"""Geodesy on WGS84: distances, destinations, great-circle points, local projections."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from openskies.geo import (
    azimuth_deg,
    densify,
    destination,
    distance_km,
    distances_km,
    geodesic_buffer,
    leg_lengths_km,
    local_projection,
    path_length_km,
    split_antimeridian,
    wrap_lon_deg,
)
from tests.unit.geo.conftest import WGS84, geodesic_distance_to_km

KUBINKA = (36.650, 55.611)  # Kubinka airfield, Open Skies airfield of the Russian Federation
MAGADAN = (150.720, 59.911)  # Magadan Sokol

lons = st.floats(min_value=-180.0, max_value=180.0)
lats = st.floats(min_value=-80.0, max_value=80.0)


def test_one_degree_of_longitude_on_the_equator_is_111_32_km() -> None:
    # WGS84 semi-major axis 6378.137 km x pi / 180 = 111.3195 km
    assert distance_km((0.0, 0.0), (1.0, 0.0)) == pytest.approx(111.3195, abs=1e-4)


def test_kubinka_to_magadan_is_the_wgs84_geodesic() -> None:
    _, _, metres = WGS84.inv(*KUBINKA, *MAGADAN)
    assert distance_km(KUBINKA, MAGADAN) == pytest.approx(metres / 1000.0, rel=1e-12)
    # 5,940.15 km; a sphere of mean radius 6371.0088 km gives 5,919.49 km (0.35 % less)
    assert distance_km(KUBINKA, MAGADAN) == pytest.approx(5940.153, abs=0.001)


def test_leg_lengths_and_path_length_add_up() -> None:
    points = [KUBINKA, (60.0, 56.8), (82.9, 55.0), MAGADAN]
    legs = leg_lengths_km(points)
    assert legs == pytest.approx([distance_km(a, b) for a, b in itertools.pairwise(points)])
    assert path_length_km(points) == pytest.approx(float(legs.sum()))
    assert path_length_km([KUBINKA]) == 0.0
    assert distances_km([KUBINKA], [MAGADAN])[0] == pytest.approx(distance_km(KUBINKA, MAGADAN))


@settings(max_examples=200, deadline=None)
@given(lons, lats, st.floats(0.0, 360.0), st.floats(0.001, 3000.0))
def test_destination_is_distance_km_away_at_azimuth(
    lon: float, lat: float, azimuth: float, km: float
) -> None:
    end = destination((lon, lat), azimuth, km)
    assert distance_km((lon, lat), end) == pytest.approx(km, rel=1e-9, abs=1e-9)
    assert -180.0 <= end[0] <= 180.0


def test_azimuth_due_east_on_the_equator_is_90() -> None:
    assert azimuth_deg((0.0, 0.0), (1.0, 0.0)) == pytest.approx(90.0)


def test_densify_gives_equal_steps_on_the_geodesic() -> None:
    points = densify(KUBINKA, MAGADAN, max_step_km=100.0)
    assert tuple(points[0]) == KUBINKA and tuple(points[-1]) == MAGADAN
    steps = leg_lengths_km(points)
    assert len(steps) == math.ceil(5940.153 / 100.0)
    assert steps.max() <= 100.0 and steps == pytest.approx(steps[0])
    # every point is on the geodesic: going through it is no longer than going straight
    assert steps.sum() == pytest.approx(distance_km(KUBINKA, MAGADAN), rel=1e-9)


def test_densify_a_short_leg_gives_its_ends() -> None:
    assert densify((0.0, 0.0), (0.001, 0.0), 10.0).tolist() == [[0.0, 0.0], [0.001, 0.0]]


def test_local_projection_measures_true_distance_from_its_centre() -> None:
    projection = local_projection(KUBINKA)
    x_m, y_m = projection.to_metres([MAGADAN[0]], [MAGADAN[1]])
    assert math.hypot(x_m[0], y_m[0]) / 1000 == pytest.approx(distance_km(KUBINKA, MAGADAN))
    lon, lat = projection.to_lonlat(x_m, y_m)
    assert (lon[0], lat[0]) == pytest.approx(MAGADAN)


def test_geodesic_buffer_of_a_line_is_within_one_percent_of_its_distance() -> None:
    line = shapely.LineString([(-150.0, 70.0), (-146.0, 69.5), (-145.5, 68.0)])  # Alaska
    zone = geodesic_buffer(line, 10.0)
    outline = shapely.get_coordinates(zone.exterior)[::25]
    distances = [geodesic_distance_to_km(tuple(p), line) for p in outline]
    assert min(distances) > 9.9 and max(distances) < 10.1


def test_geodesic_buffer_across_the_antimeridian_is_cut_there() -> None:
    zone = geodesic_buffer(shapely.Point(179.95, 66.0), 20.0)
    assert zone.is_valid and zone.geom_type == "MultiPolygon"
    assert zone.bounds[0] == -180.0 and zone.bounds[2] == 180.0
    assert shapely.contains_xy(zone, [179.9, -179.9], [66.0, 66.0]).all()
    # the half beyond 180 lies just east of -180: 0.15 deg at 66 deg N is 6.8 km, < 20 km
    assert not shapely.contains_xy(zone, -179.0, 66.0)


def test_split_antimeridian_moves_the_part_beyond_180_to_the_west() -> None:
    pieces = split_antimeridian(shapely.box(179.0, 60.0, 181.0, 61.0))
    assert sorted(p.bounds for p in pieces.geoms) == [
        (-180.0, 60.0, -179.0, 61.0),
        (179.0, 60.0, 180.0, 61.0),
    ]


def test_wrap_lon_deg_keeps_longitudes_near_the_centre() -> None:
    assert wrap_lon_deg([-179.5, 179.5], centre_deg=180.0).tolist() == [180.5, 179.5]
    assert wrap_lon_deg([190.0]).tolist() == [-170.0]
