"""The deployment's own OSCC decisions: YAML files in the directories named by a setting.

``OPENSKIES_DECISIONS_DIR`` (read by ``bootstrap.Settings``) names one directory, or several
separated by ``os.pathsep``;
every ``*.yaml`` file in them (sorted by name) is read and checked by the treaty's loader
(``treaty.decisions.apply_decisions``). Schema and examples: docs/decisions.md.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from openskies.errors import DataError
from openskies.treaty import TreatyData, load_treaty_data
from openskies.treaty.decisions import DecisionSource, apply_decisions

__all__ = [
    "DECISIONS_ENV",
    "parse_decision_dirs",
    "read_decision_sources",
    "treaty_data_with",
]

DECISIONS_ENV = "OPENSKIES_DECISIONS_DIR"


def parse_decision_dirs(value: str) -> tuple[str, ...]:
    """The decision directories a value of the setting names (none when it is empty)."""
    return tuple(p for p in value.split(os.pathsep) if p.strip())


def read_decision_sources(dirs: Sequence[Path]) -> list[DecisionSource]:
    """The text of every decision file in ``dirs``, named by its path."""
    sources = []
    for directory in dirs:
        if not directory.is_dir():
            raise DataError(f"{DECISIONS_ENV}: {directory} is not a directory")
        for path in sorted(directory.glob("*.yaml")):
            sources.append(DecisionSource(str(path), path.read_text(encoding="utf-8")))
    return sources


@cache
def treaty_data_with(dirs: tuple[Path, ...]) -> TreatyData:
    """The shipped treaty data plus the decisions recorded in ``dirs``."""
    if not dirs:
        return load_treaty_data()
    return apply_decisions(load_treaty_data(), read_decision_sources(dirs))
