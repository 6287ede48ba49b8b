"""Orienteering-problem (OP) solver: the most score on a route within a distance budget.

The flight planner asks: from ``start`` (an Open Skies airfield) to ``end`` (the same or
another one), which sites should the observation aircraft overfly, in what order, to
collect the most value while the route length stays within the budget? That is the
orienteering problem (Tsiligirides 1984; survey: Vansteenwegen, Souffriau & Van
Oudheusden 2011). Distances come as a symmetric matrix in any unit (the planner
passes geodesic km), or as coordinates with a distance function computed on demand
(``OPInstance.from_points``: Euclidean or a TSPLIB 95 function; O(n) memory, no n x n
matrix); the budget is in the same unit.

Public surface:

- :class:`OPInstance` (frozen): ``budget``, ``scores``, ``dist`` (or None), ``start``,
  ``end``, ``coords``, ``metric``; built by ``OPInstance.from_coordinates`` (plane,
  Euclidean, full matrix), ``OPInstance.from_points`` (distances on demand) or
  ``OPInstance.from_distance_matrix``; ``distance(i, j)`` and ``matrix()`` for callers.
- :func:`parse_op_instance`: the standard benchmark file format, from its text
  (``openskies.adapters.files.read_op_instance`` reads the file).
- :func:`solve` -> :class:`OPSolution`: ``route`` (start ... end), ``score``,
  ``length`` (<= budget x (1 + 1e-9), always), ``upper_bound``, timings; ``engine``
  ``"auto"`` (compiled when numba is installed), ``"compiled"`` or ``"numpy"``.
- :func:`solve_team` -> :class:`TeamSolution`: team orienteering (several routes, each
  within its own budget, each point counted once) by block-coordinate ascent
  (:func:`ascend`, also used by the campaign planner with whole flight plans).

Algorithm: iterated local search with ruin-and-recreate perturbations
(Lourenço, Martin & Stützle 2003; Schrimpf et al. 2000), in two engines: compiled
loops (``_compiled``, numba; the default) and vectorised numpy (``_heuristics``, the
fallback without numba). Both follow these steps:

1. *Reduction and bound.* Only targets with a positive score and a detour
   ``d(start, t) + d(t, end) <= budget`` can ever be visited; the sum of their
   scores is an upper bound, and the search stops as soon as a route reaches it.
2. *Construction.* Greedy insertion by score / extra length, each target at its
   cheapest position (Tsiligirides 1984; Kobeaga et al. 2018 "add" operator).
3. *Local search*, until no move improves (more score, or same score and shorter):
   shorten the route with 2-opt (Croes 1958) and or-opt moves of 1-3 stops in both
   directions (Or 1976); insert unvisited targets by best ratio while they fit;
   exchange a visited target for an unvisited one of higher score, or of equal score
   on a shorter route (the "replace" move of Vansteenwegen et al. 2009 and Campos
   et al. 2014). Every neighbourhood is evaluated at once with numpy; long routes
   use 12-nearest-neighbour candidate lists and don't-look bits (Bentley 1992;
   Johnson & McGeoch 1997), so a round costs O(route x 12) instead of O(route²).
4. *Perturbation*, one of four at random each round: remove a run of consecutive
   stops (the "shake" of Vansteenwegen et al. 2009); remove random stops; overfill
   past the budget, shorten, then drop the stops of lowest score per saved length
   (the add/drop operators of EA4OP, Kobeaga, Merino & Lozano 2018); or re-seed:
   ruin a long run and force a random unvisited target in (a partial restart in
   another region). Removed stops are barred from the noisy greedy refill that
   follows, then the local search runs.
5. *Acceptance*: record-to-record travel (Dueck 1993): keep the new route if it
   beats the current one or scores at least 97 % of the best; after 200 rounds
   without a new best, go back to the best route.

The compiled engine evaluates and applies one move at a time (first improvement), each
in O(k) over the k = 10 nearest neighbours of a point (granular neighbourhoods: Toth &
Vigo 2003; k-d tree lists, ``scipy.spatial.cKDTree``) with don't-look bits, and keeps
insertion costs cached during a greedy pass (re-priced only where an edge changed);
points with no neighbour on the route are priced over every edge (a random sample of
them when many). Distances are computed on demand from coordinates or read from the
given matrix, so an instance by coordinates costs O(n k) memory. It runs the search in
batches of rounds, returning to Python to read the clock.

The numpy engine evaluates whole neighbourhoods at once (all pairs on short routes;
12-nearest-neighbour lists, batched refills and bounded exchanges on long ones), needs
the full matrix (built from the coordinates if the instance has none) and checks the
clock inside its moves.

Why numba (decided by measurement, ``docs/benchmarks.md``): at the same CPU time the
compiled engine ran 9-30 times more rounds of the search (uniform instances of 60, 400
and 2,000 points, 1 CPU-s) and its mean gap to the best-known OPLib values fell at every
size band. numba (0.68, wheels for Python 3.11, no toolchain)
compiles the loops once per machine into ``__pycache__`` (``cache=True``; measured 14.8
CPU-s; ``make install`` does it with ``python -m openskies.planning.optimiser.warm_up``);
a later process loads them in 0.2 CPU-s. The cost: with numba, llvmlite and scipy
loaded, a process's peak resident memory starts at about 230 MiB (63 MiB with numpy
alone), and an install without the warm-up pays the compilation in its first solve.

Deterministic for a given seed when the search ends on ``max_iterations``, on a
target score or on the bound rather than on the clock (``solve`` takes the clock as an
argument: ``time.process_time`` limits CPU time). Benchmarks (public Tsiligirides,
Chao et al. 1996 and OPLib sets vs PyVRP and OR-Tools routing): see
``docs/benchmarks.md``.

References: T. Tsiligirides, J. Oper. Res. Soc. 35(9):797-809, 1984 • I.-M. Chao,
B. Golden, E. Wasil, Eur. J. Oper. Res. 88(3):475-489, 1996 • P. Vansteenwegen,
W. Souffriau, D. Van Oudheusden, Eur. J. Oper. Res. 209(1):1-10, 2011 •
P. Vansteenwegen, W. Souffriau, G. Vanden Berghe, D. Van Oudheusden, Comput. Oper.
Res. 36(12):3281-3290, 2009 • V. Campos, R. Martí, J. Sánchez-Oro, A. Duarte,
J. Oper. Res. Soc. 65(12):1800-1813, 2014 • G. Kobeaga, M. Merino, J. A. Lozano,
Comput. Oper. Res. 90:42-59, 2018 • G. Schrimpf, J. Schneider, H. Stamm-Wilbrandt,
G. Dueck, J. Comput. Phys. 159(2):139-171, 2000 • G. Dueck, J. Comput. Phys.
104(1):86-92, 1993 • J. L. Bentley, ORSA J. Comput. 4(4):387-411, 1992 •
D. S. Johnson, L. A. McGeoch, in Local Search in Combinatorial Optimization, 1997 •
H. R. Lourenço, O. C. Martin, T. Stützle, in Handbook of Metaheuristics, 2003 •
G. A. Croes, Oper. Res. 6(6):791-812, 1958 • I. Or, PhD thesis, Northwestern, 1976 •
P. Toth, D. Vigo, INFORMS J. Comput. 15(4):333-346, 2003 (granular neighbourhoods).
"""

from openskies.planning.optimiser._instance import BUDGET_RTOL, OPInstance, OPSolution
from openskies.planning.optimiser._reader import parse_op_instance
from openskies.planning.optimiser._solve import solve
from openskies.planning.optimiser._team import Ascent, TeamSolution, ascend, solve_team

__all__ = [
    "BUDGET_RTOL",
    "Ascent",
    "OPInstance",
    "OPSolution",
    "TeamSolution",
    "ascend",
    "parse_op_instance",
    "solve",
    "solve_team",
]
