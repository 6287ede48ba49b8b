"""Plans on the server, versioned; a flight's plan, its changes as routes, live view, badges."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.conftest import START, World
from tests.integration.test_mission_flow import notice


def route(middle: tuple[float, float] = (21.5, 51.5), hagl: float = 1000) -> dict[str, Any]:
    coords = [[20.967, 52.166], list(middle), [20.967, 52.166]]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"legs": [{"hagl_m": hagl}, {"hagl_m": hagl}]},
                "geometry": {"type": "LineString", "coordinates": coords},
            }
        ],
    }


def test_plans_are_versioned_and_private_to_their_delegation(world: World) -> None:
    body = {"name": "Baltic coast", "observed": "POL", "route": route(), "date": "2026-12-05"}
    saved = world.call("DEU", "POST", "/api/plans", json=body)
    assert saved.status_code == 201, saved.text
    pid = saved.json()["id"]
    again = world.call(
        "DEU", "POST", f"/api/plans/{pid}/versions", json={**body, "route": route((21.6, 51.5))}
    )
    assert [v["number"] for v in again.json()["versions"]] == [1, 2]
    first = world.call("DEU", "GET", f"/api/plans/{pid}/versions/1").json()
    assert first["route"]["features"][0]["geometry"]["coordinates"][1] == [21.5, 51.5]
    assert first["author"] == "DEU" and first["kind"] == "draft"
    diff = world.call("DEU", "GET", f"/api/plans/{pid}/diff", params={"from": 1, "to": 2}).json()
    assert [c["change"] for c in diff["changes"]] == ["moved"]
    # Another delegation neither reads nor lists it.
    assert world.call("POL", "GET", f"/api/plans/{pid}").status_code == 404
    assert world.call("POL", "GET", "/api/plans").json() == []


def _to_plan(world: World) -> str:
    fid: str = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.advance(hours=2)
    world.call("POL", "POST", f"/api/flights/{fid}/acknowledge")
    world.clock.at = START + timedelta(hours=97)
    world.call("POL", "POST", f"/api/flights/{fid}/arrive")
    return fid


def test_art_vi_ii_6_changes_as_routes_and_the_agreed_plan_are_versions(world: World) -> None:
    fid = _to_plan(world)
    planned = (world.clock.now() + timedelta(hours=25)).isoformat()
    # A plan made for another observed Party is refused with its citation (Art. VI §II ¶2).
    other = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route(), "planned_start": planned, "observed": "CZE"},
    )
    assert other.status_code == 422
    assert other.json()["violations"][0]["citation"] == "Art. VI §II ¶2"
    ok = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route(), "planned_start": planned, "observed": "POL"},
    )
    assert ok.status_code == 200, ok.text
    world.clock.advance(hours=1)
    # A proposed change that is no change is refused; a changed route needs its ground.
    same = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/propose-changes",
        json={"grounds": "weather", "route": route()},
    )
    assert same.status_code == 422 and same.json()["violations"][0]["rule"] == "changed_route"
    changed = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/propose-changes",
        json={
            "grounds": "weather",
            "route": route((21.6, 51.4), hagl=800),
            "change_grounds": ["hazardous_airspace"],
        },
    )
    assert changed.status_code == 200, changed.text
    plan = world.call("DEU", "GET", f"/api/flights/{fid}/plan").json()
    assert [(v["number"], v["kind"], v["author"]) for v in plan["versions"]] == [
        (1, "mission_plan", "DEU"),
        (2, "proposed_change", "POL"),
    ]
    change = plan["versions"][1]["details"]["changes"]
    # Fix 1 moved; the new height of every leg shows on the other two fixes.
    assert [c["change"] for c in change] == ["height_changed", "moved", "height_changed"]
    assert {c["ground"] for c in change} == {"hazardous_airspace"}
    accepted = world.call("DEU", "POST", f"/api/flights/{fid}/accept-changes")
    assert accepted.json()["state"] == "agreed"
    plan = world.call("POL", "GET", f"/api/flights/{fid}/plan").json()
    agreed = plan["versions"][-1]
    assert agreed["kind"] == "agreed" and agreed["details"]["agrees"] == 2
    v1 = world.call("POL", "GET", f"/api/plans/{plan['id']}/versions/1").json()
    assert v1["route"] == route()  # never overwritten
    # A third State sees nothing of the plan (Art. VI §II ¶1, ¶6: the two Parties only).
    refused = world.call("FRA", "GET", f"/api/flights/{fid}/plan")
    assert refused.status_code == 403
    assert world.call("FRA", "GET", f"/api/plans/{plan['id']}/versions/1").status_code == 403
    assert world.call("FRA", "GET", "/api/plans").json() == []
    assert "mission_plan" not in world.call("FRA", "GET", f"/api/flights/{fid}").json()


def test_live_view_answers_304_until_something_changes_and_counts_unread(world: World) -> None:
    first = world.call("POL", "GET", "/api/live")
    tag = first.headers["etag"]
    assert world.call("POL", "GET", "/api/live", headers={"If-None-Match": tag}).status_code == 304
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    changed = world.call("POL", "GET", "/api/live", headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json()["unread"] == {fid: 1}
    assert [f["id"] for f in changed.json()["flights"]] == [fid]
    world.call("POL", "POST", f"/api/flights/{fid}/read")
    assert world.call("POL", "GET", "/api/live").json()["unread"] == {}
    # FRA got the copy of the notification (Art. VI §I ¶8): one unread there too.
    assert world.call("FRA", "GET", "/api/live").json()["unread"] == {fid: 1}


def test_steps_come_from_the_server_and_met_deadlines_carry_their_time(world: World) -> None:
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.advance(hours=2)
    view = world.call("POL", "POST", f"/api/flights/{fid}/acknowledge").json()
    steps = {s["step"]: s for s in view["steps"]}
    assert steps["arrive"]["next"] and steps["arrive"]["citation"] == "Art. VI §I ¶10"
    assert "submit_mission_plan" not in steps
    ack = next(d for d in view["deadlines"] if d["rule"] == "acknowledge_by")
    assert ack["met_at"] == world.clock.now().isoformat() and ack["late"] is False
    fra = world.call("FRA", "GET", f"/api/flights/{fid}").json()
    assert "steps" not in fra and "deadlines" not in fra


def test_art_vi_i_5_notification_contents_refused_with_the_field(world: World) -> None:
    bad = notice()
    bad["personnel"][0]["date_of_birth"] = "2030-01-01"
    bad["pre_flight_inspection"]["start"] = (START + timedelta(hours=90)).isoformat()
    refused = world.call("DEU", "POST", "/api/flights", json=bad)
    assert refused.status_code == 422
    rules = {v["rule"]: v["citation"] for v in refused.json()["violations"]}
    assert rules["personnel.0.date_of_birth"] == "Art. VI §I ¶5(H)"
    assert rules["pre_flight_inspection.start"].startswith("Art. VI §I ¶5(C)")


def test_art_vi_i_21_report_draft_is_for_the_observing_party(world: World) -> None:
    fid = _to_plan(world)
    draft = world.call("DEU", "GET", f"/api/flights/{fid}/report-draft")
    assert draft.status_code == 200 and "weather" in draft.json()
    assert world.call("FRA", "GET", f"/api/flights/{fid}/report-draft").status_code == 403


def test_art_iii_quotas_used_and_remaining_count_the_flights(world: World) -> None:
    before = world.call("DEU", "GET", "/api/quota-usage", params={"year": 2026}).json()
    world.call("DEU", "POST", "/api/flights", json=notice())
    after = world.call("DEU", "GET", "/api/quota-usage", params={"year": 2026}).json()
    assert after["holder"] == "DEU"
    assert after["active"]["used"] == before["active"]["used"] + 1
    assert after["active"]["remaining"] == after["active"]["total"] - after["active"]["used"]
    pol = next(r for r in after["individual"] if r["observed_party"] == "POL")
    assert pol["used"] == 1 and pol["fifty_percent_bound"] >= 1
    observed = world.call("POL", "GET", "/api/quota-usage", params={"year": 2026}).json()
    assert observed["passive"]["accepted"] == 1
