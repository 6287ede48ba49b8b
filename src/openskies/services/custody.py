"""The custody service: sensor data in, copies out, each step decided by the treaty on
the day and written, signed, to the transparency log.

An upload is streamed into the object store (hashed, fsynced, atomically renamed) before
any database record exists, so an acknowledged object is durable and an interrupted one
leaves nothing but a temporary file, removed at the next start. Each event is built and
signed by the acting delegation's client; the service checks it against what it observed
and appends it (``services.ledger``), so it can withhold an event but not forge one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import (
    CopyRequestRow,
    CustodyObjectRow,
    FlightRow,
    HoldingRow,
    LedgerLeafRow,
)
from openskies.custody import (
    CopyRequestState,
    CustodyEvent,
    ObjectStore,
    SignedEvent,
    TransitionError,
    VerifyingReader,
    assign_originals,
    data_rights,
    decide,
    delivery_event,
    download_event,
    format_utc,
    ingest_event,
    next_state,
    parse_annotation,
    parse_copy_request,
    request_event,
)
from openskies.custody.footprints import frame_footprints
from openskies.errors import InputError
from openskies.missions.errors import Forbidden, NotFound, Refusal, WrongState
from openskies.missions.lifecycle import AFTER_FLIGHT, ENDED_NOT_COUNTED
from openskies.services.audit import append_audit
from openskies.services.clock import Clock
from openskies.services.delegations import Delegation
from openskies.services.fingerprints import Fingerprints
from openskies.services.ledger import EVENT_HEADER, append_signed, check_signed
from openskies.services.messages import post_message
from openskies.treaty import (
    AircraftProvider,
    TreatyData,
    is_state_party,
    party_members,
    resolve_holder,
)

__all__ = ["CustodyService"]

R = CopyRequestState


@dataclass
class CustodyService:
    """Runs ingest, copies, requests, downloads and the ledger; holds no state itself."""

    sessions: sessionmaker[Session]
    data: TreatyData
    clock: Clock
    store: ObjectStore
    fingerprints: Fingerprints | None = None  # each image copy names its recipient

    # --- the log ----------------------------------------------------------------------

    def _append(
        self, session: Session, signed: SignedEvent, expected: CustodyEvent, now: datetime
    ) -> int:
        """Check the client's signed event against what was observed, then append it."""
        return append_signed(session, signed, expected, now)

    # --- data in ------------------------------------------------------------------------

    def authorise_ingest(
        self, actor: Delegation, flight_id: str, annotation: dict[str, Any], signed: SignedEvent
    ) -> None:
        """Refuse an upload before its bytes are read: wrong Party, flight, annotation or
        signed event (all but the hash and size, which are checked once the bytes are in)."""
        now = self.clock.now()
        parsed = parse_annotation(annotation)
        with self.sessions.begin() as session:
            flight = self._check_ingest(session, actor, flight_id, now)
            claimed = signed.event
            expected = self._ingest_event(
                claimed.at,
                actor,
                flight,
                parsed.as_json(),
                str(claimed.object_sha256),
                int(claimed.details.get("size", -1)),
            )
            check_signed(session, signed, expected, now)

    @staticmethod
    def _ingest_event(
        at: datetime,
        actor: Delegation,
        flight: FlightRow,
        annotation: dict[str, Any],
        sha256: str,
        size: int,
    ) -> CustodyEvent:
        reference = str(annotation.get("flight_reference", ""))[:6]
        return ingest_event(
            at, actor.state, sha256, size, reference, flight.observing, flight.observed
        )

    def _check_ingest(
        self, session: Session, actor: Delegation, flight_id: str, now: datetime
    ) -> FlightRow:
        flight = self._flight(session, flight_id)
        self._require_party(actor, now.date())
        if resolve_holder(self.data, actor.state, now.date()).code != flight.observing_holder:
            raise Forbidden.one(
                "treaty_role",
                "Art. IX §II ¶6; Art. IX §III ¶2",
                "only the observing Party takes the original into custody",
            )
        if not flight.counted and flight.state in ENDED_NOT_COUNTED:
            raise WrongState.one(
                "data_retained",
                "Art. VIII §II ¶6",
                "the data are retained only if the observation flight is counted against the "
                f"quotas of both States Parties; this one is {flight.state}",
            )
        if flight.state not in AFTER_FLIGHT:
            raise WrongState.one(
                "flight_state",
                "Art. IX §I ¶2",
                f"data are handed over after the flight; it is {flight.state}",
            )
        return flight

    def ingest(
        self,
        actor: Delegation,
        flight_id: str,
        annotation: dict[str, Any],
        chunks: Iterable[bytes],
        signed: SignedEvent,
    ) -> dict[str, Any]:
        """Take sensor data of a flight into custody (Art. IX §II ¶6, §III ¶2); ``signed``
        is the observing Party's ingest event, checked against the bytes received."""
        now = self.clock.now()
        parsed = parse_annotation(annotation)
        with self.sessions.begin() as session:
            flight = self._check_ingest(session, actor, flight_id, now)
        sha256, size = self.store.put_stream(_not_empty(chunks))  # durable before any record
        reference = parsed.as_json().get("flight_reference", "")
        with self.sessions.begin() as session:
            if session.get(CustodyObjectRow, sha256) is None:
                session.add(
                    CustodyObjectRow(
                        sha256=sha256,
                        size=size,
                        flight_id=flight_id,
                        flight_reference=str(reference)[:6],
                        observing=flight.observing,
                        observed=flight.observed,
                        annotation=parsed.as_json(),
                        created_at=now,
                    )
                )
                session.flush()
                # Art. IX §II ¶6(A), §III ¶2: who keeps the original, by the custody core
                rights = data_rights(
                    flight.observing,
                    flight.observed,
                    AircraftProvider.OBSERVING,
                    parsed.sensor.medium_code.medium,
                    1,
                )
                keeper = assign_originals(rights)[0].party
                session.add(HoldingRow(sha256=sha256, party=keeper, role="original", since=now))
                expected = self._ingest_event(
                    signed.event.at, actor, flight, parsed.as_json(), sha256, size
                )
                index = self._append(session, signed, expected, now)
                append_audit(session, now, actor.state, "data.ingest", f"object:{sha256}")
            else:
                index = None
        return {"sha256": sha256, "size": size, "ledger_index": index}

    def flight_custody(self, flight_id: str) -> dict[str, Any]:
        """A flight's objects: annotation, holders, copy requests, deliveries and downloads.

        Shown to States Parties, like the log, which holds the same facts (signed).
        """
        with self.sessions.begin() as session:
            flight = self._flight(session, flight_id)
            objects = (
                session.execute(
                    select(CustodyObjectRow)
                    .where(CustodyObjectRow.flight_id == flight_id)
                    .order_by(CustodyObjectRow.created_at)
                )
                .scalars()
                .all()
            )
            shas = [o.sha256 for o in objects]
            holdings = session.execute(
                select(HoldingRow).where(HoldingRow.sha256.in_(shas)).order_by(HoldingRow.id)
            ).scalars()
            requests = session.execute(
                select(CopyRequestRow)
                .where(CopyRequestRow.sha256.in_(shas))
                .order_by(CopyRequestRow.id)
            ).scalars()
            events: dict[str, list[dict[str, Any]]] = {sha: [] for sha in shas}
            for index, leaf in session.execute(
                select(LedgerLeafRow.index, LedgerLeafRow.leaf).order_by(LedgerLeafRow.index)
            ):
                event = SignedEvent.from_leaf(leaf.encode()).event
                if event.object_sha256 in events:
                    events[event.object_sha256].append({"ledger_index": index, **event.as_json()})
            out: dict[str, dict[str, Any]] = {
                o.sha256: {
                    "sha256": o.sha256,
                    "size": o.size,
                    "flight_reference": o.flight_reference,
                    "observing_party": o.observing,
                    "observed_party": o.observed,
                    "annotation": o.annotation,
                    "footprints": frame_footprints(parse_annotation(o.annotation)),
                    "created_at": format_utc(o.created_at),
                    "holders": [],
                    "requests": [],
                    "events": events[o.sha256],
                }
                for o in objects
            }
            for h in holdings:
                out[h.sha256]["holders"].append(
                    {"party": h.party, "role": h.role, "since": format_utc(h.since)}
                )
            for r in requests:
                out[r.sha256]["requests"].append(
                    {
                        "id": r.id,
                        "requester": r.requester,
                        "state": r.state,
                        "requested_at": format_utc(r.requested_at),
                        "request": r.request,
                        "decision": r.decision,
                    }
                )
            return {
                "flight": flight_id,
                "observing_party": flight.observing,
                "observed_party": flight.observed,
                "objects": list(out.values()),
            }

    def _flight(self, session: Session, flight_id: str) -> FlightRow:
        flight = session.get(FlightRow, flight_id)
        if flight is None:
            raise NotFound(f"no flight {flight_id}")
        return flight

    def _holder(self, state: str, day: date) -> str:
        return resolve_holder(self.data, state, day).code

    def require_party(self, actor: Delegation) -> None:
        """Only a State Party may see the log (Art. IX §IV ¶1; Art. XV ¶2)."""
        self._require_party(actor, self.clock.now().date())

    def _require_party(self, actor: Delegation, day: date) -> None:
        if not is_state_party(self.data, actor.state, day):
            raise Forbidden.one(
                "state_party",
                "Art. IX §IV ¶1; Art. XV ¶2",
                f"{actor.state} is not a State Party on {day.isoformat()}",
            )

    # --- copies out -----------------------------------------------------------------------

    def deliver_duplicate(
        self, actor: Delegation, sha256: str, signed: list[SignedEvent]
    ) -> dict[str, Any]:
        """The observing Party hands the observed Party its first generation duplicate
        (Art. IX §II ¶6, §III ¶2): one signed delivery event per recipient."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            obj = self._object(session, sha256)
            self._require_party(actor, now.date())
            flight = self._flight(session, obj.flight_id or "")
            if self._holder(actor.state, now.date()) != flight.observing_holder:
                raise Forbidden.one(
                    "treaty_role",
                    "Art. IX §III ¶2",
                    "the observing Party delivers the observed Party's copy",
                )
            recipients = party_members(self.data, flight.observed_holder, now.date())
            if not recipients:
                self._check_recipient(flight.observed, now.date())
            by_recipient = {str(e.event.details.get("recipient")): e for e in signed}
            if sorted(by_recipient) != sorted(recipients) or len(signed) != len(recipients):
                raise InputError(
                    f"{EVENT_HEADER}: one signed delivery event for each of "
                    f"{', '.join(recipients)}; got {', '.join(sorted(by_recipient)) or 'none'}"
                )
            index = None
            for recipient in recipients:
                index = self._deliver(
                    session,
                    actor.state,
                    obj,
                    recipient,
                    now,
                    "Art. IX §III ¶2",
                    by_recipient[recipient],
                )
            return {"sha256": sha256, "recipients": recipients, "ledger_index": index}

    def _check_deliverer(self, session: Session, actor: Delegation, obj: CustodyObjectRow) -> None:
        self._require_party(actor, self.clock.now().date())
        flight = self._flight(session, obj.flight_id or "")
        if self._holder(actor.state, self.clock.now().date()) != flight.observing_holder:
            raise Forbidden.one(
                "treaty_role",
                "Art. IX §III ¶2; Art. IX §IV ¶1",
                "the observing Party delivers the duplicates",
            )

    def prepare_delivery(
        self, actor: Delegation, sha256: str, request_id: int | None = None
    ) -> dict[str, Any]:
        """Make each recipient's copy before the observing Party signs the deliveries: the
        details each signed delivery event must carry (recipient, citation, fingerprint).

        Without ``request_id``: the observed Party's duplicate (Art. IX §III ¶2); with it, a
        copy request, decided again on the day (a refusal is recorded on the request)."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            obj = self._object(session, sha256)
            self._check_deliverer(session, actor, obj)
            if request_id is None:
                flight = self._flight(session, obj.flight_id or "")
                recipients = party_members(self.data, flight.observed_holder, now.date())
                if not recipients:
                    self._check_recipient(flight.observed, now.date())
                    recipients = [flight.observed]
                citation = "Art. IX §III ¶2"
            else:
                row = session.get(CopyRequestRow, request_id, with_for_update=True)
                if row is None or row.sha256 != sha256:
                    raise NotFound(f"no copy request {request_id} of this object")
                state = CopyRequestState(row.state)
                if state is R.REQUESTED:  # the observed Party was notified with the request
                    state = next_state(next_state(state, "notify_observed"), "approve")
                decision = decide(
                    parse_copy_request(row.request), row.requested_at.date(), now.date(), self.data
                )
                try:
                    after = next_state(state, "deliver" if decision.deliver else "refuse")
                except TransitionError:
                    raise WrongState.one(
                        "copy_request_state", "Art. IX §IV ¶1", f"the request is {row.state}"
                    ) from None
                if not decision.deliver:
                    row.state, row.decision = after.value, decision.as_json()
                    return {"state": row.state, "decision": row.decision, "deliveries": []}
                recipients, citation = [row.requester], "Art. IX §IV ¶1"
            deliveries = []
            for recipient in recipients:
                item: dict[str, Any] = {"recipient": recipient, "citation": citation}
                if request_id is not None:
                    item["request_id"] = request_id
                if self.fingerprints is not None:
                    item["fingerprint"] = self.fingerprints.deliver(session, sha256, recipient, now)
                deliveries.append(item)
            return {
                "state": "prepared",
                "sha256": sha256,
                "flight_reference": obj.flight_reference or None,
                "deliveries": deliveries,
            }

    def object_info(self, sha256: str, actor: Delegation) -> dict[str, Any]:
        """What a client needs to build an object's events: its flight, parties, recipients
        of the observed Party's duplicate today (a group's members, or the State itself) and
        the fingerprinted copy the actor would download (``copy_sha256``)."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            obj = self._object(session, sha256)
            copy = (
                self.fingerprints.copy_for(session, sha256, actor.state)
                if self.fingerprints is not None
                else None
            )
            flight = self._flight(session, obj.flight_id or "")
            recipients = party_members(self.data, flight.observed_holder, now.date())
            return {
                "sha256": obj.sha256,
                "size": obj.size,
                "flight_id": obj.flight_id,
                "flight_reference": obj.flight_reference or None,
                "observing_party": obj.observing,
                "observed_party": obj.observed,
                "duplicate_recipients": recipients or [flight.observed],
                "copy_sha256": copy[0] if copy else None,
            }

    def request_info(self, actor: Delegation, request_id: int) -> dict[str, Any]:
        """A copy request: its object, requester and state (to build the delivery event);
        hidden, as if absent, from a Party that is neither requester nor the flight's."""
        day = self.clock.now().date()
        with self.sessions.begin() as session:
            row = session.get(CopyRequestRow, request_id)
            obj = None if row is None else self._object(session, row.sha256)
            if row is None or obj is None or not self._knows_of(actor, row, obj, day):
                raise NotFound(f"no copy request {request_id}")  # the same for any outsider
            return {
                "id": row.id,
                "sha256": row.sha256,
                "flight_reference": obj.flight_reference or None,
                "requester": row.requester,
                "state": row.state,
                "decision": row.decision,
            }

    def _deliver(
        self,
        session: Session,
        actor: str,
        obj: CustodyObjectRow,
        recipient: str,
        now: datetime,
        citation: str,
        signed: SignedEvent,
        request_id: int | None = None,
    ) -> int:
        """Check and append the signed delivery, then record who holds the duplicate.

        With fingerprinting, the event must commit to the copy prepared for the recipient
        (``prepare_delivery``), which the observing Party signed."""
        fingerprint = None
        if self.fingerprints is not None:
            claimed = signed.event.details.get("fingerprint")
            if not isinstance(claimed, Mapping) or "delivery_id" not in claimed:
                raise InputError(
                    "event.details.fingerprint: prepare the delivery first (POST "
                    ".../prepare) and sign the fingerprint details it returns"
                )
            fingerprint = self.fingerprints.prepared(
                session, str(claimed["delivery_id"]), obj.sha256, recipient
            )
        expected = delivery_event(
            signed.event.at,
            actor,
            obj.sha256,
            obj.flight_reference,
            recipient,
            citation,
            request_id,
            fingerprint,
        )
        index = self._append(session, signed, expected, now)
        insert_ignore(
            session, HoldingRow, sha256=obj.sha256, party=recipient, role="duplicate", since=now
        )
        if fingerprint is not None:
            self.fingerprints.recorded(  # type: ignore[union-attr]
                session, str(fingerprint["delivery_id"]), index
            )
        append_audit(
            session, now, actor, "data.deliver", f"object:{obj.sha256}", {"recipient": recipient}
        )
        return index

    def _object(self, session: Session, sha256: str) -> CustodyObjectRow:
        obj = session.get(CustodyObjectRow, sha256)
        if obj is None:
            raise NotFound(f"no object {sha256}")
        return obj

    def _check_recipient(self, recipient: str, day: date) -> None:
        if not is_state_party(self.data, recipient, day):
            raise Refusal.one(
                "recipient_state_party",
                "Art. IX §IV ¶1; Art. XV ¶2",
                f"{recipient} is not a State Party on {day.isoformat()}",
            )

    def request_copy(
        self,
        actor: Delegation,
        sha256: str,
        request: dict[str, Any],
        signed: SignedEvent | None,
    ) -> dict[str, Any]:
        """A State Party asks the observing Party for duplicates (Art. IX §IV ¶1).

        Decided on the day of the request. The requester's signed event commits to the
        request's canonical JSON (with ``requesting_party``); a refused request is kept with
        its findings but is no custody event.
        """
        now = self.clock.now()
        parsed = parse_copy_request({**request, "requesting_party": actor.state})
        with self.sessions.begin() as session:
            obj = self._object(session, sha256)
            flight = self._flight(session, obj.flight_id or "")
            named = (parsed.observing_party, parsed.observed_party)
            if named != (obj.observing, obj.observed) and not (
                self._holder(parsed.observing_party, flight.eta.date()) == flight.observing_holder
                and self._holder(parsed.observed_party, flight.eta.date()) == flight.observed_holder
            ):
                raise Refusal.one(
                    "request_names_the_flight",
                    "Art. IX §IV ¶1(A)–(B)",
                    f"the request names {named[0]} over {named[1]}; this object is from "
                    f"{obj.observing}'s flight over {obj.observed}",
                    field="observing_party",
                )
            decision = decide(parsed, now.date(), now.date(), self.data)
            row = CopyRequestRow(
                requester=actor.state,
                sha256=sha256,
                request={**request, "requesting_party": actor.state},
                state=(
                    R.REQUESTED if decision.deliver else next_state(R.REQUESTED, "refuse")
                ).value,
                requested_at=now,
                decision=decision.as_json(),
            )
            session.add(row)
            session.flush()
            index = None
            if decision.deliver:
                if signed is None:
                    raise InputError(f"{EVENT_HEADER}: the requester's signed request event")
                expected = request_event(
                    signed.event.at, actor.state, sha256, obj.flight_reference, row.request
                )
                index = self._append(session, signed, expected, now)
            self._notify_observed(session, flight, actor.state, row.id, decision, now)
            append_audit(
                session,
                now,
                actor.state,
                "data.request",
                f"copy_request:{row.id}",
                {"outcome": decision.outcome.value},
            )
            return {
                "id": row.id,
                "state": row.state,
                "decision": row.decision,
                "ledger_index": index,
            }

    def _notify_observed(
        self,
        session: Session,
        flight: FlightRow,
        requester: str,
        request_id: int,
        decision: Any,
        now: datetime,
    ) -> None:
        """The observed Party is notified of a copy request (Art. IX §IV ¶1)."""
        recipients = sorted(
            set(party_members(self.data, flight.observed_holder, now.date()))
            | set(party_members(self.data, flight.observing_holder, now.date()))
        )
        body = {
            "copy_request": request_id,
            "requesting_party": requester,
            "outcome": decision.outcome.value,
            "flight": flight.id,
        }
        post_message(session, flight.id, "copy_request", requester, recipients, False, body, now)

    def deliver_request(
        self, actor: Delegation, request_id: int, signed: SignedEvent
    ) -> dict[str, Any]:
        """The observing Party delivers, the treaty deciding again on the day of delivery.

        A refusal on the day is recorded on the request, and the signed delivery is dropped.
        """
        now = self.clock.now()
        with self.sessions.begin() as session:
            row = session.get(CopyRequestRow, request_id, with_for_update=True)
            obj = None if row is None else self._object(session, row.sha256)
            if row is None or obj is None or not self._knows_of(actor, row, obj, now.date()):
                raise NotFound(f"no copy request {request_id}")  # the same for any outsider
            if actor.state != obj.observing:
                raise Forbidden.one(
                    "treaty_role",
                    "Art. IX §IV ¶1",
                    "copies are requested from and delivered by the observing Party",
                )
            state = CopyRequestState(row.state)
            if state is R.REQUESTED:  # the observed Party was notified with the request
                state = next_state(next_state(state, "notify_observed"), "approve")
            request = parse_copy_request(row.request)
            decision = decide(request, row.requested_at.date(), now.date(), self.data)
            try:
                after = next_state(state, "deliver" if decision.deliver else "refuse")
            except TransitionError:
                raise WrongState.one(
                    "copy_request_state", "Art. IX §IV ¶1", f"the request is {row.state}"
                ) from None
            row.decision = decision.as_json()
            row.state = after.value
            if decision.deliver:
                index = self._deliver(
                    session, actor.state, obj, row.requester, now, "Art. IX §IV ¶1", signed, row.id
                )
            else:
                index = None
            return {
                "id": row.id,
                "state": row.state,
                "decision": row.decision,
                "ledger_index": index,
            }

    def _knows_of(
        self, actor: Delegation, row: CopyRequestRow, obj: CustodyObjectRow, day: date
    ) -> bool:
        """The requester and the flight's two Parties know of a copy request; no one else."""
        if actor.state in (row.requester, obj.observing, obj.observed):
            return True
        if not is_state_party(self.data, actor.state, day):
            return False
        holder = self._holder(actor.state, day)
        return holder in (self._holder(obj.observing, day), self._holder(obj.observed, day))

    def download(
        self, actor: Delegation, sha256: str, signed: SignedEvent
    ) -> tuple[VerifyingReader, int]:
        """The bytes of an object the delegation holds, checked on the day (Art. IX §IV ¶1);
        the holder's signed download event is logged first; the reader verifies the SHA-256."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            self._require_party(actor, now.date())
            obj = self._object(session, sha256)
            side = party_members(self.data, self._holder(actor.state, now.date()), now.date()) or [
                actor.state
            ]
            holding = (
                session.execute(
                    select(HoldingRow).where(
                        HoldingRow.sha256 == sha256, HoldingRow.party.in_(side)
                    )
                )
                .scalars()
                .first()
            )
            if holding is None:
                raise Forbidden.one(
                    "holder",
                    "Art. IX §II ¶6; Art. IX §IV ¶1",
                    f"{actor.state} holds no original or copy of this object",
                )
            copy = (
                self.fingerprints.copy_for(session, sha256, actor.state)
                if self.fingerprints is not None
                else None
            )
            expected = download_event(
                signed.event.at,
                actor.state,
                sha256,
                obj.flight_reference,
                copy[0] if copy else None,
            )
            self._append(session, signed, expected, now)
            size = obj.size
        if copy is not None:  # the recipient's fingerprinted copy, not the original
            return self.store.open(copy[0]), copy[1]
        return self.store.open(sha256), size


def _not_empty(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks, refusing an upload without a single byte before anything is stored."""
    iterator = iter(chunks)
    for first in iterator:
        if first:
            yield first
            yield from iterator
            return
    raise InputError("body: the upload is empty; sensor data has at least one byte")
