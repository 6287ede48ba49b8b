"""What the web app asks of the planner beyond a plan: an edited route's coverage, the rows of
Ann. A §III that name a region (Denmark plannable), and campaign refusals naming the flight."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import SQLITE_ONLY, World

DAY = "2026-12-01"


# The planner endpoints use no database: they run on SQLite only (not a skipped PostgreSQL case).
pytestmark = SQLITE_ONLY


def _sites(*rows: tuple[str, float, float]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"id": name, "value": 1},
            }
            for name, lon, lat in rows
        ],
    }


def test_check_with_coverage_follows_a_moved_fix(world: World) -> None:
    """Art. IV ¶2 swath, Art. I ¶1 territory: the account is the edited route's, not the plan's."""
    sites = _sites(("warsaw", 21.0, 52.25), ("lodz", 19.46, 51.76), ("berlin", 13.40, 52.52))
    ask = {"observed": "POL", "airfield": "pol-warszawa-okecie", "date": DAY, "sites": sites}
    plan = world.call("DEU", "POST", "/api/plan/flight", json={**ask, "time_limit": 1.0}).json()
    features = plan["features"]
    route = features[0]
    assert "lodz" in route["properties"]["sites_observed"]
    body = {"route": plan, "observed": "POL", "date": DAY, "coverage": True, "sites": sites}
    same = world.call("DEU", "POST", "/api/plan/check", json=body).json()["coverage"]
    assert set(same["sites_observed"]) == set(route["properties"]["sites_observed"])
    assert {a["id"]: a["status"] for a in same["sites"]}["berlin"] == "excluded"
    assert len(same["swath"]["features"]) == len(
        [f for f in features if f["properties"]["kind"] == "swath"]
    )
    # move every inner fix 60 km north of Lodz: Lodz is no longer inside any 1.5 km swath
    line = route["geometry"]["coordinates"]
    for i in range(1, len(line) - 1):
        line[i] = [19.46, 52.30]
    waypoints = [f for f in features if f["properties"]["kind"] == "waypoint"]
    for w, point in zip(waypoints, line, strict=True):
        w["geometry"]["coordinates"] = point
    moved = world.call("DEU", "POST", "/api/plan/check", json=body).json()["coverage"]
    accounts = {a["id"]: a for a in moved["sites"]}
    assert accounts["lodz"]["status"] == "not_covered"
    assert "lodz" not in moved["sites_observed"]
    ring = moved["swath"]["features"][0]["geometry"]["coordinates"][0]
    assert any(abs(lat - 52.30) < 0.05 for _, lat in ring)  # the strip follows the moved fix
    plain = world.call("DEU", "POST", "/api/plan/check", json={**body, "coverage": False}).json()
    assert "coverage" not in plain


def test_regions_of_ann_a_iii_make_denmark_plannable(world: World) -> None:
    """Ann. A §III: Denmark's rows name regions; its Open Skies airfield has no row of its own."""
    answer = world.call("DEU", "GET", f"/api/plan/regions?observed=DNK&on={DAY}").json()
    rows = {r["region"]: r for r in answer["regions"]}
    assert rows["GREENLAND"]["distance_km"] == 5600 and not rows["GREENLAND"]["extends"]
    assert rows["FAROE ISLANDS"]["distance_km"] == 250
    assert rows["Metropolitan"]["citation"] == "Ann. A §III"
    assert [a["id"] for a in answer["airfields"]] == ["dnk-vaerloese"]
    gbr = world.call("DEU", "GET", f"/api/plan/regions?observed=GBR&on={DAY}").json()
    assert {r["extends"] for r in gbr["regions"]} == {True} and gbr["airfields"] == []
    assert world.call("DEU", "GET", f"/api/plan/regions?observed=POL&on={DAY}").json() == {
        "observed": "POL",
        "on": DAY,
        "regions": [],
        "airfields": [],
    }
    plan = world.call(
        "DEU",
        "POST",
        "/api/plan/flight",
        json={
            "observed": "DNK",
            "airfield": "dnk-vaerloese",
            "region": "dnk-faroe-islands",
            "date": DAY,
            "time_limit": 1.0,
        },
    )
    assert plan.status_code == 200, plan.text
    route = plan.json()["features"][0]["properties"]
    assert route["budget_km"] == 250 and route["region"] == "dnk-faroe-islands"
    wrong = world.call("DEU", "GET", f"/api/plan/regions?observed=XYZ&on={DAY}")
    assert wrong.status_code == 422


def test_campaign_refusal_names_the_flight(world: World) -> None:
    """Art. VI §II ¶3 (Open Skies airfields of the observed Party): flight 2 is named."""
    body = {
        "observed": "POL",
        "date": DAY,
        "flights": ["pol-warszawa-okecie", {"airfield": "KUBINKA"}],
        "time_limit": 0.5,
    }
    reply = world.call("DEU", "POST", "/api/plan/campaign", json=body)
    assert reply.status_code == 422
    detail = reply.json()["detail"]
    assert detail.startswith("flights.1 (flight 2, KUBINKA):") and "not of POL" in detail
    nothing = {**body, "flights": ["pol-warszawa-okecie"], "sites": _sites()}
    empty = world.call("DEU", "POST", "/api/plan/campaign", json=nothing)
    assert empty.status_code == 200, empty.text
    assert empty.json()["value"] == 0 and empty.json()["sites_observed"] == 0
    none = world.call("DEU", "POST", "/api/plan/campaign", json={**body, "flights": []})
    assert none.status_code == 422 and "flights" in none.json()["detail"]
