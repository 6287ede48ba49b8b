"""An observation flight as a state machine, each step checked against the treaty's clock.

States and their order follow Art. VI: notification (§I ¶5) → acknowledgement (¶6) →
arrival at the point of entry → mission plan (§II ¶1) → acceptance or proposed changes
(¶6) → agreement → flight → departure (§I ¶20) → mission report (¶21). Prohibited
(Art. VIII §I ¶1-3) and declined (Art. VIII §I ¶5) flights end early and do not count.

The aggregate records what happened and the events it produced; it does no I/O. Late
steps the treaty still expects (a late acknowledgement, a late report) are accepted and
recorded as breaches; steps the treaty forbids are refused with their citation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from openskies.missions.errors import Refusal, WrongState
from openskies.treaty import (
    CountDecision,
    CurtailmentCause,
    DemonstrationBy,
    Finding,
    FlightOutcome,
    Timeline,
    TreatyData,
    check_timeline,
    counts_against_quotas,
    require_utc,
)

__all__ = [
    "AFTER_FLIGHT",
    "BEFORE_FLIGHT",
    "TRANSITIONS",
    "Event",
    "FlightState",
    "ObservationFlight",
]


class FlightState(StrEnum):
    """Where an observation flight stands."""

    NOTIFIED = "notified"  # notice of intent given (Art. VI §I ¶5)
    ACKNOWLEDGED = "acknowledged"  # receipt acknowledged by the observed Party (¶6)
    ARRIVED = "arrived"  # the observing Party is at the point of entry
    PLAN_SUBMITTED = "mission_plan_submitted"  # mission plan submitted (§II ¶1)
    CHANGES_PROPOSED = "changes_proposed"  # observed Party proposed changes (§II ¶6)
    AGREED = "agreed"  # mission plan signed by both Parties (§II ¶6)
    IN_FLIGHT = "in_flight"  # observation flight under way
    COMPLETED = "completed"  # observation flight completed (§I ¶9)
    DEPARTED = "departed"  # observing Party left from the point of exit (§I ¶20)
    REPORT_SIGNED = "report_signed"  # mission report signed by the observing Party (§I ¶21)
    REPORTED = "reported"  # mission report signed and sent to all (§I ¶21)
    PROHIBITED = "prohibited"  # prohibited by the observed Party: not counted (Art. VIII §I ¶3)
    DECLINED = "declined"  # declined by the observing Party: not counted (Art. VIII §I ¶5)
    CANCELLED = "cancelled"  # not flown after inspection/demonstration (Ann. F §I ¶8–9, §III ¶8)
    CURTAILED_NOT_COUNTED = "curtailed_not_counted"  # Art. VIII §II ¶5: observing Party chose


S = FlightState
BEFORE_FLIGHT = frozenset({S.ARRIVED, S.PLAN_SUBMITTED, S.CHANGES_PROPOSED, S.AGREED})
"""From arrival to the start of the flight: inspections and demonstrations (Ann. F)."""
AFTER_FLIGHT = frozenset({S.COMPLETED, S.DEPARTED, S.REPORT_SIGNED, S.REPORTED})
"""After the observation flight: its data exist and are handed over (Art. IX §I ¶2), and it
no longer occupies the observed Party (Art. VI §I ¶3)."""

TRANSITIONS: dict[str, tuple[frozenset[FlightState], FlightState | None]] = {
    "acknowledge": (frozenset({S.NOTIFIED}), S.ACKNOWLEDGED),
    "arrive": (frozenset({S.NOTIFIED, S.ACKNOWLEDGED}), S.ARRIVED),
    "submit_mission_plan": (frozenset({S.ARRIVED, S.CHANGES_PROPOSED}), S.PLAN_SUBMITTED),
    "accept_mission_plan": (frozenset({S.PLAN_SUBMITTED}), S.AGREED),
    "propose_changes": (frozenset({S.PLAN_SUBMITTED}), S.CHANGES_PROPOSED),
    "accept_changes": (frozenset({S.CHANGES_PROPOSED}), S.AGREED),
    "decline": (frozenset({S.PLAN_SUBMITTED, S.CHANGES_PROPOSED}), S.DECLINED),
    "prohibit": (
        frozenset(
            {S.NOTIFIED, S.ACKNOWLEDGED, S.ARRIVED, S.PLAN_SUBMITTED, S.CHANGES_PROPOSED, S.AGREED}
        ),
        S.PROHIBITED,
    ),
    "start_flight": (frozenset({S.AGREED}), S.IN_FLIGHT),
    "complete_flight": (frozenset({S.IN_FLIGHT}), S.COMPLETED),
    "depart": (frozenset({S.COMPLETED}), S.DEPARTED),
    "report": (frozenset({S.DEPARTED}), S.REPORT_SIGNED),
    "sign_report": (frozenset({S.REPORT_SIGNED}), S.REPORTED),
    # the rest of the flight (Ann. F; Art. VIII): None = the state does not change
    "start_inspection": (BEFORE_FLIGHT, None),
    "end_inspection": (BEFORE_FLIGHT, None),
    "start_demonstration": (BEFORE_FLIGHT, None),
    "end_demonstration": (BEFORE_FLIGHT, None),
    "cancel": (BEFORE_FLIGHT, S.CANCELLED),
    "curtail": (frozenset({S.IN_FLIGHT}), None),  # COMPLETED, or CURTAILED_NOT_COUNTED
    "explain_prohibition": (frozenset({S.PROHIBITED}), None),
    "explain_decline": (frozenset({S.DECLINED}), None),
}
"""step -> (states it may start from, state it leads to; None: it stays)."""

COUNTED_STATES = frozenset(S) - {S.PROHIBITED, S.DECLINED, S.CANCELLED, S.CURTAILED_NOT_COUNTED}
"""States in which a flight counts against quotas (Art. III §I ¶8; Art. VIII)."""

# Reasons for which the observed Party may propose changes (Art. VI §II ¶6, Art. VIII §I ¶4).
CHANGE_GROUNDS = frozenset(
    {"weather", "airfield_status", "plan_not_conforming", "hazardous_airspace"}
)

# Grounds on which the observed Party may prohibit a flight: ground -> (label, citation).
PROHIBITION_GROUNDS = {
    "late_arrival": ("Late arrival at the point of entry", "Art. VIII §I ¶2"),
    "treaty_breach": ("Not in compliance with the treaty", "Art. VIII §I ¶1"),
}


@dataclass(frozen=True)
class Event:
    """Something that happened to a flight, as recorded."""

    step: str
    at: datetime
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)
    breaches: tuple[Finding, ...] = ()


@dataclass
class ObservationFlight:
    """One observation flight: who, when, where it stands, and what happened."""

    id: str
    observing: str
    observed: str
    eta: datetime
    notified_at: datetime
    state: FlightState = S.NOTIFIED
    transit: tuple[str, ...] = ()
    demonstration_by: DemonstrationBy = DemonstrationBy.NONE
    agreed_otherwise: set[str] = field(default_factory=set)
    times: dict[str, datetime] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.eta = require_utc(self.eta, "eta")
        self.notified_at = require_utc(self.notified_at, "notified_at")
        self.times.setdefault("notified_at", self.notified_at)

    @property
    def counted(self) -> bool:
        """Whether the flight counts against the quotas (Art. III §I ¶8; Art. VIII)."""
        return self.state in COUNTED_STATES

    @property
    def quota_year(self) -> int:
        """The calendar year of the ETA: the quota year the flight counts in."""
        return self.eta.year

    def timeline(self) -> Timeline:
        """The events so far as a treaty timeline."""
        return Timeline(
            **{k: v for k, v in self.times.items() if k in Timeline.__dataclass_fields__}
        )

    def breaches(self, data: TreatyData, now: datetime | None = None) -> list[Finding]:
        """Every deadline missed so far (or, with ``now``, passed and not done)."""
        return check_timeline(
            data,
            self.eta,
            self.timeline(),
            self.demonstration_by,
            agreed_otherwise=self.agreed_otherwise,
            now=now,
        )

    def _step(
        self,
        step: str,
        at: datetime,
        actor: str,
        data: TreatyData,
        payload: dict[str, Any] | None = None,
        time_key: str | None = None,
        also: tuple[str, ...] = (),
    ) -> Event:
        at = require_utc(at, "at")
        sources, target = TRANSITIONS[step]
        if self.state not in sources:
            raise WrongState.one(
                "flight_state",
                "Art. VI",
                f"cannot {step.replace('_', ' ')}: the flight is {self.state.value}; this step "
                f"follows {', '.join(sorted(s.value for s in sources))}",
            )
        before = {(b.rule, b.message) for b in self.breaches(data)}
        if time_key is not None:
            self.times[time_key] = at
        for key in also:
            self.times.setdefault(key, at)
        new = tuple(b for b in self.breaches(data) if (b.rule, b.message) not in before)
        self.state = target if target is not None else self.state
        event = Event(step, at, actor, payload or {}, new)
        self.events.append(event)
        return event

    # --- the steps -------------------------------------------------------------------

    def acknowledge(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observed Party acknowledges receipt (within 24 hours: Art. VI §I ¶6)."""
        return self._step("acknowledge", at, actor, data, time_key="acknowledged_at")

    def arrive(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observing Party arrives at the point of entry (late after 24 h: Art. VIII §I ¶2)."""
        return self._step("arrive", at, actor, data, time_key="arrived_at")

    def submit_mission_plan(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        planned_start: datetime,
        plan: dict[str, Any],
    ) -> Event:
        """The observing Party submits a mission plan (Art. VI §II ¶1, ¶4)."""
        planned_start = require_utc(planned_start, "planned_start")
        earliest = at + timedelta(hours=data.limit("flight_start_after_mission_plan").on(at.date()))
        if planned_start < earliest and "flight_starts_not_before" not in self.agreed_otherwise:
            raise Refusal.one(
                "flight_starts_not_before",
                "Art. VI §II ¶4(E)",
                f"planned start {planned_start.isoformat()} is less than 24 hours after the "
                f"submission at {at.isoformat()}, and no other time was agreed",
                field="planned_start",
            )
        event = self._step(
            "submit_mission_plan",
            at,
            actor,
            data,
            {"planned_start": planned_start.isoformat(), "plan": plan},
            also=("mission_plan_submitted_at",),
        )
        self.times["planned_start"] = planned_start
        return event

    def accept_mission_plan(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observed Party accepts and signs (within 4 hours: Art. VI §II ¶6)."""
        return self._step(
            "accept_mission_plan",
            at,
            actor,
            data,
            time_key="mission_plan_agreed_at",
            also=("mission_plan_answered_at",),
        )

    def propose_changes(
        self, at: datetime, actor: str, data: TreatyData, grounds: str, changes: dict[str, Any]
    ) -> Event:
        """The observed Party proposes changes, on the grounds of Art. VIII §I ¶4 only."""
        if grounds not in CHANGE_GROUNDS:
            raise Refusal.one(
                "change_grounds",
                "Art. VI §II ¶6; Art. VIII §I ¶4",
                f"changes may be proposed only for {', '.join(sorted(CHANGE_GROUNDS))}, "
                f"not {grounds!r}",
                field="grounds",
            )
        return self._step(
            "propose_changes",
            at,
            actor,
            data,
            {"grounds": grounds, "changes": changes},
            also=("mission_plan_answered_at",),
        )

    def accept_changes(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observing Party accepts the changes: the plan is agreed and signed."""
        return self._step("accept_changes", at, actor, data, time_key="mission_plan_agreed_at")

    def decline(self, at: datetime, actor: str, data: TreatyData, reason: str) -> Event:
        """The observing Party declines 8 hours after the original submission without
        agreement (Art. VIII §I ¶5); the flight is not counted."""
        submitted = self.times.get("mission_plan_submitted_at")
        hours = data.limit("mission_plan_agreement").on(require_utc(at, "at").date())
        if submitted is None or at < submitted + timedelta(hours=hours):
            raise Refusal.one(
                "may_decline_from",
                "Art. VIII §I ¶5",
                f"the observing Party may decline only {hours} hours after the original "
                "submission of the mission plan without agreement",
            )
        return self._step("decline", at, actor, data, {"reason": reason}, time_key="declined_at")

    def prohibit(
        self, at: datetime, actor: str, data: TreatyData, grounds: str, facts: str
    ) -> Event:
        """The observed Party prohibits the flight (Art. VIII §I ¶1-2); not counted (¶3)."""
        at = require_utc(at, "at")
        if grounds == "late_arrival":
            late = self.eta + timedelta(hours=data.limit("late_arrival").on(at.date()))
            arrived = self.times.get("arrived_at")
            if "arrive_by" in self.agreed_otherwise or (arrived or at) <= late:
                raise Refusal.one(
                    "late_arrival",
                    "Art. VIII §I ¶2",
                    "a flight may be prohibited for late arrival only when the observing Party "
                    f"is not at the point of entry by {late.isoformat()}",
                    field="grounds",
                )
        elif grounds != "treaty_breach":
            raise Refusal.one(
                "prohibition_grounds",
                "Art. VIII §I ¶1–2",
                "grounds must be late_arrival or treaty_breach",
                field="grounds",
            )
        if not facts.strip():
            raise Refusal.one(
                "prohibition_facts",
                "Art. VIII §I ¶3",
                "the facts for a prohibition are stated at once",
                field="facts",
            )
        return self._step(
            "prohibit",
            at,
            actor,
            data,
            {"grounds": grounds, "facts": facts},
            time_key="prohibited_at",
        )

    def start_flight(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observation flight starts, not before 24 h after the mission plan was submitted
        unless otherwise agreed (Art. VI §II ¶4(E))."""
        submitted = self.times.get("mission_plan_submitted_at")
        at = require_utc(at, "at")
        hours = data.limit("flight_start_after_mission_plan").on(at.date())
        if (
            submitted is not None
            and at < submitted + timedelta(hours=hours)
            and "flight_starts_not_before" not in self.agreed_otherwise
        ):
            raise Refusal.one(
                "flight_starts_not_before",
                "Art. VI §II ¶4(E)",
                f"the flight may start {hours} hours after the mission plan was submitted "
                f"({(submitted + timedelta(hours=hours)).isoformat()}), unless otherwise agreed",
            )
        return self._step("start_flight", at, actor, data, time_key="flight_started_at")

    def complete_flight(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observation flight is completed (within the 96-hour period: Art. VI §I ¶9)."""
        return self._step("complete_flight", at, actor, data, time_key="flight_completed_at")

    def depart(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observing Party departs from the point of exit (within 24 h: Art. VI §I ¶20)."""
        return self._step("depart", at, actor, data, time_key="departed_at")

    def report(self, at: datetime, actor: str, data: TreatyData, report: dict[str, Any]) -> Event:
        """The observing Party compiles and signs the mission report (Art. VI §I ¶21)."""
        return self._step("report", at, actor, data, {"report": report})

    def sign_report(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observed Party signs too; the report goes to all (within 7 days: Art. VI §I ¶21)."""
        return self._step("sign_report", at, actor, data, time_key="report_sent_at")

    # --- the rest of the flight: Ann. F, Art. VIII ---------------------------------------

    def start_inspection(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """A pre-flight inspection begins, after the formal arrival procedures (Ann. F §I ¶4,
        §II ¶4); it lasts at most 8 hours and ends 4 hours before the scheduled commencement
        (Art. VI §I ¶11)."""
        return self._step("start_inspection", at, actor, data, time_key="inspection_started_at")

    def end_inspection(self, at: datetime, actor: str, data: TreatyData, conforms: bool) -> Event:
        """The inspection ends; ``conforms`` False when it found the aircraft or a sensor not
        conforming (Ann. F §I ¶8–9, §II ¶7), which lets the flight be cancelled, not counted."""
        if "inspection_started_at" not in self.times:
            raise WrongState.one("flight_state", "Ann. F §I ¶4", "no inspection has started")
        return self._step(
            "end_inspection",
            at,
            actor,
            data,
            {"conforms": conforms},
            time_key="inspection_ended_at",
        )

    def start_demonstration(
        self, at: datetime, actor: str, data: TreatyData, asked_by: DemonstrationBy
    ) -> Event:
        """A demonstration flight begins (Ann. F §III ¶1–2); asked for by the observed Party it
        extends the period by 24 hours (¶4), by the observing Party it fits inside it (¶5)."""
        if asked_by is DemonstrationBy.NONE:
            raise Refusal.one(
                "demonstration_by", "Ann. F §III ¶1–2", "say which Party asked for it"
            )
        self.demonstration_by = asked_by
        return self._step(
            "start_demonstration",
            at,
            actor,
            data,
            {"asked_by": asked_by.value},
            time_key="demonstration_started_at",
        )

    def end_demonstration(
        self, at: datetime, actor: str, data: TreatyData, conforms: bool
    ) -> Event:
        """The demonstration flight ends, at most 2 hours after it began (Ann. F §III ¶3(B))."""
        if "demonstration_started_at" not in self.times:
            raise WrongState.one("flight_state", "Ann. F §III", "no demonstration has started")
        return self._step(
            "end_demonstration",
            at,
            actor,
            data,
            {"conforms": conforms},
            time_key="demonstration_ended_at",
        )

    def cancel(self, at: datetime, actor: str, data: TreatyData, caused_by: str) -> Event:
        """Cancel the flight after an inspection or demonstration found something not
        conforming: not counted (Ann. F §I ¶8–9, §II ¶7, §III ¶8)."""
        outcomes = {
            "inspection": (FlightOutcome.NOT_FLOWN_AFTER_INSPECTION, "inspection_ended_at"),
            "demonstration": (
                FlightOutcome.NOT_FLOWN_AFTER_DEMONSTRATION,
                "demonstration_ended_at",
            ),
        }
        if caused_by not in outcomes:
            raise Refusal.one(
                "cancellation_cause",
                "Ann. F §I ¶8–9; Ann. F §III ¶8",
                f"caused_by: one of {', '.join(outcomes)}",
                field="caused_by",
            )
        outcome, needed = outcomes[caused_by]
        if needed not in self.times:
            raise Refusal.one(
                "cancellation_cause",
                "Ann. F §I ¶8–9; Ann. F §III ¶8",
                f"no {caused_by} has been recorded for this flight",
                field="caused_by",
            )
        decision = counts_against_quotas(outcome)
        return self._step(
            "cancel",
            at,
            actor,
            data,
            {"caused_by": caused_by, **_decision(decision)},
            time_key="cancelled_at",
        )

    def curtail(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        cause: CurtailmentCause,
        aircraft_of_observed_party: bool = False,
        emergency_of_observed_party_crew: bool = False,
        observing_counts: bool | None = None,
    ) -> Event:
        """The flight is curtailed (Art. VIII §II ¶1, ¶4): it counts against both Parties,
        unless its cause lets the observing Party decide (¶5); data are kept only from a
        counted flight (¶6)."""
        decision = counts_against_quotas(
            FlightOutcome.CURTAILED,
            cause,
            aircraft_of_observed_party,
            emergency_of_observed_party_crew,
        )
        counts = decision.counts
        if counts is None:
            if observing_counts is None:
                raise Refusal.one(
                    "observing_party_decides",
                    "Art. VIII §II ¶5",
                    "for this cause the observing Party decides whether the flight counts: "
                    "give observing_counts",
                    field="observing_counts",
                )
            counts = observing_counts
        event = self._step(
            "curtail",
            at,
            actor,
            data,
            {"cause": cause.value, **_decision(decision), "counts": counts, "data_kept": counts},
            time_key="flight_completed_at",
        )
        self.state = S.COMPLETED if counts else S.CURTAILED_NOT_COUNTED
        return event

    def explain_prohibition(self, at: datetime, actor: str, data: TreatyData, text: str) -> Event:
        """The written explanation of a prohibition, in the mission report, within 7 days
        (Art. VIII §I ¶3)."""
        return self._explain("explain_prohibition", at, actor, data, text, "Art. VIII §I ¶3")

    def explain_decline(self, at: datetime, actor: str, data: TreatyData, text: str) -> Event:
        """The written explanation of a decline, within 7 days after departure (Art. VIII §I
        ¶6)."""
        return self._explain("explain_decline", at, actor, data, text, "Art. VIII §I ¶6")

    def _explain(
        self, step: str, at: datetime, actor: str, data: TreatyData, text: str, citation: str
    ) -> Event:
        if not text.strip():
            raise Refusal.one(
                "explanation", citation, "the explanation is in writing", field="text"
            )
        key = (
            "prohibition_explained_at" if step == "explain_prohibition" else "decline_explained_at"
        )
        return self._step(step, at, actor, data, {"explanation": text}, time_key=key)


def _decision(decision: CountDecision) -> dict[str, Any]:
    return {
        "counts": decision.counts,
        "data_kept": decision.data_retained,
        "count_citation": decision.citation.text,
        "count_reason": decision.reason,
    }
