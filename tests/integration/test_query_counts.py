"""Lists are paginated by cursor and cost the same number of queries whatever the size of
the record and of the page (no N+1); every page together is the whole list, once."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from openskies.adapters.orm import AgreementRow, FlightEventRow, FlightRow
from openskies.services.messages import post_message
from tests.integration.conftest import START, World


@contextmanager
def counted() -> Iterator[list[str]]:
    """Every SQL statement sent to any database while inside."""
    statements: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def seed(world: World, flights: int) -> None:
    """``flights`` flights (DEU over POL), each with 3 events, an agreement, 4 messages."""
    with world.sessions.begin() as session:
        for n in range(flights):
            fid = str(uuid.uuid4())
            eta = START + timedelta(days=n)
            session.add(
                FlightRow(
                    id=fid,
                    observing="DEU",
                    observed="POL",
                    observing_holder="DEU",
                    observed_holder="POL",
                    quota_year=eta.year,
                    eta=eta,
                    notified_at=eta - timedelta(hours=72),
                    state="acknowledged",
                    transit=[],
                    agreed_otherwise=[],
                    times={"notified_at": (eta - timedelta(hours=72)).isoformat()},
                    notification={"observed": "POL"},
                )
            )
            session.flush()
            for seq, step in enumerate(("notify", "acknowledge", "arrive"), start=1):
                session.add(FlightEventRow(flight_id=fid, seq=seq, step=step, at=eta, actor="DEU"))
            session.add(
                AgreementRow(flight_id=fid, rule="depart_by", proposed_by="DEU", proposed_at=eta)
            )
            for kind, to_all in (("notification", True), ("acknowledgement", False)) * 2:
                post_message(session, fid, kind, "DEU", ["POL"], to_all, {"n": n}, eta)


def _queries(world: World, path: str, who: str = "POL") -> tuple[int, Any]:
    with counted() as statements:
        response = world.call(who, "GET", path)
    assert response.status_code == 200, response.text
    return len(statements), response


def test_the_flight_list_costs_the_same_queries_at_any_size(world: World) -> None:
    seed(world, 3)
    small, _ = _queries(world, "/api/flights?limit=10")
    seed(world, 40)
    large, response = _queries(world, "/api/flights?limit=10")
    whole, _ = _queries(world, "/api/flights?limit=500")
    assert small == large == whole  # not one more query per flight
    assert large <= 5  # auth, flights, events, agreements (and BEGIN on SQLite)
    assert len(response.json()) == 10 and response.json()[0]["events"]


def test_a_page_reads_no_timeline_the_role_may_not_see(world: World) -> None:
    seed(world, 12)  # DEU over POL: France is neither
    other, response = _queries(world, "/api/flights?limit=10", "FRA")
    party, _ = _queries(world, "/api/flights?limit=10", "POL")
    assert [f["role"] for f in response.json()] == ["other_party"] * 10
    assert not any("events" in f or "agreements" in f for f in response.json())
    assert other == party - 2  # no events, no agreements read


def test_the_flight_list_pages_cover_every_flight_once(world: World) -> None:
    seed(world, 23)
    seen: list[str] = []
    path = "/api/flights?limit=5"
    while path:
        response = world.call("PRT", "GET", path)
        assert response.status_code == 200
        seen += [f["id"] for f in response.json()]
        link = response.headers.get("Link")
        path = link[1 : link.index(">")] if link else ""
    assert len(seen) == len(set(seen)) == 23
    assert world.call("PRT", "GET", "/api/flights?limit=501").status_code == 422
    assert world.call("PRT", "GET", "/api/flights?cursor=bm9wZQ").status_code == 422


def test_messages_are_chosen_by_the_database_a_page_at_a_time(world: World) -> None:
    seed(world, 3)
    small, _ = _queries(world, "/api/messages?limit=5")
    seed(world, 30)
    large, response = _queries(world, "/api/messages?limit=5")
    assert small == large <= 4
    assert len(response.json()) == 5 and "X-Next-Cursor" in response.headers
    inbox, cursor = [], None
    while True:
        query = "limit=50" + (f"&cursor={cursor}" if cursor else "")
        page = world.call("POL", "GET", f"/api/messages?{query}")
        inbox += page.json()
        cursor = page.headers.get("X-Next-Cursor")
        if cursor is None:
            break
    assert len(inbox) == 33 * 4 and all(m["from"] == "DEU" for m in inbox)
    outbox = world.call("POL", "GET", "/api/messages?box=outbox").json()
    assert outbox == []
    # FRA is named in none of them, but sees the copies to all States Parties.
    fra = world.call("FRA", "GET", "/api/messages?limit=500").json()
    assert len(fra) == 33 * 2 and all(m["to_all_parties"] for m in fra)


READS = {  # request -> most statements (SQLite's BEGINs included; fewer on PostgreSQL)
    "/api/flights?limit=100": 5,  # auth, the page, its events, its agreements: one transaction
    "/api/flights?limit=100 as FRA": 3,  # auth and the page: FRA sees no flight's timeline
    "/api/flights/{id} as FRA": 3,  # auth and the flight, one transaction (public copy)
    "/api/flights/{id} as POL": 9,  # the same, events, agreements; the audit append
    "/api/messages?limit=100": 3,  # auth and one filtered keyset SELECT, one transaction
    "/api/messages?box=outbox as DEU": 3,
    "/api/me": 2,
}


def _read_counts(world: World) -> dict[str, int]:
    with world.sessions() as session:
        fid = session.execute(select(FlightRow.id).order_by(FlightRow.eta).limit(1)).scalar_one()
    counts = {}
    for request in READS:
        path, _, who = request.partition(" as ")
        counts[request], _ = _queries(world, path.replace("{id}", fid), who or "POL")
    return counts


def test_each_read_costs_the_same_statements_at_any_size(world: World) -> None:
    seed(world, 3)
    small = _read_counts(world)
    seed(world, 37)
    large = _read_counts(world)
    assert small == large
    assert all(large[request] <= most for request, most in READS.items()), large


def _grow_ledger(world: World, entries: int) -> None:
    """Append signed events through the log's own append (leaf, head, subtree hashes)."""
    from openskies.custody import Ed25519Signer, key_registered_event, sign_event
    from openskies.custody.signed_log import b64
    from openskies.services.ledger import _append_leaf

    signer = Ed25519Signer.generate()
    event = key_registered_event(START, "DEU", b64(signer.public_key))
    with world.sessions.begin() as session:
        for _ in range(entries):
            _append_leaf(session, sign_event(event, signer))


def _ledger_reads(world: World, path: str) -> tuple[int, Any]:
    count, response = _queries(world, path, "FRA")
    with counted() as statements:
        world.call("FRA", "GET", path)
    leaf_reads = [s for s in statements if "ledger_leaves" in s and "max(" not in s]
    assert all("WHERE" in s for s in leaf_reads), leaf_reads  # never the whole log
    return count, response


def test_a_ledger_proof_and_head_cost_the_same_statements_at_any_size(world: World) -> None:
    """Inclusion and consistency proofs and the tree head read the log's size, the entry and
    the O(log n) stored subtree hashes: as many statements at 1,000 entries as at 10."""
    from openskies.custody import verify_consistency, verify_inclusion
    from openskies.custody.merkle import leaf_hash

    _grow_ledger(world, 10)
    small = [_ledger_reads(world, p)[0] for p in LEDGER_READS]
    _grow_ledger(world, 990)
    large = [_ledger_reads(world, p)[0] for p in LEDGER_READS]
    print("ledger statements at 10 and 1,000 entries:", small, large)
    assert small == large, (small, large)
    assert max(large[:3]) <= 6  # auth; the size, the entry, the subtree hashes (and BEGINs)
    proof = world.call("FRA", "GET", "/api/ledger/proof/700?size=999").json()
    root = base64.b64decode(proof["root_hash"])
    assert verify_inclusion(
        leaf_hash(proof["entry"].encode()),
        700,
        999,
        [bytes.fromhex(h) for h in proof["proof"]["path"]],
        root,
    )
    head = world.call("FRA", "GET", "/api/ledger/tree-head").json()
    step = world.call("FRA", "GET", "/api/ledger/consistency?first=999").json()
    assert verify_consistency(
        999,
        head["tree_size"],
        root,
        bytes.fromhex(head["root_hash"]),
        [bytes.fromhex(h) for h in step["path"]],
    )


LEDGER_READS = (
    "/api/ledger/proof/7",
    "/api/ledger/proof/3?size=9",
    "/api/ledger/consistency?first=5&second=9",
    "/api/ledger/tree-head",
)


def test_the_key_list_is_paged_and_costs_the_same_at_any_size(world: World) -> None:
    from openskies.adapters.orm import DelegationKeyRow

    def register(n: int, start: int) -> None:
        with world.sessions.begin() as session:
            for i in range(start, start + n):
                session.add(
                    DelegationKeyRow(
                        key_id=f"{i:064x}",
                        state="DEU",
                        public_key="00" * 32,
                        registered_at=START + timedelta(minutes=i % 7),
                    )
                )

    register(3, 0)
    small, _ = _queries(world, "/api/keys?limit=5")
    register(60, 3)
    large, response = _queries(world, "/api/keys?limit=5")
    assert small == large <= 4 and len(response.json()) == 5
    assert "X-Next-Cursor" in response.headers
    seen, cursor = [], None
    while True:
        page = world.call(
            "FRA", "GET", "/api/keys?limit=7" + (f"&cursor={cursor}" if cursor else "")
        )
        seen += [k["key_id"] for k in page.json()]
        cursor = page.headers.get("X-Next-Cursor")
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 63  # ties of time broken by key id, none twice
    assert world.call("FRA", "GET", "/api/keys?limit=501").status_code == 422
    assert world.call("FRA", "GET", "/api/keys?cursor=bm9wZQ").status_code == 422


def test_the_plan_list_is_chosen_by_the_database_a_page_at_a_time(world: World) -> None:
    """Named plans (POL's own) and flights' plans (DEU over POL): POL reads both, FRA
    neither, in two SELECTs a page (the plans with their flights, their versions)."""
    from openskies.adapters.orm import PlanRow, PlanVersionRow

    def plans(n: int) -> None:
        seed(world, n)
        with world.sessions.begin() as session:
            flights = (
                session.execute(
                    select(FlightRow.id)
                    .outerjoin(PlanRow, PlanRow.flight_id == FlightRow.id)
                    .where(PlanRow.id.is_(None))
                )
                .scalars()
                .all()
            )
            for i, fid in enumerate([*flights, *[None] * n]):
                pid = str(uuid.uuid4())
                session.add(
                    PlanRow(
                        id=pid,
                        owner="POL" if fid is None else "DEU",
                        name=f"p{i}",
                        observed="POL",
                        flight_id=fid,
                        created_at=START + timedelta(hours=i % 5),
                    )
                )
                session.flush()
                for number in (1, 2):
                    session.add(
                        PlanVersionRow(
                            plan_id=pid,
                            number=number,
                            kind="draft",
                            author="POL",
                            created_at=START,
                            route={},
                            details={},
                        )
                    )

    plans(2)
    small, _ = _queries(world, "/api/plans?limit=3")
    plans(25)
    large, response = _queries(world, "/api/plans?limit=3")
    assert small == large <= 5 and len(response.json()) == 3
    assert all(len(p["versions"]) == 2 for p in response.json())
    seen, cursor = [], None
    while True:
        got = world.call(
            "POL", "GET", "/api/plans?limit=8" + (f"&cursor={cursor}" if cursor else "")
        )
        assert got.status_code == 200, got.text
        seen += [p["id"] for p in got.json()]
        cursor = got.headers.get("X-Next-Cursor")
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 2 * 27
    assert world.call("FRA", "GET", "/api/plans?limit=500").json() == []
    deu = world.call("DEU", "GET", "/api/plans?limit=500").json()
    assert len(deu) == 27 and all(p["flight_id"] for p in deu)  # not POL's named plans
