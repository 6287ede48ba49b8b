"""Every row that decides a right or records a fact is covered by the audit chain.

When a transaction that wrote such rows commits, one more audit entry (``rows.write``)
records the SHA-256 of each written row's canonical form, in the same transaction. The
chain makes those records tamper-evident; ``verify_rows`` recomputes every row's hash
and names the first row that differs from its record, has none, or was deleted.

Rows are watched through SQLAlchemy session events, for every session of the process (so
no writer can forget): objects flushed by the ORM, and rows added by ``insert_ignore``
(which leaves their values in ``session.info``). The audit chain's own tables and the
quota locks (which record nothing) are not covered.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Table, Text, cast, event, select
from sqlalchemy.orm import Session

from openskies.adapters.database import INSERTED_ROWS
from openskies.adapters.orm import Base
from openskies.services.clock import Clock

__all__ = [
    "AUDIT_AT",
    "CLOCK",
    "NOT_COVERED",
    "ROWS_ACTION",
    "RowProblem",
    "covered_tables",
    "row_digest",
    "row_key",
    "verify_rows",
]

ROWS_ACTION = "rows.write"
NOT_COVERED = frozenset({"audit_log", "audit_head", "quota_locks"})
_TOUCHED = "openskies.touched_rows"
AUDIT_AT = "openskies.audit_at"
CLOCK = "openskies.clock"
"""``session.info`` key of the deployment's clock (set by the composition root)."""


def covered_tables() -> list[Table]:
    """The covered tables, in dependency order (parents first)."""
    return [t for t in Base.metadata.sorted_tables if t.name not in NOT_COVERED]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def row_key(table: Table, values: dict[str, Any]) -> str:
    """``table:pk`` (``/`` between the parts of a composite key)."""
    return f"{table.name}:" + "/".join(str(values[c.name]) for c in table.primary_key.columns)


def row_digest(table: Table, values: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a row: its table and every column, UTC times."""
    canonical = json.dumps(
        {"table": table.name, **{c.name: _plain(values.get(c.name)) for c in table.columns}},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- writing -------------------------------------------------------------------------


def _covered(obj: Any) -> Table | None:
    table = getattr(obj, "__table__", None)
    return table if isinstance(table, Table) and table.name not in NOT_COVERED else None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    touched: dict[int, tuple[Table, Any, bool]] = session.info.setdefault(_TOUCHED, {})
    for obj in [*session.new, *session.dirty]:
        table = _covered(obj)
        if table is not None:
            touched[id(obj)] = (table, obj, False)
    for obj in session.deleted:
        table = _covered(obj)
        if table is not None:
            touched[id(obj)] = (table, obj, True)


def _values(obj: Any, table: Table) -> dict[str, Any]:
    mapper = obj.__mapper__
    return {col.name: getattr(obj, mapper.get_property_by_column(col).key) for col in table.columns}


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    inserted_now = session.info.get(INSERTED_ROWS) or []
    if not session.info.get(_TOUCHED) and all(t.name in NOT_COVERED for t, _ in inserted_now):
        session.info.pop(INSERTED_ROWS, None)  # only the audit chain's own rows: nothing to do
        return
    session.flush()
    touched = session.info.pop(_TOUCHED, {})
    inserted = session.info.pop(INSERTED_ROWS, [])
    rows: dict[str, str | None] = {}
    times: list[datetime] = []
    for table, obj, deleted in touched.values():
        values = _values(obj, table) if not deleted else None
        if values is None:
            key_values = {
                c.name: getattr(obj, obj.__mapper__.get_property_by_column(c).key)
                for c in table.primary_key.columns
            }
            rows[row_key(table, key_values)] = None
        else:
            rows[row_key(table, values)] = row_digest(table, values)
            times.extend(v for v in values.values() if isinstance(v, datetime))
    for table, values in inserted:
        if table.name in NOT_COVERED:
            continue
        where = [table.c[k] == v for k, v in values.items() if k in table.c]
        for found in session.execute(select(table).where(*where)).mappings():
            rows[row_key(table, dict(found))] = row_digest(table, dict(found))
            times.extend(v for v in found.values() if isinstance(v, datetime))
    if not rows:
        return
    from openskies.services.audit import append_audit

    append_audit(session, _when(session, times), "openskies", ROWS_ACTION, "rows", {"rows": rows})


def _when(session: Session, times: list[datetime]) -> datetime:
    """The time of the row record: that of the transaction's audit entry, or the clock the
    composition root gave the sessions (``CLOCK``), or the newest time the rows hold."""
    at = session.info.get(AUDIT_AT)
    if isinstance(at, datetime):
        return at
    clock: Clock | None = session.info.get(CLOCK)
    if clock is not None:
        return clock.now()
    aware = [t if t.tzinfo is not None else t.replace(tzinfo=UTC) for t in times]
    return max(aware, default=datetime(1970, 1, 1, tzinfo=UTC))


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(INSERTED_ROWS, None)


# --- verifying -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One row that does not match the audit chain: its table, key and what is wrong."""

    table: str
    key: str
    kind: str  # changed, not_covered, deleted, unreadable
    message: str

    def as_json(self) -> dict[str, str]:
        """The problem as a JSON object."""
        return {"table": self.table, "row": self.key, "kind": self.kind, "message": self.message}


def _read(session: Session, table: Table) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """Each row as (key, values), or (key, why it cannot be read); JSON read as text."""
    columns = [cast(c, Text).label(c.name) if isinstance(c.type, JSON) else c for c in table.c]
    json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
    order = list(table.primary_key.columns)
    for raw in session.execute(select(*columns).order_by(*order)).mappings():
        values = dict(raw)
        key = row_key(table, values)
        try:
            for name in json_columns:
                text = values[name]
                values[name] = None if text is None else json.loads(text)
        except (ValueError, TypeError) as exc:
            yield key, f"a JSON column is not JSON ({exc})"
            continue
        yield key, values


def verify_rows(session: Session, records: dict[str, tuple[str | None, int]]) -> list[RowProblem]:
    """Every covered row against ``records`` (key -> (digest or None if deleted, audit
    seq)), the last record of each row in a verified chain. Problems in table order."""
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for table in covered_tables():
        try:
            rows = list(_read(session, table))
        except Exception as exc:  # a value the database driver cannot convert
            problems.append(RowProblem(table.name, "*", "unreadable", f"{table.name}: {exc}"))
            continue
        for key, values in rows:
            seen.add(key)
            record = records.get(key)
            if isinstance(values, str):
                problems.append(RowProblem(table.name, key, "unreadable", f"{key}: {values}"))
            elif record is None:
                problems.append(
                    RowProblem(table.name, key, "not_covered", f"{key}: no audit entry records it")
                )
            elif record[0] is None:
                problems.append(
                    RowProblem(
                        table.name, key, "changed", f"{key}: deleted in audit entry {record[1]}"
                    )
                )
            elif row_digest(table, values) != record[0]:
                problems.append(
                    RowProblem(
                        table.name,
                        key,
                        "changed",
                        f"{key}: differs from its record in audit entry {record[1]}",
                    )
                )
        prefix = f"{table.name}:"
        for key, (digest, seq) in records.items():
            if key.startswith(prefix) and digest is not None and key not in seen:
                problems.append(
                    RowProblem(
                        table.name,
                        key,
                        "deleted",
                        f"{key}: recorded in audit entry {seq}, missing from the database",
                    )
                )
    return problems
