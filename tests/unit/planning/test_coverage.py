"""Coverage against an independent brute-force geodesic check.

The oracle shares no code with ``planning.coverage``: it densifies each leg with
``pyproj.Geod.npts`` every 100 m, takes the least WGS84 distance from the site to those
points, and computes the swath from the camera's geometry here (H · (w/2) / f, Art. IV ¶2(A)
cap of 50 km). A site the planner reports must be within its leg's swath by this check; a
site well inside a leg's swath (its nearest point not at the leg's ends) must be reported.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod
from tests.conftest import TickingClock

from openskies.geo import Territories, load_territories
from openskies.planning import (
    FramingCamera,
    Leg,
    Route,
    Site,
    default_sensors,
    flight_context,
    plan_flight,
)
from openskies.planning.coverage import leg_footprints, observing_legs
from openskies.planning.sites import demo_sites
from openskies.treaty import TreatyData

WGS84 = Geod(ellps="WGS84")
STEP_M = 100.0
TOLERANCE_KM = 0.01  # > the oracle's sampling error at 100 m steps and 1.5 km or more off


def oracle_half_width_km(camera: FramingCamera, hagl_m: float) -> float:
    """Half the footprint of a vertical framing camera: H · (sensor width / 2) / f."""
    half_sensor_m = camera.pixels_across * camera.pixel_pitch_um * 1e-6 / 2
    return min(hagl_m * half_sensor_m / (camera.focal_length_mm * 1e-3) / 1000, 50.0)


def oracle_nearest(
    a: tuple[float, float], b: tuple[float, float], site: tuple[float, float]
) -> tuple[float, int, int]:
    """(least distance km from the site to the leg's sample points, index of that point, count)."""
    length = WGS84.inv(a[0], a[1], b[0], b[1])[2]
    inner = max(math.ceil(length / STEP_M) - 1, 0)
    samples = [a, *(WGS84.npts(a[0], a[1], b[0], b[1], inner) if inner else []), b]
    lon = np.array([p[0] for p in samples])
    lat = np.array([p[1] for p in samples])
    metres = np.asarray(
        WGS84.inv(lon, lat, np.full_like(lon, site[0]), np.full_like(lat, site[1]))[2]
    )
    nearest = int(np.argmin(metres))
    return float(metres[nearest]) / 1000, nearest, len(samples)


def oracle_check(route: Route, sites: list[Site], reported: dict[str, int]) -> None:
    """Every reported site is inside its leg's swath; every site deep in a swath is reported."""
    camera = default_sensors()[0]
    assert isinstance(camera, FramingCamera)
    points = route.points
    for site in sites:
        for index, leg in enumerate(route.legs):
            a, b = points[index], points[index + 1]
            flown = WGS84.inv(a[0], a[1], b[0], b[1])[2] >= 1.0
            on = not leg.transit and camera.id in leg.sensors and flown
            width = oracle_half_width_km(camera, leg.hagl_m)
            if reported.get(site.id) != index:  # an ellipse bound: (da + db - L) / 2 <= d
                length = WGS84.inv(a[0], a[1], b[0], b[1])[2]
                da = WGS84.inv(a[0], a[1], site.lon, site.lat)[2]
                db = WGS84.inv(b[0], b[1], site.lon, site.lat)[2]
                if (da + db - length) / 2000 > width + TOLERANCE_KM:
                    continue
            distance, nearest, count = oracle_nearest(a, b, (site.lon, site.lat))
            if reported.get(site.id) == index:
                assert on, f"site {site.id} reported by leg {index}, which observes nothing"
                assert distance <= width + TOLERANCE_KM, (
                    f"site {site.id}: {distance:.4f} km from leg {index}, swath {width:.4f} km"
                )
            interior = 2 <= nearest <= count - 3
            if on and interior and distance <= width - TOLERANCE_KM:
                assert site.id in reported, (
                    f"site {site.id} is {distance:.4f} km from leg {index} (swath {width:.4f})"
                    " but not reported"
                )


@st.composite
def routes_and_sites(draw: st.DrawFn) -> tuple[Route, list[Site]]:
    lon = draw(st.floats(-170, 170))
    lat = draw(st.floats(-65, 70))
    points = [(lon, lat)]
    legs = []
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 5)) == 0:
            points.append(points[-1])  # a zero-length leg
        else:
            az = draw(st.floats(-180, 180))
            km = draw(st.floats(2, 150))
            x, y, _ = WGS84.fwd(points[-1][0], points[-1][1], az, km * 1000)
            points.append((float(x), float(y)))
        transit = draw(st.booleans()) and draw(st.booleans())
        hagl = draw(st.floats(6_520, 15_000))
        legs.append(Leg(hagl, () if transit else ("vertical-framing",), transit))
    route = Route.through(points)
    route = Route(route.waypoints, tuple(legs))
    sites = []
    for k in range(draw(st.integers(1, 14))):
        leg = draw(st.integers(0, len(legs) - 1))
        a, b = points[leg], points[leg + 1]
        az, _, length = WGS84.inv(a[0], a[1], b[0], b[1])
        fraction = draw(st.floats(-0.1, 1.1))
        x, y, back = WGS84.fwd(a[0], a[1], az, fraction * length)
        side = draw(st.floats(-4.0, 4.0))
        x, y, _ = WGS84.fwd(x, y, back + 180 + 90, side * 1000)
        sites.append(Site(f"s{k}", float(x), float(y)))
    return route, sites


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(routes_and_sites())
def test_coverage_agrees_with_a_brute_force_geodesic_check(
    data: TreatyData, case: tuple[Route, list[Site]]
) -> None:
    route, sites = case
    sensors = {s.id: s for s in default_sensors()}
    footprints = leg_footprints(route, sensors, data, date(2024, 1, 1))
    camera = default_sensors()[0]
    assert isinstance(camera, FramingCamera)
    for leg, footprint in zip(route.legs, footprints, strict=True):
        expected = 0.0 if leg.transit else oracle_half_width_km(camera, leg.hagl_m)
        assert footprint.swath_half_width_km == pytest.approx(expected, rel=1e-9, abs=1e-12)
    found = observing_legs(route, sites, footprints)
    reported = {s.id: hit[0] for s, hit in zip(sites, found, strict=True) if hit is not None}
    oracle_check(route, sites, reported)


def test_a_zero_length_leg_observes_nothing(data: TreatyData) -> None:
    far = Site("far", 21.5, 52.5)
    route = Route.through([(21.0, 52.0), (21.0, 52.0), (21.0, 52.0)])
    sensors = {s.id: s for s in default_sensors()}
    footprints = leg_footprints(route, sensors, data, date(2024, 1, 1))
    assert observing_legs(route, [far, Site("at", 21.0, 52.0)], footprints) == [None, None]


def test_a_transit_leg_observes_nothing_and_has_no_swath(data: TreatyData) -> None:
    route = Route.through([(21.0, 52.0), (22.0, 52.0)], Leg(sensors=(), transit=True))
    sensors = {s.id: s for s in default_sensors()}
    footprints = leg_footprints(route, sensors, data, date(2024, 1, 1))
    assert footprints[0].swath_half_width_km == 0 and footprints[0].gsd_m is None
    assert observing_legs(route, [Site("on", 21.5, 52.01)], footprints) == [None]


def test_a_site_beyond_a_turn_is_not_in_either_strip(data: TreatyData) -> None:
    corner = (21.0, 52.0)
    east, _, _ = WGS84.fwd(corner[0], corner[1], 90, 50_000)
    north_x, north_y, _ = WGS84.fwd(corner[0], corner[1], 0, 50_000)
    route = Route.through([(float(east), 52.0), corner, (float(north_x), float(north_y))])
    outer_x, outer_y, _ = WGS84.fwd(corner[0], corner[1], 225, 1_000)  # 1 km, swath 1.5 km
    sensors = {s.id: s for s in default_sensors()}
    footprints = leg_footprints(route, sensors, data, date(2024, 1, 1))
    assert observing_legs(route, [Site("outer", float(outer_x), float(outer_y))], footprints) == [
        None
    ]


def test_gsd_follows_height_and_the_treaty_limit_is_cited(data: TreatyData) -> None:
    sensors = {s.id: s for s in default_sensors()}
    low, high = (
        leg_footprints(
            Route.through([(21.0, 52.0), (22.0, 52.0)], Leg(h)), sensors, data, date(2024, 1, 1)
        )[0]
        for h in (6_520.0, 13_040.0)
    )
    assert low.gsd_m == pytest.approx(0.29992, rel=1e-4)
    assert high.gsd_m == pytest.approx(2 * low.gsd_m)
    assert high.swath_half_width_km == pytest.approx(2 * low.swath_half_width_km)
    assert low.resolution_limit_m == 0.30 and "Art. IV ¶2(A)" in low.citation


@pytest.fixture(scope="module")
def territories() -> Territories:
    return load_territories()


@pytest.mark.parametrize(
    ("observed", "airfield", "day"),
    [("POL", "WARSZAWA-OKECIE", date(2026, 12, 1)), ("RUS", "KUBINKA", date(2019, 6, 1))],
)
def test_demo_plans_report_only_sites_inside_their_swath(
    data: TreatyData, territories: Territories, observed: str, airfield: str, day: date
) -> None:
    ctx = flight_context(data, territories, observed, airfield, day)
    sites = demo_sites(*ctx.observed_states)
    plan = plan_flight(ctx, sites, time_limit_s=3.0, clock=TickingClock())
    reported = {a.site.id: a.leg for a in plan.accounts if a.leg is not None}
    assert plan.check.valid and reported
    outside = {s.id for s, v in plan.excluded if v.rule == "within_territory"}
    oracle_check(plan.route, [s for s in sites if s.id not in outside], reported)
    assert len(plan.accounts) == len(sites)
    if observed == "RUS":  # the Russia-Belarus group: both States' sites; the budget used
        assert plan.check.observation_km > 0.9 * ctx.budget_km  # 2,185 km before
