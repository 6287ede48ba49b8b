"""The shape of the code: a pure core, one public surface per package."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "openskies"
CORE = ["treaty", "custody", "geo", "planning", "missions"]
EDGE_LIBRARIES = {
    "typer",
    "rich",
    "fastapi",
    "sqlalchemy",
    "psycopg",
    "httpx",
    "httpx2",
    "click",
    "requests",
    "uvicorn",
    "starlette",
}


def imports_of(path: Path) -> set[str]:
    """Top-level names of the absolute imports of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", CORE)
def test_core_imports_no_edge_library(package: str) -> None:
    for path in (SRC / package).rglob("*.py"):
        assert not imports_of(path) & EDGE_LIBRARIES, path


@pytest.mark.parametrize("package", CORE)
def test_core_reads_no_clock_and_no_environment(package: str) -> None:
    for path in (SRC / package).rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("datetime.now(", "date.today(", "os.environ", "time.time("):
            assert forbidden not in text, f"{path}: {forbidden}"


@pytest.mark.parametrize("package", ["openskies.treaty", "openskies.custody"])
def test_exported_members_match_all(package: str) -> None:
    module = importlib.import_module(package)
    public = sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, type(module))
    )
    assert sorted(module.__all__) == public
