"""Adapters at the edge: the database (SQLAlchemy 2, SQLite or PostgreSQL)."""

__all__: list[str] = []
