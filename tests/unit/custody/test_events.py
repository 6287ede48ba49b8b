"""Custody events and their canonical form (the bytes every Party signs and hashes alike)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from openskies.custody import CustodyEvent, EventKind, canonical_json
from openskies.errors import InputError

from ._fixtures import ORIGINAL, at, flight_events


def test_canonical_form_is_sorted_compact_ascii() -> None:
    assert canonical_json({"b": 1, "a": ["é", None, True]}) == b'{"a":["\\u00e9",null,true],"b":1}'


def test_canonical_form_refuses_floats_and_huge_integers() -> None:
    with pytest.raises(InputError, match="floating-point"):
        canonical_json({"hagl_m": 1500.5})
    with pytest.raises(InputError, match="2\\*\\*53"):
        canonical_json({"n": 2**60})


def test_event_round_trips_and_its_bytes_are_stable() -> None:
    for event in flight_events():
        again = CustodyEvent.from_json(event.as_json())
        assert again == event
        assert again.canonical() == event.canonical()
    first = flight_events()[0].canonical()
    assert first.startswith(b'{"actor":"SWE","at":"2019-06-06T09:00:00Z","details":{')


def test_event_details_are_immutable_and_required_per_kind() -> None:
    event = flight_events()[0]
    with pytest.raises(TypeError):
        event.details["original_set"] = 2  # type: ignore[index]
    with pytest.raises(InputError, match="needs recipient"):
        CustodyEvent(EventKind.DELIVERED, at("2020-01-01T00:00"), "SWE", ORIGINAL, details={})
    with pytest.raises(InputError, match="names its object"):
        CustodyEvent(EventKind.DOWNLOADED, at("2020-01-01T00:00"), "DEU")


def test_event_fields_are_checked() -> None:
    ok = {"object_sha256": ORIGINAL, "details": {"recipient": "DEU"}}
    with pytest.raises(InputError, match="at: must be an aware UTC"):
        CustodyEvent(EventKind.DELIVERED, datetime(2020, 1, 1), "SWE", **ok)  # type: ignore[arg-type]  # noqa: DTZ001 - naive on purpose
    plus_one = datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(InputError, match="at: must be an aware UTC"):
        CustodyEvent(EventKind.DELIVERED, plus_one, "SWE", **ok)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="actor"):
        CustodyEvent(EventKind.DELIVERED, at("2020-01-01T00:00"), "Sweden", **ok)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="object_sha256"):
        CustodyEvent(EventKind.DOWNLOADED, at("2020-01-01T00:00"), "DEU", "ABC")
    with pytest.raises(InputError, match="flight_reference"):
        CustodyEvent(EventKind.DOWNLOADED, at("2020-01-01T00:00"), "DEU", ORIGINAL, "OS42")
    doc = flight_events()[0].as_json()
    doc["at"] = "2019-06-06T09:00:00+00:00"
    with pytest.raises(InputError, match=r"at: .*ending in Z"):
        CustodyEvent.from_json(doc)
    doc["at"] = "2019-06-06T09:00:00.000000Z"
    with pytest.raises(InputError, match="canonical form"):
        CustodyEvent.from_json(doc)
