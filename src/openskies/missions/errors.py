"""Refusals of the mission service: a rule says no, and which rule."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from openskies.errors import OpenSkiesError
from openskies.treaty import Citation, Finding

__all__ = ["Forbidden", "NotFound", "Refusal", "WrongState"]


class Refusal(OpenSkiesError):
    """A request the treaty refuses: one or more findings, each with its citation."""

    status = 422

    def __init__(self, findings: Sequence[Finding], field: str | None = None) -> None:
        self.findings = tuple(findings)
        self.field = field
        super().__init__("; ".join(f"{f.message} ({f.citation.text})" for f in self.findings))

    @classmethod
    def one(
        cls,
        rule: str,
        citation: str,
        message: str,
        field: str | None = None,
        *,
        limit: int | float | datetime | None = None,
        actual: int | float | datetime | None = None,
    ) -> Refusal:
        """A refusal by a single rule, with the limit and the fact when there are."""
        return cls([Finding(rule, Citation(citation), message, limit, actual)], field)


class WrongState(Refusal):
    """The flight is not in a state where this step can happen."""

    status = 409


class Forbidden(Refusal):
    """The delegation's treaty role on the day does not allow this."""

    status = 403


class NotFound(OpenSkiesError):
    """No such flight, or none this delegation may see."""

    status = 404
