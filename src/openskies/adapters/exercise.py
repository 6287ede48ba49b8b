"""The exercise clock's state in the database, so that every replica tells the same time.

``openskies serve --clock T`` starts an exercise at T; ``openskies exercise advance 72h``
moves it on; ``openskies exercise stop`` returns to real time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from openskies.adapters.orm import EXERCISE_CLOCK, ExerciseClockRow
from openskies.errors import InputError
from openskies.services.clock import Clock, ExerciseClock, SystemClock

__all__ = ["advance_exercise", "exercise_clock", "read_exercise", "start_exercise", "stop_exercise"]


def read_exercise(sessions: sessionmaker[Session]) -> tuple[datetime, datetime, timedelta] | None:
    """(started_at, started_real, advanced) of the running exercise, or None."""
    with sessions() as session:
        row = session.get(ExerciseClockRow, EXERCISE_CLOCK)
        if row is None:
            return None
        return row.started_at, row.started_real, timedelta(seconds=row.advanced_seconds)


def start_exercise(sessions: sessionmaker[Session], at: datetime, real_now: datetime) -> None:
    """Start (or restart) the exercise clock at ``at``, now."""
    if at.tzinfo is None:
        raise InputError("--clock: give a time with a UTC offset, e.g. 2002-03-01T08:00:00Z")
    with sessions.begin() as session:
        row = session.get(ExerciseClockRow, EXERCISE_CLOCK, with_for_update=True)
        if row is None:
            row = ExerciseClockRow(id=EXERCISE_CLOCK)
            session.add(row)
        row.started_at, row.started_real, row.advanced_seconds = (
            at.astimezone(UTC),
            real_now,
            0.0,
        )


def advance_exercise(sessions: sessionmaker[Session], delta: timedelta) -> None:
    """Move the running exercise clock on by ``delta`` (forward only)."""
    if delta <= timedelta(0):
        raise InputError("advance: the exercise clock only moves forward")
    with sessions.begin() as session:
        row = session.execute(
            select(ExerciseClockRow).where(ExerciseClockRow.id == EXERCISE_CLOCK).with_for_update()
        ).scalar_one_or_none()
        if row is None:
            raise InputError("no exercise is running: start one with `openskies serve --clock T`")
        row.advanced_seconds += delta.total_seconds()


def stop_exercise(sessions: sessionmaker[Session]) -> None:
    """End the exercise: the service tells real time again."""
    with sessions.begin() as session:
        row = session.get(ExerciseClockRow, EXERCISE_CLOCK)
        if row is not None:
            session.delete(row)


def exercise_clock(
    sessions: sessionmaker[Session], real: Clock | None = None
) -> ExerciseClock | None:
    """The exercise clock over the database, when an exercise is running."""
    if read_exercise(sessions) is None:
        return None
    return ExerciseClock(lambda: read_exercise(sessions), real or SystemClock())
