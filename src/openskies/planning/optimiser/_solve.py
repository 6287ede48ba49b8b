"""The orienteering solver: iterated local search with ruin-and-recreate perturbations."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from openskies.errors import InputError
from openskies.planning.optimiser._heuristics import Moves, Tour
from openskies.planning.optimiser._instance import OPInstance, OPSolution

__all__ = ["solve"]


def _candidates(instance: OPInstance) -> np.ndarray:
    """Targets worth visiting: positive score, reachable on a start-target-end detour."""
    d = instance.dist
    n = instance.n_points
    idx = np.arange(n)
    reach = d[instance.start, idx] + d[idx, instance.end] <= instance.budget_limit
    mask = reach & (instance.scores > 0)
    mask[instance.start] = False
    mask[instance.end] = False
    return np.flatnonzero(mask).astype(np.intp)


def _remeasure(instance: OPInstance, moves: Moves, tour: Tour) -> None:
    """Replace the running length by an exact sum; drop stops in the (rounding) case
    that it overruns the budget, so that a recorded route is always feasible."""
    tour.length = instance.route_length(tour.route)
    while tour.length > instance.budget_limit:
        moves.drop_until_feasible(tour)
        tour.length = instance.route_length(tour.route)
        if tour.length > instance.budget_limit:
            moves.remove_at(tour, 1)  # pragma: no cover - defensive
            tour.length = instance.route_length(tour.route)


@dataclass(frozen=True)
class _Params:
    """Search settings (fixed; not tuned per instance set)."""

    p_segment: float = 0.3  # ruin a run of consecutive stops
    p_random: float = 0.25  # ruin random stops
    p_add_drop: float = 0.25  # overfill past the budget, shorten, drop the worst ratios
    # remaining probability: re-seed (ruin a long run, force an unvisited target in)
    ruin_fraction: float = 1 / 3  # at most this share of the stops is ruined
    ruin_max: int = 40  # ... and, on large instances, at most this many (local, cheap repairs)
    accept_fraction: float = 0.03  # record-to-record: accept if score >= (1 - f) * best
    reset_after: int = 200  # back to the best route after this many non-improving rounds


def solve(
    instance: OPInstance,
    time_limit_s: float,
    seed: int = 0,
    *,
    max_iterations: int | None = None,
    target_score: float | None = None,
    clock: Callable[[], float],
) -> OPSolution:
    """Best route found within ``time_limit_s`` seconds of the caller's ``clock`` (the edges
    pass ``time.perf_counter``; ``time.process_time`` limits CPU time instead, as the
    benchmarks do on a shared machine; tests pass a ticking or stopped clock).

    The route always fits the budget (length <= budget x (1 + 1e-9)). The search stops
    earlier after ``max_iterations`` rounds, on reaching ``target_score``, or when the
    score reaches the upper bound (every reachable target collected). Deterministic for
    a given ``seed`` unless the clock ends the search. Raises InputError on a
    non-positive time limit or a negative ``max_iterations``.
    """
    return _search(instance, time_limit_s, seed, max_iterations, target_score, _Params(), clock)


def _search(
    instance: OPInstance,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
    target_score: float | None,
    params: _Params,
    clock: Callable[[], float],
) -> OPSolution:
    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise InputError(f"time_limit_s must be a positive number of seconds, got {time_limit_s!r}")
    if max_iterations is not None and max_iterations < 0:
        raise InputError(f"max_iterations must be >= 0, got {max_iterations}")
    t0 = clock()
    deadline = t0 + time_limit_s
    rng = np.random.default_rng(seed)
    cand = _candidates(instance)
    base = float(instance.scores[instance.start])
    if instance.end != instance.start:
        base += float(instance.scores[instance.end])
    upper = float(instance.scores[cand].sum())
    stop_at = upper - 1e-9 * max(1.0, upper)
    if target_score is not None:
        stop_at = min(stop_at, target_score - base - 1e-9 * max(1.0, abs(target_score)))
    moves = Moves(
        instance.dist,
        instance.scores,
        instance.start,
        instance.end,
        instance.budget_limit,
        cand,
        rng,
        clock=clock,
        deadline=deadline,
    )

    cur = moves.empty_tour()
    moves.greedy_insert(cur)
    moves.local_search(cur)
    _remeasure(instance, moves, cur)
    best = cur.copy()
    best_found = clock()
    iterations = 0
    since_best = 0
    n_cand = max(int(cand.size), 1)
    ruin_max = params.ruin_max if moves.large else n_cand  # local ruins on large instances
    p1 = params.p_segment
    p2 = p1 + params.p_random
    p3 = p2 + params.p_add_drop
    while (
        best.score < stop_at
        and (max_iterations is None or iterations < max_iterations)
        and clock() < deadline
    ):
        iterations += 1
        t = cur.copy()
        inner = len(t.route) - 2
        most = max(2, min(inner, 1 + int(inner * params.ruin_fraction), ruin_max))
        kind = rng.random()
        if kind < p1 and inner > 0:
            k = min(int(rng.integers(1, most + 1)), inner)
            p = int(rng.integers(1, inner - k + 2))
            removed = moves.remove_positions(t, list(range(p, p + k)))
        elif kind < p2 and inner > 0:
            k = min(int(rng.integers(1, most + 1)), inner)
            positions = rng.choice(np.arange(1, inner + 1), size=k, replace=False)
            removed = moves.remove_positions(t, [int(x) for x in positions])
        elif kind < p3 or inner == 0:
            k = int(rng.integers(1, max(2, min(n_cand, 1 + n_cand // 10, ruin_max)) + 1))
            moves.greedy_insert(t, noise=0.5, ignore_budget_count=k)
            moves.shorten(t)
            removed = moves.drop_until_feasible(t)
        else:
            free = moves.unvisited(t)
            removed = []
            if inner > 0:
                k = int(rng.integers(1, min(inner, 2 * ruin_max) + 1))
                p = int(rng.integers(1, inner - k + 2))
                removed = moves.remove_positions(t, list(range(p, p + k)))
            if free.size:
                removed += moves.force_insert(t, int(rng.choice(free)))
        blocked = None
        if removed:
            blocked = np.zeros(instance.n_points, dtype=bool)
            blocked[removed] = True
        moves.greedy_insert(t, noise=0.3, blocked=blocked)
        moves.local_search(t)
        if t.key() > cur.key() or t.score >= best.score * (1 - params.accept_fraction):
            cur = t
        if t.key() > best.key():
            _remeasure(instance, moves, t)
            if t.key() > best.key():
                if t.score > best.score:
                    best_found = clock()
                best = t.copy()
                since_best = 0
                continue
        since_best += 1
        if since_best % params.reset_after == 0:
            cur = best.copy()

    route = tuple(int(p) for p in best.route)
    return OPSolution(
        route=route,
        score=instance.route_score(route),
        length=best.length,
        upper_bound=upper + base,
        iterations=iterations,
        elapsed_s=clock() - t0,
        best_found_s=best_found - t0,
    )
