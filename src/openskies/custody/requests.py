"""Requests for copies of an observation flight's data (Art. IX §IV ¶1), decided by the day.

"Each State Party shall have the right to request and receive from the observing Party
copies of data collected by sensors during an observation flight", as first generation
duplicates; the requesting Party also notifies the observed Party; the request states
(A)-(F). Only a State Party has that right: a State whose withdrawal has taken effect
(Art. XV ¶2), or one that never was a State Party, gets nothing. ``decide`` checks the
requesting Party on the day of the request and again on the day of delivery, so a
withdrawal that takes effect in between stops the delivery.

The observing Party delivers under the treaty; when its own withdrawal has taken effect it
no longer has treaty obligations, and the treaty no longer decides a delivery from it, so
``decide`` refuses that too (derived from Art. IX §IV ¶1 and Art. XV ¶2).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from openskies.custody.annotation import RecordingMedium, SensorDescription
from openskies.custody.errors import TransitionError
from openskies.errors import InputError
from openskies.treaty import Citation, Finding, State, TreatyData, check_in_treaty_period, is_party

__all__ = [
    "REQUEST_TRANSITIONS",
    "CopyDecision",
    "CopyRequest",
    "CopyRequestState",
    "DuplicateMedium",
    "Notification",
    "ObservationPortion",
    "Outcome",
    "check_requesting_party",
    "decide",
    "next_state",
    "parse_copy_request",
]

_STATE_CODE = re.compile(r"[A-Z]{3}")
ACCESS = "Art. IX §IV ¶1"


class DuplicateMedium(StrEnum):
    """Type and format of the duplicate recording medium (Art. IX §IV ¶1(F))."""

    NEGATIVE_FILM = "negative_film"
    POSITIVE_FILM = "positive_film"
    MAGNETIC_TAPE = "magnetic_tape"
    DIGITAL = "digital"  # other recording media, format decided by the OSCC (Art. IX §I ¶1)

    @property
    def is_film(self) -> bool:
        """True for negative or positive film."""
        return self in (DuplicateMedium.NEGATIVE_FILM, DuplicateMedium.POSITIVE_FILM)


@dataclass(frozen=True)
class ObservationPortion:
    """A portion of the observation period during which the data were collected (¶1(E))."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if value.tzinfo is None or value.utcoffset() != timedelta(0):
                raise InputError(f"portions.{name}: must be an aware UTC time")
        if not self.start < self.end:
            raise InputError(
                f"portions: start {self.start.isoformat()} is not before end "
                f"{self.end.isoformat()} ({ACCESS}(E))"
            )


@dataclass(frozen=True)
class CopyRequest:
    """A request for first generation duplicates, with the contents of Art. IX §IV ¶1(A)-(F)."""

    requesting_party: str
    observing_party: str  # (A)
    observed_party: str  # (B)
    flight_date: date  # (C)
    sensor: SensorDescription  # (D)
    portions: tuple[ObservationPortion, ...]  # (E)
    duplicate_medium: DuplicateMedium  # (F)

    def __post_init__(self) -> None:
        for name, sub in (
            ("requesting_party", ""),
            ("observing_party", "(A)"),
            ("observed_party", "(B)"),
        ):
            code = getattr(self, name)
            if not isinstance(code, str) or not _STATE_CODE.fullmatch(code):
                raise InputError(
                    f"{name}: {code!r} is not an ISO 3166 alpha-3 code such as DEU ({ACCESS}{sub})"
                )
        if self.observing_party == self.observed_party:
            raise InputError(
                f"observed_party: the same State as the observing Party ({ACCESS}(A)-(B))"
            )
        if self.requesting_party == self.observing_party:
            raise InputError(
                "requesting_party: copies are requested from the observing Party; it cannot "
                f"request them from itself ({ACCESS})"
            )
        if not self.portions:
            raise InputError(
                f"portions: at least one portion of the observation period ({ACCESS}(E))"
            )
        earliest = datetime.combine(self.flight_date, datetime.min.time(), UTC)
        for i, portion in enumerate(self.portions):
            if portion.start < earliest:
                raise InputError(
                    f"portions[{i}]: starts before the flight date {self.flight_date.isoformat()} "
                    f"({ACCESS}(C), (E))"
                )
        ordered = sorted(self.portions, key=lambda p: p.start)
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise InputError(
                    f"portions: {a.start.isoformat()} and {b.start.isoformat()} overlap"
                )
        medium = self.sensor.medium
        if medium is RecordingMedium.FILM and not self.duplicate_medium.is_film:
            raise InputError(
                f"duplicate_medium: data of {self.sensor} are on film; a first generation "
                f"duplicate is negative or positive film ({ACCESS}(F))"
            )
        if medium is not RecordingMedium.FILM and self.duplicate_medium.is_film:
            raise InputError(
                f"duplicate_medium: data of {self.sensor} are on magnetic tape; a first "
                f"generation duplicate is magnetic tape or digital ({ACCESS}(F))"
            )

    def as_json(self) -> dict[str, Any]:
        """The request as the JSON object ``parse_copy_request`` reads."""
        return {
            "requesting_party": self.requesting_party,
            "observing_party": self.observing_party,
            "observed_party": self.observed_party,
            "flight_date": self.flight_date.isoformat(),
            "sensor": str(self.sensor),
            "portions": [
                {"start": _utc_text(p.start), "end": _utc_text(p.end)} for p in self.portions
            ],
            "duplicate_medium": self.duplicate_medium.value,
        }


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _time(value: Any, field_name: str) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"{field_name}: {value!r} is not an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"{field_name}: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise InputError(f"{field_name}: {value!r} has no UTC offset (write Z)")
    return parsed.astimezone(UTC)


def parse_copy_request(doc: Mapping[str, Any]) -> CopyRequest:
    """Read a copy request from a JSON object; ``InputError`` names the missing or bad field."""
    if not isinstance(doc, Mapping):
        raise InputError("copy request: expected a JSON object")
    keys = {
        "requesting_party",
        "observing_party",
        "observed_party",
        "flight_date",
        "sensor",
        "portions",
        "duplicate_medium",
    }
    contents = {
        "observing_party": "(A)",
        "observed_party": "(B)",
        "flight_date": "(C)",
        "sensor": "(D)",
        "portions": "(E)",
        "duplicate_medium": "(F)",
        "requesting_party": "",
    }
    unknown = sorted(set(doc) - keys)
    if unknown:
        raise InputError(f"copy request: unknown key(s) {', '.join(unknown)}")
    missing = sorted(keys - set(doc))
    if missing:
        key = missing[0]
        raise InputError(f"{key}: missing; a request states it ({ACCESS}{contents[key]})")
    try:
        flight_date = date.fromisoformat(doc["flight_date"])
    except (TypeError, ValueError):
        raise InputError(
            f"flight_date: {doc['flight_date']!r} is not a date YYYY-MM-DD ({ACCESS}(C))"
        ) from None
    try:
        medium = DuplicateMedium(doc["duplicate_medium"])
    except ValueError:
        raise InputError(
            f"duplicate_medium: {doc['duplicate_medium']!r} is not one of "
            f"{', '.join(DuplicateMedium)} ({ACCESS}(F))"
        ) from None
    portions_doc = doc["portions"]
    if not isinstance(portions_doc, list):
        raise InputError(f"portions: expected a list of {{start, end}} ({ACCESS}(E))")
    portions = []
    for i, p in enumerate(portions_doc):
        if not isinstance(p, Mapping) or set(p) != {"start", "end"}:
            raise InputError(f"portions[{i}]: expected an object with start and end")
        portions.append(
            ObservationPortion(
                _time(p["start"], f"portions[{i}].start"), _time(p["end"], f"portions[{i}].end")
            )
        )
    return CopyRequest(
        requesting_party=doc["requesting_party"],
        observing_party=doc["observing_party"],
        observed_party=doc["observed_party"],
        flight_date=flight_date,
        sensor=SensorDescription.parse(doc["sensor"]),
        portions=tuple(portions),
        duplicate_medium=medium,
    )


# ---------------------------------------------------------------------------------------------
# Deciding


class Outcome(StrEnum):
    """What the treaty says to a copy request."""

    DELIVER = "deliver"
    REFUSE = "refuse"


@dataclass(frozen=True)
class Notification:
    """A notice the treaty requires, to whom and why."""

    party: str
    citation: Citation
    message: str


@dataclass(frozen=True)
class CopyDecision:
    """The decision on a copy request: deliver, or refuse with findings that cite the rule."""

    outcome: Outcome
    findings: tuple[Finding, ...]
    notifications: tuple[Notification, ...]
    checked_on: tuple[date, ...]

    @property
    def deliver(self) -> bool:
        """True when the duplicates may be delivered."""
        return self.outcome is Outcome.DELIVER

    def as_json(self) -> dict[str, Any]:
        """The decision as a JSON object."""
        return {
            "outcome": self.outcome.value,
            "findings": [f.as_json() for f in self.findings],
            "notifications": [
                {"party": n.party, "citation": n.citation.text, "message": n.message}
                for n in self.notifications
            ],
            "checked_on": [d.isoformat() for d in self.checked_on],
        }


def _party_finding(data: TreatyData, code: str, on: date, role: str, rule: str) -> Finding | None:
    """None when ``code`` is a State Party on ``on``; otherwise why not, with citations."""
    state: State | None = data.states.get(code)
    what = f"{role} {code}"
    if state is None:
        return Finding(
            rule,
            Citation(f"{ACCESS}; Art. XV ¶2"),
            f"{what} never was a State Party; only States Parties may request and receive "
            "copies of data from observation flights",
        )
    if is_party(state, on):
        return None
    if state.withdrawal_effective is not None and on >= state.withdrawal_effective:
        return Finding(
            rule,
            Citation(f"{ACCESS}; Art. XV ¶2"),
            f"{what} ({state.name}) is not a State Party on {on.isoformat()}: its withdrawal "
            f"took effect on {state.withdrawal_effective.isoformat()}",
        )
    start = state.in_force or state.party_by
    since = f"; the treaty is in force for it from {start.isoformat()}" if start else ""
    return Finding(
        rule,
        Citation(f"{ACCESS}; Art. XVII ¶6"),
        f"{what} ({state.name}) is not yet a State Party on {on.isoformat()}{since}",
    )


def check_requesting_party(request: CopyRequest, on: date, data: TreatyData) -> tuple[Finding, ...]:
    """Why, if at all, the treaty refuses this request on day ``on``.

    Art. IX §IV ¶1: each State Party may request and receive copies from the observing
    Party; Art. XV ¶2: a withdrawn State is no longer a State Party.
    """
    check_in_treaty_period(data, on)
    findings = []
    requester = _party_finding(
        data, request.requesting_party, on, "requesting State", "requester_not_a_party"
    )
    if requester is not None:
        findings.append(requester)
    observing = _party_finding(
        data, request.observing_party, on, "observing Party", "observing_party_not_a_party"
    )
    if observing is not None:
        findings.append(observing)
    return tuple(findings)


def decide(
    request: CopyRequest, on_request_day: date, on_delivery_day: date, data: TreatyData
) -> CopyDecision:
    """Deliver or refuse: checked on the day of the request and again on the day of delivery.

    Art. IX §IV ¶1 (States Parties only; the requesting Party notifies the observed Party),
    Art. XV ¶2 (withdrawal). The observed Party is to be notified in either case.
    """
    if on_request_day < request.flight_date:
        raise InputError(
            f"on_request_day: {on_request_day.isoformat()} is before the observation flight on "
            f"{request.flight_date.isoformat()}"
        )
    if on_delivery_day < on_request_day:
        raise InputError(
            f"on_delivery_day: {on_delivery_day.isoformat()} is before the request on "
            f"{on_request_day.isoformat()}"
        )
    findings = list(check_requesting_party(request, on_request_day, data))
    days = [on_request_day]
    if on_delivery_day != on_request_day:
        days.append(on_delivery_day)
        seen = {(f.rule, f.message) for f in findings}
        for finding in check_requesting_party(request, on_delivery_day, data):
            if (finding.rule, finding.message) not in seen:
                findings.append(finding)
    notice = Notification(
        request.observed_party,
        Citation(ACCESS),
        f"{request.requesting_party} requests copies of data from the observation flight of "
        f"{request.observing_party} over {request.observed_party} on "
        f"{request.flight_date.isoformat()}; the requesting State Party also notifies the "
        "observed Party.",
    )
    return CopyDecision(
        outcome=Outcome.REFUSE if findings else Outcome.DELIVER,
        findings=tuple(findings),
        notifications=(notice,),
        checked_on=tuple(days),
    )


# ---------------------------------------------------------------------------------------------
# Lifecycle


class CopyRequestState(StrEnum):
    """Where a copy request stands."""

    REQUESTED = "requested"  # received by the observing Party (Art. IX §IV ¶1)
    NOTIFIED_OBSERVED = "notified_observed"  # the requesting Party notified the observed Party
    APPROVED = "approved"  # the requester is a State Party on the day of the request
    DELIVERED = "delivered"  # duplicates handed over after the re-check on the day of delivery
    REFUSED = "refused"  # refused: not a State Party on a day checked (Art. XV ¶2)


R = CopyRequestState
REQUEST_TRANSITIONS: Mapping[str, tuple[frozenset[CopyRequestState], CopyRequestState]] = {
    "notify_observed": (frozenset({R.REQUESTED}), R.NOTIFIED_OBSERVED),
    "approve": (frozenset({R.NOTIFIED_OBSERVED}), R.APPROVED),
    "deliver": (frozenset({R.APPROVED}), R.DELIVERED),
    "refuse": (frozenset({R.REQUESTED, R.NOTIFIED_OBSERVED, R.APPROVED}), R.REFUSED),
}
"""step -> (states it may start from, state it leads to)."""


def next_state(state: CopyRequestState, step: str) -> CopyRequestState:
    """The state after ``step``; ``TransitionError`` (citing Art. IX §IV ¶1) if not allowed.

    A request is approved only after the observed Party has been notified, and delivered
    only once approved (the caller runs ``decide`` on the day of delivery first).
    """
    if step not in REQUEST_TRANSITIONS:
        raise InputError(f"step: {step!r} is not one of {', '.join(REQUEST_TRANSITIONS)}")
    sources, target = REQUEST_TRANSITIONS[step]
    if state not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise TransitionError(
            f"cannot {step.replace('_', ' ')} a copy request that is {state.value} "
            f"(only from {allowed})",
            Citation(ACCESS),
        )
    return target
