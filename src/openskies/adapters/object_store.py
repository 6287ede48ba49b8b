"""Object stores (adapters of ``openskies.custody.ObjectStore``): a directory or an S3 bucket.

``LocalObjectStore`` keeps objects as files, ``S3ObjectStore`` in a bucket through boto3
(imported only when used); ``make_object_store`` picks one from a location string.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openskies.custody import ObjectStore
from openskies.custody.errors import MissingDependencyError, ObjectNotFoundError
from openskies.custody.store import SHA256_NAME, VerifyingReader, as_bytes, check_sha256
from openskies.errors import InputError

__all__ = ["PARTIAL_PREFIX", "LocalObjectStore", "S3ObjectStore", "make_object_store"]

PARTIAL_PREFIX = ".partial-"


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover - directories cannot be fsynced elsewhere
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        check_sha256(sha256)
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
                    data = as_bytes(chunk)
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

    def open(self, sha256: str) -> VerifyingReader:
        """A verifying stream of the object."""
        path = self.path_of(sha256)
        try:
            source = path.open("rb")
        except FileNotFoundError:
            raise ObjectNotFoundError(sha256) from None
        return VerifyingReader(source, sha256)

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
                if SHA256_NAME.fullmatch(name) and item.is_file():
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
        check_sha256(sha256)
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
            data = as_bytes(chunk)
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
                data = as_bytes(chunk)
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

    def open(self, sha256: str) -> VerifyingReader:
        """A verifying stream of the object."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except Exception as error:
            if self._missing(error):
                raise ObjectNotFoundError(sha256) from None
            raise
        return VerifyingReader(answer["Body"], sha256)

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
                if len(parts) == 2 and len(parts[0]) == 2 and SHA256_NAME.fullmatch(name):
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


def make_object_store(location: str) -> ObjectStore:
    """The store at ``location``: ``s3://bucket/prefix`` or a directory. Partial uploads left
    by a crash are removed here, at start-up."""
    store: LocalObjectStore | S3ObjectStore
    if location.startswith("s3://"):
        bucket, _, prefix = location[5:].partition("/")
        store = S3ObjectStore(bucket, prefix)
    else:
        store = LocalObjectStore(location)
    store.cleanup_partial()
    return store
