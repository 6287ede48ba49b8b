"""Signed tree heads of the custody log, stored as the log grows (RFC 9162 §2.1, §4.10).

Each append stores the new head with the log's frontier (the roots of the perfect subtrees
that make up the tree), so a head costs O(log n) to compute and the current one is read in
O(1); it also stores the complete subtrees the append made (``ledger_nodes``), from which
a proof is read in O(log n). ``openskies verify`` checks the stored leaves against the latest
stored head by a consistency proof: a log cut short, or one whose history changed, cannot
match it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from openskies.adapters.orm import LedgerHeadRow, LedgerNodeRow
from openskies.custody import SignedTreeHead, Signer, TreeHead, node_hash
from openskies.custody.merkle import appended_nodes

__all__ = ["frontier_root", "latest_head", "push_leaf", "record_tree_head"]


def push_leaf(frontier: list[bytes], size: int, leaf_hash: bytes) -> list[bytes]:
    """The frontier of the tree of ``size + 1`` leaves, from that of ``size`` leaves."""
    out = [*frontier, leaf_hash]
    while size & 1:
        right, left = out.pop(), out.pop()
        out.append(node_hash(left, right))
        size >>= 1
    return out


def frontier_root(frontier: list[bytes]) -> bytes:
    """MTH of the tree whose frontier this is (the empty tree: SHA-256 of nothing)."""
    if not frontier:
        return hashlib.sha256(b"").digest()
    root = frontier[-1]
    for subtree in reversed(frontier[:-1]):
        root = node_hash(subtree, root)
    return root


def latest_head(session: Session) -> LedgerHeadRow | None:
    """The stored head of the largest tree."""
    return session.execute(
        select(LedgerHeadRow).order_by(LedgerHeadRow.tree_size.desc()).limit(1)
    ).scalar_one_or_none()


def record_tree_head(
    session: Session, log_id: str, index: int, leaf_hash: bytes, signer: Signer, at: datetime
) -> SignedTreeHead:
    """Store the signed head of the tree just extended by leaf ``index`` (under the log's
    lock, held by the caller)."""
    previous = latest_head(session)
    if previous is not None and previous.tree_size == index:
        frontier = [bytes.fromhex(h) for h in previous.frontier]
    else:  # no head yet, or heads began after the log did: rebuild from the leaves
        frontier = _rebuild(session, index)
    _store_nodes(session, appended_nodes(index, leaf_hash, frontier))
    frontier = push_leaf(frontier, index, leaf_hash)
    root = frontier_root(frontier)
    signed = SignedTreeHead.sign(TreeHead(log_id, index + 1, root, at), signer)
    session.add(
        LedgerHeadRow(
            tree_size=index + 1,
            root_hash=root.hex(),
            frontier=[h.hex() for h in frontier],
            signed=signed.as_json(),
            at=at,
        )
    )
    return signed


def _store_nodes(session: Session, nodes: list[tuple[tuple[int, int], bytes]]) -> None:
    """Store the complete subtrees an append made (replacing any stale row of those keys,
    left by a log cut short in the database; ``openskies verify`` reports such a cut)."""
    session.execute(
        delete(LedgerNodeRow).where(
            tuple_(LedgerNodeRow.level, LedgerNodeRow.index).in_([key for key, _ in nodes])
        )
    )
    session.add_all(
        LedgerNodeRow(level=level, index=index, hash=value.hex()) for (level, index), value in nodes
    )


def _rebuild(session: Session, size: int) -> list[bytes]:
    from openskies.adapters.orm import LedgerLeafRow

    frontier: list[bytes] = []
    hashes = session.execute(
        select(LedgerLeafRow.leaf_hash)
        .where(LedgerLeafRow.index < size)
        .order_by(LedgerLeafRow.index)
    ).scalars()
    for n, value in enumerate(hashes):
        frontier = push_leaf(frontier, n, bytes.fromhex(value))
    return frontier
