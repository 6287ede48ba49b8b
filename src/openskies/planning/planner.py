"""Plan an observation flight: the most valuable sites on a treaty-valid route.

1. Candidate sites outside the observed territory, within the buffer of a non-party
   border, or too far to reach within the maximum flight distance are set aside with the
   rule that excludes them.
2. Sites close enough to be seen together are grouped: a fix at a group's centre usually puts
   every member inside the swath, so the group is one node worth their summed value.
3. The orienteering solver picks and orders fixes within the maximum flight distance.
4. The route is checked against every rule. A leg that leaves the territory or enters a
   buffer is forbidden and the problem solved again ("lazy" constraints), as is a
   sub-limit broken by dropping that region's least valuable group.
5. What the route observes is measured (``coverage``: the ellipsoid, each leg's swath).
   A member of a visited group that no swath holds (beyond a turn, say) leaves its group
   and becomes a node of its own, and the problem is solved again, so the solver is never
   told it collected a site that the route does not observe.
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
    MIN_LEG_M,
    LegFootprint,
    Site,
    SiteAccount,
    SiteStatus,
    leg_footprint,
    leg_footprints,
    observing_legs,
    unit_vectors,
)
from openskies.planning.optimiser import OPInstance, solve
from openskies.planning.route import FixKind, Leg, Route, Waypoint
from openskies.planning.validation import RouteCheck, validate_route
from openskies.planning.violations import Violation
from openskies.treaty import Citation

__all__ = ["FlightPlan", "plan_flight", "site_accounts"]


@dataclass(frozen=True)
class FlightPlan:
    """A planned route, its check, each leg's footprint and every candidate site's account."""

    route: Route
    check: RouteCheck
    observed_sites: tuple[Site, ...]
    value: float
    excluded: tuple[tuple[Site, Violation], ...]
    candidates: int
    solve_seconds: float
    footprints: tuple[LegFootprint, ...] = ()
    accounts: tuple[SiteAccount, ...] = ()
    rounds: int = 1


def _exclusions(
    sites: Sequence[Site], ctx: FlightContext, width_km: float
) -> tuple[list[Site], list[tuple[Site, Violation]]]:
    """Sites that no valid route can observe, each with the rule; the others are kept."""
    if not sites:
        return [], []
    lon = np.array([s.lon for s in sites])
    lat = np.array([s.lat for s in sites])
    inside = shapely.contains_xy(ctx.territory, lon, lat)
    zone = ctx.buffer_zone
    near = shapely.contains_xy(zone, lon, lat) if zone is not None else np.zeros(len(sites), bool)
    start, end = ctx.airfield.best_position, ctx.end_airfield.best_position
    assert start is not None and end is not None
    out_m = np.asarray(
        GEOD.inv(np.full_like(lon, start[0]), np.full_like(lat, start[1]), lon, lat)[2]
    )
    back_m = np.asarray(GEOD.inv(lon, lat, np.full_like(lon, end[0]), np.full_like(lat, end[1]))[2])
    detour = (out_m + back_m) / 1000
    keep, excluded = [], []
    for site, ok, close, trip in zip(sites, inside, near, detour, strict=True):
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
        elif trip - 2 * width_km > ctx.budget_km:
            excluded.append(
                (
                    site,
                    Violation(
                        "unreachable",
                        Citation("Art. VI §II ¶4(A); Ann. A §III"),
                        f"site {site.id}: out and back is {trip:,.0f} km, more than the maximum "
                        f"flight distance of {ctx.budget_km:,.0f} km from {ctx.airfield.name}",
                        limit=ctx.budget_km,
                        actual=float(trip),
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


def site_accounts(
    route: Route,
    footprints: Sequence[LegFootprint],
    candidates: Sequence[Site],
    excluded: Sequence[tuple[Site, Violation]],
) -> list[SiteAccount]:
    """Every site: observed (by the first leg whose swath holds it), not covered, or excluded.

    A site set aside for the border buffer or the distance that a leg happens to observe all
    the same is reported observed; a site outside the territory never is (Art. I ¶1).
    """
    inside = list(candidates) + [s for s, v in excluded if v.rule != "within_territory"]
    found = observing_legs(route, inside, footprints)
    seen = {site.id: hit for site, hit in zip(inside, found, strict=True) if hit is not None}
    out = []
    for site in candidates:
        hit = seen.get(site.id)
        if hit is None:
            out.append(
                SiteAccount(
                    site,
                    SiteStatus.NOT_COVERED,
                    reason="no leg flown with a sensor on passes within its swath",
                )
            )
        else:
            out.append(SiteAccount(site, SiteStatus.OBSERVED, hit[0], hit[1]))
    for site, why in excluded:
        hit = seen.get(site.id)
        if hit is not None:
            out.append(SiteAccount(site, SiteStatus.OBSERVED, hit[0], hit[1]))
        else:
            out.append(
                SiteAccount(
                    site,
                    SiteStatus.EXCLUDED,
                    rule=why.rule,
                    citation=why.citation.text,
                    reason=why.message,
                )
            )
    return out


@dataclass
class _Nodes:
    """The solver's view: node 0 start, 1 end, then one node per group of sites."""

    points: npt.NDArray[np.float64]
    scores: npt.NDArray[np.float64]
    groups: list[list[int]]
    dist: npt.NDArray[np.float64]

    def split(self, node: int, members: list[int], keep: Sequence[Site]) -> None:
        """Members ``members`` leave group ``node`` and become nodes of their own."""
        group = self.groups[node - 2]
        self.groups[node - 2] = [m for m in group if m not in members]
        self.scores[node] -= sum(keep[m].value for m in members)
        new = np.array([(keep[m].lon, keep[m].lat) for m in members], dtype=np.float64)
        n, k = len(self.points), len(new)
        dist = np.zeros((n + k, n + k))
        dist[:n, :n] = self.dist
        a = np.repeat(np.arange(n + k)[:, None], k, axis=1).ravel()
        b = np.tile(np.arange(n, n + k), n + k)
        every = np.vstack([self.points, new])
        metres = GEOD.inv(every[a, 0], every[a, 1], every[b, 0], every[b, 1])[2]
        dist[a, b] = np.asarray(metres) / 1000
        dist[b, a] = dist[a, b]
        self.points, self.dist = every, dist
        self.scores = np.concatenate([self.scores, [keep[m].value for m in members]])
        self.groups += [[m] for m in members]


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
    width = leg_footprint(profile, ctx.sensors, ctx.data, ctx.on).swath_half_width_km
    keep, excluded = _exclusions(sites, ctx, width)
    groups = _groups(keep, width)
    start, end = ctx.airfield.best_position, ctx.end_airfield.best_position
    assert start is not None and end is not None
    points = np.array(
        [start, end] + [(keep[g[0]].lon, keep[g[0]].lat) for g in groups], dtype=np.float64
    )
    nodes = _Nodes(
        points,
        np.array([0.0, 0.0] + [sum(keep[m].value for m in g) for g in groups]),
        groups,
        _distance_matrix(points),
    )
    round_trip = ctx.airfield.id == ctx.end_airfield.id
    forbidden = float(ctx.budget_km) * 10 + 1
    active = np.ones(len(points), bool)
    best: tuple[float, bool, Route, RouteCheck, list[SiteAccount]] | None = None
    deadline = started + time_limit_s
    rounds = 0
    for _ in range(max_rounds):
        rounds += 1
        budget_left = max(deadline - time.perf_counter(), 0.1)
        route_nodes = _solve(
            nodes.dist,
            np.where(active, nodes.scores, 0.0),
            ctx.budget_km,
            round_trip,
            budget_left * (0.75 if rounds == 1 else 0.5),
            seed,
        )
        route, route_nodes = _route(route_nodes, nodes.points, nodes.groups, keep, profile, ctx)
        check = validate_route(route, ctx)
        footprints = leg_footprints(route, ctx.sensors, ctx.data, ctx.on)
        accounts = site_accounts(route, footprints, keep, excluded)
        value = sum(a.site.value for a in accounts if a.status is SiteStatus.OBSERVED)
        if best is None or (check.valid, value) > (best[1], best[0]):
            best = (value, check.valid, route, check, accounts)
        if check.valid and time.perf_counter() > deadline:
            break  # an invalid route is repaired past the deadline, up to max_rounds
        if check.valid:
            progressed = _split_unseen(route_nodes, accounts, nodes, keep)
            active = np.concatenate([active, np.ones(len(nodes.scores) - len(active), bool)])
        else:
            progressed = _forbid_bad_legs(check, route_nodes, nodes.dist, forbidden)
            progressed |= _drop_sub_limit_group(check, route_nodes, nodes.scores, active)
        if not progressed:
            break
    assert best is not None
    value, _, route, check, accounts = best
    observed = tuple(a.site for a in accounts if a.status is SiteStatus.OBSERVED)
    return FlightPlan(
        route,
        check,
        observed,
        float(value),
        tuple(excluded),
        len(keep),
        time.perf_counter() - started,
        leg_footprints(route, ctx.sensors, ctx.data, ctx.on),
        tuple(accounts),
        rounds,
    )


def _split_unseen(
    route_nodes: list[int], accounts: Sequence[SiteAccount], nodes: _Nodes, keep: Sequence[Site]
) -> bool:
    """Members of visited groups that the route does not observe become nodes of their own."""
    seen = {a.site.id for a in accounts if a.status is SiteStatus.OBSERVED}
    changed = False
    for node in route_nodes:
        if node < 2:
            continue
        unseen = [m for m in nodes.groups[node - 2] if keep[m].id not in seen]
        if unseen and len(unseen) < len(nodes.groups[node - 2]):
            nodes.split(node, unseen, keep)
            changed = True
    return changed


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
) -> tuple[Route, list[int]]:
    """The route through the solver's nodes, and the node of each waypoint; a fix where the
    last point already is (a site at the airfield) is dropped, so no leg has zero length."""
    waypoints: list[Waypoint] = []
    kept: list[int] = []
    last = len(route_nodes) - 1
    for position, node in enumerate(route_nodes):
        lon, lat = float(nodes[node, 0]), float(nodes[node, 1])
        if position in (0, last):
            site = ctx.airfield if position == 0 else ctx.end_airfield
            point = Waypoint(lon, lat, site.name, FixKind.AIRFIELD, site_id=site.id)
        else:
            centre = keep[groups[node - 2][0]]
            point = Waypoint(lon, lat, centre.id, FixKind.FIX, site_id=centre.id)
        if waypoints and position != last and _same(waypoints[-1], point):
            continue
        if waypoints and position == last and _same(waypoints[-1], point) and len(waypoints) > 1:
            waypoints[-1], kept[-1] = point, node
            continue
        waypoints.append(point)
        kept.append(node)
    route = Route(
        tuple(waypoints),
        tuple(profile for _ in waypoints[1:]),
        ctx.airfield.id,
        ctx.end_airfield.id,
    )
    return route, kept


def _same(a: Waypoint, b: Waypoint) -> bool:
    return float(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]) < MIN_LEG_M


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
