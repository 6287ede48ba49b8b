"""Appending to and verifying the hash-chained audit log in the database.

Every append locks the chain's head row, so concurrent transactions extend one chain; the
entry is written in the caller's transaction, so a refused change leaves no entry.

The entries of reads (which write nothing else) go through ``ReadAudit``: the reads that
wait at the same moment share one transaction, so one durable commit (and one hold of the
head's lock) serves them all, and each read is answered only once its entry is committed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, exists, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import (
    AUDIT_CHAIN_HEAD,
    EXERCISE_CLOCK,
    AuditHeadRow,
    AuditRow,
    Base,
    ExerciseClockRow,
)
from openskies.missions.audit import GENESIS, AuditEntry, entry_hash, verify_chain
from openskies.services.records import AUDIT_AT

__all__ = ["AuditNotWritten", "ReadAudit", "append_audit", "verify_audit"]


_audit, _head = (Base.metadata.tables[t.__tablename__] for t in (AuditRow, AuditHeadRow))
# Built once, on the tables (plain SQL: these run with every audited request).
_HEAD = (
    select(
        _head.c.seq,
        _head.c.hash,
        exists().where(ExerciseClockRow.__table__.c.id == EXERCISE_CLOCK).label("exercise"),
    )
    .where(_head.c.id == AUDIT_CHAIN_HEAD)
    .with_for_update(of=_head)
)
_APPEND = insert(_audit)
_ADVANCE = (
    update(_head)
    .where(_head.c.id == AUDIT_CHAIN_HEAD)
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)


def append_audit(
    session: Session,
    at: datetime,
    actor: str,
    action: str,
    obj: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the chain, inside the session's transaction; during an exercise
    the entry says so (``"clock": "exercise"``), its time being exercise time.

    One locking read of the head (and whether an exercise runs), one insert, one update:
    the head stays locked until the caller's transaction ends."""
    session.info[AUDIT_AT] = at  # dates the row records of this transaction
    head = session.execute(_HEAD).one_or_none()
    if head is None:  # the first entry of this database
        insert_ignore(session, AuditHeadRow, id=AUDIT_CHAIN_HEAD, seq=0, hash=GENESIS)
        head = session.execute(_HEAD).one()
    seq = head.seq + 1
    body = details or {}
    if head.exercise:  # `serve --clock`: not real time
        body = {**body, "clock": "exercise"}
    digest = entry_hash(seq, at, actor, action, obj, body, head.hash)
    session.execute(
        _APPEND,
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "object": obj,
            "details": body,
            "prev_hash": head.hash,
            "hash": digest,
        },
    )
    session.execute(_ADVANCE, {"new_seq": seq, "new_hash": digest})


class AuditNotWritten(RuntimeError):
    """A read's audit entry could not be committed: the read is not answered (500)."""


@dataclass
class _Entry:
    at: datetime
    actor: str
    action: str
    obj: str
    done: bool = False
    error: BaseException | None = None


@dataclass
class ReadAudit:
    """Appends the audit entries of reads, those waiting together in one transaction.

    Group commit: a read's thread queues its entry; if no batch is being written it writes
    every queued entry (its own among them) in one transaction of ``sessions``, else it
    waits for that batch to end and, if its entry was not in it, writes the next. ``append``
    returns once the entry is committed and raises if its batch failed (the read is then
    not answered). Nothing outlives a request: this is not state, replicas each group their
    own reads, and the head's lock in the database orders their batches.
    """

    sessions: sessionmaker[Session]
    _queued: list[_Entry] = field(default_factory=list, init=False, repr=False)
    _writing: bool = field(default=False, init=False, repr=False)
    _turn: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)

    def append(self, at: datetime, actor: str, action: str, obj: str) -> None:
        """Append one entry and wait until it is committed."""
        entry = _Entry(at, actor, action, obj)
        with self._turn:
            self._queued.append(entry)
            while not entry.done:
                if self._writing:
                    self._turn.wait()
                    continue
                self._writing, batch, self._queued = True, self._queued, []
                self._turn.release()
                try:
                    self._write(batch)
                finally:
                    self._turn.acquire()
                    self._writing = False
                    self._turn.notify_all()
        if entry.error is not None:
            raise AuditNotWritten(
                f"{action} {obj}: its audit entry was not written"
            ) from entry.error

    def _write(self, batch: list[_Entry]) -> None:
        error: BaseException | None = None
        try:
            with self.sessions.begin() as session:
                for e in batch:
                    append_audit(session, e.at, e.actor, e.action, e.obj)
        except BaseException as exc:  # every read of the batch fails with it
            error = exc
        for e in batch:
            e.done, e.error = True, error


def verify_audit(session: Session) -> tuple[int, int | None, str]:
    """Check the whole chain: (entries checked, first broken seq or None, why)."""
    columns = [
        c if c.key != "details" else cast(c, Text).label("details") for c in AuditRow.__table__.c
    ]
    rows = session.execute(select(*columns).order_by(AuditRow.seq))
    unreadable: list[int] = []

    def entries() -> Iterator[AuditEntry]:
        for r in rows:
            try:
                details = json.loads(r.details) if r.details is not None else {}
            except ValueError:
                unreadable.append(r.seq)
                return
            yield AuditEntry(r.seq, r.at, r.actor, r.action, r.object, details, r.prev_hash, r.hash)

    result = verify_chain(entries())
    if unreadable and result[1] is None:
        seq = unreadable[0]
        return result[0] + 1, seq, f"entry {seq}: its details are not JSON"
    head = session.get(AuditHeadRow, AUDIT_CHAIN_HEAD)
    checked, bad, _ = result
    if bad is None and head is not None and head.seq != checked:
        return checked, head.seq, f"the chain's head says {head.seq} entries, found {checked}"
    return result
