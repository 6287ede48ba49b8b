"""The orienteering solver: feasible routes always, optimal on small cases, reproducible."""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import STOPPED, TickingClock

import openskies.planning.optimiser as optimiser
from openskies.adapters.files import read_op_instance
from openskies.errors import InputError
from openskies.planning.optimiser import OPInstance, solve

SHARED = Path(__file__).parents[3].parent / "shared"
OP_BENCHMARKS = SHARED / "benchmarks" / "op"


def brute_force_score(instance: OPInstance) -> float:
    """Best score by trying every ordered subset of targets (tiny instances only)."""
    targets = [p for p in range(instance.n_points) if p not in (instance.start, instance.end)]
    best = instance.route_score((instance.start, instance.end))
    for size in range(1, len(targets) + 1):
        for subset in itertools.combinations(targets, size):
            score = instance.route_score((instance.start, *subset, instance.end))
            if score <= best:
                continue
            for order in itertools.permutations(subset):
                route = (instance.start, *order, instance.end)
                if instance.route_length(route) <= instance.budget_limit:
                    best = score
                    break
    return best


def assert_feasible(
    instance: OPInstance, route: tuple[int, ...], score: float, length: float
) -> None:
    assert route[0] == instance.start and route[-1] == instance.end
    inner = route[1:-1]
    assert len(set(inner)) == len(inner), "a point is visited twice"
    assert not {instance.start, instance.end} & set(inner)
    assert math.isclose(length, instance.route_length(route), rel_tol=1e-12, abs_tol=1e-12)
    assert length <= instance.budget * (1 + 1e-9)
    assert math.isclose(score, float(sum(instance.scores[p] for p in set(route))), abs_tol=1e-9)


@st.composite
def small_instances(draw: st.DrawFn) -> OPInstance:
    n = draw(st.integers(min_value=2, max_value=12))
    coord = st.floats(min_value=0, max_value=100, allow_nan=False, allow_infinity=False)
    xy = np.array(draw(st.lists(st.tuples(coord, coord), min_size=n, max_size=n)))
    scores = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    start = draw(st.integers(0, n - 1))
    end = draw(st.integers(0, n - 1))
    direct = float(np.hypot(*(xy[start] - xy[end])))
    budget = direct + draw(st.floats(min_value=0, max_value=300, allow_nan=False))
    return OPInstance.from_coordinates(xy, scores, budget, start=start, end=end)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=small_instances(), seed=st.integers(0, 2**31))
def test_route_is_always_feasible(instance: OPInstance, seed: int) -> None:
    solution = solve(instance, time_limit_s=5.0, seed=seed, max_iterations=25, clock=STOPPED)
    assert_feasible(instance, solution.route, solution.score, solution.length)
    assert solution.score <= solution.upper_bound + 1e-9


def test_round_trip_from_one_airfield() -> None:
    # start == end (an Open Skies airfield); a square of side 1 around it, budget 4.
    xy = [(0, 0), (1, 0), (1, 1), (0, 1), (5, 5)]
    instance = OPInstance.from_coordinates(xy, [0, 1, 1, 1, 9], budget=4.0, start=0, end=0)
    solution = solve(instance, time_limit_s=2.0, clock=TickingClock())
    assert solution.route[0] == solution.route[-1] == 0
    assert solution.score == 3  # the far point (5, 5) is 2·7.07 away: out of reach
    assert solution.proven_optimal  # everything reachable was collected
    assert_feasible(instance, solution.route, solution.score, solution.length)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_tiny_instances_reach_the_brute_force_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 9
    xy = rng.uniform(0, 10, (n, 2))
    scores = rng.integers(1, 10, n).astype(float)
    scores[[0, 1]] = 0
    budget = float(np.hypot(*(xy[0] - xy[1]))) + rng.uniform(5, 20)
    instance = OPInstance.from_coordinates(xy, scores, budget, start=0, end=1)
    solution = solve(instance, time_limit_s=2.0, seed=seed, max_iterations=300, clock=STOPPED)
    assert solution.score == brute_force_score(instance)


def test_geodesic_like_matrix_is_solved_without_coordinates() -> None:
    # Great-circle distances (km) between points on a sphere: no planar embedding exists.
    rng = np.random.default_rng(7)
    lat = np.radians(rng.uniform(45, 60, 8))
    lon = np.radians(rng.uniform(20, 40, 8))
    cos_c = np.sin(lat)[:, None] * np.sin(lat) + np.cos(lat)[:, None] * np.cos(lat) * np.cos(
        lon[:, None] - lon
    )
    dist_km = 6371.0 * np.arccos(np.clip(cos_c, -1, 1))
    dist_km = (dist_km + dist_km.T) / 2
    np.fill_diagonal(dist_km, 0)
    scores = np.r_[0.0, rng.integers(1, 10, 7)]
    instance = OPInstance.from_distance_matrix(dist_km, scores, budget=2500.0, start=0, end=0)
    solution = solve(instance, time_limit_s=2.0, max_iterations=300, clock=STOPPED)
    assert_feasible(instance, solution.route, solution.score, solution.length)
    assert solution.score == brute_force_score(instance)


def test_same_seed_same_route() -> None:
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 100, (60, 2))
    scores = rng.integers(1, 50, 60)
    instance = OPInstance.from_coordinates(xy, scores, budget=250.0)
    first = solve(instance, time_limit_s=60.0, seed=3, max_iterations=40, clock=STOPPED)
    second = solve(instance, time_limit_s=60.0, seed=3, max_iterations=40, clock=STOPPED)
    assert first.route == second.route
    assert first.iterations == second.iterations == 40


def test_stops_early_when_everything_reachable_is_collected() -> None:
    xy = [(0, 0), (10, 0), (2, 1), (4, -1), (6, 1), (8, -1), (5, 50)]
    instance = OPInstance.from_coordinates(xy, [0, 0, 1, 2, 3, 4, 100], budget=30.0)
    solution = solve(instance, time_limit_s=30.0, clock=TickingClock())
    assert solution.score == 10  # (5, 50) is 2·50 away: unreachable
    assert solution.proven_optimal  # stopped by the proof, not by the clock


def test_no_target_fits_gives_the_direct_route() -> None:
    xy = [(0, 0), (1, 0), (0, 5)]
    instance = OPInstance.from_coordinates(xy, [0, 0, 9], budget=1.0)
    solution = solve(instance, time_limit_s=1.0, clock=TickingClock())
    assert solution.route == (0, 1)
    assert solution.score == 0 and solution.length == 1.0


def test_time_limit_must_be_positive() -> None:
    instance = OPInstance.from_coordinates([(0, 0), (1, 0)], [0, 0], budget=1.0)
    with pytest.raises(InputError, match="time_limit_s"):
        solve(instance, time_limit_s=0, clock=TickingClock())


def test_public_surface_is_exactly_all() -> None:
    public = {name for name in vars(optimiser) if not name.startswith("_")}
    assert sorted(optimiser.__all__) == sorted(public)


def _bks() -> dict[str, tuple[Path, float]]:
    table = OP_BENCHMARKS / "bks_tsiligirides.csv"
    with table.open(newline="", encoding="utf-8") as handle:
        return {
            row["instance"]: (OP_BENCHMARKS / row["file"], float(row["bks"]))
            for row in csv.DictReader(handle)
        }


@pytest.mark.skipif(
    not (OP_BENCHMARKS / "bks_tsiligirides.csv").is_file(),
    reason=f"shared OP benchmarks not found at {OP_BENCHMARKS} (public Tsiligirides sets)",
)
@pytest.mark.parametrize(
    "name",
    [
        "tsiligirides_problem_1_budget_46",
        "tsiligirides_problem_2_budget_23",
        "tsiligirides_problem_3_budget_065",
    ],
)
def test_tsiligirides_instance_reaches_best_known_value(name: str) -> None:
    # A ticking clock: the same search on every machine, however loaded (times: benchmarks/).
    path, bks = _bks()[name]
    instance = read_op_instance(path)
    solution = solve(instance, time_limit_s=1.0, seed=0, target_score=bks, clock=TickingClock())
    assert solution.score == bks
    assert_feasible(instance, solution.route, solution.score, solution.length)
