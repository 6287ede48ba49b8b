"""custody

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 08:06:01.280097
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "delegation_keys",
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "ledger_leaves",
        sa.Column("index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("leaf", sa.Text(), nullable=False),
        sa.Column("leaf_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("index"),
    )
    op.create_table(
        "custody_objects",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.String(length=36), nullable=True),
        sa.Column("flight_reference", sa.String(length=6), nullable=False),
        sa.Column("observing", sa.String(length=3), nullable=False),
        sa.Column("observed", sa.String(length=3), nullable=False),
        sa.Column("annotation", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flights.id"],
        ),
        sa.PrimaryKeyConstraint("sha256"),
    )
    with op.batch_alter_table("custody_objects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custody_objects_flight_id"), ["flight_id"], unique=False
        )

    op.create_table(
        "copy_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester", sa.String(length=3), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["custody_objects.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("copy_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_copy_requests_requester"), ["requester"], unique=False)

    op.create_table(
        "custody_holdings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("party", sa.String(length=3), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["custody_objects.sha256"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256", "party"),
    )
    with op.batch_alter_table("custody_holdings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_custody_holdings_party"), ["party"], unique=False)
        batch_op.create_index(batch_op.f("ix_custody_holdings_sha256"), ["sha256"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("custody_holdings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_holdings_sha256"))
        batch_op.drop_index(batch_op.f("ix_custody_holdings_party"))

    op.drop_table("custody_holdings")
    with op.batch_alter_table("copy_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_copy_requests_requester"))

    op.drop_table("copy_requests")
    with op.batch_alter_table("custody_objects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custody_objects_flight_id"))

    op.drop_table("custody_objects")
    op.drop_table("ledger_leaves")
    op.drop_table("delegation_keys")
