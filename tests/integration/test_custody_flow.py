"""Sensor data from one flight: ingest, the observed Party's copy, a third Party's request,
a withdrawn State refused, and the ledger proving each event. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from openskies.adapters.custody_client import ServerError
from openskies.adapters.object_store import LocalObjectStore
from openskies.custody import (
    Ed25519Signer,
    delivery_event,
    download_event,
    key_id,
    parse_public_keys,
    sign_event,
    verify_log_document,
    verify_store,
)
from openskies.services.clock import FixedClock
from tests.integration.conftest import World

START = datetime(2020, 6, 1, 8, 0, tzinfo=UTC)
PAYLOAD = hashlib.sha256(b"seed").digest() * 40_000  # 1.28 MB of "imagery"


def annotation_doc() -> dict[str, Any]:
    return {
        "flight_reference": "OS0001",
        "flight_date": "2020-06-06",
        "sensor": "OPBP",
        "configuration": "INT1V",
        "focal_length_mm": 152,
        "records": [
            {
                "time": "2020-06-06T10:31Z",
                "hagl": "06500M",
                "position": "52.10N 020.90E",
                "magazine": 1,
                "frame": 1,
            }
        ],
    }


def annotation() -> str:
    return base64.urlsafe_b64encode(json.dumps(annotation_doc()).encode()).decode().rstrip("=")


def request_doc() -> dict[str, Any]:
    return {
        "observing_party": "DEU",
        "observed_party": "POL",
        "flight_date": "2020-06-06",
        "sensor": "OPBP",
        "duplicate_medium": "positive_film",
        "portions": [{"start": "2020-06-06T10:00Z", "end": "2020-06-06T11:00Z"}],
    }


@pytest.fixture
def custody_world(database_url: str, tmp_path: Path) -> Any:
    world = World(database_url, FixedClock(START), tmp_path / "objects")
    with world.client:
        yield world, tmp_path / "objects"
    world.engine.dispose()


def _fly(world: World) -> str:
    eta = START + timedelta(hours=96)
    fid = world.call(
        "DEU",
        "POST",
        "/api/flights",
        json={
            "observed": "POL",
            "point_of_entry": "pol-warszawa-okecie",
            "eta": eta.isoformat(),
            "pre_flight_inspection": {"place": "EPWA", "start": eta.isoformat()},
            "diplomatic_clearance": "X1",
            "aircraft": "A319OH",
            "approximate_distance_km": 900,
            "personnel": [
                {
                    "name": "A",
                    "gender": "F",
                    "date_of_birth": "1980-01-01",
                    "place_of_birth": "Bonn",
                    "passport_number": "P1",
                    "passport_issued_by": "DEU",
                    "function": "observer",
                }
            ],
        },
    ).json()["id"]
    world.call("POL", "POST", f"/api/flights/{fid}/acknowledge")
    world.clock.at = eta
    world.call("POL", "POST", f"/api/flights/{fid}/arrive")
    route = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[20.97, 52.17], [21.5, 51.5]]},
    }
    world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/mission-plan",
        json={"route": route, "planned_start": (eta + timedelta(hours=25)).isoformat()},
    )
    world.call("POL", "POST", f"/api/flights/{fid}/accept-mission-plan")
    world.clock.at = eta + timedelta(hours=25)
    world.call("DEU", "POST", f"/api/flights/{fid}/start-flight")
    world.clock.advance(hours=4)
    assert (
        world.call("DEU", "POST", f"/api/flights/{fid}/complete-flight").json()["state"]
        == "completed"
    )
    return fid


def test_custody_from_ingest_to_refusal_proved_by_the_ledger(custody_world) -> None:
    world, objects = custody_world
    fid = _fly(world)
    deu, pol, fra = (world.custody(s) for s in ("DEU", "POL", "FRA"))
    with pytest.raises(ServerError, match="403"):  # only the observing Party takes the original
        pol.upload(fid, PAYLOAD, annotation_doc())
    up = deu.upload(fid, PAYLOAD, annotation_doc())
    sha = up["sha256"]
    assert sha == hashlib.sha256(PAYLOAD).hexdigest() and up["size"] == len(PAYLOAD)

    # Art. IX §III ¶2: the observed Party gets its first generation duplicate.
    with pytest.raises(ServerError, match="403"):
        pol.download(sha, io.BytesIO())
    deu.deliver_duplicate(sha)
    got = io.BytesIO()
    pol.download(sha, got)
    assert got.getvalue() == PAYLOAD

    # Art. IX §IV ¶1: a third State Party requests copies and receives them.
    world.clock.at = datetime(2020, 7, 1, 9, tzinfo=UTC)
    asked = fra.request_copy(sha, request_doc())
    assert asked["state"] == "requested"
    delivered = deu.deliver_request(asked["id"])
    assert delivered["state"] == "delivered"
    got = io.BytesIO()
    fra.download(sha, got)
    assert got.getvalue() == PAYLOAD

    # The United States after its withdrawal took effect (22 Nov 2020) gets nothing: its
    # request is refused with the rule (no custody event: nothing happened to the data).
    world.clock.at = datetime(2021, 1, 10, 9, tzinfo=UTC)
    refused = world.call("USA", "POST", f"/api/data/{sha}/requests", json=request_doc())
    assert refused.status_code == 201 and refused.json()["state"] == "refused"
    citations = {f["citation"] for f in refused.json()["decision"]["findings"]}
    assert any("Art. IX §IV ¶1" in c and "Art. XV ¶2" in c for c in citations)
    assert refused.json()["ledger_index"] is None
    assert world.call("USA", "GET", f"/api/data/{sha}").status_code == 403
    assert world.call("USA", "GET", "/api/ledger/export").status_code == 403
    assert world.call("USA", "POST", "/api/keys", json={"event": {}}).status_code == 403
    gbr = world.custody("GBR")
    # The observed Party was notified of each request (Art. IX §IV ¶1).
    kinds = [m["kind"] for m in world.call("POL", "GET", "/api/messages").json()]
    assert kinds.count("copy_request") == 2
    # A request must name the flight the object comes from.
    with pytest.raises(ServerError, match="422"):
        gbr.request_copy(sha, {**request_doc(), "observed_party": "CZE"})

    # The ledger proves each event, offline, with the log's key pinned.
    export = world.call("FRA", "GET", "/api/ledger/export").json()
    keys = parse_public_keys(world.call("FRA", "GET", "/api/ledger/keys").json())
    report = verify_log_document(export, keys)
    assert report.ok, report.as_json()
    # 4 keys; ingest; delivered, downloaded (POL); requested, delivered, downloaded (FRA)
    assert report.entries == 10
    proof = world.call("FRA", "GET", f"/api/ledger/proof/{delivered['ledger_index']}").json()
    assert proof["entry"] and proof["proof"]

    # One changed byte of the log is detected: the delivery to France made out to Britain.
    tampered = copy.deepcopy(export)
    index = next(i for i, leaf in enumerate(tampered["leaves"]) if '"recipient":"FRA"' in leaf)
    tampered["leaves"][index] = tampered["leaves"][index].replace('"FRA"', '"GBR"')
    assert not verify_log_document(tampered, keys).ok

    # One changed byte of a stored object is detected.
    store = LocalObjectStore(objects)
    assert not verify_store(store).corrupt
    path = store.path_of(sha)
    raw = bytearray(path.read_bytes())
    raw[1000] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert verify_store(store).corrupt


def test_the_server_appends_only_what_the_actor_signed_and_it_observed(custody_world) -> None:
    world, _ = custody_world
    fid = _fly(world)
    deu = world.custody("DEU")
    sha = deu.upload(fid, PAYLOAD, annotation_doc())["sha256"]
    info = world.call("DEU", "GET", f"/api/data/{sha}/info").json()
    now = world.clock.now()

    def send(signed: list[Any]) -> Any:
        header = base64.urlsafe_b64encode(
            json.dumps([s.as_json() for s in signed]).encode()
        ).decode()
        return world.call(
            "DEU", "POST", f"/api/data/{sha}/deliver-duplicate", headers={"X-Custody-Event": header}
        )

    prepared = world.call("DEU", "POST", f"/api/data/{sha}/deliveries/prepare").json()
    (item,) = prepared["deliveries"]  # POL's copy, made before DEU signs its delivery

    def delivery(recipient: str, at: datetime = now) -> Any:
        return delivery_event(
            at,
            "DEU",
            sha,
            info["flight_reference"],
            recipient,
            "Art. IX §III ¶2",
            fingerprint=item["fingerprint"],
        )

    # A recipient the server did not observe (HUN for POL's duplicate) is refused.
    assert send([deu.sign(delivery("HUN"))]).status_code == 422
    # An event signed by a key DEU never registered (e.g. one the operator made) is refused.
    rogue = sign_event(delivery("POL"), Ed25519Signer.generate())
    assert send([rogue]).status_code == 403, send([rogue]).text
    # An event dated outside the window is refused.
    assert send([deu.sign(delivery("POL", now - timedelta(hours=1)))]).status_code == 422
    # No signed event at all is refused.
    assert world.call("DEU", "POST", f"/api/data/{sha}/deliver-duplicate").status_code == 422
    assert send([deu.sign(delivery("POL"))]).status_code == 200

    # A revoked key signs nothing any more; a rotated one hands over to the new key.
    old = deu.signer
    new = Ed25519Signer.generate()
    deu.signer = new
    deu.register_key(replaces=key_id(old.public_key))
    deu.signer = old
    with pytest.raises(ServerError, match="403"):
        deu.download(sha, io.BytesIO())
    deu.signer = new
    deu.download(sha, io.BytesIO())
    listed = {k["key_id"]: k for k in world.call("DEU", "GET", "/api/keys").json()}
    assert listed[key_id(old.public_key)]["revoked_at"] is not None
    assert listed[key_id(new.public_key)]["revoked_at"] is None

    export = world.call("DEU", "GET", "/api/ledger/export").json()
    keys = parse_public_keys(world.call("DEU", "GET", "/api/ledger/keys").json())
    assert verify_log_document(export, keys).ok
    # The old key cannot sign for DEU after the rotation, even offline.
    late = sign_event(download_event(now, "DEU", sha, info["flight_reference"]), old)
    forged = {**export, "leaves": [*export["leaves"], late.leaf().decode()]}
    problems = verify_log_document(forged, keys).problems
    assert [p.kind for p in problems] == ["event_signature"]
