"""Generic checks of the treaty's numeric limits: counts, notice periods, entry into force.

Each function reads its number from ``data/time_limits.yaml`` by id, so the value, its
date and its citation live in one place.
"""

from __future__ import annotations

from datetime import date, timedelta

from openskies.errors import InputError
from openskies.treaty._calendar import add_months
from openskies.treaty.findings import Finding
from openskies.treaty.model import TreatyData

__all__ = [
    "benelux_arrangement_ends",
    "check_at_most",
    "earliest_effective",
    "entry_into_force_for",
]


def check_at_most(data: TreatyData, limit_id: str, actual: int | float, on: date) -> list[Finding]:
    """A count or distance that must not exceed the limit ``limit_id`` in force on ``on``."""
    limit = data.limit(limit_id)
    allowed = limit.on(on)
    if actual <= allowed:
        return []
    return [
        Finding(
            limit_id,
            limit.citation_on(on),
            f"{limit_id}: {actual} {limit.unit}, more than {allowed}. {limit.text}",
            allowed,
            actual,
        )
    ]


def earliest_effective(data: TreatyData, limit_id: str, notified_on: date) -> date:
    """The first day a change notified on ``notified_on`` may take effect.

    For the notice periods in days or months: aircraft designation 30 days (Art. V ¶2),
    deletion 90 days (Art. V ¶3), sensor changes 90 days (Art. IV ¶12), site changes 90
    days (Ann. E ¶4), withdrawal 6 months (Art. XV ¶2), group changes 6 months
    (Art. III §II ¶1(A), ¶6).
    """
    limit = data.limit(limit_id)
    value = limit.on(notified_on)
    if limit.unit == "days":
        return notified_on + timedelta(days=value)
    if limit.unit == "months":
        return add_months(notified_on, value)
    raise InputError(f"{limit_id}: a notice period is in days or months, not {limit.unit}")


def entry_into_force_for(data: TreatyData, deposited: date) -> date:
    """When the treaty enters into force for a State that deposits on ``deposited``.

    Art. XVII ¶2: on the treaty's entry into force for instruments deposited before it;
    Art. XVII ¶6: 60 days after deposit for a State that ratifies or accedes later.
    """
    if deposited < data.entry_into_force:
        return data.entry_into_force
    days = data.limit("entry_into_force_after_deposit").on(deposited)
    return deposited + timedelta(days=days)


def benelux_arrangement_ends(data: TreatyData, notified_on: date) -> date:
    """Art. XIV ¶2: the Benelux arrangement ends on the next 31 December after 60 days."""
    after = notified_on + timedelta(days=data.limit("benelux_termination_notice").on(notified_on))
    end = date(after.year, 12, 31)
    return end if end > after else date(after.year + 1, 12, 31)
