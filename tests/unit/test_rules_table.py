"""docs/rules.md is checked against the code: every code symbol imports, every test exists."""

from __future__ import annotations

import ast
import importlib
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"coded", "fixed", "partial", "missing"}


def _rows() -> list[list[str]]:
    lines = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines()
    table = [line for line in lines if line.startswith("| ") and not line.startswith("| rule ")]
    return [[cell.strip().strip("`") for cell in line.strip("|").split("|")] for line in table]


def _resolve(symbol: str) -> object:
    parts = symbol.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise AssertionError(f"{symbol}: no such module")


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_row_names_code_that_exists_and_a_test_that_exists() -> None:
    rows = _rows()
    assert len(rows) >= 60
    for rule, _citation, code, test, status in rows:
        assert status in STATUSES, rule
        if status == "missing":
            assert code == test == "—", rule
            continue
        assert _resolve(code) is not None
        path, name = test.split("::")
        assert name in _tests_in(ROOT / path), f"{rule}: {test} not found"


def test_the_counts_in_the_doc_are_the_counts_of_the_rows() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    counts = Counter(row[4] for row in _rows())
    claimed = dict(re.findall(r"(coded|fixed|partial|missing) (\d+)", text.split("|")[0]))
    assert {k: int(v) for k, v in claimed.items()} == dict(counts)
