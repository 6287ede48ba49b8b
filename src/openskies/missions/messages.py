"""Notifications as plain text in the OSCC style: header, numbered fields, references.

The OSCC's own formats ("OS FORMAT n") are not public in full (background §1.2); this
rendering keeps their shape: a header naming sender, recipients and the message it
answers, the treaty paragraph, then one numbered line per field of the JSON body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

__all__ = ["MESSAGE_KINDS", "render_message"]

# kind -> (title, treaty reference)
MESSAGE_KINDS: dict[str, tuple[str, str]] = {
    "notification": (
        "NOTIFICATION OF INTENT TO CONDUCT AN OBSERVATION FLIGHT",
        "ARTICLE VI, SECTION I, PARAGRAPHS 5 AND 8",
    ),
    "acknowledgement": (
        "ACKNOWLEDGEMENT OF RECEIPT OF NOTIFICATION",
        "ARTICLE VI, SECTION I, PARAGRAPH 6",
    ),
    "prohibition": ("PROHIBITION OF AN OBSERVATION FLIGHT", "ARTICLE VIII, SECTION I"),
    "mission_plan": ("MISSION PLAN", "ARTICLE VI, SECTION II, PARAGRAPHS 1 TO 4"),
    "mission_plan_acceptance": (
        "ACCEPTANCE OF MISSION PLAN",
        "ARTICLE VI, SECTION II, PARAGRAPH 6",
    ),
    "mission_plan_changes": (
        "PROPOSED CHANGES TO MISSION PLAN",
        "ARTICLE VI, SECTION II, PARAGRAPH 6; ARTICLE VIII, SECTION I, PARAGRAPH 4",
    ),
    "mission_plan_agreement": ("AGREEMENT ON MISSION PLAN", "ARTICLE VI, SECTION II, PARAGRAPH 6"),
    "declination": ("DECLINATION OF AN OBSERVATION FLIGHT", "ARTICLE VIII, SECTION I, PARAGRAPH 5"),
    "mission_report": ("MISSION REPORT", "ARTICLE VI, SECTION I, PARAGRAPH 21"),
    "mission_report_signed": (
        "MISSION REPORT SIGNED BY THE OBSERVING PARTY, FOR SIGNATURE",
        "ARTICLE VI, SECTION I, PARAGRAPH 21",
    ),
    "cancellation": (
        "CANCELLATION OF AN OBSERVATION FLIGHT",
        "ANNEX F, SECTIONS I TO III",
    ),
    "curtailment": (
        "CURTAILMENT OF AN OBSERVATION FLIGHT",
        "ARTICLE VIII, SECTION II, PARAGRAPHS 4 TO 6",
    ),
    "prohibition_explanation": (
        "WRITTEN EXPLANATION OF A PROHIBITION",
        "ARTICLE VIII, SECTION I, PARAGRAPH 3",
    ),
    "declination_explanation": (
        "WRITTEN EXPLANATION OF A DECISION TO DECLINE",
        "ARTICLE VIII, SECTION I, PARAGRAPH 6",
    ),
    "copy_request": (
        "REQUEST FOR COPIES OF DATA FROM AN OBSERVATION FLIGHT",
        "ARTICLE IX, SECTION IV, PARAGRAPH 1",
    ),
}


def _fields(body: Any, prefix: str = "") -> list[tuple[str, str]]:
    if isinstance(body, dict):
        out: list[tuple[str, str]] = []
        for key, value in body.items():
            out += _fields(
                value,
                f"{prefix}{key.upper().replace('_', ' ')} / "
                if isinstance(value, dict | list)
                else f"{prefix}{key.upper().replace('_', ' ')}",
            )
        return out
    if isinstance(body, list):
        out = []
        for index, value in enumerate(body, start=1):
            out += _fields(
                value, f"{prefix}{index}: " if isinstance(value, dict) else f"{prefix}{index}"
            )
        return out
    empty = body is None or (isinstance(body, str) and not body.strip())
    return [(prefix.rstrip(" /:"), "NONE STATED" if empty else str(body))]


def render_message(
    message_id: int,
    kind: str,
    sender: str,
    recipients: list[str],
    to_all: bool,
    at: datetime,
    flight_id: str,
    answers: int | None,
    body: dict[str, Any],
) -> str:
    """The message as OSCC-style plain text."""
    title, reference = MESSAGE_KINDS.get(kind, (kind.upper(), "TREATY ON OPEN SKIES"))
    lines = [
        f"OPEN SKIES MESSAGE {message_id:06d}",
        f"FROM: {sender}",
        f"TO: {', '.join(recipients) or '-'}",
        f"COPY: {'ALL STATES PARTIES' if to_all else '-'}",
        f"DATE/TIME: {at.astimezone(UTC).strftime('%Y-%m-%d %H:%M')} UTC",
        f"FLIGHT: {flight_id}",
        f"IN REPLY TO: {f'MESSAGE {answers:06d}' if answers else '-'}",
        f"SUBJECT: {title}",
        f"TREATY REFERENCE: {reference}",
        "",
    ]
    for number, (name, value) in enumerate(_fields(body), start=1):
        lines.append(f"{number}. {name}: {value}")
    lines.append("END OF MESSAGE")
    return "\n".join(lines)
