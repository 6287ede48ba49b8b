"""Posting a notification: one row, as JSON and as OSCC-style text, in the caller's session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from openskies.adapters.orm import MessageRow
from openskies.missions.messages import render_message

__all__ = ["post_message"]


def post_message(
    session: Session,
    flight_id: str,
    kind: str,
    sender: str,
    recipients: list[str],
    to_all: bool,
    body: dict[str, Any],
    now: datetime,
    answers: int | None = None,
) -> MessageRow:
    """Add a message to ``recipients`` (and to all States Parties when ``to_all``)."""
    message = MessageRow(
        flight_id=flight_id,
        kind=kind,
        sender=sender,
        recipients=recipients,
        to_all_parties=to_all,
        answers=answers,
        created_at=now,
        body=body,
        text="",
    )
    session.add(message)
    session.flush()
    message.text = render_message(
        message.id, kind, sender, recipients, to_all, now, flight_id, answers, body
    )
    return message
