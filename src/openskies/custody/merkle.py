"""The Merkle tree of RFC 9162 §2.1 (the same as RFC 6962 §2.1): hashes and proofs.

- ``MTH({}) = SHA-256()``, ``MTH({d0}) = SHA-256(0x00 || d0)``;
- ``MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))`` with ``k`` the largest power of
  two smaller than ``n``, so any ``n`` works, not only powers of two;
- inclusion proofs (audit paths, §2.1.3) and consistency proofs (§2.1.4), generated and
  verified with the RFC's algorithms, step by step.

The same verification is written in JavaScript for the browser (web/src/custody.js).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence

from openskies.errors import InputError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "NodeTree",
    "appended_nodes",
    "complete_nodes",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "merkle_root",
    "merkle_tree_hash",
    "node_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""Root hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1)."""


def leaf_hash(leaf: bytes) -> bytes:
    """``SHA-256(0x00 || leaf)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """Subtree hashes over a list of leaf hashes; full subtrees never change, so are cached."""

    def __init__(self, hashes: list[bytes]) -> None:
        self.hashes = hashes
        self._full: dict[tuple[int, int], bytes] = {}

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) of RFC 9162 §2.1.1."""
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


Node = tuple[int, int]
"""A complete subtree: ``(level, index)`` covers leaves ``index * 2**level`` to
``(index + 1) * 2**level``; level 0 is the leaf hashes."""

_PLACEHOLDER = bytes(HASH_SIZE)


class NodeTree(MerkleTree):
    """The same tree read from its complete subtrees' hashes, not from its leaves.

    Every subtree of RFC 9162's recursion of size a power of two is aligned (it starts at a
    multiple of its size), so it is one stored node; the others (the right edge) are hashed
    from O(log n) nodes. ``NodeTree.needed(...)`` lists the nodes a computation reads, so a
    store fetches exactly those, in one query, then runs it on the fetched nodes.
    """

    def __init__(self, node: Callable[[int, int], bytes]) -> None:
        super().__init__([])
        self._node = node

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]) of RFC 9162 §2.1.1, from the nodes."""
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0:
            level = n.bit_length() - 1
            return self._node(level, lo >> level)
        k = _split(n)
        return node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))

    @classmethod
    def needed(cls, compute: Callable[[NodeTree], object]) -> set[Node]:
        """The nodes ``compute`` reads (it is run once on placeholder hashes)."""
        wanted: set[Node] = set()

        def record(level: int, index: int) -> bytes:
            wanted.add((level, index))
            return _PLACEHOLDER

        compute(cls(record))
        return wanted

    @classmethod
    def of(cls, nodes: Mapping[Node, bytes]) -> NodeTree:
        """The tree reading ``nodes`` (a ``KeyError`` names a node that is not there)."""
        return cls(lambda level, index: nodes[level, index])


def complete_nodes(leaf_hashes: Sequence[bytes]) -> dict[Node, bytes]:
    """Every complete subtree's hash over ``leaf_hashes``: what a store keeps (2n - popcount)."""
    out: dict[Node, bytes] = {}
    level, row = 0, list(leaf_hashes)
    while row:
        for index, value in enumerate(row):
            out[level, index] = value
        row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1
    return out


def appended_nodes(
    size: int, leaf_hash_: bytes, frontier: Sequence[bytes]
) -> list[tuple[Node, bytes]]:
    """The nodes completed by appending leaf ``size`` to a tree whose frontier (roots of its
    perfect subtrees, largest first) is ``frontier``: O(log n), the leaf first."""
    out: list[tuple[Node, bytes]] = [((0, size), leaf_hash_)]
    stack, value, level, n = list(frontier), leaf_hash_, 0, size
    while n & 1:
        value = node_hash(stack.pop(), value)
        level, n = level + 1, n >> 1
        out.append(((level, n), value))
    return out


def merkle_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (``leaf_hash`` of each leaf)."""
    return MerkleTree(list(leaf_hashes)).mth(0, len(leaf_hashes))


def merkle_tree_hash(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 9162 §2.1.1 over the raw leaves."""
    return merkle_root([leaf_hash(d) for d in leaves])


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> tuple[bytes, ...]:
    """The audit path PATH(index, D[n]) for the tree of all ``leaf_hashes`` (RFC 9162 §2.1.3.1)."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise InputError(f"leaf index {index}: not in a tree of {n} leaves")
    return tuple(MerkleTree(list(leaf_hashes)).path(index, 0, n))


def consistency_proof(leaf_hashes: Sequence[bytes], first: int) -> tuple[bytes, ...]:
    """PROOF(first, D[n]) for the tree of all ``leaf_hashes`` (RFC 9162 §2.1.4.1).

    Defined for ``0 < first < n``; for ``first`` equal to 0 or ``n`` the proof is empty.
    """
    n = len(leaf_hashes)
    if not 0 <= first <= n:
        raise InputError(f"tree size {first}: not between 0 and {n}")
    if first in (0, n):
        return ()
    return tuple(MerkleTree(list(leaf_hashes)).subproof(first, 0, n, True))


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
