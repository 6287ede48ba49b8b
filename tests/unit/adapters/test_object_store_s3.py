"""S3ObjectStore against moto's mock of S3 (skipped where boto3 or moto is not installed)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

boto3 = pytest.importorskip("boto3", reason="S3ObjectStore needs boto3, not installed here")
moto = pytest.importorskip("moto", reason="the S3 tests need moto's mock_aws, not installed here")

from openskies.adapters.object_store import S3ObjectStore  # noqa: E402
from openskies.custody import (  # noqa: E402
    IntegrityError,
    ObjectNotFoundError,
    verify_store,
)
from openskies.errors import InputError  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
BUCKET = "openskies-test"
MIB = 1024 * 1024


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client


def test_small_objects_are_put_under_their_sha256(s3: Any) -> None:
    store = S3ObjectStore(BUCKET, prefix="custody", client=s3)
    sha, size = store.put_stream([b"original ", b"negative"])
    assert (sha, size) == (hashlib.sha256(b"original negative").hexdigest(), 17)
    assert s3.head_object(Bucket=BUCKET, Key=f"custody/objects/{sha[:2]}/{sha[2:]}")
    assert store.exists(sha) and store.size(sha) == 17
    with store.open(sha) as stream:
        assert stream.read() == b"original negative"
    assert list(store.iter_objects()) == [sha]


def test_large_objects_stream_as_multipart_then_take_their_name(s3: Any) -> None:
    store = S3ObjectStore(BUCKET, client=s3, part_size=5 * MIB)
    piece = bytes(range(256)) * 4096  # 1 MiB
    sha, size = store.put_stream(piece for _ in range(11))  # 11 MiB: parts of 5, 5 and 1 MiB
    assert size == 11 * MIB
    assert sha == hashlib.sha256(piece * 11).hexdigest()
    assert list(store.iter_objects()) == [sha]
    assert store.cleanup_partial() == ()  # the partial object was removed after the copy
    report = verify_store(store)
    assert report.ok and report.bytes_checked == 11 * MIB


def test_an_interrupted_multipart_upload_is_aborted_and_cleanup_finds_leftovers(s3: Any) -> None:
    store = S3ObjectStore(BUCKET, client=s3, part_size=5 * MIB)

    def dies() -> Iterator[bytes]:
        yield b"x" * (6 * MIB)
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        store.put_stream(dies())
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    # A process killed mid-upload leaves an incomplete multipart upload behind.
    s3.create_multipart_upload(Bucket=BUCKET, Key="partial/killed")
    assert store.cleanup_partial() == ("partial/killed",)
    assert list(store.iter_objects()) == []


def test_corrupt_and_missing_objects(s3: Any) -> None:
    store = S3ObjectStore(BUCKET, client=s3)
    sha, _ = store.put_stream([b"roll 1"])
    s3.put_object(Bucket=BUCKET, Key=f"objects/{sha[:2]}/{sha[2:]}", Body=b"roll 2")
    with store.open(sha) as stream, pytest.raises(IntegrityError):
        stream.read()
    assert verify_store(store).corrupt == (sha,)
    absent = "0" * 64
    assert not store.exists(absent)
    for action in (store.open, store.size, store.delete):
        with pytest.raises(ObjectNotFoundError):
            action(absent)
    store.delete(sha)
    assert not store.exists(sha)


def test_part_size_below_s3s_minimum_is_refused(s3: Any) -> None:
    with pytest.raises(InputError, match="part_size"):
        S3ObjectStore(BUCKET, client=s3, part_size=MIB)
