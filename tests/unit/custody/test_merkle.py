"""The Merkle tree of RFC 9162 §2.1: tree hash, inclusion and consistency proofs.

Reference vectors are those of the Certificate Transparency implementations (RFC 6962
leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657, 606162636465666768696a6b6c6d6e6f).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openskies.custody import (
    EMPTY_ROOT,
    MerkleTree,
    TransparencyLog,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    merkle_tree_hash,
    verify_consistency,
    verify_inclusion,
)
from openskies.custody.merkle import NodeTree, appended_nodes, complete_nodes
from openskies.errors import InputError

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    bytes.fromhex(h)
    for h in (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
H = bytes.fromhex
INCLUSION_VECTORS = [  # (leaf index, tree size, path)
    (0, 1, []),
    (
        0,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        5,
        8,
        [
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (2, 3, [H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        1,
        5,
        [
            H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]
CONSISTENCY_VECTORS = [  # (first size, second size, path)
    (1, 1, []),
    (
        1,
        8,
        [
            H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]
HASHES = [leaf_hash(d) for d in LEAVES]


def test_rfc_9162_2_1_1_empty_tree_root_is_sha256_of_the_empty_string() -> None:
    assert hashlib.sha256(b"").digest() == EMPTY_ROOT
    assert merkle_tree_hash([]) == EMPTY_ROOT
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_rfc_9162_2_1_1_leaf_and_node_hashes_are_domain_separated() -> None:
    # MTH({d0}) = SHA-256(0x00 || d0); with d0 empty that is SHA-256(0x00).
    assert merkle_tree_hash([b""]) == hashlib.sha256(b"\x00").digest() == ROOTS[0]


@pytest.mark.parametrize("size", range(1, 9))
def test_rfc_9162_2_1_1_tree_hash_matches_the_reference_roots(size: int) -> None:
    # Sizes 3, 5, 6, 7 are not powers of two: k is the largest power of two below n.
    assert merkle_tree_hash(LEAVES[:size]) == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION_VECTORS)
def test_rfc_9162_2_1_3_inclusion_proofs_match_the_reference(
    index: int, size: int, path: list[bytes]
) -> None:
    assert list(inclusion_proof(HASHES[:size], index)) == path
    assert verify_inclusion(HASHES[index], index, size, path, ROOTS[size - 1])


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY_VECTORS)
def test_rfc_9162_2_1_4_consistency_proofs_match_the_reference(
    first: int, second: int, path: list[bytes]
) -> None:
    assert list(consistency_proof(HASHES[:second], first)) == path
    assert verify_consistency(first, second, ROOTS[first - 1], ROOTS[second - 1], path)


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(2, "big")) for i in range(n)]


SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def _bad_inclusions(index: int, size: int, path: list[bytes], root: bytes, leaf: bytes):  # type: ignore[no-untyped-def]
    yield index - 1, size, path, root, leaf
    yield index + 1, size, path, root, leaf
    yield index ^ 2, size, path, root, leaf
    yield index, size * 2, path, root, leaf
    yield index, size // 2, path, root, leaf
    yield index, size, path, root, leaf_hash(b"WrongLeaf")
    yield index, size, path, EMPTY_ROOT, leaf
    yield index, size, path, SOME_HASH, leaf
    yield index, size, [*path, root], root, leaf
    yield index, size, [root, *path], root, leaf
    for i in range(len(path)):
        flipped = [*path]
        flipped[i] = bytes([flipped[i][0] ^ 8]) + flipped[i][1:]
        yield index, size, flipped, root, leaf
    if path:
        yield index, size, path[:-1], root, leaf
    if len(path) > 1:
        yield index, size, [path[0], SOME_HASH, *path[1:]], root, leaf


def test_rfc_9162_inclusion_proofs_for_every_leaf_of_every_size_1_to_64() -> None:
    hashes = _leaves(64)
    log = TransparencyLog("test")
    for h in hashes:
        log.append_leaf(h)  # leaves are arbitrary bytes; here the 32-byte hashes themselves
    for size in range(1, 65):
        tree = hashes[:size]
        root = merkle_root(tree)
        assert log.root_hash(size) == merkle_tree_hash(hashes[:size])
        for index in range(size):
            path = list(inclusion_proof(tree, index))
            assert verify_inclusion(tree[index], index, size, path, root), (index, size)
            proof = log.inclusion_proof(index, size)
            assert proof.verify(hashes[index], log.root_hash(size))
            for bad in _bad_inclusions(index, size, path, root, tree[index]):
                if bad[:2] == (index, size) and bad[2] == path and bad[3:] == (root, tree[index]):
                    continue  # e.g. index ^ 2 == index is impossible, but size // 2 == size
                assert not verify_inclusion(bad[4], bad[0], bad[1], bad[2], bad[3]), (
                    index,
                    size,
                )


def test_rfc_9162_consistency_proofs_for_every_pair_of_sizes_up_to_64() -> None:
    hashes = _leaves(64)
    roots = [merkle_root(hashes[:n]) for n in range(65)]
    for second in range(1, 65):
        for first in range(1, second + 1):
            path = list(consistency_proof(hashes[:second], first))
            r1, r2 = roots[first], roots[second]
            assert verify_consistency(first, second, r1, r2, path), (first, second)
            if first == second:
                assert path == []
                continue
            probes = [
                (first - 1, second, r1, r2, path),
                (first + 1, second, r1, r2, path),
                (first ^ 2, second, r1, r2, path),
                (first, second * 2, r1, r2, path),
                (first, second // 2, r1, r2, path),
                (first, second, SOME_HASH, r2, path),
                (first, second, r1, SOME_HASH, path),
                (first, second, r2, r1, path),
                (first, second, r1, r2, []),
                (first, second, r1, r2, [*path, r1]),
                (first, second, r1, r2, [*path, r2]),
                (first, second, r1, r2, [r1, *path]),
                (first, second, r1, r2, [r2, *path]),
                (first, second, r1, r2, [path[0], *path]),
                (first, second, r1, r2, path[:-1]),
            ]
            for i in range(len(path)):
                flipped = [*path]
                flipped[i] = bytes([flipped[i][0] ^ 16]) + flipped[i][1:]
                probes.append((first, second, r1, r2, flipped))
            for probe in probes:
                if probe == (first, second, r1, r2, path):
                    continue
                if probe[0] == probe[1] and probe[2] == probe[3] and not probe[4]:
                    continue  # trivially consistent
                assert not verify_consistency(*probe), (first, second, probe[:2])


def test_trivial_consistency_cases() -> None:
    root = merkle_root(_leaves(3))
    assert verify_consistency(0, 3, EMPTY_ROOT, root, [])
    assert not verify_consistency(0, 3, root, root, [])  # the empty tree has the empty root
    assert not verify_consistency(0, 3, EMPTY_ROOT, root, [EMPTY_ROOT])
    assert verify_consistency(3, 3, root, root, [])
    assert not verify_consistency(3, 3, root, SOME_HASH, [])
    assert not verify_consistency(3, 3, root, root, [root])
    assert not verify_consistency(3, 2, root, root, [])  # time travel to the past
    assert not verify_consistency(2, 3, root, root[:31], [root])  # a hash of the wrong size


def test_inclusion_rejects_out_of_range_and_empty_trees() -> None:
    for index, size in ((0, 0), (1, 0), (1, 1), (2, 1)):
        assert not verify_inclusion(SOME_HASH, index, size, [], SOME_HASH)
    with pytest.raises(InputError):
        inclusion_proof(_leaves(3), 3)
    with pytest.raises(InputError):
        consistency_proof(_leaves(3), 4)


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.binary(max_size=8), min_size=1, max_size=70),
    data=st.data(),
)
def test_proofs_hold_for_arbitrary_leaves(leaves: list[bytes], data: st.DataObject) -> None:
    log = TransparencyLog("hypothesis", leaves)
    n = log.size
    second = data.draw(st.integers(1, n), label="second")
    first = data.draw(st.integers(1, second), label="first")
    index = data.draw(st.integers(0, second - 1), label="index")
    assert log.root_hash(second) == merkle_tree_hash(leaves[:second])
    proof = log.inclusion_proof(index, second)
    assert proof.verify(leaves[index], log.root_hash(second))
    assert not proof.verify(leaves[index] + b"x", log.root_hash(second))
    path = log.consistency_proof(first, second)
    assert verify_consistency(first, second, log.root_hash(first), log.root_hash(second), path)


# --- the same proofs read from stored complete subtrees (ledger_nodes) ----------------------


def _grown_nodes(hashes: list[bytes]) -> dict[tuple[int, int], bytes]:
    """The nodes a store holds after appending ``hashes`` one by one, as the log does."""
    from openskies.services.tree_heads import push_leaf

    nodes: dict[tuple[int, int], bytes] = {}
    frontier: list[bytes] = []
    for size, value in enumerate(hashes):
        nodes.update(appended_nodes(size, value, frontier))
        frontier = push_leaf(frontier, size, value)
    return nodes


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 300), st.data())
def test_node_proofs_equal_the_proofs_over_all_leaves(n: int, data: st.DataObject) -> None:
    hashes = [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    nodes = _grown_nodes(hashes)
    assert nodes == complete_nodes(hashes)  # appends write exactly the complete subtrees
    size = data.draw(st.integers(1, n), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    first = data.draw(st.integers(0, size), label="first")
    root = merkle_root(hashes[:size])

    def inclusion(t: MerkleTree) -> tuple[bytes, ...]:
        return tuple(t.path(index, 0, size))

    def consistency(t: MerkleTree) -> tuple[bytes, ...]:
        return () if first in (0, size) else tuple(t.subproof(first, 0, size, True))

    wanted = NodeTree.needed(inclusion) | NodeTree.needed(consistency)
    assert len(wanted) <= 4 * size.bit_length()  # O(log n) nodes read
    tree = NodeTree.of({k: nodes[k] for k in wanted | NodeTree.needed(lambda t: t.mth(0, size))})
    assert tree.mth(0, size) == root
    path = inclusion(tree)
    assert path == inclusion_proof(hashes[:size], index)
    assert verify_inclusion(hashes[index], index, size, path, root)
    proof = consistency(tree)
    assert proof == consistency_proof(hashes[:size], first)
    assert verify_consistency(first, size, merkle_root(hashes[:first]), root, proof)
