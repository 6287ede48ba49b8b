"""The orienteering solver: iterated local search with ruin-and-recreate perturbations."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from openskies.errors import InputError
from openskies.planning.optimiser import _compiled
from openskies.planning.optimiser._heuristics import Moves, Tour
from openskies.planning.optimiser._instance import METRICS, OPInstance, OPSolution
from openskies.planning.optimiser._neighbours import nearest_neighbours

__all__ = ["ENGINES", "solve"]

ENGINES = ("auto", "compiled", "numpy")
"""``compiled``: the numba loops (``_compiled``); ``numpy``: the vectorised engine
(``_heuristics``; needs the full distance matrix); ``auto``: compiled when numba is
installed."""


def _candidates(instance: OPInstance) -> np.ndarray:
    """Targets worth visiting: positive score, reachable on a start-target-end detour."""
    n = instance.n_points
    idx = np.arange(n)
    reach = (
        instance.distance(instance.start, idx) + instance.distance(idx, instance.end)
        <= instance.budget_limit
    )
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
    engine: str = "auto",
) -> OPSolution:
    """Best route found within ``time_limit_s`` seconds of the caller's ``clock`` (the edges
    pass ``time.perf_counter``; ``time.process_time`` limits CPU time instead, as the
    benchmarks do on a shared machine; tests pass a ticking or stopped clock).

    The route always fits the budget (length <= budget x (1 + 1e-9)). The search stops
    earlier after ``max_iterations`` rounds, on reaching ``target_score``, or when the
    score reaches the upper bound (every reachable target collected). Deterministic for
    a given ``seed`` and ``engine`` unless the clock ends the search. ``engine`` is one of
    :data:`ENGINES`. Raises InputError on a non-positive time limit, a negative
    ``max_iterations`` or an unknown engine.
    """
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "compiled" or (engine == "auto" and _compiled.HAVE_NUMBA):
        run = _Run(time_limit_s, seed, max_iterations, target_score, _Params(), clock)
        return _compiled_search(instance, run)
    return _search(instance, time_limit_s, seed, max_iterations, target_score, _Params(), clock)


def _check_limits(time_limit_s: float, max_iterations: int | None) -> None:
    if not (time_limit_s > 0 and math.isfinite(time_limit_s)):
        raise InputError(f"time_limit_s must be a positive number of seconds, got {time_limit_s!r}")
    if max_iterations is not None and max_iterations < 0:
        raise InputError(f"max_iterations must be >= 0, got {max_iterations}")


def _bound(
    instance: OPInstance, cand: np.ndarray, target_score: float | None
) -> tuple[float, float, float]:
    """(score of the terminals, upper bound on the inner score, inner score to stop at)."""
    base = float(instance.scores[instance.start])
    if instance.end != instance.start:
        base += float(instance.scores[instance.end])
    upper = float(instance.scores[cand].sum())
    stop_at = upper - 1e-9 * max(1.0, upper)
    if target_score is not None:
        stop_at = min(stop_at, target_score - base - 1e-9 * max(1.0, abs(target_score)))
    return base, upper, stop_at


_NEIGHBOURS = 10  # nearest neighbours per point in the compiled engine's candidate lists
_SLICE_S = 0.02  # the compiled search returns to check the clock about this often
_MAX_BATCH = 64  # ... and after at most this many rounds (a ticking clock in tests)
_READS_PER_ROUND = 4


class _Route:
    """The compiled engine's route: order, positions and running totals (numpy arrays)."""

    def __init__(self, n: int, start: int, end: int, length: float):
        self.route = np.zeros(n + 2, dtype=np.int64)
        self.pos = np.full(n, -1, dtype=np.int64)
        self.route[0], self.route[1] = start, end
        self.pos[start] = 0
        if end != start:
            self.pos[end] = 1
        self.im = np.array([2], dtype=np.int64)
        self.fm = np.array([length, 0.0])

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return self.route, self.pos, self.im, self.fm

    def points(self) -> list[int]:
        return [int(p) for p in self.route[: int(self.im[0])]]


def _kernel_problem(instance: OPInstance, cand: np.ndarray) -> tuple[object, ...]:
    """The compiled engine's view of an instance: (kind, matrix, coordinates, scores,
    neighbour lists, candidates, budget limit, tiny, eps)."""
    points = np.unique(np.concatenate([cand, [instance.start, instance.end]])).astype(np.intp)
    nb = nearest_neighbours(instance, points, _NEIGHBOURS).astype(np.int64)
    if instance.dist is not None:
        mat, xy = instance.dist, np.zeros((1, 2))
        scale = max(instance.budget_limit, float(instance.dist.max()))
    else:
        assert instance.coords is not None
        mat, xy = np.zeros((1, 1)), np.ascontiguousarray(instance.coords, dtype=np.float64)
        if instance.metric == "tsplib_geo":
            xy = np.ascontiguousarray(
                np.column_stack([_geo(xy[:, 0]), _geo(xy[:, 1])]), dtype=np.float64
            )
        scale = max(instance.budget_limit, 1.0)
    scale = scale or 1.0
    return (
        METRICS.index(instance.metric),
        _readonly(mat),
        _readonly(xy),
        _readonly(instance.scores),
        nb,
        cand.astype(np.int64),
        float(instance.budget_limit),
        1e-12 * scale,
        1e-11 * scale,
    )


def _readonly(array: np.ndarray) -> np.ndarray:
    """A read-only C-contiguous float64 array (no copy when it already is one): the
    compiled functions then have one signature for every instance (one compilation)."""
    out = np.ascontiguousarray(array, dtype=np.float64)
    if out.flags.writeable:
        out = out.copy() if out is array else out
        out.flags.writeable = False
    return out


def _geo(value: np.ndarray) -> np.ndarray:
    from openskies.planning.optimiser._instance import _geo_radians

    return _geo_radians(value)


def _exact(instance: OPInstance, P: tuple[object, ...], r: _Route) -> None:
    """Replace the running length by an exact sum; drop stops in the (rounding) case that
    it overruns the budget, so that a recorded route is always feasible."""
    r.fm[0] = instance.route_length(r.points())
    while r.fm[0] > instance.budget_limit and r.im[0] > 2:
        removed = np.empty(instance.n_points + 2, dtype=np.int64)
        _compiled._drop_until_feasible(P, *r.arrays(), -1, removed, 0)
        r.fm[0] = instance.route_length(r.points())


@dataclass(frozen=True)
class _Run:
    """What one call of ``solve`` asks of the compiled engine."""

    time_limit_s: float
    seed: int
    max_iterations: int | None
    target_score: float | None
    params: _Params
    clock: Callable[[], float]


def _compiled_search(instance: OPInstance, run: _Run) -> OPSolution:
    time_limit_s, seed, max_iterations = run.time_limit_s, run.seed, run.max_iterations
    params, clock = run.params, run.clock
    _check_limits(time_limit_s, max_iterations)
    deadline = (t0 := clock()) + time_limit_s
    cand = _candidates(instance)
    base, upper, stop_at = _bound(instance, cand, run.target_score)
    P = _kernel_problem(instance, cand)
    n = instance.n_points
    rs = np.array([np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(seed % (1 << 63) + 1)])
    look = np.ones(n, dtype=np.bool_)
    cur = _Route(
        n, instance.start, instance.end, float(instance.distance(instance.start, instance.end))
    )
    _compiled.construct(P, *cur.arrays(), rs, look)
    _exact(instance, P, cur)
    best = _Route(n, instance.start, instance.end, 0.0)
    for a, b in zip(best.arrays(), cur.arrays(), strict=True):
        a[:] = b
    best_found = clock()
    iterations = 0
    state = np.zeros(2, dtype=np.int64)
    ruin_max = params.ruin_max if n > 1000 else max(int(cand.size), 1)
    settings = np.array(
        [
            params.p_segment,
            params.p_random,
            params.p_add_drop,
            params.ruin_fraction,
            ruin_max,
            params.accept_fraction,
            params.reset_after,
        ]
    )
    batch = 1
    slice_s = min(_SLICE_S, time_limit_s / 20)
    while (
        best.fm[1] < stop_at
        and (max_iterations is None or iterations < max_iterations)
        and clock() < deadline
    ):
        rounds = batch if max_iterations is None else min(batch, max_iterations - iterations)
        began = clock()
        done = _compiled.iterate(
            P, cur.arrays(), best.arrays(), rs, state, settings, rounds, stop_at
        )
        iterations += done
        # The clock is read _READS_PER_ROUND times per round done: a ticking clock, as in
        # the tests, then moves with the work, as it does in the numpy engine's moves.
        now = clock()
        for _ in range(_READS_PER_ROUND * done - 1):
            if now >= deadline:
                break
            now = clock()
        spent = now - began
        if state[1]:
            state[1] = 0
            _exact(instance, P, best)
            best_found = clock()
        if spent < slice_s / 2:
            batch = min(batch * 2, _MAX_BATCH)
        elif spent > slice_s and batch > 1:
            batch //= 2
    _exact(instance, P, best)
    route = tuple(best.points())
    return OPSolution(
        route=route,
        score=instance.route_score(route),
        length=instance.route_length(route),
        upper_bound=upper + base,
        iterations=iterations,
        elapsed_s=clock() - t0,
        best_found_s=best_found - t0,
    )


def _search(
    instance: OPInstance,
    time_limit_s: float,
    seed: int,
    max_iterations: int | None,
    target_score: float | None,
    params: _Params,
    clock: Callable[[], float],
) -> OPSolution:
    _check_limits(time_limit_s, max_iterations)
    t0 = clock()
    deadline = t0 + time_limit_s
    rng = np.random.default_rng(seed)
    cand = _candidates(instance)
    base, upper, stop_at = _bound(instance, cand, target_score)
    moves = Moves(
        instance.matrix(),
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
