"""LocalObjectStore: streamed, hashed, fsynced, atomically named; reads verified; verify_store."""

from __future__ import annotations

import hashlib
import os
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from openskies.adapters.object_store import LocalObjectStore
from openskies.custody import (
    IntegrityError,
    ObjectNotFoundError,
    verify_store,
)
from openskies.errors import InputError


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """``total`` bytes of a repeating pattern, in chunks."""
    pattern = bytes(range(256)) * (size // 256)
    sent = 0
    while sent < total:
        piece = pattern[: min(size, total - sent)]
        sent += len(piece)
        yield piece


def test_put_stream_names_the_object_by_its_sha256(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    data = b"".join(chunks(300_000))
    sha, size = store.put_stream(chunks(300_000))
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), 300_000)
    assert store.path_of(sha) == tmp_path / "objects" / sha[:2] / sha[2:]
    assert store.exists(sha) and store.size(sha) == size
    with store.open(sha) as stream:
        assert stream.read() == data
    assert list(store.iter_objects()) == [sha]
    assert store.partial_files() == ()
    assert not os.access(store.path_of(sha), os.W_OK) or os.geteuid() == 0  # read-only file


def test_the_empty_object_is_an_object_too(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    sha, size = store.put_stream([b""])
    assert size == 0 and sha == hashlib.sha256(b"").hexdigest() and store.exists(sha)


def test_the_same_bytes_are_stored_once(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    first = store.put_stream([b"abc"])
    assert store.put_stream([b"a", b"bc"]) == first
    assert len(list(store.iter_objects())) == 1


def test_uploads_are_never_held_in_memory_whole(tmp_path: Path) -> None:
    # 32 MiB streamed in 1 MiB chunks: the peak of Python allocations stays a few chunks.
    store = LocalObjectStore(tmp_path)
    total = 32 * 1024 * 1024
    tracemalloc.start()
    try:
        sha, size = store.put_stream(chunks(total, 1024 * 1024))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size == total == store.path_of(sha).stat().st_size
    assert peak < 8 * 1024 * 1024, peak


def test_an_interrupted_upload_leaves_only_a_partial_file_that_cleanup_removes(
    tmp_path: Path,
) -> None:
    store = LocalObjectStore(tmp_path)

    def dies() -> Iterator[bytes]:
        yield b"first half"
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        store.put_stream(dies())
    assert store.partial_files() == ()  # an exception in the process cleans up itself
    assert list(store.iter_objects()) == []
    # A process killed mid-upload (simulated: a partial file nobody will finish).
    orphan = tmp_path / "objects" / ".partial-killed"
    orphan.write_bytes(b"half")
    assert store.partial_files() == (orphan,)
    assert list(store.iter_objects()) == []
    written = datetime.fromtimestamp(orphan.stat().st_mtime, UTC)
    assert store.cleanup_partial(older_than=written) == ()  # still "being written": kept
    assert store.cleanup_partial(older_than=written + timedelta(seconds=1)) == (orphan,)
    assert not orphan.exists()


def test_a_read_of_corrupt_bytes_raises_at_the_end(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    sha, _ = store.put_stream([b"original negative, roll 1"])
    path = store.path_of(sha)
    path.chmod(0o644)
    path.write_bytes(b"original negative, roll 2")
    with store.open(sha) as stream:
        assert stream.read(9) == b"original "  # not yet verified
        with pytest.raises(IntegrityError, match=f"object {sha}: its 25 bytes hash to"):
            stream.read()
        with pytest.raises(IntegrityError):
            stream.read()  # and it stays refused
    with store.open(sha) as stream:
        chunks = iter(lambda: stream.read(4), b"")
        with pytest.raises(IntegrityError):
            list(chunks)


def test_a_good_read_is_marked_verified(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    sha, _ = store.put_stream([b"x" * 10])
    stream = store.open(sha)
    assert stream.read(10) == b"x" * 10
    assert not stream.verified  # type: ignore[attr-defined]
    assert stream.read(1) == b""
    assert stream.verified  # type: ignore[attr-defined]
    stream.close()


def test_names_that_are_not_sha256_are_refused(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    for bad in ("../../etc/passwd", "A" * 64, "ab", ""):
        with pytest.raises(InputError, match="sha256"):
            store.open(bad)
    with pytest.raises(InputError, match="chunks must be bytes"):
        store.put_stream(["text"])  # type: ignore[list-item]
    assert store.partial_files() == ()


def test_missing_objects(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    absent = "0" * 64
    assert not store.exists(absent)
    for action in (store.open, store.size, store.delete):
        with pytest.raises(ObjectNotFoundError):
            action(absent)
    sha, _ = store.put_stream([b"to be deleted"])
    store.delete(sha)
    assert not store.exists(sha)


def test_verify_store_lists_corrupt_missing_and_unexpected_objects(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    good, _ = store.put_stream([b"good"])
    bad, _ = store.put_stream([b"bad"])
    stray, _ = store.put_stream([b"stray"])
    store.path_of(bad).chmod(0o644)
    store.path_of(bad).write_bytes(b"BAD")
    lost = hashlib.sha256(b"lost").hexdigest()
    report = verify_store(store, expected=[good, bad, lost])
    assert (report.checked, report.corrupt, report.missing, report.unexpected) == (
        3,
        (bad,),
        (lost,),
        (stray,),
    )
    assert not report.ok
    assert report.as_json()["bytes_checked"] == 4 + 3 + 5
    assert verify_store(store).corrupt == (bad,)
    store.put_stream([b"bad"])  # uploading the right bytes again heals the copy
    assert verify_store(store).ok
