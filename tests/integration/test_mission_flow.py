"""A full observation flight through the API, between two delegations and a third watching.

Runs on SQLite and on PostgreSQL. The clock is fixed and moved by the test: the treaty's
hours are exact, so every deadline is tested at its edge.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from openskies.services.audit import verify_audit
from openskies.services.clock import FixedClock
from tests.integration.conftest import START, World


def notice(observed: str = "POL", eta: datetime | None = None, **extra: Any) -> dict[str, Any]:
    eta = eta or START + timedelta(hours=97)
    return {
        "observed": observed,
        "point_of_entry": {
            "POL": "pol-warszawa-okecie",
            "PRT": "prt-lisboa-international",
            "GBR": "gbr-brize-norton",
        }.get(observed, ""),
        "eta": eta.isoformat(),
        "pre_flight_inspection": {
            "place": "Warszawa-Okecie",
            "start": (eta + timedelta(hours=2)).isoformat(),
        },
        "diplomatic_clearance": "DEU-OS-2026-017",
        "aircraft": "A319OH 15+03",
        "approximate_distance_km": 1200,
        "personnel": [
            {
                "name": "A. Schmidt",
                "gender": "F",
                "date_of_birth": "1980-02-01",
                "place_of_birth": "Bonn",
                "passport_number": "C01X00T47",
                "passport_issued_by": "DEU",
                "function": "mission commander",
            }
        ],
        **extra,
    }


def route() -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[20.967, 52.166], [21.5, 51.5], [20.967, 52.166]],
                },
            }
        ],
    }


def test_full_flight_between_two_delegations_with_a_third_watching(world: World) -> None:
    created = world.call("DEU", "POST", "/api/flights", json=notice())
    assert created.status_code == 201, created.text
    flight = created.json()
    fid = flight["id"]
    assert flight["state"] == "notified" and flight["observed_holder"] == "POL"

    # Art. VI §I ¶8: every other State Party gets a copy of the notice, and nothing more.
    seen_by_france = world.call("FRA", "GET", f"/api/flights/{fid}").json()
    assert seen_by_france["role"] == "other_party" and "state" not in seen_by_france
    assert seen_by_france["notification"]["aircraft"] == "A319OH 15+03"
    inbox = world.call("FRA", "GET", "/api/messages").json()
    assert [m["kind"] for m in inbox] == ["notification"] and inbox[0]["to_all_parties"]
    assert "TREATY REFERENCE: ARTICLE VI, SECTION I, PARAGRAPHS 5 AND 8" in inbox[0]["text"]

    world.clock.advance(hours=3)
    assert world.call("POL", "POST", f"/api/flights/{fid}/acknowledge").json()["state"] == (
        "acknowledged"
    )
    world.clock.at = START + timedelta(hours=98)  # an hour after the ETA
    assert world.call("POL", "POST", f"/api/flights/{fid}/arrive").status_code == 200
    planned = world.clock.now() + timedelta(hours=25)
    plan = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route(), "planned_start": planned.isoformat()},
    )
    assert plan.status_code == 200, plan.text
    assert "mission_plan" not in world.call("FRA", "GET", f"/api/flights/{fid}").json()
    world.clock.advance(hours=2)
    assert (
        world.call("POL", "POST", f"/api/flights/{fid}/accept-mission-plan").json()["state"]
        == "agreed"
    )
    world.clock.at = planned
    world.call("DEU", "POST", f"/api/flights/{fid}/start-flight")
    world.clock.advance(hours=6)
    world.call("DEU", "POST", f"/api/flights/{fid}/complete-flight")
    world.clock.advance(hours=10)
    world.call("POL", "POST", f"/api/flights/{fid}/depart")
    world.clock.advance(days=2)
    done = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/report",
        json={"report": {"weather": "CAVOK", "observation_periods": 3}},
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "report_signed"
    # Art. VI §I ¶21: signed by both Parties; until the observed Party signs, no one else sees it.
    assert "report" not in world.call("FRA", "GET", f"/api/flights/{fid}").json()
    assert world.call("DEU", "POST", f"/api/flights/{fid}/sign-report").status_code == 403
    done = world.call("POL", "POST", f"/api/flights/{fid}/sign-report")
    assert done.status_code == 200, done.text
    final = done.json()
    assert final["state"] == "reported" and final["counted"] and final["breaches"] == []
    assert final["report"]["signed_by"] == ["DEU", "POL"]

    # Art. VI §I ¶21: the report goes to all States Parties.
    assert world.call("FRA", "GET", f"/api/flights/{fid}").json()["report"]["weather"] == "CAVOK"
    assert "mission_report" in [m["kind"] for m in world.call("FRA", "GET", "/api/messages").json()]
    with world.sessions() as session:
        checked, broken, _ = verify_audit(session)
    assert broken is None and checked >= 12


def problem_rule(response: Any) -> tuple[int, str, str]:
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    first = body["violations"][0]
    return response.status_code, first["rule"], first["citation"]


def test_art_vi_i_5_notice_less_than_72_hours_before_eta_is_refused(world: World) -> None:
    late = world.call(
        "DEU", "POST", "/api/flights", json=notice(eta=START + timedelta(hours=71, minutes=59))
    )
    assert problem_rule(late) == (422, "notify_by", "Art. VI §I ¶5")
    exact = world.call("DEU", "POST", "/api/flights", json=notice(eta=START + timedelta(hours=72)))
    assert exact.status_code == 201


def test_art_iii_i_10_quota_refusal_over_a_small_passive_quota(world: World) -> None:
    # Portugal's passive quota of 2: at most ceil(2 / 2) = 1 flight by any one Party.
    first = world.call("DEU", "POST", "/api/flights", json=notice("PRT"))
    assert first.status_code == 201, first.text
    second = world.call(
        "DEU", "POST", "/api/flights", json=notice("PRT", eta=START + timedelta(days=30))
    )
    assert problem_rule(second) == (422, "fifty_percent_rule", "Art. III §I ¶10")


def test_art_vi_i_3_one_flight_at_a_time_over_the_observed_party(world: World) -> None:
    assert world.call("DEU", "POST", "/api/flights", json=notice()).status_code == 201
    clash = world.call("FRA", "POST", "/api/flights", json=notice(eta=START + timedelta(hours=120)))
    assert problem_rule(clash) == (422, "one_flight_at_a_time", "Art. VI §I ¶3")


def test_the_observed_party_cannot_submit_the_mission_plan(world: World) -> None:
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    wrong = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route(), "planned_start": (START + timedelta(days=5)).isoformat()},
    )
    assert problem_rule(wrong) == (403, "treaty_role", "Art. VI §II ¶1")


def test_art_vi_ii_4_e_plan_start_24_hours_unless_otherwise_agreed(world: World) -> None:
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.at = START + timedelta(hours=97)
    world.call("POL", "POST", f"/api/flights/{fid}/arrive")
    soon = {"route": route(), "planned_start": (world.clock.now() + timedelta(hours=6)).isoformat()}
    refused = world.call("DEU", "POST", f"/api/flights/{fid}/mission-plan", json=soon)
    assert problem_rule(refused) == (422, "flight_starts_not_before", "Art. VI §II ¶4(E)")
    proposal = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/agreements",
        json={"rule": "flight_starts_not_before", "terms": "start in 6 h"},
    )
    own = world.call("DEU", "POST", f"/api/flights/{fid}/agreements/{proposal.json()['id']}/accept")
    assert own.status_code == 422  # an agreement needs the other Party
    accepted = world.call(
        "POL", "POST", f"/api/flights/{fid}/agreements/{proposal.json()['id']}/accept"
    )
    assert accepted.json()["accepted_by"] == "POL"
    assert (
        world.call("DEU", "POST", f"/api/flights/{fid}/mission-plan", json=soon).status_code == 200
    )


def test_art_viii_i_5_decline_only_after_8_hours_and_not_counted(world: World) -> None:
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.at = START + timedelta(hours=97)
    world.call("POL", "POST", f"/api/flights/{fid}/arrive")
    world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={
            "route": route(),
            "planned_start": (world.clock.now() + timedelta(hours=30)).isoformat(),
        },
    )
    world.clock.advance(hours=3)
    world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/propose-changes",
        json={"grounds": "weather", "changes": {"fix 2": "moved 20 km east"}},
    )
    world.clock.advance(hours=4, minutes=59)
    early = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/decline",
        json={"reason": "changes prejudice our rights"},
    )
    assert problem_rule(early) == (422, "may_decline_from", "Art. VIII §I ¶5")
    world.clock.advance(minutes=1)
    declined = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/decline",
        json={"reason": "changes prejudice our rights"},
    ).json()
    assert declined["state"] == "declined" and declined["counted"] is False


def test_art_viii_i_2_prohibition_for_late_arrival_only_after_24_hours(world: World) -> None:
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.at = START + timedelta(hours=97 + 24)
    early = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/prohibit",
        json={"grounds": "late_arrival", "facts": "not arrived"},
    )
    assert problem_rule(early) == (422, "late_arrival", "Art. VIII §I ¶2")
    world.clock.advance(minutes=1)
    prohibited = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/prohibit",
        json={"grounds": "late_arrival", "facts": "not arrived"},
    ).json()
    assert prohibited["state"] == "prohibited" and prohibited["counted"] is False
    kinds = [m["kind"] for m in world.call("GBR", "GET", "/api/messages").json()]
    assert "prohibition" in kinds  # Art. VIII §I ¶3: explained to all States Parties


def test_art_xv_a_withdrawn_state_is_refused_after_its_effective_date_not_before(
    database_url: str,
) -> None:
    before = World(database_url, FixedClock(datetime(2020, 11, 1, 8, tzinfo=UTC)))
    with before.client:
        ok = before.call(
            "USA",
            "POST",
            "/api/flights",
            json=notice("GBR", eta=datetime(2020, 11, 10, 9, tzinfo=UTC)),
        )
        assert ok.status_code == 201, ok.text
        fid = ok.json()["id"]
        before.clock.at = datetime(2021, 1, 10, 8, tzinfo=UTC)
        refused = before.call("USA", "GET", f"/api/flights/{fid}")
        assert problem_rule(refused) == (403, "state_party", "Art. XV ¶2; Art. XVII ¶6")
        assert before.call("USA", "GET", "/api/messages").status_code == 403
        assert before.call("USA", "GET", "/api/flights").status_code == 403
        assert before.call("GBR", "GET", f"/api/flights/{fid}").status_code == 200
    before.engine.dispose()


def test_bad_input_is_a_problem_not_a_500(world: World) -> None:
    missing = world.call("DEU", "POST", "/api/flights", json={"observed": "POL"})
    assert missing.status_code == 422 and "personnel" in missing.json()["detail"]
    naive = world.call(
        "DEU", "POST", "/api/flights", json={**notice(), "eta": "2026-12-05T09:00:00"}
    )
    assert naive.status_code == 422 and "eta" in naive.json()["detail"]
    unknown = world.call("DEU", "POST", "/api/flights", json=notice("XYZ"))
    assert unknown.status_code == 422
    assert world.client.get("/api/flights").status_code == 401
    bad_token = world.client.get("/api/flights", headers={"Authorization": "Bearer osk_nope"})
    assert bad_token.status_code == 401
    huge = world.call(
        "DEU",
        "POST",
        "/api/flights",
        content=b"x" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    missing = "/api/flights/00000000-0000-4000-8000-000000000000"
    assert world.call("DEU", "GET", missing).status_code == 404


def test_review_fixes_bounds_transit_early_start_and_co_member_agreements(world: World) -> None:
    far = world.call(
        "DEU", "POST", "/api/flights", json=notice(eta=datetime(9999, 12, 31, tzinfo=UTC))
    )
    assert far.status_code == 422  # a bounded time, not a 500
    self_transit = world.call("DEU", "POST", "/api/flights", json=notice(transit=["POL"]))
    assert problem_rule(self_transit) == (422, "transit", "Art. VII ¶1–2")

    # Art. VI §II ¶4(E): the flight may not start before 24 h after the plan, unless agreed.
    fid = world.call("DEU", "POST", "/api/flights", json=notice()).json()["id"]
    world.clock.at = START + timedelta(hours=97)
    world.call("POL", "POST", f"/api/flights/{fid}/arrive")
    planned = world.clock.now() + timedelta(hours=24)
    world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route(), "planned_start": planned.isoformat()},
    )
    world.call("POL", "POST", f"/api/flights/{fid}/accept-mission-plan")
    world.clock.advance(hours=23)
    early = world.call("DEU", "POST", f"/api/flights/{fid}/start-flight")
    assert problem_rule(early) == (422, "flight_starts_not_before", "Art. VI §II ¶4(E)")

    # Benelux: Belgium and the Netherlands are one Party; they cannot agree with each other.
    ben = world.call(
        "BEL", "POST", "/api/flights", json=notice("GBR", eta=START + timedelta(days=10))
    ).json()["id"]
    proposal = world.call(
        "BEL",
        "POST",
        f"/api/flights/{ben}/agreements",
        json={"rule": "period_ends", "terms": "120 h"},
    ).json()
    co_member = world.call("NLD", "POST", f"/api/flights/{ben}/agreements/{proposal['id']}/accept")
    assert problem_rule(co_member)[:2] == (422, "agreed_by_both")
    accepted = world.call("GBR", "POST", f"/api/flights/{ben}/agreements/{proposal['id']}/accept")
    assert accepted.json()["accepted_by"] == "GBR"
