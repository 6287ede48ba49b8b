"""Whether an observation flight counts against quotas, and whether its data may be kept.

Art. III §I ¶8: every observation flight counts against the observing Party's individual
and total active quotas, except as Art. VIII provides; prohibited, declined and some
cancelled flights do not count; a curtailed flight counts against both States Parties
unless its cause lets the observing Party decide (Art. VIII §II ¶5); the data are kept only
if the flight is counted against both (Art. VIII §II ¶6).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from openskies.treaty.citation import Citation

__all__ = ["CountDecision", "CurtailmentCause", "FlightOutcome", "counts_against_quotas"]


class FlightOutcome(StrEnum):
    """How an observation flight ended."""

    COMPLETED = "completed"  # flown as agreed
    PROHIBITED = "prohibited"  # by the observed Party (Art. VIII §I ¶1-3)
    DECLINED = "declined"  # by the observing Party, no agreed plan in 8 h (Art. VIII §I ¶5)
    NOT_FLOWN_AFTER_INSPECTION = "not_flown_after_inspection"  # Ann. F §I ¶8-9, §II ¶7, ¶9
    NOT_FLOWN_AFTER_DEMONSTRATION = "not_flown_after_demonstration"  # Ann. F §III ¶8
    EXTRAORDINARY = "extraordinary"  # Ann. L §III: extraordinary or bilateral voluntary
    CURTAILED = "curtailed"  # after a permitted deviation or a malfunction (Art. VIII §II ¶5)


class CurtailmentCause(StrEnum):
    """Why a flight was curtailed (Art. VIII §II ¶1, ¶4-5)."""

    SENSOR_MALFUNCTION = "sensor_malfunction"
    TECHNICAL_DIFFICULTY = "technical_difficulty"
    WEATHER = "weather"
    MEDICAL_EMERGENCY = "medical_emergency"
    FORCE_MAJEURE_ATC = "force_majeure_atc"


@dataclass(frozen=True)
class CountDecision:
    """How a flight counts: True, False, or None when the observing Party decides."""

    counts: bool | None
    data_retained: bool | None
    citation: Citation
    reason: str


_NOT_COUNTED = {
    FlightOutcome.PROHIBITED: ("Art. VIII §I ¶3", "a prohibited flight is not counted"),
    FlightOutcome.DECLINED: (
        "Art. VIII §I ¶5",
        "a declined flight is not recorded against the quota of either State Party",
    ),
    FlightOutcome.NOT_FLOWN_AFTER_INSPECTION: (
        "Ann. F §I ¶8–9",
        "a flight not flown after the pre-flight inspection is not counted",
    ),
    FlightOutcome.NOT_FLOWN_AFTER_DEMONSTRATION: (
        "Ann. F §III ¶8",
        "a flight prohibited or cancelled after a demonstration flight is not counted",
    ),
    FlightOutcome.EXTRAORDINARY: (
        "Ann. L §III ¶4",
        "extraordinary and bilateral voluntary flights do not count against quotas",
    ),
}


def counts_against_quotas(
    outcome: FlightOutcome,
    cause: CurtailmentCause | None = None,
    aircraft_of_observed_party: bool = False,
    emergency_of_observed_party_crew: bool = False,
) -> CountDecision:
    """Whether a flight counts against the quotas of both States Parties, and why."""
    if outcome in _NOT_COUNTED:
        citation, reason = _NOT_COUNTED[outcome]
        return CountDecision(False, False, Citation(citation), reason)
    if outcome is FlightOutcome.COMPLETED:
        return CountDecision(
            True,
            True,
            Citation("Art. III §I ¶8"),
            "a flight conducted counts against the observing Party's quotas",
        )
    observing_decides = (
        (
            cause in (CurtailmentCause.SENSOR_MALFUNCTION, CurtailmentCause.TECHNICAL_DIFFICULTY)
            and aircraft_of_observed_party
        )
        or (cause is CurtailmentCause.MEDICAL_EMERGENCY and emergency_of_observed_party_crew)
        or cause is CurtailmentCause.FORCE_MAJEURE_ATC
    )
    if observing_decides:
        return CountDecision(
            None,
            None,
            Citation("Art. VIII §II ¶5"),
            "curtailed for a cause on the observed Party's side or force "
            "majeure: the observing Party decides whether it counts; the "
            "data are kept only if it does (Art. VIII §II ¶6)",
        )
    return CountDecision(
        True,
        True,
        Citation("Art. VIII §II ¶5"),
        "a curtailed flight counts against the quotas of both States Parties",
    )
