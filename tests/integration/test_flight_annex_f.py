"""The rest of the flight through the API: pre-flight inspection and demonstration flight
(Ann. F), cancellation and curtailment (Ann. F; Art. VIII §II), explanations of a prohibition
and a decline (Art. VIII §I ¶3, ¶6) and training flights, each step authorised by the treaty
role of the delegation on the day, and what each does to the quotas (read back from
``GET /api/quota-usage``, counted there independently of the flight's own ``counted``).

One test per rule, named for its citation. SQLite and PostgreSQL; the clock is fixed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from openskies.adapters.custody_client import ServerError
from tests.integration.conftest import START, World
from tests.integration.test_custody_flow import annotation_doc
from tests.integration.test_mission_flow import notice, route

ETA = START + timedelta(hours=97)


def _post(world: World, state: str, fid: str, step: str, **body: Any) -> Any:
    return world.call(state, "POST", f"/api/flights/{fid}/{step}", json=body or None)


def _ok(world: World, state: str, fid: str, step: str, **body: Any) -> dict[str, Any]:
    response = _post(world, state, fid, step, **body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _used(world: World, state: str = "DEU", year: int = ETA.year) -> int:
    usage = world.call(state, "GET", f"/api/quota-usage?year={year}").json()
    return int(usage["active"]["used"])


def _accepted(world: World, state: str = "POL", year: int = ETA.year) -> int:
    usage = world.call(state, "GET", f"/api/quota-usage?year={year}").json()
    return int(usage["passive"]["accepted"])


def _arrived(world: World, observed_aircraft: bool = False) -> str:
    """A flight notified now (the first at ``ETA``), acknowledged, the observing Party at
    its point of entry on time; the clock at its ETA."""
    eta = world.clock.now() + timedelta(hours=97)
    created = world.call("DEU", "POST", "/api/flights", json=notice(eta=eta))
    assert created.status_code == 201, created.text
    fid = str(created.json()["id"])
    world.clock.advance(hours=1)
    _ok(world, "POL", fid, "acknowledge", observed_provides_aircraft=observed_aircraft)
    world.clock.at = eta
    _ok(world, "POL", fid, "arrive")
    return fid


def _inspected(world: World, inspector: str, conforms: bool, observed_aircraft: bool) -> str:
    fid = _arrived(world, observed_aircraft)
    world.clock.advance(hours=1)
    _ok(world, inspector, fid, "start-inspection")
    world.clock.advance(hours=3)
    _ok(world, inspector, fid, "end-inspection", conforms=conforms)
    world.clock.advance(minutes=30)
    return fid


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def _citations(response: Any) -> list[str]:
    return [v["citation"] for v in response.json().get("violations", [])]


def _breaches(view: dict[str, Any]) -> dict[str, str]:
    return {b["rule"]: b["citation"] for b in view["breaches"]}


def test_art_vi_i_11_the_party_not_providing_the_aircraft_inspects(world: World) -> None:
    fid = _arrived(world)  # the observing Party's aircraft (Art. VI §I ¶1)
    view = world.call("DEU", "GET", f"/api/flights/{fid}").json()
    assert (view["aircraft_by"], view["inspecting"]) == ("observing", "observed")
    assert "start_inspection" not in {s["step"] for s in view["steps"]}  # not DEU's to take
    refused = _post(world, "DEU", fid, "start-inspection")
    assert refused.status_code == 403
    assert _citations(refused) == ["Art. VI §I ¶11; Ann. F §I ¶1"]
    assert _post(world, "FRA", fid, "start-inspection").status_code == 403  # a third Party
    other = _arrived(world, observed_aircraft=True)  # Art. VI §I ¶6: the observed Party's
    assert _post(world, "POL", other, "start-inspection").status_code == 403
    assert _ok(world, "DEU", other, "start-inspection")["inspecting"] == "observing"


def test_ann_f_i_4_pre_flight_inspection_over_8_hours_is_recorded(world: World) -> None:
    fid = _arrived(world)
    world.clock.advance(hours=1)
    started = _ok(world, "POL", fid, "start-inspection")
    deadline = {d["rule"]: d for d in started["deadlines"]}["inspection_ends_by"]
    assert (deadline["citation"], deadline["at"]) == (
        "Ann. F §I ¶4",
        _iso(ETA + timedelta(hours=9)),
    )
    world.clock.advance(hours=8, minutes=1)
    ended = _ok(world, "POL", fid, "end-inspection", conforms=True)
    assert _breaches(ended) == {"inspection_ends_by": "Ann. F §I ¶4"}
    assert ended["state"] == "arrived" and ended["counted"]


def test_art_vi_i_11_inspection_ends_4_hours_before_the_scheduled_commencement(
    world: World,
) -> None:
    fid = _arrived(world)
    planned = ETA + timedelta(hours=25)
    _ok(world, "DEU", fid, "mission-plan", route=route(), planned_start=planned.isoformat())
    _ok(world, "POL", fid, "accept-mission-plan")
    world.clock.at = planned - timedelta(hours=6)
    _ok(world, "POL", fid, "start-inspection")
    world.clock.at = planned - timedelta(hours=3)
    ended = _ok(world, "POL", fid, "end-inspection", conforms=True)
    assert _breaches(ended) == {"inspection_ends_before_flight": "Art. VI §I ¶11"}


def test_ann_f_i_8_cancelled_after_the_inspection_is_not_counted(world: World) -> None:
    before = _used(world), _accepted(world)
    fid = _inspected(world, "POL", conforms=True, observed_aircraft=False)
    assert (_used(world), _accepted(world)) == (before[0] + 1, before[1] + 1)
    assert _post(world, "POL", fid, "cancel", caused_by="inspection").status_code == 403
    cancelled = _ok(world, "DEU", fid, "cancel", caused_by="inspection")
    assert (cancelled["state"], cancelled["counted"]) == ("cancelled", False)
    assert (_used(world), _accepted(world)) == before  # the quota is not used
    event = cancelled["events"][-1]
    assert event["step"] == "cancel" and event["actor"] == "DEU"
    # Ann. F §I ¶8: the observing Party then departs; the flight stays uncounted
    departed = _ok(world, "POL", fid, "depart")
    assert (departed["state"], departed["counted"]) == ("cancelled", False)
    # the deadlines of steps it will never take are gone, those met stay
    rules = {d["rule"] for d in departed["deadlines"]}
    assert "period_ends" not in rules and {"notify_by", "inspection_ends_by"} <= rules
    assert [m["kind"] for m in world.call("POL", "GET", "/api/messages").json()][-1] == (
        "cancellation"
    )


def test_ann_f_i_9_prohibited_after_an_inspection_that_found_a_problem(world: World) -> None:
    before = _used(world)
    fid = _inspected(world, "POL", conforms=True, observed_aircraft=False)
    nothing = _post(world, "POL", fid, "prohibit", grounds="inspection", facts="none")
    assert nothing.status_code == 422 and _citations(nothing) == ["Ann. F §I ¶9"]
    fid = _inspected(world, "POL", conforms=False, observed_aircraft=False)
    prohibited = _ok(world, "POL", fid, "prohibit", grounds="inspection", facts="extra camera")
    assert (prohibited["state"], prohibited["counted"]) == ("prohibited", False)
    assert _used(world) == before + 1  # only the first flight still counts


def test_ann_f_ii_7_prohibited_when_inspection_equipment_is_not_shown_removed(
    world: World,
) -> None:
    before = _accepted(world)
    fid = _inspected(world, "DEU", conforms=True, observed_aircraft=True)
    prohibited = _ok(
        world, "POL", fid, "prohibit", grounds="inspection", facts="a probe left on board"
    )
    assert (prohibited["state"], prohibited["counted"]) == ("prohibited", False)
    assert _accepted(world) == before


def test_ann_f_ii_8_9_cancelled_when_the_observed_partys_sensors_do_not_conform(
    world: World,
) -> None:
    before = _used(world)
    fid = _inspected(world, "DEU", conforms=True, observed_aircraft=True)
    refused = _post(world, "DEU", fid, "cancel", caused_by="inspection")
    assert refused.status_code == 422
    assert _citations(refused) == ["Ann. F §II ¶8(D); Ann. F §II ¶9"]
    fid = _inspected(world, "DEU", conforms=False, observed_aircraft=True)
    cancelled = _ok(world, "DEU", fid, "cancel", caused_by="inspection")
    assert cancelled["counted"] is False and _used(world) == before + 1


def test_ann_f_iii_3_b_demonstration_flight_over_2_hours_is_recorded(world: World) -> None:
    fid = _arrived(world)
    _ok(world, "POL", fid, "start-demonstration")  # the observed Party asks (Ann. F §III ¶1)
    world.clock.advance(hours=2, minutes=1)
    ended = _ok(world, "POL", fid, "end-demonstration", conforms=True)
    assert _breaches(ended) == {"demonstration_ends_by": "Ann. F §III ¶3(B)"}


def test_ann_f_iii_4_demonstration_asked_by_the_observed_party_extends_the_period(
    world: World,
) -> None:
    fid = _arrived(world)
    assert _post(world, "DEU", fid, "start-demonstration").status_code == 403  # ¶1: not DEU
    _ok(world, "POL", fid, "start-demonstration")
    view = world.call("DEU", "GET", f"/api/flights/{fid}").json()  # read back: stored
    period = {d["rule"]: d["at"] for d in view["deadlines"]}["period_ends"]
    assert period == _iso(ETA + timedelta(hours=96 + 24))


def test_ann_f_iii_5_demonstration_asked_by_the_observing_party_fits_in_96_hours(
    world: World,
) -> None:
    fid = _arrived(world, observed_aircraft=True)
    _ok(world, "DEU", fid, "start-demonstration")  # Ann. F §III ¶2
    view = world.call("POL", "GET", f"/api/flights/{fid}").json()
    period = {d["rule"]: d["at"] for d in view["deadlines"]}["period_ends"]
    assert period == _iso(ETA + timedelta(hours=96))


def test_ann_f_iii_8_cancelled_after_a_demonstration_is_not_counted(world: World) -> None:
    before = _used(world)
    fid = _arrived(world, observed_aircraft=True)
    _ok(world, "DEU", fid, "start-demonstration")
    world.clock.advance(hours=1)
    _ok(world, "DEU", fid, "end-demonstration", conforms=False)
    cancelled = _ok(world, "DEU", fid, "cancel", caused_by="demonstration")
    assert (cancelled["state"], cancelled["counted"]) == ("cancelled", False)
    assert _used(world) == before


def test_ann_f_iii_6_c_prohibited_after_a_demonstration_asked_by_the_observed_party(
    world: World,
) -> None:
    before = _accepted(world)
    fid = _arrived(world)
    _ok(world, "POL", fid, "start-demonstration")
    world.clock.advance(hours=1)
    _ok(world, "POL", fid, "end-demonstration", conforms=False)
    # the observing Party did not ask for it: it may not cancel for it (¶8: the requester)
    assert _post(world, "DEU", fid, "cancel", caused_by="demonstration").status_code == 422
    prohibited = _ok(
        world, "POL", fid, "prohibit", grounds="demonstration", facts="resolution too fine"
    )
    assert prohibited["counted"] is False and _accepted(world) == before


def _in_flight(world: World, observed_aircraft: bool = False) -> str:
    fid = _arrived(world, observed_aircraft)
    planned = world.clock.now() + timedelta(hours=25)
    _ok(world, "DEU", fid, "mission-plan", route=route(), planned_start=planned.isoformat())
    world.clock.advance(hours=1)
    _ok(world, "POL", fid, "accept-mission-plan")
    world.clock.at = planned
    _ok(world, "DEU", fid, "start-flight")
    world.clock.advance(hours=2)
    return fid


def test_art_viii_ii_5_curtailed_flight_counts_against_both(world: World) -> None:
    before = _used(world), _accepted(world)
    fid = _in_flight(world)
    assert _post(world, "POL", fid, "curtail", cause="weather").status_code == 403
    refused = _post(world, "DEU", fid, "curtail", cause="weather", observing_counts=False)
    assert refused.status_code == 422 and _citations(refused) == ["Art. VIII §II ¶5"]
    curtailed = _ok(world, "DEU", fid, "curtail", cause="weather")
    assert (curtailed["state"], curtailed["counted"]) == ("completed", True)
    assert (_used(world), _accepted(world)) == (before[0] + 1, before[1] + 1)


def test_art_viii_ii_5_a_the_observing_party_decides_for_the_observed_partys_aircraft(
    world: World,
) -> None:
    before = _used(world)
    fid = _in_flight(world, observed_aircraft=True)
    undecided = _post(world, "DEU", fid, "curtail", cause="sensor_malfunction")
    assert undecided.status_code == 422 and _citations(undecided) == ["Art. VIII §II ¶5"]
    curtailed = _ok(
        world, "DEU", fid, "curtail", cause="sensor_malfunction", observing_counts=False
    )
    assert (curtailed["state"], curtailed["counted"]) == ("curtailed_not_counted", False)
    assert _used(world) == before


def test_art_viii_ii_6_data_of_a_flight_not_counted_are_not_retained(world: World) -> None:
    fid = _in_flight(world)
    _ok(world, "DEU", fid, "curtail", cause="force_majeure_atc", observing_counts=False)
    with pytest.raises(ServerError, match=r"409.*Art\. VIII §II ¶6"):
        world.custody("DEU").upload(fid, b"frames" * 100, annotation_doc())


def test_art_viii_i_3_prohibition_explained_to_all_parties_within_7_days(world: World) -> None:
    fid = _arrived(world)
    _ok(world, "POL", fid, "prohibit", grounds="treaty_breach", facts="uncertified sensor")
    assert _post(world, "DEU", fid, "explain-prohibition", text="why").status_code == 403
    world.clock.advance(days=7, minutes=1)
    explained = _ok(world, "POL", fid, "explain-prohibition", text="the sensor was not certified")
    assert _breaches(explained) == {"prohibition_explained_by": "Art. VIII §I ¶3"}
    inbox = world.call("FRA", "GET", "/api/messages").json()  # to all States Parties
    assert inbox[-1]["kind"] == "prohibition_explanation" and inbox[-1]["to_all_parties"]


def test_art_viii_i_6_decline_explained_within_7_days_after_departure(world: World) -> None:
    before = _used(world)
    fid = _arrived(world)
    planned = ETA + timedelta(hours=25)
    _ok(world, "DEU", fid, "mission-plan", route=route(), planned_start=planned.isoformat())
    world.clock.advance(hours=1)
    _ok(world, "POL", fid, "propose-changes", grounds="weather", changes={"leg": 2})
    world.clock.advance(hours=8)
    _ok(world, "DEU", fid, "decline", reason="the changes are prejudicial to our rights")
    departed = _ok(world, "POL", fid, "depart")
    assert departed["state"] == "declined" and _used(world) == before
    due = {d["rule"]: d for d in departed["deadlines"]}["decline_explained_by"]
    assert due["citation"] == "Art. VIII §I ¶6"
    assert due["at"] == (world.clock.now() + timedelta(days=7)).isoformat().replace("+00:00", "Z")
    world.clock.advance(days=6)
    explained = _ok(world, "DEU", fid, "explain-decline", text="see the mission report")
    assert "decline_explained_by" not in _breaches(explained)
    inbox = world.call("GBR", "GET", "/api/messages").json()
    assert inbox[-1]["kind"] == "declination_explanation"


def _propose(world: World, state: str, fid: str, rule: str, terms: str = "") -> Any:
    """``state`` proposes to set ``rule`` aside; call the result with the other Party."""
    body = {"rule": rule, "terms": terms}
    agreement = world.call(state, "POST", f"/api/flights/{fid}/agreements", json=body).json()

    def accept(other: str) -> None:
        path = f"/api/flights/{fid}/agreements/{agreement['id']}/accept"
        assert world.call(other, "POST", path).status_code == 200

    return accept


def test_training_flight_by_agreement_is_never_counted(world: World) -> None:
    before = _used(world), _accepted(world)
    fid = _arrived(world)
    assert (_used(world), _accepted(world)) == (before[0] + 1, before[1] + 1)
    accept = _propose(world, "DEU", fid, "training_flight")
    assert _used(world) == before[0] + 1  # proposed only: still counted
    accept("POL")
    view = world.call("DEU", "GET", f"/api/flights/{fid}").json()
    assert view["counted"] is False and view["state"] == "arrived"
    assert (_used(world), _accepted(world)) == before


def test_ann_f_i_2_a_and_ii_2_a_inspectors_at_most_10_and_5_unless_agreed(world: World) -> None:
    fid = _arrived(world)  # the observed Party inspects the observing Party's aircraft
    refused = _post(world, "POL", fid, "start-inspection", inspectors=11)
    assert refused.status_code == 422 and _citations(refused) == ["Ann. F §I ¶2(A)"]
    _propose(world, "POL", fid, "inspectors", "12")("DEU")
    assert _ok(world, "POL", fid, "start-inspection", inspectors=12)["state"] == "arrived"
    world.clock.advance(hours=1)
    _ok(world, "POL", fid, "end-inspection", conforms=True)
    _ok(world, "DEU", fid, "cancel", caused_by="inspection")  # frees Poland for the next
    other = _arrived(world, observed_aircraft=True)  # the observing Party inspects
    refused = _post(world, "DEU", other, "start-inspection", inspectors=6)
    assert refused.status_code == 422 and _citations(refused) == ["Ann. F §II ¶2(A)"]
    assert _ok(world, "DEU", other, "start-inspection", inspectors=5)["state"] == "arrived"


def test_art_vi_i_3_another_flight_at_the_same_time_once_the_observed_party_agrees(
    world: World,
) -> None:
    first = _arrived(world)
    eta = world.clock.now() + timedelta(hours=80)  # within the first flight's 96 hours
    refused = world.call("DEU", "POST", "/api/flights", json=notice(eta=eta))
    assert refused.status_code == 422 and _citations(refused) == ["Art. VI §I ¶3"]
    _propose(world, "POL", first, "one_flight_at_a_time", "a second flight meanwhile")("DEU")
    admitted = world.call("DEU", "POST", "/api/flights", json=notice(eta=eta))
    assert admitted.status_code == 201, admitted.text


def test_art_viii_ii_7_a_deviations_distance_is_not_counted_against_the_maximum(
    world: World,
) -> None:
    eta = world.clock.now() + timedelta(hours=97)
    body = notice(eta=eta, open_skies_airfield="pol-warszawa-okecie")  # 1 400 km: Ann. A §III
    created = world.call("DEU", "POST", "/api/flights", json=body)
    assert created.status_code == 201, created.text
    fid = str(created.json()["id"])
    world.clock.at = eta
    _ok(world, "POL", fid, "arrive")
    planned = eta + timedelta(hours=25)
    _ok(world, "DEU", fid, "mission-plan", route=route(), planned_start=planned.isoformat())
    _ok(world, "POL", fid, "accept-mission-plan")
    world.clock.at = planned
    _ok(world, "DEU", fid, "start-flight")
    world.clock.advance(hours=6)
    _ok(world, "DEU", fid, "complete-flight")
    _ok(world, "POL", fid, "depart")
    bad = {"reason": "sightseeing", "additional_km": 10}
    refused = _post(world, "DEU", fid, "report", report={"deviations": [bad]})
    assert refused.status_code == 422 and _citations(refused) == ["Art. VIII §II ¶1–2"]
    weather = {"reason": "weather_flight_safety", "additional_km": 150}
    report = {"flown_distance_km": 1500, "deviations": [weather]}
    done = _ok(world, "DEU", fid, "report", report=report)
    assert done["events"][-1]["breaches"] == []  # 1 350 km count, within the 1 400 km
    signed = _ok(world, "POL", fid, "sign-report")
    assert signed["report"]["distance_counted_km"] == 1500 - 150
    assert signed["report"]["deviations"][0]["citation"] == "Art. VIII §II ¶1(A)"


def _period(world: World, state: str, fid: str) -> str:
    view = world.call(state, "GET", f"/api/flights/{fid}").json()  # read back: stored
    return str({d["rule"]: d["at"] for d in view["deadlines"]}["period_ends"])


def test_ann_f_iii_3_d_a_delay_by_weather_or_the_observed_partys_aircraft_is_not_counted(
    world: World,
) -> None:
    fid = _arrived(world)  # the observing Party's aircraft: the observed Party asks (¶1)
    refused = _post(
        world,
        "POL",
        fid,
        "start-demonstration",
        delay_hours=2,
        delay_cause="observed_party_aircraft",
    )  # the aircraft is not the observed Party's: that delay counts
    assert refused.status_code == 422 and _citations(refused) == ["Ann. F §III ¶3(D)"]
    _ok(world, "POL", fid, "start-demonstration", delay_hours=3, delay_cause="weather")
    assert _period(world, "DEU", fid) == _iso(ETA + timedelta(hours=96 + 24 + 3))  # ¶4 + ¶3(D)
    _propose(world, "POL", fid, "demonstration_delay", "the delay counts")("DEU")
    assert _period(world, "DEU", fid) == _iso(ETA + timedelta(hours=96 + 24))  # agreed otherwise
    other = _arrived(world, observed_aircraft=True)  # the observing Party asks (¶2, ¶5)
    eta = world.clock.now()
    cause = "observed_party_sensors"
    _ok(world, "DEU", other, "start-demonstration", delay_hours=1.5, delay_cause=cause)
    assert _period(world, "POL", other) == _iso(eta + timedelta(hours=96 + 1.5))


def test_ann_f_iii_1_2_the_demonstration_flight_follows_the_pre_flight_inspection(
    world: World,
) -> None:
    fid = _arrived(world)
    _ok(world, "POL", fid, "start-inspection")
    during = _post(world, "POL", fid, "start-demonstration")
    assert during.status_code == 409 and _citations(during) == ["Ann. F §III ¶1–2"]
    world.clock.advance(hours=2)
    _ok(world, "POL", fid, "end-inspection", conforms=True)
    _ok(world, "POL", fid, "start-demonstration")
    again = _post(world, "POL", fid, "start-inspection")
    assert again.status_code == 409 and _citations(again) == ["Ann. F §III ¶1–2"]
