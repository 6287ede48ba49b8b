"""Appending to and verifying the hash-chained audit log in the database.

Every append locks the chain's head row, so concurrent transactions extend one chain; the
entry is written in the caller's transaction, so a refused change leaves no entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import AuditHeadRow, AuditRow, ExerciseClockRow
from openskies.missions.audit import GENESIS, AuditEntry, entry_hash, verify_chain

__all__ = ["append_audit", "verify_audit"]


def append_audit(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    obj: str,
    details: dict[str, Any] | None = None,
) -> AuditRow:
    """Append one entry to the chain, inside the session's transaction; during an exercise
    the entry says so (``"clock": "exercise"``), its time being exercise time."""
    insert_ignore(session, AuditHeadRow, id=1, seq=0, hash=GENESIS)
    head = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
    ).scalar_one()
    session.refresh(head)
    seq = head.seq + 1
    body = details or {}
    if session.get(ExerciseClockRow, 1) is not None:  # `serve --clock`: not real time
        body = {**body, "clock": "exercise"}
    digest = entry_hash(seq, at, actor, action, obj, body, head.hash)
    row = AuditRow(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        object=obj,
        details=body,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(row)
    head.seq, head.hash = seq, digest
    return row


def verify_audit(session: Session) -> tuple[int, int | None, str]:
    """Check the whole chain: (entries checked, first broken seq or None, why)."""
    rows = session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
    result = verify_chain(
        AuditEntry(r.seq, r.at, r.actor, r.action, r.object, r.details, r.prev_hash, r.hash)
        for r in rows
    )
    head = session.get(AuditHeadRow, 1)
    checked, bad, _ = result
    if bad is None and head is not None and head.seq != checked:
        return checked, head.seq, f"the chain's head says {head.seq} entries, found {checked}"
    return result
