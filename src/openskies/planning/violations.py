"""A finding of the route check: which rule, which leg, and the treaty paragraph."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from openskies.treaty import Citation, Finding

__all__ = ["Severity", "Violation"]


class Severity(StrEnum):
    """A violation makes the mission plan invalid; a notice asks the observed Party."""

    VIOLATION = "violation"
    NOTICE = "notice"


@dataclass(frozen=True)
class Violation:
    """One rule a route breaks (or asks about), with the leg where it happens."""

    rule: str
    citation: Citation
    message: str
    leg: int | None = None
    severity: Severity = Severity.VIOLATION
    limit: float | None = None
    actual: float | None = None

    def as_json(self) -> dict[str, Any]:
        """The violation as a JSON object."""
        return {
            "rule": self.rule,
            "citation": self.citation.text,
            "message": self.message,
            "leg": self.leg,
            "severity": self.severity.value,
            "limit": self.limit,
            "actual": self.actual,
        }

    def as_finding(self) -> Finding:
        """The violation as the treaty's ``Finding`` (a refusal names rule, citation, facts)."""
        return Finding(self.rule, self.citation, self.message, self.limit, self.actual)
