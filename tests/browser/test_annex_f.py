"""Flights view, the rest of the flight (Ann. F): the observed Party inspects the observing
Party's aircraft and finds it not conforming; the observing Party cancels with the form,
citing its paragraph; the flight is cancelled and not counted."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.browser.conftest import Pages, Server, serve
from tests.integration.test_mission_flow import notice


@pytest.fixture(scope="module")
def annex_f_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("annex-f-data"), ("DEU", "POL"))


def _post(server: Server, state: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{server.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {server.tokens[state]}",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_ann_f_i_8_the_observing_party_cancels_after_the_inspection_in_the_web_app(
    pages: Pages, annex_f_server: Server, shot: Any
) -> None:
    eta = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=97)
    fid = _post(annex_f_server, "DEU", "/api/flights", notice(eta=eta))["id"]
    _post(annex_f_server, "POL", f"/api/flights/{fid}/acknowledge")
    _post(annex_f_server, "POL", f"/api/flights/{fid}/arrive")

    pol = pages.signed_in("POL", "flights", annex_f_server)
    card = pol.locator("article.flight").first
    card.wait_for()
    assert card.locator("button[data-step='cancel']").count() == 0  # the observing Party's
    card.locator("button[data-step='start-inspection']").click()
    pol.wait_for_selector("button[data-step='end-inspection']")
    card.locator("button[data-step='end-inspection']").click()
    form = card.locator("form.step-form")
    form.get_by_label("Finding").select_option("false")
    form.get_by_role("button", name="End the pre-flight inspection").click()
    pol.wait_for_selector("[data-testid=deadlines] >> text=Ann. F §I ¶4")
    shot(pol, "30-flights-inspection-not-conforming")

    deu = pages.signed_in("DEU", "flights", annex_f_server)
    card = deu.locator("article.flight").first
    card.wait_for()
    assert card.locator("button[data-step='start-inspection']").count() == 0  # POL inspects
    card.locator("button[data-step='cancel']").click()
    form = card.locator("form.step-form")
    assert "Ann. F §I ¶8" in form.get_by_label("After").inner_text()
    form.get_by_label("After").select_option("inspection")
    form.get_by_role("button", name="Cancel the flight").click()
    deu.wait_for_selector("[data-testid=flight-state]:text-is('cancelled')")
    shot(deu, "31-flights-cancelled-after-inspection")
