"""The custody package: a pure core beside its storage adapters, and one public surface."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from tests.unit.test_architecture import imports_of

PACKAGE = Path(__file__).parents[3] / "src" / "openskies" / "custody"
PURE = [
    "annotation",
    "audit",
    "custody",
    "events",
    "merkle",
    "signed_log",
    "verification",
    "footprints",
    "requests",
    "errors",
    "_signing",
]
EDGE = {"typer", "rich", "fastapi", "sqlalchemy", "psycopg", "httpx", "click", "boto3", "botocore"}


@pytest.mark.parametrize("module", PURE)
def test_core_modules_import_no_edge_library_and_no_io(module: str) -> None:
    path = PACKAGE / f"{module}.py"
    assert not imports_of(path) & (EDGE | {"os", "pathlib", "tempfile", "io"}), path
    text = path.read_text(encoding="utf-8")
    for forbidden in ("datetime.now(", "date.today(", "os.environ", "time.time(", "open("):
        assert forbidden not in text, f"{path}: {forbidden}"


def test_store_imports_boto3_only_when_used() -> None:
    tree = ast.parse((PACKAGE / "store.py").read_text(encoding="utf-8"))
    top_level = {
        alias.name.split(".")[0]
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not top_level & {"boto3", "botocore", "cryptography"}


def test_exported_members_match_all() -> None:
    module = importlib.import_module("openskies.custody")
    public = sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, type(module))
    )
    assert sorted(module.__all__) == public
