"""Shared builders for the custody tests: events of one flight's data, in order."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from openskies.custody import CustodyEvent, EventKind


def sha(text: str) -> str:
    """A content address for test objects."""
    return hashlib.sha256(text.encode()).hexdigest()


ORIGINAL = sha("original film negative, roll 1")
DUPLICATE = sha("first generation duplicate, roll 1")


def at(text: str) -> datetime:
    """Aware UTC time from ISO text without offset."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def flight_events() -> list[CustodyEvent]:
    """Sweden's 2019 flight over Poland: ingest, copy, delivery to Germany, its download."""
    return [
        CustodyEvent(
            EventKind.INGEST,
            at("2019-06-06T09:00"),
            "SWE",
            ORIGINAL,
            "OS9042",
            {"observing_party": "SWE", "observed_party": "POL", "original_set": 1},
        ),
        CustodyEvent(
            EventKind.COPY_MADE,
            at("2019-06-06T12:00"),
            "SWE",
            DUPLICATE,
            "OS9042",
            {"source_sha256": ORIGINAL, "medium": "positive_film"},
        ),
        CustodyEvent(
            EventKind.DELIVERED,
            at("2020-02-01T10:00"),
            "SWE",
            DUPLICATE,
            "OS9042",
            {"recipient": "DEU", "request_id": "req-17"},
        ),
        CustodyEvent(
            EventKind.DOWNLOADED,
            at("2020-02-01T10:05"),
            "DEU",
            DUPLICATE,
            "OS9042",
            {"request_id": "req-17"},
        ),
        CustodyEvent(
            EventKind.REFUSED,
            at("2022-01-10T08:00"),
            "SWE",
            None,
            "OS9042",
            {
                "requester": "RUS",
                "request_id": "req-18",
                "citations": ["Art. IX §IV ¶1; Art. XV ¶2"],
            },
        ),
    ]
