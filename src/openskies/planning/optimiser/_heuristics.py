"""Moves of the orienteering local search (private): insertion, 2-opt, or-opt, swap, drop.

A route is a Python list of point indices, terminals included. Each neighbourhood is
evaluated in one go with numpy; the best move, and every other improving move that does
not interfere with the moves already taken, is applied to the list. Short routes
are searched exhaustively (all pairs of positions); long routes only through the
``k`` nearest neighbours of each point (Johnson & McGeoch 1997: an improving 2-opt or
or-opt move creates an edge between near neighbours), which keeps every evaluation
O(route × k). Route length is kept incrementally; the caller re-measures it exactly
before recording a route.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

__all__: list[str] = []

_INF = float("inf")
_MASK_CACHE_MAX = 256  # routes up to this many points keep their neighbourhood masks
_FULL_ROUTE_MAX = 120  # routes up to this many points: 2-opt and or-opt over all pairs
_FULL_CELLS_MAX = 250_000  # route x candidate cells evaluated exactly before pruning
_REPRICE_CELLS_MAX = 50_000  # same, when re-pricing points whose best edge was just used
_NEIGHBOURS = 12  # nearest neighbours kept per point for long routes
_SWAPS_PER_ROUND = 32  # exchanges tried (re-priced one by one) per swap evaluation
_LARGE_POINTS = 1000  # instances above this size: batched refills, sampled pricing, caps
_LOST_CELLS_MAX = 20_000  # cells priced exactly for points with no neighbour on the route
_LOST_EDGES_MIN = 16  # ... else over this many edges, at least, spread along the route
_SWAP_CELLS_MAX = 40_000  # long routes: exchanges priced for this many route x point cells
_SWAP_MIN_NODES = 16  # ... but for at least this many unvisited points
_BATCH_MIN_NODES = 400  # more unvisited points than this on a long route: insert in rounds
_BATCH_DIV = 2  # ... of at most (route edges / this) points each

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]


_TWO_OPT = np.uint8(1)  # "don't look" bits (Bentley 1992): a point whose surroundings
_OR_OPT = np.uint8(2)  # changed is looked at again by 2-opt / or-opt on long routes
_BOTH = np.uint8(3)


class Tour:
    """A mutable route under search: order, length, score, visited and don't-look flags."""

    __slots__ = ("active", "length", "route", "score", "visited")

    def __init__(
        self,
        route: list[int],
        length: float,
        score: float,
        visited: BoolArray,
        active: npt.NDArray[np.uint8],
    ):
        self.route = route
        self.length = length
        self.score = score
        self.visited = visited
        self.active = active

    def copy(self) -> Tour:
        return Tour(
            list(self.route), self.length, self.score, self.visited.copy(), self.active.copy()
        )

    def key(self) -> tuple[float, float]:
        """Lexicographic quality: more score first, then shorter."""
        return (self.score, -self.length)


def nearest_neighbours(dist: FloatArray, points: IntArray, k: int) -> IntArray:
    """For every point of ``points``, its ``k`` nearest others among ``points`` (n x k).

    Rows of points outside ``points`` are left pointing at ``points[0]`` and unused.
    """
    n = dist.shape[0]
    k = max(0, min(k, points.size - 1))
    table = np.full((n, max(k, 1)), points[0] if points.size else 0, dtype=np.intp)
    if k == 0:
        return table[:, :0]
    chunk = max(1, 4_000_000 // max(points.size, 1))
    for lo in range(0, points.size, chunk):
        rows = points[lo : lo + chunk]
        block = dist[np.ix_(rows, points)].copy()
        block[np.arange(rows.size), np.searchsorted(points, rows)] = _INF
        part = np.argpartition(block, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(block, part, axis=1).argsort(axis=1)
        table[rows] = points[np.take_along_axis(part, order, axis=1)]
    return table


class Moves:
    """Neighbourhoods over one instance (distance matrix, scores, budget, candidates)."""

    def __init__(
        self,
        dist: FloatArray,
        scores: FloatArray,
        start: int,
        end: int,
        limit: float,
        candidates: IntArray,
        rng: np.random.Generator,
        clock: Callable[[], float] = lambda: 0.0,  # no deadline, no clock
        deadline: float = _INF,
    ):
        self.d = dist
        self.n = int(dist.shape[0])
        self.flat = dist.reshape(-1)
        self.s = scores
        self.start = start
        self.end = end
        self.limit = limit
        self.cand = candidates
        self.rng = rng
        self.clock = clock
        self.deadline = deadline
        scale = max(limit, float(dist.max()) if dist.size else 0.0) or 1.0
        self.eps = 1e-11 * scale
        self.tiny = 1e-12 * scale
        self._masks: dict[tuple[int, int], BoolArray] = {}
        points = np.unique(np.concatenate([candidates, [start, end]])).astype(np.intp)
        self.nb = nearest_neighbours(dist, points, _NEIGHBOURS)
        # Instances of more than _LARGE_POINTS points take the long-route paths below
        # (measured: they help above 1,000 points, not at 401-1,000; docs/benchmarks.md).
        self.large = self.n > _LARGE_POINTS

    # ------------------------------------------------------------------ basics
    def out_of_time(self) -> bool:
        """True once the deadline has passed: moves then stop, leaving a feasible route."""
        return self.clock() >= self.deadline

    def _ratio(self, score: FloatArray, extra: FloatArray) -> FloatArray:
        """Score per unit of extra length; a free point (extra <= 0) ranks first."""
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return score / np.maximum(extra, self.tiny)

    def block(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """dist[rows][:, cols] as a new array."""
        return self.flat.take(rows[:, None] * self.n + cols[None, :])

    def pair(self, rows: IntArray, cols: IntArray) -> FloatArray:
        """dist[rows, cols] elementwise (same shapes)."""
        return self.flat.take(rows * self.n + cols)

    def _lower(self, size: int) -> BoolArray:
        """Mask of the entries (i, j) with j < i + 2 of a size x size matrix."""
        key = (size, 0)
        mask = self._masks.get(key)
        if mask is None:
            mask = ~np.triu(np.ones((size, size), dtype=bool), 2)
            if size <= _MASK_CACHE_MAX:
                self._masks[key] = mask
        return mask

    def _touching(self, m: int, k: int) -> BoolArray:
        """Mask (segment start i = 1..m-1-k) x (edge j) of edges touching the segment."""
        key = (m, k)
        mask = self._masks.get(key)
        if mask is None:
            i = np.arange(1, m - k)[:, None]
            j = np.arange(m - 1)[None, :]
            mask = (j >= i - 1) & (j <= i + k - 1)
            if m <= _MASK_CACHE_MAX:
                self._masks[key] = mask
        return mask

    def _edge_index(self, ra: IntArray) -> tuple[IntArray, IntArray]:
        """Per point: index of the route edge it leaves (tail) and enters (head), or -1."""
        m = ra.size
        tail = np.full(self.n, -1, dtype=np.intp)
        head = np.full(self.n, -1, dtype=np.intp)
        tail[ra[:-1]] = np.arange(m - 1)
        head[ra[1:]] = np.arange(m - 1)
        return tail, head

    def empty_tour(self) -> Tour:
        route = [self.start, self.end]
        visited = np.zeros(self.n, dtype=bool)
        active = np.full(self.n, _BOTH, dtype=np.uint8)
        return Tour(route, float(self.d[self.start, self.end]), 0.0, visited, active)

    def unvisited(self, tour: Tour) -> IntArray:
        return self.cand[~tour.visited[self.cand]]

    def insert_at(self, tour: Tour, node: int, edge: int, delta: float) -> None:
        r = tour.route
        tour.active[[r[edge], node, r[edge + 1]]] = _BOTH
        r.insert(edge + 1, node)
        tour.length += delta
        tour.score += float(self.s[node])
        tour.visited[node] = True

    def remove_at(self, tour: Tour, position: int) -> None:
        r = tour.route
        node = r[position]
        d = self.d
        prv, nxt = r[position - 1], r[position + 1]
        tour.active[[prv, nxt]] = _BOTH
        tour.length += float(d[prv, nxt] - d[prv, node] - d[node, nxt])
        tour.score -= float(self.s[node])
        tour.visited[node] = False
        del r[position]

    # ------------------------------------------------------------------ insertion
    def _insertion_exact(self, ra: IntArray, nodes: IntArray) -> tuple[FloatArray, IntArray]:
        cols = self.block(ra, nodes)
        edge = self.pair(ra[:-1], ra[1:])
        costs = cols[:-1] + cols[1:]
        costs -= edge[:, None]
        pos = costs.argmin(axis=0)
        return costs[pos, np.arange(nodes.size)], pos

    def insertion_costs(self, ra: IntArray, nodes: IntArray) -> tuple[FloatArray, IntArray]:
        """Cheapest insertion cost of each node and the edge (index of its tail) where.

        Exact for small problems; otherwise over the edges next to the node's nearest
        neighbours (an actual, feasible position: an upper bound on the cheapest).
        """
        if ra.size * nodes.size <= _FULL_CELLS_MAX or self.nb.shape[1] == 0:
            return self._insertion_exact(ra, nodes)
        cost, pos = self._insertion_near(ra, nodes)
        lost = np.flatnonzero(~np.isfinite(cost))
        if lost.size:
            # No neighbour on the route: price them exactly, or, when that is too
            # many cells, over every s-th edge of the route (a feasible position).
            if not self.large:  # a bounded random sample of them, priced exactly
                room = max(1, _FULL_CELLS_MAX // ra.size)
                if lost.size > room:
                    lost = np.sort(self.rng.choice(lost, size=room, replace=False))
                cost[lost], pos[lost] = self._insertion_exact(ra, nodes[lost])
            elif lost.size * ra.size <= _LOST_CELLS_MAX:
                cost[lost], pos[lost] = self._insertion_exact(ra, nodes[lost])
            else:
                edges = max(_LOST_EDGES_MIN, _LOST_CELLS_MAX // lost.size)
                tails = np.unique(np.linspace(0, ra.size - 2, edges).astype(np.intp))
                a, b = ra[tails], ra[tails + 1]
                u = nodes[lost]
                c = self.block(a, u) + self.block(b, u)
                c -= self.pair(a, b)[:, None]
                at = c.argmin(axis=0)
                cost[lost] = c[at, np.arange(u.size)]
                pos[lost] = tails[at]
        return cost, pos

    def _insertion_near(self, ra: IntArray, nodes: IntArray) -> tuple[FloatArray, IntArray]:
        """Cheapest insertion next to a near neighbour on the route (inf if none is)."""
        tail, head = self._edge_index(ra)
        near = self.nb[nodes]
        edges = np.concatenate([tail[near], head[near]], axis=1)
        valid = edges >= 0
        edges = np.where(valid, edges, 0)
        a = ra[edges]
        b = ra[edges + 1]
        u = nodes[:, None]
        costs = self.pair(a, np.broadcast_to(u, a.shape)) + self.pair(
            b, np.broadcast_to(u, b.shape)
        )
        costs -= self.pair(a, b)
        costs[~valid] = _INF
        best = costs.argmin(axis=1)
        return costs[np.arange(nodes.size), best], edges[np.arange(nodes.size), best]

    def greedy_insert(
        self,
        tour: Tour,
        noise: float = 0.0,
        blocked: BoolArray | None = None,
        ignore_budget_count: int = 0,
    ) -> int:
        """Insert unvisited points by best score / extra-length ratio while they fit.

        ``noise`` multiplies each point's ratio by a random factor in [1-noise, 1+noise]
        (fixed for the call); ``blocked`` points are not inserted; the first
        ``ignore_budget_count`` insertions may overrun the budget.
        """
        nodes = self.unvisited(tour)
        if blocked is not None and nodes.size:
            nodes = nodes[~blocked[nodes]]
        if nodes.size == 0:
            return 0
        d = self.d
        weight = self.s[nodes]
        if (
            self.large
            and nodes.size > _BATCH_MIN_NODES
            and nodes.size * len(tour.route) > _FULL_CELLS_MAX
        ):
            if noise > 0.0:
                weight = weight * self.rng.uniform(1.0 - noise, 1.0 + noise, nodes.size)
            return self._greedy_batched(tour, nodes, weight, ignore_budget_count)
        cost, pos = self.insertion_costs(np.asarray(tour.route, dtype=np.intp), nodes)
        if noise > 0.0:
            weight = weight * self.rng.uniform(1.0 - noise, 1.0 + noise, nodes.size)
        alive = np.ones(nodes.size, dtype=bool)
        inserted = 0
        while True:
            if inserted < ignore_budget_count:
                ok = alive & np.isfinite(cost)
            else:
                ok = alive & (cost <= self.limit - tour.length)
                if inserted % 16 == 15 and self.out_of_time():
                    break
            if not ok.any():
                break
            ratio = np.where(ok, self._ratio(weight, cost), -_INF)
            k = int(ratio.argmax())
            u = int(nodes[k])
            p = int(pos[k])
            r = tour.route
            prv, nxt = r[p], r[p + 1]
            self.insert_at(tour, u, p, float(cost[k]))
            alive[k] = False
            inserted += 1
            # Edge p is replaced by p (prv, u) and p + 1 (u, nxt); later edges shift.
            # Points whose best edge was p fall back to the new edges, and are
            # re-priced over the whole route when that is cheap.
            broken = alive & (pos == p)
            pos[pos > p] += 1
            du = d[u, nodes]
            c1 = d[prv, nodes] + du - d[prv, u]
            c2 = du + d[nxt, nodes] - d[u, nxt]
            cost = np.where(broken, _INF, cost)
            take1 = c1 < cost
            cost = np.where(take1, c1, cost)
            pos = np.where(take1, p, pos)
            take2 = c2 < cost
            cost = np.where(take2, c2, cost)
            pos = np.where(take2, p + 1, pos)
            idx = np.flatnonzero(broken)
            if idx.size:
                ra = np.asarray(r, dtype=np.intp)
                if idx.size * ra.size <= _REPRICE_CELLS_MAX or self.nb.shape[1] == 0:
                    cost[idx], pos[idx] = self._insertion_exact(ra, nodes[idx])
                else:
                    near_cost, near_pos = self._insertion_near(ra, nodes[idx])
                    better = near_cost < cost[idx]
                    cost[idx[better]] = near_cost[better]
                    pos[idx[better]] = near_pos[better]
        return inserted

    def _greedy_batched(
        self, tour: Tour, nodes: IntArray, weight: FloatArray, ignore_budget_count: int
    ) -> int:
        """Greedy insertion in rounds, for many points on a long route.

        Each round prices every point at once (near-neighbour edges, O(points x k)),
        then inserts, in decreasing score / extra-length order, the points whose best
        edges are all different (their costs then add up exactly) while they fit, up
        to half the route's edges per round. The route doubles at most per round, so a
        route of m stops costs O(log m + m / batch) pricings instead of m.
        """
        alive = np.ones(nodes.size, dtype=bool)
        inserted = 0
        while not self.out_of_time():
            live = np.flatnonzero(alive)
            if live.size == 0:
                break
            ra = np.asarray(tour.route, dtype=np.intp)
            cost, pos = self.insertion_costs(ra, nodes[live])
            room = self.limit - tour.length
            free = max(0, ignore_budget_count - inserted)
            ok = np.flatnonzero(np.isfinite(cost) if free else cost <= room)
            if ok.size == 0:
                break
            cap = max(1, (ra.size - 1) // _BATCH_DIV)
            ratio = self._ratio(weight[live[ok]], cost[ok])
            if ok.size > 4 * cap:
                top = np.argpartition(-ratio, 4 * cap - 1)[: 4 * cap]
                ok, ratio = ok[top], ratio[top]
            order = ok[np.argsort(-ratio, kind="stable")]
            used: set[int] = set()
            picks: list[int] = []
            for k in order.tolist():
                edge = int(pos[k])
                c = float(cost[k])
                if edge in used or (len(picks) >= free and c > room):
                    continue
                used.add(edge)
                picks.append(k)
                room -= c
                if len(picks) >= cap:
                    break
            if not picks:
                break
            for k in sorted(picks, key=lambda k: -int(pos[k])):
                self.insert_at(tour, int(nodes[live[k]]), int(pos[k]), float(cost[k]))
            alive[live[picks]] = False
            inserted += len(picks)
        return inserted

    # ------------------------------------------------------------------ shortening
    def two_opt(self, tour: Tour) -> bool:
        """2-opt (segment reversal) until no move shortens the route.

        Each round applies the best move and every other improving move whose reversed
        stretch is disjoint from those already taken (their gains simply add up).
        """
        r = tour.route
        improved = False
        while len(r) >= 4 and not self.out_of_time():
            m = len(r)
            ra = np.asarray(r, dtype=np.intp)
            if m <= _FULL_ROUTE_MAX:
                sub = self.block(ra, ra)
                e = np.diagonal(sub, 1)
                gain = sub[:-1, :-1] + sub[1:, 1:]
                gain -= e[:, None]
                gain -= e[None, :]
                gain[self._lower(m - 1)] = 0.0
                col = gain.argmin(axis=1)
                rows = np.arange(m - 1)
                best = gain[rows, col]
                js = col
            else:
                act = tour.active
                rows = np.flatnonzero((act[ra[:-1]] | act[ra[1:]]) & _TWO_OPT)
                if rows.size == 0:
                    break
                best, js = self._two_opt_near(ra, rows)
                act[ra] &= _OR_OPT
            good = np.flatnonzero(best < -self.eps)
            if good.size == 0:
                break
            order = good[np.argsort(best[good], kind="stable")]
            taken: list[tuple[int, int]] = []
            for row in order.tolist():
                i, j = int(rows[row]), int(js[row])
                if i > j:
                    i, j = j, i
                if all(j < lo or i > hi for lo, hi in taken):
                    taken.append((i, j))
                    tour.active[[r[i], r[i + 1], r[j], r[j + 1]]] = _BOTH
                    r[i + 1 : j + 1] = r[i + 1 : j + 1][::-1]
                    tour.length += float(best[row])
                else:
                    tour.active[[r[i], r[i + 1]]] |= _TWO_OPT
            improved = True
        return improved

    def _two_opt_near(self, ra: IntArray, rows: IntArray) -> tuple[FloatArray, IntArray]:
        """Per edge i of ``rows``: the best 2-opt partner edge among near neighbours."""
        tail, head = self._edge_index(ra)
        a = ra[:-1]
        b = ra[1:]
        e = self.pair(a, b)
        # Edge j whose tail is near a_i, or whose head is near b_i.
        cand = np.concatenate([tail[self.nb[a[rows]]], head[self.nb[b[rows]]]], axis=1)
        i = rows[:, None]
        valid = (cand >= 0) & (np.abs(cand - i) >= 2)
        j = np.where(valid, cand, 0)
        ii = np.broadcast_to(i, j.shape)
        gain = self.pair(a[ii], a[j]) + self.pair(b[ii], b[j])
        gain -= e[ii]
        gain -= e[j]
        gain[~valid] = _INF
        col = gain.argmin(axis=1)
        at = np.arange(rows.size)
        return gain[at, col], j[at, col]

    def or_opt(self, tour: Tour, max_segment: int = 3) -> bool:
        """Move segments of 1..3 points elsewhere (either direction) to shorten the route.

        Applies the best move and every other improving move that touches none of the
        points of the moves already taken (their gains simply add up).
        """
        r = tour.route
        m = len(r)
        if m < 4:
            return False
        ra = np.asarray(r, dtype=np.intp)
        moves: list[tuple[float, int, int, int, bool]] = []
        full = m <= _FULL_ROUTE_MAX
        if not full:
            live = (tour.active[ra] & _OR_OPT) > 0
            if not live.any():
                return False
            tour.active[ra] &= _TWO_OPT
        for k in range(1, max_segment + 1):
            if m - 1 - k < 1:
                break
            if full:
                val, i, j, rev = self._or_opt_full(ra, k)
            else:
                # Segments i..i+k-1 whose ends or neighbours changed.
                near = live[: m - 1 - k] | live[1 : m - k] | live[k : m - 1] | live[k + 1 :]
                rows = np.flatnonzero(near) + 1
                if rows.size == 0:
                    continue
                val, i, j, rev = self._or_opt_near(ra, k, rows)
            good = np.flatnonzero(val < -self.eps)
            moves.extend(
                zip(
                    val[good].tolist(),
                    i[good].tolist(),
                    j[good].tolist(),
                    [k] * good.size,
                    rev[good].tolist(),
                    strict=True,
                )
            )
        if not moves:
            return False
        moves.sort()
        busy = np.zeros(m, dtype=bool)
        plan: list[tuple[float, int, int, list[int], int]] = []
        for gain, at_i, at_j, size, reverse in moves:
            if busy[at_i - 1 : at_i + size + 1].any() or busy[at_j] or busy[at_j + 1]:
                tour.active[r[at_i - 1 : at_i + size + 1]] |= _OR_OPT
                continue
            tour.active[r[at_i - 1 : at_i + size + 1]] = _BOTH
            tour.active[[r[at_j], r[at_j + 1]]] = _BOTH
            busy[at_i - 1 : at_i + size + 1] = True
            busy[at_j] = busy[at_j + 1] = True
            segment = r[at_i : at_i + size]
            if reverse:
                segment.reverse()
            plan.append((gain, r[at_i], size, segment, r[at_j]))
        for gain, first, size, segment, tail in plan:
            at = r.index(first)
            del r[at : at + size]
            at = r.index(tail) + 1
            r[at:at] = segment
            tour.length += gain
        return True

    def _or_opt_full(
        self, ra: IntArray, k: int
    ) -> tuple[FloatArray, IntArray, IntArray, BoolArray]:
        """Per segment start i = 1..m-1-k: best target edge, its gain, and orientation."""
        m = ra.size
        sub = self.block(ra, ra)
        e = np.diagonal(sub, 1)
        # Segment i..i+k-1: first = ra[i], last = ra[i+k-1].
        fwd = sub[1 : m - k, :-1] + sub[k : m - 1, 1:]
        bwd = sub[k : m - 1, :-1] + sub[1 : m - k, 1:]
        removal = e[: m - 1 - k] + e[k:] - np.diagonal(sub, k + 1)
        rev = bwd < fwd
        delta = np.where(rev, bwd, fwd)
        delta -= e[None, :]
        delta -= removal[:, None]
        delta[self._touching(m, k)] = _INF
        rows = np.arange(m - 1 - k)
        col = delta.argmin(axis=1)
        return delta[rows, col], rows + 1, col, rev[rows, col]

    def _or_opt_near(
        self, ra: IntArray, k: int, i: IntArray
    ) -> tuple[FloatArray, IntArray, IntArray, BoolArray]:
        """Per segment start of ``i``: best target edge among near neighbours of its ends."""
        tail, head = self._edge_index(ra)
        e = self.pair(ra[:-1], ra[1:])
        first = ra[i]
        last = ra[i + k - 1]
        removal = e[i - 1] + e[i + k - 1] - self.pair(ra[i - 1], ra[i + k])
        nf = self.nb[first]
        if k == 1:
            cand = np.concatenate([tail[nf], head[nf]], axis=1)
        else:
            nl = self.nb[last]
            cand = np.concatenate([tail[nf], head[nf], tail[nl], head[nl]], axis=1)
        col = i[:, None]
        valid = (cand >= 0) & ((cand < col - 1) | (cand > col + k - 1))
        j = np.where(valid, cand, 0)
        a = ra[j]
        b = ra[j + 1]
        f = np.broadcast_to(first[:, None], j.shape)
        t = np.broadcast_to(last[:, None], j.shape)
        fwd = self.pair(a, f) + self.pair(t, b)
        bwd = self.pair(a, t) + self.pair(f, b)
        rev = bwd < fwd
        delta = np.where(rev, bwd, fwd)
        delta -= e[j]
        delta -= removal[:, None]
        delta[~valid] = _INF
        rows = np.arange(i.size)
        best = delta.argmin(axis=1)
        return delta[rows, best], i, j[rows, best], rev[rows, best]

    def shorten(self, tour: Tour) -> None:
        """2-opt and or-opt to a local optimum of the route length (same points)."""
        while not self.out_of_time():
            self.two_opt(tour)
            if not self.or_opt(tour):
                return

    # ------------------------------------------------------------------ exchange
    def swap(self, tour: Tour) -> bool:
        """Best 1-1 exchange of a visited point for an unvisited one that fits the budget.

        Improving means more score, or equal score and a shorter route. On large
        problems only the unvisited points of best score / insertion-cost ratio are tried.
        """
        r = tour.route
        m = len(r)
        if m < 3:
            return False
        nodes = self.unvisited(tour)
        if nodes.size == 0:
            return False
        ra = np.asarray(r, dtype=np.intp)
        if m * nodes.size > _FULL_CELLS_MAX:
            if self.large:
                room = max(_SWAP_MIN_NODES, _SWAP_CELLS_MAX // m)
            else:
                room = max(1, _FULL_CELLS_MAX // m)
            cost, _ = self.insertion_costs(ra, nodes)
            ratio = self._ratio(self.s[nodes], cost)
            nodes = nodes[np.argpartition(-ratio, room - 1)[:room]]
        cols = self.block(ra, nodes)
        e = self.pair(ra[:-1], ra[1:])
        ins = cols[:-1] + cols[1:]
        ins -= e[:, None]  # edges x nodes
        inf_row = np.full((1, nodes.size), _INF)
        pre = np.vstack([inf_row, np.minimum.accumulate(ins, axis=0)])
        suf = np.vstack([np.minimum.accumulate(ins[::-1], axis=0)[::-1], inf_row])
        # Removing the point at position i (1..m-2) destroys edges i-1 and i.
        other = np.minimum(pre[0 : m - 2], suf[2:m])
        mid = ra[1:-1]
        bridge = self.pair(ra[:-2], ra[2:])
        direct = cols[:-2] + cols[2:]
        direct -= bridge[:, None]
        removal = e[:-1] + e[1:] - bridge
        new_length = (tour.length - removal)[:, None] + np.minimum(other, direct)
        gain = self.s[nodes][None, :] - self.s[mid][:, None]
        fits = new_length <= self.limit
        better = (gain > 0) | ((gain == 0) & (new_length < tour.length - self.eps))
        ok = fits & better
        if not ok.any():
            return False
        # Per unvisited point, its best partner: most score gained, then shortest route.
        top = np.where(ok, gain, -_INF)
        col_gain = top.max(axis=0)
        col_len = np.where(ok & (gain == col_gain[None, :]), new_length, _INF)
        col_row = col_len.argmin(axis=0)
        col_len = col_len[col_row, np.arange(nodes.size)]
        live = np.flatnonzero(np.isfinite(col_len))
        order = live[np.lexsort((col_len[live], -col_gain[live]))][:_SWAPS_PER_ROUND]
        # Apply the best exchange, then the next ones that still improve once re-priced.
        applied = False
        for k in order.tolist():
            v = int(mid[col_row[k]])
            u = int(nodes[k])
            if not tour.visited[v]:
                continue
            at = r.index(v)
            length, score = tour.length, tour.score
            self.remove_at(tour, at)
            cost, pos = self._insertion_exact(
                np.asarray(r, dtype=np.intp), np.array([u], dtype=np.intp)
            )
            new = tour.length + float(cost[0])
            delta = float(self.s[u] - self.s[v])
            if new <= self.limit and (delta > 0 or (delta == 0 and new < length - self.eps)):
                self.insert_at(tour, u, int(pos[0]), float(cost[0]))
                applied = True
            else:  # undo
                r.insert(at, v)
                tour.length, tour.score = length, score
                tour.visited[v] = True
        return applied

    # ------------------------------------------------------------------ removal
    def removal_gains(self, tour: Tour) -> FloatArray:
        ra = np.asarray(tour.route, dtype=np.intp)
        prv, mid, nxt = ra[:-2], ra[1:-1], ra[2:]
        return self.pair(prv, mid) + self.pair(mid, nxt) - self.pair(prv, nxt)

    def drop_until_feasible(self, tour: Tour, keep: int = -1) -> list[int]:
        """Remove the points of lowest score / saved-length ratio until the route fits.

        The point ``keep`` (if on the route) is removed last.
        """
        dropped: list[int] = []
        while tour.length > self.limit and len(tour.route) > 2:
            gains = self.removal_gains(tour)
            mid = np.asarray(tour.route[1:-1], dtype=np.intp)
            ratio = self._ratio(self.s[mid], gains)
            if keep >= 0 and len(mid) > 1:
                ratio[mid == keep] = _INF
            pos = int(ratio.argmin()) + 1
            dropped.append(tour.route[pos])
            self.remove_at(tour, pos)
        return dropped

    def force_insert(self, tour: Tour, node: int) -> list[int]:
        """Insert ``node`` at its cheapest place, then drop others until the route fits."""
        cost, pos = self._insertion_exact(
            np.asarray(tour.route, dtype=np.intp), np.array([node], dtype=np.intp)
        )
        self.insert_at(tour, node, int(pos[0]), float(cost[0]))
        if tour.length <= self.limit:
            return []
        self.shorten(tour)
        return self.drop_until_feasible(tour, keep=node)

    def remove_positions(self, tour: Tour, positions: list[int]) -> list[int]:
        removed = []
        for pos in sorted(positions, reverse=True):
            removed.append(tour.route[pos])
            self.remove_at(tour, pos)
        return removed

    # ------------------------------------------------------------------ search
    def local_search(self, tour: Tour) -> None:
        """Shorten, insert, exchange, until none of them improves the route."""
        while not self.out_of_time():
            self.shorten(tour)
            if self.greedy_insert(tour):
                continue
            if self.swap(tour):
                continue
            return
