"""What a delegation may do next in a flight: the steps of its role from the flight's state.

The web app shows exactly these, with their citations and grounds; it holds no copy of a
rule table. Roles come from ``missions.policy``, states from ``missions.lifecycle``.
"""

from __future__ import annotations

from typing import Any

from openskies.missions.lifecycle import (
    CHANGE_GROUNDS,
    PROHIBITION_GROUNDS,
    TRANSITIONS,
    FlightState,
)
from openskies.missions.plans import PLAN_DATE_CITATION, PLAN_OBSERVED_CITATION
from openskies.missions.policy import AGREEABLE_RULES, Action, Role, allowed, citation_for

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
}

# Steps whose body the web app must ask for (a form), and the choices of a ground.
FORMS = {
    "submit_mission_plan": "mission_plan",
    "propose_changes": "changes",
    "decline": "decline",
    "prohibit": "prohibit",
    "report": "report",
}

# The API path of a step, where it is not the step's name with hyphens.
PATHS = {"submit_mission_plan": "mission-plan"}

CHANGE_GROUND_LABELS = {
    "weather": "Weather",
    "airfield_status": "Status of an airfield",
    "plan_not_conforming": "The plan does not conform to the treaty",
    "hazardous_airspace": "Hazardous airspace",
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
    return []


def next_steps(
    state: str | None, role: Role, plan_for: list[str] | None = None
) -> list[dict[str, Any]]:
    """Every step ``role`` may take, marked ``next`` when the flight's state allows it now.

    A step the role may take but not from this state is listed with ``next: false`` so the
    interface can explain; a role with no steps (a third State) gets an empty list.
    ``plan_for``: the States a mission plan may be made for (the observed Party's members).
    """
    out = []
    current = FlightState(state) if state else None
    for step, action in STEP_ACTIONS.items():
        if not allowed(action, role):
            continue
        sources, _ = TRANSITIONS[step]
        out.append(
            {
                "step": step,
                "path": PATHS.get(step, step.replace("_", "-")),
                "label": STEP_LABELS[step],
                "citation": citation_for(action).text,
                "next": current in sources,
                "danger": step == "prohibit",
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
