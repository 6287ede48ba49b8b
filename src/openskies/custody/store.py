"""Content-addressed storage of sensor data: an object's name is the SHA-256 of its bytes.

``ObjectStore`` is the port; the adapters (a directory, an S3 bucket) live in
``openskies.adapters.object_store``. Every store streams: an upload is hashed while it is
written and a read is hashed while it is read (``VerifyingReader``), so no object is ever
held in memory whole, and a read that does not hash to the object's name raises
``IntegrityError`` at its end. ``verify_store`` re-hashes every object.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from openskies.custody.errors import IntegrityError, ObjectNotFoundError
from openskies.errors import InputError

__all__ = [
    "CHUNK_SIZE",
    "SHA256_NAME",
    "ObjectStore",
    "StoreReport",
    "VerifyingReader",
    "as_bytes",
    "check_sha256",
    "verify_store",
]

SHA256_NAME = re.compile(r"[0-9a-f]{64}")
CHUNK_SIZE = 1024 * 1024


def check_sha256(sha256: str) -> str:
    """The name, if it is 64 lowercase hex digits (so it can never escape the store)."""
    if not isinstance(sha256, str) or not SHA256_NAME.fullmatch(sha256):
        raise InputError(f"sha256: {sha256!r} is not 64 lowercase hex digits")
    return sha256


def as_bytes(chunk: Any) -> bytes | bytearray | memoryview:
    """``chunk`` if it is bytes-like; an ``InputError`` naming the upload otherwise."""
    if not isinstance(chunk, bytes | bytearray | memoryview):
        raise InputError(f"upload: chunks must be bytes, not {type(chunk).__name__}")
    return chunk


class ObjectStore(Protocol):
    """A store of immutable objects named by the SHA-256 of their content."""

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store the bytes of ``chunks``; returns (sha256 hex, size in bytes)."""
        ...

    def open(self, sha256: str) -> VerifyingReader:
        """A binary stream of the object that raises ``IntegrityError`` at its end on mismatch."""
        ...

    def exists(self, sha256: str) -> bool:
        """True when the object is stored."""
        ...

    def size(self, sha256: str) -> int:
        """The object's size in bytes; ``ObjectNotFoundError`` if absent."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the object; ``ObjectNotFoundError`` if absent."""
        ...

    def iter_objects(self) -> Iterator[str]:
        """The SHA-256 names of all stored objects."""
        ...


class VerifyingReader(io.RawIOBase):
    """A read-only stream that hashes what it reads and checks the hash at the end.

    The check happens when the end of the data is reached: ``read()`` to the end, or a
    ``read(n)`` that returns nothing, raises ``IntegrityError`` if the bytes do not hash
    to ``expected_sha256``. Bytes handed out before the end are not yet verified; a
    consumer that must not act on unverified data reads to the end first.
    """

    def __init__(self, source: Any, expected_sha256: str) -> None:
        super().__init__()
        self._source = source
        self.expected_sha256 = expected_sha256
        self._digest = hashlib.sha256()
        self.bytes_read = 0
        self._done = False
        self._error: IntegrityError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._error is not None:
            raise self._error
        if self._done:
            return 0
        view = memoryview(buffer).cast("B")
        data = self._source.read(len(view))
        if not data:
            self._done = True
            actual = self._digest.hexdigest()
            if actual != self.expected_sha256:
                self._error = IntegrityError(self.expected_sha256, actual, self.bytes_read)
                raise self._error
            return 0
        n = len(data)
        view[:n] = data
        self._digest.update(data)
        self.bytes_read += n
        return n

    @property
    def verified(self) -> bool:
        """True once the whole object has been read and its hash matched."""
        return self._done and self._error is None

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._source.close()
        super().close()


@dataclass(frozen=True)
class StoreReport:
    """What ``verify_store`` found: objects checked, bytes read, corrupt and missing ones."""

    checked: int
    bytes_checked: int
    corrupt: tuple[str, ...]
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no object is corrupt or missing."""
        return not self.corrupt and not self.missing

    def as_json(self) -> dict[str, Any]:
        """The report as a JSON object."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "bytes_checked": self.bytes_checked,
            "corrupt": list(self.corrupt),
            "missing": list(self.missing),
            "unexpected": list(self.unexpected),
        }


def verify_store(store: ObjectStore, expected: Iterable[str] | None = None) -> StoreReport:
    """Re-hash every stored object; list the corrupt ones and, given ``expected`` (e.g. the
    objects the custody log names), the missing ones and the ones nobody expects.
    """
    present: list[str] = []
    corrupt: list[str] = []
    total = 0
    for sha256 in store.iter_objects():
        present.append(sha256)
        try:
            with store.open(sha256) as stream:
                while chunk := stream.read(CHUNK_SIZE):
                    total += len(chunk)
        except IntegrityError:
            corrupt.append(sha256)
        except ObjectNotFoundError:  # deleted while we looked
            present.pop()
    if expected is None:
        return StoreReport(len(present), total, tuple(corrupt), (), ())
    wanted = set(expected)
    have = set(present)
    return StoreReport(
        checked=len(present),
        bytes_checked=total,
        corrupt=tuple(corrupt),
        missing=tuple(sorted(wanted - have)),
        unexpected=tuple(sorted(have - wanted)),
    )
