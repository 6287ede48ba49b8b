"""Late steps the treaty still expects are recorded as breaches, each with its citation;
quota refusals name their paragraph. Through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.missions.errors import Refusal
from openskies.services.clock import FixedClock
from openskies.services.commands import MissionReport, Prohibit, SubmitMissionPlan
from openskies.services.delegations import Delegation, create_delegation
from openskies.services.missions import MissionService
from tests.conftest import fixture_data, notification

START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
ROUTE = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "LineString", "coordinates": [[20.97, 52.17], [21.5, 51.5]]},
}


@pytest.fixture
def env(database_url: str) -> Iterator[tuple[MissionService, dict[str, Delegation]]]:
    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    data = fixture_data()
    who = {}
    with sessions.begin() as session:
        for code in ("DEU", "POL", "PRT", "FRA"):
            who[code], _ = create_delegation(session, data, code, START)
    yield MissionService(sessions, data, FixedClock(START)), who
    engine.dispose()


def _notify(svc: MissionService, who: dict[str, Delegation], **extra: Any) -> str:
    eta = svc.clock.now() + timedelta(hours=96)
    notice = {"observed": "POL", "point_of_entry": "pol-warszawa-okecie", "eta": eta, **extra}
    return svc.notify(who["DEU"], notification(**notice))["id"]


def _breaches(view: dict[str, Any]) -> dict[str, str]:
    return {b["rule"]: b["citation"] for b in view["breaches"]}


def test_art_vi_i_6_late_acknowledgement_is_recorded(env) -> None:
    svc, who = env
    fid = _notify(svc, who)
    svc.clock.advance(hours=25)  # type: ignore[attr-defined]
    view = svc.step(who["POL"], fid, "acknowledge")
    assert _breaches(view) == {"acknowledge_by": "Art. VI §I ¶6"}
    assert view["events"][-1]["breaches"][0]["citation"] == "Art. VI §I ¶6"


def _to_agreed(svc: MissionService, who: dict[str, Delegation], answer_after_h: float) -> str:
    fid = _notify(svc, who)
    svc.step(who["POL"], fid, "acknowledge")
    svc.clock.at = START + timedelta(hours=96)  # type: ignore[attr-defined]
    svc.step(who["POL"], fid, "arrive")
    planned = svc.clock.now() + timedelta(hours=24)
    svc.step(who["DEU"], fid, "submit_mission_plan", SubmitMissionPlan(ROUTE, planned))
    svc.clock.advance(hours=answer_after_h)  # type: ignore[attr-defined]
    svc.step(who["POL"], fid, "accept_mission_plan")
    svc.clock.at = planned  # type: ignore[attr-defined]
    return fid


def test_art_vi_ii_6_mission_plan_answered_after_4_hours_is_recorded(env) -> None:
    svc, who = env
    fid = _to_agreed(svc, who, answer_after_h=4.5)
    assert "mission_plan_answer_by" in _breaches(svc.get_flight(who["DEU"], fid))


def test_art_vi_i_9_flight_completed_after_96_hours_is_recorded(env) -> None:
    svc, who = env
    fid = _to_agreed(svc, who, answer_after_h=1)
    svc.step(who["DEU"], fid, "start_flight")
    svc.clock.at = START + timedelta(hours=96 + 96, minutes=1)  # type: ignore[attr-defined]
    view = svc.step(who["DEU"], fid, "complete_flight")
    assert _breaches(view)["period_ends"] == "Art. VI §I ¶9"


def test_art_vi_i_20_and_21_late_departure_and_report_are_recorded(env) -> None:
    svc, who = env
    fid = _to_agreed(svc, who, answer_after_h=1)
    svc.step(who["DEU"], fid, "start_flight")
    svc.clock.advance(hours=5)  # type: ignore[attr-defined]
    svc.step(who["DEU"], fid, "complete_flight")
    svc.clock.advance(hours=25)  # type: ignore[attr-defined]
    svc.step(who["POL"], fid, "depart")
    svc.clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    view = svc.step(who["DEU"], fid, "report", MissionReport({"weather": "fog"}))
    assert _breaches(view) == {"depart_by": "Art. VI §I ¶20", "report_by": "Art. VI §I ¶21"}


def test_art_iii_i_5_active_quota_not_above_the_passive_quota(env) -> None:
    # Portugal's total active quota is bounded by its passive quota of 2 (Art. III §I ¶5).
    svc, who = env
    for index, observed in enumerate(("DEU", "POL")):
        eta = START + timedelta(days=5 + 10 * index)
        entry = {"DEU": "deu-koln-bonn", "POL": "pol-warszawa-okecie"}[observed]
        svc.notify(who["PRT"], notification(observed=observed, point_of_entry=entry, eta=eta))
    with pytest.raises(Refusal) as refused:
        svc.notify(
            who["PRT"],
            notification(
                observed="FRA",
                point_of_entry="fra-orleans-bricy",
                eta=START + timedelta(days=40),
            ),
        )
    finding = refused.value.findings[0]
    assert (finding.rule, finding.citation.text) == ("active_not_above_passive", "Art. III §I ¶5")


def test_a_prohibited_flight_frees_the_quota_again(env) -> None:
    # Art. VIII §I ¶3: a prohibited flight is not counted, so the pair may notify again.
    svc, who = env
    fid = svc.notify(
        who["DEU"],
        notification(
            observed="PRT",
            point_of_entry="prt-lisboa-international",
            eta=START + timedelta(days=4),
        ),
    )["id"]
    svc.step(who["PRT"], fid, "prohibit", Prohibit("treaty_breach", "aircraft"))
    again = svc.notify(
        who["DEU"],
        notification(
            observed="PRT",
            point_of_entry="prt-lisboa-international",
            eta=START + timedelta(days=20),
        ),
    )
    assert again["state"] == "notified"
