"""Backup and restore of a deployment: every table and every object in custody, consistent.

A backup reads the database in one snapshot transaction (REPEATABLE READ on PostgreSQL, a
read transaction on SQLite) and copies each object that snapshot names from the store,
re-hashing it on the way. Objects are durable before their record exists and never
removed while recorded, so the snapshot's objects are all there. ``manifest.json`` holds
each file's SHA-256; a restore checks them all before writing anything, writes only into
an empty deployment, in one transaction, and resets the id sequences.

The format is plain JSON lines per table, so a backup of SQLite restores into PostgreSQL
and the other way round.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Table, func, select, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from openskies.adapters.orm import AuditRow, Base
from openskies.custody import ObjectStore
from openskies.errors import InputError
from openskies.services.verification import recorded_objects

__all__ = ["BACKUP_FORMAT", "BackupSummary", "backup", "restore"]

BACKUP_FORMAT = "openskies-backup/1"
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or restore wrote: rows per table and objects."""

    rows: dict[str, int]
    objects: int
    bytes: int


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_write(path: Path, lines: Iterator[str]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line)
        out.flush()
        os.fsync(out.fileno())


def backup(
    sessions: sessionmaker[Session], store: ObjectStore, target: Path, now: datetime
) -> BackupSummary:
    """Write the deployment into ``target`` (a new or empty directory); ``now`` dates it."""
    if target.exists() and any(target.iterdir()):
        raise InputError(f"DIR: {target} is not empty; a backup goes into a new directory")
    (target / "db").mkdir(parents=True, exist_ok=True)
    (target / "objects").mkdir(exist_ok=True)
    files: dict[str, dict[str, Any]] = {}
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        session.execute(select(func.count()).select_from(AuditRow)).scalar_one()  # snapshot
        for table in _tables():
            path = target / "db" / f"{table.name}.jsonl"
            count = 0

            def lines(table: Table = table) -> Iterator[str]:
                nonlocal count
                order = list(table.primary_key.columns)
                for row in session.execute(select(table).order_by(*order)).mappings():
                    count += 1
                    doc = {k: _plain(v) for k, v in row.items()}
                    yield json.dumps(doc, ensure_ascii=True, sort_keys=True) + "\n"

            _fsync_write(path, lines())
            files[f"db/{table.name}.jsonl"] = {"rows": count, "sha256": _sha256_file(path)}
        wanted = recorded_objects(session)
    total = 0
    for sha in wanted:
        path = target / "objects" / sha
        with store.open(sha) as source, path.open("wb") as out:  # re-hashed as it is read
            while chunk := source.read(CHUNK):
                out.write(chunk)
                total += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    manifest = {
        "format": BACKUP_FORMAT,
        "created_at": now.astimezone(UTC).isoformat(),
        "files": files,
        "objects": sorted(wanted),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    rows = {name.split("/")[1].removesuffix(".jsonl"): f["rows"] for name, f in files.items()}
    return BackupSummary(rows, len(wanted), total)


def _manifest(source: Path) -> dict[str, Any]:
    path = source / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"DIR: {source} has no manifest.json (not an openskies backup)") from None
    except ValueError as exc:
        raise InputError(f"DIR: {path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_FORMAT:
        raise InputError(f"DIR: {path}: not a {BACKUP_FORMAT} manifest")
    for name, entry in manifest["files"].items():
        if _sha256_file(source / name) != entry["sha256"]:
            raise InputError(f"DIR: {name} does not match its SHA-256 in the manifest")
    for sha in manifest["objects"]:
        if _sha256_file(source / "objects" / sha) != sha:
            raise InputError(f"DIR: objects/{sha} does not hash to its name")
    return manifest


def _value(table: Table, name: str, value: Any) -> Any:
    kind: Any = table.c[name].type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl
    if value is not None and isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    return value


def restore(sessions: sessionmaker[Session], store: ObjectStore, source: Path) -> BackupSummary:
    """Restore the backup in ``source`` into this (empty) deployment."""
    manifest = _manifest(source)
    rows: dict[str, int] = {}
    with sessions.begin() as session:
        for table in _tables():
            if session.execute(select(func.count()).select_from(table)).scalar_one():
                raise InputError(
                    f"the deployment is not empty ({table.name} has rows); restore into a new one"
                )
        total = 0
        for sha in manifest["objects"]:
            path = source / "objects" / sha

            def chunks(path: Path = path) -> Iterator[bytes]:
                with path.open("rb") as handle:
                    while chunk := handle.read(CHUNK):
                        yield chunk

            stored, size = store.put_stream(chunks())
            if stored != sha:
                raise InputError(f"DIR: objects/{sha} stored as {stored}")
            total += size
        for table in _tables():
            path = source / "db" / f"{table.name}.jsonl"
            if not path.is_file():
                rows[table.name] = 0
                continue
            batch: list[dict[str, Any]] = []
            count = 0
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    doc = json.loads(line)
                    batch.append({k: _value(table, k, v) for k, v in doc.items() if k in table.c})
                    count += 1
                    if len(batch) >= 1000:
                        session.execute(table.insert(), batch)
                        batch = []
            if batch:
                session.execute(table.insert(), batch)
            rows[table.name] = count
        if session.get_bind().dialect.name == "postgresql":
            _reset_sequences(session)
    return BackupSummary(rows, len(manifest["objects"]), total)


def _reset_sequences(session: Session) -> None:
    """After rows with explicit ids, each id sequence continues after the largest id."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                        f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, '
                        "false) WHERE pg_get_serial_sequence("
                        f"'{table.name}', '{column.name}') IS NOT NULL"
                    )
                )
