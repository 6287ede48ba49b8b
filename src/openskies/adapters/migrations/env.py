"""Alembic environment: runs on the connection given by ``openskies.adapters.database``."""

from __future__ import annotations

from alembic import context

from openskies.adapters.orm import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always called through database.upgrade
    raise RuntimeError("run migrations with openskies.adapters.database.upgrade(engine)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
