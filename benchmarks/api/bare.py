"""The bare FastAPI endpoint the API benchmark compares with (served the same way)."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/api/health")
def health() -> dict[str, str]:
    """For the benchmark's start-up wait."""
    return {"status": "ok"}


@app.get("/bare")
def bare() -> dict[str, object]:
    """A small JSON object, from a sync endpoint (a thread, as ours)."""
    return {"id": "00000000-0000-4000-8000-000000000000", "observing": "DEU", "observed": "POL"}
