"""Custody endpoints: sensor data in and out, copy requests, the transparency log."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Annotated, Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse

from openskies.api.deps import authenticated, custody
from openskies.errors import InputError
from openskies.services.custody import CustodyService
from openskies.services.delegations import Delegation

__all__ = ["router"]

router = APIRouter(prefix="/api")
Me = Annotated[Delegation, Depends(authenticated)]


Custody = Annotated[CustodyService, Depends(custody)]


def _annotation(header: str) -> dict[str, Any]:
    try:
        doc = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InputError("X-Annotation: base64url of the Annex B annotation JSON") from None
    if not isinstance(doc, dict):
        raise InputError("X-Annotation: the annotation is a JSON object")
    return doc


@router.post("/flights/{flight_id}/data", status_code=201)
async def ingest(
    flight_id: str, request: Request, who: Me, svc: Custody, x_annotation: Annotated[str, Header()]
) -> dict[str, Any]:
    """Upload sensor data (streamed to the store; acknowledged once durable)."""
    annotation = _annotation(x_annotation)
    await anyio.to_thread.run_sync(svc.authorise_ingest, who, flight_id, annotation)
    body = request.stream()

    def chunks() -> Iterator[bytes]:
        """The body's chunks, pulled from the event loop by the worker thread."""
        while True:
            try:
                chunk = anyio.from_thread.run(body.__anext__)
            except StopAsyncIteration:
                return
            if chunk:
                yield chunk

    result = await anyio.to_thread.run_sync(svc.ingest, who, flight_id, annotation, chunks())
    return result


@router.post("/data/{sha256}/deliver-duplicate")
def deliver_duplicate(sha256: str, who: Me, svc: Custody) -> dict[str, Any]:
    """The observing Party delivers the observed Party's first generation duplicate."""
    return svc.deliver_duplicate(who, sha256)


@router.post("/data/{sha256}/requests", status_code=201)
def request_copy(sha256: str, body: dict[str, Any], who: Me, svc: Custody) -> dict[str, Any]:
    """A State Party requests duplicates (Art. IX §IV ¶1), decided on the day."""
    return svc.request_copy(who, sha256, body)


@router.post("/data/requests/{request_id}/deliver")
def deliver_request(request_id: int, who: Me, svc: Custody) -> dict[str, Any]:
    """The observing Party delivers, decided again on the day of delivery."""
    return svc.deliver_request(who, request_id)


@router.get("/data/{sha256}")
def download(sha256: str, who: Me, svc: Custody) -> StreamingResponse:
    """The bytes of an object the delegation holds, hash-checked as they are read."""
    reader, size = svc.download(who, sha256)

    def body() -> Iterator[bytes]:
        with reader:
            while chunk := reader.read(1 << 20):
                yield chunk

    return StreamingResponse(
        body(),
        media_type="application/octet-stream",
        headers={"Content-Length": str(size), "ETag": f'"{sha256}"'},
    )


@router.get("/ledger/tree-head")
def tree_head(who: Me, svc: Custody) -> dict[str, Any]:
    """The log's current signed tree head (States Parties only)."""
    svc.require_party(who)
    return svc.tree_head()


@router.get("/ledger/export")
def export(who: Me, svc: Custody) -> dict[str, Any]:
    """The whole log with a signed tree head, for offline verification."""
    svc.require_party(who)
    return svc.export()


@router.get("/ledger/keys")
def keys(who: Me, svc: Custody) -> dict[str, str]:
    """The public keys of every signer (base64), for offline verification."""
    svc.require_party(who)
    return svc.public_keys()


@router.get("/ledger/proof/{index}")
def proof(index: int, who: Me, svc: Custody, size: int | None = None) -> dict[str, Any]:
    """An inclusion proof of one entry (RFC 9162 §2.1.3)."""
    svc.require_party(who)
    return svc.inclusion(index, size)
