"""Account for every original and copy by replaying the custody events against the treaty.

``audit_custody`` reads the events of a (verified) log in order and says, for each object,
what it is (an original set or a first generation duplicate), which flight it comes from,
to whom it was delivered and who downloaded it; and it lists every event the treaty does
not allow on its day, each as a ``Finding`` with its citation:

- a copy made from something that is not an original is not a first generation duplicate
  (Art. IX §IV ¶1);
- a delivery or a download by a State that is not a State Party on that day
  (Art. IX §IV ¶1; Art. XV ¶2);
- an original delivered to a State other than the observing or observed Party: others
  receive first generation duplicates (Art. IX §II-III, §IV ¶1);
- a delivery or download of an object the log never took into custody, or a download by a
  Party to which the object was never delivered (Art. IX §I ¶4: data are made available to
  States Parties only in accordance with Article IX).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from openskies.custody.events import CustodyEvent, EventKind
from openskies.treaty import Citation, Finding, TreatyData, is_state_party

__all__ = ["CustodyAudit", "CustodyItem", "ItemKind", "audit_custody", "objects_in_custody"]


class ItemKind(StrEnum):
    """What an object in custody is."""

    ORIGINAL = "original"  # an original set or original film negative (Art. IX §II-III)
    FIRST_GENERATION_DUPLICATE = "first_generation_duplicate"  # made from an original


@dataclass(frozen=True)
class CustodyItem:
    """One object in custody and what happened to it."""

    sha256: str
    kind: ItemKind
    flight_reference: str | None
    source_sha256: str | None
    ingested_by: str
    delivered_to: tuple[str, ...]
    downloaded_by: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        """The item as a JSON object."""
        return {
            "sha256": self.sha256,
            "kind": self.kind.value,
            "flight_reference": self.flight_reference,
            "source_sha256": self.source_sha256,
            "ingested_by": self.ingested_by,
            "delivered_to": list(self.delivered_to),
            "downloaded_by": list(self.downloaded_by),
        }


@dataclass(frozen=True)
class CustodyAudit:
    """Every object in custody, and every event the treaty does not allow on its day."""

    items: tuple[CustodyItem, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when every event is allowed."""
        return not self.findings


@dataclass
class _Item:
    kind: ItemKind
    flight_reference: str | None
    source: str | None
    by: str
    parties: frozenset[str] = frozenset()  # the observing and observed Party of an original
    delivered: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)


def _is_party_at(data: TreatyData, code: str, at: datetime) -> bool:
    return is_state_party(data, code, at.date())


def audit_custody(events: Iterable[CustodyEvent], data: TreatyData) -> CustodyAudit:
    """Replay custody events in log order; list the objects and the events not allowed."""
    items: dict[str, _Item] = {}
    findings: list[Finding] = []
    non_party = Citation("Art. IX §IV ¶1; Art. XV ¶2")
    unaccounted = Citation("Art. IX §I ¶4")
    for index, event in enumerate(events):
        where = f"entry {index} ({event.kind.value} at {event.at.isoformat()})"
        sha = event.object_sha256
        if event.kind is EventKind.INGEST and sha is not None:
            parties = frozenset(
                str(event.details[k]) for k in ("observing_party", "observed_party")
            )
            items.setdefault(
                sha, _Item(ItemKind.ORIGINAL, event.flight_reference, None, event.actor, parties)
            )
        elif event.kind is EventKind.COPY_MADE and sha is not None:
            source = str(event.details["source_sha256"])
            original = items.get(source)
            if original is None or original.kind is not ItemKind.ORIGINAL:
                findings.append(
                    Finding(
                        "copy_not_from_original",
                        Citation("Art. IX §IV ¶1"),
                        f"{where}: copy {sha[:12]} is made from {source[:12]}, which is not an "
                        "original in custody; copies are first generation duplicates produced "
                        "from the original data",
                        actual=event.at,
                    )
                )
            flight = event.flight_reference or (original.flight_reference if original else None)
            items.setdefault(
                sha, _Item(ItemKind.FIRST_GENERATION_DUPLICATE, flight, source, event.actor)
            )
        elif event.kind in (EventKind.DELIVERED, EventKind.DOWNLOADED) and sha is not None:
            party = (
                str(event.details["recipient"])
                if event.kind is EventKind.DELIVERED
                else event.actor
            )
            verb = "delivered to" if event.kind is EventKind.DELIVERED else "downloaded by"
            if not _is_party_at(data, party, event.at):
                findings.append(
                    Finding(
                        "not_a_party_on_the_day",
                        non_party,
                        f"{where}: object {sha[:12]} {verb} {party}, which is not a State Party "
                        f"on {event.at.date().isoformat()}",
                        actual=event.at,
                    )
                )
            item = items.get(sha)
            if item is None:
                findings.append(
                    Finding(
                        "object_not_in_custody",
                        unaccounted,
                        f"{where}: object {sha[:12]} {verb} {party} was never taken into custody "
                        "(no ingest or copy_made before)",
                        actual=event.at,
                    )
                )
                continue
            if event.kind is EventKind.DELIVERED:
                if item.kind is ItemKind.ORIGINAL and party not in item.parties:
                    findings.append(
                        Finding(
                            "original_to_third_state",
                            Citation("Art. IX §IV ¶1"),
                            f"{where}: original {sha[:12]} delivered to {party}, which is neither "
                            "the observing nor the observed Party; other States Parties receive "
                            "first generation duplicates",
                            actual=event.at,
                        )
                    )
                item.delivered.append(party)
            else:
                if party not in item.delivered and party != item.by:
                    findings.append(
                        Finding(
                            "download_without_delivery",
                            unaccounted,
                            f"{where}: {party} downloaded object {sha[:12]}, which was never "
                            "delivered to it",
                            actual=event.at,
                        )
                    )
                item.downloaded.append(party)
    return CustodyAudit(
        items=tuple(
            CustodyItem(
                sha256=sha,
                kind=item.kind,
                flight_reference=item.flight_reference,
                source_sha256=item.source,
                ingested_by=item.by,
                delivered_to=tuple(item.delivered),
                downloaded_by=tuple(item.downloaded),
            )
            for sha, item in items.items()
        ),
        findings=tuple(findings),
    )


def objects_in_custody(events: Iterable[CustodyEvent]) -> frozenset[str]:
    """The objects the events took into custody (ingested or copied): what the store must hold.

    ``verify_store(store, expected=objects_in_custody(events))`` then lists the missing ones.
    """
    return frozenset(
        e.object_sha256
        for e in events
        if e.kind in (EventKind.INGEST, EventKind.COPY_MADE) and e.object_sha256 is not None
    )
