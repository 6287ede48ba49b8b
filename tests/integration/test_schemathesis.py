"""Schemathesis against the OpenAPI document: no server error, every status, content type
and body as declared. A bounded run (SQLite, authenticated as one delegation)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from openskies.adapters.database import make_engine, make_session_factory, upgrade
from openskies.bootstrap import Settings, build_app
from openskies.services.clock import FixedClock
from openskies.services.delegations import create_delegation
from openskies.treaty import load_treaty_data
from tests.integration.conftest import START

TOKEN: dict[str, str] = {}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app on a fresh SQLite database, running (lifespan entered), as a schema."""
    base: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite+pysqlite:///{base / 'openskies.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine).begin() as session:
        _, TOKEN["DEU"] = create_delegation(session, load_treaty_data(), "DEU", START)
    engine.dispose()
    app = build_app(Settings(url, str(base / "objects")), clock=FixedClock(START))
    with TestClient(app):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


MAX_EXAMPLES = 6


def test_api_conforms_to_its_openapi_document(api_schema: Any) -> None:
    headers = {"Authorization": f"Bearer {TOKEN['DEU']}"}
    failures: list[str] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            # A schema-valid request may still be refused by the treaty (422 with the rule):
            # the check that expects valid data to succeed does not apply.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except Exception as exc:  # every operation is run; all failures are reported
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
