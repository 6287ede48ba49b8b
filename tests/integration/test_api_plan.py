"""Planner endpoints of the API: plan, check, export, impact, territories."""

from __future__ import annotations

import pytest

from tests.integration.conftest import SQLITE_ONLY, World

# The planner endpoints use no database: they run on SQLite only (not a skipped PostgreSQL case).
pytestmark = SQLITE_ONLY


def test_plan_check_export_and_impact(world: World) -> None:
    body = {
        "observed": "POL",
        "airfield": "pol-warszawa-okecie",
        "date": "2026-12-01",
        "time_limit": 1.0,
    }
    plan = world.call("DEU", "POST", "/api/plan/flight", json=body)
    assert plan.status_code == 200, plan.text
    features = plan.json()["features"]
    kinds = {f["properties"]["kind"] for f in features}
    assert kinds == {"route", "waypoint", "observed_site", "swath"}
    route = features[0]
    assert route["properties"]["valid"] and route["properties"]["budget_km"] == 1400
    collection = {"type": "FeatureCollection", "features": features}
    checked = world.call(
        "DEU",
        "POST",
        "/api/plan/check",
        json={"route": collection, "observed": "POL", "date": "2026-12-01"},
    )
    assert checked.json()["valid"] is True
    legs = checked.json()["legs"]
    assert len(legs) == len(route["geometry"]["coordinates"]) - 1
    assert {"length_km", "time_min", "swath_half_width_km", "gsd_m", "hagl_m"} <= set(legs[0])
    accounts = route["properties"]["sites"]
    assert {a["status"] for a in accounts} <= {"observed", "not_covered", "excluded"}
    assert all(a["leg"] is not None for a in accounts if a["status"] == "observed")
    live = world.call("DEU", "GET", "/api/plan/footprint?hagl_m=13040&on=2026-12-01").json()
    assert live["swath_half_width_km"] == pytest.approx(3.0, abs=0.01)
    assert live["gsd_m"] == pytest.approx(0.6, abs=0.001) and not live["below_certified_height"]
    route["geometry"]["coordinates"].insert(2, [13.40, 52.52])  # a fix dragged into Germany
    route["properties"]["legs"].insert(2, route["properties"]["legs"][0])
    moved = world.call(
        "DEU",
        "POST",
        "/api/plan/check",
        json={
            "route": {"type": "FeatureCollection", "features": [route]},
            "observed": "POL",
            "date": "2026-12-01",
        },
    ).json()
    assert not moved["valid"]
    assert {"within_territory": "Art. I ¶1; Art. II ¶5–6"}.items() <= {
        v["rule"]: v["citation"] for v in moved["violations"]
    }.items()
    kml = world.call("DEU", "POST", "/api/plan/export?format=kml", json=collection)
    assert kml.status_code == 200 and "<kml" in kml.text
    assert "<altitudeMode>absolute</altitudeMode>" in kml.text and "<Polygon" in kml.text
    gpx = world.call("DEU", "POST", "/api/plan/export?format=gpx", json=collection)
    assert "<gpx" in gpx.text and "<ele>6630.3</ele>" in gpx.text  # 6,520 m + Okecie's 110 m
    impact = world.call(
        "DEU", "POST", "/api/plan/impact", json={**body, "restriction": "border_buffer"}
    ).json()
    assert impact["with"]["value"] <= impact["without"]["value"]
    territories = world.call("DEU", "GET", "/api/geo/territories")
    assert territories.status_code == 200 and b"POL" in territories.content[:10_000_000]
    demo = world.call("DEU", "GET", "/api/plan/demo-sites?observed=POL").json()
    assert len(demo["features"]) > 50


def test_plan_bad_input_is_a_problem(world: World) -> None:
    wrong = world.call(
        "DEU",
        "POST",
        "/api/plan/flight",
        json={"observed": "POL", "airfield": "KUBINKA", "date": "2026-12-01"},
    )
    assert wrong.status_code == 422 and "not of POL" in wrong.json()["detail"]
    bad_sites = world.call(
        "DEU",
        "POST",
        "/api/plan/flight",
        json={
            "observed": "POL",
            "airfield": "pol-warszawa-okecie",
            "date": "2026-12-01",
            "sites": {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [500, 52]},
                        "properties": {"id": "x"},
                    }
                ],
            },
        },
    )
    assert bad_sites.status_code == 422 and "lon" in bad_sites.json()["detail"]


def test_campaign_counts_each_site_once_across_valid_flights(world: World) -> None:
    body = {
        "observed": "POL",
        "date": "2026-12-01",
        "flights": ["pol-warszawa-okecie", "pol-warszawa-okecie"],
        "time_limit": 1.0,
    }
    reply = world.call("DEU", "POST", "/api/plan/campaign", json=body)
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert out["kind"] == "campaign" and len(out["flights"]) == 2
    counted = [site for f in out["flights"] for site in f["sites_new"]]
    assert len(counted) == len(set(counted)) == out["sites_observed"]
    assert out["value"] >= out["sequential_value"]
    for f in out["flights"]:
        route = f["plan"]["features"][0]["properties"]
        assert route["valid"] == f["valid"] and route["length_km"] <= f["budget_km"] + 1e-6
        assert set(f["sites_new"]) <= set(route["sites_observed"])
    bad = world.call("DEU", "POST", "/api/plan/campaign", json={**body, "flights": []})
    assert bad.status_code == 422
