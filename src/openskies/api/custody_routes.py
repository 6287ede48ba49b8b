"""Custody endpoints: sensor data in and out, copy requests, keys, the transparency log.

Every custody action carries the event its actor signed on its own machine, in the
``X-Custody-Event`` header (base64url of the signed event's JSON, or of a list of them).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from typing import Annotated, Any

import anyio
import anyio.from_thread
import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from openskies.api.deps import authenticated, custody, ledger
from openskies.api.pages import DEFAULT_PAGE, PAGED, Cursor, decode_time_cursor, page
from openskies.api.responses import (
    ConsistencyOut,
    CosignatureOut,
    DeliveredOut,
    DeliveryPreparedOut,
    FlightCustodyOut,
    InclusionOut,
    IngestedOut,
    KeyOut,
    KeyRegisteredOut,
    KeyRevokedOut,
    LedgerExportOut,
    ObjectInfoOut,
    RequestDecidedOut,
    RequestInfoOut,
    SignedTreeHeadOut,
)
from openskies.api.validated import (
    FlightId,
    LeafIndex,
    PageLimit,
    RequestId,
    RequestQuery,
    Sha256,
    TreeFirst,
    TreeSize,
    check_json,
)
from openskies.custody import SignedEvent
from openskies.errors import InputError
from openskies.services.commands import Cosign
from openskies.services.custody import CustodyService
from openskies.services.delegations import Delegation
from openskies.services.ledger import LedgerService, parse_signed_events

__all__ = ["router"]

router = APIRouter(prefix="/api")
Me = Annotated[Delegation, Depends(authenticated)]


Custody = Annotated[CustodyService, Depends(custody)]
Ledger = Annotated[LedgerService, Depends(ledger)]
EventHeader = Annotated[str | None, Header(alias="X-Custody-Event")]


def _one(header: str | None) -> SignedEvent:
    events = parse_signed_events(header)
    if len(events) != 1:
        raise InputError("X-Custody-Event: exactly one signed event for this action")
    return events[0]


def _annotation(header: str) -> dict[str, Any]:
    try:
        doc = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise InputError("X-Annotation: base64url of the Annex B annotation JSON") from None
    if not isinstance(doc, dict):
        raise InputError("X-Annotation: the annotation is a JSON object")
    check_json(doc, "X-Annotation")
    return doc


@router.post("/flights/{flight_id}/data", status_code=201, response_model=IngestedOut)
async def ingest(
    flight_id: FlightId,
    request: Request,
    who: Me,
    svc: Custody,
    x_annotation: Annotated[str, Header()],
    event: EventHeader = None,
) -> dict[str, Any]:
    """Upload sensor data (streamed to the store; acknowledged once durable and logged)."""
    annotation = _annotation(x_annotation)
    signed = _one(event)
    await anyio.to_thread.run_sync(svc.authorise_ingest, who, flight_id, annotation, signed)
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

    result = await anyio.to_thread.run_sync(
        svc.ingest, who, flight_id, annotation, chunks(), signed
    )
    return result


@router.get("/flights/{flight_id}/custody", response_model=FlightCustodyOut)
def flight_custody(flight_id: FlightId, who: Me, svc: Custody) -> dict[str, Any]:
    """A flight's objects: annotation, holders, copy requests and downloads (States Parties)."""
    svc.require_party(who)
    return svc.flight_custody(flight_id)


@router.get("/data/{sha256}/info", response_model=ObjectInfoOut)
def object_info(sha256: Sha256, who: Me, svc: Custody) -> dict[str, Any]:
    """An object's flight, parties and the recipients of its duplicate (one signed delivery
    event each)."""
    svc.require_party(who)
    return svc.object_info(sha256, who)


@router.get("/data/requests/{request_id}", response_model=RequestInfoOut)
def request_info(request_id: RequestId, who: Me, svc: Custody) -> dict[str, Any]:
    """A copy request: object, requester, state and decision."""
    svc.require_party(who)
    return svc.request_info(who, request_id)


@router.post(
    "/data/{sha256}/deliveries/prepare",
    response_model=DeliveryPreparedOut,
    response_model_exclude_unset=True,
)
def prepare_delivery(
    sha256: Sha256, who: Me, svc: Custody, request_id: RequestQuery = None
) -> dict[str, Any]:
    """Make each recipient's copy; returns the details each signed delivery event carries
    (the observed Party's duplicate, or ``?request_id=`` a copy request's)."""
    return svc.prepare_delivery(who, sha256, request_id)


@router.post("/data/{sha256}/deliver-duplicate", response_model=DeliveredOut)
def deliver_duplicate(
    sha256: Sha256, who: Me, svc: Custody, event: EventHeader = None
) -> dict[str, Any]:
    """The observing Party delivers the observed Party's first generation duplicate."""
    return svc.deliver_duplicate(who, sha256, parse_signed_events(event))


@router.post("/data/{sha256}/requests", status_code=201, response_model=RequestDecidedOut)
def request_copy(
    sha256: Sha256, body: dict[str, Any], who: Me, svc: Custody, event: EventHeader = None
) -> dict[str, Any]:
    """A State Party requests duplicates (Art. IX §IV ¶1), decided on the day; a request
    the treaty refuses needs no signed event (nothing happens to the data)."""
    return svc.request_copy(who, sha256, body, _one(event) if event else None)


@router.post("/data/requests/{request_id}/deliver", response_model=RequestDecidedOut)
def deliver_request(
    request_id: RequestId, who: Me, svc: Custody, event: EventHeader = None
) -> dict[str, Any]:
    """The observing Party delivers, decided again on the day of delivery."""
    return svc.deliver_request(who, request_id, _one(event))


@router.get("/data/{sha256}")
def download(sha256: Sha256, who: Me, svc: Custody, event: EventHeader = None) -> StreamingResponse:
    """The bytes of an object the delegation holds, hash-checked as they are read."""
    svc.require_party(who)
    reader, size = svc.download(who, sha256, _one(event))

    def body() -> Iterator[bytes]:
        with reader:
            while chunk := reader.read(1 << 20):
                yield chunk

    return StreamingResponse(
        body(),
        media_type="application/octet-stream",
        headers={"Content-Length": str(size), "ETag": f'"{sha256}"'},
    )


class SignedEventIn(BaseModel):
    """``{"event": <signed event>}``: its keys (event, key_id, signature) are checked by
    ``SignedEvent.from_json``, which names the bad one."""

    event: dict[str, Any] | None = Field(
        default=None, description="the signed event: {event, key_id, signature}"
    )


@router.post("/keys", status_code=201, response_model=KeyRegisteredOut)
def register_key(body: SignedEventIn, who: Me, svc: Custody, log: Ledger) -> dict[str, Any]:
    """Register a public key the delegation holds: ``{"event": <signed key_registered>}``."""
    svc.require_party(who)
    return log.register_key(who, SignedEvent.from_json(body.event, "event"))


@router.get("/keys", response_model=list[KeyOut], responses=PAGED)
def list_keys(
    who: Me,
    svc: Custody,
    log: Ledger,
    request: Request,
    response: Response,
    limit: PageLimit = DEFAULT_PAGE,
    cursor: Cursor = None,
) -> list[dict[str, Any]]:
    """Registered public keys, current or revoked, with their dates, by registration time,
    a page at a time (see ``openskies.api.pages``)."""
    svc.require_party(who)
    items = log.keys(limit + 1, decode_time_cursor(cursor))
    return page(items, limit, lambda k: [k["registered_at"], k["key_id"]], request, response)


@router.post("/keys/{key_id}/revoke", response_model=KeyRevokedOut)
def revoke_key(
    key_id: str, body: SignedEventIn, who: Me, svc: Custody, log: Ledger
) -> dict[str, Any]:
    """Withdraw a key: ``{"event": <signed key_revoked>}`` signed by a current key."""
    svc.require_party(who)
    return log.revoke_key(who, key_id, SignedEvent.from_json(body.event, "event"))


@router.get("/ledger/tree-head", response_model=SignedTreeHeadOut)
def tree_head(who: Me, svc: Custody, log: Ledger) -> dict[str, Any]:
    """The log's latest signed tree head, with its witnesses' cosignatures."""
    svc.require_party(who)
    return log.tree_head()


@router.get("/ledger/consistency", response_model=ConsistencyOut)
def consistency(
    first: TreeFirst, who: Me, svc: Custody, log: Ledger, second: TreeSize = None
) -> dict[str, Any]:
    """A consistency proof from the tree of ``first`` entries to ``second`` (RFC 9162 §2.1.4)."""
    svc.require_party(who)
    return log.consistency(first, second)


class CosignIn(BaseModel):
    """A witness's cosignature of the stored tree head of ``tree_size`` entries."""

    model_config = ConfigDict(extra="forbid")
    tree_size: int = Field(ge=0)
    root_hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex, as the head has it")
    key_id: str = Field(min_length=1, max_length=128, description="the witness's key")
    signature: str = Field(min_length=1, max_length=200, description="base64 Ed25519")


@router.post("/ledger/cosignatures", status_code=201, response_model=CosignatureOut)
def cosign(body: CosignIn, who: Me, svc: Custody, log: Ledger) -> dict[str, Any]:
    """A witness's cosignature of a stored tree head, checked against its registered key."""
    svc.require_party(who)
    return log.cosign(who, Cosign(body.tree_size, body.key_id, body.root_hash, body.signature))


@router.get("/ledger/export", response_model=LedgerExportOut)
def export(who: Me, svc: Custody, log: Ledger) -> dict[str, Any]:
    """The whole log with its signed tree heads, for offline verification."""
    svc.require_party(who)
    return log.export()


@router.get("/ledger/keys")
def keys(who: Me, svc: Custody, log: Ledger) -> dict[str, list[str]]:
    """The log's public key (base64), to pin; the delegations' keys are in the log."""
    svc.require_party(who)
    return log.public_keys()


@router.get("/ledger/proof/{index}", response_model=InclusionOut)
def proof(
    index: LeafIndex, who: Me, svc: Custody, log: Ledger, size: TreeSize = None
) -> dict[str, Any]:
    """An inclusion proof of one entry (RFC 9162 §2.1.3)."""
    svc.require_party(who)
    return log.inclusion(index, size)
