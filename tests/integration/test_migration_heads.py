"""The migrations form one chain, and the paged reads' indexes are in the schema."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from openskies.adapters.database import MIGRATIONS, make_engine, upgrade


def test_the_migrations_have_exactly_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_flights_and_outboxes_are_indexed_in_page_order(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    schema = inspect(engine)
    flights = {i["name"]: i["column_names"] for i in schema.get_indexes("flights")}
    messages = {i["name"]: i["column_names"] for i in schema.get_indexes("messages")}
    engine.dispose()
    assert flights["ix_flights_eta_id"] == ["eta", "id"]
    assert messages["ix_messages_sender_id"] == ["sender", "id"]
