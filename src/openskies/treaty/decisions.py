"""Decisions of the OSCC as dated entries: passive quotas, distributions, transfers.

A decision file is YAML in the package's schema (see docs/decisions.md). The shipped file
``data/decisions.yaml`` holds the decisions found in public sources; a deployment adds its
own (many OSCC decisions are not public) from a directory named by a setting, which the
edge reads and hands here as text. Both go through ``apply_decisions``: a decision is a new
dated entry, never an edit, and a clash names both files.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType
from typing import Any

import yaml

from openskies.errors import DataError
from openskies.treaty._load import _citation, _get, _history, _int_value, _opt
from openskies.treaty.citation import Citation
from openskies.treaty.history import Dated, History
from openskies.treaty.model import (
    DecisionRecord,
    QuotaHolder,
    RecordedDistribution,
    RecordedTransfer,
    TreatyData,
    TreatyFlight,
)

__all__ = [
    "HOW_TO_RECORD",
    "DecisionSource",
    "apply_decisions",
    "distribution_text",
    "missing_passive_quota",
    "shipped_decisions",
]

KEYS = ("metadata", "passive_quotas", "distributions", "transfers")

HOW_TO_RECORD = (
    "record it as a dated entry in a YAML file of the deployment's decisions directory "
    "(the setting OPENSKIES_DECISIONS_DIR; schema in docs/decisions.md), e.g. "
    "passive_quotas: {{{holder}: {{YYYY-MM-DD: {{value: N, reference: 'OSCC.DEC/..'}}}}}}"
)


@dataclasses.dataclass(frozen=True)
class DecisionSource:
    """The text of one decision file and the name it is listed under (its path)."""

    name: str
    text: str


def missing_passive_quota(holder: str, year: int) -> str:
    """The message of every refusal for want of a passive quota (Ann. A §I ¶2)."""
    return (
        f"the passive quota of {holder} in {year} is not known: it is set by an OSCC decision "
        "(Ann. A §I ¶2) not found in public sources; once the decision is known, "
        + HOW_TO_RECORD.format(holder=holder)
    )


def _is_placeholder(entry: Dated[int | None]) -> bool:
    return entry.value is None and entry.citation.text == "Ann. A §I ¶2"


def _uri(source: str) -> str:
    return source if "://" in source else f"file://{source}"


def _passive(
    content: Mapping[str, Any],
    source: str,
    holders: dict[str, QuotaHolder],
    records: list[DecisionRecord],
) -> None:
    raw = _opt(content, "passive_quotas", source, dict) or {}
    for code, dated in raw.items():
        where = f"{source}:passive_quotas.{code}"
        if code not in holders:
            raise DataError(
                f"{where}: {code!r} is not a quota holder (see quotas.yaml, states.yaml)"
            )
        if isinstance(dated, dict):
            dated = {
                day: {**e, "reference": _local_ref(e, source)}
                if isinstance(e, dict) and "reference" in e
                else e
                for day, e in dated.items()
            }
        new = _history(f"passive quota of {code}", dated, where, _int_value)
        old = holders[code].passive_quota
        kept = [e for e in old.entries if not _is_placeholder(e)]
        clash = {e.effective for e in kept} & {e.effective for e in new.entries}
        if clash:
            days = ", ".join(sorted(d.isoformat() for d in clash))
            raise DataError(f"{where}: a passive quota of {code} is already dated {days}")
        # "not found" holds only until the first recorded decision
        first = new.first_effective
        placeholders = [e for e in old.entries if _is_placeholder(e) and e.effective < first]
        history = History.of(old.name, [*kept, *placeholders, *new.entries])
        holders[code] = dataclasses.replace(holders[code], passive_quota=history)
        for e in new.entries:
            records.append(
                DecisionRecord(
                    "passive_quota",
                    code,
                    e.effective,
                    "unknown" if e.value is None else f"{e.value} flights a year",
                    e.citation,
                    source,
                    e.note,
                )
            )


def _local_ref(entry: Mapping[str, Any], source: str) -> Any:
    ref = entry["reference"]
    url = entry.get("url")
    if isinstance(ref, str) and url is None and not Citation(ref, "x").is_treaty:
        return {"text": ref, "url": _uri(source)}
    if isinstance(ref, dict) and ref.get("url") is None:
        return {**ref, "url": _uri(source)}
    return ref


def _flights(raw: Any, where: str, holders: Mapping[str, QuotaHolder]) -> tuple[TreatyFlight, ...]:
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected observing Party -> list of {{observed, flights}}")
    out = []
    for observing, rows in raw.items():
        if not isinstance(rows, list):
            raise DataError(f"{where}.{observing}: expected a list of {{observed, flights}}")
        for i, row in enumerate(rows):
            here = f"{where}.{observing}[{i}]"
            if not isinstance(row, dict):
                raise DataError(f"{here}: expected {{observed, flights}}")
            flights = _get(row, "flights", here, int)
            if flights < 0:
                raise DataError(f"{here}.flights: must be >= 0")
            flight = TreatyFlight(
                observing,
                _get(row, "observed", here, str),
                flights,
                _opt(row, "shared_with", here, str),
            )
            for code in (flight.observing, flight.observed, flight.shared_with):
                if code is not None and code not in holders:
                    raise DataError(f"{here}: {code!r} is not a quota holder")
            if flight.observing == flight.observed:
                raise DataError(f"{here}: a Party does not observe itself (Art. I ¶1)")
            out.append(flight)
    return tuple(out)


def _distributions(
    content: Mapping[str, Any],
    source: str,
    data: TreatyData,
    holders: Mapping[str, QuotaHolder],
    found: dict[int, list[RecordedDistribution]],
    records: list[DecisionRecord],
) -> None:
    for i, raw in enumerate(_opt(content, "distributions", source, list) or []):
        where = f"{source}:distributions[{i}]"
        if not isinstance(raw, dict):
            raise DataError(f"{where}: expected {{year, reference, flights}}")
        year = _get(raw, "year", where, int)
        if year < data.entry_into_force.year:
            raise DataError(f"{where}.year: {year} is before the treaty entered into force")
        ref = _local_ref(raw, source)
        recorded = RecordedDistribution(
            year,
            _flights(_get(raw, "flights", where, dict), f"{where}.flights", holders),
            _citation(ref, where),
            source,
            _opt(raw, "label", where, str),
        )
        for other in found.get(year, []):
            both = recorded.observing & other.observing
            if both:
                raise DataError(
                    f"{where}: the distribution for {year} of {', '.join(sorted(both))} is "
                    f"already recorded in {other.source}; a change is a transfer "
                    "(Art. III §I ¶9), not an edit"
                )
        found.setdefault(year, []).append(recorded)
        for observing in sorted(recorded.observing):
            rows = [f for f in recorded.flights if f.observing == observing]
            value = ", ".join(f"{f.flights} over {f.observed}" for f in rows)
            records.append(
                DecisionRecord(
                    "distribution",
                    observing,
                    date(year, 1, 1),
                    value,
                    recorded.citation,
                    source,
                    recorded.label,
                )
            )


def _transfers(
    content: Mapping[str, Any],
    source: str,
    holders: Mapping[str, QuotaHolder],
    found: list[RecordedTransfer],
    records: list[DecisionRecord],
) -> None:
    for i, raw in enumerate(_opt(content, "transfers", source, list) or []):
        where = f"{source}:transfers[{i}]"
        if not isinstance(raw, dict):
            raise DataError(f"{where}: expected a mapping")
        if raw.get("agreed_by_observed") is not True:
            raise DataError(
                f"{where}.agreed_by_observed: a transfer needs the agreement of the State "
                "Party to be overflown (Art. III §I ¶9); set it to true"
            )
        notified = _get(raw, "notified", where, date)
        transfer = RecordedTransfer(
            _get(raw, "year", where, int),
            _get(raw, "transferor", where, str),
            _get(raw, "recipient", where, str),
            _get(raw, "observed", where, str),
            _get(raw, "flights", where, int),
            _citation(_local_ref(raw, source), where),
            source,
        )
        for code in (transfer.transferor, transfer.recipient, transfer.observed):
            if code not in holders:
                raise DataError(f"{where}: {code!r} is not a quota holder")
        if transfer.flights < 1:
            raise DataError(f"{where}.flights: a transfer moves at least one flight")
        found.append(transfer)
        records.append(
            DecisionRecord(
                "transfer",
                transfer.transferor,
                notified,
                f"{transfer.flights} over {transfer.observed} to {transfer.recipient} "
                f"in {transfer.year}",
                transfer.citation,
                source,
            )
        )


def apply_decisions(data: TreatyData, sources: Sequence[DecisionSource]) -> TreatyData:
    """``data`` with the decisions of ``sources`` added as dated entries, all checked.

    Raises ``DataError`` naming the file and key of the first entry that breaks the schema
    or clashes with a decision already held.
    """
    holders = dict(data.holders)
    found = {year: list(d) for year, d in data.distributions.items()}
    transfers = list(data.transfers)
    records = list(data.decisions)
    for source in sources:
        try:
            content = yaml.safe_load(source.text)
        except yaml.YAMLError as exc:
            raise DataError(f"{source.name}: not valid YAML: {exc}") from exc
        if content is None:
            continue
        if not isinstance(content, dict):
            raise DataError(f"{source.name}: the top level must be a mapping")
        unknown = sorted(set(content) - set(KEYS))
        if unknown:
            raise DataError(f"{source.name}: unknown key(s) {unknown}; one of {list(KEYS)}")
        _passive(content, source.name, holders, records)
        _distributions(content, source.name, data, holders, found, records)
        _transfers(content, source.name, holders, transfers, records)
    return dataclasses.replace(
        data,
        holders=MappingProxyType(holders),
        distributions=MappingProxyType({y: tuple(d) for y, d in sorted(found.items())}),
        transfers=tuple(transfers),
        decisions=tuple(records),
    )


def shipped_decisions(data: TreatyData) -> list[DecisionRecord]:
    """The decisions of the treaty text itself: Ann. A §I passive quotas, the first distribution."""
    out = []
    for code, holder in sorted(data.holders.items()):
        for e in holder.passive_quota.entries:
            if e.citation.text == "Ann. A §I ¶1":
                out.append(
                    DecisionRecord(
                        "passive_quota",
                        code,
                        e.effective,
                        f"{e.value} flights a year",
                        e.citation,
                        "quotas.yaml (shipped)",
                    )
                )
    first = data.first_distribution
    for observing in sorted({f.observing for f in first.flights}):
        rows = [f for f in first.flights if f.observing == observing]
        out.append(
            DecisionRecord(
                "distribution",
                observing,
                first.valid_from,
                ", ".join(f"{f.flights} over {f.observed}" for f in rows),
                first.citation,
                "quotas.yaml (shipped)",
                f"first distribution, valid to {first.valid_until.isoformat()}",
            )
        )
    return out


def distribution_text(
    year: int,
    flights: Sequence[TreatyFlight],
    reference: str,
    url: str | None = None,
    label: str | None = None,
) -> str:
    """A decision file recording one year's distribution (the schema ``apply_decisions`` reads)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(flights, key=lambda f: (f.observing, f.observed)):
        row: dict[str, Any] = {"observed": f.observed, "flights": f.flights}
        if f.shared_with:
            row["shared_with"] = f.shared_with
        rows.setdefault(f.observing, []).append(row)
    entry: dict[str, Any] = {
        "year": year,
        "reference": {"text": reference, "url": url} if url else reference,
    }
    if label:
        entry["label"] = label
    entry["flights"] = rows
    header = (
        f"# Distribution of active quotas for {year}, "
        "recorded by `openskies treaty distribution record`.\n"
    )
    body = yaml.safe_dump({"distributions": [entry]}, sort_keys=False, allow_unicode=True)
    return header + str(body)
