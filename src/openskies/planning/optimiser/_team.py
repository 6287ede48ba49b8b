"""Team orienteering: several routes, each within its own budget, each point counted once.

Solved route by route (the decomposition of Chao, Golden & Wasil 1996 and of the
"route-by-route" heuristics surveyed by Vansteenwegen et al. 2011):

1. *Sequential pass*: route 1 is solved alone, route 2 without the points route 1
   collects, and so on; this is the plan one gets flight after flight.
2. *Other orders*: the same in reverse order and in rotated orders (which route
   goes first matters: the first takes the best points near its airfield).
3. *Ascent*: each route of the best pass is solved again with the points of all the
   *other* routes taken away, and kept if the team's score grows (block-coordinate
   ascent). The score never falls below the sequential pass.

The ascent is generic (``ascend``): the flight planner uses it with a whole treaty-valid
flight plan per route, ``solve_team`` with the orienteering solver on one distance matrix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from openskies.errors import InputError
from openskies.planning.optimiser._instance import OPInstance
from openskies.planning.optimiser._solve import solve

__all__ = ["Ascent", "TeamSolution", "ascend", "solve_team"]

R = TypeVar("R")
Key = Hashable


@dataclass(frozen=True)
class Ascent(Generic[R]):
    """Routes of a team, their joint value, and the value of the sequential pass alone."""

    routes: tuple[R, ...]
    value: float
    sequential_value: float
    rounds: int


def _orders(count: int, most: int) -> list[tuple[int, ...]]:
    """The given order first, then its reverse and its rotations (distinct), at most ``most``."""
    given = tuple(range(count))
    found = [given]
    for order in [given[::-1], *(given[r:] + given[:r] for r in range(1, count))]:
        if order not in found:
            found.append(order)
    return found[: max(1, most)]


def ascend(
    count: int,
    plan: Callable[[int, frozenset[Key], float], tuple[R, frozenset[Key]]],
    value: Callable[[frozenset[Key]], float],
    time_limit_s: float,
    *,
    max_rounds: int = 2,
    clock: Callable[[], float],
) -> Ascent[R]:
    """Sequential passes in several orders, then block-coordinate ascent, over ``count`` routes.

    ``plan(k, taken, seconds)`` gives route ``k`` planned without the points ``taken``
    (observed by the other routes), and the points it observes; ``value`` scores a set of
    points (each counted once). The given order is planned first, with half the time
    (the sequential plan); in the other half, the flights one after another in up to
    ``max_rounds - 1`` other orders (reverse, rotations), then one round re-planning each
    route of the best pass without the points of all the others, kept when the value
    grows. ``max_rounds=0``: the sequential pass alone, with all the time.
    """
    if count < 1:
        raise InputError("a campaign needs at least one flight")
    deadline = clock() + time_limit_s
    orders = _orders(count, max_rounds) if max_rounds > 0 else [tuple(range(count))]
    passes = len(orders) + (1 if max_rounds > 0 and count > 1 else 0)

    def sequential(order: tuple[int, ...], share: float) -> tuple[list[R], list[frozenset[Key]]]:
        routes: dict[int, R] = {}
        seen: dict[int, frozenset[Key]] = {}
        for k in order:
            taken = frozenset().union(*seen.values())
            routes[k], keys = plan(k, taken, share)
            seen[k] = keys - taken
        return [routes[k] for k in range(count)], [seen[k] for k in range(count)]

    # The sequential pass gets half the time (all of it alone); the other passes share the rest.
    first_share = time_limit_s / count if passes == 1 else time_limit_s / (2 * count)
    share = max(time_limit_s / (2 * count * max(passes - 1, 1)), 1e-3)
    routes, seen = sequential(orders[0], max(first_share, 1e-3))
    first = best = value(frozenset().union(*seen))
    rounds = 0
    for order in orders[1:]:
        if clock() >= deadline:
            break
        rounds += 1
        other_routes, other_seen = sequential(order, share)
        total = value(frozenset().union(*other_seen))
        if total > best + 1e-9 * max(1.0, abs(best)):
            routes, seen, best = other_routes, other_seen, total
    if passes > len(orders) and clock() < deadline:
        rounds += 1
        for k in range(count):
            left = deadline - clock()
            if left <= 0:
                break
            others = frozenset().union(*(seen[j] for j in range(count) if j != k))
            route, keys = plan(k, others, max(left / (count - k), 1e-3))
            total = value(others | keys)
            if total > best + 1e-9 * max(1.0, abs(best)):
                routes[k], seen[k], best = route, keys - others, total
    return Ascent(tuple(routes), best, first, rounds)


@dataclass(frozen=True)
class TeamSolution:
    """One route per vehicle (point indices), the team's score and its sequential score."""

    routes: tuple[tuple[int, ...], ...]
    score: float
    sequential_score: float
    rounds: int


def solve_team(
    dist: npt.ArrayLike,
    scores: npt.ArrayLike,
    vehicles: Sequence[tuple[int, int, float]],
    time_limit_s: float,
    *,
    seed: int = 0,
    max_rounds: int = 2,
    clock: Callable[[], float],
) -> TeamSolution:
    """Team orienteering on one distance matrix: a route per ``(start, end, budget)``.

    Each route is feasible on its own (its length within its budget); a point collected by
    several routes counts once; terminals count as points of their route.
    """
    d = np.array(dist, dtype=np.float64, copy=True)
    d.flags.writeable = False  # one read-only matrix, shared by every route's instance
    s = np.asarray(scores, dtype=np.float64)
    base = [OPInstance(b, s, d, start=a, end=e) for a, e, b in vehicles]  # validates once each

    def plan(
        k: int, taken: frozenset[Key], seconds: float
    ) -> tuple[tuple[int, ...], frozenset[Key]]:
        masked = s.copy()
        if taken:
            masked[np.fromiter(taken, dtype=np.intp)] = 0.0
        inst = OPInstance(
            base[k].budget, masked, base[k].dist, start=base[k].start, end=base[k].end
        )
        route = solve(inst, seconds, seed=seed + k, clock=clock).route
        return route, frozenset(route)

    def value(keys: frozenset[Key]) -> float:
        return math.fsum(float(s[int(p)]) for p in keys)  # type: ignore[call-overload]

    result = ascend(len(vehicles), plan, value, time_limit_s, max_rounds=max_rounds, clock=clock)
    return TeamSolution(result.routes, result.value, result.sequential_value, result.rounds)
