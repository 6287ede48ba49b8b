"""Sensor data from one flight: ingest, the observed Party's copy, a third Party's request,
a withdrawn State refused, and the ledger proving each event. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from openskies.adapters.object_store import LocalObjectStore
from openskies.custody import (
    parse_public_keys,
    verify_log_document,
    verify_store,
)
from openskies.services.clock import FixedClock
from tests.integration.conftest import World

START = datetime(2020, 6, 1, 8, 0, tzinfo=UTC)
PAYLOAD = hashlib.sha256(b"seed").digest() * 40_000  # 1.28 MB of "imagery"


def annotation() -> str:
    doc = {
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
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


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
    early = world.call(
        "POL",
        "POST",
        f"/api/flights/{fid}/data",
        content=PAYLOAD,
        headers={"X-Annotation": annotation()},
    )
    assert early.status_code == 403  # only the observing Party takes the original
    up = world.call(
        "DEU",
        "POST",
        f"/api/flights/{fid}/data",
        content=PAYLOAD,
        headers={"X-Annotation": annotation()},
    )
    assert up.status_code == 201, up.text
    sha = up.json()["sha256"]
    assert sha == hashlib.sha256(PAYLOAD).hexdigest() and up.json()["size"] == len(PAYLOAD)

    # Art. IX §III ¶2: the observed Party gets its first generation duplicate.
    assert world.call("POL", "GET", f"/api/data/{sha}").status_code == 403
    world.call("DEU", "POST", f"/api/data/{sha}/deliver-duplicate")
    assert world.call("POL", "GET", f"/api/data/{sha}").content == PAYLOAD

    # Art. IX §IV ¶1: a third State Party requests copies and receives them.
    world.clock.at = datetime(2020, 7, 1, 9, tzinfo=UTC)
    asked = world.call("FRA", "POST", f"/api/data/{sha}/requests", json=request_doc()).json()
    assert asked["state"] == "requested"
    delivered = world.call("DEU", "POST", f"/api/data/requests/{asked['id']}/deliver").json()
    assert delivered["state"] == "delivered"
    assert world.call("FRA", "GET", f"/api/data/{sha}").content == PAYLOAD

    # The United States after its withdrawal took effect (22 Nov 2020) gets nothing.
    world.clock.at = datetime(2021, 1, 10, 9, tzinfo=UTC)
    refused = world.call("USA", "POST", f"/api/data/{sha}/requests", json=request_doc())
    assert refused.status_code == 201 and refused.json()["state"] == "refused"
    citations = {f["citation"] for f in refused.json()["decision"]["findings"]}
    assert any("Art. IX §IV ¶1" in c and "Art. XV ¶2" in c for c in citations)
    assert world.call("USA", "GET", f"/api/data/{sha}").status_code == 403
    assert world.call("USA", "GET", "/api/ledger/export").status_code == 403
    # The observed Party was notified of each request (Art. IX §IV ¶1).
    kinds = [m["kind"] for m in world.call("POL", "GET", "/api/messages").json()]
    assert kinds.count("copy_request") == 2
    # A request must name the flight the object comes from.
    wrong = world.call(
        "GBR", "POST", f"/api/data/{sha}/requests", json={**request_doc(), "observed_party": "CZE"}
    )
    assert wrong.status_code == 422

    # The ledger proves each event, offline, with the public keys.
    export = world.call("FRA", "GET", "/api/ledger/export").json()
    keys = parse_public_keys(world.call("FRA", "GET", "/api/ledger/keys").json())
    report = verify_log_document(export, keys)
    assert report.ok, report.as_json()
    # ingest; copy made, delivered, downloaded (POL); the same for FRA; refused (USA)
    assert report.entries == 8
    proof = world.call("FRA", "GET", f"/api/ledger/proof/{delivered['ledger_index']}").json()
    assert proof["entry"] and proof["proof"]

    # One changed byte of the log is detected: the delivery to France made out to Britain.
    tampered = copy.deepcopy(export)
    index = next(i for i, leaf in enumerate(tampered["leaves"]) if '"FRA"' in leaf)
    tampered["leaves"][index] = tampered["leaves"][index].replace('"FRA"', '"GBR"')
    assert not verify_log_document(tampered, keys).ok

    # One changed byte of a stored object is detected.
    store = LocalObjectStore(objects)
    assert not verify_store(store).corrupt
    path = store.path_of(sha)
    raw = bytearray(path.read_bytes())
    raw[1000] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert [str(c) for c in verify_store(store).corrupt] or verify_store(store).corrupt
