"""The audit log's hash chain: each entry commits to the one before it.

``entry_hash`` is SHA-256 over a canonical JSON of the entry and the previous hash, so
editing, removing or reordering any entry breaks every hash after it. ``verify_chain``
names the first entry that does not match.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from openskies.canonical import canonical_json

__all__ = ["GENESIS", "AuditEntry", "entry_hash", "verify_chain"]

GENESIS = "0" * 64
"""The previous hash of the first entry."""


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry: who did what to which object, when, chained to the previous one."""

    seq: int
    at: datetime
    actor: str
    action: str
    object: str
    details: dict[str, Any]
    prev_hash: str
    hash: str = ""


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    obj: str,
    details: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 of the canonical JSON of an entry and the previous entry's hash."""
    canonical = canonical_json(
        {
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "object": obj,
            "details": details,
            "prev": prev_hash,
        },
        default=str,
    )
    return hashlib.sha256(canonical).hexdigest()


def verify_chain(entries: Iterable[AuditEntry]) -> tuple[int, int | None, str]:
    """Check a chain in order: (entries checked, first bad seq or None, why)."""
    previous, expected_seq, count = GENESIS, 1, 0
    for e in entries:
        count += 1
        if e.seq != expected_seq:
            return count, e.seq, f"entry {e.seq}: expected sequence number {expected_seq}"
        if e.prev_hash != previous:
            return count, e.seq, f"entry {e.seq}: previous hash does not match entry {e.seq - 1}"
        if entry_hash(e.seq, e.at, e.actor, e.action, e.object, e.details, e.prev_hash) != e.hash:
            return count, e.seq, f"entry {e.seq}: its content does not match its hash"
        previous, expected_seq = e.hash, expected_seq + 1
    return count, None, "chain intact"
