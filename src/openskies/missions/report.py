"""The mission report drafted from the flight as recorded (pure).

Art. VI §I ¶21: the report contains the date and time of the observation flight, its route
and profile, weather conditions, time and location of each observation period for each
sensor, the approximate amount of data collected, and the result of the inspection of the
covers for sensor apertures. What the service recorded is filled in; the rest is left for
the observing Party to write, and both Parties sign.
"""

from __future__ import annotations

from typing import Any

from openskies.missions.plans import fixes_of

__all__ = ["REPORT_ITEMS", "draft_report"]

REPORT_ITEMS = (
    "flight_date_and_time",
    "route_and_profile",
    "weather",
    "observation_periods",
    "data_collected",
    "covers_inspection",
)
"""The contents of a mission report, in the order of Art. VI §I ¶21."""


def _sensors(route: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for feature in route.get("features", []) if isinstance(route, dict) else []:
        for leg in (feature.get("properties") or {}).get("legs") or []:
            for sensor in (leg or {}).get("sensors") or []:
                if isinstance(sensor, str) and sensor not in found:
                    found.append(sensor)
    return found


def draft_report(
    times: dict[str, str], agreed_route: dict[str, Any] | None, details: dict[str, Any]
) -> dict[str, Any]:
    """A draft mission report from the flight's recorded times and its agreed plan."""
    started, completed = times.get("flight_started_at"), times.get("flight_completed_at")
    route = agreed_route or {}
    fixes = fixes_of(route)
    sensors = details.get("sensors") or _sensors(route) or []
    return {
        "flight_date_and_time": {"started": started, "completed": completed},
        "route_and_profile": [
            {"fix": f.index, "lon": round(f.lon, 5), "lat": round(f.lat, 5), "hagl_m": f.hagl_m}
            for f in fixes
        ],
        "weather": "",
        "observation_periods": [
            {"sensor": s, "from": started, "to": completed} for s in (sensors or ["all sensors"])
        ],
        "data_collected": "",
        "covers_inspection": "",
    }
