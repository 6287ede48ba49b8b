"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 07:19:00.364905
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object", sa.String(length=80), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("state"),
    )
    op.create_table(
        "flights",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("observing", sa.String(length=3), nullable=False),
        sa.Column("observed", sa.String(length=3), nullable=False),
        sa.Column("observing_holder", sa.String(length=16), nullable=False),
        sa.Column("observed_holder", sa.String(length=16), nullable=False),
        sa.Column("quota_year", sa.Integer(), nullable=False),
        sa.Column("eta", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("demonstration_by", sa.String(length=16), nullable=False),
        sa.Column("transit", sa.JSON(), nullable=False),
        sa.Column("agreed_otherwise", sa.JSON(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("notification", sa.JSON(), nullable=False),
        sa.Column("mission_plan", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("flights", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flights_observed"), ["observed"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_flights_observed_holder"), ["observed_holder"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_flights_observing"), ["observing"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_flights_observing_holder"), ["observing_holder"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_flights_quota_year"), ["quota_year"], unique=False)

    op.create_table(
        "quota_locks",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("year", "holder"),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.String(length=36), nullable=False),
        sa.Column("rule", sa.String(length=60), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=3), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by", sa.String(length=3), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flights.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agreements_flight_id"), ["flight_id"], unique=False)

    op.create_table(
        "flight_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=3), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("breaches", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flights.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("flight_id", "seq"),
    )
    with op.batch_alter_table("flight_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flight_events_flight_id"), ["flight_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flight_id", sa.String(length=36), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("sender", sa.String(length=3), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("to_all_parties", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answers"],
            ["messages.id"],
        ),
        sa.ForeignKeyConstraint(
            ["flight_id"],
            ["flights.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_flight_id"), ["flight_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_sender"), ["sender"], unique=False)

    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )


def downgrade() -> None:

    op.drop_table("tokens")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_sender"))
        batch_op.drop_index(batch_op.f("ix_messages_flight_id"))

    op.drop_table("messages")
    with op.batch_alter_table("flight_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flight_events_flight_id"))

    op.drop_table("flight_events")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_flight_id"))

    op.drop_table("agreements")
    op.drop_table("quota_locks")
    with op.batch_alter_table("flights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flights_quota_year"))
        batch_op.drop_index(batch_op.f("ix_flights_observing_holder"))
        batch_op.drop_index(batch_op.f("ix_flights_observing"))
        batch_op.drop_index(batch_op.f("ix_flights_observed_holder"))
        batch_op.drop_index(batch_op.f("ix_flights_observed"))

    op.drop_table("flights")
    op.drop_table("delegations")
    op.drop_table("audit_log")
    op.drop_table("audit_head")
