"""Route validation: every rule of Art. VI §II, a route that breaks it and one that does not."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
import shapely
from shapely.ops import nearest_points

from openskies.geo import GEOD, Territories, destination, load_territories
from openskies.planning import (
    Aircraft,
    FixKind,
    FramingCamera,
    HazardArea,
    Leg,
    Route,
    Waypoint,
    flight_context,
    validate_route,
)
from openskies.treaty import TreatyData

WARSZAWA = (20.9671, 52.1657)
SZCZECIN = (14.55, 53.43)
PRZEMYSL = (22.77, 49.78)
GDANSK = (18.65, 54.35)
LODZ = (19.46, 51.76)
KRAKOW = (19.94, 50.06)
BERLIN = (13.40, 52.52)


@pytest.fixture(scope="module")
def territories() -> Territories:
    return load_territories()


def ctx(data: TreatyData, territories: Territories, on: date = date(2026, 12, 1), **options):
    return flight_context(data, territories, "POL", "pol-warszawa-okecie", on, **options)


def rules(route: Route, context) -> dict[str, str]:
    return {v.rule: v.citation.text for v in validate_route(route, context).violations}


def length(points) -> float:
    return sum(GEOD.inv(a[0], a[1], b[0], b[1])[2] for a, b in itertools.pairwise(points)) / 1000


def test_art_vi_ii_4_a_maximum_flight_distance(data, territories) -> None:
    long = [WARSZAWA, SZCZECIN, PRZEMYSL, GDANSK, WARSZAWA]
    short = [WARSZAWA, LODZ, KRAKOW, WARSZAWA]
    assert length(long) > 1400 > length(short)
    assert rules(Route.through(long), ctx(data, territories))["max_flight_distance"] == (
        "Art. VI §II ¶4(A); Ann. A §III"
    )
    assert rules(Route.through(short), ctx(data, territories)) == {}


def test_within_territory_unless_transit(data, territories) -> None:
    abroad = Route.through([WARSZAWA, BERLIN, WARSZAWA])
    assert "within_territory" in rules(abroad, ctx(data, territories))
    transit = Route(abroad.waypoints, (Leg(sensors=(), transit=True),) * 2)
    assert "within_territory" not in rules(transit, ctx(data, territories))


def _near_kaliningrad(territories: Territories, km: float) -> tuple[float, float]:
    """A point in Poland ``km`` south of the border with Kaliningrad, measured geodesically."""
    border = territories.border("POL", "RUS")
    x, y = shapely.get_coordinates(border).mean(axis=0)
    anchor = shapely.get_coordinates(nearest_points(border, shapely.Point(x, y))[0])[0]
    point = destination((float(anchor[0]), float(anchor[1])), 180.0, km)
    coords = shapely.get_coordinates(shapely.segmentize(border, 0.001))
    _, _, metres = GEOD.inv(
        np.full(len(coords), point[0]), np.full(len(coords), point[1]), coords[:, 0], coords[:, 1]
    )
    assert abs(np.min(metres) / 1000 - km) < 1.0  # the true distance to the border
    return point


def test_art_vi_ii_2_ten_km_from_a_non_party_border(data, territories) -> None:
    close = Route.through([WARSZAWA, _near_kaliningrad(territories, 6.0), LODZ, WARSZAWA])
    clear = Route.through([WARSZAWA, _near_kaliningrad(territories, 14.0), LODZ, WARSZAWA])
    assert rules(close, ctx(data, territories))["non_party_border"] == "Art. VI §II ¶2"
    assert "non_party_border" not in rules(clear, ctx(data, territories))
    # In 2019 Russia was a Party: the same route was allowed.
    assert "non_party_border" not in rules(close, ctx(data, territories, date(2019, 6, 1)))


def test_art_vi_ii_4_g_no_crossing_except_at_exempt_points(data, territories) -> None:
    figure_eight = Route.through(
        [WARSZAWA, (19.0, 52.8), (19.0, 51.5), (22.5, 52.8), (22.5, 51.5), WARSZAWA]
    )
    loop = Route.through([WARSZAWA, (19.0, 52.8), (19.0, 51.5), (22.5, 51.5), WARSZAWA])
    assert rules(figure_eight, ctx(data, territories))["no_crossing"] == "Art. VI §II ¶4(G)"
    assert "no_crossing" not in rules(loop, ctx(data, territories))
    # two triangles that meet only at a calibration target next to the airfield
    calibration = [
        WARSZAWA,
        (21.5, 52.5),
        (20.5, 52.5),
        WARSZAWA,
        (21.6, 51.8),
        (20.4, 51.8),
        WARSZAWA,
    ]
    kinds = [
        FixKind.AIRFIELD,
        FixKind.FIX,
        FixKind.FIX,
        FixKind.CALIBRATION_TARGET,
        FixKind.FIX,
        FixKind.FIX,
        FixKind.AIRFIELD,
    ]
    through_target = Route(
        tuple(
            Waypoint(lon, lat, f"P{i}", k)
            for i, ((lon, lat), k) in enumerate(zip(calibration, kinds, strict=True))
        ),
        (Leg(),) * 6,
    )
    assert "no_crossing" not in rules(through_target, ctx(data, territories))


def test_art_vi_ii_4_d_sensors_at_or_above_their_certified_height(data, territories) -> None:
    camera = FramingCamera("cam", 100.0, 4.6, 10_000, certified_min_hagl_m=3_000.0)
    triangle = [WARSZAWA, LODZ, KRAKOW, WARSZAWA]
    low = Route.through(triangle, Leg(hagl_m=2_500.0, sensors=("cam",)))
    high = Route.through(triangle, Leg(hagl_m=3_000.0, sensors=("cam",)))
    context = ctx(data, territories, sensors=[camera])
    assert rules(low, context) == {"sensor_height": "Art. VI §II ¶4(D); Art. IV ¶2"}
    assert rules(high, context) == {}


def test_art_vi_i_9_flight_fits_the_96_hour_period(data, territories) -> None:
    route = Route.through([WARSZAWA, LODZ, KRAKOW, WARSZAWA])
    slow = ctx(data, territories, aircraft=Aircraft("balloon", cruise_speed_kmh=5.0))
    assert rules(route, slow) == {"flight_period": "Art. VI §I ¶9"}
    assert rules(route, ctx(data, territories, aircraft=Aircraft("jet", 800.0))) == {}


def test_art_vi_ii_3_refuelling_stops_within_the_aircraft_range(data, territories) -> None:
    short_range = ctx(data, territories, aircraft=Aircraft("small", 400.0, range_km=400.0))
    points = [WARSZAWA, LODZ, KRAKOW, WARSZAWA]
    assert rules(Route.through(points), short_range) == {"aircraft_range": "Art. VI §II ¶3"}
    kinds = [FixKind.AIRFIELD, FixKind.FIX, FixKind.REFUELLING, FixKind.AIRFIELD]
    refuelled = Route(
        tuple(
            Waypoint(lon, lat, f"P{i}", k)
            for i, ((lon, lat), k) in enumerate(zip(points, kinds, strict=False))
        ),
        (Leg(),) * 3,
    )
    assert rules(refuelled, short_range) == {}


def test_art_vi_ii_5_hazardous_airspace_is_a_notice_for_the_observed_party(
    data, territories
) -> None:
    zone = HazardArea("EP-D1 range", shapely.box(19.3, 51.6, 19.6, 51.9))
    context = ctx(data, territories, hazards=(zone,))
    check = validate_route(Route.through([WARSZAWA, LODZ, KRAKOW, WARSZAWA]), context)
    assert {(v.rule, v.citation.text, v.severity.value, v.leg) for v in check.violations} == {
        ("hazardous_airspace", "Art. VI §II ¶5", "notice", 0),  # Łódź lies in the zone:
        ("hazardous_airspace", "Art. VI §II ¶5", "notice", 1),  # both its legs cross it
    }
    assert check.valid
    east = Route.through([WARSZAWA, (22.5, 51.5), (21.5, 50.5), WARSZAWA])
    assert validate_route(east, context).violations == ()


def test_art_vi_ii_3_route_starts_and_ends_at_the_open_skies_airfield(data, territories) -> None:
    elsewhere = Route.through([LODZ, KRAKOW, WARSZAWA])
    assert rules(elsewhere, ctx(data, territories)) == {"open_skies_airfield": "Art. VI §II ¶3"}


KUBINKA = (36.6528, 55.6083)


def _kaliningrad_route(inside: list[tuple[float, float]]) -> Route:
    """Kubinka → (transit over Lithuania) → fixes in Kaliningrad → back to Kubinka."""
    entry, exit_ = (23.3, 54.75), (23.3, 54.5)  # in Lithuania, east of the oblast
    points = [KUBINKA, entry, *inside, exit_, KUBINKA]
    transit = {0, 1, len(points) - 3, len(points) - 2}  # into and out of the oblast
    legs = tuple(
        Leg(sensors=(), transit=True) if i in transit else Leg() for i in range(len(points) - 1)
    )
    return Route(
        tuple(
            Waypoint(
                lon, lat, f"P{i}", FixKind.AIRFIELD if i in (0, len(points) - 1) else FixKind.FIX
            )
            for i, (lon, lat) in enumerate(points)
        ),
        legs,
    )


def test_kaliningrad_500_km_sub_limit_as_a_dated_decision(data, territories) -> None:
    context = flight_context(data, territories, "RUS", "KUBINKA", date(2019, 6, 1))
    zigzag = [
        (22.6, 54.95),
        (20.1, 54.95),
        (20.1, 54.8),
        (22.6, 54.8),
        (22.6, 54.6),
        (20.1, 54.6),
        (20.1, 54.45),
        (22.6, 54.45),
    ]
    short = [(22.6, 54.9), (20.3, 54.7), (22.6, 54.5)]
    assert "sub_limit:rus-kaliningrad-500" in rules(_kaliningrad_route(zigzag), context)
    assert "sub_limit:rus-kaliningrad-500" not in rules(_kaliningrad_route(short), context)
    before = flight_context(data, territories, "RUS", "KUBINKA", date(2016, 6, 1))
    assert "sub_limit:rus-kaliningrad-500" not in rules(_kaliningrad_route(zigzag), before)
