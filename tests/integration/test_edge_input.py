"""Bad input is refused at the edge with a 4xx problem+json, the same on SQLite and
PostgreSQL: unsafe text, untyped ids, unbounded years and coordinates, deep nesting,
oversized bodies, empty uploads, and ids that would tell an outsider what exists."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from openskies.adapters.custody_client import ServerError
from tests.integration.conftest import World
from tests.integration.test_custody_flow import _fly, annotation_doc, request_doc
from tests.integration.test_custody_flow import custody_world as custody_world  # a fixture

PROBLEM = "application/problem+json"
FLIGHT = "00000000-0000-4000-8000-000000000000"
SHA = "ab" * 32


def _refused(response: Any, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def _raw(world: World, state: str, path: str, text: str) -> Any:
    return world.call(
        state, "POST", path, content=text.encode(), headers={"Content-Type": "application/json"}
    )


@pytest.mark.parametrize(
    "value",
    ["a\\u0000b", "\\ud800", "x\\udfffy", "bell\\u0007", "esc\\u001b[0m", "c1\\u0085"],
    ids=["nul", "lone-high-surrogate", "lone-low-surrogate", "bel", "esc", "c1"],
)
def test_unsafe_text_is_refused_in_fields_and_free_form_json(world: World, value: str) -> None:
    field = _refused(
        _raw(world, "DEU", f"/api/flights/{FLIGHT}/decline", f'{{"reason":"{value}"}}')
    )
    assert field["errors"][0]["field"] == "body.reason"
    free = _refused(
        _raw(world, "DEU", f"/api/flights/{FLIGHT}/report", f'{{"report":{{"n":["{value}"]}}}}')
    )
    assert "body.report.n.0" in free["detail"]
    key = _refused(
        _raw(world, "DEU", f"/api/flights/{FLIGHT}/report", f'{{"report":{{"{value}":1}}}}')
    )
    assert "a key" in key["detail"]


def test_unsafe_text_is_refused_in_query_and_path(world: World) -> None:
    _refused(world.call("DEU", "GET", "/api/treaty/parties?on=2020-01-01%00"))
    _refused(world.call("DEU", "GET", "/api/treaty/parties?on=%ED%A0%80"))
    _refused(world.call("DEU", "GET", "/api/flights/%00"))


def test_non_finite_and_huge_numbers_are_refused(world: World) -> None:
    path = f"/api/flights/{FLIGHT}/report"
    _refused(_raw(world, "DEU", path, '{"report":{"x":1e400}}'))
    _refused(_raw(world, "DEU", path, '{"report":{"x":NaN}}'))
    _refused(_raw(world, "DEU", path, '{"report":{"x":' + "9" * 30 + "}}"))
    _refused(_raw(world, "DEU", path, '{"report":{"x":' + "9" * 5000 + "}}"))


@pytest.mark.parametrize(
    "path",
    [
        "/api/flights/not-a-uuid/acknowledge",
        "/api/flights/{FLIGHT}/agreements/2147483648/accept",
        "/api/flights/{FLIGHT}/agreements/9223372036854775808/accept",
        "/api/flights/{FLIGHT}/agreements/0/accept",
        "/api/data/requests/2147483648/deliver",
        "/api/data/requests/9223372036854775808/deliver",
        "/api/data/requests/-1/deliver",
        "/api/data/XYZ/deliver-duplicate",
        "/api/data/" + "AB" * 32 + "/deliver-duplicate",
    ],
)
def test_path_parameters_are_typed_and_bounded(world: World, path: str) -> None:
    _refused(world.call("DEU", "POST", path.replace("{FLIGHT}", FLIGHT)))


@pytest.mark.parametrize(
    "path",
    [
        "/api/flights/NOT-A-UUID",
        "/api/data/" + "0" * 63,
        "/api/ledger/proof/9223372036854775808",
        "/api/ledger/proof/0?size=9223372036854775808",
        "/api/ledger/proof/-1",
    ],
)
def test_read_parameters_are_typed_and_bounded(world: World, path: str) -> None:
    _refused(world.call("DEU", "GET", path))


@pytest.mark.parametrize("year", [0, -1, 1991, 99999, 2**63])
def test_years_are_bounded(world: World, year: int) -> None:
    _refused(world.call("DEU", "GET", f"/api/treaty/quotas?year={year}"))


@pytest.mark.parametrize(
    "point",
    [[20.0, 91.0], [181.0, 50.0], [20.0, 50.0, 1e9], [20.0, 50.0, 0, 0], [20.0, "50"], [True, 50]],
    ids=["lat", "lon", "third-coordinate", "four", "text", "bool"],
)
def test_coordinates_are_bounded(world: World, point: list[Any]) -> None:
    route = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "LineString", "coordinates": [[20.97, 52.17], point]},
    }
    body = {"route": route, "observed": "POL", "date": "2026-12-05", "airfield": "EPWA"}
    detail = _refused(world.call("DEU", "POST", "/api/plan/check", json=body))["detail"]
    assert "point 1" in detail
    sites = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": point}}],
    }
    plan = {"observed": "POL", "airfield": "EPWA", "date": "2026-12-05", "sites": sites}
    _refused(world.call("DEU", "POST", "/api/plan/flight", json=plan))


def test_nesting_depth_is_capped(world: World) -> None:
    deep = '{"report":' + "[" * 900 + "]" * 900 + "}"
    assert "nested" in _refused(_raw(world, "DEU", f"/api/flights/{FLIGHT}/report", deep))["detail"]
    deeper = "[" * 100_000 + "]" * 100_000
    _refused(_raw(world, "DEU", f"/api/flights/{FLIGHT}/report", deeper))
    header = base64.urlsafe_b64encode(b"[" * 20_000 + b"]" * 20_000).decode().rstrip("=")
    doc = {"records": json.loads("[" * 40 + "]" * 40)}
    nested = base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")
    for value in (header, nested):
        response = world.call(
            "DEU",
            "POST",
            f"/api/flights/{FLIGHT}/data",
            content=b"x",
            headers={"X-Annotation": value},
        )
        assert "X-Annotation" in _refused(response)["detail"]


def test_bodies_over_the_limit_get_413_chunked_or_not(world: World) -> None:
    big = b'{"reason":"' + b"x" * (3 * 1024 * 1024) + b'"}'
    path = f"/api/flights/{FLIGHT}/decline"
    _refused(_raw(world, "DEU", path, big.decode()), 413)

    def chunked() -> Any:
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    response = world.call(
        "DEU", "POST", path, content=chunked(), headers={"Content-Type": "application/json"}
    )
    _refused(response, 413)


def test_an_empty_upload_is_refused_and_stores_nothing(custody_world: Any) -> None:
    world, objects = custody_world
    fid = _fly(world)
    with pytest.raises(ServerError, match="HTTP 422: body: the upload is empty"):
        world.custody("DEU").upload(fid, b"", annotation_doc())
    assert not [p for p in objects.rglob("*") if p.is_file()]


def test_a_third_state_cannot_tell_which_copy_requests_exist(custody_world: Any) -> None:
    world, _ = custody_world
    fid = _fly(world)
    sha = world.custody("DEU").upload(fid, b"imagery", annotation_doc())["sha256"]
    made = world.custody("FRA").request_copy(sha, request_doc())
    existing, missing = made["id"], made["id"] + 1000
    for method, suffix in (("GET", ""), ("POST", "/deliver")):
        seen = [
            world.call("GBR", method, f"/api/data/requests/{i}{suffix}")
            for i in (existing, missing)
        ]
        assert seen[0].status_code == seen[1].status_code, (seen[0].text, seen[1].text)
        assert seen[0].json()["detail"].replace(str(existing), "N") == seen[1].json()[
            "detail"
        ].replace(str(missing), "N")
    hidden = world.call("GBR", "GET", f"/api/data/requests/{existing}")
    assert _refused(hidden, 404)
    assert world.call("FRA", "GET", f"/api/data/requests/{existing}").status_code == 200
    assert world.call("DEU", "GET", f"/api/data/requests/{existing}").status_code == 200


def test_openapi_declares_problem_responses_everywhere(world: World) -> None:
    document = world.client.get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("413", "422"):
                content = operation["responses"][status]["content"]
                assert list(content) == [PROBLEM], (method, path, status)
            if operation.get("security"):
                assert {"401", "403", "404"} <= set(operation["responses"]), (method, path)
    download = document["paths"]["/api/data/{sha256}"]["get"]["responses"]["200"]["content"]
    assert list(download) == ["application/octet-stream"]
