"""``openskies ledger …`` and ``openskies data verify``: check custody offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import select

from openskies.adapters.database import database_url
from openskies.adapters.orm import CustodyObjectRow
from openskies.cli._common import console, print_json
from openskies.cli.server import _sessions
from openskies.custody import parse_public_keys, verify_log_document, verify_store
from openskies.errors import InputError
from openskies.services.clock import SystemClock
from openskies.services.custody import CustodyService, make_object_store
from openskies.treaty import load_treaty_data

__all__ = ["data_app", "ledger_app"]

ledger_app = typer.Typer(help="The custody transparency log (RFC 9162).", no_args_is_help=True)
data_app = typer.Typer(help="The sensor data store.", no_args_is_help=True)


def _read_json(path: Path, what: str) -> Any:
    if not path.is_file():
        raise InputError(f"{what}: {path}: no such file")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: {path}: not valid JSON: {exc}") from None


def _service() -> CustodyService:
    url = database_url()
    return CustodyService(
        _sessions(), load_treaty_data(), SystemClock(), make_object_store(None, url)
    )


@ledger_app.command("export")
def export(
    out: Annotated[Path, typer.Option(help="Write the log (with a signed tree head) here.")],
    keys: Annotated[Path, typer.Option(help="Write the signers' public keys here.")],
) -> None:
    """Export the log and the public keys, for any State Party to verify offline."""
    service = _service()
    out.write_text(json.dumps(service.export(), indent=1), encoding="utf-8")
    keys.write_text(json.dumps(service.public_keys(), indent=1), encoding="utf-8")
    console.print(f"log written to {out}, public keys to {keys}")


@ledger_app.command("verify")
def verify(
    log: Annotated[Path, typer.Argument(help="An exported log (openskies ledger export).")],
    keys: Annotated[Path, typer.Option(help="The signers' public keys (JSON).")],
    min_cosigners: Annotated[int, typer.Option(help="Witness cosignatures required.")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a copy of the log offline: every signature, every leaf, the root (exit 1 if not)."""
    report = verify_log_document(
        _read_json(log, "LOG"),
        parse_public_keys(_read_json(keys, "--keys")),
        min_cosigners=min_cosigners,
    )
    if as_json:
        print_json(report.as_json())
    elif report.ok:
        console.print(f"ledger intact: {report.entries} entries, root {report.root_hash.hex()}")
    else:
        for problem in report.problems:
            typer.echo(f"ledger BROKEN: {problem.as_json()}", err=True)
    if not report.ok:
        raise typer.Exit(1)


@data_app.command("verify")
def data_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Re-hash every stored object; report missing and corrupt ones (exit 1 if any)."""
    store = make_object_store(None, database_url())
    with _sessions()() as session:
        expected = session.execute(select(CustodyObjectRow.sha256)).scalars().all()
    report = verify_store(store, expected)
    if as_json:
        print_json(report.as_json())
    elif report.ok:
        console.print(
            f"data store intact: {report.checked} objects, {report.bytes_checked:,} bytes re-hashed"
        )
    else:
        typer.echo(
            f"data store BROKEN: corrupt {list(report.corrupt)}, missing {list(report.missing)}",
            err=True,
        )
    if not report.ok:
        raise typer.Exit(1)
