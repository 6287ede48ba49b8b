"""The composition root reads its settings from the environment once, and only there."""

from __future__ import annotations

from pathlib import Path

from openskies.bootstrap import Settings


def test_settings_default_to_sqlite_and_objects_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings.from_environ({"OPENSKIES_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite+pysqlite:///{tmp_path / 'openskies.sqlite3'}"
    assert settings.object_store_location() == str(tmp_path / "objects")


def test_settings_name_postgresql_and_an_s3_store() -> None:
    settings = Settings.from_environ(
        {
            "OPENSKIES_DATABASE_URL": "postgresql://u@db:5432/openskies",
            "OPENSKIES_OBJECT_STORE": "s3://bucket/prefix",
            "OPENSKIES_DATA_DIR": "/srv/openskies",
        }
    )
    assert settings.database_url == "postgresql+psycopg://u@db:5432/openskies"
    assert settings.object_store_location() == "s3://bucket/prefix"


def test_objects_of_a_server_database_go_to_the_data_directory() -> None:
    settings = Settings("postgresql+psycopg://u@db/openskies", data_dir="/srv/openskies")
    assert settings.object_store_location() == str(Path("/srv/openskies") / "objects")
