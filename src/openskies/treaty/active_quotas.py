"""Individual active quotas in force for a quota year (Art. III §I ¶6–9; Ann. A §II).

What observing Party A may conduct over observed Party B in year Y is, in order:

1. the distribution recorded for Y that lists A (Art. III §I ¶7; Ann. L §II; an allocation
   to an acceding State, Ann. A §II ¶4, is recorded the same way);
2. where none lists A, the previous year's distribution for A stands (Art. III §I ¶7),
   back to the first distribution (Ann. A §II ¶1, valid from entry into force to the end of
   the following year);
3. plus or minus the transfers recorded for Y (Art. III §I ¶9).

A Party no distribution names has no individual active quota: the answer says which
decision is missing and how to record it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openskies.treaty.citation import Citation
from openskies.treaty.distribution import Request
from openskies.treaty.membership import holders_in_year
from openskies.treaty.model import TreatyData, TreatyFlight

__all__ = [
    "IndividualQuota",
    "distribution_in_force",
    "holder_code_in_year",
    "individual_quota",
    "with_previous_year",
]

STANDS = Citation("Art. III §I ¶7")


@dataclass(frozen=True)
class IndividualQuota:
    """Flights ``observing`` may conduct over ``observed`` in ``year``, and on what basis."""

    observing: str
    observed: str
    year: int
    flights: int
    citation: Citation
    basis: str  # "first distribution", "distribution for YYYY", "none recorded"
    from_year: int | None  # the year of the distribution that stands; None if none
    label: str | None = None  # e.g. a demo distribution's label
    transferred: int = 0

    @property
    def recorded(self) -> bool:
        """True when some distribution names the observing Party."""
        return self.from_year is not None


def _rows_for(
    data: TreatyData, observing: str, year: int
) -> tuple[list[TreatyFlight], Citation, str, int | None, str | None]:
    first = data.first_distribution
    for y in range(year, data.entry_into_force.year - 1, -1):
        for recorded in data.distributions.get(y, ()):
            if observing in recorded.observing:
                rows = [f for f in recorded.flights if f.observing == observing]
                basis = f"distribution for {y}"
                citation = recorded.citation
                if y != year:
                    basis += f", standing in {year} (Art. III §I ¶7)"
                return rows, citation, basis, y, recorded.label
        if y <= first.valid_until.year:
            rows = [f for f in first.flights if f.observing == observing]
            if rows:
                basis = "first distribution"
                if year > first.valid_until.year:
                    basis += f", standing in {year} (Art. III §I ¶7)"
                return rows, first.citation, basis, y, None
    return [], STANDS, "none recorded", None, None


def individual_quota(data: TreatyData, observing: str, observed: str, year: int) -> IndividualQuota:
    """The individual active quota of ``observing`` over ``observed`` for ``year``."""
    rows, citation, basis, from_year, label = _rows_for(data, observing, year)
    flights = sum(f.flights for f in rows if f.observed == observed)
    moved = 0
    for t in data.transfers:
        if t.year != year or t.observed != observed:
            continue
        if t.transferor == observing:
            moved -= t.flights
        if t.recipient == observing:
            moved += t.flights
    return IndividualQuota(
        observing,
        observed,
        year,
        max(flights + moved, 0),
        citation,
        basis,
        from_year,
        label,
        moved,
    )


def distribution_in_force(
    data: TreatyData, year: int, observing: Iterable[str]
) -> dict[tuple[str, str], IndividualQuota]:
    """Every individual active quota of the ``observing`` Parties standing in ``year``."""
    out: dict[tuple[str, str], IndividualQuota] = {}
    for a in sorted(set(observing)):
        rows, *_ = _rows_for(data, a, year)
        targets: dict[str, int] = defaultdict(int)
        for f in rows:
            targets[f.observed] += f.flights
        for t in data.transfers:
            if t.year == year and a in (t.transferor, t.recipient):
                targets[t.observed] += 0
        for b in sorted(targets):
            out[a, b] = individual_quota(data, a, b, year)
    return out


def holder_code_in_year(data: TreatyData, code: str, year: int) -> str:
    """The quota holder a State or holder code stands for in ``year`` (RUS -> BLR-RUS in 2019).

    Raises ``InputError`` naming the code when it holds no quota that year.
    """
    from openskies.treaty.quotas import _holder_in_year

    return _holder_in_year(data, code, year).code


def with_previous_year(
    data: TreatyData, year: int, requests: Sequence[Request]
) -> tuple[list[Request], list[Request]]:
    """Requests for ``year`` with codes resolved to holders, plus the previous year's
    distribution for every observing Party that made no request (Art. III §I ¶7).

    Returns (requests, carried): ``carried`` are the ones taken from the previous year.
    """
    resolved = [
        Request(
            holder_code_in_year(data, r.observing, year),
            holder_code_in_year(data, r.observed, year),
            r.flights,
        )
        for r in requests
    ]
    asking = {r.observing for r in resolved}
    in_force = {h.code for h in holders_in_year(data, year)}
    carried = []
    if year - 1 >= data.entry_into_force.year:
        for (a, b), quota in distribution_in_force(data, year - 1, in_force - asking).items():
            if b in in_force and quota.flights > 0:
                carried.append(Request(a, b, quota.flights))
    return resolved + carried, carried
