"""Quota rules of Art. III and Ann. A: passive and active quotas, the 50 % rule, groups.

Reading of Art. III §I ¶10 used throughout: an observing Party's "total active quota" is
bounded by its total passive quota (¶5); when no total active quota is given, that bound
is used. (Reading it as the sum of the individual quotas actually distributed would make
the treaty's own first distribution break ¶10: Germany has 4 flights in all and 3 over the
Belarus–Russia group, more than ceil(4 / 2) = 2.)
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from openskies.errors import InputError
from openskies.treaty.citation import Citation
from openskies.treaty.findings import Finding
from openskies.treaty.membership import (
    check_in_treaty_period,
    holder_in_force,
    holders_in_year,
    resolve_state,
)
from openskies.treaty.model import QuotaHolder, TreatyData, TreatyFlight

__all__ = [
    "FlightCount",
    "MaxFlights",
    "Transfer",
    "ceil_half",
    "check_active_not_above_passive",
    "check_distribution",
    "check_separate_group_overflights",
    "check_transfer",
    "count_flight",
    "fifty_percent_bound",
    "first_distribution_quotas",
    "max_flights",
    "observed_cap",
    "passive_quotas_in_year",
    "phase_in_ends",
    "reciprocal_right",
    "separate_group_member_cap",
]

FIFTY_PERCENT = Citation("Art. III §I ¶10")


def ceil_half(n: int) -> int:
    """50 per cent of ``n``, rounded up to the nearest whole number."""
    return (n + 1) // 2


def fifty_percent_bound(total_active: int, observed_total_passive: int) -> int:
    """Most flights one State Party may conduct over another in a year.

    Art. III §I ¶10: 50 % rounded up of its own total active quota or of the other's total
    passive quota, whichever is less (ceil is monotonic, so the order does not matter).
    """
    return min(ceil_half(total_active), ceil_half(observed_total_passive))


def phase_in_ends(data: TreatyData) -> date:
    """Last day of the phase-in: 31 December of the third year after entry into force.

    Art. XVIII §II ¶1.
    """
    years = data.limit("phase_in_years").on(data.entry_into_force)
    return date(data.entry_into_force.year + years, 12, 31)


def observed_cap(passive: int, year: int, data: TreatyData) -> int:
    """Most flights an observed Party must accept in ``year`` under the distributions.

    Ann. A §II ¶1–2: 75 % of its passive quota, rounded down, until full implementation
    (Art. XVIII §II ¶6); its full passive quota afterwards (Ann. A §II ¶3).
    """
    if year <= phase_in_ends(data).year:
        share = Fraction(str(data.first_distribution.cap_fraction))
        return math.floor(passive * share)
    return passive


def check_active_not_above_passive(
    holder: str, total_active: int, total_passive: int
) -> list[Finding]:
    """Art. III §I ¶5: a total active quota must not exceed the total passive quota."""
    if total_active <= total_passive:
        return []
    return [
        Finding(
            "active_not_above_passive",
            Citation("Art. III §I ¶5"),
            f"{holder}: total active quota {total_active} exceeds its total passive quota "
            f"{total_passive}",
            total_passive,
            total_active,
        )
    ]


def reciprocal_right(flights: Mapping[tuple[str, str], int], observing: str, observed: str) -> int:
    """Flights ``observing`` has the right to conduct over ``observed`` by reciprocity.

    Art. III §I ¶3: as many as the other State Party has the right to conduct over it.
    """
    return flights.get((observed, observing), 0)


def passive_quotas_in_year(data: TreatyData, year: int) -> dict[str, int | None]:
    """Passive quota of each holder in force in ``year``; None where no value is known."""
    out: dict[str, int | None] = {}
    for holder in holders_in_year(data, year):
        day = _first_day_in_force(data, holder, year)
        out[holder.code] = holder.passive_quota.value_on(day)
    return out


def _first_day_in_force(data: TreatyData, holder: QuotaHolder, year: int) -> date:
    start = max(date(year, 1, 1), data.entry_into_force)
    candidates = [start] + [
        s.in_force
        for s in data.states.values()
        if s.in_force is not None and s.in_force.year == year
    ]
    for day in sorted(candidates):
        if day >= start and holder_in_force(data, holder, day):
            return day
    return start


@dataclass(frozen=True)
class MaxFlights:
    """The Art. III §I ¶10 bound for one pair of quota holders in one year."""

    observing: str
    observed: str
    year: int
    max: int
    total_active: int
    total_active_basis: str
    observed_total_passive: int
    citation: Citation = FIFTY_PERCENT


def max_flights(
    data: TreatyData,
    observing: str,
    observed: str,
    year: int,
    total_active: int | None = None,
) -> MaxFlights:
    """Most observation flights ``observing`` may conduct over ``observed`` in ``year``."""
    check_in_treaty_period(data, date(year, 12, 31))
    a = _holder_in_year(data, observing, year)
    b = _holder_in_year(data, observed, year)
    if a.code == b.code:
        raise InputError(
            f"{observing} and {observed} are the same quota holder ({a.code}); "
            "observation flights are over the territory of other States Parties "
            "(Art. I ¶1)"
        )
    quotas = passive_quotas_in_year(data, year)
    passive_a, passive_b = quotas[a.code], quotas[b.code]
    if passive_a is None or passive_b is None:
        unknown = a.code if passive_a is None else b.code
        raise InputError(
            f"the passive quota of {unknown} in {year} is not known (set by an "
            "OSCC decision not found in public sources, Ann. A §I ¶2)"
        )
    if total_active is None:
        total_active = passive_a
        basis = "total passive quota of the observing Party (Art. III §I ¶5 ceiling)"
    else:
        if total_active < 0:
            raise InputError("total active quota: must be >= 0")
        if total_active > passive_a:
            raise InputError(
                f"total active quota {total_active} exceeds the total passive "
                f"quota {passive_a} of {a.code} (Art. III §I ¶5)"
            )
        basis = "given"
    return MaxFlights(
        a.code,
        b.code,
        year,
        fifty_percent_bound(total_active, passive_b),
        total_active,
        basis,
        passive_b,
    )


def _holder_in_year(data: TreatyData, code: str, year: int) -> QuotaHolder:
    in_year = {h.code: h for h in holders_in_year(data, year)}
    key = code.strip().upper()
    if key in in_year:
        return in_year[key]
    for holder in in_year.values():
        if key in holder.members:
            return holder
    if key not in data.holders:
        resolve_state(data, code)  # an unknown code gets its own clear error
    raise InputError(f"{key} holds no quota in {year}: not a State Party that year")


def first_distribution_quotas(data: TreatyData) -> dict[str, int]:
    """The passive quotas of the 21 holders of Ann. A §I ¶1, as allocated in 1992."""
    eif = data.entry_into_force
    return {
        code: value
        for code, holder in data.holders.items()
        if holder.passive_quota.first_effective <= eif
        and (value := holder.passive_quota.value_on(eif)) is not None
    }


def check_distribution(
    flights: Iterable[TreatyFlight], passive: Mapping[str, int], caps: Mapping[str, int]
) -> list[Finding]:
    """Check a distribution of active quotas against every quota rule.

    Art. III §I ¶5 (active ≤ passive), ¶10 (50 % rule), Ann. A §II ¶1–3 (what an observed
    Party must accept: ``caps``, see ``observed_cap``). A flight shared by two observing
    Parties counts once against the observed Party and once against each observing Party.
    """
    findings: list[Finding] = []
    active: dict[str, int] = defaultdict(int)
    pair: dict[tuple[str, str], int] = defaultdict(int)
    accepted: dict[str, int] = defaultdict(int)
    for flight in flights:
        for code in (flight.observing, flight.observed):
            if code not in passive:
                findings.append(
                    Finding(
                        "holder_in_force",
                        Citation("Art. III §I ¶1–2"),
                        f"{code} holds no quota in this distribution",
                    )
                )
        active[flight.observing] += flight.flights
        pair[flight.observing, flight.observed] += flight.flights
        if flight.shared_with is None or flight.observing < flight.shared_with:
            accepted[flight.observed] += flight.flights
    for holder, total in sorted(active.items()):
        if holder in passive:
            findings += check_active_not_above_passive(holder, total, passive[holder])
    for (a, b), n in sorted(pair.items()):
        if a in passive and b in passive:
            bound = fifty_percent_bound(passive[a], passive[b])
            if n > bound:
                findings.append(
                    Finding(
                        "fifty_percent_rule",
                        FIFTY_PERCENT,
                        f"{a} over {b}: {n} flights, more than {bound}",
                        bound,
                        n,
                    )
                )
    for b, n in sorted(accepted.items()):
        if b in caps and n > caps[b]:
            findings.append(
                Finding(
                    "observed_cap",
                    Citation("Ann. A §II ¶1–3"),
                    f"{b} must accept {n} flights, more than the {caps[b]} it must accept",
                    caps[b],
                    n,
                )
            )
    return list(dict.fromkeys(findings))


@dataclass(frozen=True)
class Transfer:
    """A transfer of active quota (Art. III §I ¶9)."""

    transferor: str
    recipient: str
    observed: str
    flights: int
    agreed_by_observed: bool
    notified_to_all: bool


def check_transfer(
    transfer: Transfer,
    flights: Mapping[tuple[str, str], int],
    passive: Mapping[str, int],
) -> list[Finding]:
    """Check a transfer of active quota against Art. III §I ¶9 and ¶10.

    ¶9 waives ¶3 and ¶5 for the recipient but keeps the 50 % rule of ¶10; the observed Party
    must agree; all States Parties and the OSCC are to be notified.
    """
    t = transfer
    out: list[Finding] = []
    held = flights.get((t.transferor, t.observed), 0)
    if t.flights <= 0:
        out.append(
            Finding(
                "transfer_positive",
                Citation("Art. III §I ¶9"),
                "a transfer moves at least one flight",
                1,
                t.flights,
            )
        )
    if t.flights > held:
        out.append(
            Finding(
                "transfer_within_quota",
                Citation("Art. III §I ¶9"),
                f"{t.transferor} holds {held} flights over {t.observed}, "
                f"cannot transfer {t.flights}",
                held,
                t.flights,
            )
        )
    if not t.agreed_by_observed:
        out.append(
            Finding(
                "transfer_agreed_by_observed",
                Citation("Art. III §I ¶9"),
                f"a transfer needs the agreement of {t.observed}, the State Party to be overflown",
            )
        )
    if not t.notified_to_all:
        out.append(
            Finding(
                "transfer_notified",
                Citation("Art. III §I ¶9"),
                "a transfer is to be notified promptly to all other States Parties "
                "and the Open Skies Consultative Commission",
            )
        )
    after = flights.get((t.recipient, t.observed), 0) + t.flights
    bound = fifty_percent_bound(passive[t.recipient], passive[t.observed])
    if after > bound:
        out.append(
            Finding(
                "fifty_percent_rule",
                FIFTY_PERCENT,
                f"after the transfer {t.recipient} would have {after} flights over "
                f"{t.observed}, more than {bound} (applied by Art. III §I ¶9)",
                bound,
                after,
            )
        )
    return out


def separate_group_member_cap(individual_quota: int) -> int:
    """Most flights over one member of a group that keeps separate quotas.

    Art. III §II ¶2(C): 50 % more than the individual active quota for that member, rounded
    up, or two flights when no active quota is held for it.
    """
    if individual_quota <= 0:
        return 2
    return individual_quota + ceil_half(individual_quota)


def check_separate_group_overflights(
    observing: str, planned: Mapping[str, int], quotas: Mapping[str, int]
) -> list[Finding]:
    """Check flights planned over the members of an Art. III §II ¶2 group.

    ¶2(C): at most 50 % more over any one member (or 2 without a quota); ¶2(D): the total
    over the group stays within the sum of the individual quotas for all members.
    """
    out: list[Finding] = []
    for member, n in sorted(planned.items()):
        cap = separate_group_member_cap(quotas.get(member, 0))
        if n > cap:
            out.append(
                Finding(
                    "group_member_fifty_percent_more",
                    Citation("Art. III §II ¶2(C)"),
                    f"{observing} over {member}: {n} flights, more than {cap}",
                    cap,
                    n,
                )
            )
    total, allowed = sum(planned.values()), sum(quotas.values())
    if total > allowed:
        out.append(
            Finding(
                "group_total_within_quotas",
                Citation("Art. III §II ¶2(D)"),
                f"{observing} over the group: {total} flights, more than the sum of "
                f"its individual quotas {allowed}",
                allowed,
                total,
            )
        )
    return out


@dataclass(frozen=True)
class FlightCount:
    """How one observation flight counts against quotas."""

    active: int
    passive_each: int
    citation: Citation


def count_flight(common_quota: bool, members_overflown: int) -> FlightCount:
    """Count a flight over ``members_overflown`` members of a group.

    Art. III §II ¶2(B): in a group with separate quotas it counts as many active flights as
    members overflown and one against each member's passive quota; Art. III §II ¶3(C)–(D):
    in a group with common quotas it is one flight against the common quota.
    """
    if members_overflown < 1:
        raise InputError("members overflown: at least one")
    if common_quota:
        return FlightCount(1, 1, Citation("Art. III §II ¶3(D)"))
    return FlightCount(members_overflown, 1, Citation("Art. III §II ¶2(B)"))
