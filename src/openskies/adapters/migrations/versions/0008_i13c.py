"""the custody log's complete subtree hashes (RFC 9162 §2.1), for O(log n) proofs and heads

Revision ID: 0008_i13c
Revises: 0007_i13
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0008_i13c"
down_revision = "0007_i13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    nodes = op.create_table(
        "ledger_nodes",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("index", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("level", "index"),
    )
    # Backfill from the leaves as they are (each leaf's hash from its bytes, as the log does).
    leaves = sa.table("ledger_leaves", sa.column("index", sa.Integer), sa.column("leaf", sa.Text))
    rows = op.get_bind().execute(sa.select(leaves.c.leaf).order_by(leaves.c.index))
    level, row = 0, [hashlib.sha256(b"\x00" + leaf.encode()).digest() for (leaf,) in rows]
    while row:
        op.bulk_insert(
            nodes, [{"level": level, "index": i, "hash": h.hex()} for i, h in enumerate(row)]
        )
        row = [
            hashlib.sha256(b"\x01" + row[i] + row[i + 1]).digest()
            for i in range(0, len(row) - 1, 2)
        ]
        level += 1


def downgrade() -> None:
    op.drop_table("ledger_nodes")
