"""Calendar arithmetic the treaty needs: months added the way a diplomat counts them."""

from __future__ import annotations

import calendar
from datetime import date

__all__ = ["add_months"]


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day that does not exist becomes the month's last.

    22 May 2020 + 6 months = 22 November 2020; 31 August + 6 months = 28 (or 29) February.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
