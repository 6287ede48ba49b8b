"""A delegation's custody client: it builds each event, signs it with the delegation's own
key on this machine, and sends it with the action to the server (which only checks it).

Used by ``openskies data …``, ``openskies keys …`` and ``openskies ledger witness``; the web
app does the same in web/src/custody.js. ``http`` is any httpx-style client with the server's
base URL and the token (a ``TestClient`` in tests).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import httpx2 as httpx

from openskies.custody import (
    CustodyEvent,
    Ed25519Signer,
    SignedEvent,
    delivery_event,
    download_event,
    ingest_event,
    key_registered_event,
    key_revoked_event,
    request_event,
    sign_event,
)
from openskies.errors import InputError

__all__ = ["CHUNK", "CustodyClient", "ServerError", "http_client", "read_key", "write_key"]

CHUNK = 1 << 20


class ServerError(InputError):
    """The server refused a request; the message is its problem detail."""


def http_client(server: str, token: str, timeout: float = 120.0) -> httpx.Client:
    """An HTTP client for ``server`` that authenticates as the token's delegation."""
    return httpx.Client(
        base_url=server.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )


def write_key(path: Path, signer: Ed25519Signer) -> None:
    """Write the private key as PEM to a new file only its owner can read (mode 0600)."""
    import os

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(signer.private_pem())


def read_key(path: Path) -> Ed25519Signer:
    """The delegation's key from its PEM file."""
    if not path.is_file():
        raise InputError(f"--key: {path}: no such file (create it with openskies keys init)")
    return Ed25519Signer.from_pem(path.read_bytes())


def _header(signed: list[SignedEvent]) -> str:
    doc = [s.as_json() for s in signed]
    raw = json.dumps(doc[0] if len(doc) == 1 else doc, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class CustodyClient:
    """Signs custody events with ``signer`` and performs the actions on the server."""

    http: httpx.Client
    signer: Ed25519Signer
    now: Callable[[], datetime] = _utcnow
    _state: str | None = field(default=None, init=False)

    def __enter__(self) -> CustodyClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def _call(self, method: str, path: str, **kw: Any) -> Any:
        response = self.http.request(method, path, **kw)
        if response.status_code >= 400:
            raise ServerError(_detail(response))
        return response

    @property
    def state(self) -> str:
        """The delegation's State, as the server knows the token."""
        if self._state is None:
            self._state = str(self._call("GET", "/api/me").json()["state"])
        return self._state

    def sign(self, event: CustodyEvent) -> SignedEvent:
        """The event signed with this delegation's key."""
        return sign_event(event, self.signer)

    # --- keys ---------------------------------------------------------------------------

    def register_key(self, replaces: str | None = None) -> dict[str, Any]:
        """Register this key's public half (a rotation when ``replaces`` names the old key)."""
        public = base64.b64encode(self.signer.public_key).decode()
        event = key_registered_event(self.now(), self.state, public, replaces)
        body = {"event": self.sign(event).as_json()}
        return dict(self._call("POST", "/api/keys", json=body).json())

    def revoke_key(self, key_id: str) -> dict[str, Any]:
        """Withdraw one of the delegation's keys (signed with this one)."""
        body = {"event": self.sign(key_revoked_event(self.now(), self.state, key_id)).as_json()}
        return dict(self._call("POST", f"/api/keys/{key_id}/revoke", json=body).json())

    # --- data ---------------------------------------------------------------------------

    def upload(self, flight_id: str, source: Path | bytes, annotation: dict[str, Any]) -> Any:
        """Upload a flight's data as its original (read twice: once to hash, once to send)."""
        digest, size = hashlib.sha256(), 0
        for chunk in _chunks(source):
            digest.update(chunk)
            size += len(chunk)
        flight = self._call("GET", f"/api/flights/{flight_id}/custody").json()
        reference = str(annotation.get("flight_reference", ""))[:6]
        event = ingest_event(
            self.now(),
            self.state,
            digest.hexdigest(),
            size,
            reference,
            flight["observing_party"],
            flight["observed_party"],
        )
        raw = json.dumps(annotation).encode()
        headers = {
            "X-Annotation": base64.urlsafe_b64encode(raw).decode().rstrip("="),
            "X-Custody-Event": _header([self.sign(event)]),
        }
        return self._call(
            "POST", f"/api/flights/{flight_id}/data", content=_chunks(source), headers=headers
        ).json()

    def _signed_deliveries(self, sha256: str, prepared: dict[str, Any]) -> list[SignedEvent]:
        """Sign the deliveries the server prepared, after checking they are of this object
        and carry nothing but a recipient, a citation, a request and a copy's commitment."""
        at = self.now()
        signed = []
        for item in prepared["deliveries"]:
            if set(item) - {"recipient", "citation", "request_id", "fingerprint"}:
                raise InputError(f"prepared delivery: unexpected details {sorted(item)}")
            event = delivery_event(
                at,
                self.state,
                sha256,
                prepared["flight_reference"],
                item["recipient"],
                item["citation"],
                item.get("request_id"),
                item.get("fingerprint"),
            )
            signed.append(self.sign(event))
        return signed

    def deliver_duplicate(self, sha256: str) -> Any:
        """Deliver the observed Party's duplicate: one signed event per recipient, each
        committing to the copy the server prepared for it."""
        prepared = self._call("POST", f"/api/data/{sha256}/deliveries/prepare").json()
        signed = self._signed_deliveries(sha256, prepared)
        return self._call(
            "POST",
            f"/api/data/{sha256}/deliver-duplicate",
            headers={"X-Custody-Event": _header(signed)},
        ).json()

    def request_copy(self, sha256: str, request: dict[str, Any]) -> Any:
        """Ask for duplicates (Art. IX §IV ¶1); the signed event commits to the request."""
        info = self._call("GET", f"/api/data/{sha256}/info").json()
        full = {**request, "requesting_party": self.state}
        event = request_event(self.now(), self.state, sha256, info["flight_reference"], full)
        return self._call(
            "POST",
            f"/api/data/{sha256}/requests",
            json=request,
            headers={"X-Custody-Event": _header([self.sign(event)])},
        ).json()

    def deliver_request(self, request_id: int) -> Any:
        """Deliver the duplicates a copy request asked for (decided again on the day)."""
        info = self._call("GET", f"/api/data/requests/{request_id}").json()
        sha256 = info["sha256"]
        prepared = self._call(
            "POST", f"/api/data/{sha256}/deliveries/prepare", params={"request_id": request_id}
        ).json()
        if prepared["state"] == "refused":
            return {"id": request_id, "state": "refused", "decision": prepared["decision"]}
        (signed,) = self._signed_deliveries(sha256, prepared)
        if signed.event.details["recipient"] != info["requester"]:
            raise InputError("prepared delivery: not to the requesting Party")
        return self._call(
            "POST",
            f"/api/data/requests/{request_id}/deliver",
            headers={"X-Custody-Event": _header([signed])},
        ).json()

    def download(self, sha256: str, out: BinaryIO) -> int:
        """Fetch an object this delegation holds into ``out``; checks its SHA-256."""
        info = self._call("GET", f"/api/data/{sha256}/info").json()
        copy = info.get("copy_sha256")
        event = download_event(self.now(), self.state, sha256, info["flight_reference"], copy)
        headers = {"X-Custody-Event": _header([self.sign(event)])}
        expected = copy or sha256  # a fingerprinted copy has its own hash
        digest, size = hashlib.sha256(), 0
        with self.http.stream("GET", f"/api/data/{sha256}", headers=headers) as response:
            if response.status_code >= 400:
                response.read()
                raise ServerError(_detail(response))
            for chunk in response.iter_bytes(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        if digest.hexdigest() != expected:
            raise InputError(f"download: the bytes hash to {digest.hexdigest()}, not {expected}")
        return size


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), CHUNK):
            yield source[start : start + CHUNK]
        return
    with source.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _detail(response: httpx.Response) -> str:
    try:
        doc = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    return f"HTTP {response.status_code}: {doc.get('detail', doc)}"
