"""The custody service: sensor data in, copies out, each step decided by the treaty on
the day and written, signed, to the transparency log.

An upload is streamed into the object store (hashed, fsynced, atomically renamed) before
any database record exists, so an acknowledged object is durable and an interrupted one
leaves nothing but a temporary file, removed at the next start. The ledger leaf of each
event is signed with the acting delegation's Ed25519 key and appended under a lock, so the
log is one chain that any State Party can verify offline (``openskies ledger verify``).
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.database import insert_ignore
from openskies.adapters.orm import (
    AuditHeadRow,
    CopyRequestRow,
    CustodyObjectRow,
    DelegationKeyRow,
    FlightRow,
    HoldingRow,
    LedgerLeafRow,
)
from openskies.custody import (
    CopyRequestState,
    CustodyEvent,
    Ed25519Signer,
    EventKind,
    ObjectStore,
    TransitionError,
    TransparencyLog,
    VerifyingReader,
    assign_originals,
    data_rights,
    decide,
    leaf_hash,
    next_state,
    parse_annotation,
    parse_copy_request,
    sign_event,
)
from openskies.missions.errors import Forbidden, NotFound, Refusal, WrongState
from openskies.missions.lifecycle import FlightState
from openskies.services.audit import append_audit
from openskies.services.clock import Clock
from openskies.services.delegations import Delegation
from openskies.services.fingerprints import Fingerprints
from openskies.services.messages import post_message
from openskies.treaty import AircraftProvider, TreatyData, is_party, party_members, resolve_holder

__all__ = ["LOG_ID", "CustodyService"]

LOG_ID = "openskies-custody"
LOG_KEY = LOG_ID  # the signer name of the log's own key (its tree heads)
R = CopyRequestState
AFTER_FLIGHT = {FlightState.COMPLETED.value, FlightState.DEPARTED.value, FlightState.REPORTED.value}


def _hex(raw: bytes) -> str:
    return raw.hex()


@dataclass
class CustodyService:
    """Runs ingest, copies, requests, downloads and the ledger; holds no state itself."""

    sessions: sessionmaker[Session]
    data: TreatyData
    clock: Clock
    store: ObjectStore
    fingerprints: Fingerprints | None = None  # each image copy names its recipient

    # --- keys and ledger ----------------------------------------------------------------

    def _signer(self, session: Session, party: str) -> Ed25519Signer:
        row = session.get(DelegationKeyRow, party)
        if row is None:
            signer = Ed25519Signer.generate()
            private = signer._key.private_bytes_raw()  # the service holds the keys
            insert_ignore(
                session,
                DelegationKeyRow,
                state=party,
                public_key=_hex(signer.public_key),
                private_key=_hex(private),
                created_at=self.clock.now(),
            )
            row = session.get(DelegationKeyRow, party)
            assert row is not None
        return Ed25519Signer(bytes.fromhex(row.private_key))

    def public_keys(self) -> dict[str, str]:
        """Every signer's public key (base64), for offline verification."""
        with self.sessions.begin() as session:
            self._signer(session, LOG_KEY)
            rows = session.execute(select(DelegationKeyRow)).scalars().all()
            return {r.state: base64.b64encode(bytes.fromhex(r.public_key)).decode() for r in rows}

    def _append(self, session: Session, event: CustodyEvent) -> int:
        """Sign ``event`` as its actor and append it to the log, under the chain's lock."""
        insert_ignore(session, AuditHeadRow, id=2, seq=0, hash="ledger")
        session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 2).with_for_update())
        index = int(session.execute(select(func.count()).select_from(LedgerLeafRow)).scalar_one())
        signed = sign_event(event, self._signer(session, event.actor))
        leaf = signed.leaf()
        session.add(
            LedgerLeafRow(
                index=index, leaf=leaf.decode(), at=event.at, leaf_hash=_hex(leaf_hash(leaf))
            )
        )
        return index

    def _log(self, session: Session) -> TransparencyLog:
        leaves = (
            session.execute(select(LedgerLeafRow.leaf).order_by(LedgerLeafRow.index))
            .scalars()
            .all()
        )
        return TransparencyLog(LOG_ID, [leaf.encode() for leaf in leaves])

    def tree_head(self) -> dict[str, Any]:
        """The current signed tree head of the log."""
        with self.sessions.begin() as session:
            log = self._log(session)
            return log.tree_head(self.clock.now(), self._signer(session, LOG_KEY)).as_json()

    def export(self) -> dict[str, Any]:
        """The whole log, with a signed tree head: what ``openskies ledger verify`` checks."""
        with self.sessions.begin() as session:
            log = self._log(session)
            head = log.tree_head(self.clock.now(), self._signer(session, LOG_KEY))
            return log.export(head)

    def inclusion(self, index: int, size: int | None = None) -> dict[str, Any]:
        """An inclusion proof of entry ``index`` in the tree of ``size`` entries."""
        with self.sessions.begin() as session:
            log = self._log(session)
            if not 0 <= index < log.size:
                raise NotFound(f"no ledger entry {index}")
            proof = log.inclusion_proof(index, size)
            return {
                "entry": log.leaf(index).decode(),
                "proof": proof.as_json(),
                "root_hash": base64.b64encode(log.root_hash(size)).decode(),
            }

    # --- data in ------------------------------------------------------------------------

    def authorise_ingest(
        self, actor: Delegation, flight_id: str, annotation: dict[str, Any]
    ) -> None:
        """Refuse an upload before its bytes are read: wrong Party, flight or annotation."""
        parse_annotation(annotation)
        with self.sessions.begin() as session:
            self._check_ingest(session, actor, flight_id, self.clock.now())

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
        if flight.state not in AFTER_FLIGHT:
            raise WrongState.one(
                "flight_state",
                "Art. IX §I ¶2",
                f"data are handed over after the flight; it is {flight.state}",
            )
        return flight

    def ingest(
        self, actor: Delegation, flight_id: str, annotation: dict[str, Any], chunks: Iterable[bytes]
    ) -> dict[str, Any]:
        """Take sensor data of a flight into custody (Art. IX §II ¶6, §III ¶2)."""
        now = self.clock.now()
        parsed = parse_annotation(annotation)
        with self.sessions.begin() as session:
            flight = self._check_ingest(session, actor, flight_id, now)
        sha256, size = self.store.put_stream(chunks)  # durable before any record
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
                index = self._append(
                    session,
                    CustodyEvent(
                        EventKind.INGEST,
                        now,
                        actor.state,
                        sha256,
                        str(reference)[:6] or None,
                        {
                            "observing_party": flight.observing,
                            "observed_party": flight.observed,
                            "original_set": 1,
                            "size": size,
                        },
                    ),
                )
                append_audit(session, now, actor.state, "data.ingest", f"object:{sha256}")
            else:
                index = None
        return {"sha256": sha256, "size": size, "ledger_index": index}

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
        state = self.data.states.get(actor.state)
        if state is None or not is_party(state, day):
            raise Forbidden.one(
                "state_party",
                "Art. IX §IV ¶1; Art. XV ¶2",
                f"{actor.state} is not a State Party on {day.isoformat()}",
            )

    # --- copies out -----------------------------------------------------------------------

    def deliver_duplicate(self, actor: Delegation, sha256: str) -> dict[str, Any]:
        """The observing Party hands the observed Party its first generation duplicate
        (Art. IX §II ¶6, §III ¶2)."""
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
            index = None
            for recipient in recipients:
                index = self._deliver(
                    session, actor.state, obj, recipient, "duplicate", now, "Art. IX §III ¶2"
                )
            return {"sha256": sha256, "recipients": recipients, "ledger_index": index}

    def _deliver(
        self,
        session: Session,
        actor: str,
        obj: CustodyObjectRow,
        recipient: str,
        role: str,
        now: datetime,
        citation: str,
    ) -> int:
        self._append(
            session,
            CustodyEvent(
                EventKind.COPY_MADE,
                now,
                actor,
                obj.sha256,
                obj.flight_reference or None,
                {"source_sha256": obj.sha256, "first_generation": True},
            ),
        )
        insert_ignore(session, HoldingRow, sha256=obj.sha256, party=recipient, role=role, since=now)
        details: dict[str, Any] = {"recipient": recipient, "citation": citation}
        if self.fingerprints is not None:  # the recipient's own copy, committed below
            details["fingerprint"] = self.fingerprints.deliver(session, obj.sha256, recipient, now)
        index = self._append(
            session,
            CustodyEvent(
                EventKind.DELIVERED, now, actor, obj.sha256, obj.flight_reference or None, details
            ),
        )
        if self.fingerprints is not None:
            self.fingerprints.recorded(session, details["fingerprint"]["delivery_id"], index)
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
        state = self.data.states.get(recipient)
        if state is None or not is_party(state, day):
            raise Refusal.one(
                "recipient_state_party",
                "Art. IX §IV ¶1; Art. XV ¶2",
                f"{recipient} is not a State Party on {day.isoformat()}",
            )

    def request_copy(
        self, actor: Delegation, sha256: str, request: dict[str, Any]
    ) -> dict[str, Any]:
        """A State Party asks the observing Party for duplicates (Art. IX §IV ¶1).

        Decided on the day of the request; a refusal is signed into the log at once.
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
            if not decision.deliver:
                self._refuse(session, actor.state, sha256, actor.state, decision, now)
            self._notify_observed(session, flight, actor.state, row.id, decision, now)
            append_audit(
                session,
                now,
                actor.state,
                "data.request",
                f"copy_request:{row.id}",
                {"outcome": decision.outcome.value},
            )
            return {"id": row.id, "state": row.state, "decision": row.decision}

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

    def _refuse(
        self,
        session: Session,
        actor: str,
        sha256: str,
        requester: str,
        decision: Any,
        now: datetime,
    ) -> None:
        self._append(
            session,
            CustodyEvent(
                EventKind.REFUSED,
                now,
                actor,
                None,
                None,
                {
                    "requester": requester,
                    "object": sha256,
                    "citations": sorted({f.citation.text for f in decision.findings}),
                },
            ),
        )

    def deliver_request(self, actor: Delegation, request_id: int) -> dict[str, Any]:
        """The observing Party delivers, the treaty deciding again on the day of delivery."""
        now = self.clock.now()
        with self.sessions.begin() as session:
            row = session.get(CopyRequestRow, request_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no copy request {request_id}")
            obj = self._object(session, row.sha256)
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
                    session, actor.state, obj, row.requester, "duplicate", now, "Art. IX §IV ¶1"
                )
            else:
                self._refuse(session, actor.state, obj.sha256, row.requester, decision, now)
                index = None
            return {
                "id": row.id,
                "state": row.state,
                "decision": row.decision,
                "ledger_index": index,
            }

    def download(self, actor: Delegation, sha256: str) -> tuple[VerifyingReader, int]:
        """The bytes of an object the delegation holds, checked on the day (Art. IX §IV ¶1);
        the reader verifies the SHA-256 as it goes."""
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
            self._append(
                session,
                CustodyEvent(
                    EventKind.DOWNLOADED,
                    now,
                    actor.state,
                    sha256,
                    obj.flight_reference or None,
                    {"copy_sha256": copy[0]} if copy else {},
                ),
            )
            size = obj.size
        if copy is not None:  # the recipient's fingerprinted copy, not the original
            return self.store.open(copy[0]), copy[1]
        return self.store.open(sha256), size
