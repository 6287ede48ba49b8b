"""The clock as a port: the service asks it for the time; tests give a fake one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ExerciseClock", "FixedClock", "SystemClock", "exercise_time"]


class Clock(Protocol):
    """Something that tells the time (aware UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: for tests and replays."""

    def __init__(self, at: datetime) -> None:
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward, e.g. ``advance(hours=72)``."""
        self.at = self.at + timedelta(**delta)
        return self.at


def exercise_time(
    started_at: datetime, started_real: datetime, advanced: timedelta, real_now: datetime
) -> datetime:
    """Exercise time: it starts at ``started_at`` when the real clock shows ``started_real``,
    moves at real speed, and is moved on by the exercise controller (``advanced``)."""
    return started_at + (real_now - started_real) + advanced


class ExerciseClock:
    """A clock for a training exercise or a replay, over state shared by every replica.

    ``read`` returns (started_at, started_real, advanced) as kept in the database;
    ``real`` is the machine's clock (injected in tests).
    """

    is_exercise = True

    def __init__(
        self,
        read: Callable[[], tuple[datetime, datetime, timedelta] | None],
        real: Clock | None = None,
    ) -> None:
        self.read, self.real = read, real or SystemClock()

    def now(self) -> datetime:
        state = self.read()
        real_now = self.real.now()
        if state is None:  # the exercise was stopped: back to real time
            return real_now
        return exercise_time(*state, real_now).astimezone(UTC)
