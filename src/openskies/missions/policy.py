"""Who may see and do what in an observation flight: the treaty role on the day.

A delegation acts for one State; for each flight that State is the observing Party, the
observed Party, a State Party whose airspace is transited, another State Party, or a State
that is not a Party on the day (never was, or its withdrawal has taken effect). The policy
is one table, ``POLICY``, documented in docs/policy.md and tested cell by cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from openskies.treaty import Citation

__all__ = ["AGREEABLE_RULES", "POLICY", "Action", "Role", "allowed", "citation_for"]


class Role(StrEnum):
    """The role a State plays in one observation flight on one day."""

    OBSERVING = "observing"  # the observing Party (Art. II ¶2)
    OBSERVED = "observed"  # the observed Party (Art. II ¶1)
    TRANSIT = "transit"  # a State Party whose airspace is transited (Art. VII ¶2)
    OTHER_PARTY = "other_party"  # any other State Party
    NOT_A_PARTY = "not_a_party"  # not a State Party that day (Art. XV ¶2, Art. XVII)


class Action(StrEnum):
    """What a delegation may ask for in a flight."""

    READ_NOTIFICATION = "read_notification"
    NOTIFY = "notify"
    ACKNOWLEDGE = "acknowledge"
    RECORD_ARRIVAL = "record_arrival"
    PROHIBIT = "prohibit"
    SUBMIT_MISSION_PLAN = "submit_mission_plan"
    READ_MISSION_PLAN = "read_mission_plan"
    ANSWER_MISSION_PLAN = "answer_mission_plan"
    ACCEPT_CHANGES = "accept_changes"
    DECLINE = "decline"
    FLY = "fly"  # start and complete the observation flight
    RECORD_DEPARTURE = "record_departure"
    SUBMIT_REPORT = "submit_report"
    SIGN_REPORT = "sign_report"
    READ_REPORT = "read_report"
    READ_TIMELINE = "read_timeline"
    AGREE_OTHERWISE = "agree_otherwise"
    INSPECT = "inspect"  # pre-flight inspection: the Party not providing the aircraft
    DEMONSTRATE = "demonstrate"  # ask for and judge a demonstration flight: the same Party
    CANCEL = "cancel"  # cancel after an inspection or demonstration
    CURTAIL = "curtail"
    EXPLAIN_PROHIBITION = "explain_prohibition"
    EXPLAIN_DECLINE = "explain_decline"


OBS, OBD, TRA, OTH = Role.OBSERVING, Role.OBSERVED, Role.TRANSIT, Role.OTHER_PARTY

# action -> (roles allowed, citation)
POLICY: Mapping[Action, tuple[frozenset[Role], str]] = {
    Action.READ_NOTIFICATION: (frozenset({OBS, OBD, TRA, OTH}), "Art. VI §I ¶8; Art. VII ¶2"),
    Action.NOTIFY: (frozenset({OBS}), "Art. VI §I ¶5"),
    Action.ACKNOWLEDGE: (frozenset({OBD}), "Art. VI §I ¶6"),
    Action.RECORD_ARRIVAL: (frozenset({OBD}), "Art. VI §I ¶10"),
    Action.PROHIBIT: (frozenset({OBD}), "Art. VIII §I ¶1–3"),
    Action.SUBMIT_MISSION_PLAN: (frozenset({OBS}), "Art. VI §II ¶1"),
    Action.READ_MISSION_PLAN: (frozenset({OBS, OBD}), "Art. VI §II ¶1; Art. VI §II ¶6"),
    Action.ANSWER_MISSION_PLAN: (frozenset({OBD}), "Art. VI §II ¶6"),
    Action.ACCEPT_CHANGES: (frozenset({OBS}), "Art. VI §II ¶6; Art. VIII §I ¶5"),
    Action.DECLINE: (frozenset({OBS}), "Art. VIII §I ¶5"),
    Action.FLY: (frozenset({OBS}), "Art. VI §I ¶14"),
    Action.RECORD_DEPARTURE: (frozenset({OBD}), "Art. VI §I ¶19–20"),
    Action.SUBMIT_REPORT: (frozenset({OBS}), "Art. VI §I ¶21"),
    Action.SIGN_REPORT: (frozenset({OBD}), "Art. VI §I ¶21"),
    Action.READ_REPORT: (frozenset({OBS, OBD, TRA, OTH}), "Art. VI §I ¶21"),
    Action.READ_TIMELINE: (frozenset({OBS, OBD}), "Art. VI"),
    Action.AGREE_OTHERWISE: (frozenset({OBS, OBD}), "Art. VI §I ¶9; Art. VI §II ¶4(E)"),
    # which of the two inspects follows from who provides the aircraft (Art. VI §I ¶11)
    Action.INSPECT: (frozenset({OBS, OBD}), "Art. VI §I ¶11; Ann. F §I ¶1; Ann. F §II ¶1"),
    Action.DEMONSTRATE: (frozenset({OBS, OBD}), "Ann. F §III ¶1–2"),
    Action.CANCEL: (frozenset({OBS}), "Ann. F §I ¶8; Ann. F §II ¶8(D); Ann. F §III ¶7(E)"),
    Action.CURTAIL: (frozenset({OBS}), "Art. VIII §II ¶4–5"),
    Action.EXPLAIN_PROHIBITION: (frozenset({OBD}), "Art. VIII §I ¶3"),
    Action.EXPLAIN_DECLINE: (frozenset({OBS}), "Art. VIII §I ¶6"),
}

# Rules the Parties may set aside by agreement ("unless otherwise agreed"):
# rule -> (citation, what it says).
AGREEABLE_RULES: Mapping[str, tuple[str, str]] = {
    "flight_starts_not_before": (
        "Art. VI §II ¶4(E)",
        "the flight starts no earlier than 24 hours after the mission plan",
    ),
    "period_ends": ("Art. VI §I ¶9", "the 96-hour period from arrival to completion"),
    "arrive_by": ("Art. VIII §I ¶2", "arrival within 24 hours after the ETA"),
    "depart_by": ("Art. VI §I ¶20", "departure within 24 hours after completion"),
    "inspection_ends_before_flight": (
        "Art. VI §I ¶11",
        "the pre-flight inspection ends 4 hours before the flight",
    ),
    "no_crossing": ("Art. VI §II ¶4(G)", "no flight path crosses itself"),
    "one_flight_at_a_time": (
        "Art. VI §I ¶3",
        "the observed Party accepts another observation flight during this one's period",
    ),
    "inspectors": (
        "Ann. F §I ¶2(A); Ann. F §II ¶2(A)",
        "at most 10 inspectors of the observed Party, 5 of the observing Party",
    ),
    "demonstration_delay": (
        "Ann. F §III ¶3(D)",
        "a delay of the demonstration flight by weather or the observed Party's aircraft or "
        "sensors does not count against the time allocated",
    ),
    "training_flight": (
        "Art. III §I ¶8",
        "a training flight by agreement (practice, not in the text): never counted against quotas",
    ),
}


def allowed(action: Action, role: Role) -> bool:
    """True when ``role`` may take ``action``; a State that is not a Party may take none."""
    roles, _ = POLICY[action]
    return role in roles


def citation_for(action: Action) -> Citation:
    """The treaty paragraph that gives ``action`` to its roles."""
    return Citation(POLICY[action][1])
