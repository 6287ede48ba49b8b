"""Dated values: a value that holds from an effective date until the next entry.

In the manner of OpenFisca parameters, a change in the rules is a new dated entry, never an
edit: ``History.value_on(day)`` returns the latest entry whose effective date is on or
before ``day``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from openskies.errors import DataError, DateOutOfRangeError
from openskies.treaty.citation import Citation

__all__ = ["Dated", "History"]

T = TypeVar("T")


@dataclass(frozen=True)
class Dated(Generic[T]):
    """One value of a history: what holds from ``effective`` on, and why."""

    effective: date
    value: T
    citation: Citation
    note: str | None = None


@dataclass(frozen=True)
class History(Generic[T]):
    """A value over time, as an ordered tuple of dated entries (oldest first)."""

    name: str
    entries: tuple[Dated[T], ...]

    def __post_init__(self) -> None:
        if not self.entries:
            raise DataError(f"{self.name}: a history needs at least one dated value")
        days = [e.effective for e in self.entries]
        if days != sorted(days) or len(set(days)) != len(days):
            raise DataError(f"{self.name}: effective dates must be unique and ascending: {days}")

    @classmethod
    def of(cls, name: str, entries: Iterable[Dated[T]]) -> History[T]:
        """Build a history from entries in any order."""
        return cls(name, tuple(sorted(entries, key=lambda e: e.effective)))

    @property
    def first_effective(self) -> date:
        """The date from which this history has a value."""
        return self.entries[0].effective

    def entry_on(self, day: date) -> Dated[T]:
        """The entry in force on ``day``; raises DateOutOfRangeError before the first."""
        index = bisect_right([e.effective for e in self.entries], day)
        if index == 0:
            raise DateOutOfRangeError(
                f"{self.name}: no value before {self.first_effective.isoformat()} "
                f"(asked for {day.isoformat()})"
            )
        return self.entries[index - 1]

    def value_on(self, day: date) -> T:
        """The value in force on ``day``."""
        return self.entry_on(day).value
