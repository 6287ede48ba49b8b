"""exercise clock: the instant a training exercise or replay runs at, kept for every replica

Revision ID: 0004_i10
Revises: 0003_i11a
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_i10"
down_revision = "0003_i11a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_real", sa.DateTime(timezone=True), nullable=False),
        sa.Column("advanced_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("exercise_clock")
