"""fingerprinted copies: each object's code key and each delivery's record

Revision ID: 0003_i11a
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i11a"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fingerprint_keys",
        sa.Column("object_sha256", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["object_sha256"], ["custody_objects.sha256"]),
        sa.PrimaryKeyConstraint("object_sha256"),
    )
    op.create_table(
        "fingerprint_deliveries",
        sa.Column("delivery_id", sa.String(length=32), nullable=False),
        sa.Column("object_sha256", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("copy_sha256", sa.String(length=64), nullable=True),
        sa.Column("copy_size", sa.BigInteger(), nullable=True),
        sa.Column("scheme", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("ledger_index", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["object_sha256"], ["custody_objects.sha256"]),
        sa.PrimaryKeyConstraint("delivery_id"),
    )
    with op.batch_alter_table("fingerprint_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fingerprint_deliveries_object_sha256"), ["object_sha256"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_fingerprint_deliveries_recipient"), ["recipient"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("fingerprint_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fingerprint_deliveries_recipient"))
        batch_op.drop_index(batch_op.f("ix_fingerprint_deliveries_object_sha256"))
    op.drop_table("fingerprint_deliveries")
    op.drop_table("fingerprint_keys")
