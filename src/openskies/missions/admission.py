"""Whether a notification of an observation flight is admitted: the rules, as one pure function.

``admit`` takes the notification, what the service counted under its lock and the treaty
data, and returns every rule the notification breaks (none: admitted). It does no I/O;
the mission service locks the quota rows, counts, calls it and stores the outcome.

Rules, in the order they are checked: lead time (Art. VI §I ¶5), States transited
(Art. VII ¶1–2), passive quotas known (Ann. A §I ¶2), the individual active quota of the
distribution in force (Art. III §I ¶6–9; Ann. A §II; group members: Art. III §II ¶2(C)),
the 50 % rule (Art. III §I ¶10), the total active quota (¶5), what the observed Party must
accept (¶4; Ann. A §II), one flight at a time (Art. VI §I ¶3) with the demonstration overlap
(Ann. H ¶2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from openskies.treaty import (
    Citation,
    DemonstrationBy,
    Finding,
    GroupKind,
    TreatyData,
    check_separate_group_overflights,
    fifty_percent_bound,
    group_on,
    is_state_party,
    observed_cap,
    passive_quotas_in_year,
    separate_group_member_cap,
)
from openskies.treaty.active_quotas import IndividualQuota, individual_quota
from openskies.treaty.decisions import missing_passive_quota

__all__ = [
    "Admission",
    "FlightsCounted",
    "Notification",
    "OpenFlight",
    "admit",
    "separate_group_members",
]

FIELDS = {"notify_by": "eta", "transit": "transit", "one_flight_at_a_time": "eta"}
"""The field of the notice each rule is about, for the refusal."""


@dataclass(frozen=True)
class Notification:
    """A notification of intent to conduct an observation flight (Art. VI §I ¶5)."""

    actor: str
    observing: str  # quota holder
    observed: str  # quota holder
    observed_state: str  # the State named in the notice
    observing_members: tuple[str, ...]
    observed_members: tuple[str, ...]
    eta: datetime
    now: datetime
    transit: tuple[str, ...] = ()

    @property
    def quota_year(self) -> int:
        """The calendar year of the ETA: the quota year the flight counts in."""
        return self.eta.year


@dataclass(frozen=True)
class OpenFlight:
    """A counted flight over the observed Party that has not yet been completed."""

    eta: datetime
    demonstration_by: DemonstrationBy = DemonstrationBy.NONE
    others_agreed: bool = False  # the observed Party agreed to accept another meanwhile


@dataclass(frozen=True)
class FlightsCounted:
    """What the service counted, under its lock, for the quota year of the notification."""

    pair: int  # observing over observed
    total_active: int  # all of the observing Party's flights
    accepted: int  # all flights over the observed Party
    open_over_observed: tuple[OpenFlight, ...] = ()
    over_group: Mapping[str, int] = field(default_factory=dict)
    """Flights of the observing Party over each member of the observed Party's group with
    separate quotas (``separate_group_members``), for Art. III §II ¶2(D)."""


@dataclass(frozen=True)
class Admission:
    """The outcome: the rules broken (none: admitted) and the individual quota applied."""

    findings: tuple[Finding, ...]
    quota: IndividualQuota | None = None

    @property
    def admitted(self) -> bool:
        """True when no rule is broken."""
        return not self.findings

    @property
    def field(self) -> str | None:
        """The field of the notice the first broken rule is about."""
        return FIELDS.get(self.findings[0].rule) if self.findings else None


def check_lead_time(data: TreatyData, n: Notification) -> list[Finding]:
    """Art. VI §I ¶5: notice no less than 72 hours before the ETA at the point of entry."""
    hours = data.limit("notification_before_eta").on(n.now.date())
    if n.eta - n.now >= timedelta(hours=hours):
        return []
    away = (n.eta - n.now).total_seconds() / 3600
    return [
        Finding(
            "notify_by",
            Citation("Art. VI §I ¶5"),
            f"notice must be given at least {hours} hours before the ETA; ETA "
            f"{n.eta.isoformat()} is {away:.1f} hours away",
            hours,
            round(away, 1),
        )
    ]


def check_transit(data: TreatyData, n: Notification) -> list[Finding]:
    """Art. VII ¶1–2: a State transited is a third State Party."""
    out = []
    for code in n.transit:
        if code in n.observing_members or code in n.observed_members:
            message = f"{code} is the observing or observed Party, not a State transited"
        elif not is_state_party(data, code, n.now.date()):
            message = f"transit State {code} is not a State Party"
        else:
            continue
        out.append(Finding("transit", Citation("Art. VII ¶1–2"), message))
    return out


def check_quotas(data: TreatyData, n: Notification, counted: FlightsCounted) -> Admission:
    """The quota rules of Art. III and Ann. A for one more flight in the quota year."""
    year = n.quota_year
    passive = passive_quotas_in_year(data, year)
    unknown = [h for h in (n.observing, n.observed) if passive.get(h) is None]
    if unknown:
        return Admission(
            tuple(
                Finding(
                    "passive_quota_known", Citation("Ann. A §I ¶2"), missing_passive_quota(h, year)
                )
                for h in unknown
            )
        )
    pa, pb = passive[n.observing] or 0, passive[n.observed] or 0
    quota = individual_quota(data, n.observing, n.observed, year)
    out: list[Finding] = []
    out += _individual(data, n, counted, quota)
    bound = fifty_percent_bound(pa, pb)
    if counted.pair + 1 > bound:
        out.append(
            Finding(
                "fifty_percent_rule",
                Citation("Art. III §I ¶10"),
                f"{n.observing} has {counted.pair} flights over {n.observed} in {year}; "
                f"at most {bound}",
                bound,
                counted.pair + 1,
            )
        )
    if counted.total_active + 1 > pa:
        out.append(
            Finding(
                "active_not_above_passive",
                Citation("Art. III §I ¶5"),
                f"{n.observing} has used its whole active quota ({pa}) in {year}",
                pa,
                counted.total_active + 1,
            )
        )
    cap = observed_cap(pb, year, data)
    if counted.accepted + 1 > cap:
        out.append(
            Finding(
                "passive_quota",
                Citation("Art. III §I ¶4; Ann. A §II"),
                f"{n.observed} has accepted {counted.accepted} flights in {year}, its "
                f"passive quota allows {cap}",
                cap,
                counted.accepted + 1,
            )
        )
    return Admission(tuple(out), quota)


def _individual(
    data: TreatyData, n: Notification, counted: FlightsCounted, quota: IndividualQuota
) -> list[Finding]:
    year = n.quota_year
    if not quota.recorded:
        return [
            Finding(
                "individual_active_quota",
                Citation("Art. III §I ¶7"),
                f"no distribution of active quotas names {n.observing} for {year} or any "
                "earlier year; once the OSCC's distribution is known, record it with "
                f"`openskies treaty distribution record FILE --year {year}` (docs/decisions.md)",
                0,
                counted.pair + 1,
            )
        ]
    allowed, citation = quota.flights, quota.citation
    group = group_on(data, n.observed_state, n.eta.date())
    if group is not None and group.kind is GroupKind.SEPARATE_QUOTAS:
        allowed, citation = separate_group_member_cap(quota.flights), Citation("Art. III §II ¶2(C)")
    out = _group_total(data, n, counted) if citation.text == "Art. III §II ¶2(C)" else []
    if counted.pair + 1 <= allowed:
        return out
    label = f" [{quota.label}]" if quota.label else ""
    return [
        *out,
        Finding(
            "individual_active_quota",
            citation,
            f"{n.observing} has an individual active quota of {allowed} over {n.observed} "
            f"in {year} ({quota.basis}{label}) and has notified {counted.pair}",
            allowed,
            counted.pair + 1,
        ),
    ]


def separate_group_members(data: TreatyData, n: Notification) -> tuple[str, ...]:
    """The members (each its own quota holder) of the group with separate quotas that the
    observed State belongs to on the ETA (Art. III §II ¶2), or none."""
    group = group_on(data, n.observed_state, n.eta.date())
    if group is None or group.kind is not GroupKind.SEPARATE_QUOTAS:
        return ()
    return tuple(m for m in group.members if is_state_party(data, m, n.eta.date()))


def _group_total(data: TreatyData, n: Notification, counted: FlightsCounted) -> list[Finding]:
    """Art. III §II ¶2(D): a Party that flies 50 % more over one member of the group flies
    less over the others, so that its flights over the group stay within the sum of its
    individual active quotas over all the members in the year."""
    members = separate_group_members(data, n)
    quotas = {m: individual_quota(data, n.observing, m, n.quota_year).flights for m in members}
    planned = {m: counted.over_group.get(m, 0) for m in members}
    planned[n.observed] = planned.get(n.observed, 0) + 1
    found = check_separate_group_overflights(n.observing, planned, quotas)
    return [f for f in found if f.citation.text == "Art. III §II ¶2(D)"]


def check_one_at_a_time(
    data: TreatyData, n: Notification, counted: FlightsCounted
) -> list[Finding]:
    """Art. VI §I ¶3: one flight at a time in the 96-hour period; Ann. H ¶2: up to 24 hours'
    overlap when the observed Party asked for a demonstration flight."""
    day = n.eta.date()
    period = timedelta(hours=data.limit("observation_period").on(day))
    extension = timedelta(hours=data.limit("demonstration_extension").on(day))
    overlap_allowed = timedelta(hours=data.limit("demonstration_overlap").on(day))
    at_once = data.limit("flights_at_one_time").on(day)
    clashing = 0
    for other in counted.open_over_observed:
        if other.others_agreed:  # ¶3: not obliged to accept more, free to by agreement
            continue
        end = other.eta + period
        if other.demonstration_by is DemonstrationBy.OBSERVED:
            end += extension
        overlap = min(end, n.eta + period) - max(other.eta, n.eta)
        if overlap <= timedelta(0):
            continue
        if other.demonstration_by is DemonstrationBy.OBSERVED and overlap <= overlap_allowed:
            continue
        clashing += 1
    if clashing < at_once:
        return []
    return [
        Finding(
            "one_flight_at_a_time",
            Citation("Art. VI §I ¶3"),
            f"{n.observed} need not accept more than {at_once} observation flight at a time "
            f"in the same {period.total_seconds() / 3600:.0f}-hour period",
            at_once,
            clashing + 1,
        )
    ]


def admit(data: TreatyData, n: Notification, counted: FlightsCounted) -> Admission:
    """Every rule the notification breaks, in the order of the module docstring."""
    early = check_lead_time(data, n) + check_transit(data, n)
    quotas = check_quotas(data, n, counted)
    later = check_one_at_a_time(data, n, counted)
    return Admission(tuple(early) + quotas.findings + tuple(later), quotas.quota)
