"""Plan an observation flight: the most valuable sites on a treaty-valid route.

1. Candidate sites outside the observed territory, or within the buffer of a non-party
   border, are set aside with the rule that excludes them.
2. Sites close enough to be seen together are grouped: a fix at a group's centre puts every
   member inside the swath, so the group is one node worth their summed value.
3. The orienteering solver picks and orders fixes within the maximum flight distance.
4. The route is checked against every rule. A leg that leaves the territory or enters a
   buffer is forbidden and the problem solved again ("lazy" constraints), as is a
   sub-limit broken by dropping that region's least valuable group.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from openskies.planning._geometry import GEOD
from openskies.planning.context import FlightContext
from openskies.planning.coverage import (
    Site,
    covered_sites,
    swath_half_width_km,
    unit_vectors,
)
from openskies.planning.optimiser import OPInstance, solve
from openskies.planning.route import FixKind, Leg, Route, Waypoint
from openskies.planning.validation import RouteCheck, validate_route
from openskies.planning.violations import Violation
from openskies.treaty import Citation

__all__ = ["FlightPlan", "plan_flight"]


@dataclass(frozen=True)
class FlightPlan:
    """A planned route, its check, the sites it observes and those set aside."""

    route: Route
    check: RouteCheck
    observed_sites: tuple[Site, ...]
    value: float
    excluded: tuple[tuple[Site, Violation], ...]
    candidates: int
    solve_seconds: float


def _exclusions(sites: Sequence[Site], ctx: FlightContext) -> tuple[list[Site], list]:
    lon = np.array([s.lon for s in sites])
    lat = np.array([s.lat for s in sites])
    inside = shapely.contains_xy(ctx.territory, lon, lat)
    zone = ctx.buffer_zone
    near = shapely.contains_xy(zone, lon, lat) if zone is not None else np.zeros(len(sites), bool)
    keep, excluded = [], []
    for site, ok, close in zip(sites, inside, near, strict=True):
        if not ok:
            excluded.append(
                (
                    site,
                    Violation(
                        "within_territory",
                        Citation("Art. I ¶1; Art. VI §II ¶2"),
                        f"site {site.id} is not on the territory of {ctx.observed.code}",
                    ),
                )
            )
        elif close:
            excluded.append(
                (
                    site,
                    Violation(
                        "non_party_border",
                        Citation("Art. VI §II ¶2"),
                        f"site {site.id} is within {ctx.buffer_km:g} km of the border of a "
                        "State that is not a Party",
                    ),
                )
            )
        else:
            keep.append(site)
    return keep, excluded


def _groups(sites: Sequence[Site], radius_km: float) -> list[list[int]]:
    """Greedy grouping: the most valuable free site takes every free site within radius."""
    if not sites:
        return []
    xyz = unit_vectors([s.lon for s in sites], [s.lat for s in sites])
    order = sorted(range(len(sites)), key=lambda i: (-sites[i].value, sites[i].id))
    free = np.ones(len(sites), bool)
    cos_radius = np.cos(radius_km / 6371.0088)
    groups = []
    for i in order:
        if not free[i]:
            continue
        members = np.flatnonzero(free & (xyz @ xyz[i] >= cos_radius))
        members = [i] + [int(m) for m in members if m != i]
        free[members] = False
        groups.append(members)
    return groups


def _distance_matrix(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    n = len(points)
    i, j = np.triu_indices(n, k=1)
    _, _, metres = GEOD.inv(points[i, 0], points[i, 1], points[j, 0], points[j, 1])
    dist = np.zeros((n, n))
    dist[i, j] = np.asarray(metres) / 1000
    dist[j, i] = dist[i, j]
    return dist


def plan_flight(
    ctx: FlightContext,
    sites: Sequence[Site],
    time_limit_s: float = 2.0,
    leg: Leg | None = None,
    seed: int = 0,
    max_rounds: int = 12,
) -> FlightPlan:
    """The most valuable valid route from the context's airfield over its sites."""
    started = time.perf_counter()
    profile = leg or Leg(sensors=tuple(ctx.sensors))
    width = max(
        (
            swath_half_width_km(s, profile.hagl_m, ctx.data, ctx.on)
            for s in ctx.sensors.values()
            if s.id in profile.sensors
        ),
        default=0.0,
    )
    keep, excluded = _exclusions(sites, ctx)
    groups = _groups(keep, width)
    start, end = ctx.airfield.best_position, ctx.end_airfield.best_position
    assert start is not None and end is not None
    nodes = np.array([start, end] + [(keep[g[0]].lon, keep[g[0]].lat) for g in groups])
    scores = np.array([0.0, 0.0] + [sum(keep[m].value for m in g) for g in groups])
    round_trip = ctx.airfield.id == ctx.end_airfield.id
    dist = _distance_matrix(nodes)
    forbidden = float(ctx.budget_km) * 10 + 1
    active = np.ones(len(nodes), bool)
    best: tuple[Route, RouteCheck] | None = None
    deadline = started + time_limit_s
    for _ in range(max_rounds):
        budget_left = max(deadline - time.perf_counter(), 0.05)
        route_nodes = _solve(
            dist, np.where(active, scores, 0.0), ctx.budget_km, round_trip, budget_left / 2, seed
        )
        route = _route(route_nodes, nodes, groups, keep, profile, ctx)
        check = validate_route(route, ctx)
        best = (route, check)
        if check.valid or time.perf_counter() > deadline:
            break
        progressed = _forbid_bad_legs(check, route_nodes, dist, forbidden)
        progressed |= _drop_sub_limit_group(check, route_nodes, scores, active)
        if not progressed:
            break
    assert best is not None
    route, check = best
    seen = covered_sites(route, keep, ctx.sensors, ctx.data, ctx.on)
    return FlightPlan(
        route,
        check,
        tuple(seen),
        float(sum(s.value for s in seen)),
        tuple(excluded),
        len(keep),
        time.perf_counter() - started,
    )


def _solve(
    dist: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
    budget: float,
    round_trip: bool,
    seconds: float,
    seed: int,
) -> list[int]:
    if round_trip:  # drop the duplicate end node: start == end
        index = [0, *list(range(2, len(scores)))]
        sub = OPInstance(budget, scores[index], dist[np.ix_(index, index)], start=0, end=0)
        solution = solve(sub, seconds, seed=seed)
        return [index[i] for i in solution.route]
    solution = solve(OPInstance(budget, scores, dist, start=0, end=1), seconds, seed=seed)
    return list(solution.route)


def _route(
    route_nodes: list[int],
    nodes: npt.NDArray[np.float64],
    groups: list[list[int]],
    keep: Sequence[Site],
    profile: Leg,
    ctx: FlightContext,
) -> Route:
    waypoints = []
    for position, node in enumerate(route_nodes):
        lon, lat = float(nodes[node, 0]), float(nodes[node, 1])
        if position in (0, len(route_nodes) - 1):
            site = ctx.airfield if position == 0 else ctx.end_airfield
            waypoints.append(Waypoint(lon, lat, site.name, FixKind.AIRFIELD, site_id=site.id))
        else:
            centre = keep[groups[node - 2][0]]
            waypoints.append(Waypoint(lon, lat, centre.id, FixKind.FIX, site_id=centre.id))
    return Route(
        tuple(waypoints),
        tuple(profile for _ in waypoints[1:]),
        ctx.airfield.id,
        ctx.end_airfield.id,
    )


def _forbid_bad_legs(
    check: RouteCheck, route_nodes: list[int], dist: npt.NDArray[np.float64], forbidden: float
) -> bool:
    changed = False
    for v in check.violations:
        if v.rule in ("within_territory", "non_party_border", "no_crossing") and v.leg is not None:
            a, b = route_nodes[v.leg], route_nodes[v.leg + 1]
            if dist[a, b] < forbidden:
                dist[a, b] = dist[b, a] = forbidden
                changed = True
    return changed


def _drop_sub_limit_group(
    check: RouteCheck,
    route_nodes: list[int],
    scores: npt.NDArray[np.float64],
    active: npt.NDArray[np.bool_],
) -> bool:
    broken = [v for v in check.violations if v.rule.startswith("sub_limit:") and v.leg is not None]
    if not broken:
        return False
    in_region = {route_nodes[v.leg + 1] for v in broken} | {route_nodes[v.leg] for v in broken}
    in_region -= {0, 1}
    if not in_region:
        return False
    worst = min(in_region, key=lambda n: scores[n])
    active[worst] = False
    return True
