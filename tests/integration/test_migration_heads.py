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


def test_the_subtree_hashes_are_backfilled_from_the_leaves(database_url: str) -> None:
    """0008_i13c fills ``ledger_nodes`` from a log stored before it, as the appends would."""
    from alembic import command
    from sqlalchemy import text

    from openskies.custody import leaf_hash
    from openskies.custody.merkle import complete_nodes

    engine = make_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    leaves = [f'{{"n":{i}}}' for i in range(13)]
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007_i13")
        for i, leaf in enumerate(leaves):
            connection.execute(
                text(
                    'INSERT INTO ledger_leaves ("index", leaf, leaf_hash, at) '
                    "VALUES (:i, :leaf, :h, '2026-01-01 00:00:00')"
                ),
                {"i": i, "leaf": leaf, "h": leaf_hash(leaf.encode()).hex()},
            )
        command.upgrade(config, "0008_i13c")
        rows = connection.execute(text('SELECT level, "index", hash FROM ledger_nodes')).all()
    engine.dispose()
    expected = complete_nodes([leaf_hash(leaf.encode()) for leaf in leaves])
    assert {(level, index): bytes.fromhex(h) for level, index, h in rows} == expected
    assert len(expected) == 2 * 13 - bin(13).count("1")
