"""The contents of a notification of an observation flight, checked item by item (pure).

Art. VI §I ¶5 lists what the notification shall include, (A) to (H). Every item must be
there; the personnel's dates of birth lie in the past (¶5(H)); the pre-flight inspection
cannot start before the observing Party arrives at the point of entry (¶5(C), ¶11).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openskies.treaty import Citation, Finding

__all__ = ["NOTIFICATION_ITEMS", "check_notification"]

NOTIFICATION_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("point_of_entry", "Art. VI §I ¶5(A)", "the desired point of entry"),
    ("eta", "Art. VI §I ¶5(B)", "the date and estimated time of arrival at the point of entry"),
    (
        "pre_flight_inspection.place",
        "Art. VI §I ¶5(C)",
        "where the pre-flight inspection is desired",
    ),
    (
        "pre_flight_inspection.start",
        "Art. VI §I ¶5(C)",
        "the date and start time of the pre-flight inspection",
    ),
    ("diplomatic_clearance", "Art. VI §I ¶5(E)", "the diplomatic clearance number"),
    ("aircraft", "Art. VI §I ¶5(F)", "the identification of the observation aircraft (Ann. C)"),
    ("approximate_distance_km", "Art. VI §I ¶5(G)", "the approximate observation flight distance"),
    ("personnel", "Art. VI §I ¶5(H)", "the names and particulars of the personnel"),
)
"""(field, citation, what the treaty asks for): the items of Art. VI §I ¶5 every notice has.

¶5(D), the mode of transport, applies "in the event that the observation aircraft ... is
provided by the observed Party"; it is optional here, as are the Open Skies airfield and the
departure to it ((A), (B): "if applicable") and accommodation needs."""

PERSON_ITEMS = (
    "name",
    "gender",
    "date_of_birth",
    "place_of_birth",
    "passport_number",
    "passport_issued_by",
    "function",
)


def _get(notice: dict[str, Any], dotted: str) -> Any:
    value: Any = notice
    for key in dotted.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _empty(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str | list) and not value)
        or (isinstance(value, str) and not value.strip())
    )


def check_notification(notice: dict[str, Any], today: date) -> list[Finding]:
    """Every finding against the contents of ``notice`` (empty: the notice is complete).

    ``today`` is the day of the notification (dates of birth lie before it).
    """
    findings: list[Finding] = []
    for key, citation, what in NOTIFICATION_ITEMS:
        if _empty(_get(notice, key)):
            findings.append(
                Finding(key, Citation(citation), f"{key}: the notification shall include {what}")
            )
    departure = notice.get("departure_to_airfield")
    airfield = notice.get("open_skies_airfield")
    if airfield and airfield != notice.get("point_of_entry") and departure is None:
        findings.append(
            Finding(
                "departure_to_airfield",
                Citation("Art. VI §I ¶5(B)"),
                "departure_to_airfield: the notification shall include the estimated time of "
                "departure from the point of entry to the Open Skies airfield",
            )
        )
    for i, person in enumerate(notice.get("personnel") or []):
        for item in PERSON_ITEMS:
            if _empty(person.get(item)):
                findings.append(
                    Finding(
                        f"personnel.{i}.{item}",
                        Citation("Art. VI §I ¶5(H)"),
                        f"personnel.{i}.{item}: the notification shall include each person's "
                        f"{item.replace('_', ' ')}",
                    )
                )
        born = person.get("date_of_birth")
        try:
            day = date.fromisoformat(born) if isinstance(born, str) and born else None
        except ValueError:
            day = None
            findings.append(
                Finding(
                    f"personnel.{i}.date_of_birth",
                    Citation("Art. VI §I ¶5(H)"),
                    f"personnel.{i}.date_of_birth: {born!r} is not a date (YYYY-MM-DD)",
                )
            )
        if day is not None and day >= today:
            findings.append(
                Finding(
                    f"personnel.{i}.date_of_birth",
                    Citation("Art. VI §I ¶5(H)"),
                    f"personnel.{i}.date_of_birth: {day.isoformat()} is not in the past "
                    f"(notified on {today.isoformat()})",
                )
            )
    eta, inspection = notice.get("eta"), _get(notice, "pre_flight_inspection.start")
    if isinstance(eta, datetime) and isinstance(inspection, datetime) and inspection < eta:
        findings.append(
            Finding(
                "pre_flight_inspection.start",
                Citation("Art. VI §I ¶5(C); Art. VI §I ¶11"),
                f"pre_flight_inspection.start: {inspection.isoformat()} is before the "
                f"arrival at the point of entry ({eta.isoformat()}); the inspection is "
                "carried out upon arrival",
                eta,
                inspection,
            )
        )
    if isinstance(departure, datetime) and isinstance(eta, datetime) and departure < eta:
        findings.append(
            Finding(
                "departure_to_airfield",
                Citation("Art. VI §I ¶5(B)"),
                f"departure_to_airfield: {departure.isoformat()} is before the arrival at the "
                f"point of entry ({eta.isoformat()})",
                eta,
                departure,
            )
        )
    return findings
