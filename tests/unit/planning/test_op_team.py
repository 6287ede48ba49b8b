"""Team orienteering and the long-route paths of the OP solver: feasibility, counting once,
never below the sequential plan, never "almost nothing" on large instances.

No wall clock: every search here runs on a counting clock (each reading advances it by a
fixed step), so it stops after the same amount of work on any machine.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from tests.conftest import STOPPED

from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance, ascend, solve, solve_team


def counting_clock(step: float = 1e-4):
    ticks = itertools.count()
    return lambda: next(ticks) * step


def uniform(n: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    scores = rng.integers(1, 10, n).astype(float)
    scores[0] = 0.0
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return xy, scores, dist


def nearest_neighbour_score(inst: OPInstance) -> float:
    """Independent lower bound: go to the nearest unvisited point while the way home fits."""
    d, here, used, score, seen = inst.dist, inst.start, 0.0, 0.0, {inst.start}
    while True:
        order = [int(p) for p in np.argsort(d[here]) if int(p) not in seen]
        step = next((p for p in order if used + d[here, p] + d[p, inst.end] <= inst.budget), None)
        if step is None:
            return score
        used += d[here, step]
        score += inst.scores[step]
        seen.add(step)
        here = step


def test_team_routes_each_fit_their_budget_and_count_a_point_once() -> None:
    _, scores, dist = uniform(150)
    vehicles = [(0, 0, 120.0), (1, 1, 90.0), (0, 0, 60.0)]
    team = solve_team(dist, scores, vehicles, 0.05, clock=counting_clock())
    seen: set[int] = set()
    for route, (start, end, budget) in zip(team.routes, vehicles, strict=True):
        OPInstance(budget, scores, dist, start=start, end=end).check_route(list(route))
        seen |= set(route)
    assert team.score == pytest.approx(math.fsum(scores[p] for p in seen))


def test_team_score_is_never_below_the_sequential_plan() -> None:
    _, scores, dist = uniform(120, seed=5)
    vehicles = [(0, 0, 100.0), (0, 0, 100.0)]
    team = solve_team(dist, scores, vehicles, 0.05, clock=counting_clock())
    assert team.score >= team.sequential_score
    alone = solve_team(dist, scores, vehicles, 0.05, max_rounds=0, clock=counting_clock())
    assert alone.score == alone.sequential_score


def test_ascend_finds_the_order_in_which_both_routes_collect() -> None:
    # Route 0 may take {a} or {b}; route 1 only {a}. Sequentially route 0 takes a (first
    # choice) and route 1 gets nothing; planned in the other order, both get a point.
    def plan(k: int, taken: frozenset, seconds: float) -> tuple[str, frozenset]:
        options = ["a", "b"] if k == 0 else ["a"]
        free = [o for o in options if o not in taken]
        return (free[0], frozenset(free[:1])) if free else ("-", frozenset())

    result = ascend(2, plan, lambda keys: float(len(keys)), 10.0, clock=counting_clock())
    assert result.sequential_value == 1.0
    assert result.value == 2.0 and result.routes == ("b", "a")


def test_ascend_needs_a_flight() -> None:
    with pytest.raises(InputError, match="at least one flight"):
        ascend(0, lambda k, t, s: (None, frozenset()), lambda keys: 0.0, 1.0, clock=STOPPED)


def test_large_instance_first_route_is_feasible_and_beats_nearest_neighbour() -> None:
    _, scores, dist = uniform(1200, seed=7)
    inst = OPInstance(250.0, scores, dist, start=0, end=0)
    first = solve(inst, 1e6, max_iterations=0, clock=STOPPED)  # construction and local search only
    inst.check_route(first.route)
    assert first.score >= nearest_neighbour_score(inst)
    more = solve(inst, 1e6, max_iterations=3, clock=STOPPED)
    inst.check_route(more.route)
    assert more.score >= first.score


def test_from_coordinates_by_blocks_matches_the_full_computation() -> None:
    xy, scores, dist = uniform(40)
    inst = OPInstance.from_coordinates(xy, scores, 100.0, start=0, end=1)
    assert np.allclose(inst.dist, dist)
    assert not inst.dist.flags.writeable
