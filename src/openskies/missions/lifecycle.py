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

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from openskies.missions.deviations import (
    check_flown_distance,
    deviations_of,
    sensors_may_be_prohibited,
)
from openskies.missions.errors import Forbidden, Refusal, WrongState
from openskies.missions.policy import Role
from openskies.treaty import (
    CountDecision,
    CurtailmentCause,
    DemonstrationBy,
    Finding,
    FlightOutcome,
    Timeline,
    TreatyData,
    check_at_most,
    check_timeline,
    counts_against_quotas,
    require_utc,
)

__all__ = [
    "AFTER_FLIGHT",
    "BEFORE_FLIGHT",
    "ENDED_EARLY",
    "ENDED_NOT_COUNTED",
    "STILL_OWED",
    "TRAINING_FLIGHT",
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

ENDED_NOT_COUNTED = frozenset({S.PROHIBITED, S.DECLINED, S.CANCELLED, S.CURTAILED_NOT_COUNTED})
"""Flights that ended without counting against the quotas (Art. VIII; Ann. F)."""
ENDED_EARLY = frozenset({S.PROHIBITED, S.DECLINED, S.CANCELLED})
"""Flights that ended before the observation flight: its later steps never come."""
STILL_OWED = frozenset({"prohibition_explained_by", "decline_explained_by"})
"""Deadlines that still run after a flight ended early (Art. VIII §I ¶3, ¶6)."""
TRAINING_FLIGHT = "training_flight"
"""The agreement that makes a flight a training flight: never counted (not in the text; Art.
III §I ¶8 counts observation flights only)."""

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
    # after a flight that ended early the observing Party departs too (Art. VIII §I ¶6;
    # Ann. F §I ¶8-9, §II ¶8-9); the flight keeps its uncounted state
    "depart": (frozenset({S.COMPLETED}) | ENDED_NOT_COUNTED, S.DEPARTED),
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

COUNTED_STATES = frozenset(S) - ENDED_NOT_COUNTED
"""States in which a flight counts against quotas (Art. III §I ¶8; Art. VIII)."""

DEMONSTRATION_DELAY = "demonstration_delay"
"""The agreement that makes a delay of Ann. F §III ¶3(D) count after all ("unless otherwise
agreed")."""
DELAY_CAUSES = {
    "weather": "Ann. F §III ¶3(D)",
    "observed_party_aircraft": "Ann. F §III ¶3(D)",
    "observed_party_sensors": "Ann. F §III ¶3(D)",
}
"""Causes of a delay in carrying out a request for a demonstration flight that do not count
against the time allocated (Ann. F §III ¶3(D)); the last two only when the observed Party
provides the aircraft."""

# Reasons for which the observed Party may propose changes (Art. VI §II ¶6, Art. VIII §I ¶4).
CHANGE_GROUNDS = frozenset(
    {"weather", "airfield_status", "plan_not_conforming", "hazardous_airspace"}
)

# Grounds on which the observed Party may prohibit a flight: ground -> (label, citation).
PROHIBITION_GROUNDS = {
    "late_arrival": ("Late arrival at the point of entry", "Art. VIII §I ¶2"),
    "treaty_breach": ("Not in compliance with the treaty", "Art. VIII §I ¶1"),
    "inspection": ("The pre-flight inspection found a problem", "Ann. F §I ¶9; Ann. F §II ¶7"),
    "demonstration": ("The demonstration flight did not satisfy", "Ann. F §III ¶6(C)"),
}


@dataclass(frozen=True)
class Event:
    """Something that happened to a flight, as recorded."""

    step: str
    at: datetime
    actor: str
    payload: dict[str, Any] = field(default_factory=dict)
    breaches: tuple[Finding, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)  # what later steps depend on


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
    facts: dict[str, Any] = field(default_factory=dict)
    """Facts set by earlier steps (who provides the aircraft, what an inspection found),
    kept with the events that set them and replayed when the flight is loaded."""

    def __post_init__(self) -> None:
        self.eta = require_utc(self.eta, "eta")
        self.notified_at = require_utc(self.notified_at, "notified_at")
        self.times.setdefault("notified_at", self.notified_at)

    @property
    def counted(self) -> bool:
        """Whether the flight counts against the quotas (Art. III §I ¶8; Art. VIII); a
        training flight agreed by both Parties never does."""
        return self.state in COUNTED_STATES and TRAINING_FLIGHT not in self.agreed_otherwise

    @property
    def aircraft_by(self) -> Role:
        """Who provides the observation aircraft: the observing Party unless the observed
        Party said in its acknowledgement that it provides its own (Art. VI §I ¶1, ¶6)."""
        return Role(self.facts.get("aircraft_by", Role.OBSERVING.value))

    @property
    def inspecting(self) -> Role:
        """The Party that inspects before the flight and may ask for a demonstration
        flight: the one that does not provide the aircraft (Art. VI §I ¶11; Ann. F §I ¶1,
        §II ¶1, §III ¶1-2)."""
        return Role.OBSERVED if self.aircraft_by is Role.OBSERVING else Role.OBSERVING

    def _section(self) -> str:
        return "Ann. F §I" if self.aircraft_by is Role.OBSERVING else "Ann. F §II"

    def _by(self, side: Role | None, expected: Role, citation: str, what: str) -> None:
        if side is not None and side is not expected:
            raise Forbidden.one(
                "treaty_role",
                citation,
                f"{what} is for the {expected.value} Party in this flight "
                f"(the aircraft is provided by the {self.aircraft_by.value} Party)",
            )

    @property
    def quota_year(self) -> int:
        """The calendar year of the ETA: the quota year the flight counts in."""
        return self.eta.year

    def timeline(self) -> Timeline:
        """The events so far as a treaty timeline."""
        delay = timedelta(0)
        if DEMONSTRATION_DELAY not in self.agreed_otherwise:  # Ann. F §III ¶3(D)
            delay = timedelta(hours=float(self.facts.get("demonstration_delay_hours", 0)))
        return Timeline(
            **{k: v for k, v in self.times.items() if k in Timeline.__dataclass_fields__},
            demonstration_delay=delay,
        )

    def breaches(self, data: TreatyData, now: datetime | None = None) -> list[Finding]:
        """Every deadline missed so far (or, with ``now``, passed and not done). A flight
        that ended early owes only the written explanation (Art. VIII §I ¶3, ¶6), not the
        steps it will never take."""

        def check(at: datetime | None) -> list[Finding]:
            return check_timeline(
                data,
                self.eta,
                self.timeline(),
                self.demonstration_by,
                agreed_otherwise=self.agreed_otherwise,
                now=at,
            )

        if now is None or self.state not in ENDED_EARLY:
            return check(now)
        done = check(None)
        owed = [f for f in check(now) if f.rule in STILL_OWED and f not in done]
        return done + owed

    def _step(
        self,
        step: str,
        at: datetime,
        actor: str,
        data: TreatyData,
        payload: dict[str, Any] | None = None,
        time_key: str | None = None,
        also: tuple[str, ...] = (),
        facts: dict[str, Any] | None = None,
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
        self.facts.update(facts or {})
        event = Event(step, at, actor, payload or {}, new, dict(facts or {}))
        self.events.append(event)
        return event

    # --- the steps -------------------------------------------------------------------

    def acknowledge(
        self, at: datetime, actor: str, data: TreatyData, observed_provides_aircraft: bool = False
    ) -> Event:
        """The observed Party acknowledges receipt (within 24 hours: Art. VI §I ¶6), saying
        whether it exercises its right to provide the observation aircraft (¶1, ¶6)."""
        by = Role.OBSERVED if observed_provides_aircraft else Role.OBSERVING
        return self._step(
            "acknowledge",
            at,
            actor,
            data,
            {"aircraft_by": by.value},
            time_key="acknowledged_at",
            facts={"aircraft_by": by.value},
        )

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
        elif grounds in ("inspection", "demonstration"):
            self._annex_f_ground(grounds, Role.OBSERVED)
        elif grounds != "treaty_breach":
            raise Refusal.one(
                "prohibition_grounds",
                "Art. VIII §I ¶1–3",
                f"grounds: one of {', '.join(PROHIBITION_GROUNDS)}",
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
        """The observing Party departs from the point of exit (within 24 h: Art. VI §I ¶20);
        after a flight that ended early it departs too, and the flight stays uncounted
        (Art. VIII §I ¶6; Ann. F §I ¶8-9, §II ¶8-9)."""
        before = self.state
        event = self._step("depart", at, actor, data, time_key="departed_at")
        if before in ENDED_NOT_COUNTED:
            self.state = before
        return event

    def report(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        report: dict[str, Any],
        maximum: tuple[float, str] | None = None,
    ) -> Event:
        """The observing Party compiles and signs the mission report (Art. VI §I ¶21). Its
        deviations from the flight plan (Art. VIII §II ¶1-2) are recorded with their reason
        and added distance, which does not count against the maximum flight distance
        (``maximum``: km and citation); a counted distance beyond it is a breach (¶7)."""
        km, citation = maximum if maximum is not None else (None, "Ann. A §III")
        distance, over = check_flown_distance(report, km, citation)
        beyond = sensors_may_be_prohibited(data, deviations_of(report), at.date())
        if beyond:  # Art. VIII §II ¶3: the observed Party's right, recorded with the report
            distance["sensors_may_be_prohibited"] = beyond
        event = self._step("report", at, actor, data, {"report": report, "distance": distance})
        if over:
            event = replace(event, breaches=event.breaches + over)
            self.events[-1] = event
        return event

    def sign_report(self, at: datetime, actor: str, data: TreatyData) -> Event:
        """The observed Party signs too; the report goes to all (within 7 days: Art. VI §I ¶21)."""
        return self._step("sign_report", at, actor, data, time_key="report_sent_at")

    # --- the rest of the flight: Ann. F, Art. VIII ---------------------------------------

    def start_inspection(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        side: Role | None = None,
        inspectors: int | None = None,
    ) -> Event:
        """A pre-flight inspection begins, after the formal arrival procedures (Ann. F §I ¶4,
        §II ¶4), by the Party that does not provide the aircraft (Art. VI §I ¶11); it lasts
        at most 8 hours and ends 4 hours before the scheduled commencement. ``inspectors``:
        how many are listed, at most 10 (§I ¶2(A)) or 5 (§II ¶2(A)) unless otherwise agreed."""
        self._by(side, self.inspecting, f"Art. VI §I ¶11; {self._section()} ¶1", "the inspection")
        if "demonstration_started_at" in self.times:
            raise WrongState.one(
                "demonstration_after_inspection",
                "Ann. F §III ¶1–2",
                "the pre-flight inspection precedes the demonstration flight, which has begun",
            )
        limit_id = (
            "inspectors_of_observing_aircraft"
            if self.aircraft_by is Role.OBSERVING
            else "inspectors_of_observed_sensors"
        )
        if inspectors is not None and "inspectors" not in self.agreed_otherwise:
            too_many = check_at_most(data, limit_id, inspectors, require_utc(at, "at").date())
            if too_many:
                raise Refusal(too_many, field="inspectors")
        return self._step(
            "start_inspection",
            at,
            actor,
            data,
            {"section": self._section(), "by": self.inspecting.value, "inspectors": inspectors},
            time_key="inspection_started_at",
        )

    def end_inspection(
        self, at: datetime, actor: str, data: TreatyData, conforms: bool, side: Role | None = None
    ) -> Event:
        """The inspection ends; ``conforms`` False when it found the aircraft or a sensor not
        corresponding to those certified (Ann. F §I ¶9, §II ¶8), which lets the flight be
        prohibited (§I ¶9) or cancelled (§II ¶8(D)) without counting."""
        return self._end("inspection", at, actor, data, conforms, side, f"{self._section()} ¶10")

    def _end(
        self,
        what: str,
        at: datetime,
        actor: str,
        data: TreatyData,
        conforms: bool,
        side: Role | None,
        citation: str,
    ) -> Event:
        if f"{what}_started_at" not in self.times:
            section = "Ann. F §III" if what == "demonstration" else "Ann. F §I ¶4"
            raise WrongState.one("flight_state", section, f"no {what} has started")
        self._by(side, self.inspecting, citation, f"the {what}'s finding")
        return self._step(
            f"end_{what}",
            at,
            actor,
            data,
            {"conforms": conforms},
            time_key=f"{what}_ended_at",
            facts={f"{what}_conforms": conforms},
        )

    def start_demonstration(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        asked_by: DemonstrationBy | None = None,
        side: Role | None = None,
        delay_hours: float | None = None,
        delay_cause: str | None = None,
    ) -> Event:
        """A demonstration flight begins, following the pre-flight inspection (not while one
        is under way), asked for by the Party that does not provide the aircraft (Ann. F §III
        ¶1-2); asked for by the observed Party it extends the period by up to 24 hours (¶4),
        by the observing Party it fits inside it (¶5). ``delay_hours``: how long carrying out
        the request was delayed by ``delay_cause`` (weather, or the observed Party's aircraft
        or sensors), which does not count against the time allocated unless otherwise agreed
        (¶3(D)): the period ends that much later."""
        requester = DemonstrationBy(self.inspecting.value)
        if asked_by is DemonstrationBy.NONE:
            raise Refusal.one(
                "demonstration_by", "Ann. F §III ¶1–2", "say which Party asked for it"
            )
        if side is not None:
            self._by(side, self.inspecting, "Ann. F §III ¶1–2", "asking for a demonstration")
        if asked_by is not None and asked_by is not requester:
            raise Refusal.one(
                "demonstration_by",
                "Ann. F §III ¶1–2",
                f"the {requester.value} Party asks for a demonstration flight when the "
                f"{self.aircraft_by.value} Party provides the aircraft",
                field="asked_by",
            )
        if "inspection_started_at" in self.times and "inspection_ended_at" not in self.times:
            raise WrongState.one(
                "demonstration_after_inspection",
                "Ann. F §III ¶1–2",
                "the demonstration flight follows the pre-flight inspection: end the "
                "inspection first",
            )
        hours = self._delay(delay_hours, delay_cause)
        self.demonstration_by = requester
        payload: dict[str, Any] = {"asked_by": requester.value}
        if hours:
            payload |= {"delay_hours": hours, "delay_cause": delay_cause}
        return self._step(
            "start_demonstration",
            at,
            actor,
            data,
            payload,
            time_key="demonstration_started_at",
            facts={"demonstration_delay_hours": hours} if hours else None,
        )

    def _delay(self, hours: float | None, cause: str | None) -> float:
        """A delay in carrying out the request that does not count against the time
        allocated (Ann. F §III ¶3(D)), in hours, or a refusal naming the field."""
        if not hours:
            return 0.0
        if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
            raise Refusal.one(
                "demonstration_delay", "Ann. F §III ¶3(D)", "hours, zero or more", "delay_hours"
            )
        allowed = set(DELAY_CAUSES)
        if self.aircraft_by is Role.OBSERVING:
            allowed = {"weather"}  # the aircraft and sensors are the observing Party's
        if cause not in allowed:
            raise Refusal.one(
                "demonstration_delay",
                "Ann. F §III ¶3(D)",
                f"only a delay caused by {', '.join(sorted(allowed))} does not count against "
                f"the time allocated (the aircraft is the {self.aircraft_by.value} Party's); "
                f"got {cause!r}",
                "delay_cause",
            )
        return float(hours)

    def end_demonstration(
        self, at: datetime, actor: str, data: TreatyData, conforms: bool, side: Role | None = None
    ) -> Event:
        """The demonstration flight ends, at most 2 hours after it began (Ann. F §III ¶3(B));
        ``conforms`` False when the Party that asked for it is not satisfied (¶6-7)."""
        return self._end("demonstration", at, actor, data, conforms, side, "Ann. F §III ¶6–7")

    def _annex_f_ground(self, ground: str, side: Role) -> str:
        """The paragraph of Ann. F that lets ``side`` end the flight on ``ground``
        ("inspection" or "demonstration"), or a refusal naming what is missing."""
        found = {
            "inspection": ("inspection_ended_at", "inspection_conforms", self._section()),
            "demonstration": ("demonstration_ended_at", "demonstration_conforms", "Ann. F §III"),
        }
        if ground not in found:
            raise Refusal.one(
                "cancellation_cause",
                "Ann. F §I ¶8–9; Ann. F §III ¶8",
                f"caused_by: one of {', '.join(found)}",
                field="caused_by",
            )
        ended, conforms_key, section = found[ground]
        if ended not in self.times:
            raise Refusal.one(
                "cancellation_cause",
                f"{section}",
                f"no {ground} has been recorded for this flight",
                field="caused_by",
            )
        problem = self.facts.get(conforms_key) is False
        by_observing = self.aircraft_by is Role.OBSERVING
        # (side, ground, aircraft of the observing Party?) -> (paragraph, needs a finding?)
        rules = {
            (Role.OBSERVING, "inspection", True): ("Ann. F §I ¶8", False),
            (Role.OBSERVING, "inspection", False): ("Ann. F §II ¶8(D); Ann. F §II ¶9", True),
            (Role.OBSERVED, "inspection", True): ("Ann. F §I ¶9", True),
            (Role.OBSERVED, "inspection", False): ("Ann. F §II ¶7", False),
            (Role.OBSERVING, "demonstration", False): ("Ann. F §III ¶7(E); Ann. F §III ¶8", True),
            (Role.OBSERVED, "demonstration", True): ("Ann. F §III ¶6(C); Ann. F §III ¶8", True),
        }
        rule = rules.get((side, ground, by_observing))
        if rule is None:
            raise Refusal.one(
                "cancellation_cause",
                "Ann. F §III ¶6–8",
                f"the {self.inspecting.value} Party asked for the demonstration flight; only "
                "it may end the flight for it",
                field="caused_by",
            )
        citation, needs_problem = rule
        if needs_problem and not problem:
            raise Refusal.one(
                "cancellation_cause",
                citation,
                f"the {ground} found nothing wrong (conforms), so it gives no ground to end "
                "the flight",
                field="caused_by",
            )
        return citation

    def cancel(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        caused_by: str,
        side: Role | None = None,
    ) -> Event:
        """The observing Party cancels after an inspection or a demonstration flight on a
        ground of Ann. F (§I ¶8, §II ¶8(D), §III ¶7(E)): not counted (§I ¶8, §II ¶9, §III ¶8)."""
        self._by(side, Role.OBSERVING, "Ann. F §I ¶8; Ann. F §II ¶8(D)", "cancelling")
        citation = self._annex_f_ground(caused_by, Role.OBSERVING)
        outcome = (
            FlightOutcome.NOT_FLOWN_AFTER_INSPECTION
            if caused_by == "inspection"
            else FlightOutcome.NOT_FLOWN_AFTER_DEMONSTRATION
        )
        decision = counts_against_quotas(outcome)
        return self._step(
            "cancel",
            at,
            actor,
            data,
            {"caused_by": caused_by, "ground": citation, **_decision(decision)},
            time_key="cancelled_at",
        )

    def curtail(
        self,
        at: datetime,
        actor: str,
        data: TreatyData,
        cause: CurtailmentCause,
        aircraft_of_observed_party: bool | None = None,
        emergency_of_observed_party_crew: bool = False,
        observing_counts: bool | None = None,
    ) -> Event:
        """The flight is curtailed (Art. VIII §II ¶1, ¶4): it counts against both Parties,
        unless its cause lets the observing Party decide (¶5); data are kept only from a
        counted flight (¶6). Whose aircraft it was follows from the acknowledgement."""
        if aircraft_of_observed_party is None:
            aircraft_of_observed_party = self.aircraft_by is Role.OBSERVED
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
        elif observing_counts is not None and observing_counts is not counts:
            raise Refusal.one(
                "observing_party_decides",
                "Art. VIII §II ¶5",
                f"a flight curtailed for {cause.value} counts against both Parties; the "
                "observing Party decides only for the causes of ¶5(A)-(D)",
                field="observing_counts",
            )
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
