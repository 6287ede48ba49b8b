"""The OpenAPI document says every status and content type an operation answers with.

Applied once to the whole app (not per route): every error is RFC 9457
``application/problem+json``; 413 and 422 can come from the edge for any operation; the
authenticated ones also answer 401, 403, 404 and 409. Operations that do not answer JSON
say what they do answer (sensor data, GeoJSON, KML, GPX).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from openskies.api.edge import PROBLEM

__all__ = ["declare_problems"]

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "An RFC 9457 problem: what went wrong, naming the field and the rule.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "field": {"type": ["string", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
        "violations": {"type": "array", "items": {"type": "object"}},
    },
}

EVERY_OPERATION = {
    "400": "The request cannot be used.",
    "413": "The request body is over the limit.",
    "422": "A field is invalid or the treaty refuses the request (named, with its rule).",
}
AUTHENTICATED = {
    "401": "No valid bearer token of a delegation.",
    "403": "The delegation's treaty role on the day does not allow this.",
    "404": "No such thing, or none this delegation may know of.",
    "409": "Not in a state where this can happen.",
}
OTHER_CONTENT = {
    ("get", "/api/data/{sha256}"): ["application/octet-stream"],
    ("get", "/api/geo/territories"): ["application/geo+json"],
    ("post", "/api/plan/export"): [
        "application/geo+json",
        "application/vnd.google-earth.kml+xml",
        "application/gpx+xml",
    ],
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the problem responses and the non-JSON content types to an OpenAPI document."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = dict(EVERY_OPERATION)
            if operation.get("security"):
                statuses.update(AUTHENTICATED)
            for status, description in statuses.items():
                responses[status] = _problem(description)
            types = OTHER_CONTENT.get((method, path))
            if types:
                ok = next(s for s in responses if s.startswith("2"))
                responses[ok]["content"] = {t: {"schema": {}} for t in types}
    document["components"]["schemas"].pop("HTTPValidationError", None)
    document["components"]["schemas"].pop("ValidationError", None)
    return document


def declare_problems(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the completed document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
