"""The ``openskies`` command line: typer commands at the edge, rich tables, ``--json``."""

__all__: list[str] = []
