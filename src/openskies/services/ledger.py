"""The custody log on the server: it checks and appends events its clients signed.

A delegation signs each custody event on its own machine; the service holds only public keys
(``delegation_public_keys``) and checks a submitted event against what it observed (object
hash and size, flight, actor, time window) and against the actor's registered key before
appending it under the chain's lock. The one private key here is the log's own, which signs
tree heads; witnesses cosign those (``POST /api/ledger/cosignatures``). See docs/custody.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import (
    LEDGER_LOCK,
    AuditHeadRow,
    CosignatureRow,
    DelegationKeyRow,
    LedgerLeafRow,
    LedgerNodeRow,
    LogKeyRow,
    TreeHeadRow,
)
from openskies.custody import (
    CustodyEvent,
    Ed25519Signer,
    EventKind,
    SignedEvent,
    SignedTreeHead,
    TransparencyLog,
    TreeHead,
    TreeHeadSignature,
    format_utc,
    key_id,
    leaf_hash,
    verify_ed25519,
)
from openskies.custody.merkle import MerkleTree, NodeTree
from openskies.custody.signed_log import InclusionProof, b64
from openskies.errors import InputError
from openskies.missions.errors import Forbidden, NotFound
from openskies.services.audit import append_audit
from openskies.services.clock import Clock
from openskies.services.commands import Cosign
from openskies.services.delegations import Delegation
from openskies.services.tree_heads import record_tree_head
from openskies.treaty import Citation, Finding

__all__ = [
    "EVENT_HEADER",
    "EVENT_WINDOW",
    "LOG_ID",
    "LedgerService",
    "append_signed",
    "check_signed",
    "log_signer",
    "parse_signed_events",
]

LOG_ID = "openskies-custody"
EVENT_WINDOW = timedelta(minutes=5)
"""How far a signed event's ``at`` may be from the server's clock."""
ED25519 = Citation("RFC 8032 (Ed25519)", "https://www.rfc-editor.org/rfc/rfc8032")
EVENT_HEADER = "X-Custody-Event"
"""The request header carrying the client's signed event(s): base64url of their JSON."""


def parse_signed_events(text: str | None) -> list[SignedEvent]:
    """The signed events of an ``X-Custody-Event`` header (one object or a list)."""
    if not text:
        raise InputError(
            f"{EVENT_HEADER}: missing; every custody action carries the event its actor "
            "signed (openskies keys init, then the CLI or the web app sign it)"
        )
    try:
        doc = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError(f"{EVENT_HEADER}: base64url of the signed event's JSON") from None
    docs = doc if isinstance(doc, list) else [doc]
    return [SignedEvent.from_json(d, f"{EVENT_HEADER}[{i}]") for i, d in enumerate(docs)]


def _active_key(session: Session, state: str, kid: str) -> bytes:
    row = session.get(DelegationKeyRow, kid)
    if row is None or row.state != state or row.revoked_at is not None:
        raise Forbidden(
            [
                Finding(
                    "registered_key",
                    ED25519,
                    f"key {kid[:16]}... is not a current key of {state}: register one "
                    "(openskies keys init --server URL --token T)",
                    None,
                    None,
                )
            ]
        )
    return bytes.fromhex(row.public_key)


def _compare(signed: SignedEvent, expected: CustodyEvent, now: datetime) -> None:
    """Refuse a signed event that differs from what the server observed, naming the field."""
    got, want = signed.event.as_json(), expected.as_json()
    for name in ("kind", "actor", "object_sha256", "flight_reference"):
        if got[name] != want[name]:
            raise InputError(
                f"event.{name}: the server observed {want[name]!r}, the signed event says "
                f"{got[name]!r}"
            )
    for name in sorted(set(got["details"]) | set(want["details"])):
        if got["details"].get(name) != want["details"].get(name):
            raise InputError(
                f"event.details.{name}: the server observed {want['details'].get(name)!r}, "
                f"the signed event says {got['details'].get(name)!r}"
            )
    if abs(signed.event.at - now) > EVENT_WINDOW:
        raise InputError(
            f"event.at: {format_utc(signed.event.at)} is more than "
            f"{int(EVENT_WINDOW.total_seconds())} s from the server's clock {format_utc(now)}"
        )


def append_signed(
    session: Session, signed: SignedEvent, expected: CustodyEvent, now: datetime
) -> int:
    """Check ``signed`` against the observed event and the actor's key, then append it."""
    _compare(signed, expected, now)
    public = _active_key(session, signed.event.actor, signed.key_id)
    if not signed.verifies_with(public):
        raise InputError(
            f"event signature: does not verify with {signed.event.actor}'s key "
            f"{signed.key_id[:16]}..."
        )
    return _append_leaf(session, signed)


def check_signed(
    session: Session, signed: SignedEvent, expected: CustodyEvent, now: datetime
) -> None:
    """``append_signed``'s checks without the append (before an upload's bytes are read)."""
    _compare(signed, expected, now)
    if not signed.verifies_with(_active_key(session, signed.event.actor, signed.key_id)):
        raise InputError(f"event signature: does not verify with key {signed.key_id[:16]}...")


T = TypeVar("T")


def log_size(session: Session) -> int:
    """The number of leaves: one read of the primary key's last entry, not a count."""
    top = session.execute(select(func.max(LedgerLeafRow.index))).scalar_one()
    return 0 if top is None else int(top) + 1


def from_nodes(session: Session, compute: Callable[[MerkleTree], T]) -> T:
    """``compute`` on the log's tree, reading only the complete subtrees it needs
    (O(log n) rows, one statement); from the leaves if a node is missing."""
    wanted = NodeTree.needed(compute)
    found = {
        (level, index): bytes.fromhex(value)
        for level, index, value in (
            session.execute(
                select(LedgerNodeRow.level, LedgerNodeRow.index, LedgerNodeRow.hash).where(
                    tuple_(LedgerNodeRow.level, LedgerNodeRow.index).in_(sorted(wanted))
                )
            ).all()
            if wanted
            else ()
        )
    }
    if len(found) == len(wanted):
        return compute(NodeTree.of(found))
    leaves = session.execute(select(LedgerLeafRow.leaf).order_by(LedgerLeafRow.index)).scalars()
    return compute(MerkleTree([leaf_hash(leaf.encode()) for leaf in leaves]))


def _append_leaf(session: Session, signed: SignedEvent) -> int:
    insert_ignore(session, AuditHeadRow, id=LEDGER_LOCK, seq=0, hash="ledger")
    session.execute(select(AuditHeadRow).where(AuditHeadRow.id == LEDGER_LOCK).with_for_update())
    index = log_size(session)
    leaf = signed.leaf()
    session.add(
        LedgerLeafRow(
            index=index, leaf=leaf.decode(), at=signed.event.at, leaf_hash=leaf_hash(leaf).hex()
        )
    )
    record_tree_head(
        session,
        LOG_ID,
        index,
        leaf_hash(leaf),
        log_signer(session, signed.event.at),
        signed.event.at,
    )
    session.flush()
    return index


def log_signer(session: Session, now: datetime) -> Ed25519Signer:
    """The log's own key (created on first use): it signs the log's tree heads."""
    row = session.get(LogKeyRow, LOG_ID)
    if row is None:
        signer = Ed25519Signer.generate()
        insert_ignore(
            session,
            LogKeyRow,
            log_id=LOG_ID,
            public_key=signer.public_key.hex(),
            private_key=signer.private_bytes().hex(),
            created_at=now,
        )
        row = session.get(LogKeyRow, LOG_ID)
        assert row is not None
    return Ed25519Signer(bytes.fromhex(row.private_key))


@dataclass
class LedgerService:
    """Keys, tree heads, witnesses' cosignatures and proofs of the custody log."""

    sessions: sessionmaker[Session]
    clock: Clock

    # --- the log's own key --------------------------------------------------------------

    def _log_signer(self, session: Session) -> Ed25519Signer:
        return log_signer(session, self.clock.now())

    # --- delegations' keys --------------------------------------------------------------

    def register_key(self, actor: Delegation, signed: SignedEvent) -> dict[str, Any]:
        """Register a public key the delegation holds; the event is signed by that key."""
        now = self.clock.now()
        event = signed.event
        public_text = event.details.get("public_key")
        try:
            public = base64.b64decode(str(public_text), validate=True)
            kid = key_id(public)
        except (binascii.Error, ValueError):
            raise InputError("event.details.public_key: base64 of a 32-byte Ed25519 key") from None
        replaces = event.details.get("replaces")
        expected = CustodyEvent(
            EventKind.KEY_REGISTERED,
            event.at,
            actor.state,
            details={"public_key": b64(public), **({"replaces": replaces} if replaces else {})},
        )
        _compare(signed, expected, now)
        if not signed.verifies_with(public):
            raise InputError(
                "event signature: a key registration is signed by the key it registers"
            )
        with self.sessions.begin() as session:
            if session.get(DelegationKeyRow, kid) is not None:
                raise InputError(f"public_key: key {kid[:16]}... is already registered")
            if replaces is not None:
                old = session.get(DelegationKeyRow, str(replaces))
                if old is None or old.state != actor.state or old.revoked_at is not None:
                    raise InputError(f"event.details.replaces: not a current key of {actor.state}")
                old.revoked_at = now
            session.add(
                DelegationKeyRow(
                    key_id=kid, state=actor.state, public_key=public.hex(), registered_at=now
                )
            )
            index = _append_leaf(session, signed)
            append_audit(session, now, actor.state, "key.register", f"key:{kid}")
        return {"key_id": kid, "state": actor.state, "ledger_index": index}

    def revoke_key(self, actor: Delegation, kid: str, signed: SignedEvent) -> dict[str, Any]:
        """Withdraw one of the delegation's keys (signed by any current key of it)."""
        now = self.clock.now()
        expected = CustodyEvent(
            EventKind.KEY_REVOKED, signed.event.at, actor.state, details={"key_id": kid}
        )
        with self.sessions.begin() as session:
            row = session.get(DelegationKeyRow, kid)
            if row is None or row.state != actor.state or row.revoked_at is not None:
                raise NotFound(f"no current key {kid} of {actor.state}")
            index = append_signed(session, signed, expected, now)
            row.revoked_at = now
            append_audit(session, now, actor.state, "key.revoke", f"key:{kid}")
        return {"key_id": kid, "revoked_at": format_utc(now), "ledger_index": index}

    def keys(
        self, limit: int | None = None, after: tuple[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Registered keys, current or revoked, with their dates, by registration time and
        key id: at most ``limit``, those after ``after`` (the time and id of the last seen)."""
        query = select(DelegationKeyRow).order_by(
            DelegationKeyRow.registered_at, DelegationKeyRow.key_id
        )
        if after is not None:
            at = datetime.fromisoformat(after[0])
            query = query.where(
                or_(
                    DelegationKeyRow.registered_at > at,
                    and_(DelegationKeyRow.registered_at == at, DelegationKeyRow.key_id > after[1]),
                )
            )
        if limit is not None:
            query = query.limit(limit)
        with self.sessions() as session:
            rows = session.execute(query).scalars()
            return [
                {
                    "key_id": r.key_id,
                    "state": r.state,
                    "public_key": b64(bytes.fromhex(r.public_key)),
                    "registered_at": format_utc(r.registered_at),
                    "revoked_at": format_utc(r.revoked_at) if r.revoked_at else None,
                }
                for r in rows
            ]

    def public_keys(self) -> dict[str, list[str]]:
        """The log's public key (base64), to pin; delegations' keys are in the log itself."""
        with self.sessions.begin() as session:
            return {LOG_ID: [b64(self._log_signer(session).public_key)]}

    # --- the log and its heads ----------------------------------------------------------

    def _log(self, session: Session) -> TransparencyLog:
        leaves = (
            session.execute(select(LedgerLeafRow.leaf).order_by(LedgerLeafRow.index))
            .scalars()
            .all()
        )
        return TransparencyLog(LOG_ID, [leaf.encode() for leaf in leaves])

    def _heads(self, session: Session, size: int | None = None) -> list[SignedTreeHead]:
        """Every stored head with its cosignatures, or only the one of ``size`` entries."""
        rows_q = select(TreeHeadRow).order_by(TreeHeadRow.tree_size)
        cosigs_q = select(CosignatureRow).order_by(CosignatureRow.witness)
        if size is not None:
            rows_q = rows_q.where(TreeHeadRow.tree_size == size)
            cosigs_q = cosigs_q.where(CosignatureRow.tree_size == size)
        rows = session.execute(rows_q).scalars()
        cosigs: dict[int, list[CosignatureRow]] = {}
        for c in session.execute(cosigs_q).scalars():
            cosigs.setdefault(c.tree_size, []).append(c)
        return [
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
            for r in rows
        ]

    def _current_head(
        self, session: Session, size: int, root: Callable[[], bytes]
    ) -> SignedTreeHead:
        """The stored head of the log's current size, signed now if there is none yet."""
        if session.get(TreeHeadRow, size) is None:
            signed = SignedTreeHead.sign(
                TreeHead(LOG_ID, size, root(), self.clock.now()), self._log_signer(session)
            )
            sig = signed.signatures[0]
            insert_ignore(
                session,
                TreeHeadRow,
                tree_size=size,
                root_hash=signed.head.root_hash.hex(),
                timestamp=signed.head.timestamp,
                key_id=sig.key_id,
                signature=b64(sig.signature),
            )
            session.flush()
        return self._heads(session, size)[0]

    def tree_head(self) -> dict[str, Any]:
        """The latest signed tree head with its witnesses' cosignatures (O(log n) reads)."""
        with self.sessions.begin() as session:
            size = log_size(session)
            return self._current_head(
                session, size, lambda: from_nodes(session, lambda t: t.mth(0, size))
            ).as_json()

    def export(self) -> dict[str, Any]:
        """The whole log, its latest signed head and every earlier one, for offline checks."""
        with self.sessions.begin() as session:
            log = self._log(session)
            head = self._current_head(session, log.size, log.root_hash)
            earlier = [h for h in self._heads(session) if h.head.tree_size != log.size]
            return log.export(head, earlier)

    def inclusion(self, index: int, size: int | None = None) -> dict[str, Any]:
        """An inclusion proof of entry ``index`` in the tree of ``size`` entries: the entry,
        the log's size and the O(log n) subtrees on the path, three statements at any size."""
        with self.sessions.begin() as session:
            entries = log_size(session)
            row = session.get(LedgerLeafRow, index) if 0 <= index < entries else None
            if row is None:
                raise NotFound(f"no ledger entry {index}")
            n = entries if size is None else size
            if not 0 <= n <= entries:
                raise InputError(f"tree size {n}: the log has {entries} leaves")
            if not index < n:
                raise InputError(f"leaf index {index}: not in a tree of {n} leaves")
            path, root = from_nodes(session, lambda t: (tuple(t.path(index, 0, n)), t.mth(0, n)))
            return {
                "entry": row.leaf,
                "proof": InclusionProof(index, n, path).as_json(),
                "root_hash": base64.b64encode(root).decode(),
            }

    def consistency(self, first: int, second: int | None = None) -> dict[str, Any]:
        """A consistency proof (RFC 9162 §2.1.4) from the tree of ``first`` to ``second``."""
        with self.sessions.begin() as session:
            entries = log_size(session)
            second = entries if second is None else second
            if not 0 <= first <= second <= entries:
                raise InputError(f"first, second: need 0 <= first <= second <= {entries}")
            n = second
            path: tuple[bytes, ...] = (
                ()
                if first in (0, n)
                else from_nodes(session, lambda t: tuple(t.subproof(first, 0, n, True)))
            )
            return {"first": first, "second": second, "path": [h.hex() for h in path]}

    def cosign(self, actor: Delegation, cosignature: Cosign) -> dict[str, Any]:
        """Store a witness's cosignature of a stored tree head, checked against its key."""
        now = self.clock.now()
        size, kid, root = cosignature.tree_size, cosignature.key_id, cosignature.root_hash
        try:
            signature = base64.b64decode(cosignature.signature, validate=True)
        except (ValueError, binascii.Error):
            raise InputError("signature: base64 of the Ed25519 signature") from None
        with self.sessions.begin() as session:
            row = session.get(TreeHeadRow, size)
            if row is None:
                raise NotFound(f"no signed tree head of size {size}")
            if row.root_hash != root:
                raise InputError(f"root_hash: the head of size {size} has root {row.root_hash}")
            head = TreeHead(LOG_ID, size, bytes.fromhex(row.root_hash), row.timestamp)
            public = _active_key(session, actor.state, kid)
            if not verify_ed25519(public, head.message(), signature):
                raise InputError(
                    f"signature: not {actor.state}'s signature of the head of size {size}"
                )
            insert_ignore(
                session,
                CosignatureRow,
                tree_size=size,
                witness=actor.state,
                key_id=kid,
                signature=b64(signature),
                received_at=now,
            )
            append_audit(session, now, actor.state, "ledger.cosign", f"tree_head:{size}")
        return {"tree_size": size, "witness": actor.state}
