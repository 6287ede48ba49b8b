"""Request bodies, validated at the edge (pydantic): a bad field is named with its rule."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from openskies.api.validated import check_json
from openskies.services import commands
from openskies.services.commands import NotifyFlight, PersonParticulars
from openskies.treaty import CurtailmentCause

LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""No time of a flight lies beyond this: a bound that keeps the arithmetic finite."""
EARLIEST = datetime(1992, 3, 24, tzinfo=UTC)

__all__ = [
    "AcknowledgementIn",
    "AgreementIn",
    "CancellationIn",
    "ChangesIn",
    "CurtailmentIn",
    "DeclineIn",
    "ExplanationIn",
    "FindingIn",
    "InspectionIn",
    "MissionPlanIn",
    "NotificationIn",
    "Person",
    "PreFlightInspection",
    "ProhibitionIn",
    "ReportIn",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _safe_text(cls, value: Any) -> Any:
        """Every text field: no NUL, control character or lone surrogate (the edge rule)."""
        check_json(value, "field")
        return value


class Person(_Strict):
    """A member of the observing Party's personnel (Art. VI §I ¶5(H))."""

    name: str = Field(min_length=1, max_length=200)
    gender: str = Field(min_length=1, max_length=20)
    date_of_birth: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    place_of_birth: str = Field(min_length=1, max_length=200)
    passport_number: str = Field(min_length=1, max_length=40)
    passport_issued_by: str = Field(min_length=3, max_length=3)
    function: str = Field(min_length=1, max_length=100)


class PreFlightInspection(_Strict):
    """Where and when the pre-flight inspection is desired (Art. VI §I ¶5(C))."""

    place: str = Field(min_length=1, max_length=80)
    start: AwareDatetime = Field(ge=EARLIEST, lt=LATEST)


class NotificationIn(_Strict):
    """Notification of intent to conduct an observation flight (Art. VI §I ¶5(A)-(H))."""

    observed: str = Field(min_length=3, max_length=16, description="observed Party")
    point_of_entry: str = Field(min_length=1, max_length=80, description="¶5(A)")
    open_skies_airfield: str | None = Field(default=None, max_length=80, description="¶5(A)")
    eta: AwareDatetime = Field(
        ge=EARLIEST, lt=LATEST, description="¶5(B): ETA at the point of entry, UTC offset"
    )
    departure_to_airfield: AwareDatetime | None = Field(
        default=None, ge=EARLIEST, lt=LATEST, description="¶5(B)"
    )
    accommodation: str = Field(default="", max_length=500)
    pre_flight_inspection: PreFlightInspection = Field(description="¶5(C)")
    transport: str = Field(default="", max_length=200, description="¶5(D)")
    diplomatic_clearance: str = Field(min_length=1, max_length=40, description="¶5(E)")
    aircraft: str = Field(min_length=1, max_length=200, description="¶5(F), per Ann. C")
    approximate_distance_km: float = Field(gt=0, le=20000, description="¶5(G)")
    personnel: list[Person] = Field(min_length=1, max_length=100, description="¶5(H)")
    transit: list[str] = Field(
        default_factory=list, max_length=20, description="States Parties transited (Art. VII ¶2)"
    )

    def command(self) -> NotifyFlight:
        """The notification as the mission service's command."""
        inspection = self.pre_flight_inspection
        return NotifyFlight(
            observed=self.observed,
            point_of_entry=self.point_of_entry,
            eta=self.eta,
            pre_flight_inspection=commands.PreFlightInspection(inspection.place, inspection.start),
            diplomatic_clearance=self.diplomatic_clearance,
            aircraft=self.aircraft,
            approximate_distance_km=self.approximate_distance_km,
            personnel=tuple(PersonParticulars(**p.model_dump()) for p in self.personnel),
            open_skies_airfield=self.open_skies_airfield,
            departure_to_airfield=self.departure_to_airfield,
            accommodation=self.accommodation,
            transport=self.transport,
            transit=tuple(self.transit),
        )


class MissionPlanIn(_Strict):
    """A mission plan: the route (GeoJSON) and its planned start (Art. VI §II ¶1-4)."""

    route: dict[str, Any]
    planned_start: AwareDatetime = Field(ge=EARLIEST, lt=LATEST)
    open_skies_airfield: str | None = None
    observed: str | None = Field(
        default=None, max_length=16, description="the State the plan was made for"
    )
    date: dt.date | None = Field(default=None, description="the day the plan was checked for")
    plan_id: str | None = Field(default=None, max_length=36, description="saved plan used")
    plan_version: int | None = Field(default=None, ge=1)

    def command(self) -> commands.SubmitMissionPlan:
        """The command the mission service takes."""
        return commands.SubmitMissionPlan(
            route=self.route,
            planned_start=self.planned_start,
            open_skies_airfield=self.open_skies_airfield,
            observed=self.observed,
            date=self.date,
            plan_id=self.plan_id,
            plan_version=self.plan_version,
        )


Ground = Literal["weather", "airfield_status", "plan_not_conforming", "hazardous_airspace"]


class ChangesIn(_Strict):
    """Proposed changes to a mission plan, on the grounds of Art. VIII §I ¶4 only.

    With ``route``, the change is a route: the server diffs it against the mission plan
    and needs one ground per change (``change_grounds``) or one for all (``grounds``).
    """

    grounds: Ground
    changes: dict[str, Any] = Field(default_factory=dict)
    route: dict[str, Any] | None = None
    change_grounds: list[Ground] = Field(default_factory=list, max_length=500)

    def command(self) -> commands.ProposeChanges:
        """The command the mission service takes."""
        return commands.ProposeChanges(
            self.grounds, self.changes, self.route, tuple(self.change_grounds)
        )


class DeclineIn(_Strict):
    """Why the observing Party declines (Art. VIII §I ¶5)."""

    reason: str = Field(min_length=1, max_length=2000)

    def command(self) -> commands.Decline:
        """The command the mission service takes."""
        return commands.Decline(self.reason)


class ProhibitionIn(_Strict):
    """A prohibition and its facts (Art. VIII §I ¶1-3; after an inspection or a
    demonstration flight: Ann. F §I ¶9, §II ¶7, §III ¶6(C))."""

    grounds: Literal["late_arrival", "treaty_breach", "inspection", "demonstration"]
    facts: str = Field(min_length=1, max_length=4000)

    def command(self) -> commands.Prohibit:
        """The command the mission service takes."""
        return commands.Prohibit(self.grounds, self.facts)


class ReportIn(_Strict):
    """The mission report's contents (Art. VI §I ¶21)."""

    report: dict[str, Any]

    def command(self) -> commands.MissionReport:
        """The command the mission service takes."""
        return commands.MissionReport(self.report)


class AgreementIn(_Strict):
    """An "unless otherwise agreed" proposal: the rule to set aside and its terms."""

    rule: str = Field(min_length=1, max_length=60)
    terms: str = Field(default="", max_length=2000)


class AcknowledgementIn(_Strict):
    """The acknowledgement of a notification (Art. VI §I ¶6)."""

    observed_provides_aircraft: bool = Field(
        default=False,
        description="the observed Party provides the observation aircraft (Art. VI §I ¶1, ¶6)",
    )

    def command(self) -> commands.Acknowledge:
        """The command the mission service takes."""
        return commands.Acknowledge(self.observed_provides_aircraft)


class DemonstrationIn(_Strict):
    """The start of a demonstration flight (Ann. F §III ¶1-2), with any delay in carrying out
    the request that does not count against the time allocated (¶3(D))."""

    delay_hours: float | None = Field(
        default=None,
        ge=0,
        le=96,
        description="hours by which carrying out the request was delayed (Ann. F §III ¶3(D))",
    )
    delay_cause: Literal["weather", "observed_party_aircraft", "observed_party_sensors"] | None = (
        Field(default=None, description="what caused the delay (Ann. F §III ¶3(D))")
    )

    def command(self) -> commands.StartDemonstration:
        """The command the mission service takes."""
        return commands.StartDemonstration(self.delay_hours, self.delay_cause)


class InspectionIn(_Strict):
    """The start of a pre-flight inspection (Ann. F §I ¶2, §II ¶2)."""

    inspectors: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="inspectors listed: at most 10 of the observed Party (§I ¶2(A)), 5 of the "
        "observing Party (§II ¶2(A)), unless otherwise agreed",
    )

    def command(self) -> commands.StartInspection:
        """The command the mission service takes."""
        return commands.StartInspection(self.inspectors)


class FindingIn(_Strict):
    """What a pre-flight inspection or a demonstration flight found (Ann. F §I ¶9, §II ¶8,
    §III ¶6-7)."""

    conforms: bool = Field(
        description="the aircraft and sensors correspond to those certified (Ann. D)"
    )

    def command(self) -> commands.Conformity:
        """The command the mission service takes."""
        return commands.Conformity(self.conforms)


class CancellationIn(_Strict):
    """The observing Party cancels after an inspection or a demonstration (Ann. F)."""

    caused_by: Literal["inspection", "demonstration"]

    def command(self) -> commands.Cancel:
        """The command the mission service takes."""
        return commands.Cancel(self.caused_by)


class CurtailmentIn(_Strict):
    """A curtailment and its cause (Art. VIII §II ¶1, ¶4-5)."""

    cause: Literal[
        "sensor_malfunction",
        "technical_difficulty",
        "weather",
        "medical_emergency",
        "force_majeure_atc",
    ]
    emergency_of_observed_party_crew: bool = Field(
        default=False, description="of the observed Party's flight crew or monitors (¶5(C))"
    )
    observing_counts: bool | None = Field(
        default=None, description="the observing Party's choice where ¶5 gives it one"
    )

    def command(self) -> commands.Curtail:
        """The command the mission service takes."""
        return commands.Curtail(
            CurtailmentCause(self.cause),
            self.emergency_of_observed_party_crew,
            self.observing_counts,
        )


class ExplanationIn(_Strict):
    """A written explanation of a prohibition (Art. VIII §I ¶3) or a decline (¶6)."""

    text: str = Field(min_length=1, max_length=4000)

    def command(self) -> commands.Explain:
        """The command the mission service takes."""
        return commands.Explain(self.text)
