"""Content-addressed storage of sensor data: an object's name is the SHA-256 of its bytes.

``ObjectStore`` is the port; ``LocalObjectStore`` (a directory) and ``S3ObjectStore`` (an S3
bucket, through boto3, imported only when used) are the adapters. Every store streams: an
upload is hashed while it is written and a read is hashed while it is read, so no object is
ever held in memory whole, and a read that does not hash to the object's name raises
``IntegrityError`` at its end. ``verify_store`` re-hashes every object.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from openskies.custody.errors import IntegrityError, MissingDependencyError, ObjectNotFoundError
from openskies.errors import InputError

__all__ = [
    "LocalObjectStore",
    "ObjectStore",
    "S3ObjectStore",
    "StoreReport",
    "VerifyingReader",
    "verify_store",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")
CHUNK_SIZE = 1024 * 1024
PARTIAL_PREFIX = ".partial-"


def _check_sha256(sha256: str) -> str:
    """The name, if it is 64 lowercase hex digits (so it can never escape the store)."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InputError(f"sha256: {sha256!r} is not 64 lowercase hex digits")
    return sha256


class ObjectStore(Protocol):
    """A store of immutable objects named by the SHA-256 of their content."""

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store the bytes of ``chunks``; returns (sha256 hex, size in bytes)."""
        ...

    def open(self, sha256: str) -> BinaryIO:
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


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be fsynced elsewhere
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _as_bytes(chunk: Any) -> bytes | bytearray | memoryview:
    if not isinstance(chunk, bytes | bytearray | memoryview):
        raise InputError(f"upload: chunks must be bytes, not {type(chunk).__name__}")
    return chunk


class LocalObjectStore:
    """Objects as files ``<root>/objects/ab/cdef...`` (first two hex digits, then the rest).

    An upload streams into ``<root>/objects/.partial-*`` while it is hashed, is fsynced,
    made read-only and renamed atomically to its name, and the directory is fsynced: after
    ``put_stream`` returns, the object survives a crash; before, it is not visible at all.
    A process killed mid-upload leaves only a partial file, which ``cleanup_partial``
    removes.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.objects = self.root / "objects"
        self.objects.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the object ``sha256`` lives."""
        _check_sha256(sha256)
        return self.objects / sha256[:2] / sha256[2:]

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store the bytes of ``chunks``; returns (sha256 hex, size)."""
        fd, tmp_name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=self.objects)
        tmp = Path(tmp_name)
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    data = _as_bytes(chunk)
                    out.write(data)
                    digest.update(data)
                    size += len(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o444)
            sha256 = digest.hexdigest()
            final = self.path_of(sha256)
            if not final.parent.is_dir():
                final.parent.mkdir(exist_ok=True)
                _fsync_dir(self.objects)
            # Replacing an existing copy is harmless (same bytes) and heals a corrupt one.
            os.replace(tmp, final)
            _fsync_dir(final.parent)
            return sha256, size
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise

    def open(self, sha256: str) -> BinaryIO:
        """A verifying stream of the object."""
        path = self.path_of(sha256)
        try:
            source = path.open("rb")
        except FileNotFoundError:
            raise ObjectNotFoundError(sha256) from None
        return VerifyingReader(source, sha256)  # type: ignore[return-value]

    def exists(self, sha256: str) -> bool:
        """True when the object is stored."""
        return self.path_of(sha256).is_file()

    def size(self, sha256: str) -> int:
        """The object's size in bytes."""
        try:
            return self.path_of(sha256).stat().st_size
        except FileNotFoundError:
            raise ObjectNotFoundError(sha256) from None

    def delete(self, sha256: str) -> None:
        """Remove the object (custody records its deletion; this only removes the bytes)."""
        path = self.path_of(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            raise ObjectNotFoundError(sha256) from None
        _fsync_dir(path.parent)

    def iter_objects(self) -> Iterator[str]:
        """The names of all stored objects, in order."""
        for sub in sorted(self.objects.iterdir()):
            if not (sub.is_dir() and len(sub.name) == 2):
                continue
            for item in sorted(sub.iterdir()):
                name = sub.name + item.name
                if _SHA256.fullmatch(name) and item.is_file():
                    yield name

    def partial_files(self) -> tuple[Path, ...]:
        """Files of uploads that have not finished (or never will)."""
        return tuple(sorted(self.objects.glob(f"{PARTIAL_PREFIX}*")))

    def cleanup_partial(self, older_than: datetime | None = None) -> tuple[Path, ...]:
        """Remove partial uploads (last written before ``older_than``, if given); returns them.

        Without ``older_than`` every partial file goes: call it so only when no upload runs
        (at start-up). With it, uploads still being written are left alone.
        """
        removed = []
        for path in self.partial_files():
            if older_than is not None:
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                if written >= older_than:
                    continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
        return tuple(removed)


class S3ObjectStore:
    """Objects in an S3 bucket under ``<prefix>objects/ab/cdef...``, through boto3.

    Uploads smaller than ``part_size`` are hashed in memory and written in one PUT under
    their name. Larger ones stream as a multipart upload to ``<prefix>partial/<uuid>``
    (at most ``part_size`` bytes in memory), then are copied to their name and the partial
    object deleted; an interrupted upload leaves a partial object or an incomplete multipart
    upload, which ``cleanup_partial`` removes.
    """

    MIN_PART_SIZE = 5 * 1024 * 1024  # S3's minimum for every part but the last

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: Any = None,
        part_size: int = 8 * 1024 * 1024,
    ) -> None:
        if part_size < self.MIN_PART_SIZE:
            raise InputError(f"part_size: at least {self.MIN_PART_SIZE} bytes (S3's minimum)")
        if client is None:
            try:
                import boto3
            except ImportError:
                raise MissingDependencyError("boto3", "S3 object storage") from None
            client = boto3.client("s3")
        self.client = client
        self.bucket = bucket
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""
        self.part_size = part_size

    def _key(self, sha256: str) -> str:
        _check_sha256(sha256)
        return f"{self.prefix}objects/{sha256[:2]}/{sha256[2:]}"

    @property
    def _partial_prefix(self) -> str:
        return f"{self.prefix}partial/"

    def put_stream(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store the bytes of ``chunks``; returns (sha256 hex, size)."""
        digest = hashlib.sha256()
        size = 0
        buffer = bytearray()
        iterator = iter(chunks)
        for chunk in iterator:
            data = _as_bytes(chunk)
            buffer += data
            digest.update(data)
            size += len(data)
            if len(buffer) >= self.part_size:
                break
        else:
            sha256 = digest.hexdigest()
            self.client.put_object(Bucket=self.bucket, Key=self._key(sha256), Body=bytes(buffer))
            return sha256, size
        return self._put_multipart(iterator, buffer, digest, size)

    def _put_multipart(
        self, iterator: Iterator[bytes], buffer: bytearray, digest: Any, size: int
    ) -> tuple[str, int]:
        tmp_key = f"{self._partial_prefix}{uuid.uuid4().hex}"
        upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=tmp_key)["UploadId"]
        parts: list[dict[str, Any]] = []

        def send(data: bytes) -> None:
            number = len(parts) + 1
            answer = self.client.upload_part(
                Bucket=self.bucket, Key=tmp_key, UploadId=upload_id, PartNumber=number, Body=data
            )
            parts.append({"ETag": answer["ETag"], "PartNumber": number})

        try:
            while True:
                while len(buffer) >= self.part_size:
                    send(bytes(buffer[: self.part_size]))
                    del buffer[: self.part_size]
                chunk = next(iterator, None)
                if chunk is None:
                    break
                data = _as_bytes(chunk)
                buffer += data
                digest.update(data)
                size += len(data)
            if buffer:
                send(bytes(buffer))
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=tmp_key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            with contextlib.suppress(Exception):
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=tmp_key, UploadId=upload_id
                )
            raise
        sha256 = digest.hexdigest()
        try:
            self.client.copy(
                {"Bucket": self.bucket, "Key": tmp_key}, self.bucket, self._key(sha256)
            )
        finally:
            self.client.delete_object(Bucket=self.bucket, Key=tmp_key)
        return sha256, size

    @staticmethod
    def _missing(error: Exception) -> bool:
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        return code in ("404", "NoSuchKey", "NotFound")

    def open(self, sha256: str) -> BinaryIO:
        """A verifying stream of the object."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except Exception as error:
            if self._missing(error):
                raise ObjectNotFoundError(sha256) from None
            raise
        return VerifyingReader(answer["Body"], sha256)  # type: ignore[return-value]

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self._key(sha256)))
        except Exception as error:
            if self._missing(error):
                return None
            raise

    def exists(self, sha256: str) -> bool:
        """True when the object is stored."""
        return self._head(sha256) is not None

    def size(self, sha256: str) -> int:
        """The object's size in bytes."""
        head = self._head(sha256)
        if head is None:
            raise ObjectNotFoundError(sha256)
        return int(head["ContentLength"])

    def delete(self, sha256: str) -> None:
        """Remove the object."""
        if not self.exists(sha256):
            raise ObjectNotFoundError(sha256)
        self.client.delete_object(Bucket=self.bucket, Key=self._key(sha256))

    def iter_objects(self) -> Iterator[str]:
        """The names of all stored objects."""
        prefix = f"{self.prefix}objects/"
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                parts = item["Key"][len(prefix) :].split("/")
                name = "".join(parts)
                if len(parts) == 2 and len(parts[0]) == 2 and _SHA256.fullmatch(name):
                    yield name

    def cleanup_partial(self, older_than: datetime | None = None) -> tuple[str, ...]:
        """Remove partial objects and abort incomplete multipart uploads; returns their keys."""
        removed: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self._partial_prefix):
            for item in page.get("Contents", []):
                if older_than is None or item["LastModified"] < older_than:
                    self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                    removed.append(item["Key"])
        uploads = self.client.list_multipart_uploads(
            Bucket=self.bucket, Prefix=self._partial_prefix
        )
        for upload in uploads.get("Uploads", []):
            if older_than is None or upload["Initiated"] < older_than:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                )
                removed.append(upload["Key"])
        return tuple(removed)


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
