"""Services: orchestrate the pure core and the adapters (database, clock)."""

__all__: list[str] = []
