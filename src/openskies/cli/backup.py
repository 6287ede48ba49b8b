"""``openskies backup DIR`` and ``openskies restore DIR``: the database and the object
store, consistent; ``openskies verify`` passes on the restored deployment."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openskies.bootstrap import open_services, read_settings
from openskies.cli._common import console
from openskies.services.backup import backup as run_backup
from openskies.services.backup import restore as run_restore

__all__ = ["backup", "restore"]


def backup(
    directory: Annotated[Path, typer.Argument(help="A new directory for the backup.")],
) -> None:
    """Back up every table and every object in custody into DIR (one consistent snapshot)."""
    with open_services(read_settings(), route_checker=None) as svc:
        summary = run_backup(svc.sessions, svc.store, directory, svc.clock.now())
    console.print(
        f"backup in {directory}: {sum(summary.rows.values())} rows in {len(summary.rows)} "
        f"tables, {summary.objects} objects ({summary.bytes:,} bytes)"
    )


def restore(
    directory: Annotated[Path, typer.Argument(help="A backup made by openskies backup.")],
) -> None:
    """Restore DIR into this deployment, which must be empty; then run openskies verify."""
    with open_services(read_settings(), route_checker=None) as svc:
        summary = run_restore(svc.sessions, svc.store, directory)
    console.print(
        f"restored from {directory}: {sum(summary.rows.values())} rows, "
        f"{summary.objects} objects; check it with: openskies verify"
    )
