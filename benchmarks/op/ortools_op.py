"""Baseline: the orienteering problem as an OR-Tools routing model (benchmarks only).

One vehicle from ``start`` to ``end``; a "Distance" dimension whose capacity is the
budget; one disjunction per target with a drop penalty proportional to its score
(score x (scaled budget + 1), so that any score outweighs any distance and the
objective is: most score, then shortest); PATH_CHEAPEST_ARC then GUIDED_LOCAL_SEARCH
under the same wall-clock limit as our solver (routing search is single-threaded).

OR-Tools needs integer arc costs: distances are scaled so that the budget is about
10^6 units and rounded to the nearest integer. The route it returns is re-measured
with the real distances; if rounding made it overrun the budget, points are dropped
(lowest score per saved length first) until it fits, so the reported route is always
feasible.

OR-Tools docs: https://developers.google.com/optimization/routing/penalties and
https://developers.google.com/optimization/routing/dimensions
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from openskies.planning.optimiser import OPInstance

__all__ = ["ORToolsResult", "solve_with_ortools"]

_UNITS_PER_BUDGET = 1_000_000


@dataclass(frozen=True)
class ORToolsResult:
    """Route (point indices), its real score and length, wall time, repair count."""

    route: tuple[int, ...]
    score: float
    length: float
    elapsed_s: float
    dropped_by_repair: int


def _repair(instance: OPInstance, route: list[int]) -> tuple[list[int], int]:
    d = instance.matrix()
    dropped = 0
    while instance.route_length(route) > instance.budget_limit and len(route) > 2:
        best, best_ratio = 1, math.inf
        for pos in range(1, len(route) - 1):
            prv, node, nxt = route[pos - 1], route[pos], route[pos + 1]
            saved = d[prv, node] + d[node, nxt] - d[prv, nxt]
            ratio = instance.scores[node] / max(saved, 1e-300)
            if ratio < best_ratio:
                best, best_ratio = pos, ratio
        del route[best]
        dropped += 1
    return route, dropped


def solve_with_ortools(
    instance: OPInstance, time_limit_s: float, clock: Callable[[], float] = time.perf_counter
) -> ORToolsResult:
    """Solve with OR-Tools routing (GLS) within ``time_limit_s`` seconds of ``clock``.

    With another clock than wall time (``time.process_time``), a custom search limit
    checks it; the wall-clock limit is then only a safety net (10x the time).
    """
    t0 = clock()
    n = instance.n_points
    budget = instance.budget
    scale = _UNITS_PER_BUDGET / budget if budget > 0 else 1.0
    cost = np.rint(instance.matrix() * scale).astype(np.int64)
    capacity = math.floor(budget * scale + 0.5)
    scores = instance.scores
    integral = bool(np.all(scores == np.round(scores)))
    score_units = scores if integral else np.round(scores * 1000.0)
    weight = capacity + 1

    manager = pywrapcp.RoutingIndexManager(n, 1, [instance.start], [instance.end])
    routing = pywrapcp.RoutingModel(manager)
    rows = cost.tolist()

    def transit(from_index: int, to_index: int) -> int:
        return rows[manager.IndexToNode(from_index)][manager.IndexToNode(to_index)]

    callback = routing.RegisterTransitCallback(transit)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    routing.AddDimension(callback, 0, capacity, True, "Distance")
    for node in range(n):
        if node in (instance.start, instance.end):
            continue
        penalty = int(score_units[node]) * weight
        routing.AddDisjunction([manager.NodeToIndex(node)], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    remaining = max(0.01, time_limit_s - (clock() - t0))
    if clock is time.perf_counter:
        params.time_limit.FromMilliseconds(int(remaining * 1000))
    else:
        params.time_limit.FromMilliseconds(int(remaining * 10_000))
        deadline = clock() + remaining
        routing.AddSearchMonitor(routing.solver().CustomLimit(lambda: clock() >= deadline))
    solution = routing.SolveWithParameters(params)

    route = [instance.start, instance.end]
    if solution is not None:
        index = routing.Start(0)
        route = []
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        route.append(manager.IndexToNode(index))
    route, dropped = _repair(instance, route)
    return ORToolsResult(
        route=tuple(route),
        score=instance.route_score(route),
        length=instance.route_length(route),
        elapsed_s=clock() - t0,
        dropped_by_repair=dropped,
    )
