"""The openskies exception hierarchy.

    OpenSkiesError
    ├── InputError              bad input from a user or a file (shown as one line, exit 2)
    │   ├── UnknownStateError   a code that names no State that was ever a State Party
    │   └── DateOutOfRangeError a date outside the period a rule or a record covers
    └── DataError               a shipped data file breaks its schema (names file and key)

Rule refusals are not exceptions: rules return structured reasons with citations.
"""

from __future__ import annotations

__all__ = [
    "DataError",
    "DateOutOfRangeError",
    "InputError",
    "OpenSkiesError",
    "UnknownStateError",
]


class OpenSkiesError(Exception):
    """Base of every error raised by openskies on purpose."""


class InputError(OpenSkiesError, ValueError):
    """Input from a user or a file that cannot be used; the message names the field."""


class UnknownStateError(InputError):
    """A code that names no State that was ever a State Party, nor a quota holder."""


class DateOutOfRangeError(InputError):
    """A date outside the period that a rule or a record covers."""


class DataError(OpenSkiesError):
    """A shipped data file that breaks its schema; the message names the file and the key."""
