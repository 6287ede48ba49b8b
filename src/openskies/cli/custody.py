"""``openskies ledger export|verify`` and ``openskies data verify``: check custody offline.

The delegation's own commands (keys, upload, deliver, witness) are in ``custody_client``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from openskies.adapters.files import read_json
from openskies.adapters.orm import CustodyObjectRow
from openskies.bootstrap import open_services, read_settings
from openskies.cli._common import console, print_json
from openskies.custody import (
    SignedTreeHead,
    parse_public_keys,
    verify_log_document,
    verify_store,
)
from openskies.errors import InputError
from openskies.services.fingerprints import Fingerprints

__all__ = ["data_app", "ledger_app"]

ledger_app = typer.Typer(help="The custody transparency log (RFC 9162).", no_args_is_help=True)
data_app = typer.Typer(help="The sensor data store.", no_args_is_help=True)


@ledger_app.command("export")
def export(
    out: Annotated[Path, typer.Option(help="Write the log (with its signed tree heads) here.")],
    keys: Annotated[Path, typer.Option(help="Write the log's public key here.")],
    server: Annotated[
        str | None, typer.Option(help="Fetch from this server (else the DB).")
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="API token (with --server).", envvar="OPENSKIES_TOKEN")
    ] = None,
) -> None:
    """Export the log and the log's public key, for any State Party to verify offline."""
    if server:
        from openskies.adapters.custody_client import http_client

        if not token:
            raise InputError("--token: needed with --server")
        with http_client(server, token) as http:
            log_doc, keys_doc = http.get("/api/ledger/export"), http.get("/api/ledger/keys")
        for response in (log_doc, keys_doc):
            if response.status_code >= 400:
                raise InputError(f"the server refused: {response.text[:300]}")
        exported, public = log_doc.json(), keys_doc.json()
    else:
        with open_services(read_settings()) as svc:
            exported, public = svc.ledger.export(), svc.ledger.public_keys()
    out.write_text(json.dumps(exported, indent=1), encoding="utf-8")
    keys.write_text(json.dumps(public, indent=1), encoding="utf-8")
    console.print(f"log written to {out}, public keys to {keys}")


def _heads(files: list[Path], state: Path | None) -> list[SignedTreeHead]:
    """Signed tree heads kept elsewhere: files, and a witness's memory (heads.jsonl)."""
    docs = [read_json(f, "--head") for f in files]
    if state is not None:
        history = state / "heads.jsonl"
        if not history.is_file():
            raise InputError(f"--state: {history}: no such file (run openskies ledger witness)")
        docs += [json.loads(line) for line in history.read_text().splitlines() if line.strip()]
    return [SignedTreeHead.from_json(d) for d in docs]


@ledger_app.command("verify")
def verify(
    log: Annotated[Path, typer.Argument(help="An exported log (openskies ledger export).")],
    keys: Annotated[
        Path, typer.Option(help="The log's public key; add States' keys to pin them (JSON).")
    ],
    witnesses: Annotated[
        int, typer.Option(help="Witnesses whose cosigned head must cover the whole log.")
    ] = 0,
    head: Annotated[
        list[Path] | None, typer.Option(help="A signed tree head kept elsewhere (repeatable).")
    ] = None,
    state: Annotated[
        Path | None, typer.Option(help="A witness's memory: check every head it saw.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a copy of the log offline: every signature, every leaf, every tree head, forks
    (exit 1 if anything is wrong; a fork prints both signed heads)."""
    report = verify_log_document(
        read_json(log, "LOG"),
        parse_public_keys(read_json(keys, "--keys")),
        min_cosigners=witnesses,
        tree_heads=_heads(head or [], state),
    )
    if as_json:
        print_json(report.as_json())
    elif report.ok:
        console.print(
            f"ledger intact: {report.entries} entries, root {report.root_hash.hex()}, "
            f"cosigned by {', '.join(report.cosigners) or 'no witness'}"
        )
    else:
        for problem in report.problems:
            typer.echo(f"ledger BROKEN: {problem.kind}: {problem.message}", err=True)
            for signed in problem.evidence:
                typer.echo(json.dumps(signed, indent=1), err=True)
    if not report.ok:
        raise typer.Exit(1)


@data_app.command("verify")
def data_verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Re-hash every stored object; report missing and corrupt ones (exit 1 if any)."""
    with open_services(read_settings()) as svc:
        with svc.sessions() as session:
            expected = session.execute(select(CustodyObjectRow.sha256)).scalars().all()
            expected = [*expected, *Fingerprints.copies(session)]  # the delivered copies
        report = verify_store(svc.store, expected)
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


@data_app.command("trace")
def data_trace(
    suspect: Annotated[Path, typer.Argument(help="A leaked image (TIFF, PNG or JPEG).")],
    object_sha256: Annotated[
        str | None, typer.Option("--object", help="The original's SHA-256, if known.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Name the delivery a leaked copy came from (exit 2 when it cannot decide)."""
    if not suspect.is_file():
        raise InputError(f"SUSPECT_FILE: {suspect}: no such file")
    with open_services(read_settings(), route_checker=None) as svc:
        result = Fingerprints(svc.store).trace_file(svc.sessions, suspect, object_sha256)
    if as_json:
        print_json(result)
    elif result["decided"]:
        for named in result["named"]:
            console.print(
                f"{named['recipient']}: delivery {named['delivery_id']}, ledger entry "
                f"{named['ledger_index']}, score {named['score']} ≥ {result['threshold']}"
            )
    else:
        console.print(f"cannot decide: {'; '.join(result.get('notes', []))}")
    if not result["decided"]:
        raise typer.Exit(2)
