"""The signed log: events signed by their actors, tree heads signed by the log.

Each leaf is a ``SignedEvent``: a custody event in canonical JSON (``events.canonical_json``,
the project's one encoder), signed with Ed25519 by the acting delegation on its own machine;
the service only checks and appends it. The log signs tree heads (size, root hash, time)
with its own key, the only private key the service holds; witnesses (delegations of States
Parties) cosign a tree head after checking it extends the last one they saw
(``verification.witness_cosign``). See docs/custody.md for what this does and does not prove.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openskies.custody._signing import Signer, key_id, verify_ed25519
from openskies.custody.events import CustodyEvent, canonical_json, format_utc, parse_utc
from openskies.custody.merkle import HASH_SIZE, MerkleTree, leaf_hash, verify_inclusion
from openskies.errors import InputError

__all__ = [
    "EVENT_CONTEXT",
    "LOG_FORMAT",
    "TREE_HEAD_CONTEXT",
    "InclusionProof",
    "SignedEvent",
    "SignedTreeHead",
    "TransparencyLog",
    "TreeHead",
    "TreeHeadSignature",
    "b64",
    "event_message",
    "sign_event",
    "unb64",
    "unhex",
]

EVENT_CONTEXT = b"openskies/custody-event/v1\n"
"""Prefix of the bytes a delegation signs for an event (so the signature means nothing else)."""

TREE_HEAD_CONTEXT = b"openskies/tree-head/v1\n"
"""Prefix of the bytes the log and the witnesses sign for a tree head."""

LOG_FORMAT = "openskies-custody-log/1"
"""The ``format`` of an exported log document."""

_KEY_ID = re.compile(r"[0-9a-f]{64}")


def b64(data: bytes) -> str:
    """Standard base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, field_name: str) -> bytes:
    """Bytes of base64 text; ``InputError`` names ``field_name``."""
    if not isinstance(text, str):
        raise InputError(f"{field_name}: expected base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(f"{field_name}: {text!r} is not base64") from None


def unhex(text: Any, field_name: str) -> bytes:
    """A 32-byte hash from 64 hex digits; ``InputError`` names ``field_name``."""
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

    def as_json(self) -> dict[str, Any]:
        """The signed event as a JSON object: what a client posts and what the leaf encodes."""
        return {
            "event": self.event.as_json(),
            "key_id": self.key_id,
            "signature": b64(self.signature),
        }

    def leaf(self) -> bytes:
        """The leaf bytes: canonical JSON of event, key id and base64 signature."""
        return canonical_json(self.as_json())

    def verifies_with(self, public_key: bytes) -> bool:
        """True when ``public_key`` (raw, 32 bytes) is key ``key_id`` and signed the event."""
        return key_id(public_key) == self.key_id and verify_ed25519(
            public_key, event_message(self.event), self.signature
        )

    @classmethod
    def from_json(cls, doc: Any, where: str = "leaf") -> SignedEvent:
        """Read a signed event from its JSON object; ``InputError`` names the bad key."""
        if not isinstance(doc, Mapping) or set(doc) != {"event", "key_id", "signature"}:
            raise InputError(f"{where}: keys must be exactly event, key_id, signature")
        if not isinstance(doc["key_id"], str) or not _KEY_ID.fullmatch(doc["key_id"]):
            raise InputError(f"{where}.key_id: expected 64 lowercase hex digits")
        signature = unb64(doc["signature"], f"{where}.signature")
        if len(signature) != 64:
            raise InputError(f"{where}.signature: an Ed25519 signature has 64 bytes")
        return cls(CustodyEvent.from_json(doc["event"]), doc["key_id"], signature)

    @classmethod
    def from_leaf(cls, leaf: bytes) -> SignedEvent:
        """Read a leaf; refuses bytes that are not its canonical form."""
        try:
            doc = json.loads(leaf.decode("ascii"))
        except (UnicodeDecodeError, ValueError):
            raise InputError("leaf: not ASCII JSON") from None
        entry = cls.from_json(doc)
        if entry.leaf() != leaf:
            raise InputError("leaf: not in canonical form (sorted keys, no spaces, ASCII)")
        return entry


def event_message(event: CustodyEvent) -> bytes:
    """The bytes an event's actor signs: a context prefix and the canonical event."""
    return EVENT_CONTEXT + event.canonical()


def sign_event(event: CustodyEvent, signer: Signer) -> SignedEvent:
    """The event signed by its actor's key (the acting delegation's)."""
    return SignedEvent(event, key_id(signer.public_key), signer.sign(event_message(event)))


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
        return {"signer": self.signer, "key_id": self.key_id, "signature": b64(self.signature)}


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
            unhex(doc["root_hash"], "tree_head.root_hash"),
            parse_utc(doc["timestamp"], "tree_head.timestamp"),
        )
        signatures = []
        for i, s in enumerate(doc["signatures"]):
            where = f"tree_head.signatures[{i}]"
            if not isinstance(s, Mapping) or set(s) != {"signer", "key_id", "signature"}:
                raise InputError(f"{where}: keys must be exactly key_id, signature, signer")
            signatures.append(
                TreeHeadSignature(s["signer"], s["key_id"], unb64(s["signature"], where))
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
        self._tree = MerkleTree([])
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

    def export(
        self,
        tree_head: SignedTreeHead | None = None,
        tree_heads: Sequence[SignedTreeHead] = (),
    ) -> dict[str, Any]:
        """The log as a JSON document that ``verify_log_document`` checks offline.

        ``tree_heads`` are earlier signed heads with their witnesses' cosignatures.
        """
        return {
            "format": LOG_FORMAT,
            "log_id": self.log_id,
            "leaves": [leaf.decode("ascii") for leaf in self._leaves],
            "tree_head": None if tree_head is None else tree_head.as_json(),
            "tree_heads": [h.as_json() for h in tree_heads],
        }
