"""Flights view, the rest of the flight (Ann. F): the observed Party inspects the observing
Party's aircraft and finds it not conforming; the observing Party cancels with the form,
citing its paragraph; the flight is cancelled and not counted."""

from __future__ import annotations

import json
import urllib.error
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
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise AssertionError(f"POST {path}: {error.code} {error.read().decode()}") from error


def _get(server: Server, state: str, path: str) -> Any:
    request = urllib.request.Request(
        f"{server.url}{path}", headers={"Authorization": f"Bearer {server.tokens[state]}"}
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


def test_art_vi_i_6_the_observed_party_acknowledges_providing_the_aircraft_in_the_web_app(
    pages: Pages, annex_f_server: Server, shot: Any
) -> None:
    """The acknowledgement says the observed Party provides the aircraft (Art. VI §I ¶1, ¶6):
    the card then names it, and the observing Party inspects (¶11) and asks for the
    demonstration flight, with a delay caused by the observed Party's aircraft (Ann. F §III
    ¶3(D)), which only then is a cause the server accepts."""
    eta = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=97)
    fid = _post(annex_f_server, "DEU", "/api/flights", notice(eta=eta))["id"]

    pol = pages.signed_in("POL", "flights", annex_f_server)
    card = pol.locator(f"article.flight[data-flight-id='{fid}']")
    card.wait_for()
    card.locator("button[data-step='acknowledge']").click()
    form = card.locator("form.step-form")
    form.get_by_label("The observed Party provides the aircraft").check()
    form.get_by_role("button", name="Acknowledge", exact=True).click()
    pol.wait_for_selector(
        f"article.flight[data-flight-id='{fid}'] [data-testid=flight-state]:text-is('acknowledged')"
    )
    provider = card.get_by_test_id("aircraft-by")
    assert "Aircraft provided by the observed Party" in provider.inner_text()
    assert "the observing Party inspects" in provider.inner_text()
    assert card.locator("button[data-step='start-inspection']").count() == 0  # DEU inspects
    shot(pol, "32-flights-observed-party-provides-the-aircraft")

    _post(annex_f_server, "POL", f"/api/flights/{fid}/arrive")
    _post(annex_f_server, "DEU", f"/api/flights/{fid}/start-inspection")
    _post(annex_f_server, "DEU", f"/api/flights/{fid}/end-inspection", {"conforms": True})
    deu = pages.signed_in("DEU", "flights", annex_f_server)
    card = deu.locator(f"article.flight[data-flight-id='{fid}']")
    card.locator("button[data-step='start-demonstration']").click()
    form = card.locator("form.step-form")
    form.get_by_label("Delay in carrying out the request").fill("2")
    cause = form.get_by_label("Cause of the delay")
    assert "Ann. F §III ¶3(D)" in cause.inner_text()
    cause.select_option("observed_party_aircraft")
    form.get_by_role("button", name="Start the demonstration flight").last.click()
    deu.wait_for_selector("#flights-status:has-text('Start the demonstration flight: done.')")
    assert card.locator(".flight-error .problem").count() == 0
    flight = _get(annex_f_server, "DEU", f"/api/flights/{fid}")
    assert flight["aircraft_by"] == "observed" and flight["inspecting"] == "observing"


@pytest.fixture(scope="module")
def report_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of its own: its flight over Poland is clear of the others' (Art. VI §I ¶3)."""
    yield from serve(tmp_path_factory.mktemp("report-data"), ("DEU", "POL"))


def test_art_viii_ii_7_a_deviation_in_the_mission_report_in_the_web_app(
    pages: Pages, report_server: Server, shot: Any
) -> None:
    """The observing Party reports a deviation for weather affecting flight safety (Art. VIII
    §II ¶1(A)) with its additional distance, which does not count against the maximum flight
    distance (¶7); a negative distance is refused naming the field."""
    now = datetime.now(UTC).replace(microsecond=0)
    fid = _post(report_server, "DEU", "/api/flights", notice(eta=now + timedelta(hours=97)))["id"]
    _post(report_server, "POL", f"/api/flights/{fid}/acknowledge")
    _post(report_server, "POL", f"/api/flights/{fid}/arrive")
    planned = now + timedelta(hours=25)
    plan = {
        "route": {
            "type": "Feature",
            "properties": {},
            "geometry": {  # a triangle from Warszawa-Okecie: no leg crosses another
                "type": "LineString",
                "coordinates": [[20.967, 52.166], [21.5, 51.5], [20.4, 51.6], [20.967, 52.166]],
            },
        },
        "planned_start": planned.isoformat(),
        "open_skies_airfield": "pol-warszawa-okecie",
    }
    _post(report_server, "DEU", f"/api/flights/{fid}/mission-plan", plan)
    _post(report_server, "POL", f"/api/flights/{fid}/accept-mission-plan")
    agreement = {"rule": "flight_starts_not_before", "terms": "start today"}
    proposed = _post(report_server, "DEU", f"/api/flights/{fid}/agreements", agreement)
    _post(report_server, "POL", f"/api/flights/{fid}/agreements/{proposed['id']}/accept")
    for state, step in (("DEU", "start-flight"), ("DEU", "complete-flight"), ("POL", "depart")):
        _post(report_server, state, f"/api/flights/{fid}/{step}")

    deu = pages.signed_in("DEU", "flights", report_server)
    card = deu.locator(f"article.flight[data-flight-id='{fid}']")
    card.locator("button[data-step='report']").click()
    report = card.locator("form.step-form")
    report.get_by_text("fixes flown").wait_for()
    report.get_by_label("Weather conditions").fill("CB north of the route")
    report.get_by_label("Approximate amount of data collected").fill("1 film")
    covers = "Result of the inspection of the covers for sensor apertures"
    report.get_by_label(covers).fill("in place")
    report.get_by_label("Distance flown (km), optional").fill("900")
    report.get_by_test_id("add-deviation").click()
    reason = report.locator("[name='deviations[0].reason']")
    assert "Art. VIII §II ¶1(A)" in reason.inner_text()
    reason.select_option("weather_flight_safety")
    extra = report.locator("[name='deviations[0].additional_km']")
    extra.evaluate("el => { el.min = ''; }")  # let the server refuse it
    extra.fill("-5")
    report.get_by_role("button", name="Sign the mission report").click()
    refusal = card.locator(".flight-error .problem")
    refusal.wait_for()
    assert "deviations[0].additional_km" in refusal.inner_text()
    assert report.locator("[name='deviations[0].additional_km'][aria-invalid=true]").count() == 1
    extra.fill("40")
    report.get_by_role("button", name="Sign the mission report").click()
    deu.wait_for_selector(
        f"article.flight[data-flight-id='{fid}'] [data-testid=flight-state]"
        ":text-is('report signed')"
    )
    shot(deu, "33-flights-report-with-a-deviation")
    recorded = _get(report_server, "DEU", f"/api/flights/{fid}")["report"]
    assert recorded["flown_distance_km"] == 900
    assert recorded["distance_counted_km"] == 860  # 900 flown less the 40 of the deviation
    assert recorded["deviations"] == [
        {"reason": "weather_flight_safety", "additional_km": 40, "citation": "Art. VIII §II ¶1(A)"}
    ]
