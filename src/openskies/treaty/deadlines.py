"""Deadlines of an observation flight and the check of a timeline against them.

From the estimated time of arrival (ETA) at the point of entry and the events that have
happened, every deadline of Art. VI, VIII, IX and Ann. F follows. All times are aware UTC
datetimes; naive ones are refused, since the treaty's hours are absolute.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from openskies.errors import InputError
from openskies.treaty.citation import Citation
from openskies.treaty.findings import Finding
from openskies.treaty.model import TimeLimit, TreatyData

__all__ = [
    "Deadline",
    "DemonstrationBy",
    "FilmFacility",
    "FlightDeadlines",
    "Timeline",
    "check_timeline",
    "flight_deadlines",
    "met_by",
    "require_utc",
]


def require_utc(value: datetime, field_name: str) -> datetime:
    """``value`` as UTC; a naive datetime is refused with the field's name."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{field_name}: a time must carry its UTC offset, e.g. 2026-12-01T09:00:00Z"
        )
    return value.astimezone(UTC)


class DemonstrationBy(StrEnum):
    """Who asked for a demonstration flight (Ann. F §III ¶1–2)."""

    NONE = "none"
    OBSERVED = "observed"  # observed Party: up to 24 h added to the period (¶4)
    OBSERVING = "observing"  # observing Party: within the 96 h (¶5)


class FilmFacility(StrEnum):
    """Whose facility develops the film (Art. IX §II ¶3)."""

    OBSERVED = "observed"
    OBSERVING = "observing"


@dataclass(frozen=True)
class Timeline:
    """What has happened so far in one observation flight (aware UTC datetimes, or None)."""

    notified_at: datetime | None = None
    acknowledged_at: datetime | None = None
    arrived_at: datetime | None = None
    inspection_started_at: datetime | None = None
    inspection_ended_at: datetime | None = None
    demonstration_started_at: datetime | None = None
    demonstration_ended_at: datetime | None = None
    mission_plan_submitted_at: datetime | None = None
    mission_plan_answered_at: datetime | None = None
    mission_plan_agreed_at: datetime | None = None
    planned_start: datetime | None = None  # scheduled commencement in the agreed plan
    flight_started_at: datetime | None = None
    flight_completed_at: datetime | None = None
    arrived_at_exit_at: datetime | None = None  # aircraft at the point of exit
    departed_at: datetime | None = None
    left_territory_at: datetime | None = None
    report_sent_at: datetime | None = None
    film_developed_at: datetime | None = None
    prohibited_at: datetime | None = None
    prohibition_explained_at: datetime | None = None
    declined_at: datetime | None = None
    decline_explained_at: datetime | None = None
    demonstration_delay: timedelta = timedelta(0)
    """Delay in carrying out a request for a demonstration flight caused by weather or by
    the observed Party's aircraft or sensors: not counted against the time allocated
    (Ann. F §III ¶3(D)), so the period ends that much later."""

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, datetime):
                object.__setattr__(self, f.name, require_utc(value, f.name))


@dataclass(frozen=True)
class Deadline:
    """One deadline: the rule, when it falls, and whether it is a latest or an earliest time."""

    rule: str
    at: datetime
    kind: str  # "by" (at the latest) or "not_before" (at the earliest)
    citation: Citation
    text: str

    def as_json(self) -> dict[str, Any]:
        """The deadline as a JSON object."""
        return {
            "rule": self.rule,
            "at": _iso(self.at),
            "kind": self.kind,
            "citation": self.citation.text,
            "text": self.text,
        }


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class FlightDeadlines:
    """Every deadline that follows from the ETA and the events so far."""

    eta: datetime
    deadlines: tuple[Deadline, ...]

    def get(self, rule: str) -> Deadline | None:
        """The deadline for ``rule``, if it follows from what has happened."""
        return next((d for d in self.deadlines if d.rule == rule), None)

    def as_json(self) -> dict[str, Any]:
        """The deadlines as a JSON object: a key per rule, and the full list."""
        out: dict[str, Any] = {"eta": _iso(self.eta)}
        out.update({d.rule: _iso(d.at) for d in self.deadlines})
        out["deadlines"] = [d.as_json() for d in self.deadlines]
        return out


def _span(limit: TimeLimit, on: date) -> timedelta:
    value = limit.on(on)
    if limit.unit == "hours":
        return timedelta(hours=value)
    if limit.unit == "days":
        return timedelta(days=value)
    raise InputError(f"{limit.id}: unit {limit.unit} is not a duration")


def flight_deadlines(
    data: TreatyData,
    eta: datetime,
    timeline: Timeline | None = None,
    demonstration_by: DemonstrationBy = DemonstrationBy.NONE,
    film_facility: FilmFacility | None = None,
) -> FlightDeadlines:
    """Every deadline of one observation flight, from its ETA and the events so far."""
    eta = require_utc(eta, "eta")
    t = timeline or Timeline()
    on = eta.date()
    out: list[Deadline] = []

    def add(
        rule: str,
        limit_id: str,
        start: datetime,
        sign: int = 1,
        kind: str = "by",
        extra: timedelta = timedelta(0),
    ) -> None:
        limit = data.limit(limit_id)
        at = start + sign * _span(limit, on) + extra
        out.append(Deadline(rule, at, kind, limit.citation_on(on), limit.text))

    add("notify_by", "notification_before_eta", eta, sign=-1)
    # Without a notification time, the latest permitted one is assumed.
    notified = t.notified_at or (eta - _span(data.limit("notification_before_eta"), on))
    add("acknowledge_by", "acknowledgement", notified)
    add("arrive_by", "late_arrival", eta)
    extension = (
        _span(data.limit("demonstration_extension"), on)
        if demonstration_by is DemonstrationBy.OBSERVED
        else timedelta(0)
    )
    add("period_ends", "observation_period", eta, extra=extension + t.demonstration_delay)
    if t.inspection_started_at is not None:
        add("inspection_ends_by", "pre_flight_inspection_duration", t.inspection_started_at)
    if t.demonstration_started_at is not None:
        add("demonstration_ends_by", "demonstration_flight_duration", t.demonstration_started_at)
    if t.mission_plan_submitted_at is not None:
        submitted = t.mission_plan_submitted_at
        add("mission_plan_answer_by", "mission_plan_response", submitted)
        add("may_decline_from", "mission_plan_agreement", submitted, kind="not_before")
        add(
            "flight_starts_not_before",
            "flight_start_after_mission_plan",
            submitted,
            kind="not_before",
        )
    if t.flight_completed_at is not None:
        add("depart_by", "departure_after_flight", t.flight_completed_at)
    if t.departed_at is not None:
        add("report_by", "mission_report", t.departed_at)
    if t.prohibited_at is not None:
        add("prohibition_explained_by", "prohibition_explanation", t.prohibited_at)
    if t.declined_at is not None and t.departed_at is not None:
        add("decline_explained_by", "decline_explanation", t.departed_at)
    if film_facility is FilmFacility.OBSERVED and t.arrived_at_exit_at is not None:
        # Art. IX §II ¶3: "after the arrival of the observation aircraft at the point of exit"
        add("film_developed_by", "film_development_observed_facility", t.arrived_at_exit_at)
    if film_facility is FilmFacility.OBSERVING and t.left_territory_at is not None:
        add("film_developed_by", "film_development_observing_facility", t.left_territory_at)
    return FlightDeadlines(eta, tuple(out))


def met_by(t: Timeline) -> dict[str, datetime | None]:
    """Deadline rule -> the event of ``t`` that meets it (None: not happened yet)."""
    return {
        "notify_by": t.notified_at,
        "acknowledge_by": t.acknowledged_at,
        "arrive_by": t.arrived_at,
        "period_ends": t.flight_completed_at,
        "inspection_ends_by": t.inspection_ended_at,
        "demonstration_ends_by": t.demonstration_ended_at,
        "mission_plan_answer_by": t.mission_plan_answered_at,
        "flight_starts_not_before": t.flight_started_at,
        "depart_by": t.departed_at,
        "report_by": t.report_sent_at,
        "film_developed_by": t.film_developed_at,
        "prohibition_explained_by": t.prohibition_explained_at,
        "decline_explained_by": t.decline_explained_at,
    }


def check_timeline(
    data: TreatyData,
    eta: datetime,
    timeline: Timeline,
    demonstration_by: DemonstrationBy = DemonstrationBy.NONE,
    film_facility: FilmFacility | None = None,
    agreed_otherwise: Iterable[str] = (),
    now: datetime | None = None,
) -> list[Finding]:
    """Every breach of a deadline in ``timeline``, each with its rule and citation.

    ``agreed_otherwise`` names rules the Parties agreed to set aside where the treaty allows
    ("unless otherwise agreed"); ``now``, when given, also reports deadlines already passed
    for events that have not happened.
    """
    deadlines = flight_deadlines(data, eta, timeline, demonstration_by, film_facility)
    waived = set(agreed_otherwise)
    t = timeline
    events = met_by(t)
    findings: list[Finding] = []
    for d in deadlines.deadlines:
        if d.rule in waived or d.rule not in events:
            continue
        actual = events[d.rule]
        if actual is None:
            if now is not None and d.kind == "by" and require_utc(now, "now") > d.at:
                findings.append(
                    Finding(
                        d.rule, d.citation, f"{d.rule}: passed at {_iso(d.at)} and not done", d.at
                    )
                )
            continue
        late = actual > d.at if d.kind == "by" else actual < d.at
        if late:
            word = "after" if d.kind == "by" else "before"
            findings.append(
                Finding(
                    d.rule,
                    d.citation,
                    f"{d.rule}: at {_iso(actual)}, {word} {_iso(d.at)}",
                    d.at,
                    actual,
                )
            )
    findings += _inspection_before_flight(data, t, eta, waived)
    return findings


def _inspection_before_flight(
    data: TreatyData, t: Timeline, eta: datetime, waived: set[str]
) -> list[Finding]:
    # Art. VI §I ¶11: measured from the scheduled commencement in the plan, not the start
    rule = "inspection_ends_before_flight"
    if rule in waived or t.inspection_ended_at is None or t.planned_start is None:
        return []
    limit = data.limit("inspection_end_before_flight")
    latest = t.planned_start - _span(limit, eta.date())
    if t.inspection_ended_at <= latest:
        return []
    return [
        Finding(
            rule,
            limit.citation_on(eta.date()),
            f"{rule}: inspection ended at {_iso(t.inspection_ended_at)}, less than "
            f"{limit.on(eta.date())} hours before the scheduled commencement "
            f"{_iso(t.planned_start)}",
            latest,
            t.inspection_ended_at,
        )
    ]
