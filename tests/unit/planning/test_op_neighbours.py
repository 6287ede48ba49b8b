"""Distances on demand and nearest-neighbour lists: checked against brute force.

The solver's compiled engine never builds the n x n matrix of an instance given by
coordinates: it computes each distance when it needs it and looks for improving moves
among the k nearest neighbours of a point. These tests compare both with an
independent computation (a plain Python loop over ``math`` functions, and a full sort).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import STOPPED

from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance, solve
from openskies.planning.optimiser import _compiled as compiled
from openskies.planning.optimiser._instance import METRICS, pair_distances
from openskies.planning.optimiser._neighbours import nearest_neighbours
from openskies.planning.optimiser._solve import _candidates, _kernel_problem

COORDINATE_METRICS = METRICS[1:]


def tsplib_distance(metric: str, xy: np.ndarray, i: int, j: int) -> float:
    """TSPLIB 95 §2 (Reinelt 1991), written out for one pair, independently of numpy
    (GEO: 0 on the diagonal only, as TSPLIB's matrices have it)."""
    p, q = (float(xy[i, 0]), float(xy[i, 1])), (float(xy[j, 0]), float(xy[j, 1]))
    if metric == "tsplib_geo":

        def rad(v: float) -> float:
            deg = math.trunc(v)
            return 3.141592 * (deg + 5.0 * (v - deg) / 3.0) / 180.0

        if i == j:
            return 0.0
        q1 = math.cos(rad(p[1]) - rad(q[1]))
        q2 = math.cos(rad(p[0]) - rad(q[0]))
        q3 = math.cos(rad(p[0]) + rad(q[0]))
        inner = min(1.0, max(-1.0, 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)))
        return float(math.trunc(6378.388 * math.acos(inner) + 1.0))
    e = math.hypot(p[0] - q[0], p[1] - q[1])
    if metric == "euclidean":
        return e
    if metric == "tsplib_euc_2d":
        return float(math.floor(e + 0.5))
    if metric == "tsplib_ceil_2d":
        return float(math.ceil(e))
    r = math.sqrt(((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) / 10.0)
    t = math.floor(r + 0.5)
    return float(t + 1 if t < r else t)


def points(min_size: int = 2, max_size: int = 40) -> st.SearchStrategy[np.ndarray]:
    coordinate = st.integers(-9000, 9000).map(lambda v: v / 100)  # DDD.MM-like, repeats
    return st.lists(st.tuples(coordinate, coordinate), min_size=min_size, max_size=max_size).map(
        lambda rows: np.array(rows, dtype=np.float64)
    )


@settings(max_examples=60, deadline=None)
@given(xy=points(), metric=st.sampled_from(COORDINATE_METRICS), data=st.data())
def test_distance_on_demand_equals_the_formula_for_every_pair(
    xy: np.ndarray, metric: str, data: st.DataObject
) -> None:
    n = len(xy)
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1))
    expected = tsplib_distance(metric, xy, i, j)
    assert pair_distances(metric, xy, i, j) == pytest.approx(expected, rel=1e-12, abs=1e-9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(xy=points(), metric=st.sampled_from(COORDINATE_METRICS), data=st.data())
def test_route_length_on_demand_equals_the_matrix_version(
    xy: np.ndarray, metric: str, data: st.DataObject
) -> None:
    n = len(xy)
    scores = np.ones(n)
    lazy = OPInstance.from_points(xy, scores, 1e9, start=0, end=n - 1, metric=metric)
    full = OPInstance.from_distance_matrix(lazy.matrix(), scores, 1e9, start=0, end=n - 1)
    inner = data.draw(st.permutations(range(1, n - 1)))
    route = [0, *inner[: data.draw(st.integers(0, len(inner)))], n - 1]
    by_loop = math.fsum(tsplib_distance(metric, xy, a, b) for a, b in itertools.pairwise(route))
    assert lazy.route_length(route) == full.route_length(route)
    assert lazy.route_length(route) == pytest.approx(by_loop, rel=1e-12, abs=1e-9)
    assert lazy.dist is None  # no n x n matrix kept


@settings(max_examples=40, deadline=None)
@given(xy=points(), metric=st.sampled_from(COORDINATE_METRICS), data=st.data())
def test_compiled_distance_equals_the_numpy_one(
    xy: np.ndarray, metric: str, data: st.DataObject
) -> None:
    n = len(xy)
    inst = OPInstance.from_points(xy, np.ones(n), 1e9, start=0, end=0, metric=metric)
    kind, mat, kxy = _kernel_problem(inst, _candidates(inst))[:3]
    i = data.draw(st.integers(0, n - 1))
    j = data.draw(st.integers(0, n - 1))
    assert compiled._d(kind, mat, kxy, i, j) == pytest.approx(
        float(pair_distances(metric, xy, i, j)), rel=1e-12, abs=1e-9
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    xy=points(min_size=3),
    metric=st.sampled_from(("matrix", *COORDINATE_METRICS)),
    k=st.integers(1, 12),
    data=st.data(),
)
def test_nearest_neighbour_lists_agree_with_brute_force(
    xy: np.ndarray, metric: str, k: int, data: st.DataObject
) -> None:
    n = len(xy)
    if metric == "matrix":
        dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
        inst = OPInstance.from_distance_matrix(dist, np.ones(n), 1e9, start=0, end=0)
        measure = "euclidean"
    else:
        inst = OPInstance.from_points(xy, np.ones(n), 1e9, start=0, end=0, metric=metric)
        measure = metric
    subset = sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=2, max_size=n)))
    pts = np.array(subset, dtype=np.intp)
    table = nearest_neighbours(inst, pts, k)
    kk = min(k, pts.size - 1)
    assert table.shape == (n, kk)
    for a in subset:
        listed = table[a].tolist()
        assert a not in listed and len(set(listed)) == kk and set(listed) <= set(subset)
        got = [tsplib_distance(measure, xy, a, b) for b in listed]
        every = sorted(tsplib_distance(measure, xy, a, b) for b in subset if b != a)
        # the k listed are k nearest (ties in any order), nearest first
        assert got == pytest.approx(every[:kk], rel=1e-9, abs=1e-9)


def _kernel_route(inst: OPInstance, seed: int) -> tuple[tuple[object, ...], np.ndarray, float]:
    cand = _candidates(inst)
    P = _kernel_problem(inst, cand)
    n = inst.n_points
    route = np.zeros(n + 2, dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    route[0], route[1] = inst.start, inst.end
    pos[inst.start] = 0
    pos[inst.end] = 0 if inst.end == inst.start else 1
    im = np.array([2], dtype=np.int64)
    fm = np.array([float(inst.distance(inst.start, inst.end)), 0.0])
    rs = np.array([np.uint64(seed + 1)])
    compiled.construct(P, route, pos, im, fm, rs, np.ones(n, dtype=np.bool_))
    return P, route[: im[0]].copy(), float(fm[0]), pos, fm


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    xy=points(min_size=4, max_size=120),
    metric=st.sampled_from(COORDINATE_METRICS),
    round_trip=st.booleans(),
    share=st.floats(0.2, 0.8),
    seed=st.integers(0, 5),
)
def test_compiled_moves_keep_the_running_length_and_positions_exact(
    xy: np.ndarray, metric: str, round_trip: bool, share: float, seed: int
) -> None:
    n = len(xy)
    scores = (np.arange(n) % 7 + 1).astype(np.float64)
    probe = OPInstance.from_points(xy, scores, 1e12, start=0, end=0, metric=metric)
    tour = probe.route_length([0, *range(1, n), 0])
    end = 0 if round_trip else n - 1
    budget = max(share * tour, float(probe.distance(0, end)))
    inst = OPInstance.from_points(xy, scores, budget, start=0, end=end, metric=metric)
    _, route, running, pos, fm = _kernel_route(inst, seed)
    exact = inst.route_length(route.tolist())
    assert running == pytest.approx(exact, rel=1e-9, abs=1e-6)
    assert fm[1] == pytest.approx(
        inst.route_score(route.tolist())
        - inst.scores[0]
        - (0.0 if round_trip else inst.scores[end])
    )
    inner = route[1:-1]
    assert all(pos[p] == q for q, p in enumerate(route.tolist()) if q < len(route) - 1 or p != 0)
    assert int((pos >= 0).sum()) == len(set(route.tolist()))
    inst.check_route(route.tolist())  # within budget, no repeated point
    assert len(set(inner.tolist())) == inner.size


@pytest.mark.parametrize("engine", ["compiled", "numpy"])
@pytest.mark.parametrize("metric", COORDINATE_METRICS)
def test_both_engines_solve_instances_given_by_coordinates(engine: str, metric: str) -> None:
    rng = np.random.default_rng(7)
    xy = rng.uniform(0, 80, (90, 2))
    inst = OPInstance.from_points(xy, rng.integers(1, 20, 90), 250.0, start=0, end=0, metric=metric)
    first = solve(inst, 60.0, seed=2, max_iterations=30, clock=STOPPED, engine=engine)
    again = solve(inst, 60.0, seed=2, max_iterations=30, clock=STOPPED, engine=engine)
    inst.check_route(first.route)
    assert first.route == again.route  # deterministic for a seed
    assert first.length == inst.route_length(first.route) <= inst.budget_limit
    assert first.score == inst.route_score(first.route) > 0


def test_an_instance_without_a_matrix_needs_a_coordinate_metric() -> None:
    with pytest.raises(InputError, match="coordinate metric"):
        OPInstance(10.0, np.ones(3), None, coords=np.zeros((3, 2)))
    with pytest.raises(InputError, match="unknown metric"):
        pair_distances("manhattan", np.zeros((2, 2)), 0, 1)
    with pytest.raises(InputError, match="engine"):
        solve(
            OPInstance.from_points(np.zeros((2, 2)), np.ones(2), 1.0),
            1.0,
            clock=STOPPED,
            engine="gpu",
        )
