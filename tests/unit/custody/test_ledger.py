"""The signed transparency log: signatures, tree heads, witnesses, offline verification."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

pytest.importorskip(
    "cryptography",
    reason="Ed25519 needs the 'cryptography' package, which this environment does not have",
)

from openskies.custody import (
    CustodyEvent,
    Ed25519Signer,
    EventKind,
    SignedEvent,
    SignedTreeHead,
    TransparencyLog,
    parse_public_keys,
    sign_event,
    verify_log,
    verify_log_document,
    witness_cosign,
)
from openskies.errors import InputError

from ._fixtures import DUPLICATE, at, flight_events

# Fixed keys, so failures are reproducible (RFC 8032 allows any 32 bytes as a private key).
KEYS = {
    name: Ed25519Signer(bytes([i + 1]) * 32) for i, name in enumerate(("SWE", "DEU", "POL", "LOG"))
}
LOG_ID = "openskies-test"
PUBLIC = {
    "SWE": KEYS["SWE"].public_key,
    "DEU": KEYS["DEU"].public_key,
    "POL": KEYS["POL"].public_key,
    LOG_ID: KEYS["LOG"].public_key,
}


def build() -> tuple[TransparencyLog, SignedTreeHead, list[SignedEvent]]:
    log = TransparencyLog(LOG_ID)
    entries = [sign_event(e, KEYS[e.actor]) for e in flight_events()]
    for entry in entries:
        log.append(entry)
    head = log.tree_head(at("2022-01-10T09:00"), KEYS["LOG"])
    return log, head, entries


def kinds(report: Any) -> set[str]:
    return {p.kind for p in report.problems}


def test_a_log_of_signed_events_verifies_offline() -> None:
    log, head, entries = build()
    report = verify_log(entries, PUBLIC, head)
    assert report.ok, report.problems
    assert report.entries == 5
    assert report.root_hash == head.head.root_hash == log.root_hash()
    # The exported document, written to a file and read back, verifies the same way.
    doc = json.loads(json.dumps(log.export(head)))
    assert verify_log_document(doc, PUBLIC).as_json()["ok"] is True


def test_a_delivery_is_proven_to_be_in_the_log() -> None:
    log, head, _ = build()
    index = next(i for i in range(log.size) if log.entry(i).event.kind is EventKind.DELIVERED)
    proof = log.inclusion_proof(index, head.head.tree_size)
    assert verify_log([], PUBLIC, None).ok  # nothing to check, nothing wrong
    assert proof.verify(log.leaf(index), head.head.root_hash)
    delivered = log.entry(index).event
    assert (delivered.object_sha256, delivered.details["recipient"]) == (DUPLICATE, "DEU")
    # A different delivery (to Russia instead of Germany) has no proof under this root.
    forged = CustodyEvent(
        EventKind.DELIVERED,
        delivered.at,
        "SWE",
        DUPLICATE,
        "OS9042",
        {"recipient": "RUS", "request_id": "req-17"},
    )
    assert not proof.verify(sign_event(forged, KEYS["SWE"]).leaf(), head.head.root_hash)
    assert proof.as_json()["tree_size"] == 5


def test_every_changed_byte_of_a_delivery_entry_is_detected() -> None:
    log, head, _ = build()
    doc = log.export(head)
    leaf = doc["leaves"][2]
    for position in range(len(leaf)):
        tampered = json.loads(json.dumps(doc))
        changed = chr(ord(leaf[position]) ^ 1)
        tampered["leaves"][2] = leaf[:position] + changed + leaf[position + 1 :]
        report = verify_log_document(tampered, PUBLIC)
        assert not report.ok, position
        assert "root_mismatch" in kinds(report), position


def test_a_changed_recipient_breaks_the_signature_and_the_root() -> None:
    log, head, _ = build()
    doc = log.export(head)
    doc["leaves"][2] = doc["leaves"][2].replace('"recipient":"DEU"', '"recipient":"RUS"')
    report = verify_log_document(doc, PUBLIC)
    assert kinds(report) == {"event_signature", "root_mismatch"}
    assert {p.index for p in report.problems} == {2, None}


def test_a_changed_signature_byte_is_detected() -> None:
    _log, head, entries = build()
    entry = entries[2]
    bad = SignedEvent(
        entry.event, entry.key_id, bytes([entry.signature[0] ^ 1]) + entry.signature[1:]
    )
    report = verify_log([*entries[:2], bad, *entries[3:]], PUBLIC, head)
    assert kinds(report) == {"event_signature", "root_mismatch"}


def test_a_changed_root_or_size_in_the_tree_head_is_detected() -> None:
    log, head, _entries = build()
    doc = log.export(head)
    root = bytearray.fromhex(doc["tree_head"]["root_hash"])
    root[0] ^= 1
    doc["tree_head"]["root_hash"] = root.hex()
    assert kinds(verify_log_document(doc, PUBLIC)) == {"root_mismatch", "tree_head_signature"}
    doc = log.export(head)
    doc["tree_head"]["tree_size"] = 4
    assert kinds(verify_log_document(doc, PUBLIC)) == {"root_mismatch", "tree_head_signature"}
    doc["tree_head"]["tree_size"] = 6
    assert "tree_size" in kinds(verify_log_document(doc, PUBLIC))


def test_removing_or_reordering_entries_is_detected() -> None:
    _, head, entries = build()
    assert kinds(verify_log(entries[:2] + entries[3:], PUBLIC, head)) == {"tree_size"}
    swapped = [entries[1], entries[0], *entries[2:]]
    assert kinds(verify_log(swapped, PUBLIC, head)) == {"root_mismatch"}


def test_an_event_must_be_signed_by_its_actor() -> None:
    _, _, entries = build()
    download = flight_events()[3]  # Germany's download, signed here by Sweden's key
    forged = sign_event(download, KEYS["SWE"])
    report = verify_log([*entries[:3], forged], PUBLIC)
    assert [(p.index, p.kind) for p in report.problems] == [(3, "event_signature")]
    assert "not one of DEU's keys" in report.problems[0].message
    unknown = {k: v for k, v in PUBLIC.items() if k != "DEU"}
    assert "no public key known for DEU" in verify_log(entries, unknown).problems[0].message


def test_keys_can_rotate() -> None:
    _, head, entries = build()
    old_and_new = {**PUBLIC, "SWE": [Ed25519Signer(b"\x09" * 32).public_key, PUBLIC["SWE"]]}
    assert verify_log(entries, old_and_new, head).ok


def test_witnesses_cosign_only_a_consistent_extension() -> None:
    log, first, _ = build()
    pol = witness_cosign(None, first, (), "POL", KEYS["POL"], PUBLIC)
    assert verify_log(
        [log.entry(i) for i in range(log.size)], PUBLIC, pol, min_cosigners=1
    ).cosigners == ("POL",)
    # The log grows by one refusal; Poland checks the consistency proof and cosigns again.
    event = CustodyEvent(
        EventKind.REFUSED,
        at("2022-02-01T08:00"),
        "SWE",
        None,
        None,
        {"requester": "USA", "citations": ["Art. IX §IV ¶1; Art. XV ¶2"]},
    )
    log.append(sign_event(event, KEYS["SWE"]))
    second = log.tree_head(at("2022-02-01T09:00"), KEYS["LOG"])
    proof = log.consistency_proof(first.head.tree_size, second.head.tree_size)
    cosigned = witness_cosign(pol, second, proof, "POL", KEYS["POL"], PUBLIC)
    cosigned = witness_cosign(None, cosigned, (), "DEU", KEYS["DEU"], PUBLIC)
    entries = [log.entry(i) for i in range(log.size)]
    assert verify_log(entries, PUBLIC, cosigned, min_cosigners=2).ok
    assert "too_few_cosigners" in kinds(verify_log(entries, PUBLIC, cosigned, min_cosigners=3))
    # A log that rewrote entry 2 cannot get Poland's cosignature.
    rewritten = TransparencyLog(
        LOG_ID, [log.leaf(0), log.leaf(1), log.leaf(3), log.leaf(4), log.leaf(5)]
    )
    rewritten.append(sign_event(event, KEYS["SWE"]))
    fork = rewritten.tree_head(at("2022-02-01T09:00"), KEYS["LOG"])
    with pytest.raises(InputError, match="not consistent"):
        witness_cosign(pol, fork, rewritten.consistency_proof(5), "POL", KEYS["POL"], PUBLIC)
    unsigned = SignedTreeHead(second.head, ())
    with pytest.raises(InputError, match="not signed by the log"):
        witness_cosign(pol, unsigned, proof, "POL", KEYS["POL"], PUBLIC)


def test_a_bad_cosignature_is_reported() -> None:
    _log, head, entries = build()
    cosigned = head.cosigned("POL", KEYS["DEU"])  # Germany's key claiming to be Poland
    report = verify_log(entries, PUBLIC, cosigned)
    assert kinds(report) == {"cosignature"}
    assert report.cosigners == ()


def test_tree_head_and_public_keys_round_trip_through_json() -> None:
    _, head, _ = build()
    again = SignedTreeHead.from_json(json.loads(json.dumps(head.as_json())))
    assert again == head
    keys = parse_public_keys({k: base64.b64encode(v).decode() for k, v in PUBLIC.items()})
    assert keys["SWE"] == (PUBLIC["SWE"],)
    with pytest.raises(InputError, match="32"):
        parse_public_keys({"SWE": base64.b64encode(b"short").decode()})


def test_documents_of_another_format_or_shape_are_refused() -> None:
    log, head, _ = build()
    with pytest.raises(InputError, match="not a openskies-custody-log/1"):
        verify_log_document({"format": "x"}, PUBLIC)
    doc = log.export(head)
    doc["leaves"][0] = doc["leaves"][0].replace(":", ": ", 1)  # valid JSON, not canonical
    report = verify_log_document(doc, PUBLIC)
    assert (0, "malformed_leaf") in {(p.index, p.kind) for p in report.problems}
