"""Route diffs (fixes added, removed, moved, new heights) and notification contents."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openskies.errors import InputError
from openskies.missions.errors import Refusal
from openskies.missions.lifecycle import CHANGE_GROUNDS
from openskies.missions.notification import check_notification
from openskies.missions.plans import check_change_grounds, route_diff
from openskies.missions.policy import Role
from openskies.missions.steps import next_steps


def route(points: list[tuple[float, float]], heights: list[float] | None = None) -> dict[str, Any]:
    legs = [{"hagl_m": h} for h in heights] if heights else None
    props = {"legs": legs} if legs else {}
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "LineString", "coordinates": [list(p) for p in points]},
            }
        ],
    }


BASE = [(21.0, 52.2), (21.5, 51.5), (22.0, 51.0), (21.0, 52.2)]


def kinds(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [c.change for c in route_diff(old, new)]


def test_same_route_no_changes() -> None:
    assert route_diff(route(BASE), route(BASE)) == []


def test_a_fix_added_and_a_fix_removed() -> None:
    added = [*BASE[:2], (21.7, 51.3), *BASE[2:]]
    assert kinds(route(BASE), route(added)) == ["added"]
    assert kinds(route(added), route(BASE)) == ["removed"]


def test_a_fix_moved_reports_its_distance() -> None:
    moved = [BASE[0], (21.6, 51.5), *BASE[2:]]
    (change,) = route_diff(route(BASE), route(moved))
    assert change.change == "moved" and change.old and change.old.index == 1
    assert 6_000 < (change.distance_m or 0) < 8_000  # 0.1° of longitude at 51.5° N


def test_a_height_changed() -> None:
    (change,) = route_diff(route(BASE, [1000, 1000, 1000]), route(BASE, [1000, 600, 1000]))
    assert change.change == "height_changed" and change.new and change.new.hagl_m == 600


@given(st.lists(st.tuples(st.integers(-40, 40), st.integers(-40, 40)), min_size=2, max_size=12))
def test_diff_counts_balance(raw: list[tuple[int, int]]) -> None:
    """Property: old fixes = unchanged + removed + moved; new fixes = unchanged + added + moved."""
    new_points = [(20 + x / 10, 50 + y / 10) for x, y in raw]
    old, new = route(BASE), route(new_points)
    changes = route_diff(old, new)
    count = {k: sum(c.change == k for c in changes) for k in ("added", "removed", "moved")}
    unchanged_old = len(BASE) - count["removed"] - count["moved"]
    unchanged_new = len(new_points) - count["added"] - count["moved"]
    assert unchanged_old == unchanged_new >= 0


def test_art_viii_i_4_one_ground_per_change() -> None:
    changes = route_diff(route(BASE), route([BASE[0], (21.6, 51.5), (22.1, 51.0), BASE[3]]))
    assert check_change_grounds(changes, ["weather"], CHANGE_GROUNDS) == ["weather", "weather"]
    with pytest.raises(Refusal) as refused:
        check_change_grounds(changes, ["weather", "politics"], CHANGE_GROUNDS)
    assert refused.value.findings[0].citation.text == "Art. VI §II ¶6; Art. VIII §I ¶4"
    with pytest.raises(Refusal):
        check_change_grounds([], ["weather"], CHANGE_GROUNDS)


NOW = datetime(2026, 12, 1, 8, tzinfo=UTC)


def notice(**extra: Any) -> dict[str, Any]:
    eta = NOW + timedelta(hours=97)
    return {
        "point_of_entry": "pol-warszawa-okecie",
        "eta": eta,
        "pre_flight_inspection": {"place": "Warszawa", "start": eta + timedelta(hours=2)},
        "diplomatic_clearance": "X1",
        "aircraft": "A319OH",
        "approximate_distance_km": 900,
        "personnel": [
            {
                "name": "A",
                "gender": "F",
                "date_of_birth": "1980-01-01",
                "place_of_birth": "Bonn",
                "passport_number": "P1",
                "passport_issued_by": "DEU",
                "function": "observer",
            }
        ],
        **extra,
    }


def test_art_vi_i_5_a_complete_notice_has_no_findings() -> None:
    assert check_notification(notice(), NOW.date()) == []


def test_art_vi_i_5_h_date_of_birth_in_the_future_is_refused() -> None:
    bad = notice()
    bad["personnel"][0]["date_of_birth"] = "2030-01-01"
    (finding,) = check_notification(bad, date(2026, 12, 1))
    assert finding.rule == "personnel.0.date_of_birth"
    assert finding.citation.text == "Art. VI §I ¶5(H)"


def test_art_vi_i_5_c_inspection_before_arrival_is_refused() -> None:
    bad = notice()
    bad["pre_flight_inspection"]["start"] = bad["eta"] - timedelta(hours=1)
    (finding,) = check_notification(bad, NOW.date())
    assert finding.rule == "pre_flight_inspection.start"


def test_art_vi_i_5_every_item_is_required() -> None:
    bad = notice(aircraft="", diplomatic_clearance=" ")
    assert {f.rule for f in check_notification(bad, NOW.date())} == {
        "aircraft",
        "diplomatic_clearance",
    }


def test_steps_for_a_third_state_are_none_and_the_observed_party_may_prohibit() -> None:
    assert next_steps("notified", Role.OTHER_PARTY) == []
    steps = {s["step"]: s for s in next_steps("notified", Role.OBSERVED)}
    assert steps["acknowledge"]["next"] and not steps["accept_mission_plan"]["next"]
    grounds = {g["value"]: g["citation"] for g in steps["prohibit"]["grounds"]}
    assert grounds == {
        "late_arrival": "Art. VIII §I ¶2",
        "treaty_breach": "Art. VIII §I ¶1",
        "inspection": "Ann. F §I ¶9; Ann. F §II ¶7",
        "demonstration": "Ann. F §III ¶6(C)",
    }


def test_a_route_with_bad_coordinates_is_an_input_error_naming_the_point() -> None:
    bad = route(BASE)
    bad["features"][0]["geometry"]["coordinates"][1] = ["a", "b"]
    with pytest.raises(InputError, match="point 1"):
        route_diff(route(BASE), bad)
