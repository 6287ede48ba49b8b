"""A refusal or breach of a rule, as a structured value that cites its paragraph."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openskies.treaty.citation import Citation

__all__ = ["Finding"]


@dataclass(frozen=True)
class Finding:
    """Why something is refused or late: the rule, its citation, the limit and the fact."""

    rule: str
    citation: Citation
    message: str
    limit: int | float | datetime | None = None
    actual: int | float | datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The finding as a JSON object; datetimes in ISO 8601."""

        def plain(value: int | float | datetime | None) -> int | float | str | None:
            return value.isoformat() if isinstance(value, datetime) else value

        return {
            "rule": self.rule,
            "citation": self.citation.text,
            "message": self.message,
            "limit": plain(self.limit),
            "actual": plain(self.actual),
        }
