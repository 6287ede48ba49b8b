"""indexes for the paged reads: flights by (ETA, id), a delegation's outbox by (sender, id)

A page of flights is the next ``limit`` after the (ETA, id) of the last one seen, and a page
of the outbox the next after an id among one sender's messages: each is read from its index
in order, so a page costs the same at any depth of a twenty-year record.

Revision ID: 0006_i13p
Revises: 0003_i11b
"""

from alembic import op

revision = "0006_i13p"
down_revision = "0003_i11b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_flights_eta_id", "flights", ["eta", "id"])
    op.create_index("ix_messages_sender_id", "messages", ["sender", "id"])


def downgrade() -> None:
    op.drop_index("ix_messages_sender_id", table_name="messages")
    op.drop_index("ix_flights_eta_id", table_name="flights")
