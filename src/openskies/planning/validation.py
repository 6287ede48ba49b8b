"""Check a route against the treaty: every rule, every leg, each with its citation.

The rules checked (Art. VI §II unless said):
- ``max_flight_distance``: distance over the observed territory within the maximum flight
  distance of the starting Open Skies airfield on the day (¶4(A), Ann. A §III);
- ``sub_limit``: distance inside a region within a dated sub-limit; a contested one
  (Kaliningrad 500 km) is a notice naming the dispute, not a violation (¶2: the observing
  Party decides);
- ``region``: a row of Ann. A §III naming a region applies to observation over it;
- ``within_territory``: observation legs over the observed territory only (Art. I ¶1,
  Art. II ¶5-6); transit legs, sensors off, are exempt (Art. VII; OSCC.DEC/22/02);
- ``non_party_border``: never within 10 km of the border of an adjacent State that is not
  a Party that day (¶2);
- ``no_crossing``: no point crossed twice and no circling, except at take-off, calibration
  targets and landing (¶4(G)), unless agreed;
- ``sensor_height``: every sensor used at or above its certified minimum height (¶4(D));
- ``flight_period``: the flight, at the aircraft's speed with its refuelling stops, fits
  the 96-hour period (Art. VI §I ¶9);
- ``aircraft_range``: no stretch between refuelling stops beyond the aircraft's range
  (Art. VI §II ¶3: refuelling stops are planned in the mission plan);
- ``hazardous_airspace``: a notice, not a violation: the observed Party answers (¶5).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import shapely

from openskies.planning._geometry import (
    crossing_points,
    densify_route,
    distance_km,
    leg_lengths_km,
    segment_lengths_km,
)
from openskies.planning.context import FlightContext
from openskies.planning.route import FixKind, Route
from openskies.planning.violations import Severity, Violation
from openskies.treaty import Citation

__all__ = ["RouteCheck", "validate_route"]

STEP_KM = 5.0
"""Legs are checked at points at most this far apart along the great circle."""


@dataclass(frozen=True)
class RouteCheck:
    """The result of checking a route: its length, the budget and every violation."""

    length_km: float
    observation_km: float
    budget_km: float
    violations: tuple[Violation, ...]

    @property
    def valid(self) -> bool:
        """True when no rule is broken (notices do not make a route invalid)."""
        return not any(v.severity is Severity.VIOLATION for v in self.violations)


def validate_route(route: Route, ctx: FlightContext) -> RouteCheck:
    """Check ``route`` against every rule; all violations are returned, none is raised."""
    lengths = leg_lengths_km(route.points)
    points, leg_of = densify_route(route.points, STEP_KM)
    observing = np.array([not leg.transit for leg in route.legs])
    observation_km = float(lengths[observing].sum())
    out: list[Violation] = []
    out += _airfields(route, ctx)
    out += _distance(observation_km, ctx)
    out += _sub_limits(points, leg_of, observing, ctx)
    out += _region_row(points, leg_of, observing, observation_km, ctx)
    out += _territory(points, leg_of, observing, ctx)
    out += _border_buffer(points, leg_of, ctx)
    out += _crossings(route, (points, leg_of))
    out += _sensor_heights(route, ctx)
    out += _period_and_range(route, lengths, ctx)
    out += _hazards(points, leg_of, ctx)
    return RouteCheck(float(lengths.sum()), observation_km, ctx.budget_km, tuple(out))


def _airfields(route: Route, ctx: FlightContext) -> list[Violation]:
    out = []
    for index, site, where in ((0, ctx.airfield, "start"), (-1, ctx.end_airfield, "end")):
        waypoint = route.waypoints[index]
        position = site.best_position
        if position is None:  # refused when the context was made; kept for type checkers
            continue
        gap = distance_km(waypoint.point, position)
        if gap > 5.0:
            out.append(
                Violation(
                    "open_skies_airfield",
                    Citation("Art. VI §II ¶3"),
                    f"the route must {where} at {site.name}, an Open Skies airfield of "
                    f"{ctx.observed.code}; its {where} is {gap:,.0f} km away",
                    leg=0 if index == 0 else len(route.legs) - 1,
                    limit=5.0,
                    actual=gap,
                )
            )
    return out


def _distance(observation_km: float, ctx: FlightContext) -> list[Violation]:
    if observation_km <= ctx.budget_km * (1 + 1e-9):
        return []
    return [
        Violation(
            "max_flight_distance",
            Citation("Art. VI §II ¶4(A); Ann. A §III"),
            f"{observation_km:,.1f} km over the observed territory, more than the maximum flight "
            f"distance of {ctx.budget_km:,.0f} km from {ctx.airfield.name} on "
            f"{ctx.on.isoformat()} ({ctx.budget_citation.text})",
            limit=ctx.budget_km,
            actual=observation_km,
        )
    ]


def _sub_limits(
    points: np.ndarray, leg_of: np.ndarray, observing: np.ndarray, ctx: FlightContext
) -> list[Violation]:
    out: list[Violation] = []
    if not ctx.sub_limits or len(points) < 2:
        return out
    seg = segment_lengths_km(points)
    mid = (points[:-1] + points[1:]) / 2
    for area in ctx.sub_limits:
        inside = shapely.contains_xy(area.area, mid[:, 0], mid[:, 1]) & observing[leg_of[:-1]]
        flown = float(seg[inside].sum())
        if flown > area.distance_km:
            first_leg = int(leg_of[:-1][inside][0])
            message = (
                f"{flown:,.1f} km over {area.limit.region}, more than its "
                f"{area.distance_km:,.0f} km sub-limit ({area.limit.status})"
            )
            contested = area.limit.status == "contested" and not ctx.respect_contested
            if contested:  # Art. VI §II ¶2: the observing Party decides; not a violation
                message += (
                    f". The sub-limit is contested: it rests on {area.citation.text}, not on the "
                    "treaty or an OSCC decision, and the United States, NATO and EU members call "
                    "it a breach of the treaty. Under Art. VI §II ¶2 a mission plan may provide "
                    "for observation of any point on the whole territory: the observing Party "
                    "decides whether to plan within it"
                )
            out.append(
                Violation(
                    f"sub_limit:{area.limit.id}",
                    area.citation,
                    message,
                    leg=first_leg,
                    severity=Severity.NOTICE if contested else Severity.VIOLATION,
                    limit=area.distance_km,
                    actual=flown,
                )
            )
    return out


def _region_row(
    points: np.ndarray,
    leg_of: np.ndarray,
    observing: np.ndarray,
    observation_km: float,
    ctx: FlightContext,
) -> list[Violation]:
    """Ann. A §III rows naming a region: observation over that region only (Denmark's rows),
    or, for a "with ..." row, a longer distance only for a flight that observes over it."""
    row = ctx.region
    if row is None:
        return []
    over = shapely.contains_xy(row.area, points[:, 0], points[:, 1]) & observing[leg_of]
    if row.extends:
        if over.any() or row.base_km is None or observation_km <= row.base_km * (1 + 1e-9):
            return []
        return [
            Violation(
                f"region:{row.id}",
                row.citation,
                f"the {row.distance_km:,.0f} km of the row '{row.region}' of Ann. A §III apply "
                f"to a flight that observes over those islands; this route does not, so the "
                f"{row.base_km:,.0f} km of {ctx.airfield.name} apply and it flies "
                f"{observation_km:,.1f} km",
                limit=row.base_km,
                actual=observation_km,
            )
        ]
    away = observing[leg_of] & ~shapely.contains_xy(row.area, points[:, 0], points[:, 1])
    return [
        Violation(
            f"region:{row.id}",
            row.citation,
            f"leg {leg} observes outside {row.region}, the region of the row of Ann. A §III "
            f"this flight uses ({row.distance_km:,.0f} km); fly it as a transit leg, sensors off",
            leg=leg,
        )
        for leg in _legs_where(away, leg_of)
    ]


def _legs_where(mask: np.ndarray, leg_of: np.ndarray) -> list[int]:
    return sorted({int(i) for i in leg_of[mask]})


def _territory(
    points: np.ndarray, leg_of: np.ndarray, observing: np.ndarray, ctx: FlightContext
) -> list[Violation]:
    outside = ~shapely.contains_xy(ctx.territory, points[:, 0], points[:, 1])
    outside &= observing[leg_of]
    return [
        Violation(
            "within_territory",
            Citation("Art. I ¶1; Art. II ¶5–6"),
            f"leg {leg} leaves the territory of {ctx.observed.code} with sensors on; only a "
            "transit leg, with sensors off and agreed, may",
            leg=leg,
        )
        for leg in _legs_where(outside, leg_of)
    ]


def _border_buffer(points: np.ndarray, leg_of: np.ndarray, ctx: FlightContext) -> list[Violation]:
    zone = ctx.buffer_zone
    if zone is None:
        return []
    near = shapely.contains_xy(zone, points[:, 0], points[:, 1])
    who = ", ".join(ctx.non_parties)
    return [
        Violation(
            "non_party_border",
            Citation("Art. VI §II ¶2"),
            f"leg {leg} comes closer than {ctx.buffer_km:g} km to the border of a State that is "
            f"not a Party on {ctx.on.isoformat()} ({who})",
            leg=leg,
            limit=ctx.buffer_km,
        )
        for leg in _legs_where(near, leg_of)
    ]


def _crossings(route: Route, dense: tuple[np.ndarray, np.ndarray]) -> list[Violation]:
    """Art. VI §II ¶4(G): legs that cross or overlap away from exempt points."""
    out = []
    exempt = [w.point for w in route.waypoints if w.exempt_from_crossing]
    for i, j, where in crossing_points(route.points, exempt, tolerance_km=1.0, dense=dense):
        if i in route.agreed_crossings or j in route.agreed_crossings:
            continue
        out.append(
            Violation(
                "no_crossing",
                Citation("Art. VI §II ¶4(G)"),
                f"legs {i} and {j} cross at ({where[0]:.3f}, {where[1]:.3f}); the route may not "
                "cross the same point twice or circle, except at take-off, calibration targets "
                "and landing, unless agreed",
                leg=j,
            )
        )
    seen: dict[tuple[float, float], int] = {}
    for index, w in enumerate(route.waypoints):
        if w.kind is FixKind.FIX:
            key = (round(w.lon, 3), round(w.lat, 3))
            if key in seen:
                out.append(
                    Violation(
                        "no_circling",
                        Citation("Art. VI §II ¶4(G)"),
                        f"fix {w.name or index} is flown over twice "
                        f"(first as waypoint {seen[key]})",
                        leg=max(index - 1, 0),
                    )
                )
            seen[key] = index
    return out


def _sensor_heights(route: Route, ctx: FlightContext) -> list[Violation]:
    out = []
    for index, leg in enumerate(route.legs):
        for sensor_id in leg.sensors:
            sensor = ctx.sensors.get(sensor_id)
            if sensor is None:
                out.append(
                    Violation(
                        "sensor_known",
                        Citation("Art. IV ¶11"),
                        f"leg {index}: sensor {sensor_id!r} is not a certified "
                        "sensor of this aircraft",
                        leg=index,
                    )
                )
                continue
            if leg.hagl_m < sensor.certified_min_hagl_m:
                out.append(
                    Violation(
                        "sensor_height",
                        Citation("Art. VI §II ¶4(D); Art. IV ¶2"),
                        f"leg {index}: {sensor_id} at {leg.hagl_m:,.0f} m above ground, below its "
                        f"certified minimum of {sensor.certified_min_hagl_m:,.0f} m",
                        leg=index,
                        limit=sensor.certified_min_hagl_m,
                        actual=leg.hagl_m,
                    )
                )
    return out


def _period_and_range(route: Route, lengths: np.ndarray, ctx: FlightContext) -> list[Violation]:
    out = []
    stops = [i for i, w in enumerate(route.waypoints) if w.kind is FixKind.REFUELLING]
    hours = float(lengths.sum()) / ctx.aircraft.cruise_speed_kmh
    hours += len(stops) * ctx.refuelling_stop_h
    period = ctx.data.limit("observation_period")
    period_h = period.on(ctx.on)
    if ctx.eta is not None and ctx.start_at is not None:
        ends = ctx.start_at + timedelta(hours=hours)
        latest = ctx.eta + timedelta(hours=period_h)
        if ends > latest:
            out.append(
                Violation(
                    "flight_period",
                    period.citation_on(ctx.on),
                    f"the flight would end at {ends.isoformat()}, after the {period_h}-hour period "
                    f"that ends at {latest.isoformat()}",
                    limit=period_h,
                    actual=(ends - ctx.eta).total_seconds() / 3600,
                )
            )
    elif hours > period_h:
        out.append(
            Violation(
                "flight_period",
                period.citation_on(ctx.on),
                f"the flight takes {hours:,.1f} h at {ctx.aircraft.cruise_speed_kmh:,.0f} km/h, "
                f"more than the {period_h}-hour period",
                limit=period_h,
                actual=hours,
            )
        )
    if ctx.aircraft.range_km is not None:
        bounds = [0, *stops, len(route.waypoints) - 1]
        for a, b in itertools.pairwise(bounds):
            stretch = float(lengths[a:b].sum())
            if stretch > ctx.aircraft.range_km:
                out.append(
                    Violation(
                        "aircraft_range",
                        Citation("Art. VI §II ¶3"),
                        f"{stretch:,.0f} km from waypoint {a} to {b} without refuelling, "
                        "beyond the "
                        f"{ctx.aircraft.name}'s range of {ctx.aircraft.range_km:,.0f} km; plan a "
                        "refuelling stop",
                        leg=a,
                        limit=ctx.aircraft.range_km,
                        actual=stretch,
                    )
                )
    return out


def _hazards(points: np.ndarray, leg_of: np.ndarray, ctx: FlightContext) -> list[Violation]:
    out = []
    for hazard in ctx.hazards:
        inside = shapely.contains_xy(hazard.geometry, points[:, 0], points[:, 1])
        for leg in _legs_where(inside, leg_of):
            out.append(
                Violation(
                    "hazardous_airspace",
                    Citation("Art. VI §II ¶5"),
                    f"leg {leg} crosses hazardous airspace {hazard.name}: the observed Party "
                    "states "
                    "the hazard and makes the flight possible or proposes another altitude, route "
                    "or time",
                    leg=leg,
                    severity=Severity.NOTICE,
                )
            )
    return out
