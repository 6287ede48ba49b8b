"""Custody events: what happened to an original or a copy, by whom, when.

Each event is one leaf of the transparency log (``openskies.custody.signed_log``). It is
serialised canonically so that every State Party computes the same bytes from the same
event: JSON with sorted keys, no spaces, ASCII only (``\\uXXXX`` escapes), times as
``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``, and no floating-point numbers (their text differs between
languages); integers must lie within +/-2**53 so every JSON reader keeps them exact.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from openskies.canonical import canonical_json as encode_canonical
from openskies.custody.annotation import FlightReference
from openskies.errors import InputError

__all__ = [
    "NO_OBJECT",
    "REQUIRED_DETAILS",
    "CustodyEvent",
    "EventKind",
    "canonical_json",
    "delivery_event",
    "download_event",
    "format_utc",
    "ingest_event",
    "key_registered_event",
    "key_revoked_event",
    "parse_utc",
    "request_event",
]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_STATE = re.compile(r"[A-Z]{3}")
_MAX_INT = 2**53


class EventKind(StrEnum):
    """What happened to the data."""

    INGEST = "ingest"  # an original set taken into custody (Art. IX §II ¶6-7, §III ¶1-3)
    COPY_MADE = "copy_made"  # a first generation duplicate made from an original (Art. IX §IV ¶1)
    DELIVERED = "delivered"  # an original or duplicate handed to a State Party
    REFUSED = "refused"  # a copy request refused, with its citations
    DOWNLOADED = "downloaded"  # a recipient fetched the bytes of an object delivered to it
    REQUESTED = "requested"  # a State Party asked for duplicates (Art. IX §IV ¶1)
    KEY_REGISTERED = "key_registered"  # a delegation registered a public key it holds
    KEY_REVOKED = "key_revoked"  # a delegation withdrew one of its keys


REQUIRED_DETAILS: Mapping[EventKind, frozenset[str]] = MappingProxyType(
    {
        EventKind.INGEST: frozenset({"observing_party", "observed_party", "original_set"}),
        EventKind.COPY_MADE: frozenset({"source_sha256"}),
        EventKind.DELIVERED: frozenset({"recipient"}),
        EventKind.REFUSED: frozenset({"requester", "citations"}),
        EventKind.DOWNLOADED: frozenset(),
        EventKind.REQUESTED: frozenset({"request_sha256"}),
        EventKind.KEY_REGISTERED: frozenset({"public_key"}),
        EventKind.KEY_REVOKED: frozenset({"key_id"}),
    }
)
"""The ``details`` keys each kind of event must carry."""

NO_OBJECT = frozenset({EventKind.REFUSED, EventKind.KEY_REGISTERED, EventKind.KEY_REVOKED})
"""Kinds of event that name no stored object."""


def format_utc(at: datetime) -> str:
    """An aware datetime as canonical UTC text: ``2021-12-17T09:30:00Z``."""
    if at.tzinfo is None:
        raise InputError(f"time {at.isoformat()}: naive; give an aware UTC time")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_utc(text: Any, field_name: str) -> datetime:
    """Canonical UTC text (as ``format_utc`` writes it) back to an aware datetime."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise InputError(f"{field_name}: {text!r} is not a UTC time ending in Z")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{field_name}: {text!r} is not an ISO 8601 time") from None
    if format_utc(parsed) != text:
        raise InputError(f"{field_name}: {text!r} is not in canonical form")
    return parsed


def _check_json(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if not -_MAX_INT <= value <= _MAX_INT:
            raise InputError(f"{where}: integer {value} is outside +/-2**53")
        return
    if isinstance(value, float):
        raise InputError(f"{where}: floating-point numbers are not canonical; use an integer")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InputError(f"{where}: key {key!r} is not text")
            _check_json(item, f"{where}.{key}")
        return
    raise InputError(f"{where}: {type(value).__name__} is not a JSON value")


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no spaces, ASCII, no floats."""
    _check_json(value, "value")
    return encode_canonical(value)


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class CustodyEvent:
    """One custody event. ``actor`` is the acting delegation (a State code); it signs the event.

    ``object_sha256`` names the original or copy (the content address in the object store);
    every kind but ``refused`` and the key events has one. ``details`` holds the kind's facts: see
    ``REQUIRED_DETAILS`` and docs/custody.md.
    """

    kind: EventKind
    at: datetime
    actor: str
    object_sha256: str | None = None
    flight_reference: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.kind, EventKind):
            raise InputError(f"kind: {self.kind!r} is not one of {', '.join(EventKind)}")
        if self.at.tzinfo is None or self.at.utcoffset() != timedelta(0):
            raise InputError("at: must be an aware UTC time")
        if not isinstance(self.actor, str) or not _STATE.fullmatch(self.actor):
            raise InputError(f"actor: {self.actor!r} is not an ISO 3166 alpha-3 code")
        if self.object_sha256 is None and self.kind not in NO_OBJECT:
            raise InputError(f"object_sha256: a {self.kind.value} event names its object")
        if self.object_sha256 is not None and not (
            isinstance(self.object_sha256, str) and _SHA256.fullmatch(self.object_sha256)
        ):
            raise InputError(f"object_sha256: {self.object_sha256!r} is not 64 lowercase hex")
        if self.flight_reference is not None:
            FlightReference.parse(self.flight_reference)
        if not isinstance(self.details, Mapping):
            raise InputError("details: expected an object")
        missing = sorted(REQUIRED_DETAILS[self.kind] - set(self.details))
        if missing:
            raise InputError(f"details: a {self.kind.value} event needs {', '.join(missing)}")
        _check_json(dict(self.details), "details")
        object.__setattr__(self, "details", _freeze(self.details))

    def as_json(self) -> dict[str, Any]:
        """The event as a JSON object (all keys present, absent values as null)."""
        return {
            "kind": self.kind.value,
            "at": format_utc(self.at),
            "actor": self.actor,
            "object_sha256": self.object_sha256,
            "flight_reference": self.flight_reference,
            "details": _thaw(self.details),
        }

    def canonical(self) -> bytes:
        """The canonical bytes of the event (what its actor signs)."""
        return canonical_json(self.as_json())

    @classmethod
    def from_json(cls, doc: Any) -> CustodyEvent:
        """Read an event from its JSON object; ``InputError`` names the bad key."""
        if not isinstance(doc, Mapping):
            raise InputError("event: expected an object")
        keys = {"kind", "at", "actor", "object_sha256", "flight_reference", "details"}
        if set(doc) != keys:
            raise InputError(f"event: keys must be exactly {', '.join(sorted(keys))}")
        try:
            kind = EventKind(doc["kind"])
        except ValueError:
            raise InputError(
                f"kind: {doc['kind']!r} is not one of {', '.join(EventKind)}"
            ) from None
        return cls(
            kind=kind,
            at=parse_utc(doc["at"], "at"),
            actor=doc["actor"],
            object_sha256=doc["object_sha256"],
            flight_reference=doc["flight_reference"],
            details=doc["details"],
        )


# ---------------------------------------------------------------------------------------------
# The events of each custody action, built the same way by the client that signs them and by
# the server that checks them against what it observed (web/src/custody.js builds the same).


def ingest_event(
    at: datetime,
    actor: str,
    sha256: str,
    size: int,
    flight_reference: str | None,
    observing: str,
    observed: str,
) -> CustodyEvent:
    """The observing Party takes an original into custody (Art. IX §II ¶6, §III ¶2)."""
    return CustodyEvent(
        EventKind.INGEST,
        at,
        actor,
        sha256,
        flight_reference or None,
        {"observing_party": observing, "observed_party": observed, "original_set": 1, "size": size},
    )


def delivery_event(
    at: datetime,
    actor: str,
    sha256: str,
    flight_reference: str | None,
    recipient: str,
    citation: str,
    request_id: int | None = None,
    fingerprint: Mapping[str, Any] | None = None,
) -> CustodyEvent:
    """An original's duplicate handed to ``recipient`` (Art. IX §III ¶2 or §IV ¶1);
    ``fingerprint`` commits to the recipient's own copy (what the server prepared)."""
    details: dict[str, Any] = {"recipient": recipient, "citation": citation}
    if request_id is not None:
        details["request_id"] = request_id
    if fingerprint is not None:
        details["fingerprint"] = dict(fingerprint)
    return CustodyEvent(EventKind.DELIVERED, at, actor, sha256, flight_reference or None, details)


def download_event(
    at: datetime,
    actor: str,
    sha256: str,
    flight_reference: str | None,
    copy_sha256: str | None = None,
) -> CustodyEvent:
    """A holder fetched the bytes of an object it holds (its own fingerprinted copy, if any)."""
    details = {"copy_sha256": copy_sha256} if copy_sha256 else {}
    return CustodyEvent(EventKind.DOWNLOADED, at, actor, sha256, flight_reference or None, details)


def request_event(
    at: datetime,
    actor: str,
    sha256: str,
    flight_reference: str | None,
    request: Mapping[str, Any],
) -> CustodyEvent:
    """A State Party's copy request (Art. IX §IV ¶1): commits to the request's canonical JSON."""
    digest = hashlib.sha256(canonical_json(dict(request))).hexdigest()
    return CustodyEvent(
        EventKind.REQUESTED, at, actor, sha256, flight_reference or None, {"request_sha256": digest}
    )


def key_registered_event(
    at: datetime, actor: str, public_key_b64: str, replaces: str | None = None
) -> CustodyEvent:
    """A delegation registers a key it holds (signed by that key), maybe replacing one."""
    details: dict[str, Any] = {"public_key": public_key_b64}
    if replaces is not None:
        details["replaces"] = replaces
    return CustodyEvent(EventKind.KEY_REGISTERED, at, actor, details=details)


def key_revoked_event(at: datetime, actor: str, key_id: str) -> CustodyEvent:
    """A delegation withdraws one of its keys."""
    return CustodyEvent(EventKind.KEY_REVOKED, at, actor, details={"key_id": key_id})
