"""Citations: where a rule or a value comes from.

A citation is either a reference into the Treaty on Open Skies in the fact sheet's style
(``Art. VI §I ¶5(G)``, ``Ann. E App.1 §II``) or a public source outside the treaty, which
must then carry a URL (``url``) so that a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from openskies.errors import InputError

__all__ = ["Citation"]

_ROMAN = r"[IVXL]+"
_TREATY_REF = re.compile(
    rf"^(?:Art\. {_ROMAN}|Ann\. [A-L]|Preamble)"  # article, annex or preamble
    r"(?: App\.\s?\d+)?"  # annex appendix
    rf"(?: §{_ROMAN})?"  # section
    r"(?: ¶\d+(?:[–-]\d+)?(?:\([A-Z]\))?(?:\(\d+\))?)?$"  # paragraph(s) and subparagraphs
)


@dataclass(frozen=True, order=True)
class Citation:
    """A reference: treaty text (``Art. XV ¶2``) or an outside source with a URL."""

    text: str
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.text or not self.text.strip():
            raise InputError("citation: empty reference")
        if self.url is None and not self.is_treaty:
            raise InputError(
                f"citation {self.text!r}: not a treaty reference (e.g. 'Art. VI §I ¶5') "
                "and no source URL given"
            )

    @property
    def is_treaty(self) -> bool:
        """True when this cites the treaty text itself (an article or an annex)."""
        return all(_TREATY_REF.match(part.strip()) for part in self.text.split(";"))

    def __str__(self) -> str:
        return self.text if self.url is None else f"{self.text} <{self.url}>"

    def as_json(self) -> dict[str, str | None]:
        """The citation as a JSON object (``text`` and ``url``)."""
        return {"text": self.text, "url": self.url}
