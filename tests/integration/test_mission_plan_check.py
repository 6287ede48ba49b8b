"""One check of a mission plan's route: the planner's ``/api/plan/check`` and the mission
service accept and refuse the same routes (Art. VI §II ¶3: a flight may end at another
Open Skies airfield of the observed Party)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from openskies.services.clock import FixedClock
from tests.integration.conftest import SQLITE_ONLY, START, World
from tests.integration.test_mission_flow import notice

GETAFE = [-3.7225, 40.295278]  # esp-getafe, point of entry and Open Skies airfield
VALLADOLID = [-4.850556, 41.707222]  # esp-valladolid, another Open Skies airfield of Spain


def route(end: list[float], end_airfield: str) -> dict[str, Any]:
    """Getafe → a fix over Spain → ``end``, observing at the default height of every sensor."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "start_airfield": "esp-getafe",
                    "end_airfield": end_airfield,
                },
                "geometry": {"type": "LineString", "coordinates": [GETAFE, [-3.9, 41.2], end]},
            }
        ],
    }


@pytest.fixture
def checked_world(database_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(database_url, FixedClock(START), tmp_path / "objects", check_routes=True)
    with w.client:
        yield w
    w.engine.dispose()


def _submit(world: World, plan: dict[str, Any]) -> Any:
    eta = START + timedelta(hours=97)
    body = notice("ESP", eta, point_of_entry="esp-getafe")
    created = world.call("DEU", "POST", "/api/flights", json=body)
    assert created.status_code == 201, created.text
    fid = created.json()["id"]
    world.call("ESP", "POST", f"/api/flights/{fid}/acknowledge")
    world.clock.at = eta
    assert world.call("ESP", "POST", f"/api/flights/{fid}/arrive").status_code == 200
    planned = eta + timedelta(hours=25)
    return world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": plan, "planned_start": planned.isoformat()},
    )


def _check(world: World, plan: dict[str, Any]) -> dict[str, Any]:
    body = {"route": plan, "observed": "ESP", "date": "2026-12-06"}
    answer = world.call("DEU", "POST", "/api/plan/check", json=body)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


@SQLITE_ONLY  # the route check is the same on every database
def test_a_route_ending_at_another_open_skies_airfield_is_accepted_by_both_paths(
    checked_world: World,
) -> None:
    plan = route(VALLADOLID, "esp-valladolid")
    checked = _check(checked_world, plan)
    assert checked["valid"], checked["violations"]
    submitted = _submit(checked_world, plan)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "mission_plan_submitted"


@SQLITE_ONLY
def test_a_route_ending_away_from_its_airfield_is_refused_by_both_paths(
    checked_world: World,
) -> None:
    plan = route([-4.6, 41.55], "esp-valladolid")  # ~27 km short of Valladolid
    checked = _check(checked_world, plan)
    assert not checked["valid"]
    assert "open_skies_airfield" in {v["rule"] for v in checked["violations"]}
    refused = _submit(checked_world, plan)
    assert refused.status_code == 422, refused.text
    assert "open_skies_airfield" in {v["rule"] for v in refused.json()["violations"]}
