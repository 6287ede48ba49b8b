"""Every cell of the authorisation table, exercised through the mission service.

Germany observes Ukraine with Poland transited and France watching; the United States,
whose withdrawal took effect on 22 November 2020, is not a Party. For each action the
flight is brought to a state where the action can happen, then tried by each role:
allowed roles are not refused for their role, the others get 403 with the citation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.missions.errors import Forbidden
from openskies.missions.policy import Action, Role, allowed
from openskies.services.clock import FixedClock
from openskies.services.commands import (
    STEP_COMMANDS,
    Cancel,
    Curtail,
    Decline,
    Explain,
    MissionReport,
    Prohibit,
    SubmitMissionPlan,
)
from openskies.services.delegations import Delegation, create_delegation
from openskies.services.missions import MissionService
from openskies.treaty import CurtailmentCause
from tests.conftest import fixture_data, notification

ROLE_STATE = {
    Role.OBSERVING: "DEU",
    Role.OBSERVED: "UKR",
    Role.TRANSIT: "POL",
    Role.OTHER_PARTY: "FRA",
    Role.NOT_A_PARTY: "USA",
}
ROUTE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "LineString", "coordinates": [[30.9, 50.3], [31.5, 49.5]]},
}


class Flight:
    """A flight of the scenario, driven step by step by the right delegations."""

    def __init__(self, world: PolicyWorld, year: int, observed_aircraft: bool = False) -> None:
        self.service, self.who, self.clock = world.service, world.who, world.clock
        self.observed_aircraft = observed_aircraft
        service, who = self.service, self.who
        self.clock.at = datetime(year, 1, 10, 8, tzinfo=UTC)
        self.eta = self.clock.at + timedelta(days=4)
        notice = {
            "observed": "UKR",
            "point_of_entry": "ukr-borispol",
            "eta": self.eta,
            "transit": ["POL"],
        }
        self.id = service.notify(who["DEU"], notification(**notice))["id"]

    def step(self, state: str, name: str, **body: Any) -> None:
        command = STEP_COMMANDS[name](**body) if body else None
        self.service.step(self.who[state], self.id, name, command)

    def to(self, stage: str) -> Flight:
        order = [
            "acknowledged",
            "arrived",
            "submitted",
            "changes",
            "agreed",
            "in_flight",
            "completed",
            "departed",
            "signed",
            "reported",
        ]
        for reached in order[: order.index(stage) + 1]:
            getattr(self, f"_{reached}")()
        return self

    def _acknowledged(self) -> None:
        self.step("UKR", "acknowledge", observed_provides_aircraft=self.observed_aircraft)

    def _arrived(self) -> None:
        self.clock.at = self.eta
        self.step("UKR", "arrive")

    def _submitted(self) -> None:
        self.planned = self.clock.now() + timedelta(hours=25)
        self.step("DEU", "submit_mission_plan", route=ROUTE, planned_start=self.planned)

    def _changes(self) -> None:
        self.clock.advance(hours=1)
        self.step("UKR", "propose_changes", grounds="weather", changes={})

    def _agreed(self) -> None:
        self.step("DEU", "accept_changes")

    def _in_flight(self) -> None:
        self.clock.at = self.planned
        self.step("DEU", "start_flight")

    def _completed(self) -> None:
        self.clock.advance(hours=5)
        self.step("DEU", "complete_flight")

    def _departed(self) -> None:
        self.clock.advance(hours=5)
        self.step("UKR", "depart")

    def _signed(self) -> None:
        self.clock.advance(days=1)
        self.step("DEU", "report", report={"weather": "fair"})

    def _reported(self) -> None:
        self.step("UKR", "sign_report")


def _try(flight: Flight, state: str, action: Action) -> Callable[[], Any]:
    svc, who, fid = flight.service, flight.who[state], flight.id
    calls: dict[Action, tuple[str, Callable[[], Any]]] = {
        Action.READ_NOTIFICATION: ("notified", lambda: svc.get_flight(who, fid)),
        Action.ACKNOWLEDGE: ("notified", lambda: svc.step(who, fid, "acknowledge")),
        Action.RECORD_ARRIVAL: ("acknowledged", lambda: svc.step(who, fid, "arrive")),
        Action.PROHIBIT: (
            "acknowledged",
            lambda: svc.step(who, fid, "prohibit", Prohibit("treaty_breach", "test")),
        ),
        Action.SUBMIT_MISSION_PLAN: (
            "arrived",
            lambda: svc.step(
                who,
                fid,
                "submit_mission_plan",
                SubmitMissionPlan(ROUTE, flight.clock.now() + timedelta(hours=25)),
            ),
        ),
        Action.READ_MISSION_PLAN: (
            "submitted",
            lambda: _has(svc.get_flight(who, fid), "mission_plan"),
        ),
        Action.ANSWER_MISSION_PLAN: (
            "submitted",
            lambda: svc.step(who, fid, "accept_mission_plan"),
        ),
        Action.ACCEPT_CHANGES: ("changes", lambda: svc.step(who, fid, "accept_changes")),
        Action.DECLINE: (
            "changes",
            lambda: (
                flight.clock.advance(hours=8),
                svc.step(who, fid, "decline", Decline("test")),
            ),
        ),
        Action.FLY: (
            "agreed",
            lambda: (
                setattr(flight.clock, "at", flight.planned),
                svc.step(who, fid, "start_flight"),
            ),
        ),
        Action.RECORD_DEPARTURE: ("completed", lambda: svc.step(who, fid, "depart")),
        Action.SUBMIT_REPORT: (
            "departed",
            lambda: svc.step(who, fid, "report", MissionReport({"weather": "fair"})),
        ),
        Action.SIGN_REPORT: ("signed", lambda: svc.step(who, fid, "sign_report")),
        Action.READ_REPORT: ("reported", lambda: _has(svc.get_flight(who, fid), "report")),
        Action.READ_TIMELINE: ("notified", lambda: _has(svc.get_flight(who, fid), "state")),
        Action.AGREE_OTHERWISE: (
            "notified",
            lambda: svc.propose_agreement(who, fid, "depart_by", "weather"),
        ),
        # Ann. F: the Party not providing the aircraft (the observed Party's, for the
        # observing role: see test_policy_cell) inspects and asks for a demonstration
        Action.INSPECT: ("arrived", lambda: svc.step(who, fid, "start_inspection")),
        Action.DEMONSTRATE: ("arrived", lambda: svc.step(who, fid, "start_demonstration")),
        Action.CANCEL: (
            "arrived",
            lambda: (
                flight.step("UKR", "start_inspection"),
                flight.step("UKR", "end_inspection", conforms=True),
                svc.step(who, fid, "cancel", Cancel("inspection")),  # Ann. F §I ¶8
            ),
        ),
        Action.CURTAIL: (
            "in_flight",
            lambda: svc.step(who, fid, "curtail", Curtail(CurtailmentCause.WEATHER)),
        ),
        Action.EXPLAIN_PROHIBITION: (
            "acknowledged",
            lambda: (
                flight.step("UKR", "prohibit", grounds="treaty_breach", facts="test"),
                svc.step(who, fid, "explain_prohibition", Explain("test")),
            ),
        ),
        Action.EXPLAIN_DECLINE: (
            "changes",
            lambda: (
                flight.clock.advance(hours=8),
                flight.step("DEU", "decline", reason="test"),
                svc.step(who, fid, "explain_decline", Explain("test")),
            ),
        ),
    }
    stage, call = calls[action]
    if stage != "notified":
        flight.to(stage)
    return call


def _has(view: dict[str, Any], key: str) -> dict[str, Any]:
    if key not in view:
        raise Forbidden.one("treaty_role", "Art. VI", f"{key} not shown")
    return view


@dataclass(frozen=True)
class PolicyWorld:
    """The mission service of the scenario, its clock and one delegation per State."""

    service: MissionService
    clock: FixedClock
    who: dict[str, Delegation]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyWorld]:
    url = f"sqlite+pysqlite:///{tmp_path_factory.mktemp('policy') / 'db.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    data = fixture_data()
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    who = {}
    with sessions.begin() as session:
        for state in ROLE_STATE.values():
            who[state], _ = create_delegation(session, data, state, clock.now())
    yield PolicyWorld(MissionService(sessions, data, clock), clock, who)
    engine.dispose()


# Each cell flies in a year of its own (its quotas untouched by the others), fixed by its
# place in the table: the same case gets the same year however the tests are selected.
CASES = [
    (action, role, 2030 + index)
    for index, (action, role) in enumerate(
        (a, r) for a in Action if a is not Action.NOTIFY for r in Role
    )
]


@pytest.mark.parametrize(
    ("action", "role", "year"), CASES, ids=[f"{a.value}-{r.value}" for a, r, _ in CASES]
)
def test_policy_cell(world: PolicyWorld, action: Action, role: Role, year: int) -> None:
    sided = action in (Action.INSPECT, Action.DEMONSTRATE)
    flight = Flight(world, year, observed_aircraft=sided and role is Role.OBSERVING)
    call = _try(flight, ROLE_STATE[role], action)
    if allowed(action, role):
        call()  # no refusal of any kind: the step is the role's to take
    else:
        with pytest.raises(Forbidden) as refused:
            call()
        assert refused.value.status == 403


def test_notify_is_refused_to_a_state_that_is_not_a_party(world: PolicyWorld) -> None:
    world.clock.at = datetime(2031, 6, 1, tzinfo=UTC)
    with pytest.raises(Forbidden, match="not a State Party"):
        world.service.notify(
            world.who["USA"],
            notification(observed="UKR", eta=datetime(2031, 6, 10, tzinfo=UTC)),
        )
