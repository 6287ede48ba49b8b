"""The quota year's calendar: requests, plans, quarterly sequences (Ann. L §II, Ann. H).

The quota year is the calendar year (Art. III §I ¶5, ¶7). This module turns the fixed
dates of the annual distribution and of quarterly co-ordination into dated deadlines, and
applies Art. III §I ¶7 when the annual review reaches no agreement for a State Party.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from openskies.treaty._calendar import add_months
from openskies.treaty.citation import Citation

__all__ = ["AnnualDeadline", "annual_calendar", "group_quota_change_effective", "review_outcome"]


@dataclass(frozen=True)
class AnnualDeadline:
    """One dated step of the quota year, with its citation."""

    rule: str
    on: date
    citation: Citation
    text: str


def annual_calendar(quota_year: int) -> tuple[AnnualDeadline, ...]:
    """The steps that prepare quota year ``quota_year``, in date order."""
    before = quota_year - 1
    steps = [
        AnnualDeadline(
            "quota_change_requests",
            date(before, 10, 1),
            Citation("Ann. L §II ¶1"),
            "requests to change the past year's distribution of active quotas",
        ),
        AnnualDeadline(
            "annual_plan_notifications",
            date(before, 11, 1),
            Citation("Ann. H ¶1"),
            "planned observation flights for the next year, by quarter",
        ),
    ]
    sequences = {
        1: date(before, 11, 15),
        2: date(quota_year, 2, 15),
        3: date(quota_year, 5, 15),
        4: date(quota_year, 8, 15),
    }
    for quarter, sequence_by in sequences.items():
        if quarter > 1:
            steps.append(
                AnnualDeadline(
                    f"q{quarter}_consultations_open",
                    sequence_by.replace(day=1),
                    Citation("Ann. H ¶3"),
                    f"consultations on quarter {quarter} open",
                )
            )
        steps.append(
            AnnualDeadline(
                f"q{quarter}_sequence_notified",
                sequence_by,
                Citation("Ann. H ¶3"),
                f"sequence of flights of quarter {quarter} notified",
            )
        )
        steps.append(
            AnnualDeadline(
                f"q{quarter}_taxi_option",
                sequence_by + timedelta(days=7),
                Citation("Ann. H ¶4; Art. VI §I ¶3"),
                f"observed Parties say which quarter-{quarter} flights they fly in their own "
                "aircraft",
            )
        )
    return tuple(sorted(steps, key=lambda s: s.on))


def review_outcome(
    previous: Mapping[str, int], agreed: Mapping[str, int] | None
) -> tuple[dict[str, int], Citation]:
    """Active quotas over one State Party for next year, after the annual review.

    Art. III §I ¶7: without agreement within three weeks (``agreed`` is None), the previous
    year's distribution with respect to that State Party stays unchanged.
    """
    if agreed is None:
        return dict(previous), Citation("Art. III §I ¶7")
    return dict(agreed), Citation("Ann. L §II ¶2–3")


def group_quota_change_effective(notified_on: date, annual_reviews: list[date]) -> date | None:
    """When quota changes from forming, joining or leaving a ¶3 group take effect.

    Art. III §II ¶7: on 1 January following the first annual review held after the
    six-month notice period (Art. III §II ¶6); None while no such review is scheduled.
    """
    earliest = add_months(notified_on, 6)
    later = sorted(d for d in annual_reviews if d >= earliest)
    return date(later[0].year + 1, 1, 1) if later else None
