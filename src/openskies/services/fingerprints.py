"""Copies that name their recipient: the fingerprinted copy made at each delivery, and the
trace of a leaked copy back to its delivery.

At delivery of a duplicate (Art. IX §II ¶6(B), §III ¶2) or a copy (Art. IX §IV ¶1) of an
image, the original is read (never written) and a copy carrying the delivery's Tardos
codeword is stored beside it, content-addressed; the ledger entry of the delivery commits to
the copy's SHA-256 and to the code (a SHA-256 of scheme, parameters, key and seed). The code
key and the seeds are secrets of the custodian, kept in the database, so that only it can
trace. Data that are not an 8- or 16-bit TIFF, PNG or JPEG (SAR phase data, unknown
formats) are delivered unchanged, and the ledger entry says so and why.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.images import ImageFile, Unsupported, open_image, read_grey
from openskies.adapters.orm import FingerprintKeyRow, FingerprintRow
from openskies.custody import ObjectStore, canonical_json
from openskies.custody.fingerprint import (
    SCHEME,
    Carrier,
    Delivery,
    FingerprintParams,
    RegistrationError,
    code_of,
    embed_strips,
    image_scale,
    preview,
    register,
    trace,
)
from openskies.errors import InputError

__all__ = ["OFF_REASON", "Fingerprints", "carrier_of", "commitment"]

OFF_REASON = "fingerprinting is off in this deployment (OPENSKIES_FINGERPRINT=off)"
CHUNK = 1 << 20


def commitment(doc: dict[str, Any]) -> str:
    """SHA-256 of what was embedded: reveal ``doc`` and anyone can check the ledger entry."""
    return hashlib.sha256(b"openskies-fingerprint\x00" + canonical_json(doc)).hexdigest()


def carrier_of(key: bytes, params: dict[str, Any]) -> Carrier:
    """The carrier a delivery's record describes."""
    return Carrier(
        key,
        int(params["height"]),
        int(params["width"]),
        params["scale_micro"] / 1e6,
        FingerprintParams.from_json(params),
    )


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@dataclass
class Fingerprints:
    """Makes each delivery's copy and traces leaked ones; ``enabled`` is the deployment's
    setting (``OPENSKIES_FINGERPRINT``, on by default)."""

    store: ObjectStore
    enabled: bool = True
    params: FingerprintParams = field(default_factory=FingerprintParams)

    @contextlib.contextmanager
    def _original(self, sha256: str) -> Iterator[Path]:
        """A path to the original's bytes: the store's own file, or a temporary spool."""
        path_of = getattr(self.store, "path_of", None)
        if path_of is not None:
            yield Path(path_of(sha256))
            return
        with tempfile.TemporaryDirectory(prefix="openskies-") as tmp:
            spool = Path(tmp) / "original"
            with self.store.open(sha256) as reader, spool.open("wb") as out:
                shutil.copyfileobj(reader, out, CHUNK)
            yield spool

    def _key(self, session: Session, sha256: str, now: datetime) -> bytes:
        row = session.get(FingerprintKeyRow, sha256)
        if row is None:
            row = FingerprintKeyRow(object_sha256=sha256, key=secrets.token_hex(32), created_at=now)
            session.add(row)
            session.flush()
        return bytes.fromhex(row.key)

    def deliver(
        self, session: Session, sha256: str, recipient: str, now: datetime
    ) -> dict[str, Any]:
        """Make and store ``recipient``'s copy of object ``sha256``; the ledger details."""
        delivery_id = secrets.token_hex(16)
        seed = secrets.token_bytes(32)
        base = {"delivery_id": delivery_id, "scheme": SCHEME}
        if not self.enabled:
            return self._unchanged(session, base, sha256, recipient, seed, OFF_REASON, now)
        with self._original(sha256) as path:
            try:
                image = open_image(path)
            except Unsupported as why:
                return self._unchanged(session, base, sha256, recipient, seed, str(why), now)
            with image:
                key = self._key(session, sha256, now)
                carrier = Carrier(key, image.height, image.width, image_scale(image), self.params)
                copy_sha256, size = self._write(image, carrier, code_of(carrier).codeword(seed))
        params = {
            **self.params.as_json(),
            "height": carrier.height,
            "width": carrier.width,
            "length": carrier.length,
            "scale_micro": round(carrier.scale * 1e6),
            "key_id": carrier.key_id(),
        }
        commit = commitment(
            {
                **base,
                "params": params,
                "key": key.hex(),
                "seed": seed.hex(),
                "object_sha256": sha256,
                "recipient": recipient,
            }
        )
        session.add(
            FingerprintRow(
                delivery_id=delivery_id,
                object_sha256=sha256,
                recipient=recipient,
                status="fingerprinted",
                copy_sha256=copy_sha256,
                copy_size=size,
                scheme=SCHEME,
                params=params,
                seed=seed.hex(),
                commitment=commit,
                created_at=now,
            )
        )
        return {
            **base,
            "status": "fingerprinted",
            "code_commitment": commit,
            "key_id": carrier.key_id(),
            "copy_sha256": copy_sha256,
            "copy_size": size,
        }

    def _write(self, image: ImageFile, carrier: Carrier, bits: Any) -> tuple[str, int]:
        with tempfile.TemporaryDirectory(prefix="openskies-") as tmp:
            out = Path(tmp) / f"copy.{image.format.value}"
            image.write_copy(embed_strips(image, carrier, bits), out)
            return self.store.put_stream(_chunks(out))

    def _unchanged(
        self,
        session: Session,
        base: dict[str, Any],
        sha256: str,
        recipient: str,
        seed: bytes,
        reason: str,
        now: datetime,
    ) -> dict[str, Any]:
        session.add(
            FingerprintRow(
                delivery_id=base["delivery_id"],
                object_sha256=sha256,
                recipient=recipient,
                status="unchanged",
                reason=reason,
                scheme=SCHEME,
                params={},
                seed=seed.hex(),
                commitment=commitment({**base, "reason": reason, "object_sha256": sha256}),
                created_at=now,
            )
        )
        return {**base, "status": "unchanged", "reason": reason}

    @staticmethod
    def recorded(session: Session, delivery_id: str, ledger_index: int) -> None:
        """Note the ledger entry that committed to the delivery."""
        row = session.get(FingerprintRow, delivery_id)
        if row is not None:
            row.ledger_index = ledger_index

    @staticmethod
    def prepared(session: Session, delivery_id: str, sha256: str, recipient: str) -> dict[str, Any]:
        """The ledger details of a copy made for ``recipient`` and not yet delivered (what
        ``deliver`` returned), for the observing Party to sign; ``InputError`` otherwise."""
        row = session.get(FingerprintRow, delivery_id)
        if row is None or row.object_sha256 != sha256 or row.recipient != recipient:
            raise InputError(
                f"event.details.fingerprint.delivery_id: {delivery_id!r} is no copy of this "
                f"object prepared for {recipient}"
            )
        if row.ledger_index is not None:
            raise InputError(f"event.details.fingerprint: delivery {delivery_id} was logged")
        base = {"delivery_id": row.delivery_id, "scheme": row.scheme, "status": row.status}
        if row.status != "fingerprinted":
            return {**base, "reason": row.reason}
        return {
            **base,
            "code_commitment": row.commitment,
            "key_id": row.params["key_id"],
            "copy_sha256": row.copy_sha256,
            "copy_size": row.copy_size,
        }

    @staticmethod
    def copy_for(session: Session, sha256: str, party: str) -> tuple[str, int] | None:
        """The latest fingerprinted copy of object ``sha256`` delivered to ``party``."""
        row = (
            session.execute(
                select(FingerprintRow)
                .where(
                    FingerprintRow.object_sha256 == sha256,
                    FingerprintRow.recipient == party,
                    FingerprintRow.status == "fingerprinted",
                    FingerprintRow.ledger_index.is_not(None),  # delivered, not just prepared
                )
                .order_by(FingerprintRow.created_at.desc(), FingerprintRow.delivery_id)
            )
            .scalars()
            .first()
        )
        if row is None or row.copy_sha256 is None or row.copy_size is None:
            return None
        return row.copy_sha256, row.copy_size

    @staticmethod
    def copies(session: Session) -> list[str]:
        """Every stored copy (for ``openskies data verify``)."""
        rows = session.execute(
            select(FingerprintRow.copy_sha256).where(FingerprintRow.copy_sha256.is_not(None))
        )
        return [sha for sha in rows.scalars().all() if sha]

    def trace_file(
        self, sessions: sessionmaker[Session], suspect: Path, object_sha256: str | None = None
    ) -> dict[str, Any]:
        """Name the delivery a leaked copy came from (``openskies data trace``)."""
        with sessions() as session:
            query = select(FingerprintRow).where(FingerprintRow.status == "fingerprinted")
            if object_sha256:
                query = query.where(FingerprintRow.object_sha256 == object_sha256)
            rows = session.execute(query).scalars().all()
            keys = {
                r.object_sha256: bytes.fromhex(r.key)
                for r in session.execute(select(FingerprintKeyRow)).scalars().all()
            }
        by_object: dict[str, list[FingerprintRow]] = {}
        for row in rows:
            by_object.setdefault(row.object_sha256, []).append(row)
        if not by_object:
            return _undecided(
                "no fingerprinted delivery" + (f" of {object_sha256}" if object_sha256 else "")
            )
        grey = read_grey(suspect)
        best: tuple[int, str, Any] | None = None
        problems = []
        for sha256 in sorted(by_object):
            with self._original(sha256) as path, open_image(path) as image:
                try:
                    found = register(image, grey, preview(image))
                except RegistrationError as why:
                    problems.append(f"{sha256[:12]}: {why}")
                    continue
            if best is None or found.inliers > best[0]:
                best = (found.inliers, sha256, found)
        if best is None:
            return _undecided("the suspect matches no original: " + "; ".join(problems))
        _, sha256, found = best
        deliveries = [
            Delivery(r.delivery_id, r.recipient, bytes.fromhex(r.seed), r.ledger_index)
            for r in by_object[sha256]
        ]
        first = by_object[sha256][0]
        with self._original(sha256) as path, open_image(path) as image:
            result = trace(image, carrier_of(keys[sha256], first.params), deliveries, grey, found)
        return {**result.as_json(), "object_sha256": sha256}


def _undecided(reason: str) -> dict[str, Any]:
    return {
        "recipient": None,
        "delivery_id": None,
        "ledger_index": None,
        "score": None,
        "threshold": None,
        "decided": False,
        "notes": [reason],
    }
