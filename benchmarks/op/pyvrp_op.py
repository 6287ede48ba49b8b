"""Peer: the orienteering problem (one or several vehicles) as a PyVRP model (benchmarks only).

PyVRP (Wouters et al. 2024, hybrid genetic search after Vidal 2022) solves
prize-collecting VRPs: every target is an optional client whose prize is its score,
each vehicle has its own start and end depot and a hard ``max_distance`` (the budget).
The objective is distance minus collected prizes, so prizes are scaled to outweigh any
route length (score x (sum of budgets + 1)): most score first, then shortest.

Distances must be integers: they are scaled so that the largest budget is about 10^6
units (OPLib's integer TSPLIB distances are kept as they are when the budget is below
that), rounded to the nearest integer. Routes are re-measured with the real distances
and repaired (lowest score per saved length dropped first) if rounding made one overrun
its budget, so the reported routes are always feasible.

The search stops on a clock given by the caller: ``time.process_time`` for equal CPU
time, ``time.perf_counter`` for equal wall time.

PyVRP: https://pyvrp.org (Wouters, Kool, Lan, Vidal, Niels, Dijkman, Sadeghi, Berghman;
INFORMS J. Computing 2024).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyvrp

from openskies.planning.optimiser import OPInstance

__all__ = ["PyVRPTeamResult", "solve_team_with_pyvrp", "solve_with_pyvrp"]

_UNITS_PER_BUDGET = 1_000_000


@dataclass(frozen=True)
class PyVRPTeamResult:
    """One route per vehicle (point indices, terminals included), CPU/wall time, repairs."""

    routes: tuple[tuple[int, ...], ...]
    elapsed_s: float
    dropped_by_repair: int
    feasible_as_returned: bool


class _Deadline:
    """PyVRP stopping criterion: stop once ``clock()`` passes the deadline."""

    def __init__(self, clock: Callable[[], float], seconds: float):
        self.clock = clock
        self.deadline = clock() + seconds

    def __call__(self, best_cost: float) -> bool:
        return self.clock() >= self.deadline


def _repair(
    dist: npt.NDArray[np.float64], scores: npt.NDArray[np.float64], route: list[int], limit: float
) -> tuple[list[int], int]:
    dropped = 0

    def length(r: list[int]) -> float:
        return math.fsum(dist[r[:-1], r[1:]].tolist())

    while length(route) > limit and len(route) > 2:
        gains = [
            dist[route[p - 1], route[p]]
            + dist[route[p], route[p + 1]]
            - dist[route[p - 1], route[p + 1]]
            for p in range(1, len(route) - 1)
        ]
        ratios = [
            scores[route[p]] / max(g, 1e-300)
            for p, g in zip(range(1, len(route) - 1), gains, strict=True)
        ]
        del route[1 + int(np.argmin(ratios))]
        dropped += 1
    return route, dropped


def solve_team_with_pyvrp(
    dist: npt.NDArray[np.float64],
    scores: npt.NDArray[np.float64],
    vehicles: Sequence[tuple[int, int, float]],
    time_limit_s: float,
    *,
    seed: int = 0,
    clock: Callable[[], float] = time.perf_counter,
) -> PyVRPTeamResult:
    """Team orienteering: one route per ``(start, end, budget)``, each point counted once."""
    t0 = clock()
    n = dist.shape[0]
    terminals = sorted({v[0] for v in vehicles} | {v[1] for v in vehicles})
    depot_of = {p: k for k, p in enumerate(terminals)}
    biggest = max(v[2] for v in vehicles)
    integral = bool(np.all(dist == np.round(dist)))
    scale = 1.0 if integral and biggest <= _UNITS_PER_BUDGET * 10 else _UNITS_PER_BUDGET / biggest
    units = np.rint(dist * scale).astype(np.int64)
    caps = [math.floor(v[2] * scale + 1e-9) for v in vehicles]
    integral_scores = bool(np.all(scores == np.round(scores)))
    score_units = np.rint(scores if integral_scores else scores * 1000.0).astype(np.int64)
    weight = sum(caps) + 1
    clients = [p for p in range(n) if p not in depot_of]
    order = terminals + clients  # PyVRP locations: depots first, then clients
    locations = [pyvrp.Location(0, 0) for _ in order]
    matrix = units[np.ix_(order, order)]
    data = pyvrp.ProblemData(
        locations=locations,
        clients=[
            pyvrp.Client(
                location=len(terminals) + k, prize=int(score_units[p]) * weight, required=False
            )
            for k, p in enumerate(clients)
        ],
        depots=[pyvrp.Depot(location=k) for k in range(len(terminals))],
        vehicle_types=[
            pyvrp.VehicleType(1, start_depot=depot_of[s], end_depot=depot_of[e], max_distance=cap)
            for (s, e, _), cap in zip(vehicles, caps, strict=True)
        ],
        distance_matrices=[matrix],
        duration_matrices=[np.zeros_like(matrix)],
    )
    remaining = max(0.01, time_limit_s - (clock() - t0))
    result = pyvrp.solve(data, _Deadline(clock, remaining), seed=seed, display=False)
    routes: list[list[int]] = [[s, e] for s, e, _ in vehicles]
    for route in result.best.routes():
        k = route.vehicle_type()
        s, e, _ = vehicles[k]
        visits = [clients[a.idx] for a in route if a.is_client()]
        routes[k] = [s, *visits, e]
    dropped = 0
    for k, (_, _, budget) in enumerate(vehicles):
        routes[k], d = _repair(dist, scores, routes[k], budget * (1 + 1e-9))
        dropped += d
    return PyVRPTeamResult(
        tuple(tuple(r) for r in routes), clock() - t0, dropped, bool(result.best.is_feasible())
    )


@dataclass(frozen=True)
class PyVRPResult:
    """Route (point indices), its real score and length, time, repair count."""

    route: tuple[int, ...]
    score: float
    length: float
    elapsed_s: float
    dropped_by_repair: int


def solve_with_pyvrp(
    instance: OPInstance,
    time_limit_s: float,
    *,
    seed: int = 0,
    clock: Callable[[], float] = time.perf_counter,
) -> PyVRPResult:
    """Solve one OP instance with PyVRP within ``time_limit_s`` seconds of ``clock``."""
    team = solve_team_with_pyvrp(
        np.asarray(instance.matrix()),
        np.asarray(instance.scores),
        [(instance.start, instance.end, instance.budget)],
        time_limit_s,
        seed=seed,
        clock=clock,
    )
    route = list(team.routes[0])
    return PyVRPResult(
        tuple(route),
        instance.route_score(route),
        instance.route_length(route),
        team.elapsed_s,
        team.dropped_by_repair,
    )
