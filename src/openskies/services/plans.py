"""Plans on the server, versioned; a flight's mission plan, changes and agreed plan as versions.

Drafts belong to the delegation that saved them. A flight's plan is read by the observing and
observed Party of that flight only (``missions.plans.may_read_flight_plan``); its versions
are written by the flight's steps (``record_plan_step``), in the step's own transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from openskies.adapters.orm import FlightRow, MessageReadRow, MessageRow, PlanRow, PlanVersionRow
from openskies.missions.errors import Forbidden, NotFound, Refusal
from openskies.missions.lifecycle import CHANGE_GROUNDS
from openskies.missions.plans import (
    PLAN_DATE_CITATION,
    PLAN_OBSERVED_CITATION,
    VersionKind,
    check_change_grounds,
    flight_plan_citation,
    may_read_flight_plan,
    route_diff,
)
from openskies.missions.policy import Action, allowed, citation_for
from openskies.missions.report import draft_report
from openskies.services.audit import append_audit
from openskies.services.commands import PlanDraft, ProposeChanges, StepCommand, SubmitMissionPlan
from openskies.services.delegations import Delegation
from openskies.treaty import Finding, TreatyData, is_state_party, party_members, resolve_holder

__all__ = [
    "PlanService",
    "check_plan_step",
    "mark_read",
    "record_plan_step",
    "unread_by_flight",
]


def _version_json(v: PlanVersionRow, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "plan_id": v.plan_id,
        "number": v.number,
        "kind": v.kind,
        "author": v.author,
        "created_at": v.created_at.isoformat(),
        "details": v.details,
    }
    if full:
        out["route"] = v.route
    return out


def _versions(session: Session, plan_id: str) -> list[PlanVersionRow]:
    return list(
        session.execute(
            select(PlanVersionRow)
            .where(PlanVersionRow.plan_id == plan_id)
            .order_by(PlanVersionRow.number)
        ).scalars()
    )


def _add_version(
    session: Session,
    plan: PlanRow,
    kind: VersionKind,
    author: str,
    now: datetime,
    route: dict[str, Any],
    details: dict[str, Any],
) -> PlanVersionRow:
    number = (
        session.execute(
            select(func.max(PlanVersionRow.number)).where(PlanVersionRow.plan_id == plan.id)
        ).scalar_one()
        or 0
    ) + 1
    row = PlanVersionRow(
        plan_id=plan.id,
        number=number,
        kind=kind.value,
        author=author,
        created_at=now,
        route=route,
        details=details,
    )
    session.add(row)
    session.flush()
    return row


def _flight_plan(session: Session, flight: FlightRow, now: datetime) -> PlanRow:
    plan = session.execute(
        select(PlanRow).where(PlanRow.flight_id == flight.id)
    ).scalar_one_or_none()
    if plan is None:
        plan = PlanRow(
            id=str(uuid.uuid4()),
            owner=flight.observing,
            name=f"Mission plan: {flight.observing} over {flight.observed}",
            observed=flight.observed_holder,
            flight_id=flight.id,
            created_at=now,
        )
        session.add(plan)
        session.flush()
    return plan


def _latest(session: Session, plan: PlanRow, *kinds: VersionKind) -> PlanVersionRow | None:
    wanted = {k.value for k in kinds}
    found = [v for v in _versions(session, plan.id) if v.kind in wanted]
    return found[-1] if found else None


def check_plan_step(
    data: TreatyData, flight: FlightRow, command: StepCommand | None, today: date
) -> None:
    """Refuse a mission plan made for another observed Party or another day (Art. VI §II)."""
    if not isinstance(command, SubmitMissionPlan):
        return
    observed = command.observed
    if observed:
        members = party_members(data, flight.observed_holder, today)
        holder = resolve_holder(data, observed, today).code if observed in data.states else None
        if observed not in members and holder != flight.observed_holder:
            raise Refusal.one(
                "mission_plan_observed",
                PLAN_OBSERVED_CITATION,
                f"this plan is for {observed}; the flight observes {flight.observed} "
                "(a mission plan covers the territory of the observed Party)",
                field="observed",
            )
    day, start = command.date, command.planned_start
    if day is not None and day != start.date():
        raise Refusal.one(
            "mission_plan_date",
            PLAN_DATE_CITATION,
            f"this plan was checked for {day.isoformat()}; the flight is planned to start on "
            f"{start.date().isoformat()}: check the route for that day",
            field="date",
        )


def record_plan_step(
    session: Session,
    data: TreatyData,
    flight: FlightRow,
    step: str,
    author: str,
    command: StepCommand | None,
    now: datetime,
    route_checker: Any = None,
) -> dict[str, Any] | None:
    """Write the plan version a step makes; return what the step's message should carry."""
    if isinstance(command, SubmitMissionPlan):
        plan = _flight_plan(session, flight, now)
        details: dict[str, Any] = {
            "planned_start": command.planned_start.isoformat(),
            "open_skies_airfield": command.open_skies_airfield,
            "source": {"plan_id": command.plan_id, "version": command.plan_version},
        }
        v = _add_version(
            session, plan, VersionKind.MISSION_PLAN, author, now, dict(command.route), details
        )
        return {"plan_id": plan.id, "version": v.number}
    found = session.execute(
        select(PlanRow).where(PlanRow.flight_id == flight.id)
    ).scalar_one_or_none()
    if found is None:
        return None
    plan = found
    if isinstance(command, ProposeChanges) and command.route:
        route = dict(command.route)
        current = _latest(session, plan, VersionKind.MISSION_PLAN)
        assert current is not None  # a plan exists only once submitted
        changes = route_diff(current.route, route)
        grounds = check_change_grounds(
            changes, list(command.change_grounds or [command.grounds]), CHANGE_GROUNDS
        )
        if route_checker is not None:
            airfield = current.details.get("open_skies_airfield") or flight.notification.get(
                "open_skies_airfield"
            )
            start = datetime.fromisoformat(current.details["planned_start"])
            violations: list[Finding] = route_checker(
                route, flight.observed_holder, airfield or "", start.date()
            )
            if violations:
                raise Refusal(violations, field="route")
        details = {
            "answers": current.number,
            "changes": [
                {**c.as_json(), "ground": g} for c, g in zip(changes, grounds, strict=True)
            ],
            "note": command.changes.get("description", ""),
        }
        v = _add_version(session, plan, VersionKind.PROPOSED_CHANGE, author, now, route, details)
        return {"plan_id": plan.id, "version": v.number, "changes": details["changes"]}
    if step in ("accept_mission_plan", "accept_changes"):
        kind = (
            VersionKind.MISSION_PLAN
            if step == "accept_mission_plan"
            else VersionKind.PROPOSED_CHANGE
        )
        source = _latest(session, plan, kind)
        if source is None:
            return None
        v = _add_version(
            session,
            plan,
            VersionKind.AGREED,
            author,
            now,
            source.route,
            {"agrees": source.number, "signed_by": [flight.observing, flight.observed]},
        )
        return {"plan_id": plan.id, "version": v.number}
    return None


def unread_by_flight(session: Session, state: str) -> dict[str, int]:
    """Flight id -> messages to ``state`` it has not marked read."""
    marks = {
        r.flight_id: r.last_message_id
        for r in session.execute(
            select(MessageReadRow).where(MessageReadRow.state == state)
        ).scalars()
    }
    counts: dict[str, int] = {}
    rows = session.execute(
        select(
            MessageRow.id, MessageRow.flight_id, MessageRow.recipients, MessageRow.to_all_parties
        ).where(MessageRow.sender != state, MessageRow.flight_id.is_not(None))
    ).all()
    for mid, flight_id, recipients, to_all in rows:
        if flight_id is None:
            continue
        if (state in recipients or to_all) and mid > marks.get(flight_id, 0):
            counts[flight_id] = counts.get(flight_id, 0) + 1
    return counts


def mark_read(session: Session, state: str, flight_id: str) -> int:
    """Mark every message of the flight read for ``state``; the last message id."""
    last = (
        session.execute(
            select(func.max(MessageRow.id)).where(MessageRow.flight_id == flight_id)
        ).scalar_one()
        or 0
    )
    mark = session.get(MessageReadRow, (state, flight_id))
    if mark is None:
        session.add(MessageReadRow(state=state, flight_id=flight_id, last_message_id=last))
    else:
        mark.last_message_id = max(mark.last_message_id, last)
    return int(last)


@dataclass
class PlanService:
    """Named plans and their versions; flights' plans as their roles allow."""

    missions: Any  # MissionService: its sessions, clock, treaty data and roles

    def _readable(self, session: Session, actor: Delegation, plan: PlanRow) -> None:
        if plan.flight_id is None:
            if plan.owner != actor.state:
                raise NotFound(f"no plan {plan.id}")
            return
        flight = session.get(FlightRow, plan.flight_id)
        assert flight is not None
        role = self.missions.role(actor.state, flight, self.missions.clock.now().date())
        if not may_read_flight_plan(role):
            raise Forbidden.one(
                "treaty_role",
                flight_plan_citation(),
                f"{actor.state} is the {role.value.replace('_', ' ')} in this flight; its "
                "mission plan is for the observing and observed Party only",
            )

    def _plan(self, session: Session, actor: Delegation, plan_id: str) -> PlanRow:
        plan = session.get(PlanRow, plan_id)
        if plan is None:
            raise NotFound(f"no plan {plan_id}")
        self._readable(session, actor, plan)
        return plan

    def _summary(
        self, session: Session, plan: PlanRow, versions: list[PlanVersionRow] | None = None
    ) -> dict[str, Any]:
        if versions is None:
            versions = _versions(session, plan.id)
        return {
            "id": plan.id,
            "name": plan.name,
            "owner": plan.owner,
            "observed": plan.observed,
            "flight_id": plan.flight_id,
            "created_at": plan.created_at.isoformat(),
            "versions": [_version_json(v, full=False) for v in versions],
        }

    def save(self, actor: Delegation, draft: PlanDraft) -> dict[str, Any]:
        """A new named plan with its first version."""
        now = self.missions.clock.now()
        with self.missions.sessions.begin() as session:
            plan = PlanRow(
                id=str(uuid.uuid4()),
                owner=actor.state,
                name=draft.name,
                observed=draft.observed,
                created_at=now,
            )
            session.add(plan)
            session.flush()
            _add_version(
                session,
                plan,
                VersionKind.DRAFT,
                actor.state,
                now,
                dict(draft.route),
                draft.details(),
            )
            append_audit(session, now, actor.state, "plan.save", f"plan:{plan.id}")
            return self._summary(session, plan)

    def add_version(self, actor: Delegation, plan_id: str, draft: PlanDraft) -> dict[str, Any]:
        """Save the plan again: a new version; earlier ones stay as they were."""
        now = self.missions.clock.now()
        with self.missions.sessions.begin() as session:
            plan = self._plan(session, actor, plan_id)
            if plan.flight_id is not None:
                raise Refusal.one(
                    "flight_plan_versions",
                    "Art. VI §II ¶1; Art. VI §II ¶6",
                    "a flight's plan changes only by its steps: submit a mission plan or "
                    "propose a changed route",
                )
            v = _add_version(
                session,
                plan,
                VersionKind.DRAFT,
                actor.state,
                now,
                dict(draft.route),
                draft.details(),
            )
            append_audit(
                session, now, actor.state, "plan.version", f"plan:{plan.id}", {"number": v.number}
            )
            return self._summary(session, plan)

    def list(
        self, actor: Delegation, limit: int | None = None, after: tuple[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """The plans the delegation may read (its own, and those of the flights it observes
        or is observed in), by creation time and id: at most ``limit``, those after
        ``after``. The database chooses them; a page costs two SELECTs at any size."""
        today = self.missions.clock.now().date()
        state = actor.state
        readable = [and_(PlanRow.flight_id.is_(None), PlanRow.owner == state)]
        if is_state_party(self.missions.data, state, today):
            holder = resolve_holder(self.missions.data, state, today).code
            readable += [
                FlightRow.observing == state,
                FlightRow.observed == state,
                FlightRow.observing_holder == holder,
                FlightRow.observed_holder == holder,
            ]
        query = (
            select(PlanRow, FlightRow)
            .outerjoin(FlightRow, FlightRow.id == PlanRow.flight_id)
            .where(or_(*readable))
            .order_by(PlanRow.created_at, PlanRow.id)
        )
        if after is not None:
            at = datetime.fromisoformat(after[0])
            query = query.where(
                or_(PlanRow.created_at > at, and_(PlanRow.created_at == at, PlanRow.id > after[1]))
            )
        if limit is not None:
            query = query.limit(limit)
        with self.missions.reading().begin() as session:
            plans = [
                plan
                for plan, flight in session.execute(query).all()
                if flight is None or may_read_flight_plan(self.missions.role(state, flight, today))
            ]
            versions: dict[str, list[PlanVersionRow]] = {p.id: [] for p in plans}
            if plans:
                for v in session.execute(
                    select(PlanVersionRow)
                    .where(PlanVersionRow.plan_id.in_(list(versions)))
                    .order_by(PlanVersionRow.plan_id, PlanVersionRow.number)
                ).scalars():
                    versions[v.plan_id].append(v)
            return [self._summary(session, p, versions[p.id]) for p in plans]

    def get(self, actor: Delegation, plan_id: str) -> dict[str, Any]:
        """One plan and the list of its versions."""
        with self.missions.reading().begin() as session:
            return self._summary(session, self._plan(session, actor, plan_id))

    def version(self, actor: Delegation, plan_id: str, number: int) -> dict[str, Any]:
        """One version in full (route included)."""
        with self.missions.reading().begin() as session:
            plan = self._plan(session, actor, plan_id)
            found = next((v for v in _versions(session, plan.id) if v.number == number), None)
            if found is None:
                raise NotFound(f"plan {plan_id} has no version {number}")
            return _version_json(found)

    def diff(self, actor: Delegation, plan_id: str, old: int, new: int) -> dict[str, Any]:
        """The changes from version ``old`` to version ``new``, fix by fix."""
        a, b = self.version(actor, plan_id, old), self.version(actor, plan_id, new)
        return {
            "plan_id": plan_id,
            "from": old,
            "to": new,
            "changes": [c.as_json() for c in route_diff(a["route"], b["route"])],
        }

    def flight_plan(self, actor: Delegation, flight_id: str) -> dict[str, Any]:
        """The plan of a flight, with its versions (observing and observed Party only)."""
        with self.missions.reading().begin() as session:
            plan = session.execute(
                select(PlanRow).where(PlanRow.flight_id == flight_id)
            ).scalar_one_or_none()
            if plan is None:
                flight = session.get(FlightRow, flight_id)
                if flight is None:
                    raise NotFound(f"no flight {flight_id}")
                raise NotFound(f"flight {flight_id} has no mission plan yet")
            self._readable(session, actor, plan)
            return self._summary(session, plan)

    def report_draft(self, actor: Delegation, flight_id: str) -> dict[str, Any]:
        """The mission report drafted from the flight: times, agreed route, sensors."""
        with self.missions.reading().begin() as session:
            flight = session.get(FlightRow, flight_id)
            if flight is None:
                raise NotFound(f"no flight {flight_id}")
            role = self.missions.role(actor.state, flight, self.missions.clock.now().date())
            if not allowed(Action.SUBMIT_REPORT, role):
                raise Forbidden.one(
                    "treaty_role",
                    citation_for(Action.SUBMIT_REPORT).text,
                    "the observing Party compiles the mission report",
                )
            plan = session.execute(
                select(PlanRow).where(PlanRow.flight_id == flight_id)
            ).scalar_one_or_none()
            agreed = _latest(session, plan, VersionKind.AGREED) if plan else None
            return draft_report(
                flight.times,
                agreed.route if agreed else (flight.mission_plan or {}).get("route"),
                agreed.details if agreed else {},
            )

    def mark_read(self, actor: Delegation, flight_id: str) -> dict[str, Any]:
        """Mark the flight's messages read by the delegation."""
        with self.missions.sessions.begin() as session:
            if session.get(FlightRow, flight_id) is None:
                raise NotFound(f"no flight {flight_id}")
            return {
                "flight_id": flight_id,
                "read_up_to": mark_read(session, actor.state, flight_id),
            }

    def unread(self, actor: Delegation) -> dict[str, int]:
        """Unread messages per flight for the delegation."""
        with self.missions.reading().begin() as session:
            return unread_by_flight(session, actor.state)
