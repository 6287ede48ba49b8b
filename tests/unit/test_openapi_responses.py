"""Every operation's success response is described in OpenAPI: no untyped JSON body.

A route that returns ``dict[str, Any]`` (or ``Any``) gets the schema ``{}`` or a bare
``object``; this test walks ``app.openapi()`` and names each such operation, so a new route
cannot land without a response model (``openskies.api.responses``). Likewise each JSON
request body a POST, PUT or PATCH takes is a model (``openskies.api.schemas``), whose
``command()`` is what the service takes (``openskies.services.commands``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from openskies.api.app import create_app
from openskies.services.container import Services

PRIMITIVE = {"string", "integer", "number", "boolean", "null"}

PENDING: dict[tuple[str, str], str] = {}
"""Operations not yet typed, each with why; remove an entry when its route is typed."""


@contextmanager
def _no_services() -> Iterator[Services]:
    raise AssertionError("the OpenAPI document needs no services")
    yield  # pragma: no cover


def described(schema: Any, components: dict[str, Any]) -> bool:
    """True when ``schema`` says what the body holds: a model, or typed items or values."""
    if not isinstance(schema, dict) or not schema:
        return False
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name in components
    for union in ("anyOf", "oneOf", "allOf"):
        if union in schema:
            return all(described(s, components) for s in schema[union])
    kind = schema.get("type")
    if kind in PRIMITIVE:
        return True
    if kind == "array":
        return described(schema.get("items"), components)
    if kind == "object":
        if schema.get("properties"):
            return True
        values = schema.get("additionalProperties")
        return isinstance(values, dict) and described(values, components)
    return False


def untyped_operations(document: dict[str, Any]) -> list[str]:
    """Each operation whose 2xx JSON response has no described schema, or no 2xx at all."""
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if (method, path) in PENDING:
                continue
            ok = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
            if not ok:
                found.append(f"{method.upper()} {path}: no success response")
            for status, response in ok.items():
                json_body = response.get("content", {}).get("application/json")
                if json_body is not None and not described(json_body.get("schema"), components):
                    found.append(f"{method.upper()} {path} {status}: {json_body.get('schema')}")
    return found


WRITES = {"post", "put", "patch"}

PENDING_BODIES: dict[tuple[str, str], str] = {
    ("post", "/api/data/{sha256}/requests"): "the requester's signed event commits to the "
    "canonical JSON of the body as sent; parse_copy_request checks it",
}
"""Request bodies not yet typed, each with why; remove an entry when its body is a model."""


def untyped_request_bodies(document: dict[str, Any]) -> list[str]:
    """Each POST, PUT or PATCH whose JSON request body has no described schema."""
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in WRITES or "requestBody" not in operation:
                continue
            if (method, path) in PENDING_BODIES:
                continue
            json_body = operation["requestBody"].get("content", {}).get("application/json")
            if json_body is not None and not described(json_body.get("schema"), components):
                found.append(f"{method.upper()} {path}: {json_body.get('schema')}")
    return found


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return create_app(_no_services).openapi()


def test_every_success_response_has_a_schema(document: dict[str, Any]) -> None:
    assert untyped_operations(document) == []


def test_every_json_request_body_has_a_schema(document: dict[str, Any]) -> None:
    assert untyped_request_bodies(document) == []


def test_pending_bodies_exist_and_are_still_untyped(document: dict[str, Any]) -> None:
    """An entry of PENDING_BODIES goes once its body is a model (or the route is gone)."""
    components = document["components"]["schemas"]
    for method, path in PENDING_BODIES:
        body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
        assert not described(body["schema"], components), f"{method} {path} is typed: drop it"


def test_the_request_check_finds_an_untyped_body(document: dict[str, Any]) -> None:
    """The check is not vacuous: JSON bodies are walked, and a ``{}`` body is named."""
    writes = [
        op["requestBody"]
        for ops in document["paths"].values()
        for method, op in ops.items()
        if method in WRITES and "requestBody" in op
    ]
    assert any("application/json" in b.get("content", {}) for b in writes)
    untyped = {
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "additionalProperties": True}
                            }
                        }
                    }
                }
            }
        }
    }
    assert untyped_request_bodies(untyped) == [
        "POST /x: {'type': 'object', 'additionalProperties': True}"
    ]


def test_pending_operations_exist_and_are_still_untyped(document: dict[str, Any]) -> None:
    """An entry of PENDING goes once its route is typed (or gone)."""
    components = document["components"]["schemas"]
    for method, path in PENDING:
        response = document["paths"][path][method]["responses"]["200"]
        schema = response["content"]["application/json"]["schema"]
        assert not described(schema, components), f"{method} {path} is typed: drop it"


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({}, False),
        ({"type": "object", "additionalProperties": True}, False),
        ({"type": "array", "items": {"type": "object", "additionalProperties": True}}, False),
        ({"type": "array", "items": {"$ref": "#/components/schemas/M"}}, True),
        ({"type": "object", "additionalProperties": {"type": "array", "items": {}}}, False),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, True),
        ({"$ref": "#/components/schemas/Missing"}, False),
        ({"anyOf": [{"$ref": "#/components/schemas/M"}, {"type": "null"}]}, True),
    ],
)
def test_the_check_tells_typed_from_untyped(schema: dict[str, Any], expected: bool) -> None:
    assert described(schema, {"M": {"type": "object"}}) is expected
