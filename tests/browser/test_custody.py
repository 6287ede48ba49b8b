"""Custody view, in Chromium over the real server: DEU makes its browser key and registers
it, uploads a flight's data with its annotation (footprint on the map), delivers POL's
duplicate; POL downloads it and checks the delivery's inclusion in the log in its browser.
Every event is signed in the browser (WebCrypto Ed25519, not extractable)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Pages, Server
from tests.integration.test_custody_durability import FLIGHT_ID, seed
from tests.integration.test_custody_durability import Server as Process


@pytest.fixture(scope="module")
def custody_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("custody-browser")
    tokens = seed(data, ("DEU", "POL"))
    process = Process(data)  # a port the system hands out: never one another server holds
    process.start()
    yield Server(process.url, tokens, data / "server.log")
    if process.process and process.process.poll() is None:
        process.process.terminate()
        process.process.wait(10)


@pytest.fixture
def custody_pages(browser: Any, custody_server: Server) -> Iterator[Pages]:
    made = Pages(browser, custody_server)
    yield made
    made.close()
    assert not made.errors, f"uncaught JavaScript errors: {made.errors}"


def _open(page: Any, flight: str) -> None:
    page.fill("#custody-flight-id", flight)
    page.click("#custody-open button[type=submit]")


def _register(page: Any) -> None:
    page.get_by_role("button", name="Create and register this browser's key").click()
    page.get_by_test_id("key-id").wait_for()


def test_custody_view_signs_in_the_browser_and_checks_inclusion(
    custody_pages: Pages, tmp_path: Path, shot: Any
) -> None:
    day = (datetime.now(UTC) - timedelta(days=3)).date()
    annotation = {
        "flight_reference": f"OS{day.year % 10}001",
        "flight_date": day.isoformat(),
        "sensor": "OPBP",
        "configuration": "INT1V",
        "focal_length_mm": 152,
        "records": [
            {
                "time": f"{day.isoformat()}T10:31Z",
                "hagl": "06500M",
                "position": "52.10N 020.90E",
                "magazine": 1,
                "frame": 1,
            }
        ],
    }
    frame = tmp_path / "frame-0001.raw"
    frame.write_bytes(bytes(range(256)) * 4096)

    deu = custody_pages.signed_in("DEU", "custody")
    # Hostile text is shown as text: no element is made from it.
    _open(deu, "<img src=x onerror=alert(1)>")
    deu.locator("#custody-error .problem").wait_for()
    assert deu.locator("#view-custody img").count() == 0

    _register(deu)
    _open(deu, FLIGHT_ID)
    upload = deu.locator("form.upload")
    upload.locator("input[type=file]").set_input_files(str(frame))
    upload.locator("textarea").fill(json.dumps(annotation))
    upload.get_by_role("button", name="Upload and sign").click()
    card = deu.locator("article.custody-object")
    card.wait_for()
    assert deu.get_by_test_id("upload-progress").get_attribute("value") == "100"
    assert deu.locator("#custody-map").get_attribute("data-footprints") == "1"
    assert "06500M" in card.locator("table.records").inner_text()
    card.get_by_role("button", name="Deliver the observed Party's duplicate").click()
    deu.get_by_test_id("delivered").wait_for()
    assert "POL (duplicate" in card.get_by_test_id("holders").inner_text()
    shot(deu, "12-custody-delivered")

    pol = custody_pages.signed_in("POL", "custody")
    _register(pol)
    _open(pol, FLIGHT_ID)
    pol_card = pol.locator("article.custody-object")
    pol_card.wait_for()
    with pol.expect_download() as got:
        pol_card.get_by_role("button", name="Download").click()
    assert Path(got.value.path()).read_bytes() == frame.read_bytes()
    pol.get_by_test_id("downloaded").wait_for()
    delivered = pol.get_by_test_id("delivered")
    delivered.get_by_role("button", name="Verify in this browser").click()
    pol.wait_for_selector("[data-testid=delivered] [data-verified]")
    result = delivered.locator("[data-verified]")
    assert result.get_attribute("data-verified") == "true", result.inner_text()
    assert "Verified in this browser" in result.inner_text()
    assert pol.get_by_test_id("ledger-size").inner_text() != "0"
    shot(pol, "13-custody-verified")
