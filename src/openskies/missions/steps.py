"""What a delegation may do next in a flight: the steps of its role from the flight's state.

The web app shows exactly these, with their citations and grounds; it holds no copy of a
rule table. Roles come from ``missions.policy``, states from ``missions.lifecycle``.
"""

from __future__ import annotations

from typing import Any

from openskies.missions.deviations import DEVIATION_GROUNDS
from openskies.missions.lifecycle import (
    CHANGE_GROUNDS,
    DELAY_CAUSES,
    PROHIBITION_GROUNDS,
    TRANSITIONS,
    FlightState,
)
from openskies.missions.plans import PLAN_DATE_CITATION, PLAN_OBSERVED_CITATION
from openskies.missions.policy import AGREEABLE_RULES, Action, Role, allowed, citation_for
from openskies.treaty import CurtailmentCause

__all__ = ["STEP_ACTIONS", "STEP_LABELS", "next_steps"]

STEP_ACTIONS: dict[str, Action] = {
    "acknowledge": Action.ACKNOWLEDGE,
    "arrive": Action.RECORD_ARRIVAL,
    "prohibit": Action.PROHIBIT,
    "submit_mission_plan": Action.SUBMIT_MISSION_PLAN,
    "accept_mission_plan": Action.ANSWER_MISSION_PLAN,
    "propose_changes": Action.ANSWER_MISSION_PLAN,
    "accept_changes": Action.ACCEPT_CHANGES,
    "decline": Action.DECLINE,
    "start_flight": Action.FLY,
    "complete_flight": Action.FLY,
    "depart": Action.RECORD_DEPARTURE,
    "report": Action.SUBMIT_REPORT,
    "sign_report": Action.SIGN_REPORT,
    "start_inspection": Action.INSPECT,
    "end_inspection": Action.INSPECT,
    "start_demonstration": Action.DEMONSTRATE,
    "end_demonstration": Action.DEMONSTRATE,
    "cancel": Action.CANCEL,
    "curtail": Action.CURTAIL,
    "explain_prohibition": Action.EXPLAIN_PROHIBITION,
    "explain_decline": Action.EXPLAIN_DECLINE,
}
"""step -> the action of ``missions.policy`` that authorises it."""

STEP_LABELS: dict[str, str] = {
    "acknowledge": "Acknowledge",
    "arrive": "Record arrival",
    "prohibit": "Prohibit",
    "submit_mission_plan": "Submit mission plan",
    "accept_mission_plan": "Accept mission plan",
    "propose_changes": "Propose a changed route",
    "accept_changes": "Accept the changed route",
    "decline": "Decline",
    "start_flight": "Start flight",
    "complete_flight": "Complete flight",
    "depart": "Record departure",
    "report": "Sign the mission report",
    "sign_report": "Countersign the mission report",
    "start_inspection": "Start the pre-flight inspection",
    "end_inspection": "End the pre-flight inspection",
    "start_demonstration": "Start the demonstration flight",
    "end_demonstration": "End the demonstration flight",
    "cancel": "Cancel the flight",
    "curtail": "Curtail the flight",
    "explain_prohibition": "Explain the prohibition",
    "explain_decline": "Explain the decline",
}

# Steps whose body the web app must ask for (a form), and the choices of a ground.
FORMS = {
    "acknowledge": "acknowledge",
    "start_demonstration": "demonstration",
    "submit_mission_plan": "mission_plan",
    "propose_changes": "changes",
    "decline": "decline",
    "prohibit": "prohibit",
    "report": "report",
    "end_inspection": "finding",
    "end_demonstration": "finding",
    "cancel": "cancel",
    "curtail": "curtail",
    "explain_prohibition": "explanation",
    "explain_decline": "explanation",
}

CANCELLATION_GROUNDS = {
    "inspection": (
        "After the pre-flight inspection",
        "Ann. F §I ¶8; Ann. F §II ¶8(D); Ann. F §II ¶9",
    ),
    "demonstration": ("After the demonstration flight", "Ann. F §III ¶7(E); Ann. F §III ¶8"),
}
SIDED = frozenset({Action.INSPECT, Action.DEMONSTRATE})
"""Actions for only the Party that does not provide the aircraft (Art. VI §I ¶11)."""
DANGER = frozenset({"prohibit", "cancel", "curtail"})

# The API path of a step, where it is not the step's name with hyphens.
PATHS = {"submit_mission_plan": "mission-plan"}

CHANGE_GROUND_LABELS = {
    "weather": "Weather",
    "airfield_status": "Status of an airfield",
    "plan_not_conforming": "The plan does not conform to the treaty",
    "hazardous_airspace": "Hazardous airspace",
}

DEVIATION_GROUND_LABELS = {
    "weather_flight_safety": "Weather conditions affecting flight safety",
    "technical_difficulties": "Technical difficulties of the observation aircraft",
    "medical_emergency": "A medical emergency of any person on board",
    "air_traffic_control_force_majeure": "Air traffic control instructions (force majeure)",
    "weather_sensors": "Weather preventing the effective use of the sensors",
}
DELAY_CAUSE_LABELS = {
    "weather": "Weather",
    "observed_party_aircraft": "The observed Party's aircraft",
    "observed_party_sensors": "The observed Party's sensors",
}


def _grounds(step: str) -> list[dict[str, str]]:
    if step == "propose_changes":
        return [
            {"value": g, "label": CHANGE_GROUND_LABELS.get(g, g), "citation": "Art. VIII §I ¶4"}
            for g in sorted(CHANGE_GROUNDS)
        ]
    if step == "prohibit":
        return [
            {"value": g, "label": label, "citation": citation}
            for g, (label, citation) in PROHIBITION_GROUNDS.items()
        ]
    if step == "cancel":
        return [
            {"value": g, "label": label, "citation": citation}
            for g, (label, citation) in CANCELLATION_GROUNDS.items()
        ]
    if step == "report":  # the grounds of a deviation from the flight plan
        return [
            {"value": g, "label": DEVIATION_GROUND_LABELS.get(g, g), "citation": citation}
            for g, citation in DEVIATION_GROUNDS.items()
        ]
    if step == "start_demonstration":  # the causes of a delay that does not count
        return [
            {"value": c, "label": DELAY_CAUSE_LABELS.get(c, c), "citation": citation}
            for c, citation in DELAY_CAUSES.items()
        ]
    if step == "curtail":
        return [
            {
                "value": c.value,
                "label": c.value.replace("_", " "),
                "citation": "Art. VIII §II ¶1, ¶4",
            }
            for c in CurtailmentCause
        ]
    return []


def next_steps(
    state: str | None,
    role: Role,
    plan_for: list[str] | None = None,
    inspecting: Role | None = None,
) -> list[dict[str, Any]]:
    """Every step ``role`` may take, marked ``next`` when the flight's state allows it now.

    A step the role may take but not from this state is listed with ``next: false`` so the
    interface can explain; a role with no steps (a third State) gets an empty list.
    ``plan_for``: the States a mission plan may be made for (the observed Party's members);
    ``inspecting``: the Party that inspects and asks for a demonstration in this flight (the
    other one is not offered those steps).
    """
    out = []
    current = FlightState(state) if state else None
    for step, action in STEP_ACTIONS.items():
        if not allowed(action, role):
            continue
        if action in SIDED and inspecting is not None and role is not inspecting:
            continue
        sources, _ = TRANSITIONS[step]
        out.append(
            {
                "step": step,
                "path": PATHS.get(step, step.replace("_", "-")),
                "label": STEP_LABELS[step],
                "citation": citation_for(action).text,
                "next": current in sources,
                "danger": step in DANGER,
                "form": FORMS.get(step),
                "grounds": _grounds(step),
                "from": sorted(s.value for s in sources),
            }
        )
        if step == "submit_mission_plan" and plan_for is not None:
            out[-1]["requires"] = {
                "observed": plan_for,
                "citation": PLAN_OBSERVED_CITATION,
                "same_day_as_start": True,
                "date_citation": PLAN_DATE_CITATION,
            }
    return out


def agreeable_rules(role: Role) -> list[dict[str, str]]:
    """The rules the two Parties may set aside for their flight ("unless otherwise agreed")."""
    if not allowed(Action.AGREE_OTHERWISE, role):
        return []
    return [{"rule": r, "citation": c, "label": label} for r, (c, label) in AGREEABLE_RULES.items()]
