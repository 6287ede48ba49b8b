"""Keys the delegations hold: public keys only, the log's own key, tree heads, cosignatures

The old ``delegation_keys`` table held every delegation's private key (the service signed
for them): it is dropped, private keys and all. Only the log's key moves, to ``log_keys``.

Revision ID: 0003_i11b
Revises: 0003_i12
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_i11b"
down_revision = "0003_i12"
branch_labels = None
depends_on = None

LOG_ID = "openskies-custody"


def upgrade() -> None:
    op.create_table(
        "log_keys",
        sa.Column("log_id", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("log_id"),
    )
    op.execute(
        "INSERT INTO log_keys (log_id, public_key, private_key, created_at) "
        "SELECT state, public_key, private_key, created_at FROM delegation_keys "
        f"WHERE state = '{LOG_ID}'"
    )
    op.drop_table("delegation_keys")
    op.create_table(
        "delegation_public_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=3), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_index(
        "ix_delegation_public_keys_state", "delegation_public_keys", ["state"], unique=False
    )
    op.create_table(
        "tree_heads",
        sa.Column("tree_size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("root_hash", sa.String(length=64), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=88), nullable=False),
        sa.PrimaryKeyConstraint("tree_size"),
    )
    op.create_table(
        "tree_head_cosignatures",
        sa.Column("tree_size", sa.Integer(), nullable=False),
        sa.Column("witness", sa.String(length=3), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=88), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tree_size"], ["tree_heads.tree_size"]),
        sa.PrimaryKeyConstraint("tree_size", "witness"),
    )


def downgrade() -> None:
    op.drop_table("tree_head_cosignatures")
    op.drop_table("tree_heads")
    op.drop_index("ix_delegation_public_keys_state", table_name="delegation_public_keys")
    op.drop_table("delegation_public_keys")
    op.create_table(
        "delegation_keys",
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("private_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.execute(
        "INSERT INTO delegation_keys (state, public_key, private_key, created_at) "
        "SELECT log_id, public_key, private_key, created_at FROM log_keys"
    )
    op.drop_table("log_keys")
