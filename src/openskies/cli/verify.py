"""``openskies verify`` (every check at once) and ``openskies data gc`` (orphan objects)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from openskies.bootstrap import open_services, read_settings
from openskies.cli._common import console, print_json
from openskies.errors import InputError
from openskies.services.verification import recorded_objects, verify_everything

__all__ = ["gc", "parse_duration", "verify"]


def verify(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Check everything: audit chain, ledger (against its signed tree head), data store and
    every row; name the first bad row and its table (exit 1 if anything is wrong)."""
    try:
        with (
            open_services(read_settings(), route_checker=None) as svc,
            svc.sessions() as session,
        ):
            report = verify_everything(session, svc.store)
    except InputError:
        raise
    except Exception as exc:  # a database or store that cannot be read at all
        typer.echo(f"verify could not run: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(2) from None
    if as_json:
        print_json(report.as_json())
    else:
        for check in report.checks:
            state = "ok" if check.ok else f"BROKEN ({len(check.problems)} problems)"
            console.print(f"{check.name:6} {state}: {check.summary}")
        if report.orphans:
            console.print(
                f"store  {len(report.orphans)} orphan object(s) with no custody record "
                "(remove them with: openskies data gc --grace 24h)"
            )
        if report.problems:
            first = report.problems[0]
            typer.echo(f"first bad row: table {first.table}, {first.message}", err=True)
            for problem in report.problems[1:20]:
                typer.echo(f"  also: {problem.message}", err=True)
        else:
            console.print("everything verified" if report.ok else "verified, with orphans")
    if not report.ok:
        raise typer.Exit(1)


def parse_duration(value: str, option: str) -> timedelta:
    """``30s``, ``15m``, ``24h`` or ``7d``."""
    found = re.fullmatch(r"\s*(\d{1,6})\s*([smhd])\s*", value)
    if found is None:
        raise InputError(f"{option}: {value!r} is not a duration (e.g. 30m, 24h, 7d)")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[found.group(2)]
    return timedelta(**{unit: int(found.group(1))})


def _modified(store: Any, sha256: str) -> datetime | None:
    """When the object was written (a local file's mtime, an S3 object's LastModified)."""
    if hasattr(store, "path_of"):
        try:
            return datetime.fromtimestamp(store.path_of(sha256).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None
    head = store._head(sha256) if hasattr(store, "_head") else None
    return None if head is None else head.get("LastModified")


def gc(
    grace: Annotated[str, typer.Option(help="Keep orphans younger than this (e.g. 24h).")] = "24h",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list what would go.")] = False,
) -> None:
    """Remove stored objects that no custody record names (left by a crash between the
    store and the database), once older than the grace period."""
    keep = parse_duration(grace, "--grace")
    with open_services(read_settings(), route_checker=None) as svc:
        with svc.sessions() as session:
            known = set(recorded_objects(session))
        cutoff = datetime.now(UTC) - keep
        removed, young = [], 0
        for sha in list(svc.store.iter_objects()):
            if sha in known:
                continue
            written = _modified(svc.store, sha)
            if written is None or written > cutoff:
                young += 1
                continue
            if not dry_run:
                svc.store.delete(sha)
            removed.append(sha)
    verb = "would remove" if dry_run else "removed"
    console.print(f"{verb} {len(removed)} orphan object(s); {young} younger than {grace} kept")
    for sha in removed:
        typer.echo(sha)
