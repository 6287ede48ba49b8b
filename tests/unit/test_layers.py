"""The layers contract: one test of the direction of every import in ``src/openskies``.

    domain (treaty, geo, planning, missions, custody, errors)
      → adapters (database, object stores: driven by the services)
      → services → api → bootstrap (the composition root) → cli

A module may import its own layer and the layers before it, never one after: the domain
imports no service, adapter, API or CLI; the services no API or CLI; the API and the CLI
get their services only from ``bootstrap``. The domain
also imports no edge library (web, database, command line, cloud), reads no clock and no
environment and does no file I/O: time and data are its arguments. Services read no clock
but the ``Clock`` port's own adapters, and no environment; only ``bootstrap`` reads the
environment. The shipped data files (treaty tables, territories) are the domain's one read.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src"
PACKAGE = SRC / "openskies"

DOMAIN = ("treaty", "geo", "planning", "missions", "custody", "errors", "canonical")
LAYERS: dict[str, int] = {
    **dict.fromkeys(DOMAIN, 0),
    "__init__": 0,
    "adapters": 1,
    "web": 1,  # where the built web app lies: a path, served by the API
    "services": 2,
    "api": 3,
    "bootstrap": 4,
    "cli": 5,
    "__main__": 6,
}
SERVICES_USE_THE_ORM = True
"""Why the services import ``adapters.orm`` and ``adapters.database`` directly, with no
repository or unit-of-work port between them: each service method is one SQLAlchemy
transaction that writes its own queries (about 75 ``select``/``execute`` calls over eight
services) and takes row locks where the treaty counts (``QuotaLockRow`` per holder and year,
``FOR UPDATE`` on the flight), and the audit chain is appended in the same transaction.
A port would restate every query and lock behind an interface that has one
implementation (SQLite and PostgreSQL are both SQLAlchemy); the domain, which is what the
contract protects, never sees a row. Revisit when a second store appears."""
PORTS = {"openskies.services.clock"}
"""Ports the adapters implement, importable from below the services: the ``Clock``."""
SIDEWAYS = {("cli", "api")}
"""Imports forbidden although down the layers: the CLI serves the API through bootstrap."""

EDGE_LIBRARIES = frozenset(
    {
        "alembic",
        "anyio",
        "boto3",
        "botocore",
        "click",
        "fastapi",
        "httpx",
        "psycopg",
        "requests",
        "rich",
        "sqlalchemy",
        "starlette",
        "typer",
        "urllib3",
        "uvicorn",
    }
)
IO_MODULES = frozenset(
    {
        "os",
        "pathlib",
        "tempfile",
        "shutil",
        "glob",
        "fileinput",
        "socket",
        "subprocess",
        "sqlite3",
        "urllib",
        "http",
        "importlib.resources",
    }
)
CLOCK_READS = frozenset(
    {
        "datetime.now",
        "datetime.utcnow",
        "datetime.today",
        "date.today",
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
        "time.localtime",
        "time.gmtime",
        "time.ctime",
    }
)
ENVIRONMENT_READS = frozenset({"os.environ", "os.getenv", "os.environb", "os.putenv"})

SHIPPED_DATA_READERS = {"treaty/_load.py", "geo/territory.py"}
"""Domain modules that read the package's own data files (importlib.resources), once."""
CLOCK_ADAPTERS = {"services/clock.py"}
"""The ``Clock`` port and its adapters: the one place the services read the time."""
ENVIRONMENT_READERS = {"bootstrap.py"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"src/openskies/{self.path}:{self.line}: {self.what}"


def layer_of(module: str) -> str:
    """The layer name of ``openskies.x.y`` (its first component under openskies)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import, relative ones resolved."""
    found: list[tuple[int, str]] = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name → qualified name, for ``from x import y [as z]`` and ``import x as y``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
    return names


def _uses(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, qualified name) of every attribute chain or name used, aliases resolved:
    ``datetime.now`` for ``from datetime import datetime; datetime.now()``."""
    aliases = _aliases(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name) and isinstance(node.ctx, ast.Load):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            qualified = aliases.get(head, head) + (f".{rest}" if rest else "")
            found.append((node.lineno, qualified))
            # ``datetime.datetime.now`` and ``datetime.now`` name the same read
            for prefix in ("datetime.", "time."):
                if qualified.startswith(f"datetime.{prefix}"):
                    found.append((node.lineno, qualified[len("datetime.") :]))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "open"
            and "open" not in aliases
        ):
            found.append((node.lineno, "open()"))
    return found


def _matches(name: str, banned: frozenset[str]) -> str | None:
    for item in banned:
        if name == item or name.startswith(f"{item}."):
            return item
    return None


def check_module(path: Path) -> list[Finding]:
    """Everything in the source file at ``path`` that breaks the layers contract."""
    return check_source(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())


def check_source(text: str, rel: str) -> list[Finding]:
    """Everything in ``text``, the module at ``src/openskies/<rel>``, that breaks the contract."""
    module = ".".join(("openskies", *Path(rel).with_suffix("").parts))
    tree = ast.parse(text, filename=rel)
    layer = layer_of(module)
    rank = LAYERS[layer]
    out: list[Finding] = []
    for line, name in _imports(tree, module):
        port = any(name == p or name.startswith(f"{p}.") for p in PORTS)
        if name.startswith("openskies.") and not (port and layer == "adapters"):
            target = layer_of(name)
            if target in LAYERS and (LAYERS[target] > rank or (layer, target) in SIDEWAYS):
                out.append(Finding(rel, line, f"{layer} imports {target} ({name})"))
        elif rank == 0:
            if name.split(".")[0] in EDGE_LIBRARIES:
                out.append(Finding(rel, line, f"the domain imports an edge library ({name})"))
            io = _matches(name, IO_MODULES)
            if io and rel not in SHIPPED_DATA_READERS:
                out.append(Finding(rel, line, f"the domain imports {io}: file or OS I/O"))
    for line, name in _uses(tree):
        clock = _matches(name, CLOCK_READS)
        if clock and (rank == 0 or (layer == "services" and rel not in CLOCK_ADAPTERS)):
            out.append(Finding(rel, line, f"{layer} reads the clock ({clock}): take a Clock"))
        env = _matches(name, ENVIRONMENT_READS)
        if env and rel not in ENVIRONMENT_READERS:
            out.append(Finding(rel, line, f"{env} read outside bootstrap: use Settings"))
        if name == "open()" and rank <= 1:
            out.append(Finding(rel, line, f"{layer} opens a file: do it in an adapter or CLI"))
    return out


SOURCES = sorted(
    p for p in PACKAGE.rglob("*.py") if "migrations" not in p.relative_to(PACKAGE).parts
)


def test_every_module_is_in_a_layer() -> None:
    tops = {p.relative_to(PACKAGE).with_suffix("").parts[0] for p in SOURCES}
    assert tops <= set(LAYERS), tops - set(LAYERS)


def test_the_layers_contract() -> None:
    findings = [f for path in SOURCES for f in check_module(path)]
    assert not findings, "layers contract broken:\n" + "\n".join(map(str, findings))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from openskies.services.clock import SystemClock\n", "treaty imports services"),
        ("import fastapi\n", "edge library"),
        ("from datetime import datetime\nx = datetime.now()\n", "reads the clock"),
        ("import datetime\nx = datetime.datetime.now()\n", "reads the clock"),
        ("import time\nx = time.perf_counter()\n", "reads the clock"),
        ("import os\nx = os.environ['A']\n", "os.environ read outside bootstrap"),
        ("x = open('f').read()\n", "opens a file"),
        ("from pathlib import Path\n", "imports pathlib"),
    ],
)
def test_the_contract_catches(source: str, expected: str) -> None:
    """A forbidden line placed in the domain is reported (the contract can fail)."""
    findings = check_source(source, "treaty/_planted.py")
    assert any(expected in f.what for f in findings), findings


@pytest.mark.parametrize(
    "package",
    [
        "openskies.treaty",
        "openskies.custody",
        "openskies.geo",
        "openskies.planning",
        "openskies.planning.optimiser",
    ],
)
def test_exported_members_match_all(package: str) -> None:
    """Each package's public surface is exactly its ``__all__``."""
    module = importlib.import_module(package)
    public = sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, type(module))
    )
    assert sorted(module.__all__) == public
