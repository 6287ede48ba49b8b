"""Readings of the treaty in the route check, each shown by a route.

- a contested sub-limit (Kaliningrad 500 km) is a notice naming the dispute, not a violation
  (Art. VI §II ¶2: a mission plan may cover any point of the territory; the observing Party
  decides);
- a row of Ann. A §III that names a region applies to observation over that region (Denmark's
  Metropolitan, FAROE ISLANDS and GREENLAND rows; the UK and Greek "with ... ISLANDS" rows);
- a distance of a State that no longer exists (the CSFR's Praha/Bratislava) is not applied
  to its successors unless a dated, cited decision gives one.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from tests.conftest import TickingClock

from openskies.errors import InputError
from openskies.geo import Territories, load_territories
from openskies.planning import (
    FixKind,
    Leg,
    Route,
    Severity,
    Site,
    Waypoint,
    flight_context,
    plan_flight,
    validate_route,
)
from openskies.treaty import Citation
from openskies.treaty.history import Dated, History

DAY = date(2024, 6, 1)
KUBINKA = (36.6528, 55.6083)
VAERLOESE = (12.326111, 55.769167)
BRIZE_NORTON = (-1.5836, 51.75)
ELEFSIS = (23.5556, 38.0653)


@pytest.fixture(scope="module")
def territories() -> Territories:
    return load_territories()


def route(points: list[tuple[float, float]], transit: set[int] = frozenset()) -> Route:
    """Airfields at both ends; the legs in ``transit`` flown with sensors off."""
    last = len(points) - 1
    return Route(
        tuple(
            Waypoint(x, y, f"P{i}", FixKind.AIRFIELD if i in (0, last) else FixKind.FIX)
            for i, (x, y) in enumerate(points)
        ),
        tuple(Leg(sensors=(), transit=True) if i in transit else Leg() for i in range(last)),
    )


def findings(r: Route, ctx) -> dict[str, Severity]:
    return {v.rule: v.severity for v in validate_route(r, ctx).violations}


def test_a_contested_sub_limit_is_a_notice_naming_the_dispute(data, territories) -> None:
    ctx = flight_context(data, territories, "RUS", "KUBINKA", date(2019, 6, 1))
    entry, exit_ = (23.3, 54.75), (23.3, 54.5)  # in Lithuania, east of the oblast
    zigzag = [(22.6, 54.95), (20.1, 54.95), (20.1, 54.8), (22.6, 54.8), (22.6, 54.6)]
    zigzag += [(20.1, 54.6), (20.1, 54.45), (22.6, 54.45)]
    points = [KUBINKA, entry, *zigzag, exit_, KUBINKA]
    r = route(points, {0, 1, len(points) - 3, len(points) - 2})
    check = validate_route(r, ctx)
    notice = next(v for v in check.violations if v.rule == "sub_limit:rus-kaliningrad-500")
    assert notice.severity is Severity.NOTICE and check.valid
    assert "contested" in notice.message and "Art. VI §II ¶2" in notice.message
    assert "Zakharova" in notice.citation.text  # the statement the limit rests on
    chosen = dataclasses.replace(ctx, respect_contested=True)  # the observing Party's choice
    assert findings(r, chosen)["sub_limit:rus-kaliningrad-500"] is Severity.VIOLATION


def test_denmark_is_planned_from_vaerloese_within_its_metropolitan_row(data, territories) -> None:
    ctx = flight_context(data, territories, "DNK", "VAERLOESE", DAY)
    assert ctx.budget_km == 800 and ctx.region is not None and ctx.region.region == "Metropolitan"
    sites = [Site("aarhus", 10.2, 56.15, 2), Site("odense", 10.39, 55.4), Site("nuuk", -51.7, 64.2)]
    plan = plan_flight(ctx, sites, time_limit_s=0.5, clock=TickingClock())
    assert plan.check.valid and plan.check.observation_km <= 800
    assert {s.id for s in plan.observed_sites} == {"aarhus", "odense"}
    assert {s.id: v.rule for s, v in plan.excluded} == {"nuuk": "region:dnk-metropolitan"}
    over_sweden = route([VAERLOESE, (13.2, 55.7), VAERLOESE])  # Malmö: leaves Denmark
    assert "within_territory" in findings(over_sweden, ctx)


def test_greenland_and_the_faroes_rows_apply_over_those_regions_only(data, territories) -> None:
    greenland = flight_context(data, territories, "DNK", "VAERLOESE", DAY, region="GREENLAND")
    assert greenland.budget_km == 5600
    nuuk, sisimiut, maniitsoq = (-51.7, 64.18), (-53.67, 66.94), (-52.9, 65.41)
    flight = route([VAERLOESE, nuuk, maniitsoq, sisimiut, VAERLOESE], {0, 3})
    check = validate_route(flight, greenland)
    assert check.valid and check.observation_km < 400 < check.length_km
    observing_home = route([VAERLOESE, (10.2, 56.15), nuuk, sisimiut, VAERLOESE], {1, 3})
    assert "region:dnk-greenland" in findings(observing_home, greenland)
    faroes = flight_context(data, territories, "DNK", "FAROE ISLANDS", DAY)
    assert faroes.budget_km == 250 and faroes.airfield.id == "dnk-vaerloese"
    sites = [
        Site("torshavn", -6.77, 62.01),
        Site("klaksvik", -6.59, 62.23),
        Site("vagar", -7.28, 62.06),
    ]
    plan = plan_flight(faroes, sites, time_limit_s=0.5, clock=TickingClock())
    assert plan.check.valid, plan.check.violations
    assert 0 < plan.check.observation_km <= 250 < plan.check.length_km
    assert plan.route.legs[0].transit and plan.route.legs[-1].transit
    alone = plan_flight(
        faroes, [Site("torshavn", -6.77, 62.01)], time_limit_s=0.2, clock=TickingClock()
    )
    assert alone.check.valid, alone.check.violations  # turns beyond it, not back on its way in
    assert [s.id for s in alone.observed_sites] == ["torshavn"]


def test_the_uk_and_greek_island_rows_extend_the_distance_of_a_flight_over_them(
    data, territories
) -> None:
    scilly = flight_context(
        data, territories, "GBR", "BRIZE NORTON", DAY, region="with SCILLY ISLANDS"
    )
    assert scilly.budget_km == 1500 and scilly.region is not None
    assert scilly.region.base_km == 1150
    st_marys, lands_end, penzance = (-6.30, 49.92), (-5.70, 50.07), (-5.54, 50.12)
    plymouth, exeter, york = (-4.14, 50.37), (-3.53, 50.72), (-1.08, 53.96)
    via_scilly = route(
        [
            BRIZE_NORTON,
            york,
            exeter,
            plymouth,
            penzance,
            lands_end,
            st_marys,
            (-4.8, 50.4),
            BRIZE_NORTON,
        ]
    )
    check = validate_route(via_scilly, scilly)
    assert not {"max_flight_distance", "region:gbr-with-scilly-islands"} & set(
        findings(via_scilly, scilly)
    )
    assert 1150 < check.observation_km <= 1500
    inland = route([BRIZE_NORTON, york, (-3.0, 55.9), exeter, BRIZE_NORTON])
    assert 1150 < validate_route(inland, scilly).observation_km <= 1500
    assert "region:gbr-with-scilly-islands" in findings(inland, scilly)
    islands = flight_context(
        data,
        territories,
        "GRC",
        "ELEFSIS",
        DAY,
        region="with CRETE, KARPATHOS, RHODES, KOS ISLANDS",
    )
    assert islands.budget_km == 1100 and islands.region is not None
    assert islands.region.base_km == 900
    plan = plan_flight(
        islands,
        [
            Site("heraklion", 25.13, 35.34, 5),
            Site("chania", 24.02, 35.51, 5),
            Site("patras", 21.73, 38.25),
        ],
        time_limit_s=0.5,
        clock=TickingClock(),
    )
    assert plan.check.valid, plan.check.violations
    assert {"heraklion", "chania"} <= {s.id for s in plan.observed_sites}
    assert any(leg.transit for leg in plan.route.legs)  # sensors off over the open sea


def test_a_distance_of_the_csfr_is_not_applied_to_its_successors(data, territories) -> None:
    for state, airfield in (("CZE", "PRAHA"), ("SVK", "BRATISLAVA")):
        with pytest.raises(InputError, match="A decision is missing") as refused:
            flight_context(data, territories, state, airfield, DAY)
        assert "Czech and Slovak Federal Republic" in str(refused.value)
    decided = dataclasses.replace(
        data,
        flight_distances={
            **data.flight_distances,
            "csk-praha": dataclasses.replace(
                data.flight_distances["csk-praha"],
                distance_km=History.of(
                    "csk-praha",
                    [
                        *data.flight_distances["csk-praha"].distance_km.entries,
                        Dated(
                            date(2010, 1, 1),
                            650.0,
                            Citation("OSCC.DEC/1/10", "https://example.org/dec"),
                        ),
                    ],
                ),
            ),
        },
    )
    ctx = flight_context(decided, territories, "CZE", "PRAHA", DAY)
    assert ctx.budget_km == 650 and ctx.budget_citation.text == "OSCC.DEC/1/10"
