"""Plans and their versions, and the difference between two routes (pure, no I/O).

A plan is a named route of one delegation; every save is a new version, never an edit. A
flight's mission plan (Art. VI §II ¶1), each change the observed Party proposes (¶6; on
the grounds of Art. VIII §I ¶4 only) and the agreed plan are versions of one plan. Who may
read a flight's plan follows the treaty roles: the observing and observed Party only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from openskies.errors import InputError
from openskies.missions.errors import Refusal
from openskies.missions.policy import Action, Role, allowed, citation_for

__all__ = [
    "MOVE_TOLERANCE_M",
    "Fix",
    "FixChange",
    "VersionKind",
    "check_change_grounds",
    "fixes_of",
    "may_read_flight_plan",
    "route_diff",
]

MOVE_TOLERANCE_M = 50.0
"""Two fixes closer than this are the same fix (a GPS-grade tolerance, not a treaty value)."""


class VersionKind(StrEnum):
    """What a version of a plan is."""

    DRAFT = "draft"  # saved by a delegation while planning
    MISSION_PLAN = "mission_plan"  # submitted by the observing Party (Art. VI §II ¶1)
    PROPOSED_CHANGE = "proposed_change"  # proposed by the observed Party (Art. VI §II ¶6)
    AGREED = "agreed"  # signed by both Parties (Art. VI §II ¶6)


@dataclass(frozen=True)
class Fix:
    """One point of a route and the height of the leg that starts there (metres AGL)."""

    index: int
    lon: float
    lat: float
    hagl_m: float | None


@dataclass(frozen=True)
class FixChange:
    """One difference between two routes: a fix added, removed, moved or at a new height."""

    change: str  # added | removed | moved | height_changed
    old: Fix | None
    new: Fix | None
    distance_m: float | None = None

    def as_json(self) -> dict[str, Any]:
        """The change as JSON: the old and new fix as {index, lon, lat, hagl_m}."""

        def fix(f: Fix | None) -> dict[str, Any] | None:
            return (
                None
                if f is None
                else {"index": f.index, "lon": f.lon, "lat": f.lat, "hagl_m": f.hagl_m}
            )

        return {
            "change": self.change,
            "old": fix(self.old),
            "new": fix(self.new),
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
        }


def fixes_of(route: dict[str, Any]) -> list[Fix]:
    """The fixes of a GeoJSON route (first LineString; ``properties.legs[i].hagl_m``)."""
    features = route.get("features", [route]) if isinstance(route, dict) else []
    lines = [
        f
        for f in features
        if isinstance(f, dict) and (f.get("geometry") or {}).get("type") == "LineString"
    ]
    if not lines:
        return []
    coords = lines[0]["geometry"].get("coordinates") or []
    legs = (lines[0].get("properties") or {}).get("legs") or []
    if not isinstance(coords, list) or not isinstance(legs, list):
        raise InputError("route: coordinates and properties.legs are lists")
    out = []
    for i, point in enumerate(coords):
        leg = legs[min(i, len(legs) - 1)] if legs else {}
        height = leg.get("hagl_m") if isinstance(leg, dict) else None
        try:
            lon, lat = float(point[0]), float(point[1])
            hagl = None if height is None else float(height)
        except (TypeError, ValueError, IndexError, KeyError):
            raise InputError(f"route: point {i}: [lon, lat] numbers, hagl_m a number") from None
        out.append(Fix(i, lon, lat, hagl))
    return out


def _metres(a: Fix, b: Fix) -> float:
    """Great-circle distance (haversine, mean Earth radius): enough to tell fixes apart."""
    r = 6_371_008.8
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(h)))


def route_diff(
    old: dict[str, Any], new: dict[str, Any], tolerance_m: float = MOVE_TOLERANCE_M
) -> list[FixChange]:
    """What changed from ``old`` to ``new``, fix by fix, in route order.

    Fixes are aligned as sequences (same place within ``tolerance_m``); a replaced run of
    equal length is a run of moved fixes, the rest are added or removed.
    """
    a, b = fixes_of(old), fixes_of(new)

    # A fix's key is the first old fix at the same place (a route may start and end at the
    # same airfield), so SequenceMatcher aligns places, not indices.
    def key(f: Fix, own: str) -> str:
        same = next((i for i, fa in enumerate(a) if _metres(fa, f) <= tolerance_m), None)
        return f"a{same}" if same is not None else f"{own}{f.index}"

    keys_a = [key(f, "a") for f in a]
    keys_b = [key(f, "b") for f in b]
    changes: list[FixChange] = []
    matcher = SequenceMatcher(a=keys_a, b=keys_b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for fa, fb in zip(a[i1:i2], b[j1:j2], strict=True):
                if fa.hagl_m != fb.hagl_m:
                    changes.append(FixChange("height_changed", fa, fb, 0.0))
            continue
        olds, news = a[i1:i2], b[j1:j2]
        paired = min(len(olds), len(news)) if tag == "replace" else 0
        for fa, fb in zip(olds[:paired], news[:paired], strict=True):
            changes.append(FixChange("moved", fa, fb, _metres(fa, fb)))
        changes.extend(FixChange("removed", fa, None) for fa in olds[paired:])
        changes.extend(FixChange("added", None, fb) for fb in news[paired:])
    return changes


CHANGE_GROUNDS_CITATION = "Art. VI §II ¶6; Art. VIII §I ¶4"
PLAN_OBSERVED_CITATION = "Art. VI §II ¶2"
"""A mission plan covers the territory of the observed Party of its flight."""
PLAN_DATE_CITATION = "Art. VI §II ¶1"
"""A mission plan is for its flight: checked under the rules of the day it starts."""


def check_change_grounds(
    changes: list[FixChange], grounds: list[str], allowed_grounds: frozenset[str]
) -> list[str]:
    """One ground of Art. VIII §I ¶4 for each change (a single ground covers them all)."""
    if not changes:
        raise Refusal.one(
            "changed_route",
            CHANGE_GROUNDS_CITATION,
            "the proposed route is the mission plan's route: accept the plan instead",
            field="route",
        )
    if len(grounds) == 1:
        grounds = grounds * len(changes)
    if len(grounds) != len(changes):
        raise Refusal.one(
            "change_grounds",
            CHANGE_GROUNDS_CITATION,
            f"{len(changes)} changes need {len(changes)} grounds, one each; got {len(grounds)}",
            field="grounds",
        )
    for i, ground in enumerate(grounds):
        if ground not in allowed_grounds:
            raise Refusal.one(
                "change_grounds",
                CHANGE_GROUNDS_CITATION,
                f"change {i + 1}: changes may be proposed only for "
                f"{', '.join(sorted(allowed_grounds))}, not {ground!r}",
                field="grounds",
            )
    return grounds


def may_read_flight_plan(role: Role) -> bool:
    """The observing and observed Party read a flight's plan; no other State (Art. VI §II)."""
    return allowed(Action.READ_MISSION_PLAN, role)


def flight_plan_citation() -> str:
    """The paragraphs that give a flight's plan to its two Parties."""
    return citation_for(Action.READ_MISSION_PLAN).text
