"""The annual distribution of active quotas (Ann. L §II) and quarterly planning (Ann. H).

``distribute`` turns requests into an allocation that keeps every quota rule:

1. each request is cut to the 50 % rule (Art. III §I ¶10);
2. an observing Party's requests are cut to its total passive quota (Art. III §I ¶5),
   taking from its largest requests first;
3. requests over an observed Party within what it must accept stand (Ann. L §II ¶2);
4. when they exceed it (Ann. L §II ¶3), its capacity is shared by max-min fairness on the
   share of each request granted, reciprocal flights first (Art. III §I ¶3): no request
   can get more without one with a smaller share getting less. Ties go by a reproducible
   lot (a SHA-256 of the seed and the request).

Every cut is explained by a ``Finding`` that cites its paragraph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openskies.errors import InputError
from openskies.treaty.citation import Citation
from openskies.treaty.findings import Finding
from openskies.treaty.quotas import fifty_percent_bound

__all__ = [
    "Allocation",
    "Distribution",
    "PlannedFlight",
    "QuarterPlan",
    "Request",
    "distribute",
    "plan_quarters",
]


@dataclass(frozen=True)
class Request:
    """Flights an observing Party asks to conduct over an observed Party next year."""

    observing: str
    observed: str
    flights: int


@dataclass(frozen=True)
class Allocation:
    """What a request was granted, and why it was cut, if it was."""

    observing: str
    observed: str
    requested: int
    granted: int
    reasons: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class Distribution:
    """A distribution of active quotas for one year."""

    year: int
    allocations: tuple[Allocation, ...]
    caps: Mapping[str, int] = field(default_factory=dict)

    def granted(self, observing: str, observed: str) -> int:
        """Flights granted to ``observing`` over ``observed``."""
        return sum(
            a.granted
            for a in self.allocations
            if (a.observing, a.observed) == (observing, observed)
        )

    def total_active(self, observing: str) -> int:
        """Total active quota of ``observing`` in this distribution."""
        return sum(a.granted for a in self.allocations if a.observing == observing)

    def accepted(self, observed: str) -> int:
        """Flights ``observed`` must accept in this distribution."""
        return sum(a.granted for a in self.allocations if a.observed == observed)


def _lot(seed: str, *parts: object) -> str:
    return hashlib.sha256("|".join([seed, *map(str, parts)]).encode()).hexdigest()


def distribute(
    year: int,
    requests: Iterable[Request],
    passive: Mapping[str, int],
    caps: Mapping[str, int],
    seed: str = "",
) -> Distribution:
    """Allocate ``requests`` for ``year`` within every quota rule, explaining each cut.

    ``passive`` is each holder's total passive quota; ``caps`` what each holder must accept
    as observed Party that year (``observed_cap``: 75 % during the phase-in).
    """
    merged: dict[tuple[str, str], int] = defaultdict(int)
    reasons: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for r in requests:
        if r.flights < 0:
            raise InputError(f"request {r.observing} over {r.observed}: flights must be >= 0")
        merged[r.observing, r.observed] += r.flights
    requested = dict(merged)
    granted = _apply_pair_rules(requested, passive, reasons)
    _apply_observer_rule(granted, passive, reasons)
    _apply_observed_caps(granted, caps, reasons, seed or str(year))
    allocations = tuple(
        Allocation(a, b, requested[a, b], granted[a, b], tuple(reasons[a, b]))
        for a, b in sorted(requested)
    )
    return Distribution(year, allocations, dict(caps))


def _apply_pair_rules(
    requested: Mapping[tuple[str, str], int],
    passive: Mapping[str, int],
    reasons: dict[tuple[str, str], list[Finding]],
) -> dict[tuple[str, str], int]:
    granted = {}
    for (a, b), n in requested.items():
        if a == b or a not in passive or b not in passive:
            who = a if a not in passive else b
            text = (
                f"{a} cannot observe itself" if a == b else f"{who} is not a quota holder in force"
            )
            reasons[a, b].append(Finding("holder_in_force", Citation("Art. I ¶1"), text, 0, n))
            granted[a, b] = 0
            continue
        bound = fifty_percent_bound(passive[a], passive[b])
        if n > bound:
            reasons[a, b].append(
                Finding(
                    "fifty_percent_rule",
                    Citation("Art. III §I ¶10"),
                    f"{a} over {b}: at most {bound} flights (50 % of {a}'s total active quota "
                    f"{passive[a]} or of {b}'s passive quota {passive[b]}, rounded up, "
                    "whichever is less)",
                    bound,
                    n,
                )
            )
        granted[a, b] = min(n, bound)
    return granted


def _apply_observer_rule(
    granted: dict[tuple[str, str], int],
    passive: Mapping[str, int],
    reasons: dict[tuple[str, str], list[Finding]],
) -> None:
    by_observer: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in granted:
        by_observer[key[0]].append(key)
    for a, keys in sorted(by_observer.items()):
        limit = passive.get(a, 0)
        total = sum(granted[k] for k in keys)
        cut: dict[tuple[str, str], int] = defaultdict(int)
        while total > limit:
            largest = max(sorted(keys), key=lambda k: granted[k])
            granted[largest] -= 1
            cut[largest] += 1
            total -= 1
        for key, n in cut.items():
            reasons[key].append(
                Finding(
                    "active_not_above_passive",
                    Citation("Art. III §I ¶5"),
                    f"{a}'s requests exceed its total passive quota {limit}; {n} cut from its "
                    "largest requests",
                    limit,
                    granted[key] + n,
                )
            )


def _apply_observed_caps(
    granted: dict[tuple[str, str], int],
    caps: Mapping[str, int],
    reasons: dict[tuple[str, str], list[Finding]],
    seed: str,
) -> None:
    before = dict(granted)  # reciprocity is judged on requests before any cap cuts them
    by_observed: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in granted:
        by_observed[key[1]].append(key)
    for b, keys in sorted(by_observed.items()):
        demand = {k: granted[k] for k in keys if granted[k] > 0}
        cap = caps.get(b, 0)
        if sum(demand.values()) <= cap:
            continue  # Ann. L §II ¶2: requests within the quota stand
        reciprocal = {k: min(n, before.get((b, k[0]), 0)) for k, n in demand.items()}
        share = _max_min_fair(reciprocal, cap, seed)
        left = cap - sum(share.values())
        rest = _max_min_fair(
            {k: demand[k] - share[k] for k in demand}, left, seed, already=share, demand=demand
        )
        for key, n in demand.items():
            new = share[key] + rest[key]
            if new < n:
                reasons[key].append(
                    Finding(
                        "observed_quota_exceeded",
                        Citation("Ann. L §II ¶3"),
                        f"requests over {b} total {sum(demand.values())}, above the {cap} it must "
                        f"accept; shared by max-min fairness with reciprocal flights first "
                        f"(Art. III §I ¶3): {new} of {n}",
                        cap,
                        n,
                    )
                )
            granted[key] = new


def _max_min_fair(
    wanted: Mapping[tuple[str, str], int],
    capacity: int,
    seed: str,
    already: Mapping[tuple[str, str], int] | None = None,
    demand: Mapping[tuple[str, str], int] | None = None,
) -> dict[tuple[str, str], int]:
    """Give ``capacity`` units one at a time to the request with the smallest granted share."""
    given = dict.fromkeys(wanted, 0)
    base = already or {}
    total = demand or wanted
    for _ in range(max(capacity, 0)):
        open_keys = [k for k in wanted if given[k] < wanted[k]]
        if not open_keys:
            break
        pick = min(
            open_keys,
            key=lambda k: (
                (base.get(k, 0) + given[k]) / total[k],
                base.get(k, 0) + given[k],
                _lot(seed, *k),
            ),
        )
        given[pick] += 1
    return given


@dataclass(frozen=True)
class PlannedFlight:
    """A flight planned for a quarter of the year (Ann. H ¶1)."""

    observing: str
    observed: str
    quarter: int


@dataclass(frozen=True)
class QuarterPlan:
    """The flights kept for each quarter, and those not drawn, with reasons."""

    year: int
    kept: tuple[PlannedFlight, ...]
    not_drawn: tuple[tuple[PlannedFlight, Finding], ...]


def plan_quarters(
    year: int, planned: Sequence[PlannedFlight], cap: int, seed: str = ""
) -> QuarterPlan:
    """Keep at most ``cap`` flights over one State Party in one quarter (Ann. H ¶2).

    ``cap`` is ``quarterly_flights_over_one_state`` of time_limits.yaml (16 in the text).

    Conflicts are settled by consultation, else by drawing lots (Ann. H ¶3): here a lot is
    a SHA-256 of the seed, year, quarter and flight, so the draw is the same for everyone
    who runs it, whatever the order of the input.
    """
    groups: dict[tuple[int, str], list[tuple[str, PlannedFlight]]] = defaultdict(list)
    seen: dict[tuple[str, str, int], int] = defaultdict(int)
    for flight in planned:
        if flight.quarter not in (1, 2, 3, 4):
            raise InputError(f"quarter: must be 1 to 4, got {flight.quarter}")
        key = (flight.observing, flight.observed, flight.quarter)
        seen[key] += 1
        lot = _lot(
            seed or str(year), year, flight.quarter, flight.observing, flight.observed, seen[key]
        )
        groups[flight.quarter, flight.observed].append((lot, flight))
    kept: list[PlannedFlight] = []
    dropped: list[tuple[PlannedFlight, Finding]] = []
    for (quarter, observed), items in sorted(groups.items()):
        ordered = [f for _, f in sorted(items, key=lambda item: item[0])]
        kept += ordered[:cap]
        for flight in ordered[cap:]:
            dropped.append(
                (
                    flight,
                    Finding(
                        "quarterly_cap",
                        Citation("Ann. H ¶2–3"),
                        f"{len(ordered)} flights planned over {observed} in quarter {quarter} of "
                        f"{year}, more than {cap}; not drawn by lot",
                        cap,
                        len(ordered),
                    ),
                )
            )
    return QuarterPlan(year, tuple(kept), tuple(dropped))
