"""the log's signed tree head with its frontier, stored at every append (O(log n) heads)

Revision ID: 0007_i13
Revises: 0006_i13p
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_i13"
down_revision = "0006_i13p"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_heads",
        sa.Column("tree_size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("frontier", sa.JSON(), nullable=False),
        sa.Column("signed", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tree_size"),
    )


def downgrade() -> None:
    op.drop_table("ledger_heads")
