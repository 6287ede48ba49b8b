"""Commands: what the API and the CLI ask a service to do, as typed, frozen values.

The edge validates the request (pydantic at the API, typer at the CLI) and builds one of
these; the service takes it instead of a ``dict[str, Any]``, so a misspelt key is a type
error, not a ``KeyError`` in a transaction. ``as_json`` gives what is stored and sent (the
notification as the observed Party receives it), in the order the API documents it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openskies.treaty import CurtailmentCause

__all__ = [
    "STEP_COMMANDS",
    "Acknowledge",
    "Cancel",
    "Conformity",
    "Cosign",
    "Curtail",
    "Decline",
    "Explain",
    "MissionReport",
    "NotifyFlight",
    "PersonParticulars",
    "PlanDraft",
    "PreFlightInspection",
    "Prohibit",
    "ProposeChanges",
    "StartDemonstration",
    "StartInspection",
    "StepCommand",
    "SubmitMissionPlan",
]


@dataclass(frozen=True)
class PersonParticulars:
    """A member of the observing Party's personnel (Art. VI §I ¶5(H))."""

    name: str
    gender: str
    date_of_birth: str
    place_of_birth: str
    passport_number: str
    passport_issued_by: str
    function: str

    def as_json(self) -> dict[str, str]:
        """The particulars as a JSON object."""
        return {
            "name": self.name,
            "gender": self.gender,
            "date_of_birth": self.date_of_birth,
            "place_of_birth": self.place_of_birth,
            "passport_number": self.passport_number,
            "passport_issued_by": self.passport_issued_by,
            "function": self.function,
        }


@dataclass(frozen=True)
class PreFlightInspection:
    """Where and when the pre-flight inspection is desired (Art. VI §I ¶5(C))."""

    place: str
    start: dt.datetime


@dataclass(frozen=True)
class NotifyFlight:
    """Notify intent to conduct an observation flight over ``observed`` (Art. VI §I ¶5)."""

    observed: str
    point_of_entry: str  # ¶5(A)
    eta: dt.datetime  # ¶5(B), aware
    pre_flight_inspection: PreFlightInspection  # ¶5(C)
    diplomatic_clearance: str  # ¶5(E)
    aircraft: str  # ¶5(F), per Ann. C
    approximate_distance_km: float  # ¶5(G)
    personnel: tuple[PersonParticulars, ...]  # ¶5(H)
    open_skies_airfield: str | None = None  # ¶5(A), if applicable
    departure_to_airfield: dt.datetime | None = None  # ¶5(B), if applicable
    accommodation: str = ""
    transport: str = ""  # ¶5(D)
    transit: tuple[str, ...] = ()  # States Parties transited (Art. VII ¶2)

    def as_json(self) -> dict[str, Any]:
        """The notification as sent and stored: ISO 8601 times, the API's key order."""
        departure = self.departure_to_airfield
        return {
            "observed": self.observed,
            "point_of_entry": self.point_of_entry,
            "open_skies_airfield": self.open_skies_airfield,
            "eta": self.eta.isoformat(),
            "departure_to_airfield": None if departure is None else departure.isoformat(),
            "accommodation": self.accommodation,
            "pre_flight_inspection": {
                "place": self.pre_flight_inspection.place,
                "start": self.pre_flight_inspection.start.isoformat(),
            },
            "transport": self.transport,
            "diplomatic_clearance": self.diplomatic_clearance,
            "aircraft": self.aircraft,
            "approximate_distance_km": self.approximate_distance_km,
            "personnel": [p.as_json() for p in self.personnel],
            "transit": list(self.transit),
        }


@dataclass(frozen=True)
class PlanDraft:
    """A plan to save (a new plan, or a new version of one): its name, route and inputs."""

    name: str
    observed: str  # the observed Party
    route: Mapping[str, Any]  # GeoJSON FeatureCollection with the LineString
    airfield: str | None = None  # the Open Skies airfield
    date: dt.date | None = None  # the day the rules apply
    hagl_m: float | None = None
    sensors: tuple[str, ...] | None = None
    sites: tuple[Mapping[str, Any], ...] | None = None
    check: Mapping[str, Any] | None = None  # the planner's check

    def details(self) -> dict[str, Any]:
        """What the plan was made with, as stored with the version (set values only)."""
        values: dict[str, Any] = {
            "airfield": self.airfield,
            "date": None if self.date is None else self.date.isoformat(),
            "hagl_m": self.hagl_m,
            "sensors": None if self.sensors is None else list(self.sensors),
            "sites": None if self.sites is None else [dict(s) for s in self.sites],
            "check": None if self.check is None else dict(self.check),
        }
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class Cosign:
    """A witness's cosignature of a stored tree head (``signature`` base64, as sent)."""

    tree_size: int
    key_id: str
    root_hash: str  # hex
    signature: str  # base64 of the Ed25519 signature


# --- the flight's steps (``MissionService.step``) ------------------------------------------


@dataclass(frozen=True)
class SubmitMissionPlan:
    """A mission plan: the route (GeoJSON) and its planned start (Art. VI §II ¶1-4)."""

    route: Mapping[str, Any]
    planned_start: dt.datetime  # aware
    open_skies_airfield: str | None = None
    observed: str | None = None  # the State the plan was made for
    date: dt.date | None = None  # the day the plan was checked for
    plan_id: str | None = None  # the saved plan used
    plan_version: int | None = None


@dataclass(frozen=True)
class ProposeChanges:
    """Proposed changes to a mission plan, on the grounds of Art. VIII §I ¶4; with ``route``,
    one ground per change (``change_grounds``) or ``grounds`` for all."""

    grounds: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    route: Mapping[str, Any] | None = None
    change_grounds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decline:
    """The observing Party declines the changes (Art. VIII §I ¶5)."""

    reason: str = ""


@dataclass(frozen=True)
class Prohibit:
    """A prohibition and its facts (Art. VIII §I ¶1-3; Ann. F §I ¶9, §II ¶7, §III ¶6(C))."""

    grounds: str
    facts: str = ""


@dataclass(frozen=True)
class MissionReport:
    """The mission report's contents (Art. VI §I ¶21)."""

    report: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Acknowledge:
    """The acknowledgement, with who provides the aircraft (Art. VI §I ¶1, ¶6)."""

    observed_provides_aircraft: bool = False


@dataclass(frozen=True)
class StartInspection:
    """The start of a pre-flight inspection, with the inspectors listed (Ann. F §I ¶2, §II ¶2)."""

    inspectors: int | None = None


@dataclass(frozen=True)
class StartDemonstration:
    """The start of a demonstration flight, with any delay in carrying out the request that
    does not count against the time allocated (Ann. F §III ¶3(D))."""

    delay_hours: float | None = None
    delay_cause: str | None = None  # weather, observed_party_aircraft, observed_party_sensors


@dataclass(frozen=True)
class Conformity:
    """What an inspection or a demonstration flight found (Ann. F §I ¶9, §II ¶8, §III ¶6-7)."""

    conforms: bool


@dataclass(frozen=True)
class Cancel:
    """A cancellation after an inspection or a demonstration flight (Ann. F §I ¶8, §III ¶8)."""

    caused_by: str  # "inspection" or "demonstration"


@dataclass(frozen=True)
class Curtail:
    """A curtailment and its cause (Art. VIII §II ¶1, ¶4-5)."""

    cause: CurtailmentCause
    emergency_of_observed_party_crew: bool = False  # ¶5(C)
    observing_counts: bool | None = None  # the observing Party's choice where ¶5 gives one


@dataclass(frozen=True)
class Explain:
    """A written explanation of a prohibition (Art. VIII §I ¶3) or a decline (¶6)."""

    text: str


StepCommand = (
    SubmitMissionPlan
    | ProposeChanges
    | Decline
    | Prohibit
    | MissionReport
    | Acknowledge
    | StartInspection
    | StartDemonstration
    | Conformity
    | Cancel
    | Curtail
    | Explain
)
"""What a step of the flight takes; the steps without one take ``None``."""

STEP_COMMANDS: Mapping[str, type[StepCommand]] = {
    "submit_mission_plan": SubmitMissionPlan,
    "propose_changes": ProposeChanges,
    "decline": Decline,
    "prohibit": Prohibit,
    "report": MissionReport,
    "acknowledge": Acknowledge,
    "start_inspection": StartInspection,
    "start_demonstration": StartDemonstration,
    "end_inspection": Conformity,
    "end_demonstration": Conformity,
    "cancel": Cancel,
    "curtail": Curtail,
    "explain_prohibition": Explain,
    "explain_decline": Explain,
}
"""The command each step with a body takes."""
