"""The examples in docstrings run: every module of ``src/openskies`` with a ``>>>``."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"
MODULES = sorted(
    ".".join(path.relative_to(SRC).with_suffix("").parts)
    for path in (SRC / "openskies").rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_some_module_has_examples() -> None:
    assert MODULES, "no docstring examples found: is the source tree where it should be?"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0, result
