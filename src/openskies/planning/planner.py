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

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely

from openskies.geo import GEOD
from openskies.planning.context import FlightContext, RegionRow
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
from openskies.planning.violations import Severity, Violation
from openskies.treaty import Citation

__all__ = ["FlightPlan", "plan_flight", "route_site_accounts", "site_accounts"]


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
    region: str | None = None
    cruise_speed_kmh: float = 500.0
    on: date | None = None


def _exclusions(
    sites: Sequence[Site], ctx: FlightContext, width_km: float, reach: bool = True
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
    detour = (out_m + back_m) / 1000 if reach else np.zeros(len(sites))
    row = ctx.region
    if row is not None and not row.extends:
        region = shapely.contains_xy(row.area, lon, lat)
    else:
        region = np.ones(len(sites), bool)
    keep, excluded = [], []
    for site, ok, close, trip, there in zip(sites, inside, near, detour, region, strict=True):
        if ok and not there and row is not None:
            excluded.append(
                (
                    site,
                    Violation(
                        f"region:{row.id}",
                        row.citation,
                        f"site {site.id} is not in {row.region}, the region of the row of "
                        f"Ann. A §III this flight uses",
                    ),
                )
            )
        elif not ok:
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
    groups: list[list[int]] = []
    for i in order:
        if not free[i]:
            continue
        near = np.flatnonzero(free & (xyz @ xyz[i] >= cos_radius))
        members = [i] + [int(m) for m in near if m != i]
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


def route_site_accounts(
    route: Route, footprints: Sequence[LegFootprint], sites: Sequence[Site], ctx: FlightContext
) -> list[SiteAccount]:
    """Every site's account for a given (edited) route: the planner's exclusions by rule
    (territory, border buffer, region; not reach: the route is what it is), then coverage."""
    keep, excluded = _exclusions(sites, ctx, 0.0, reach=False)
    return site_accounts(route, footprints, keep, excluded)


@dataclass
class _Nodes:
    """The solver's view: node 0 start, 1 end, then one node per group of sites."""

    points: npt.NDArray[np.float64]
    scores: npt.NDArray[np.float64]
    groups: list[list[int]]
    dist: npt.NDArray[np.float64]
    area: Any = None
    entries: dict[int, tuple[tuple[float, float], float]] = field(default_factory=dict)

    def free_transit(self) -> None:
        """A flight to a region away from its airfield transits there and back, sensors off:
        from the airfield to a node only the part inside the region counts, from the point
        where the geodesic enters it (the same on the way back, for a round trip)."""
        if self.area is None:
            return
        for node in range(2, len(self.points)):
            if node not in self.entries:
                self.entries[node] = _entry(self.points[0], self.points[node], self.area)
            self.dist[0, node] = self.dist[node, 0] = self.entries[node][1]
            self.dist[1, node] = self.dist[node, 1] = self.entries[node][1]

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
        self.free_transit()


def plan_flight(
    ctx: FlightContext,
    sites: Sequence[Site],
    time_limit_s: float = 2.0,
    leg: Leg | None = None,
    seed: int = 0,
    max_rounds: int = 12,
    *,
    clock: Callable[[], float],
) -> FlightPlan:
    """The most valuable valid route from the context's airfield over its sites, searched
    for ``time_limit_s`` seconds of ``clock`` (tests give a ticking clock: deterministic)."""
    started = clock()
    profile = leg or Leg(sensors=tuple(ctx.sensors))
    width = leg_footprint(profile, ctx.sensors, ctx.data, ctx.on).swath_half_width_km
    start, end = ctx.airfield.best_position, ctx.end_airfield.best_position
    assert start is not None and end is not None
    row = ctx.region
    # a flight over a region away from the airfield (Greenland, the Faroes): transit there and
    # back, sensors off; only the observation inside the region counts (Ann. A §III)
    remote = row is not None and not row.extends and not row.area.contains(shapely.Point(start))
    keep, excluded = _exclusions(sites, ctx, width, reach=not remote)
    if row is not None and row.extends and not any(_in_area(row, s) for s in keep):
        ctx = dataclasses.replace(ctx, budget_km=row.base_km or ctx.budget_km, region=None)
        row = None  # no site over the row's islands: the airfield's own distance applies
    groups = _groups(keep, width)
    points = np.array(
        [start, end] + [(keep[g[0]].lon, keep[g[0]].lat) for g in groups], dtype=np.float64
    )
    nodes = _Nodes(
        points,
        np.array([0.0, 0.0] + [sum(keep[m].value for m in g) for g in groups]),
        groups,
        _distance_matrix(points),
        row.area if remote and row is not None else None,
    )
    nodes.free_transit()
    round_trip = ctx.airfield.id == ctx.end_airfield.id
    forbidden = float(ctx.budget_km) * 10 + 1
    active = np.ones(len(points), bool)
    best: tuple[float, bool, Route, RouteCheck, list[SiteAccount]] | None = None
    deadline = started + time_limit_s
    rounds = 0
    for _ in range(max_rounds):
        rounds += 1
        budget_left = max(deadline - clock(), 0.1)
        route_nodes = _solve(
            nodes.dist,
            _with_bonus(np.where(active, nodes.scores, 0.0), nodes, keep, row),
            ctx.budget_km,
            round_trip,
            budget_left * (0.75 if rounds == 1 else 0.5),
            seed,
            clock,
        )
        solver_nodes = route_nodes

        def evaluate(
            order: list[int],
        ) -> tuple[Route, list[int], RouteCheck, list[SiteAccount], float]:
            route, kept = _route(
                order, nodes.points, nodes.groups, keep, profile, ctx, nodes.entries, nodes.area
            )
            route, kept = _transit_over_sea(route, kept, ctx)
            check = validate_route(route, ctx)
            footprints = leg_footprints(route, ctx.sensors, ctx.data, ctx.on)
            accounts = site_accounts(route, footprints, keep, excluded)
            value = sum(a.site.value for a in accounts if a.status is SiteStatus.OBSERVED)
            return route, kept, check, accounts, value

        route, route_nodes, check, accounts, value = evaluate(solver_nodes)
        if best is None or (check.valid, value) > (best[1], best[0]):
            best = (value, check.valid, route, check, accounts)
        if not check.valid and not best[1]:  # a valid fallback now: drop the fixes at fault
            order, found = solver_nodes, (route, route_nodes, check, accounts, value)
            for _ in range(8):
                shorter = _without_faulty_fixes(order, found[1], found[2])
                if shorter is None:
                    break
                order, found = shorter, evaluate(shorter)
                if found[2].valid:
                    best = (found[4], True, found[0], found[2], found[3])
                    break
        if check.valid and clock() > deadline:
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
        clock() - started,
        leg_footprints(route, ctx.sensors, ctx.data, ctx.on),
        tuple(accounts),
        rounds,
        ctx.region.id if ctx.region is not None else None,
        ctx.aircraft.cruise_speed_kmh,
        ctx.on,
    )


def _in_area(row: RegionRow, site: Site) -> bool:
    return bool(shapely.contains_xy(row.area, site.lon, site.lat))


def _with_bonus(
    scores: npt.NDArray[np.float64], nodes: _Nodes, keep: Sequence[Site], row: RegionRow | None
) -> npt.NDArray[np.float64]:
    """For a "with ..." row of Ann. A §III, the solver is told that the best node over the
    row's islands is worth more than all the rest, so the route observes over them."""
    if row is None or not row.extends:
        return scores
    inside = [
        n
        for n in range(2, len(scores))
        if scores[n] > 0 and _in_area(row, keep[nodes.groups[n - 2][0]])
    ]
    if not inside:
        return scores
    boosted = scores.copy()
    best = max(inside, key=lambda n: scores[n])
    boosted[best] += float(scores.sum()) + 1.0
    return boosted


def _without_faulty_fixes(order: list[int], kept: list[int], check: RouteCheck) -> list[int] | None:
    """The solver's node order without the fixes at either end of a leg that breaks a rule
    (a quick repair while the solver searches again); None when nothing can be dropped."""
    faulty = set()
    for v in check.violations:
        if v.severity is not Severity.VIOLATION or v.leg is None or v.leg + 1 >= len(kept):
            continue
        ends = [n for n in (kept[v.leg + 1], kept[v.leg]) if n >= 2]
        if ends:
            faulty.add(ends[0])
    if not faulty:
        return None
    return [n for n in order if n not in faulty]


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
    clock: Callable[[], float],
) -> list[int]:
    if round_trip:  # drop the duplicate end node: start == end
        index = [0, *list(range(2, len(scores)))]
        sub = OPInstance(budget, scores[index], dist[np.ix_(index, index)], start=0, end=0)
        solution = solve(sub, seconds, seed=seed, clock=clock)
        return [index[i] for i in solution.route]
    instance = OPInstance(budget, scores, dist, start=0, end=1)
    solution = solve(instance, seconds, seed=seed, clock=clock)
    return list(solution.route)


def _route(
    route_nodes: list[int],
    nodes: npt.NDArray[np.float64],
    groups: list[list[int]],
    keep: Sequence[Site],
    profile: Leg,
    ctx: FlightContext,
    entries: Mapping[int, tuple[tuple[float, float], float]] | None = None,
    area: Any = None,
) -> tuple[Route, list[int]]:
    """The route through the solver's nodes, and the node of each waypoint (-1 for a point
    where a transit leg enters or leaves a region); a fix where the last point already is
    (a site at the airfield) is dropped, so no leg has zero length."""
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
    legs = [profile for _ in waypoints[1:]]
    if entries and len(waypoints) >= 3:
        transit = dataclasses.replace(profile, sensors=(), transit=True)
        first, final = entries[kept[1]][0], entries[kept[-2]][0]
        name = ctx.region.region if ctx.region is not None else "region"
        waypoints[1:1] = [Waypoint(first[0], first[1], f"enter {name}")]
        waypoints[-1:-1] = [Waypoint(final[0], final[1], f"leave {name}")]
        kept = [kept[0], -1, *kept[1:-1], -1, kept[-1]]
        if len(waypoints) == 5 and area is not None:  # one fix: turn beyond it, not back on it
            turn = _turn_beyond(waypoints[1].point, waypoints[2].point, area)
            back = _entry(np.array(waypoints[0].point), np.array(turn), area)[0]
            waypoints[3:4] = [
                Waypoint(turn[0], turn[1], "turn"),
                Waypoint(back[0], back[1], f"leave {name}"),
            ]
            kept = [kept[0], -1, kept[2], -1, -1, kept[-1]]
        legs = [transit, *(profile for _ in waypoints[2:-1]), transit]
    route = Route(tuple(waypoints), tuple(legs), ctx.airfield.id, ctx.end_airfield.id)
    return route, kept


def _transit_over_sea(
    route: Route, route_nodes: list[int], ctx: FlightContext
) -> tuple[Route, list[int]]:
    """A leg between two fixes of the territory that crosses the high sea (to Shetland, to
    Crete) is flown with its sensors off over the sea: it is split where it leaves and
    re-enters the territory, the middle part a transit leg (Art. VII ¶3). A leg whose outside
    part lies in another State's territory is left as it is (that needs its agreement)."""
    waypoints, legs, kept = list(route.waypoints[:1]), [], list(route_nodes[:1])
    for index, leg in enumerate(route.legs):
        a, b = route.waypoints[index], route.waypoints[index + 1]
        for (out_lon, out_lat), (in_lon, in_lat) in (
            [] if leg.transit else _sea_crossings(a.point, b.point, ctx)
        ):
            waypoints += [
                Waypoint(out_lon, out_lat, "sea: sensors off"),
                Waypoint(in_lon, in_lat, "sea: sensors on"),
            ]
            legs += [leg, dataclasses.replace(leg, sensors=(), transit=True)]
            kept += [-1, -1]
        waypoints.append(b)
        legs.append(leg)
        kept.append(route_nodes[index + 1])
    if len(waypoints) == len(route.waypoints):
        return route, route_nodes
    return dataclasses.replace(route, waypoints=tuple(waypoints), legs=tuple(legs)), kept


def _sea_crossings(
    a: tuple[float, float], b: tuple[float, float], ctx: FlightContext
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Where the leg a→b leaves the territory and where it comes back, for each stretch
    outside it, when every such stretch lies over the sea (no other State's territory);
    sampled every 2 km. Empty when the leg stays inside or a stretch is not over the sea."""
    length = float(GEOD.inv(a[0], a[1], b[0], b[1])[2])
    inner = max(int(length // 2000), 0)
    if inner < 2:
        return []
    line = np.array([a, *GEOD.npts(a[0], a[1], b[0], b[1], inner), b])
    inside = shapely.contains_xy(ctx.territory, line[:, 0], line[:, 1])
    if inside.all() or not (inside[0] and inside[-1]):
        return []
    sea = line[~inside]
    lo, hi = sea.min(axis=0) - 0.5, sea.max(axis=0) + 0.5
    for code in ctx.territories.codes():
        if code in ctx.observed_states:
            continue
        x0, y0, x1, y1 = ctx.territories.land(code).bounds
        if x1 < lo[0] or x0 > hi[0] or y1 < lo[1] or y0 > hi[1]:
            continue
        if shapely.contains_xy(ctx.territories.territory(code), sea[:, 0], sea[:, 1]).any():
            return []
    change = np.flatnonzero(np.diff(inside.astype(np.int8)))
    exits, entries = change[inside[change]], change[~inside[change]] + 1
    return [
        ((float(line[x, 0]), float(line[x, 1])), (float(line[y, 0]), float(line[y, 1])))
        for x, y in zip(exits, entries, strict=True)
    ]


def _turn_beyond(
    came_from: tuple[float, float], fix: tuple[float, float], area: Any
) -> tuple[float, float]:
    """A point 5 km on from ``fix`` (ahead, else to the side) inside ``area``: where a flight
    to a single fix of a remote region turns, so that it does not fly back over its way in."""
    ahead = float(GEOD.inv(came_from[0], came_from[1], fix[0], fix[1])[0])
    for azimuth in (ahead, ahead + 90.0, ahead - 90.0):
        lon, lat, _ = GEOD.fwd(fix[0], fix[1], azimuth, 5_000.0)
        if shapely.contains_xy(area, lon, lat):
            return (float(lon), float(lat))
    lon, lat, _ = GEOD.fwd(fix[0], fix[1], ahead + 90.0, 5_000.0)
    return (float(lon), float(lat))


def _entry(
    airfield: npt.NDArray[np.float64], node: npt.NDArray[np.float64], area: Any
) -> tuple[tuple[float, float], float]:
    """Where the geodesic from the airfield to ``node`` enters ``area`` (to 2 km), and the
    distance from there to the node, km."""
    a, b = (float(airfield[0]), float(airfield[1])), (float(node[0]), float(node[1]))
    length = float(GEOD.inv(a[0], a[1], b[0], b[1])[2])
    inner = max(int(length // 2000), 0)
    line = np.array([a, *(GEOD.npts(a[0], a[1], b[0], b[1], inner) if inner else []), b])
    inside = np.flatnonzero(shapely.contains_xy(area, line[:, 0], line[:, 1]))
    at = line[inside[0]] if len(inside) else line[-1]
    point = (float(at[0]), float(at[1]))
    return point, float(GEOD.inv(point[0], point[1], b[0], b[1])[2]) / 1000


def _same(a: Waypoint, b: Waypoint) -> bool:
    return float(GEOD.inv(a.lon, a.lat, b.lon, b.lat)[2]) < MIN_LEG_M


def _forbid_bad_legs(
    check: RouteCheck, route_nodes: list[int], dist: npt.NDArray[np.float64], forbidden: float
) -> bool:
    changed = False
    for v in check.violations:
        bad = v.rule in ("within_territory", "non_party_border", "no_crossing")
        if (bad or v.rule.startswith("region:")) and v.leg is not None:
            a, b = route_nodes[v.leg], route_nodes[v.leg + 1]
            if min(a, b) >= 0 and dist[a, b] < forbidden:
                dist[a, b] = dist[b, a] = forbidden
                changed = True
    return changed


def _drop_sub_limit_group(
    check: RouteCheck,
    route_nodes: list[int],
    scores: npt.NDArray[np.float64],
    active: npt.NDArray[np.bool_],
) -> bool:
    broken = [
        v
        for v in check.violations
        if v.rule.startswith("sub_limit:")
        and v.leg is not None
        and v.severity is Severity.VIOLATION
    ]
    if not broken:
        return False
    legs = [v.leg for v in broken if v.leg is not None]
    in_region = {route_nodes[leg + 1] for leg in legs} | {route_nodes[leg] for leg in legs}
    in_region -= {-1, 0, 1}
    if not in_region:
        return False
    worst = min(in_region, key=lambda n: scores[n])
    active[worst] = False
    return True
