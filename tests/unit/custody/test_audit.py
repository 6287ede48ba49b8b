"""Every original and copy accounted for: the custody events replayed against the treaty."""

from __future__ import annotations

from openskies.custody import (
    CustodyEvent,
    EventKind,
    ItemKind,
    audit_custody,
    objects_in_custody,
)
from openskies.treaty import TreatyData

from ._fixtures import DUPLICATE, ORIGINAL, at, flight_events, sha


def test_a_lawful_history_accounts_for_the_original_and_its_duplicate(data: TreatyData) -> None:
    audit = audit_custody(flight_events(), data)
    assert audit.ok, audit.findings
    items = {item.sha256: item for item in audit.items}
    assert items[ORIGINAL].kind is ItemKind.ORIGINAL
    assert items[DUPLICATE].kind is ItemKind.FIRST_GENERATION_DUPLICATE
    assert items[DUPLICATE].source_sha256 == ORIGINAL
    assert items[DUPLICATE].delivered_to == ("DEU",)
    assert items[DUPLICATE].downloaded_by == ("DEU",)
    assert items[DUPLICATE].as_json()["flight_reference"] == "OS9042"


def test_art_xv_2_a_delivery_to_russia_after_18_december_2021_is_flagged(
    data: TreatyData,
) -> None:
    delivery = CustodyEvent(
        EventKind.DELIVERED,
        at("2021-12-18T10:00"),
        "SWE",
        DUPLICATE,
        "OS9042",
        {"recipient": "RUS"},
    )
    download = CustodyEvent(EventKind.DOWNLOADED, at("2021-12-18T10:05"), "RUS", DUPLICATE)
    audit = audit_custody([*flight_events()[:2], delivery, download], data)
    assert [f.rule for f in audit.findings] == ["not_a_party_on_the_day"] * 2
    assert {f.citation.text for f in audit.findings} == {"Art. IX §IV ¶1; Art. XV ¶2"}
    # The day before, Russia was still a State Party.
    earlier = CustodyEvent(
        EventKind.DELIVERED,
        at("2021-12-17T23:59"),
        "SWE",
        DUPLICATE,
        None,
        {"recipient": "RUS"},
    )
    assert audit_custody([*flight_events()[:2], earlier], data).ok


def test_art_ix_4_1_a_copy_of_a_copy_is_not_a_first_generation_duplicate(
    data: TreatyData,
) -> None:
    second_generation = CustodyEvent(
        EventKind.COPY_MADE,
        at("2019-06-07T09:00"),
        "SWE",
        sha("copy of the copy"),
        None,
        {"source_sha256": DUPLICATE},
    )
    audit = audit_custody([*flight_events()[:2], second_generation], data)
    (finding,) = audit.findings
    assert (finding.rule, finding.citation.text) == ("copy_not_from_original", "Art. IX §IV ¶1")


def test_art_ix_1_4_objects_out_of_nowhere_and_downloads_without_delivery(
    data: TreatyData,
) -> None:
    unknown = sha("never ingested")
    events = [
        *flight_events()[:2],
        CustodyEvent(
            EventKind.DELIVERED, at("2020-01-01T00:00"), "SWE", unknown, None, {"recipient": "DEU"}
        ),
        CustodyEvent(EventKind.DOWNLOADED, at("2020-01-02T00:00"), "FRA", DUPLICATE),
    ]
    rules = [f.rule for f in audit_custody(events, data).findings]
    assert rules == ["object_not_in_custody", "download_without_delivery"]


def test_art_ix_4_1_third_states_get_duplicates_not_originals(data: TreatyData) -> None:
    to_poland = CustodyEvent(
        EventKind.DELIVERED, at("2019-06-07T00:00"), "SWE", ORIGINAL, None, {"recipient": "POL"}
    )
    to_germany = CustodyEvent(
        EventKind.DELIVERED, at("2019-06-07T00:00"), "SWE", ORIGINAL, None, {"recipient": "DEU"}
    )
    assert audit_custody([*flight_events()[:2], to_poland], data).ok
    (finding,) = audit_custody([*flight_events()[:2], to_germany], data).findings
    assert finding.rule == "original_to_third_state"


def test_the_store_must_hold_every_object_taken_into_custody() -> None:
    assert objects_in_custody(flight_events()) == {ORIGINAL, DUPLICATE}
