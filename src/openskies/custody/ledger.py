"""An append-only transparency log of custody events, in the manner of Certificate Transparency.

The Merkle tree is that of RFC 9162 §2.1 (the same as RFC 6962 §2.1):

- ``MTH({}) = SHA-256()``, ``MTH({d0}) = SHA-256(0x00 || d0)``;
- ``MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` with ``k`` the largest power of
  two smaller than ``n``, so any ``n`` works, not only powers of two;
- inclusion proofs (audit paths, §2.1.3) and consistency proofs (§2.1.4), generated and
  verified with the RFC's algorithms, step by step.

Each leaf is a ``SignedEvent``: a custody event in canonical JSON, signed with Ed25519 by the
acting delegation. The log signs tree heads (size, root hash, timestamp) with its own key,
and delegations of States Parties cosign a tree head after checking that it extends the one
they cosigned before (``witness_cosign``). A log operator who rewrote history would have to
forge the delegations' signatures on the events and contradict the tree heads they hold.

``verify_log`` and ``verify_log_document`` check a whole log offline: every signature, every
leaf's canonical form, and the root against the signed tree head. See docs/custody.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openskies.custody._signing import Signer, key_id, verify_ed25519
from openskies.custody.events import CustodyEvent, canonical_json, format_utc, parse_utc
from openskies.errors import InputError

__all__ = [
    "EMPTY_ROOT",
    "EVENT_CONTEXT",
    "LOG_FORMAT",
    "TREE_HEAD_CONTEXT",
    "InclusionProof",
    "LogProblem",
    "LogReport",
    "SignedEvent",
    "SignedTreeHead",
    "TransparencyLog",
    "TreeHead",
    "TreeHeadSignature",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "merkle_tree_hash",
    "node_hash",
    "parse_public_keys",
    "sign_event",
    "verify_consistency",
    "verify_inclusion",
    "verify_log",
    "verify_log_document",
    "witness_cosign",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1)."""

EVENT_CONTEXT = b"openskies/custody-event/v1\n"
"""Prefix of the bytes a delegation signs for an event (so the signature means nothing else)."""

TREE_HEAD_CONTEXT = b"openskies/tree-head/v1\n"
"""Prefix of the bytes the log and the witnesses sign for a tree head."""

LOG_FORMAT = "openskies-custody-log/1"
"""The ``format`` of an exported log document."""

PublicKeys = Mapping[str, bytes | Sequence[bytes]]


# ---------------------------------------------------------------------------------------------
# RFC 9162 §2.1: hashes, tree head, proofs


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class _Tree:
    """Subtree hashes over a list of leaf hashes; full subtrees never change, so are cached."""

    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes
        self._full: dict[tuple[int, int], bytes] = {}

    def mth(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n == 1:
            return self.hashes[lo]
        full = n & (n - 1) == 0
        if full and (lo, hi) in self._full:
            return self._full[lo, hi]
        k = _split(n)
        value = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        if full:
            self._full[lo, hi] = value
        return value

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        """PATH(m, D[lo:hi]) of RFC 9162 §2.1.3.1, ``m`` absolute."""
        if hi - lo == 1:
            return []
        k = _split(hi - lo)
        if m < lo + k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        """SUBPROOF(m, D[lo:hi], b) of RFC 9162 §2.1.4.1, ``m`` relative to ``lo``."""
        n = hi - lo
        if m == n:
            return [] if complete else [self.mth(lo, hi)]
        k = _split(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, complete), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (``leaf_hash`` of each leaf)."""
    return _Tree(list(leaf_hashes)).mth(0, len(leaf_hashes))


def merkle_tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over the raw leaves."""
    return merkle_root([leaf_hash(d) for d in leaves])


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> tuple[bytes, ...]:
    """The audit path PATH(index, D[n]) for the tree of all ``leaf_hashes`` (RFC 9162 §2.1.3.1)."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise InputError(f"leaf index {index}: not in a tree of {n} leaves")
    return tuple(_Tree(list(leaf_hashes)).path(index, 0, n))


def consistency_proof(leaf_hashes: Sequence[bytes], first: int) -> tuple[bytes, ...]:
    """PROOF(first, D[n]) for the tree of all ``leaf_hashes`` (RFC 9162 §2.1.4.1).

    Defined for ``0 < first < n``; for ``first`` equal to 0 or ``n`` the proof is empty.
    """
    n = len(leaf_hashes)
    if not 0 <= first <= n:
        raise InputError(f"tree size {first}: not between 0 and {n}")
    if first in (0, n):
        return ()
    return tuple(_Tree(list(leaf_hashes)).subproof(first, 0, n, True))


def _lsb(value: int) -> bool:
    return value & 1 == 1


def _hashes_ok(*values: bytes) -> bool:
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def verify_inclusion(
    leaf_hash_: bytes,
    leaf_index: int,
    tree_size: int,
    inclusion_path: Sequence[bytes],
    root_hash: bytes,
) -> bool:
    """True when ``inclusion_path`` proves the leaf at ``leaf_index`` under ``root_hash``.

    RFC 9162 §2.1.3.2, step by step; every hash must be 32 bytes.
    """
    if not _hashes_ok(leaf_hash_, root_hash, *inclusion_path):
        return False
    # 1. Compare leaf_index against tree_size. If leaf_index >= tree_size, fail.
    if not 0 <= leaf_index < tree_size:
        return False
    # 2. Set fn to leaf_index and sn to tree_size - 1.
    fn, sn = leaf_index, tree_size - 1
    # 3. Set r to hash.
    r = leaf_hash_
    # 4. For each value p in the inclusion_path array:
    for p in inclusion_path:
        # a. If sn is 0, then stop the iteration and fail the proof verification.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if _lsb(fn) or fn == sn:
            # i. Set r to HASH(0x01 || p || r).
            r = node_hash(p, r)
            # ii. If LSB(fn) is not set, then right-shift both fn and sn equally until either
            #     LSB(fn) is set or fn is 0.
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        # Otherwise: Set r to HASH(0x01 || r || p).
        else:
            r = node_hash(r, p)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 5. Compare sn to 0. Compare r against the root_hash. If sn is equal to 0 and r and the
    #    root_hash are equal, then the log has proven the inclusion of hash.
    return sn == 0 and hmac.compare_digest(r, root_hash)


def verify_consistency(
    first: int,
    second: int,
    first_hash: bytes,
    second_hash: bytes,
    consistency_path: Sequence[bytes],
) -> bool:
    """True when ``consistency_path`` proves tree ``second`` extends tree ``first``.

    RFC 9162 §2.1.4.2, step by step, for ``0 < first < second``. Outside that range the RFC
    has no proof; here ``first == second`` holds with an empty path and equal hashes, and
    ``first == 0`` with an empty path and ``first_hash`` the empty-tree root.
    """
    if not _hashes_ok(first_hash, second_hash, *consistency_path):
        return False
    if first < 0 or second < first:
        return False
    if first == second:
        return not consistency_path and hmac.compare_digest(first_hash, second_hash)
    if first == 0:
        return not consistency_path and hmac.compare_digest(first_hash, EMPTY_ROOT)
    path = list(consistency_path)
    # 1. If consistency_path is an empty array, stop and fail the proof verification.
    if not path:
        return False
    # 2. If first is an exact power of 2, then prepend first_hash to the consistency_path.
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    # 3. Set fn to first - 1 and sn to second - 1.
    fn, sn = first - 1, second - 1
    # 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
    while _lsb(fn):
        fn >>= 1
        sn >>= 1
    # 5. Set both fr and sr to the first value in the consistency_path array.
    fr = sr = path[0]
    # 6. For each subsequent value c in the consistency_path array:
    for c in path[1:]:
        # a. If sn is 0, then stop the iteration and fail the proof verification.
        if sn == 0:
            return False
        # b. If LSB(fn) is set, or if fn is equal to sn, then:
        if _lsb(fn) or fn == sn:
            # i. Set fr to HASH(0x01 || c || fr).  ii. Set sr to HASH(0x01 || c || sr).
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            # iii. If LSB(fn) is not set, then right-shift both fn and sn equally until
            #      either LSB(fn) is set or fn is 0.
            while not _lsb(fn) and fn != 0:
                fn >>= 1
                sn >>= 1
        # Otherwise: Set sr to HASH(0x01 || sr || c).
        else:
            sr = node_hash(sr, c)
        # c. Finally, right-shift both fn and sn one time.
        fn >>= 1
        sn >>= 1
    # 7. Verify that fr equals first_hash, sr equals second_hash and sn is 0.
    return sn == 0 and hmac.compare_digest(fr, first_hash) and hmac.compare_digest(sr, second_hash)


# ---------------------------------------------------------------------------------------------
# Signed events and tree heads


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any, field_name: str) -> bytes:
    if not isinstance(text, str):
        raise InputError(f"{field_name}: expected base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{field_name}: {text!r} is not base64") from None


def _unhex(text: Any, field_name: str) -> bytes:
    if not isinstance(text, str) or len(text) != 2 * HASH_SIZE:
        raise InputError(f"{field_name}: expected 64 hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise InputError(f"{field_name}: {text!r} is not hex") from None


@dataclass(frozen=True)
class SignedEvent:
    """A custody event with its actor's Ed25519 signature: one leaf of the log.

    The signature covers ``EVENT_CONTEXT + event.canonical()``; the leaf is the canonical
    JSON of ``{"event", "key_id", "signature"}``, so the tree commits to the signature too.
    """

    event: CustodyEvent
    key_id: str
    signature: bytes

    def leaf(self) -> bytes:
        """The leaf bytes: canonical JSON of event, key id and base64 signature."""
        return canonical_json(
            {
                "event": self.event.as_json(),
                "key_id": self.key_id,
                "signature": _b64(self.signature),
            }
        )

    @classmethod
    def from_leaf(cls, leaf: bytes) -> SignedEvent:
        """Read a leaf; refuses bytes that are not its canonical form."""
        try:
            doc = json.loads(leaf.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise InputError("leaf: not ASCII JSON") from None
        if not isinstance(doc, dict) or set(doc) != {"event", "key_id", "signature"}:
            raise InputError("leaf: keys must be exactly event, key_id, signature")
        if not isinstance(doc["key_id"], str):
            raise InputError("leaf.key_id: expected hex text")
        entry = cls(
            CustodyEvent.from_json(doc["event"]),
            doc["key_id"],
            _unb64(doc["signature"], "leaf.signature"),
        )
        if entry.leaf() != leaf:
            raise InputError("leaf: not in canonical form (sorted keys, no spaces, ASCII)")
        return entry


def _event_message(event: CustodyEvent) -> bytes:
    return EVENT_CONTEXT + event.canonical()


def sign_event(event: CustodyEvent, signer: Signer) -> SignedEvent:
    """The event signed by its actor's key (the acting delegation's)."""
    return SignedEvent(event, key_id(signer.public_key), signer.sign(_event_message(event)))


@dataclass(frozen=True)
class TreeHead:
    """The state of the log: its size and root hash at a time (RFC 9162 §4.10, simplified)."""

    log_id: str
    tree_size: int
    root_hash: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        if self.tree_size < 0:
            raise InputError("tree_size: must be >= 0")
        if not isinstance(self.root_hash, bytes) or len(self.root_hash) != HASH_SIZE:
            raise InputError("root_hash: must be 32 bytes")
        format_utc(self.timestamp)  # refuses a naive time

    def as_json(self) -> dict[str, Any]:
        """The tree head as a JSON object (hash in hex, time in UTC)."""
        return {
            "log_id": self.log_id,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash.hex(),
            "timestamp": format_utc(self.timestamp),
        }

    def message(self) -> bytes:
        """The bytes the log and the witnesses sign."""
        return TREE_HEAD_CONTEXT + canonical_json(self.as_json())


@dataclass(frozen=True)
class TreeHeadSignature:
    """A signature on a tree head: by the log (``signer == log_id``) or by a witness."""

    signer: str
    key_id: str
    signature: bytes

    def as_json(self) -> dict[str, Any]:
        """The signature as a JSON object (base64 signature)."""
        return {"signer": self.signer, "key_id": self.key_id, "signature": _b64(self.signature)}


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head with the log's signature and any witnesses' cosignatures."""

    head: TreeHead
    signatures: tuple[TreeHeadSignature, ...]

    @classmethod
    def sign(cls, head: TreeHead, log_signer: Signer) -> SignedTreeHead:
        """The tree head signed by the log's key."""
        signature = TreeHeadSignature(
            head.log_id, key_id(log_signer.public_key), log_signer.sign(head.message())
        )
        return cls(head, (signature,))

    def cosigned(self, party: str, signer: Signer) -> SignedTreeHead:
        """A copy with ``party``'s cosignature added (use ``witness_cosign`` to check first)."""
        signature = TreeHeadSignature(
            party, key_id(signer.public_key), signer.sign(self.head.message())
        )
        return SignedTreeHead(self.head, (*self.signatures, signature))

    def as_json(self) -> dict[str, Any]:
        """The signed tree head as a JSON object."""
        return {**self.head.as_json(), "signatures": [s.as_json() for s in self.signatures]}

    @classmethod
    def from_json(cls, doc: Any) -> SignedTreeHead:
        """Read a signed tree head from its JSON object."""
        if not isinstance(doc, Mapping):
            raise InputError("tree_head: expected an object")
        keys = {"log_id", "tree_size", "root_hash", "timestamp", "signatures"}
        if set(doc) != keys:
            raise InputError(f"tree_head: keys must be exactly {', '.join(sorted(keys))}")
        if not isinstance(doc["tree_size"], int) or isinstance(doc["tree_size"], bool):
            raise InputError("tree_head.tree_size: expected a whole number")
        if not isinstance(doc["log_id"], str) or not isinstance(doc["signatures"], list):
            raise InputError("tree_head: log_id must be text and signatures a list")
        head = TreeHead(
            doc["log_id"],
            doc["tree_size"],
            _unhex(doc["root_hash"], "tree_head.root_hash"),
            parse_utc(doc["timestamp"], "tree_head.timestamp"),
        )
        signatures = []
        for i, s in enumerate(doc["signatures"]):
            where = f"tree_head.signatures[{i}]"
            if not isinstance(s, Mapping) or set(s) != {"signer", "key_id", "signature"}:
                raise InputError(f"{where}: keys must be exactly key_id, signature, signer")
            signatures.append(
                TreeHeadSignature(s["signer"], s["key_id"], _unb64(s["signature"], where))
            )
        return cls(head, tuple(signatures))


@dataclass(frozen=True)
class InclusionProof:
    """An audit path: leaf ``leaf_index`` is in the tree of ``tree_size`` leaves."""

    leaf_index: int
    tree_size: int
    path: tuple[bytes, ...]

    def verify(self, leaf: bytes, root_hash: bytes) -> bool:
        """True when the proof places ``leaf`` (raw leaf bytes) under ``root_hash``."""
        return verify_inclusion(
            leaf_hash(leaf), self.leaf_index, self.tree_size, self.path, root_hash
        )

    def as_json(self) -> dict[str, Any]:
        """The proof as a JSON object (hashes in hex)."""
        return {
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "path": [h.hex() for h in self.path],
        }


# ---------------------------------------------------------------------------------------------
# The log


class TransparencyLog:
    """An append-only Merkle log of leaves, in memory; rebuild it from stored leaves.

    There is no method to change or remove a leaf. Storage (a table of leaves in order,
    a table of signed tree heads) belongs to the adapters.
    """

    def __init__(self, log_id: str, leaves: Iterable[bytes] = ()) -> None:
        self.log_id = log_id
        self._leaves: list[bytes] = []
        self._tree = _Tree([])
        for leaf in leaves:
            self.append_leaf(leaf)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._leaves)

    def append_leaf(self, leaf: bytes) -> int:
        """Append raw leaf bytes; returns the leaf index."""
        self._leaves.append(bytes(leaf))
        self._tree.hashes.append(leaf_hash(leaf))
        return len(self._leaves) - 1

    def append(self, entry: SignedEvent) -> int:
        """Append a signed event; returns its leaf index."""
        return self.append_leaf(entry.leaf())

    def leaf(self, index: int) -> bytes:
        """The raw bytes of leaf ``index``."""
        return self._leaves[index]

    def entry(self, index: int) -> SignedEvent:
        """Leaf ``index`` read as a signed event."""
        return SignedEvent.from_leaf(self._leaves[index])

    def leaves(self) -> tuple[bytes, ...]:
        """All leaves, in order."""
        return tuple(self._leaves)

    def _size(self, tree_size: int | None) -> int:
        size = self.size if tree_size is None else tree_size
        if not 0 <= size <= self.size:
            raise InputError(f"tree size {size}: the log has {self.size} leaves")
        return size

    def root_hash(self, tree_size: int | None = None) -> bytes:
        """MTH of the first ``tree_size`` leaves (all by default)."""
        return self._tree.mth(0, self._size(tree_size))

    def inclusion_proof(self, index: int, tree_size: int | None = None) -> InclusionProof:
        """The audit path of leaf ``index`` in the tree of ``tree_size`` leaves."""
        size = self._size(tree_size)
        if not 0 <= index < size:
            raise InputError(f"leaf index {index}: not in a tree of {size} leaves")
        return InclusionProof(index, size, tuple(self._tree.path(index, 0, size)))

    def consistency_proof(self, first: int, second: int | None = None) -> tuple[bytes, ...]:
        """PROOF(first, D[second]): the tree of ``second`` leaves extends that of ``first``."""
        size = self._size(second)
        if not 0 <= first <= size:
            raise InputError(f"tree size {first}: not between 0 and {size}")
        if first in (0, size):
            return ()
        return tuple(self._tree.subproof(first, 0, size, True))

    def tree_head(self, timestamp: datetime, log_signer: Signer) -> SignedTreeHead:
        """The current tree head, signed by the log's key."""
        return SignedTreeHead.sign(
            TreeHead(self.log_id, self.size, self.root_hash(), timestamp), log_signer
        )

    def export(self, tree_head: SignedTreeHead | None = None) -> dict[str, Any]:
        """The log as a JSON document that ``verify_log_document`` checks offline."""
        return {
            "format": LOG_FORMAT,
            "log_id": self.log_id,
            "leaves": [leaf.decode("ascii") for leaf in self._leaves],
            "tree_head": None if tree_head is None else tree_head.as_json(),
        }


# ---------------------------------------------------------------------------------------------
# Offline verification


@dataclass(frozen=True)
class LogProblem:
    """One thing wrong with a log: which entry (or None for the tree head), what, why."""

    index: int | None
    kind: str
    message: str

    def as_json(self) -> dict[str, Any]:
        """The problem as a JSON object."""
        return {"index": self.index, "kind": self.kind, "message": self.message}


@dataclass(frozen=True)
class LogReport:
    """What ``verify_log`` found: entry count, recomputed root, verified witnesses, problems."""

    entries: int
    root_hash: bytes
    tree_head: SignedTreeHead | None
    cosigners: tuple[str, ...]
    events: tuple[CustodyEvent | None, ...]
    problems: tuple[LogProblem, ...]

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "root_hash": self.root_hash.hex(),
            "tree_size": None if self.tree_head is None else self.tree_head.head.tree_size,
            "cosigners": list(self.cosigners),
            "problems": [p.as_json() for p in self.problems],
        }


def _keys_of(public_keys: PublicKeys, signer: str) -> tuple[bytes, ...]:
    keys = public_keys.get(signer)
    if keys is None:
        return ()
    return (keys,) if isinstance(keys, bytes) else tuple(keys)


def _check_signature(
    public_keys: PublicKeys, signer: str, kid: str, message: bytes, signature: bytes
) -> str | None:
    """None when ``signer``'s key ``kid`` signed ``message``; otherwise why not."""
    keys = _keys_of(public_keys, signer)
    if not keys:
        return f"no public key known for {signer}"
    matching = [k for k in keys if key_id(k) == kid]
    if not matching:
        return f"key {kid[:16]}... is not one of {signer}'s keys"
    if not verify_ed25519(matching[0], message, signature):
        return f"signature does not verify with {signer}'s key {kid[:16]}..."
    return None


def _verify(
    leaves: Sequence[bytes],
    public_keys: PublicKeys,
    tree_head: SignedTreeHead | None,
    min_cosigners: int,
    problems: list[LogProblem],
) -> LogReport:
    events: list[CustodyEvent | None] = []
    for index, leaf in enumerate(leaves):
        try:
            entry = SignedEvent.from_leaf(leaf)
        except InputError as error:
            problems.append(LogProblem(index, "malformed_leaf", str(error)))
            events.append(None)
            continue
        events.append(entry.event)
        why = _check_signature(
            public_keys,
            entry.event.actor,
            entry.key_id,
            _event_message(entry.event),
            entry.signature,
        )
        if why is not None:
            problems.append(LogProblem(index, "event_signature", why))

    tree = _Tree([leaf_hash(leaf) for leaf in leaves])
    root = tree.mth(0, len(leaves))
    cosigners: list[str] = []
    if tree_head is not None:
        head = tree_head.head
        if head.tree_size > len(leaves):
            problems.append(
                LogProblem(
                    None,
                    "tree_size",
                    f"the tree head covers {head.tree_size} entries; only {len(leaves)} given",
                )
            )
        elif not hmac.compare_digest(tree.mth(0, head.tree_size), head.root_hash):
            problems.append(
                LogProblem(
                    None,
                    "root_mismatch",
                    f"the first {head.tree_size} entries hash to "
                    f"{tree.mth(0, head.tree_size).hex()}, the tree head says "
                    f"{head.root_hash.hex()}",
                )
            )
        log_signed = False
        for sig in tree_head.signatures:
            why = _check_signature(
                public_keys, sig.signer, sig.key_id, head.message(), sig.signature
            )
            if sig.signer == head.log_id:
                if why is None:
                    log_signed = True
                else:
                    problems.append(LogProblem(None, "tree_head_signature", why))
            elif why is None:
                if sig.signer not in cosigners:
                    cosigners.append(sig.signer)
            else:
                problems.append(LogProblem(None, "cosignature", why))
        if not log_signed and not any(p.kind == "tree_head_signature" for p in problems):
            problems.append(
                LogProblem(None, "tree_head_signature", f"not signed by the log {head.log_id}")
            )
        if len(cosigners) < min_cosigners:
            problems.append(
                LogProblem(
                    None,
                    "too_few_cosigners",
                    f"{len(cosigners)} witness cosignature(s); {min_cosigners} required",
                )
            )
    elif min_cosigners:
        problems.append(LogProblem(None, "too_few_cosigners", "no tree head to check"))
    return LogReport(
        entries=len(leaves),
        root_hash=root,
        tree_head=tree_head,
        cosigners=tuple(sorted(cosigners)),
        events=tuple(events),
        problems=tuple(problems),
    )


def verify_log(
    entries: Sequence[SignedEvent],
    public_keys: PublicKeys,
    tree_head: SignedTreeHead | None = None,
    *,
    min_cosigners: int = 0,
) -> LogReport:
    """Check a log offline: every event signature, the root against the signed tree head.

    ``public_keys`` maps each signer (a delegation's State code, the log's ``log_id``) to its
    raw Ed25519 public key or keys. ``min_cosigners`` is how many distinct witnesses must
    have cosigned the tree head.
    """
    return _verify([e.leaf() for e in entries], public_keys, tree_head, min_cosigners, [])


def verify_log_document(
    doc: Mapping[str, Any], public_keys: PublicKeys, *, min_cosigners: int = 0
) -> LogReport:
    """Check an exported log document (``TransparencyLog.export``) offline.

    The root is computed over the leaves exactly as exported, so a changed byte anywhere
    shows, as a malformed leaf, a bad signature or a root that does not match.
    """
    if not isinstance(doc, Mapping) or doc.get("format") != LOG_FORMAT:
        raise InputError(f"log: not a {LOG_FORMAT} document")
    leaves_doc = doc.get("leaves")
    if not isinstance(leaves_doc, list) or not all(isinstance(x, str) for x in leaves_doc):
        raise InputError("log.leaves: expected a list of canonical JSON texts")
    problems: list[LogProblem] = []
    leaves = []
    for index, text in enumerate(leaves_doc):
        try:
            leaves.append(text.encode("ascii"))
        except UnicodeEncodeError:
            problems.append(LogProblem(index, "malformed_leaf", "leaf: not ASCII"))
            leaves.append(text.encode("utf-8"))
    tree_head = None if doc.get("tree_head") is None else SignedTreeHead.from_json(doc["tree_head"])
    if tree_head is not None and tree_head.head.log_id != doc.get("log_id"):
        problems.append(LogProblem(None, "log_id", "the tree head is of another log"))
    return _verify(leaves, public_keys, tree_head, min_cosigners, problems)


def parse_public_keys(doc: Mapping[str, Any]) -> dict[str, tuple[bytes, ...]]:
    """Read ``{"DEU": "<base64>", "openskies": ["<base64>", ...]}`` into raw keys."""
    if not isinstance(doc, Mapping):
        raise InputError("public keys: expected an object")
    out: dict[str, tuple[bytes, ...]] = {}
    for signer, value in doc.items():
        values = value if isinstance(value, list) else [value]
        keys = tuple(_unb64(v, f"public keys.{signer}") for v in values)
        for k in keys:
            key_id(k)  # refuses a key that is not 32 bytes
        out[signer] = keys
    return out


def witness_cosign(
    previous: SignedTreeHead | None,
    new: SignedTreeHead,
    proof: Sequence[bytes],
    party: str,
    signer: Signer,
    public_keys: PublicKeys,
) -> SignedTreeHead:
    """Cosign ``new`` as ``party`` after checking it is the log's and extends ``previous``.

    A witness keeps the last tree head it cosigned; it cosigns a new one only with a valid
    log signature and a consistency proof (RFC 9162 §2.1.4) from the old one. A log that
    forked or rewrote its history cannot get the cosignature.
    """
    head = new.head
    log_sig = next((s for s in new.signatures if s.signer == head.log_id), None)
    if log_sig is None:
        raise InputError(f"tree head: not signed by the log {head.log_id}")
    why = _check_signature(
        public_keys, head.log_id, log_sig.key_id, head.message(), log_sig.signature
    )
    if why is not None:
        raise InputError(f"tree head: {why}")
    if previous is not None:
        old = previous.head
        if old.log_id != head.log_id:
            raise InputError("tree head: of another log than the one cosigned before")
        if not verify_consistency(
            old.tree_size, head.tree_size, old.root_hash, head.root_hash, proof
        ):
            raise InputError(
                f"tree head: size {head.tree_size} is not consistent with size {old.tree_size} "
                "cosigned before (RFC 9162 §2.1.4.2); the log's history changed"
            )
        if head.timestamp < old.timestamp:
            raise InputError("tree head: older than the one cosigned before")
    return new.cosigned(party, signer)
