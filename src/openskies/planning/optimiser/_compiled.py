"""The orienteering search as compiled loops (numba, private): one move at a time, O(k) each.

Same algorithm as the numpy engine (``_heuristics``/``_solve``), written as scalar loops
that numba compiles to machine code: every move is evaluated and applied one at a time
(first improvement) over the k nearest neighbours of a point, with "don't look" bits,
instead of whole neighbourhoods in numpy arrays. Distances are computed on demand from
coordinates (``kind`` > 0) or read from a matrix (``kind`` 0; the planner's geodesic
matrix), so nothing here is n x n unless the caller gives a matrix.

A route is ``route[0 .. m-1]`` (terminals at both ends; ``route[0] == route[m-1]`` on a
round trip) with ``pos[node]`` its position (-1 when not on the route; a terminal's is 0
or m-1). ``im = [m]`` and ``fm = [length, score]`` hold the running totals.

Compiled once per machine into ``__pycache__`` (``cache=True``; ``make install`` warms
it up); later processes load the machine code. ``available()`` says whether numba is
installed; without it the numpy engine runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])

try:  # pragma: no cover - exercised by whichever engine is installed
    import numba

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False


def njit(**options: Any) -> Callable[[F], F]:
    """numba's ``njit`` when installed; else the plain Python function (never run as the
    engine: ``solve`` picks the numpy engine without numba)."""
    if not HAVE_NUMBA:  # pragma: no cover
        return lambda function: function
    return cast(Callable[[F], F], numba.njit(**options))


__all__ = ["HAVE_NUMBA"]

# Distance kinds (also OPInstance.metric): 0 matrix, 1 Euclidean, TSPLIB 95 functions
# 2 EUC_2D (nearest integer), 3 CEIL_2D, 4 ATT (pseudo-Euclidean), 5 GEO (coordinates
# given as latitude, longitude in radians, TSPLIB's conversion done by the caller).
MATRIX, EUCLIDEAN, EUC_2D, CEIL_2D, ATT, GEO = 0, 1, 2, 3, 4, 5

_SMALL_ROUTE = 48  # routes up to this many points: insertion priced over every edge
_LOST_CELLS = 10_000  # points with no neighbour on the route priced over every edge: at
# most about this many (point x edge) cells per greedy pass (a random share of them)
_FULL_REPRICE = 256  # construction: a point whose best edge was used is re-priced over
# every edge while the route has at most this many points, else near its neighbours
_INF = math.inf


@njit(cache=True)
def _d(kind: int, mat: Any, xy: Any, i: int, j: int) -> float:
    if kind == 0:
        return float(mat[i, j])
    if i == j:
        return 0.0
    if kind == 5:
        q1 = math.cos(xy[i, 1] - xy[j, 1])
        q2 = math.cos(xy[i, 0] - xy[j, 0])
        q3 = math.cos(xy[i, 0] + xy[j, 0])
        inner = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)
        inner = min(1.0, max(-1.0, inner))
        return math.trunc(6378.388 * math.acos(inner) + 1.0)
    dx = xy[i, 0] - xy[j, 0]
    dy = xy[i, 1] - xy[j, 1]
    if kind == 1:
        return math.sqrt(dx * dx + dy * dy)
    if kind == 2:
        return math.floor(math.sqrt(dx * dx + dy * dy) + 0.5)
    if kind == 3:
        return math.ceil(math.sqrt(dx * dx + dy * dy))
    r = math.sqrt((dx * dx + dy * dy) / 10.0)
    t = math.floor(r + 0.5)
    return t + 1.0 if t < r else t


# ---------------------------------------------------------------------- random numbers
@njit(cache=True)
def _rand(rs: Any) -> float:
    """Uniform in [0, 1) (xorshift64*, state in rs[0]): deterministic for a seed."""
    x = rs[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rs[0] = x
    return float((x * np.uint64(2685821657736338717)) >> np.uint64(11)) / 9007199254740992.0


@njit(cache=True)
def _randint(rs: Any, lo: int, hi: int) -> int:
    """Uniform integer in lo..hi (inclusive)."""
    return lo + min(int(_rand(rs) * (hi - lo + 1)), hi - lo)


# ---------------------------------------------------------------------- route edits
@njit(cache=True)
def _fix_terminals(route: Any, pos: Any, m: int) -> None:
    pos[route[0]] = 0
    if route[m - 1] != route[0]:
        pos[route[m - 1]] = m - 1


@njit(cache=True)
def _insert(P: Any, route: Any, pos: Any, im: Any, fm: Any, u: int, at: int) -> None:
    """Insert node u after position ``at``."""
    kind, mat, xy, s = P[0], P[1], P[2], P[3]
    m = im[0]
    a, b = route[at], route[at + 1]
    fm[0] += _d(kind, mat, xy, a, u) + _d(kind, mat, xy, u, b) - _d(kind, mat, xy, a, b)
    fm[1] += s[u]
    for q in range(m, at + 1, -1):
        route[q] = route[q - 1]
        pos[route[q]] = q
    route[at + 1] = u
    pos[u] = at + 1
    im[0] = m + 1
    _fix_terminals(route, pos, m + 1)


@njit(cache=True)
def _remove(P: Any, route: Any, pos: Any, im: Any, fm: Any, at: int) -> int:
    """Remove the inner node at position ``at``; returns it."""
    kind, mat, xy, s = P[0], P[1], P[2], P[3]
    m = im[0]
    u = route[at]
    a, b = route[at - 1], route[at + 1]
    fm[0] += _d(kind, mat, xy, a, b) - _d(kind, mat, xy, a, u) - _d(kind, mat, xy, u, b)
    fm[1] -= s[u]
    pos[u] = -1
    for q in range(at, m - 1):
        route[q] = route[q + 1]
        pos[route[q]] = q
    im[0] = m - 1
    _fix_terminals(route, pos, m - 1)
    return int(u)


@njit(cache=True)
def _reverse(route: Any, pos: Any, i: int, j: int) -> None:
    """Reverse route[i..j] (inner positions)."""
    while i < j:
        a, b = route[i], route[j]
        route[i], route[j] = b, a
        pos[b], pos[a] = i, j
        i += 1
        j -= 1


@njit(cache=True)
def _length(P: Any, route: Any, m: int) -> float:
    kind, mat, xy = P[0], P[1], P[2]
    total = 0.0
    for q in range(m - 1):
        total += _d(kind, mat, xy, route[q], route[q + 1])
    return total


# ---------------------------------------------------------------------- insertion
@njit(cache=True)
def _cheapest(P: Any, route: Any, pos: Any, m: int, u: int, full: bool) -> tuple[float, int]:
    """Cheapest insertion of u: (extra length, tail position); over every edge on short
    routes (or ``full``), else over the edges next to u's near neighbours on the route."""
    kind, mat, xy, nb = P[0], P[1], P[2], P[4]
    best, at = _INF, -1
    if full or m <= _SMALL_ROUTE:
        for q in range(m - 1):
            a, b = route[q], route[q + 1]
            c = _d(kind, mat, xy, a, u) + _d(kind, mat, xy, u, b) - _d(kind, mat, xy, a, b)
            if c < best:
                best, at = c, q
        return best, at
    for t in range(nb.shape[1]):
        q = pos[nb[u, t]]
        if q < 0:
            continue
        for e in (q - 1, q):
            if e < 0 or e > m - 2:
                continue
            a, b = route[e], route[e + 1]
            c = _d(kind, mat, xy, a, u) + _d(kind, mat, xy, u, b) - _d(kind, mat, xy, a, b)
            if c < best:
                best, at = c, e
    return best, at


@njit(cache=True)
def _greedy(
    P: Any,
    route: Any,
    pos: Any,
    im: Any,
    fm: Any,
    rs: Any,
    noise: float,
    blocked: Any,
    over: int,
    full: bool,
    look: Any,
) -> int:
    """Insert unvisited candidates by best (noisy) score / extra length while they fit;
    the first ``over`` insertions may overrun the budget. Returns how many were inserted."""
    kind, mat, xy, s, cand, limit, tiny = P[0], P[1], P[2], P[3], P[5], P[6], P[7]
    nodes = np.empty(cand.size, dtype=np.int64)
    k = 0
    for u in cand:
        if pos[u] < 0 and not blocked[u]:
            nodes[k] = u
            k += 1
    if k == 0:
        return 0
    nodes = nodes[:k]
    cost = np.empty(k)
    tail = np.empty(k, dtype=np.int64)  # tail node of the best edge (stable under edits)
    weight = np.empty(k)
    alive = np.ones(k, dtype=np.bool_)
    lost = 0
    for t in range(k):
        c, q = _cheapest(P, route, pos, im[0], nodes[t], full)
        cost[t] = c
        tail[t] = route[q] if q >= 0 else -1
        lost += c == _INF
        w = s[nodes[t]]
        if noise > 0.0:
            w *= 1.0 + noise * (2.0 * _rand(rs) - 1.0)
        weight[t] = w
    if lost > 0 and (noise > 0.0 or full):  # no neighbour on the route (in refills and the
        # first route): price over every edge, a random sample of them if many
        share = min(1.0, _LOST_CELLS / (lost * im[0]))
        for t in range(k):
            if cost[t] == _INF and (share >= 1.0 or _rand(rs) < share):
                c, q = _cheapest(P, route, pos, im[0], nodes[t], True)
                cost[t] = c
                tail[t] = route[q] if q >= 0 else -1
    inserted = 0
    while True:
        room = limit - fm[0]
        pick, top = -1, -_INF
        for t in range(k):
            if not alive[t] or cost[t] == _INF:
                continue
            if inserted >= over and cost[t] > room:
                continue
            r = weight[t] / max(cost[t], tiny)
            if r > top:
                top, pick = r, t
        if pick < 0:
            break
        u = nodes[pick]
        at = pos[tail[pick]]
        a, b = route[at], route[at + 1]
        _insert(P, route, pos, im, fm, u, at)
        look[a] = look[u] = look[b] = True
        alive[pick] = False
        inserted += 1
        m = im[0]
        dab = _d(kind, mat, xy, a, u)
        dub = _d(kind, mat, xy, u, b)
        for t in range(k):
            if not alive[t]:
                continue
            v = nodes[t]
            dv = _d(kind, mat, xy, u, v)
            c1 = _d(kind, mat, xy, a, v) + dv - dab
            c2 = dv + _d(kind, mat, xy, v, b) - dub
            if tail[t] == a:  # its best edge (a, b) is gone
                c, q = _cheapest(P, route, pos, m, v, full and m <= _FULL_REPRICE)
                cost[t], tail[t] = c, route[q] if q >= 0 else -1
            if c1 < cost[t]:
                cost[t], tail[t] = c1, a
            if c2 < cost[t]:
                cost[t], tail[t] = c2, u
    return inserted


# ---------------------------------------------------------------------- shortening
@njit(cache=True)
def _two_opt_from(
    P: Any, route: Any, pos: Any, m: int, fm: Any, look: Any, i: int, side: int
) -> bool:
    """The first improving 2-opt move that links a = route[i] to a near neighbour c:
    edges (a, x) and (c, y), with x, y the successors (side 1) or predecessors (side -1)
    of a and c, become (a, c) and (x, y)."""
    kind, mat, xy, nb, eps = P[0], P[1], P[2], P[4], P[8]
    a, x = route[i], route[i + side]
    dax = _d(kind, mat, xy, a, x)
    for t in range(nb.shape[1]):
        c = nb[a, t]
        dac = _d(kind, mat, xy, a, c)
        if dac >= dax:  # neighbours come nearest first: no later one can gain
            return False
        j = pos[c]
        if j < 0 or j + side < 0 or j + side > m - 1 or abs(j - i) < 2:
            continue
        y = route[j + side]
        g = dac + _d(kind, mat, xy, x, y) - dax - _d(kind, mat, xy, c, y)
        if g < -eps:
            lo, hi = min(i, j), max(i, j)
            if side > 0:
                _reverse(route, pos, lo + 1, hi)
            else:
                _reverse(route, pos, lo, hi - 1)
            fm[0] += g
            look[a] = look[x] = look[c] = look[y] = True
            return True
    return False


@njit(cache=True)
def _two_opt(P: Any, route: Any, pos: Any, im: Any, fm: Any, look: Any) -> bool:
    """2-opt over near neighbours, first improvement, don't-look bits (``look[node]``)."""
    m = im[0]
    improved = False
    again = True
    while again:
        again = False
        for i in range(m - 1):
            a = route[i]
            if not look[a]:
                continue
            if _two_opt_from(P, route, pos, m, fm, look, i, 1) or (
                i >= 1 and _two_opt_from(P, route, pos, m, fm, look, i, -1)
            ):
                improved = again = True
            else:
                look[a] = False
    _fix_terminals(route, pos, m)
    return improved


@njit(cache=True)
def _move_segment(route: Any, pos: Any, m: int, i: int, k: int, at: int, rev: bool) -> None:
    """Move route[i .. i+k-1] to just after position ``at`` (outside the segment)."""
    seg = route[i : i + k].copy()
    if rev:
        seg = seg[::-1].copy()
    if at > i:  # shift route[i+k .. at] left by k
        for q in range(i, at - k + 1):
            route[q] = route[q + k]
            pos[route[q]] = q
        base = at - k + 1
    else:  # shift route[at+1 .. i-1] right by k
        for q in range(i + k - 1, at + k, -1):
            route[q] = route[q - k]
            pos[route[q]] = q
        base = at + 1
    for t in range(k):
        route[base + t] = seg[t]
        pos[seg[t]] = base + t
    _fix_terminals(route, pos, m)


@njit(cache=True)
def _or_opt(P: Any, route: Any, pos: Any, im: Any, fm: Any, look: Any) -> bool:
    """Move a run of 1-3 stops next to a near neighbour of one of its ends (either way)."""
    eps, nb, xy, mat, kind = P[8], P[4], P[2], P[1], P[0]
    m, moved, improved = im[0], True, False
    while moved:
        moved, i = False, 1
        while i <= m - 2:
            f = route[i]
            if not look[f]:
                i += 1
                continue
            found = False
            for k in range(1, 4):
                if i + k - 1 > m - 2:
                    break
                last = route[i + k - 1]
                p, nx = route[i - 1], route[i + k]
                gain = (
                    _d(kind, mat, xy, p, f) + _d(kind, mat, xy, last, nx) - _d(kind, mat, xy, p, nx)
                )
                if gain <= eps:
                    continue
                best, best_at, best_rev = eps, -1, False
                for end in range(2):
                    x = f if end == 0 else last
                    for t in range(nb.shape[1]):
                        c = nb[x, t]
                        q = pos[c]
                        if q < 0:
                            continue
                        for e in (q - 1, q):
                            if e < 0 or e > m - 2 or (i - 1 <= e <= i + k - 1):
                                continue
                            a, b = route[e], route[e + 1]
                            dab = _d(kind, mat, xy, a, b)
                            fwd = _d(kind, mat, xy, a, f) + _d(kind, mat, xy, last, b) - dab
                            bwd = _d(kind, mat, xy, a, last) + _d(kind, mat, xy, f, b) - dab
                            rev = bwd < fwd
                            g = gain - (bwd if rev else fwd)
                            if g > best:
                                best, best_at, best_rev = g, e, rev
                if best_at >= 0:
                    a, b = route[best_at], route[best_at + 1]
                    _move_segment(route, pos, m, i, k, best_at, best_rev)
                    fm[0] -= best
                    look[f] = look[last] = look[p] = look[nx] = look[a] = look[b] = True
                    found = True
                    break
            if found:
                improved = moved = True
            else:
                look[f] = False
            i += 1
    return improved


@njit(cache=True)
def _shorten(P: Any, route: Any, pos: Any, im: Any, fm: Any, look: Any) -> None:
    while True:
        _two_opt(P, route, pos, im, fm, look)
        if not _or_opt(P, route, pos, im, fm, look):
            return


# ---------------------------------------------------------------------- exchange
@njit(cache=True)
def _swap(P: Any, route: Any, pos: Any, im: Any, fm: Any, look: Any) -> bool:
    """Exchange a stop for an unvisited candidate near it (more score, or equal score and
    shorter), the newcomer in its place or at its cheapest edge near its neighbours."""
    kind, mat, xy, s, nb, cand, limit, eps = P[0], P[1], P[2], P[3], P[4], P[5], P[6], P[8]
    applied = False
    kk = nb.shape[1]
    ec = np.empty(3)
    ee = np.empty(3, dtype=np.int64)
    for u in cand:
        if pos[u] >= 0:
            continue
        m = im[0]
        # the three cheapest edges next to u's neighbours on the route
        ec[:] = _INF
        ee[:] = -1
        near = False
        for t in range(kk):
            q = pos[nb[u, t]]
            if q < 0:
                continue
            near = True
            for e in (q - 1, q):
                if e < 0 or e > m - 2 or e == ee[0] or e == ee[1] or e == ee[2]:
                    continue
                a, b = route[e], route[e + 1]
                c = _d(kind, mat, xy, a, u) + _d(kind, mat, xy, u, b) - _d(kind, mat, xy, a, b)
                if c < ec[2]:
                    if c < ec[1]:
                        ec[2], ee[2] = ec[1], ee[1]
                        if c < ec[0]:
                            ec[1], ee[1] = ec[0], ee[0]
                            ec[0], ee[0] = c, e
                        else:
                            ec[1], ee[1] = c, e
                    else:
                        ec[2], ee[2] = c, e
        if not near:
            continue
        best_gain, best_len, best_v, best_e = 0.0, _INF, -1, -1
        for t in range(kk):
            qv = pos[nb[u, t]]
            if qv < 1 or qv > m - 2:
                continue
            v = route[qv]
            gain = s[u] - s[v]
            if gain < 0 or gain < best_gain:
                continue
            p, nx = route[qv - 1], route[qv + 1]
            bridge = _d(kind, mat, xy, p, nx)
            base = fm[0] - _d(kind, mat, xy, p, v) - _d(kind, mat, xy, v, nx) + bridge
            c = _d(kind, mat, xy, p, u) + _d(kind, mat, xy, u, nx) - bridge  # in v's place
            e_at = qv - 1
            for r in range(3):
                if ee[r] >= 0 and ee[r] != qv - 1 and ee[r] != qv:
                    if ec[r] < c:
                        c, e_at = ec[r], ee[r]
                    break
            new = base + c
            if new > limit:
                continue
            if gain == 0 and new >= fm[0] - eps:
                continue
            if gain > best_gain or new < best_len:
                best_gain, best_len, best_v, best_e = gain, new, qv, e_at
        if best_v < 0:
            continue
        tail = route[best_e]  # the edge's tail node survives the removal (or is p)
        look[route[best_v - 1]] = look[route[best_v + 1]] = True
        _remove(P, route, pos, im, fm, best_v)
        _insert(P, route, pos, im, fm, u, pos[tail])
        look[u] = look[tail] = look[route[pos[u] + 1]] = True
        applied = True
    return applied


# ---------------------------------------------------------------------- removal
@njit(cache=True)
def _drop_until_feasible(
    P: Any, route: Any, pos: Any, im: Any, fm: Any, keep: int, removed: Any, nrem: int
) -> int:
    """Remove the stops of lowest score per saved length until the route fits; ``keep``
    goes last. Appends to ``removed``; returns its new count."""
    kind, mat, xy, s, limit, tiny = P[0], P[1], P[2], P[3], P[6], P[7]
    while fm[0] > limit and im[0] > 2:
        m = im[0]
        worst, at = _INF, -1
        for q in range(1, m - 1):
            u = route[q]
            if u == keep and m > 3:
                continue
            a, b = route[q - 1], route[q + 1]
            g = _d(kind, mat, xy, a, u) + _d(kind, mat, xy, u, b) - _d(kind, mat, xy, a, b)
            r = s[u] / max(g, tiny)
            if r < worst:
                worst, at = r, q
        if at < 0:
            break
        removed[nrem] = _remove(P, route, pos, im, fm, at)
        nrem += 1
    return nrem


@njit(cache=True)
def local_search(P: Any, route: Any, pos: Any, im: Any, fm: Any, rs: Any, look: Any) -> None:
    """Shorten, insert, exchange, until none of them improves the route."""
    none = np.zeros(pos.size, dtype=np.bool_)
    while True:
        _shorten(P, route, pos, im, fm, look)
        if _greedy(P, route, pos, im, fm, rs, 0.0, none, 0, False, look) > 0:
            continue
        if _swap(P, route, pos, im, fm, look):
            continue
        return


@njit(cache=True)
def construct(P: Any, route: Any, pos: Any, im: Any, fm: Any, rs: Any, look: Any) -> None:
    """The first route: greedy insertion priced over every edge, then the local search."""
    none = np.zeros(pos.size, dtype=np.bool_)
    _greedy(P, route, pos, im, fm, rs, 0.0, none, 0, True, look)
    look[:] = True
    local_search(P, route, pos, im, fm, rs, look)


@njit(cache=True)
def _better_c(score: float, length: float, than_score: float, than_length: float) -> bool:
    return score > than_score or (score == than_score and length < than_length)


@njit(cache=True)
def _ruin(P: Any, tour: Any, look: Any, removed: Any, nrem: int, k: int, at: int, rs: Any) -> int:
    """Remove k stops: the run from position ``at`` on, or (``at`` = 0) k at random.
    Appends them to ``removed``; returns its new count."""
    route, pos, im, fm = tour
    for _ in range(k):
        q = at if at > 0 else _randint(rs, 1, im[0] - 2)
        look[route[q - 1]] = look[route[q + 1]] = True
        removed[nrem] = _remove(P, route, pos, im, fm, q)
        nrem += 1
    return nrem


@njit(cache=True)
def _copy(source: Any, target: Any) -> None:
    """target := source (route, positions, totals)."""
    route, pos, im, fm = target
    pos[route[: im[0]]] = -1
    m = source[2][0]
    route[:m] = source[0][:m]
    pos[route[:m]] = source[1][route[:m]]
    im[:] = source[2]
    fm[:] = source[3]


@njit(cache=True)
def iterate(
    P: Any,
    cur: Any,
    best: Any,
    rs: Any,
    state: Any,
    settings: Any,
    rounds: int,
    stop_at: float,
) -> int:
    """``rounds`` rounds of ruin and recreate (or fewer, once ``best`` reaches ``stop_at``).

    ``cur`` and ``best`` are (route, pos, im, fm) tuples; ``state = [since_best, improved]``;
    ``settings = [p_segment, p_random, p_add_drop, ruin_fraction, ruin_max, accept, reset]``.
    Returns the rounds done.
    """
    cand, limit = P[5], P[6]
    route, pos, im, fm = cur
    bfm = best[3]
    n = pos.size
    look = np.zeros(n, dtype=np.bool_)
    blocked = np.zeros(n, dtype=np.bool_)
    removed = np.empty(n + 2, dtype=np.int64)
    work = (route.copy(), pos.copy(), im.copy(), fm.copy())
    w_route, w_pos, w_im, w_fm = work
    n_cand = max(cand.size, 1)
    p1 = settings[0]
    p2 = p1 + settings[1]
    p3 = p2 + settings[2]
    ruin_max = int(settings[4])
    done = 0
    for _ in range(rounds):
        if bfm[1] >= stop_at:
            break
        done += 1
        _copy(cur, work)
        inner = w_im[0] - 2
        most = max(2, min(inner, 1 + int(inner * settings[3]), ruin_max))
        kind = _rand(rs)
        nrem = 0
        if kind < p1 and inner > 0:  # a run of consecutive stops
            k = min(_randint(rs, 1, most), inner)
            nrem = _ruin(P, work, look, removed, 0, k, _randint(rs, 1, inner - k + 1), rs)
        elif kind < p2 and inner > 0:  # stops at random
            nrem = _ruin(P, work, look, removed, 0, min(_randint(rs, 1, most), inner), 0, rs)
        elif kind < p3 or inner == 0:
            k = _randint(rs, 1, max(2, min(n_cand, 1 + n_cand // 10, ruin_max)))
            _greedy(P, w_route, w_pos, w_im, w_fm, rs, 0.5, blocked, k, False, look)
            look[w_route[: w_im[0]]] = True
            _shorten(P, w_route, w_pos, w_im, w_fm, look)
            nrem = _drop_until_feasible(P, w_route, w_pos, w_im, w_fm, -1, removed, 0)
        else:
            if inner > 0:
                k = _randint(rs, 1, min(inner, 2 * ruin_max))
                nrem = _ruin(P, work, look, removed, 0, k, _randint(rs, 1, inner - k + 1), rs)
            free = 0
            for u in cand:
                if w_pos[u] < 0:
                    free += 1
            if free > 0:
                pick = _randint(rs, 0, free - 1)
                for u in cand:
                    if w_pos[u] < 0:
                        if pick == 0:
                            _c, q = _cheapest(P, w_route, w_pos, w_im[0], u, True)
                            _insert(P, w_route, w_pos, w_im, w_fm, u, q)
                            look[u] = True
                            if w_fm[0] > limit:
                                look[w_route[: w_im[0]]] = True
                                _shorten(P, w_route, w_pos, w_im, w_fm, look)
                                nrem = _drop_until_feasible(
                                    P, w_route, w_pos, w_im, w_fm, u, removed, nrem
                                )
                            break
                        pick -= 1
        for t in range(nrem):
            blocked[removed[t]] = True
        _greedy(P, w_route, w_pos, w_im, w_fm, rs, 0.3, blocked, 0, False, look)
        for t in range(nrem):
            blocked[removed[t]] = False
        local_search(P, w_route, w_pos, w_im, w_fm, rs, look)
        if w_fm[0] > limit:  # pragma: no cover - rounding in the running length
            w_fm[0] = _length(P, w_route, w_im[0])
            nrem = _drop_until_feasible(P, w_route, w_pos, w_im, w_fm, -1, removed, 0)
        if _better_c(w_fm[1], w_fm[0], fm[1], fm[0]) or w_fm[1] >= bfm[1] * (1.0 - settings[5]):
            _copy(work, cur)
        if _better_c(w_fm[1], w_fm[0], bfm[1], bfm[0]):
            _copy(work, best)
            state[0] = 0
            state[1] = 1
            continue
        state[0] += 1
        if state[0] % int(settings[6]) == 0:
            _copy(best, cur)
    return done
