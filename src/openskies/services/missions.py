"""The mission service: notifications, mission plans and reports between delegations.

Each method runs in one transaction: it authorises the delegation by its treaty role in the
flight on the day (``missions.policy``), applies the step to the flight
(``missions.lifecycle``), counts quotas under a lock, writes the event, the messages and
the audit entry, and commits; or refuses with the rule's citation and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Text, and_, bindparam, cast, func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import AgreementRow, FlightEventRow, FlightRow, MessageRow, QuotaLockRow
from openskies.missions.admission import (
    FlightsCounted,
    Notification,
    OpenFlight,
    admit,
    separate_group_members,
)
from openskies.missions.deviations import maximum_flight_distance
from openskies.missions.errors import Forbidden, NotFound, Refusal, WrongState
from openskies.missions.lifecycle import (
    AFTER_FLIGHT,
    COUNTED_STATES,
    ENDED_EARLY,
    STILL_OWED,
    Event,
    FlightState,
    ObservationFlight,
)
from openskies.missions.policy import AGREEABLE_RULES, Action, Role, allowed, citation_for
from openskies.missions.steps import STEP_ACTIONS, agreeable_rules, next_steps
from openskies.services.audit import ReadAudit, append_audit
from openskies.services.clock import Clock
from openskies.services.commands import (
    STEP_COMMANDS,
    Acknowledge,
    Cancel,
    Conformity,
    Curtail,
    Decline,
    Explain,
    MissionReport,
    NotifyFlight,
    Prohibit,
    ProposeChanges,
    StartDemonstration,
    StartInspection,
    StepCommand,
    SubmitMissionPlan,
)
from openskies.services.delegations import Credentials, Delegation, authenticated_in
from openskies.services.messages import post_message
from openskies.services.plans import check_plan_step, record_plan_step
from openskies.treaty import (
    DemonstrationBy,
    Finding,
    TreatyData,
    flight_deadlines,
    is_state_party,
    met_by,
    party_members,
    resolve_holder,
)

__all__ = ["MissionService", "RouteChecker", "counted_flights", "flights_by_observed"]

RouteChecker = Callable[[dict[str, Any], str, str, date], list[Finding]]
"""Checks a mission plan's route: (GeoJSON, observed, airfield, day) -> violations."""

# step -> (message kind, to all States Parties?)
STEP_MESSAGES = {
    "acknowledge": ("acknowledgement", False),
    "prohibit": ("prohibition", True),
    "submit_mission_plan": ("mission_plan", False),
    "accept_mission_plan": ("mission_plan_acceptance", False),
    "propose_changes": ("mission_plan_changes", False),
    "accept_changes": ("mission_plan_agreement", False),
    "decline": ("declination", True),
    "report": ("mission_report_signed", False),
    "sign_report": ("mission_report", True),
    "cancel": ("cancellation", False),
    "curtail": ("curtailment", False),
    # written explanations go to all States Parties (Art. VIII §I ¶3, ¶6)
    "explain_prohibition": ("prohibition_explanation", True),
    "explain_decline": ("declination_explanation", True),
}


def counted_flights() -> list[Any]:
    """The WHERE clauses of a flight that counts against quotas: not ended uncounted
    (Art. VIII; Ann. F) and not a training flight by agreement."""
    return [
        FlightRow.state.in_(sorted(s.value for s in COUNTED_STATES)),
        FlightRow.counted.is_(True),
    ]


FACTS = "flight_facts"
"""The key of an event's payload that holds the facts it set (``ObservationFlight.facts``)."""


def flights_by_observed(session: Session, year: int, observing: str, *where: Any) -> dict[str, int]:
    """The counted flights of ``observing`` in quota year ``year``, by observed Party."""
    rows = session.execute(
        select(FlightRow.observed_holder, func.count())
        .where(
            FlightRow.quota_year == year,
            *counted_flights(),
            FlightRow.observing_holder == observing,
            *where,
        )
        .group_by(FlightRow.observed_holder)
    ).all()
    return {str(holder): int(n) for holder, n in rows}


def _facts(session: Session, flight_id: str) -> tuple[int, dict[str, Any]]:
    """The number of events so far and the facts they set, replayed in order."""
    payloads = session.execute(
        select(FlightEventRow.payload)
        .where(FlightEventRow.flight_id == flight_id)
        .order_by(FlightEventRow.seq)
    ).scalars()
    seen = list(payloads)
    return len(seen), _replayed(seen)


def _replayed(payloads: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    """The facts the events' payloads set, in order."""
    facts: dict[str, Any] = {}
    for payload in payloads:
        facts.update((payload or {}).get(FACTS, {}))
    return facts


_LOAD = select(FlightRow).where(FlightRow.id == bindparam("flight_id"))  # built once
_LOAD_FOR_UPDATE = _LOAD.with_for_update()
_events, _agreements = FlightEventRow.__table__.c, AgreementRow.__table__.c
# a flight's events (their payloads for the facts they set) and agreements, as plain rows
# (no ORM objects: they are only shown)
_EVENTS = (
    select(_events.seq, _events.step, _events.at, _events.actor, _events.breaches, _events.payload)
    .where(_events.flight_id == bindparam("flight_id"))
    .order_by(_events.seq)
)
_AGREEMENTS = (
    select(
        _agreements.id,
        _agreements.rule,
        _agreements.terms,
        _agreements.proposed_by,
        _agreements.accepted_by,
    )
    .where(_agreements.flight_id == bindparam("flight_id"))
    .order_by(_agreements.id)
)
# the same for a page of flights (``ids``), each row naming its flight: two queries a page
_PAGE_EVENTS = (
    select(
        _events.flight_id,
        _events.seq,
        _events.step,
        _events.at,
        _events.actor,
        _events.breaches,
        _events.payload,
    )
    .where(_events.flight_id.in_(bindparam("ids", expanding=True)))
    .order_by(_events.flight_id, _events.seq)
)
_PAGE_AGREEMENTS = (
    select(
        _agreements.flight_id,
        _agreements.id,
        _agreements.rule,
        _agreements.terms,
        _agreements.proposed_by,
        _agreements.accepted_by,
    )
    .where(_agreements.flight_id.in_(bindparam("ids", expanding=True)))
    .order_by(_agreements.id)
)


def _flight(row: FlightRow, facts: dict[str, Any] | None = None) -> ObservationFlight:
    return ObservationFlight(
        id=row.id,
        observing=row.observing_holder,
        observed=row.observed_holder,
        eta=row.eta,
        notified_at=row.notified_at,
        state=FlightState(row.state),
        transit=tuple(row.transit),
        demonstration_by=DemonstrationBy(row.demonstration_by),
        agreed_otherwise=set(row.agreed_otherwise),
        times={k: datetime.fromisoformat(v) for k, v in row.times.items()},
        facts=dict(facts or {}),
    )


@dataclass
class MissionService:
    """Runs the flights of every delegation; holds no state between requests."""

    sessions: sessionmaker[Session]
    data: TreatyData
    clock: Clock
    route_checker: RouteChecker | None = None
    read_sessions: sessionmaker[Session] | None = None
    read_audit: ReadAudit = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.read_audit = ReadAudit(self.sessions)

    def reading(self) -> sessionmaker[Session]:
        """Sessions for transactions that only read."""
        return self.read_sessions or self.sessions

    # --- roles ----------------------------------------------------------------------

    def role(self, state: str, row: FlightRow, day: date) -> Role:
        """The treaty role of ``state`` in the flight on ``day``."""
        if not is_state_party(self.data, state, day):
            return Role.NOT_A_PARTY
        holder = resolve_holder(self.data, state, day).code
        if holder == row.observing_holder or state == row.observing:
            return Role.OBSERVING
        if holder == row.observed_holder or state == row.observed:
            return Role.OBSERVED
        if state in row.transit:
            return Role.TRANSIT
        return Role.OTHER_PARTY

    def _party_first(self, actor: Delegation, day: date) -> None:
        """A State that is not a Party is refused before any id is looked up, so its 403
        says nothing about which flights exist."""
        if not is_state_party(self.data, actor.state, day):
            self._authorise(actor, Action.READ_NOTIFICATION, Role.NOT_A_PARTY)

    def _authorise(self, actor: Delegation, action: Action, role: Role) -> None:
        if role is Role.NOT_A_PARTY:
            raise Forbidden.one(
                "state_party",
                "Art. XV ¶2; Art. XVII ¶6",
                f"{actor.state} is not a State Party on {self.clock.now().date().isoformat()}",
            )
        if not allowed(action, role):
            raise Forbidden.one(
                "treaty_role",
                citation_for(action).text,
                f"{actor.state} is the {role.value.replace('_', ' ')} in this flight; "
                f"{action.value.replace('_', ' ')} is for another role",
            )

    # --- notification -----------------------------------------------------------------

    def notify(self, actor: Delegation, notice: NotifyFlight) -> dict[str, Any]:
        """Notify intent to conduct an observation flight (Art. VI §I ¶5)."""
        now = self.clock.now()
        today = now.date()
        eta = notice.eta
        if not is_state_party(self.data, actor.state, today):
            raise Forbidden.one(
                "state_party",
                "Art. XV ¶2; Art. XVII ¶6",
                f"{actor.state} is not a State Party on {today.isoformat()}",
            )
        observing = resolve_holder(self.data, actor.state, today)
        try:
            observed = resolve_holder(self.data, notice.observed, eta.date())
        except Exception as exc:
            raise Refusal.one("observed_party", "Art. I ¶1", str(exc), field="observed") from None
        if observed.code == observing.code:
            raise Refusal.one(
                "observed_party",
                "Art. I ¶1",
                "observation flights are over the territory of other States Parties",
                field="observed",
            )
        self._check_sites(notice, observed.members)
        command = Notification(
            actor=actor.state,
            observing=observing.code,
            observed=observed.code,
            observed_state=notice.observed.strip().upper(),
            observing_members=observing.members,
            observed_members=observed.members,
            eta=eta,
            now=now,
            transit=notice.transit,
        )
        with self.sessions.begin() as session:
            outcome = admit(self.data, command, self._count_quotas(session, command))
            if not outcome.admitted:
                raise Refusal(outcome.findings, field=outcome.field)
            flight_id = str(uuid.uuid4())
            row = FlightRow(
                id=flight_id,
                observing=actor.state,
                observed=notice.observed.upper(),
                observing_holder=observing.code,
                observed_holder=observed.code,
                quota_year=eta.year,
                eta=eta,
                notified_at=now,
                state=FlightState.NOTIFIED.value,
                counted=True,
                demonstration_by=DemonstrationBy.NONE.value,
                transit=list(notice.transit),
                agreed_otherwise=[],
                times={"notified_at": now.isoformat()},
                notification=notice.as_json(),
            )
            session.add(row)
            session.flush()
            session.add(
                FlightEventRow(
                    flight_id=flight_id,
                    seq=1,
                    step="notify",
                    at=now,
                    actor=actor.state,
                    payload={},
                    breaches=[],
                )
            )
            recipients = sorted({*observed.members, *row.transit} - {actor.state})
            self._message(
                session, row, "notification", actor.state, recipients, True, row.notification, now
            )
            append_audit(
                session,
                now,
                actor.state,
                "flight.notify",
                f"flight:{flight_id}",
                {"observed": observed.code, "eta": eta.isoformat()},
            )
            return self._view(session, row, Role.OBSERVING, now)

    def _check_sites(self, notice: NotifyFlight, members: tuple[str, ...]) -> None:
        sites = {s.id: s for s in self.data.sites.values() if s.state in members}
        if not sites:
            return  # no Ann. E record for this State: nothing to check against
        for key, value in (
            ("point_of_entry", notice.point_of_entry),
            ("open_skies_airfield", notice.open_skies_airfield),
        ):
            if not value:  # the API requires a point of entry; a service-level caller may not
                continue
            site = sites.get(value)
            if site is None or key not in site.roles:
                choices = ", ".join(sorted(i for i, s in sites.items() if key in s.roles))
                raise Refusal.one(
                    key,
                    "Art. VI §I ¶5(A); Ann. E App.1",
                    f"{value!r} is not a {key.replace('_', ' ')} of the observed "
                    f"Party (one of: {choices})",
                    field=key,
                )

    def _count_quotas(self, session: Session, n: Notification) -> FlightsCounted:
        """Lock both holders' quota rows, then count the flights admission needs."""
        year, observing, observed = n.quota_year, n.observing, n.observed
        keys = sorted({(y, h) for h in (observing, observed) for y in (year - 1, year, year + 1)})
        for y, holder in keys:
            insert_ignore(session, QuotaLockRow, year=y, holder=holder)
        session.execute(
            select(QuotaLockRow)
            .where(
                QuotaLockRow.year.in_([year - 1, year, year + 1]),
                QuotaLockRow.holder.in_([observing, observed]),
            )
            .order_by(QuotaLockRow.year, QuotaLockRow.holder)
            .with_for_update()
        ).all()
        counted = counted_flights()

        def count(*where: Any) -> int:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(FlightRow)
                    .where(FlightRow.quota_year == year, *counted, *where)
                ).scalar_one()
            )

        period = timedelta(
            hours=self.data.limit("observation_period").on(n.eta.date())
            + self.data.limit("demonstration_extension").on(n.eta.date())
        )
        open_rows = session.execute(
            select(FlightRow.eta, FlightRow.demonstration_by, FlightRow.agreed_otherwise).where(
                FlightRow.observed_holder == observed,
                *counted,
                FlightRow.state.notin_(sorted(s.value for s in AFTER_FLIGHT)),
                FlightRow.eta < n.eta + period,
                FlightRow.eta > n.eta - period,
            )
        ).all()
        members = separate_group_members(self.data, n)
        return FlightsCounted(
            over_group=flights_by_observed(
                session, year, observing, FlightRow.observed_holder.in_(members)
            ),
            pair=count(
                FlightRow.observing_holder == observing, FlightRow.observed_holder == observed
            ),
            total_active=count(FlightRow.observing_holder == observing),
            accepted=count(FlightRow.observed_holder == observed),
            open_over_observed=tuple(
                OpenFlight(_utc(e), DemonstrationBy(d), "one_flight_at_a_time" in (agreed or []))
                for e, d, agreed in open_rows
            ),
        )

    # --- reading ----------------------------------------------------------------------

    def _load(self, session: Session, flight_id: str, lock: bool = False) -> FlightRow:
        query = _LOAD_FOR_UPDATE if lock else _LOAD
        row = session.execute(query, {"flight_id": flight_id}).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no flight {flight_id}")
        return row

    def list_flights(
        self,
        who: Delegation | Credentials,
        limit: int | None = None,
        after: tuple[str, str] | None = None,
    ) -> list[dict[str, Any]]:
        """The flights the delegation may see, as its role allows (none for a non-Party), by
        ETA: at most ``limit``, those after ``after`` (the ETA and id of the last one seen).
        One transaction, the token checked in it; three queries whatever the page size: the
        flights, then the events and agreements of those whose timeline the role may see."""
        now = self.clock.now()
        query = select(FlightRow).order_by(FlightRow.eta, FlightRow.id)
        if after is not None:
            eta = datetime.fromisoformat(after[0])
            query = query.where(
                or_(FlightRow.eta > eta, and_(FlightRow.eta == eta, FlightRow.id > after[1]))
            )
        with self.reading().begin() as session:
            actor = authenticated_in(session, who)
            if not is_state_party(self.data, actor.state, now.date()):
                self._authorise(actor, Action.READ_NOTIFICATION, Role.NOT_A_PARTY)
            rows = session.execute(query.limit(limit)).scalars().all()
            roles = [self.role(actor.state, row, now.date()) for row in rows]
            shown = [r.id for r, role in zip(rows, roles, strict=True) if _timeline(role)]
            children = _children(session, shown)
            return [
                self._view(session, row, role, now, children.get(row.id, ([], [])))
                for row, role in zip(rows, roles, strict=True)
            ]

    def get_flight(self, who: Delegation | Credentials, flight_id: str) -> dict[str, Any]:
        """One flight as the delegation's role lets it see it; restricted reads are audited.

        The token is checked, the role decided and the flight read in one transaction; a
        restricted read's audit entry is then committed (with those of the reads waiting at
        the same moment, ``ReadAudit``) before the flight is answered."""
        now = self.clock.now()
        with self.reading().begin() as session:
            actor = authenticated_in(session, who)
            self._party_first(actor, now.date())
            row = self._load(session, flight_id)
            role = self.role(actor.state, row, now.date())
            self._authorise(actor, Action.READ_NOTIFICATION, role)
            view = self._view(session, row, role, now)
        if allowed(Action.READ_TIMELINE, role):
            self.read_audit.append(now, actor.state, "flight.read", f"flight:{flight_id}")
        return view

    def _view(
        self,
        session: Session,
        row: FlightRow,
        role: Role,
        now: datetime,
        children: Children | None = None,
    ) -> dict[str, Any]:
        """The flight as ``role`` sees it; ``children`` (its events and agreements, loaded
        for a whole page at once) saves two queries per flight."""
        view: dict[str, Any] = {
            "id": row.id,
            "observing_party": row.observing,
            "observed_party": row.observed,
            "observing_holder": row.observing_holder,
            "observed_holder": row.observed_holder,
            "quota_year": row.quota_year,
            "eta": row.eta.isoformat(),
            "notified_at": row.notified_at.isoformat(),
            "notification": row.notification,
            "role": role.value,
        }
        # A report signed by both goes to all (Art. VI §I ¶21); until then, the two Parties.
        signed = row.state == FlightState.REPORTED.value
        shown = allowed(Action.READ_REPORT if signed else Action.READ_TIMELINE, role)
        if row.report is not None and shown:
            view["report"] = row.report
        if allowed(Action.READ_TIMELINE, role):
            if children is None:
                events = session.execute(_EVENTS, {"flight_id": row.id}).all()
                agreements = session.execute(_AGREEMENTS, {"flight_id": row.id}).all()
            else:
                events, agreements = children
            flight = _flight(row, _replayed(e.payload for e in events))
            view.update(
                {
                    "state": row.state,
                    "counted": flight.counted,
                    "aircraft_by": flight.aircraft_by.value,
                    "inspecting": flight.inspecting.value,
                    "times": row.times,
                    "agreed_otherwise": row.agreed_otherwise,
                    "breaches": [b.as_json() for b in flight.breaches(self.data, now)],
                    "deadlines": _deadlines(self.data, flight),
                    "steps": next_steps(
                        row.state,
                        role,
                        [
                            row.observed_holder,
                            *party_members(self.data, row.observed_holder, now.date()),
                        ],
                        flight.inspecting,
                    ),
                    "agreeable": agreeable_rules(role),
                    "events": [
                        {
                            "seq": e.seq,
                            "step": e.step,
                            "at": e.at.isoformat(),
                            "actor": e.actor,
                            "breaches": e.breaches,
                        }
                        for e in events
                    ],
                    "agreements": [
                        {
                            "id": a.id,
                            "rule": a.rule,
                            "terms": a.terms,
                            "proposed_by": a.proposed_by,
                            "accepted_by": a.accepted_by,
                        }
                        for a in agreements
                    ],
                }
            )
        if row.mission_plan is not None and allowed(Action.READ_MISSION_PLAN, role):
            view["mission_plan"] = row.mission_plan
        return view

    # --- steps ------------------------------------------------------------------------

    def step(
        self, actor: Delegation, flight_id: str, step: str, command: StepCommand | None = None
    ) -> dict[str, Any]:
        """Take one step of the flight's lifecycle as ``actor``, with the step's command
        (``STEP_COMMANDS``; ``None`` for a step that takes none, or to take its defaults)."""
        now = self.clock.now()
        if step not in STEP_ACTIONS:
            raise NotFound(f"no step {step!r}")
        command = _step_command(step, command)
        self._party_first(actor, now.date())
        try:
            with self.sessions.begin() as session:
                row = self._load(session, flight_id, lock=True)
                role = self.role(actor.state, row, now.date())
                self._authorise(actor, STEP_ACTIONS[step], role)
                check_plan_step(self.data, row, command, now.date())
                if step == "report" and row.report is not None:
                    raise WrongState.one(
                        "flight_state", "Art. VI §I ¶21", "the mission report has been sent"
                    )
                seen, facts = _facts(session, row.id)
                flight = _flight(row, facts)
                event = self._apply(flight, step, now, actor, command, row, role)
                version = record_plan_step(
                    session, self.data, row, step, actor.state, command, now, self.route_checker
                )
                row.state = flight.state.value
                row.counted = flight.counted
                row.demonstration_by = flight.demonstration_by.value
                row.times = {k: v.isoformat() for k, v in flight.times.items()}
                payload = {k: v for k, v in event.payload.items() if k != "plan"}
                if event.facts:
                    payload[FACTS] = event.facts
                session.add(
                    FlightEventRow(
                        flight_id=row.id,
                        seq=seen + 1,
                        step=step,
                        at=now,
                        actor=actor.state,
                        payload=_plain(payload),
                        breaches=[b.as_json() for b in event.breaches],
                    )
                )
                if step in STEP_MESSAGES:
                    kind, to_all = STEP_MESSAGES[step]
                    other = row.observed_holder if role is Role.OBSERVING else row.observing_holder
                    # The observing Party provides the signed report to all (Art. VI §I ¶21).
                    sender = row.observing if step == "sign_report" else actor.state
                    if step == "sign_report":
                        other = row.observed_holder
                    self._message(
                        session,
                        row,
                        kind,
                        sender,
                        party_members(self.data, other, now.date()),
                        to_all,
                        _plain(
                            row.report
                            if step == "sign_report"
                            else {**event.payload, **({"plan": version} if version else {})}
                        ),
                        now,
                    )
                append_audit(
                    session,
                    now,
                    actor.state,
                    f"flight.{step}",
                    f"flight:{row.id}",
                    {"state": row.state},
                )
                return self._view(session, row, role, now)
        except StaleDataError:
            raise WrongState.one(
                "concurrent_change", "Art. VI", "the flight changed meanwhile; read it again"
            ) from None

    def _apply(
        self,
        flight: ObservationFlight,
        step: str,
        now: datetime,
        actor: Delegation,
        command: StepCommand | None,
        row: FlightRow,
        role: Role,
    ) -> Any:
        data, who = self.data, actor.state
        annex_f = self._annex_f(flight, step, now, who, command, role)
        if annex_f is not None:
            return annex_f
        if isinstance(command, SubmitMissionPlan):
            plan, start = dict(command.route), command.planned_start
            if self.route_checker is not None:
                airfield = command.open_skies_airfield or row.notification.get(
                    "open_skies_airfield"
                )
                violations = self.route_checker(
                    plan, row.observed_holder, airfield or "", start.date()
                )
                if violations:
                    raise Refusal(violations, field="route")
            event = flight.submit_mission_plan(now, who, data, start, plan)
            row.mission_plan = {"route": plan, "planned_start": start.isoformat()}
            return event
        if isinstance(command, ProposeChanges):
            return flight.propose_changes(now, who, data, command.grounds, dict(command.changes))
        if isinstance(command, Decline):
            return flight.decline(now, who, data, command.reason)
        if isinstance(command, Prohibit):
            return flight.prohibit(now, who, data, command.grounds, command.facts)
        if isinstance(command, MissionReport):
            airfield = row.notification.get("open_skies_airfield")
            maximum = maximum_flight_distance(data, airfield, flight.eta.date())
            event = flight.report(now, who, data, dict(command.report), maximum)
            report = {**command.report, **event.payload["distance"]}
            row.report = _plain({**report, "signed_by": [row.observing]})
            return event
        if step == "sign_report":
            event = flight.sign_report(now, who, data)
            row.report = {**(row.report or {}), "signed_by": [row.observing, row.observed]}
            return event
        return getattr(flight, step)(now, who, data)

    def _annex_f(
        self,
        flight: ObservationFlight,
        step: str,
        now: datetime,
        who: str,
        command: StepCommand | None,
        role: Role,
    ) -> Event | None:
        """The steps of Ann. F and Art. VIII §II, with their commands; None for others."""
        data = self.data
        if isinstance(command, Acknowledge):
            provides = command.observed_provides_aircraft
            return flight.acknowledge(now, who, data, observed_provides_aircraft=provides)
        if isinstance(command, StartInspection):
            return flight.start_inspection(now, who, data, role, command.inspectors)
        if isinstance(command, StartDemonstration):
            return flight.start_demonstration(
                now, who, data, None, role, command.delay_hours, command.delay_cause
            )
        if isinstance(command, Conformity):  # end_inspection, end_demonstration
            ended: Event = getattr(flight, step)(now, who, data, command.conforms, side=role)
            return ended
        if isinstance(command, Cancel):
            return flight.cancel(now, who, data, command.caused_by, side=role)
        if isinstance(command, Curtail):
            return flight.curtail(
                now,
                who,
                data,
                command.cause,
                emergency_of_observed_party_crew=command.emergency_of_observed_party_crew,
                observing_counts=command.observing_counts,
            )
        if isinstance(command, Explain):  # explain_prohibition, explain_decline
            explained: Event = getattr(flight, step)(now, who, data, command.text)
            return explained
        return None

    # --- agreements ("unless otherwise agreed") -----------------------------------------

    def propose_agreement(
        self, actor: Delegation, flight_id: str, rule: str, terms: str
    ) -> dict[str, Any]:
        """Propose to set a rule aside for this flight; the other Party must accept."""
        now = self.clock.now()
        if rule not in AGREEABLE_RULES:
            raise Refusal.one(
                "agreeable_rule",
                "Art. VI",
                f"{rule!r} cannot be agreed otherwise; one of {', '.join(sorted(AGREEABLE_RULES))}",
                field="rule",
            )
        self._party_first(actor, now.date())
        with self.sessions.begin() as session:
            row = self._load(session, flight_id, lock=True)
            self._authorise(actor, Action.AGREE_OTHERWISE, self.role(actor.state, row, now.date()))
            agreement = AgreementRow(
                flight_id=row.id, rule=rule, terms=terms, proposed_by=actor.state, proposed_at=now
            )
            session.add(agreement)
            session.flush()
            append_audit(
                session,
                now,
                actor.state,
                "agreement.propose",
                f"flight:{row.id}",
                {"rule": rule, "agreement": agreement.id},
            )
            return {
                "id": agreement.id,
                "rule": rule,
                "terms": terms,
                "proposed_by": actor.state,
                "accepted_by": None,
            }

    def accept_agreement(
        self, actor: Delegation, flight_id: str, agreement_id: int
    ) -> dict[str, Any]:
        """Accept the other Party's proposal; the rule is set aside for this flight."""
        now = self.clock.now()
        self._party_first(actor, now.date())
        with self.sessions.begin() as session:
            row = self._load(session, flight_id, lock=True)
            self._authorise(actor, Action.AGREE_OTHERWISE, self.role(actor.state, row, now.date()))
            agreement = session.get(AgreementRow, agreement_id)
            if agreement is None or agreement.flight_id != row.id:
                raise NotFound(f"no agreement {agreement_id} in flight {flight_id}")
            same_side = self.role(agreement.proposed_by, row, now.date()) == self.role(
                actor.state, row, now.date()
            )
            if agreement.proposed_by == actor.state or same_side:
                raise Refusal.one(
                    "agreed_by_both",
                    AGREEABLE_RULES[agreement.rule][0],
                    "an agreement needs the other Party's acceptance",
                )
            agreement.accepted_by, agreement.accepted_at = actor.state, now
            row.agreed_otherwise = sorted({*row.agreed_otherwise, agreement.rule})
            # a training flight by agreement is never counted: its quota is freed at once
            row.counted = _flight(row).counted
            append_audit(
                session,
                now,
                actor.state,
                "agreement.accept",
                f"flight:{row.id}",
                {"rule": agreement.rule, "agreement": agreement.id},
            )
            return {
                "id": agreement.id,
                "rule": agreement.rule,
                "terms": agreement.terms,
                "proposed_by": agreement.proposed_by,
                "accepted_by": actor.state,
            }

    # --- messages ---------------------------------------------------------------------

    def _message(
        self,
        session: Session,
        row: FlightRow,
        kind: str,
        sender: str,
        recipients: list[str],
        to_all: bool,
        body: dict[str, Any],
        now: datetime,
    ) -> None:
        answers = (
            session.execute(
                select(MessageRow.id)
                .where(MessageRow.flight_id == row.id)
                .order_by(MessageRow.id.desc())
            )
            .scalars()
            .first()
        )
        post_message(session, row.id, kind, sender, recipients, to_all, body, now, answers)

    def messages(
        self,
        who: Delegation | Credentials,
        box: str,
        limit: int | None = None,
        after: int | None = None,
    ) -> list[dict[str, Any]]:
        """The delegation's inbox (to it, or copies to all Parties) or outbox, by id: at most
        ``limit``, those after id ``after``; chosen by the database in one query, in the
        transaction that checks the token."""
        now = self.clock.now()
        with self.reading().begin() as session:
            actor = authenticated_in(session, who)
            return self._messages(session, actor, box, now, limit, after)

    def _messages(
        self,
        session: Session,
        actor: Delegation,
        box: str,
        now: datetime,
        limit: int | None,
        after: int | None,
    ) -> list[dict[str, Any]]:
        if not is_state_party(self.data, actor.state, now.date()):
            self._authorise(actor, Action.READ_NOTIFICATION, Role.NOT_A_PARTY)
        query = select(MessageRow).order_by(MessageRow.id)
        if box == "outbox":
            query = query.where(MessageRow.sender == actor.state)
        else:  # recipients is a JSON list of State codes: '["DEU", "POL"]'
            named = cast(MessageRow.recipients, Text).like(f'%"{actor.state}"%')
            query = query.where(
                MessageRow.sender != actor.state, or_(MessageRow.to_all_parties, named)
            )
        if after is not None:
            query = query.where(MessageRow.id > after)
        mine = session.execute(query.limit(limit)).scalars().all()
        return [
            {
                "id": m.id,
                "flight_id": m.flight_id,
                "kind": m.kind,
                "from": m.sender,
                "to": m.recipients,
                "to_all_parties": m.to_all_parties,
                "answers": m.answers,
                "created_at": m.created_at.isoformat(),
                "body": m.body,
                "text": m.text,
            }
            for m in mine
        ]


def _utc(at: datetime) -> datetime:
    """A stored time as aware UTC (SQLite returns naive datetimes)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


Children = tuple[list[Any], list[Any]]


def _timeline(role: Role) -> bool:
    """Whether ``role`` sees a flight's timeline (its events and agreements)."""
    return allowed(Action.READ_TIMELINE, role)


"""A flight's events and agreements, as the plain rows of ``_EVENTS`` and ``_AGREEMENTS``."""


def _children(session: Session, ids: list[str]) -> dict[str, Children]:
    """The events and agreements of the flights ``ids``: two queries for all of them."""
    out: dict[str, Children] = {i: ([], []) for i in ids}
    if not ids:
        return out
    page = {"ids": ids}
    for e in session.execute(_PAGE_EVENTS, page):
        out[e.flight_id][0].append(e)
    for a in session.execute(_PAGE_AGREEMENTS, page):
        out[a.flight_id][1].append(a)
    return out


def _deadlines(data: TreatyData, flight: ObservationFlight) -> list[dict[str, Any]]:
    """Each deadline, and when the event that meets it happened (``met_at``, or None)."""
    timeline = flight.timeline()
    met = met_by(timeline)
    out = []
    ended = flight.state in ENDED_EARLY
    for d in flight_deadlines(data, flight.eta, timeline, flight.demonstration_by).deadlines:
        at = met.get(d.rule)
        if ended and at is None and d.rule not in STILL_OWED:
            continue  # a step the flight will never take (it ended early)
        out.append(
            {
                **d.as_json(),
                "met_at": at.isoformat() if at else None,
                "waived": d.rule in flight.agreed_otherwise,
                "late": at is not None and (at > d.at if d.kind == "by" else at < d.at),
            }
        )
    return out


def _plain(value: Any) -> Any:
    """JSON-safe copy: datetimes and dates as ISO 8601."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_DEFAULT_COMMANDS: dict[str, StepCommand] = {
    "acknowledge": Acknowledge(),
    "start_inspection": StartInspection(),
    "start_demonstration": StartDemonstration(),
    "decline": Decline(),
    "report": MissionReport(),
}
"""The steps whose command may be left out: these are what they then take."""


def _step_command(step: str, command: StepCommand | None) -> StepCommand | None:
    """The command for ``step``: the one given, checked against ``STEP_COMMANDS``, or the
    step's default. A mismatch is the caller's error (the API and the CLI build the right
    one), so it is a ``TypeError``, not a refusal."""
    kind = STEP_COMMANDS.get(step)
    if kind is None:
        if command is not None:
            raise TypeError(f"the step {step!r} takes no command, not {command!r}")
        return None
    if command is None:
        if step not in _DEFAULT_COMMANDS:
            raise TypeError(f"the step {step!r} needs a {kind.__name__}")
        return _DEFAULT_COMMANDS[step]
    if not isinstance(command, kind):
        raise TypeError(f"the step {step!r} takes a {kind.__name__}, not {command!r}")
    return command
