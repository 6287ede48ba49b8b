"""Copies that name their recipient, over the real service: DEU uploads a frame, delivers
POL's duplicate and FRA's requested copy; each download is its own fingerprinted copy,
committed in the ledger; attacked leaks trace to POL and to FRA (``openskies data trace``);
non-image data go out unchanged and say so. SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from openskies.cli.main import app as cli
from openskies.custody import parse_public_keys, verify_log_document
from tests.integration.test_custody_flow import _fly, annotation_doc, request_doc
from tests.integration.test_custody_flow import custody_world as custody_world  # a fixture
from tests.unit.custody._imagery import crop, jpeg, psnr, scale, terrain


def _upload(world: Any, fid: str, body: bytes) -> str:
    return str(world.custody("DEU").upload(fid, body, annotation_doc())["sha256"])


def _get(world: Any, state: str, sha: str) -> bytes:
    out = io.BytesIO()
    world.custody(state).download(sha, out)  # signs the download; checks the copy's hash
    return out.getvalue()


def _deliveries(world: Any) -> dict[str, dict[str, Any]]:
    export = world.call("FRA", "GET", "/api/ledger/export").json()
    keys = parse_public_keys(world.call("FRA", "GET", "/api/ledger/keys").json())
    assert verify_log_document(export, keys).ok
    out = {}
    for index, leaf in enumerate(export["leaves"]):
        event = json.loads(leaf)["event"] if "event" in json.loads(leaf) else json.loads(leaf)
        if event.get("kind") == "delivered":
            out[event["details"]["recipient"] + ":" + event["object_sha256"]] = {
                **event["details"],
                "ledger_index": index,
            }
    return out


def test_each_copy_names_its_recipient_and_leaks_trace_back(custody_world, monkeypatch) -> None:
    world, objects = custody_world
    fid = _fly(world)
    frame = terrain(512, 512, seed=21)
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, "PNG")
    sha = _upload(world, fid, buffer.getvalue())
    raw = _upload(world, fid, b"SAR initial phase information " * 1000)

    for obj in (sha, raw):
        world.custody("DEU").deliver_duplicate(obj)
    world.clock.at = datetime(2020, 7, 1, 9, tzinfo=UTC)
    for obj in (sha, raw):
        asked = world.custody("FRA").request_copy(obj, request_doc())
        done = world.custody("DEU").deliver_request(asked["id"])
        assert done["state"] == "delivered"

    copies = {s: _get(world, s, sha) for s in ("POL", "FRA")}
    original = _get(world, "DEU", sha)
    assert original == buffer.getvalue()  # the observing Party holds the original, untouched
    assert copies["POL"] != copies["FRA"] != original
    for content in copies.values():
        assert psnr(frame, np.asarray(Image.open(io.BytesIO(content)))) >= 42.0

    deliveries = _deliveries(world)
    for state, content in copies.items():
        mark = deliveries[f"{state}:{sha}"]["fingerprint"]
        assert mark["status"] == "fingerprinted"
        assert mark["copy_sha256"] == hashlib.sha256(content).hexdigest()  # the ledger commits
        assert len(mark["code_commitment"]) == 64
    for state in ("POL", "FRA"):  # data that are not images go out unchanged, and say so
        mark = deliveries[f"{state}:{raw}"]["fingerprint"]
        assert mark["status"] == "unchanged" and "not a TIFF, PNG or JPEG" in mark["reason"]
        assert _get(world, state, raw).startswith(b"SAR initial")

    # FRA's copy re-compressed, cropped and scaled; POL's scaled: traced to each, by the CLI.
    leaks = objects.parent / "leaks"
    leaks.mkdir()
    for state, attack in (("FRA", lambda a: jpeg(scale(crop(a, 0.7, 1), 0.5))), ("POL", scale)):
        leaked = attack(np.asarray(Image.open(io.BytesIO(copies[state]))))
        path = leaks / f"{state}.jpg"
        Image.fromarray(leaked).save(path, quality=90)
        monkeypatch.setenv("OPENSKIES_DATABASE_URL", world.url)
        monkeypatch.setenv("OPENSKIES_OBJECT_STORE", str(objects))
        result = CliRunner().invoke(cli, ["data", "trace", str(path), "--json"])
        assert result.exit_code == 0, result.output
        doc = json.loads(result.output)
        assert doc["recipient"] == state, doc
        assert doc["ledger_index"] == deliveries[f"{state}:{sha}"]["ledger_index"]
        assert doc["delivery_id"] == deliveries[f"{state}:{sha}"]["fingerprint"]["delivery_id"]
        assert doc["score"] >= doc["threshold"] and [n["recipient"] for n in doc["named"]] == [
            state
        ]

    # The untouched original names no one: the trace says it cannot decide (exit 2).
    (leaks / "original.png").write_bytes(original)
    result = CliRunner().invoke(cli, ["data", "trace", str(leaks / "original.png"), "--json"])
    assert result.exit_code == 2 and json.loads(result.output)["recipient"] is None


def test_fingerprinting_can_be_turned_off(database_url: str, tmp_path: Path) -> None:
    """With the deployment setting off, copies are the original's bytes and the ledger says so."""
    from fastapi.testclient import TestClient

    from openskies.bootstrap import Settings, build_app
    from openskies.services.clock import FixedClock
    from tests.integration.conftest import World, fixture_data
    from tests.integration.test_custody_flow import START

    world = World(database_url, FixedClock(START), tmp_path / "o")
    settings = Settings(database_url, str(tmp_path / "o"), fingerprint=False)
    world.client = TestClient(
        build_app(settings, clock=world.clock, data=fixture_data(), route_checker=None)
    )
    with world.client:
        fid = _fly(world)
        buffer = io.BytesIO()
        Image.fromarray(terrain(128, 128, seed=2)).save(buffer, "PNG")
        sha = _upload(world, fid, buffer.getvalue())
        world.custody("DEU").deliver_duplicate(sha)
        assert _get(world, "POL", sha) == buffer.getvalue()
        mark = _deliveries(world)[f"POL:{sha}"]["fingerprint"]
        assert mark["status"] == "unchanged" and "off" in mark["reason"]
    world.engine.dispose()


def test_the_fingerprint_setting_is_read_from_the_environment() -> None:
    from openskies.bootstrap import Settings
    from openskies.errors import InputError

    assert Settings.from_environ({}).fingerprint is True
    assert Settings.from_environ({"OPENSKIES_FINGERPRINT": "off"}).fingerprint is False
    with pytest.raises(InputError, match="OPENSKIES_FINGERPRINT"):
        Settings.from_environ({"OPENSKIES_FINGERPRINT": "maybe"})
