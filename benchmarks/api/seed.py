"""Build a database the size of twenty years of the regime (2002-2021), for benchmarks.

Not a test. ``python benchmarks/api/seed.py --database-url URL --objects DIR --tokens FILE``
writes, through the ORM (so every row is covered by the audit chain and ``openskies
verify`` passes on the result):

- a delegation and a token for each of the 34 States that were ever Parties;
- ``--flights`` observation flights (default 2,000: about 100 a year), each reported, with
  its 8 events, notification, mission plan and report;
- ``--messages-per-flight`` messages each (default 25: 50,000 messages);
- one original per flight in the object store, delivered to the observed Party and to 3
  other States Parties on request: 5 holdings, 3 copy requests and 10 signed ledger
  entries per flight (20,000 custody events), each with its stored signed tree head.

The tokens go to ``--tokens`` as JSON (``{"DEU": "osk_..."}``) with the id of one flight.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from openskies.adapters.orm import (
    CopyRequestRow,
    CustodyObjectRow,
    DelegationKeyRow,
    FlightEventRow,
    FlightRow,
    HoldingRow,
    LedgerHeadRow,
    LedgerLeafRow,
    LedgerNodeRow,
    MessageRow,
)
from openskies.bootstrap import Settings, open_services
from openskies.custody import (
    CustodyEvent,
    Ed25519Signer,
    EventKind,
    SignedTreeHead,
    TreeHead,
    delivery_event,
    download_event,
    ingest_event,
    key_id,
    key_registered_event,
    leaf_hash,
    sign_event,
)
from openskies.custody.merkle import appended_nodes
from openskies.custody.signed_log import b64
from openskies.missions.messages import render_message
from openskies.services.delegations import create_delegation
from openskies.services.ledger import LOG_ID, log_signer
from openskies.services.tree_heads import frontier_root, push_leaf
from openskies.treaty import parties_on, resolve_holder

STEPS = (
    "notify",
    "acknowledge",
    "arrive",
    "submit_mission_plan",
    "accept_mission_plan",
    "start_flight",
    "complete_flight",
    "report",
)
KINDS = ("notification", "acknowledgement", "mission_plan", "mission_plan_acceptance")
ROUTE = {
    "type": "Feature",
    "properties": {},
    "geometry": {
        "type": "LineString",
        "coordinates": [[20.97, 52.17], [21.5, 51.5], [20.97, 52.17]],
    },
}


def _notification(observed: str, eta: datetime) -> dict[str, Any]:
    return {
        "observed": observed,
        "point_of_entry": "entry",
        "eta": eta.isoformat(),
        "pre_flight_inspection": {"place": "airfield", "start": eta.isoformat()},
        "diplomatic_clearance": "DC-1",
        "aircraft": "An-30",
        "approximate_distance_km": 900.0,
        "personnel": [{"name": f"Observer {i}", "function": "observer"} for i in range(8)],
        "transit": [],
    }


def seed(url: str, objects: str, flights: int, per_flight: int, seed_value: int) -> dict[str, Any]:
    rng = random.Random(seed_value)
    tokens: dict[str, str] = {}
    with open_services(Settings(url, objects), route_checker=None) as svc:
        data, store = svc.data, svc.store
        log = Log()
        with svc.sessions.begin() as session:
            for code in sorted(data.states):
                tokens[code] = create_delegation(session, data, code, datetime.now(UTC))[1]
            log.start(session, sorted(data.states), datetime(2002, 1, 1, tzinfo=UTC))
        with svc.sessions.begin() as session:
            top = session.execute(select(func.coalesce(func.max(MessageRow.id), 0))).scalar_one()
        message_id = 1 + int(top)
        first_flight = ""
        batch = 50
        for start in range(0, flights, batch):
            with svc.sessions.begin() as session:
                for n in range(start, min(start + batch, flights)):
                    year = 2002 + n * 20 // flights
                    day = date(year, 1, 1) + timedelta(days=rng.randrange(360))
                    eta = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
                    parties = [s.code for s in parties_on(data, day)]
                    observing, observed = rng.sample(parties, 2)
                    holders = (
                        resolve_holder(data, observing, day).code,
                        resolve_holder(data, observed, day).code,
                    )
                    fid = str(uuid.uuid4())
                    first_flight = first_flight or fid
                    times = {s: (eta + timedelta(hours=i)).isoformat() for i, s in enumerate(STEPS)}
                    session.add(
                        FlightRow(
                            id=fid,
                            observing=observing,
                            observed=observed,
                            observing_holder=holders[0],
                            observed_holder=holders[1],
                            quota_year=year,
                            eta=eta,
                            notified_at=eta - timedelta(hours=72),
                            state="reported",
                            counted=True,
                            demonstration_by="none",
                            transit=[],
                            agreed_otherwise=[],
                            times=times,
                            notification=_notification(observed, eta),
                            mission_plan={"route": ROUTE, "planned_start": eta.isoformat()},
                            report={
                                "summary": "flight completed",
                                "signed_by": [observing, observed],
                            },
                        )
                    )
                    session.flush()
                    for seq, step in enumerate(STEPS, start=1):
                        session.add(
                            FlightEventRow(
                                flight_id=fid,
                                seq=seq,
                                step=step,
                                at=eta + timedelta(hours=seq),
                                actor=observing if seq % 2 else observed,
                                payload={},
                                breaches=[],
                            )
                        )
                    for m in range(per_flight):
                        kind = KINDS[m % len(KINDS)]
                        sender, to = (
                            (observing, [observed]) if m % 2 == 0 else (observed, [observing])
                        )
                        at = eta + timedelta(minutes=m)
                        body = {"flight": fid, "n": m}
                        session.add(
                            MessageRow(
                                id=message_id,
                                flight_id=fid,
                                kind=kind,
                                sender=sender,
                                recipients=to,
                                to_all_parties=m % 5 == 0,
                                answers=None,
                                created_at=at,
                                body=body,
                                text=render_message(
                                    message_id, kind, sender, to, m % 5 == 0, at, fid, None, body
                                ),
                            )
                        )
                        message_id += 1
                    _custody(session, log, store, rng, parties, fid, observing, observed, eta)
            print(f"{min(start + batch, flights)} flights", flush=True)
    return {"tokens": tokens, "flight": first_flight}


class Log:
    """The custody log as the seed extends it: each State's key (held here, as on its own
    machine, and registered by a signed ``key_registered`` event first), the log's key, and
    the frontier of the tree, so each append stores its signed tree head in O(log n)."""

    def __init__(self) -> None:
        self.signers: dict[str, Ed25519Signer] = {}
        self.frontier: list[bytes] = []
        self.size = 0
        self.log_key: Ed25519Signer | None = None

    def start(self, session: Any, states: list[str], at: datetime) -> None:
        """Begin an empty log: one registered key per State."""
        if session.execute(select(func.count()).select_from(LedgerLeafRow)).scalar_one():
            raise SystemExit("the seed starts from an empty custody log")
        self.log_key = log_signer(session, at)
        for state in states:
            signer = self.signers[state] = Ed25519Signer.generate()
            session.add(
                DelegationKeyRow(
                    key_id=key_id(signer.public_key),
                    state=state,
                    public_key=signer.public_key.hex(),
                    registered_at=at,
                )
            )
            self.append(session, key_registered_event(at, state, b64(signer.public_key)))

    def append(self, session: Any, event: CustodyEvent) -> None:
        """Sign ``event`` with its actor's key; store the leaf and the new signed head."""
        assert self.log_key is not None
        leaf = sign_event(event, self.signers[event.actor]).leaf()
        hashed = leaf_hash(leaf)
        session.add(
            LedgerLeafRow(index=self.size, leaf=leaf.decode(), leaf_hash=hashed.hex(), at=event.at)
        )
        session.add_all(
            LedgerNodeRow(level=level, index=index, hash=value.hex())
            for (level, index), value in appended_nodes(self.size, hashed, self.frontier)
        )
        self.frontier = push_leaf(self.frontier, self.size, hashed)
        self.size += 1
        root = frontier_root(self.frontier)
        signed = SignedTreeHead.sign(TreeHead(LOG_ID, self.size, root, event.at), self.log_key)
        session.add(
            LedgerHeadRow(
                tree_size=self.size,
                root_hash=root.hex(),
                frontier=[h.hex() for h in self.frontier],
                signed=signed.as_json(),
                at=event.at,
            )
        )


def _custody(
    session: Any,
    log: Log,
    store: Any,
    rng: random.Random,
    parties: list[str],
    fid: str,
    observing: str,
    observed: str,
    eta: datetime,
) -> None:
    """One original, its duplicate to the observed Party and 3 requested copies: 10 events
    (ingest; copy made and delivered, 4 times; the observed Party's download)."""
    payload = hashlib.sha256(fid.encode()).digest() * 32
    sha, size = store.put_stream([payload])
    at = eta + timedelta(days=2)
    session.add(
        CustodyObjectRow(
            sha256=sha,
            size=size,
            flight_id=fid,
            flight_reference="OS0001",
            observing=observing,
            observed=observed,
            annotation={"flight_reference": "OS0001", "sensor": "OPBP", "records": []},
            created_at=at,
        )
    )
    session.flush()
    others = rng.sample([p for p in parties if p not in (observing, observed)], 3)
    events = [ingest_event(at, observing, sha, size, "OS0001", observing, observed)]
    session.add(HoldingRow(sha256=sha, party=observing, role="original", since=at))
    for k, recipient in enumerate([observed, *others]):
        when = at + timedelta(days=k + 1)
        session.add(HoldingRow(sha256=sha, party=recipient, role="duplicate", since=when))
        citation = "Art. IX §III ¶2" if recipient == observed else "Art. IX §IV ¶1"
        events += [
            CustodyEvent(
                EventKind.COPY_MADE,
                when,
                observing,
                sha,
                "OS0001",
                {"source_sha256": sha, "first_generation": True},
            ),
            delivery_event(when, observing, sha, "OS0001", recipient, citation),
        ]
        if recipient != observed:
            session.add(
                CopyRequestRow(
                    requester=recipient,
                    sha256=sha,
                    request={"requesting_party": recipient, "observing_party": observing},
                    state="delivered",
                    requested_at=when,
                    decision={"outcome": "deliver"},
                )
            )
    events.append(download_event(at + timedelta(days=9), observed, sha, "OS0001"))
    for event in events:
        log.append(session, event)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--objects", required=True)
    parser.add_argument("--tokens", type=Path, required=True)
    parser.add_argument("--flights", type=int, default=2000)
    parser.add_argument("--messages-per-flight", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    out = seed(args.database_url, args.objects, args.flights, args.messages_per_flight, args.seed)
    args.tokens.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"seeded in {time.perf_counter() - t0:.0f} s; tokens in {args.tokens}")


if __name__ == "__main__":
    main()
