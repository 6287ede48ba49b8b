"""Checking the log offline: every event against its actor's key, every tree head, forks.

Which key signs for which State is replayed from the log itself: a ``key_registered`` event
(signed by the key it registers, so whoever registers it holds it) adds a key, a
``key_revoked`` event or a rotation (``replaces``) withdraws one. A verifier who has a
State's keys from that State itself *pins* them (``public_keys``): then a key registered for
that State that is not pinned is reported, since only the operator could have put it there.

Tree heads are checked against the leaves: a head signed by the log whose root is not the
root of the log's first ``tree_size`` entries is a fork, and both signed heads are the
proof. ``min_cosigners`` asks that the whole log be covered by a head cosigned by that many
distinct witnesses. See docs/custody.md.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openskies.custody._signing import Signer, key_id, verify_ed25519
from openskies.custody.events import CustodyEvent, EventKind
from openskies.custody.merkle import MerkleTree, leaf_hash, verify_consistency
from openskies.custody.signed_log import (
    LOG_FORMAT,
    SignedEvent,
    SignedTreeHead,
    event_message,
    unb64,
)
from openskies.errors import InputError

__all__ = [
    "KeyRing",
    "LogProblem",
    "LogReport",
    "PublicKeys",
    "parse_public_keys",
    "verify_log",
    "verify_log_document",
    "witness_cosign",
]

PublicKeys = Mapping[str, bytes | Sequence[bytes]]


@dataclass(frozen=True)
class LogProblem:
    """One thing wrong with a log: which entry (or None for a tree head), what, why.

    ``evidence`` holds what proves it, e.g. the two signed tree heads of a fork.
    """

    index: int | None
    kind: str
    message: str
    evidence: tuple[Mapping[str, Any], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The problem as a JSON object."""
        doc: dict[str, Any] = {"index": self.index, "kind": self.kind, "message": self.message}
        if self.evidence:
            doc["evidence"] = [dict(e) for e in self.evidence]
        return doc


@dataclass(frozen=True)
class LogReport:
    """What ``verify_log`` found: entries, recomputed root, witnesses, problems."""

    entries: int
    root_hash: bytes
    tree_head: SignedTreeHead | None
    cosigners: tuple[str, ...]
    events: tuple[CustodyEvent | None, ...]
    problems: tuple[LogProblem, ...]
    witnessed_size: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    @property
    def forks(self) -> tuple[LogProblem, ...]:
        """The forks found (each with both signed heads as evidence)."""
        return tuple(p for p in self.problems if p.kind == "fork")

    def as_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "root_hash": self.root_hash.hex(),
            "tree_size": None if self.tree_head is None else self.tree_head.head.tree_size,
            "cosigners": list(self.cosigners),
            "witnessed_size": self.witnessed_size,
            "problems": [p.as_json() for p in self.problems],
        }


def _keys_of(public_keys: PublicKeys, signer: str) -> tuple[bytes, ...]:
    keys = public_keys.get(signer)
    if keys is None:
        return ()
    return (keys,) if isinstance(keys, bytes) else tuple(keys)


def _check_signature(
    keys: Sequence[bytes], signer: str, kid: str, message: bytes, signature: bytes
) -> str | None:
    """None when ``signer``'s key ``kid`` (one of ``keys``) signed ``message``; else why not."""
    if not keys:
        return f"no public key known for {signer}"
    matching = [k for k in keys if key_id(k) == kid]
    if not matching:
        return f"key {kid[:16]}... is not one of {signer}'s keys"
    if not verify_ed25519(matching[0], message, signature):
        return f"signature does not verify with {signer}'s key {kid[:16]}..."
    return None


@dataclass
class KeyRing:
    """The keys that sign for each State, replayed from the log's key events in order."""

    pinned: Mapping[str, tuple[bytes, ...]]
    active: dict[str, dict[str, bytes]] = field(default_factory=dict)
    ever: dict[str, dict[str, bytes]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)

    def keys_for(self, state: str) -> tuple[bytes, ...]:
        """The keys that may sign for ``state`` now: pinned ones (if pinned) or registered."""
        if state in self.pinned:
            return tuple(k for k in self.pinned[state] if key_id(k) not in self.revoked)
        return tuple(self.active.get(state, {}).values())

    def all_keys_for(self, state: str) -> tuple[bytes, ...]:
        """Every key that ever signed for ``state`` (for cosignatures, which are not dated)."""
        return (*self.pinned.get(state, ()), *self.ever.get(state, {}).values())

    def apply(self, entry: SignedEvent) -> str | None:
        """Check ``entry`` against the keys of its actor and apply a key event; why not, or None."""
        event = entry.event
        if event.kind is EventKind.KEY_REGISTERED:
            return self._register(entry)
        why = _check_signature(
            self.keys_for(event.actor),
            event.actor,
            entry.key_id,
            event_message(event),
            entry.signature,
        )
        if why is None and event.kind is EventKind.KEY_REVOKED:
            self._revoke(event.actor, str(event.details["key_id"]))
        return why

    def _register(self, entry: SignedEvent) -> str | None:
        state = entry.event.actor
        try:
            public = unb64(entry.event.details["public_key"], "details.public_key")
            kid = key_id(public)
        except InputError as error:
            return str(error)
        if kid != entry.key_id or not entry.verifies_with(public):
            return f"a key registration of {state} not signed by the key it registers"
        if state in self.pinned and public not in self.pinned[state]:
            return (
                f"key {kid[:16]}... registered for {state} is not one of the keys pinned for "
                f"{state}: whoever registered it was not {state}"
            )
        replaces = entry.event.details.get("replaces")
        if replaces is not None:
            if str(replaces) not in self.active.get(state, {}) and not any(
                key_id(k) == replaces for k in self.pinned.get(state, ())
            ):
                return f"replaces {str(replaces)[:16]}..., not a current key of {state}"
            self._revoke(state, str(replaces))
        self.active.setdefault(state, {})[kid] = public
        self.ever.setdefault(state, {})[kid] = public
        self.revoked.discard(kid)
        return None

    def _revoke(self, state: str, kid: str) -> None:
        self.active.get(state, {}).pop(kid, None)
        self.revoked.add(kid)


def _head_json(head: SignedTreeHead) -> dict[str, Any]:
    return head.as_json()


def _too_big(tree_size: int, size: int) -> LogProblem:
    return LogProblem(
        None, "tree_size", f"the tree head covers {tree_size} entries; only {size} given"
    )


def _mismatch(
    signed: SignedTreeHead, latest: SignedTreeHead | None, actual: bytes, tree: MerkleTree
) -> LogProblem:
    """A head whose root is not that of the leaves: a fork if the latest head vouches for them."""
    head = signed.head
    if (
        latest is None
        or latest is signed
        or latest.head.tree_size > len(tree.hashes)
        or not hmac.compare_digest(tree.mth(0, latest.head.tree_size), latest.head.root_hash)
    ):
        return LogProblem(
            None,
            "root_mismatch",
            f"the first {head.tree_size} entries hash to {actual.hex()}, the tree head says "
            f"{head.root_hash.hex()}",
        )
    return LogProblem(
        None,
        "fork",
        f"the log signed a tree head of size {head.tree_size} with root "
        f"{head.root_hash.hex()}, and a head of size {latest.head.tree_size} whose first "
        f"{head.tree_size} entries hash to {actual.hex()}: the later head does not extend the "
        "earlier one (the history was rewritten or forked)",
        (_head_json(signed), _head_json(latest)),
    )


def _check_heads(
    tree: MerkleTree,
    size: int,
    heads: Sequence[SignedTreeHead],
    log_keys: tuple[bytes, ...],
    ring: KeyRing,
    problems: list[LogProblem],
    latest: SignedTreeHead | None,
) -> dict[int, tuple[SignedTreeHead, frozenset[str]]]:
    """Each head's log signature, root and cosigners; forks between heads and the leaves.

    ``latest`` is the head the log gave with these leaves: a head it signed before that
    they contradict is a fork, and the two signed heads are its proof."""
    good: dict[int, tuple[SignedTreeHead, frozenset[str]]] = {}
    for signed in heads:
        head = signed.head
        log_sig = [s for s in signed.signatures if s.signer == head.log_id]
        whys = [
            _check_signature(log_keys, head.log_id, s.key_id, head.message(), s.signature)
            for s in log_sig
        ]
        if not log_sig or any(why is not None for why in whys):
            problems.append(
                LogProblem(
                    None,
                    "tree_head_signature",
                    f"tree head of size {head.tree_size}: "
                    + next((w for w in whys if w), f"not signed by the log {head.log_id}"),
                )
            )
            if head.tree_size > size:
                problems.append(_too_big(head.tree_size, size))
            elif tree.mth(0, head.tree_size) != head.root_hash:
                problems.append(_mismatch(signed, None, tree.mth(0, head.tree_size), tree))
            continue
        cosigners = set()
        for sig in signed.signatures:
            if sig.signer == head.log_id:
                continue
            why = _check_signature(
                ring.all_keys_for(sig.signer), sig.signer, sig.key_id, head.message(), sig.signature
            )
            if why is None:
                cosigners.add(sig.signer)
            else:
                problems.append(
                    LogProblem(None, "cosignature", f"tree head of size {head.tree_size}: {why}")
                )
        other = good.get(head.tree_size)
        if other is not None and not hmac.compare_digest(other[0].head.root_hash, head.root_hash):
            problems.append(
                LogProblem(
                    None,
                    "fork",
                    f"the log signed two tree heads of size {head.tree_size} with different "
                    "roots: it showed different histories to different readers",
                    (_head_json(other[0]), _head_json(signed)),
                )
            )
            continue
        if head.tree_size > size:
            problems.append(_too_big(head.tree_size, size))
            continue
        actual = tree.mth(0, head.tree_size)
        if not hmac.compare_digest(actual, head.root_hash):
            problems.append(_mismatch(signed, latest, actual, tree))
            continue
        previous = good.get(head.tree_size)
        merged = frozenset(cosigners) | (previous[1] if previous else frozenset())
        good[head.tree_size] = (signed, merged)
    return good


def _verify(
    leaves: Sequence[bytes],
    public_keys: PublicKeys,
    heads: Sequence[SignedTreeHead],
    tree_head: SignedTreeHead | None,
    min_cosigners: int,
    problems: list[LogProblem],
) -> LogReport:
    log_id = tree_head.head.log_id if tree_head is not None else None
    pinned = {s: _keys_of(public_keys, s) for s in public_keys if s != log_id}
    ring = KeyRing(pinned)
    events: list[CustodyEvent | None] = []
    for index, leaf in enumerate(leaves):
        try:
            entry = SignedEvent.from_leaf(leaf)
        except InputError as error:
            problems.append(LogProblem(index, "malformed_leaf", str(error)))
            events.append(None)
            continue
        events.append(entry.event)
        why = ring.apply(entry)
        if why is not None:
            problems.append(LogProblem(index, "event_signature", why))

    tree = MerkleTree([leaf_hash(leaf) for leaf in leaves])
    root = tree.mth(0, len(leaves))
    all_heads = [*heads, *([tree_head] if tree_head is not None else [])]
    log_keys = _keys_of(public_keys, log_id) if log_id else ()
    good = _check_heads(tree, len(leaves), all_heads, log_keys, ring, problems, tree_head)
    cosigners: frozenset[str] = frozenset()
    if tree_head is not None and tree_head.head.tree_size in good:
        cosigners = good[tree_head.head.tree_size][1]
    witnessed = max(
        (size for size, (_, who) in good.items() if len(who) >= min_cosigners), default=0
    )
    if min_cosigners and witnessed < len(leaves):
        problems.append(
            LogProblem(
                None,
                "too_few_cosigners",
                f"{min_cosigners} witness cosignature(s) required: the log has {len(leaves)} "
                f"entries, the largest tree head so cosigned covers {witnessed}",
            )
        )
    return LogReport(
        entries=len(leaves),
        root_hash=root,
        tree_head=tree_head,
        cosigners=tuple(sorted(cosigners)),
        events=tuple(events),
        problems=tuple(problems),
        witnessed_size=witnessed,
    )


def verify_log(
    entries: Sequence[SignedEvent],
    public_keys: PublicKeys,
    tree_head: SignedTreeHead | None = None,
    *,
    min_cosigners: int = 0,
    tree_heads: Sequence[SignedTreeHead] = (),
) -> LogReport:
    """Check a log offline: every event signature, every tree head against the leaves.

    ``public_keys`` maps the log's ``log_id`` to its key(s), and may pin States' keys (a
    State's code to its raw Ed25519 public key or keys). ``min_cosigners`` is how many
    distinct witnesses must have cosigned a head covering the whole log.
    """
    return _verify(
        [e.leaf() for e in entries], public_keys, tree_heads, tree_head, min_cosigners, []
    )


def verify_log_document(
    doc: Mapping[str, Any],
    public_keys: PublicKeys,
    *,
    min_cosigners: int = 0,
    tree_heads: Sequence[SignedTreeHead] = (),
) -> LogReport:
    """Check an exported log document (``TransparencyLog.export``) offline.

    The root is computed over the leaves exactly as exported, so a changed byte anywhere
    shows, as a malformed leaf, a bad signature or a root that does not match. ``tree_heads``
    are heads kept elsewhere (by a witness): each must agree with the leaves.
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
    earlier = doc.get("tree_heads", [])
    if not isinstance(earlier, list):
        raise InputError("log.tree_heads: expected a list of signed tree heads")
    heads = [*(SignedTreeHead.from_json(h) for h in earlier), *tree_heads]
    for h in [*heads, *([tree_head] if tree_head else [])]:
        if h.head.log_id != doc.get("log_id"):
            problems.append(LogProblem(None, "log_id", "a tree head is of another log"))
    return _verify(leaves, public_keys, heads, tree_head, min_cosigners, problems)


def parse_public_keys(doc: Mapping[str, Any]) -> dict[str, tuple[bytes, ...]]:
    """Read ``{"DEU": "<base64>", "openskies": ["<base64>", ...]}`` into raw keys."""
    if not isinstance(doc, Mapping):
        raise InputError("public keys: expected an object")
    out: dict[str, tuple[bytes, ...]] = {}
    for signer, value in doc.items():
        values = value if isinstance(value, list) else [value]
        keys = tuple(unb64(v, f"public keys.{signer}") for v in values)
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
        _keys_of(public_keys, head.log_id),
        head.log_id,
        log_sig.key_id,
        head.message(),
        log_sig.signature,
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
