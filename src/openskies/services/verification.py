"""One verification of everything: the audit chain, the ledger, the data store, every row.

``verify_everything`` never raises on what it reads: each thing wrong is a ``Problem``
naming its table and row (or ledger entry, or object), in the order the checks run, so
the first problem printed is the first bad row found.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from openskies.adapters.orm import (
    AUDIT_CHAIN_HEAD,
    AuditHeadRow,
    AuditRow,
    CosignatureRow,
    CustodyObjectRow,
    LedgerLeafRow,
    LedgerNodeRow,
    LogKeyRow,
    TreeHeadRow,
)
from openskies.custody import (
    LOG_FORMAT,
    ObjectStore,
    SignedTreeHead,
    TransparencyLog,
    TreeHead,
    TreeHeadSignature,
    leaf_hash,
    parse_public_keys,
    verify_consistency,
    verify_log_document,
    verify_store,
)
from openskies.custody.merkle import complete_nodes
from openskies.custody.signed_log import b64
from openskies.errors import InputError
from openskies.missions.audit import GENESIS, entry_hash
from openskies.services.ledger import LOG_ID
from openskies.services.records import ROWS_ACTION, verify_rows
from openskies.services.tree_heads import latest_head

__all__ = ["Check", "Problem", "VerifyReport", "recorded_objects", "verify_everything"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (table and row, ledger entry or object) and why."""

    check: str
    table: str
    row: str
    kind: str
    message: str

    def as_json(self) -> dict[str, str]:
        """The problem as a JSON object."""
        return {
            "check": self.check,
            "table": self.table,
            "row": self.row,
            "kind": self.kind,
            "message": self.message,
        }


@dataclass
class Check:
    """One check: what it looked at and what it found."""

    name: str
    summary: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


@dataclass(frozen=True)
class VerifyReport:
    """Every check, in order; orphan objects (stored, no custody record) listed apart."""

    checks: tuple[Check, ...]
    orphans: tuple[str, ...]

    @property
    def problems(self) -> list[Problem]:
        """Every problem, the first bad row first."""
        return [p for c in self.checks for p in c.problems]

    @property
    def ok(self) -> bool:
        """True when every check passes and the store holds no orphan."""
        return not self.problems and not self.orphans

    def as_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "ok": self.ok,
            "checks": [{"name": c.name, "ok": c.ok, "summary": c.summary} for c in self.checks],
            "problems": [p.as_json() for p in self.problems],
            "orphans": list(self.orphans),
        }


def _audit(session: Session, check: Check) -> dict[str, tuple[str | None, int]]:
    """Check the chain entry by entry; return the row records of its intact prefix."""
    records: dict[str, tuple[str | None, int]] = {}
    columns = (
        AuditRow.seq,
        AuditRow.at,
        AuditRow.actor,
        AuditRow.action,
        AuditRow.object,
        cast(AuditRow.details, Text).label("details"),
        AuditRow.prev_hash,
        AuditRow.hash,
    )
    previous, expected, count = GENESIS, 1, 0
    for r in session.execute(select(*columns).order_by(AuditRow.seq)):
        count += 1
        where = f"audit_log:{r.seq}"

        def bad(kind: str, why: str, where: str = where) -> None:
            check.problems.append(Problem("audit", "audit_log", where, kind, f"{where}: {why}"))

        if r.seq != expected:
            bad("sequence", f"expected sequence number {expected}")
            break
        try:
            details = json.loads(r.details) if r.details is not None else {}
        except ValueError:
            bad("details_not_json", "its details are not JSON")
            break
        if r.prev_hash != previous:
            bad("chain", f"previous hash does not match entry {r.seq - 1}")
            break
        if entry_hash(r.seq, r.at, r.actor, r.action, r.object, details, r.prev_hash) != r.hash:
            bad("content", "its content does not match its hash")
            break
        if r.action == ROWS_ACTION and isinstance(details, dict):
            for key, digest in (details.get("rows") or {}).items():
                records[str(key)] = (digest, r.seq)
        previous, expected = r.hash, expected + 1
    head = session.get(AuditHeadRow, AUDIT_CHAIN_HEAD)
    if check.ok and head is not None and head.seq != count:
        check.problems.append(
            Problem(
                "audit",
                "audit_head",
                "audit_head:1",
                "head",
                f"audit_head:1: the chain's head says {head.seq} entries, found {count}",
            )
        )
    check.summary = f"{count} entries"
    return records


def _ledger_problem(check: Check, table: str, row: str, kind: str, why: str) -> None:
    check.problems.append(Problem("ledger", table, row, kind, f"{row}: {why}"))


def _ledger(session: Session, check: Check) -> None:
    """The leaves, each event against its actor's key as the log itself registers it
    (client-held keys, replayed from ``key_registered`` events), every stored and witnessed
    tree head against the leaves, and the latest head by a consistency proof."""
    rows = session.execute(
        select(LedgerLeafRow.index, LedgerLeafRow.leaf).order_by(LedgerLeafRow.index)
    ).all()
    for position, (index, _) in enumerate(rows):
        if index != position:
            _ledger_problem(
                check,
                "ledger_leaves",
                f"ledger_leaves:{position}",
                "missing",
                f"missing (the next stored entry is {index})",
            )
            return
    leaves = [leaf for _, leaf in rows]
    key_row = session.get(LogKeyRow, LOG_ID)
    log_keys = {LOG_ID: [b64(bytes.fromhex(key_row.public_key))]} if key_row else {}
    try:
        heads = _stored_heads(session)
        report = verify_log_document(
            {
                "format": LOG_FORMAT,
                "log_id": LOG_ID,
                "leaves": leaves,
                "tree_head": heads[-1].as_json() if heads else None,
            },
            parse_public_keys(log_keys),
            tree_heads=heads[:-1],
        )
    except (InputError, TypeError, ValueError) as exc:
        _ledger_problem(check, "tree_heads", "tree_heads", "unreadable", str(exc))
        return
    for p in report.problems:
        if p.index is not None:
            _ledger_problem(check, "ledger_leaves", f"ledger_leaves:{p.index}", p.kind, p.message)
        elif p.kind == "tree_size":  # a stored head covers more entries than the log has
            _ledger_problem(
                check,
                "ledger_leaves",
                f"ledger_leaves:{len(leaves)}",
                "truncated",
                f"the log has {len(leaves)} entries, but a signed tree head covers more: "
                f"the log was cut short ({p.message})",
            )
        else:
            size = re.search(r"tree heads? of size (\d+)", p.message)
            row = f"tree_heads:{size.group(1)}" if size else "tree_heads"
            _ledger_problem(check, "tree_heads", row, p.kind, p.message)
    cosigned = [h.head.tree_size for h in heads if len(h.signatures) > 1]
    check.summary = (
        f"{report.entries} entries, root {report.root_hash.hex()[:16]}…, {len(heads)} signed "
        f"tree head(s) checked, "
        + (f"cosigned by witnesses up to size {max(cosigned)}" if cosigned else "none cosigned")
    )
    if not check.ok:
        return
    _latest_consistent(session, leaves, log_keys, check)
    if check.ok:
        _stored_nodes(session, leaves, check)


def _stored_nodes(session: Session, leaves: list[str], check: Check) -> None:
    """The stored subtree hashes proofs are read from (``ledger_nodes``), against the same
    hashes recomputed here from the leaves: the first one that differs, is missing or has no
    leaves is named by its level and index."""
    expected = complete_nodes([leaf_hash(leaf.encode()) for leaf in leaves])
    stored = {
        (level, index): value
        for level, index, value in session.execute(
            select(LedgerNodeRow.level, LedgerNodeRow.index, LedgerNodeRow.hash)
        )
    }
    for key in sorted(expected.keys() | stored.keys()):
        want, got = expected.get(key), stored.get(key)
        if got is None or want is None or got != want.hex():
            why = (
                "missing: proofs are read from it"
                if got is None
                else "covers entries the log does not have"
                if want is None
                else f"hash {got[:16]}… is not that of its entries ({want.hex()[:16]}…)"
            )
            where = f"ledger_nodes:{key[0]}/{key[1]}"
            _ledger_problem(check, "ledger_nodes", where, "node", f"(level, index) {key}: {why}")
            return
    check.summary += f"; {len(stored)} stored subtree hashes match the leaves"


def _stored_heads(session: Session) -> list[SignedTreeHead]:
    """Every tree head the log signed and stored (``tree_heads``, with the witnesses'
    cosignatures), then the head stored at the last append (``ledger_heads``), the latest."""
    cosigs: dict[int, list[CosignatureRow]] = {}
    for c in session.execute(select(CosignatureRow).order_by(CosignatureRow.witness)).scalars():
        cosigs.setdefault(c.tree_size, []).append(c)
    heads = [
        SignedTreeHead(
            TreeHead(LOG_ID, r.tree_size, bytes.fromhex(r.root_hash), r.timestamp),
            (
                TreeHeadSignature(LOG_ID, r.key_id, base64.b64decode(r.signature)),
                *(
                    TreeHeadSignature(c.witness, c.key_id, base64.b64decode(c.signature))
                    for c in cosigs.get(r.tree_size, [])
                ),
            ),
        )
        for r in session.execute(select(TreeHeadRow).order_by(TreeHeadRow.tree_size)).scalars()
    ]
    latest = latest_head(session)
    if latest is not None:
        heads.append(SignedTreeHead.from_json(latest.signed))
    return heads


def _latest_consistent(
    session: Session, leaves: list[str], log_keys: dict[str, list[str]], check: Check
) -> None:
    """The latest head stored at an append, by an RFC 9162 consistency proof to the log."""
    head_row = latest_head(session)
    if head_row is None:
        return
    head = SignedTreeHead.from_json(head_row.signed).head
    where = f"ledger_heads:{head_row.tree_size}"
    if head.tree_size != head_row.tree_size or head_row.root_hash != head.root_hash.hex():
        _ledger_problem(check, "ledger_heads", where, "changed", "differs from its signed head")
        return
    log = TransparencyLog(LOG_ID, [leaf.encode() for leaf in leaves])
    proof = log.consistency_proof(head.tree_size)
    if not verify_consistency(head.tree_size, log.size, head.root_hash, log.root_hash(), proof):
        _ledger_problem(
            check,
            "ledger_leaves",
            "ledger",
            "inconsistent",
            f"the first {head.tree_size} entries no longer hash to the signed tree head of "
            f"{where} (RFC 9162 consistency proof fails): the log's history changed",
        )
        return
    check.summary += f"; consistent with the signed tree head of size {head.tree_size}"


def recorded_objects(session: Session) -> list[str]:
    """Every object a record names: originals and duplicates, fingerprinted copies."""
    from openskies.services.fingerprints import Fingerprints

    originals = session.execute(select(CustodyObjectRow.sha256)).scalars().all()
    return sorted({*originals, *Fingerprints.copies(session)})


def _store(session: Session, store: ObjectStore, check: Check) -> tuple[str, ...]:
    report = verify_store(store, recorded_objects(session))
    for sha in report.corrupt:
        check.problems.append(
            Problem(
                "store",
                "custody_objects",
                f"custody_objects:{sha}",
                "corrupt",
                f"custody_objects:{sha}: the stored bytes do not hash to it",
            )
        )
    for sha in report.missing:
        check.problems.append(
            Problem(
                "store",
                "custody_objects",
                f"custody_objects:{sha}",
                "missing",
                f"custody_objects:{sha}: not in the object store",
            )
        )
    check.summary = f"{report.checked} objects, {report.bytes_checked:,} bytes re-hashed"
    return report.unexpected


def verify_everything(session: Session, store: ObjectStore) -> VerifyReport:
    """Run every check over one read of the database and the store."""
    audit, ledger, data, rows = Check("audit"), Check("ledger"), Check("store"), Check("rows")
    records = _audit(session, audit)
    _ledger(session, ledger)
    orphans = _store(session, store, data)
    found = verify_rows(session, records)
    rows.problems.extend(Problem("rows", p.table, p.key, p.kind, p.message) for p in found)
    rows.summary = f"{len(records)} rows recorded in the audit chain"
    return VerifyReport((audit, ledger, data, rows), tuple(orphans))
