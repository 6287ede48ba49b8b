"""Flights view: notify a flight, see its deadlines, take the observed Party's step, read mail."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.browser.conftest import EXERCISE_START, Pages, Server, plan_over_poland

PERSON = {
    "name": "A. Schmidt",
    "gender": "F",
    "date_of_birth": "1980-02-01",
    "place_of_birth": "Bonn",
    "passport_number": "C01X00T47",
    "function": "mission commander",
}


def _local(value: datetime) -> str:
    """A datetime-local value; the form reads it as UTC."""
    return value.strftime("%Y-%m-%dT%H:%M")


def test_art_vi_1_5_notify_a_flight_then_the_observed_party_acknowledges(
    pages: Pages, flights_server: Server, shot: Any
) -> None:
    deu = pages.signed_in("DEU", "flights", server=flights_server)
    deu.get_by_role("button", name="Notify a flight…").click()
    form = deu.locator("form.notify")
    form.get_by_label("Observed State Party").select_option("POL")
    entry = form.get_by_label("Point of entry (Ann. E App. 1 site id)")
    deu.wait_for_function(
        "() => document.querySelector('[name=point_of_entry]').value === 'pol-warszawa-okecie'"
    )
    assert entry.input_value() == "pol-warszawa-okecie"
    form.get_by_label("Diplomatic clearance number").fill("DEU-OS-2026-017")
    form.get_by_label("Aircraft (type and registration, per Ann. C)").fill("A319OH 15+03")
    form.get_by_label("Approximate distance of the flight (km)").fill("1200")
    person = form.locator("fieldset.person").first
    for name, value in PERSON.items():
        person.locator(f"[name='personnel.0.{name}']").fill(value)

    # Art. VI §I ¶5: an ETA less than 72 hours away is refused, with the rule's citation.
    soon = EXERCISE_START + timedelta(hours=24)  # on the server's exercise clock
    form.get_by_label("ETA at the point of entry (UTC)").fill(_local(soon))
    form.get_by_role("button", name="Send notification").click()
    problem = form.locator(".problem")
    problem.wait_for()
    assert "Art. VI §I ¶5" in problem.inner_text()
    assert form.locator("[name=eta][aria-invalid=true]").count() == 1
    shot(deu, "06-flights-notification-refused")

    eta = EXERCISE_START + timedelta(hours=100)
    form.get_by_label("ETA at the point of entry (UTC)").fill(_local(eta))
    form.get_by_label("Pre-flight inspection: start (UTC)").fill(_local(eta + timedelta(hours=2)))
    form.get_by_role("button", name="Send notification").click()
    card = deu.locator("article.flight").first
    card.wait_for()
    assert card.get_by_test_id("flight-state").inner_text() == "notified"
    assert "DEU observes POL" in card.locator("h2").inner_text()
    deadlines = card.get_by_test_id("deadlines")
    assert deadlines.locator(".tl-item .citation").count() >= 3
    assert deadlines.locator(".tl-left", has_text="in ").count() >= 1
    # The observing Party's steps, each with its citation.
    assert card.locator("button[data-step='mission-plan'] .cite").inner_text() == "Art. VI §II ¶1"
    assert card.locator("button[data-step='acknowledge']").count() == 0
    shot(deu, "07-flights-notified")

    # Poland, the observed Party, acknowledges; its inbox has the notification as text.
    pol = pages.signed_in("POL", "flights", server=flights_server)
    card = pol.locator("article.flight").first
    card.wait_for()
    assert "your role: observed" in card.inner_text()
    card.locator("button[data-step='acknowledge']").click()
    card.locator("form.step-form").get_by_role("button", name="Acknowledge", exact=True).click()
    pol.wait_for_selector("[data-testid=flight-state]:text-is('acknowledged')")
    shot(pol, "08-flights-acknowledged-by-poland")

    # Poland records the arrival; Germany plans a route over Poland in the planner and
    # submits it as the mission plan (Art. VI §II ¶1); Poland accepts it.
    card.locator("button[data-step='arrive']").click()
    pol.wait_for_selector("[data-testid=flight-state]:text-is('arrived')")
    deu.click("nav a[data-view=planner]")
    # The route is checked for the day the flight starts (24 h after the ETA, by default).
    deu.fill("input[name=date]", (eta + timedelta(hours=24)).date().isoformat())
    plan_over_poland(deu)
    assert deu.get_by_test_id("route-valid").inner_text() == "valid"
    deu.click("nav a[data-view=flights]")
    card = deu.locator("article.flight").first
    card.locator("button[data-step='mission-plan']").click()
    plan_form = card.locator("form.step-form")
    assert "Planner route over POL from pol-warszawa-okecie" in plan_form.inner_text()
    plan_form.get_by_role("button", name="Submit mission plan").click()
    deu.wait_for_selector("[data-testid=flight-state]:text-is('mission plan submitted')")
    pol.get_by_role("button", name="Refresh").click()
    pol.locator("button[data-step='accept-mission-plan']").click()
    pol.wait_for_selector("[data-testid=flight-state]:text-is('agreed')")
    shot(pol, "09-flights-mission-plan-agreed")

    pol.click("nav a[data-view=messages]")
    message = pol.locator("article.message[data-kind=notification]").first
    message.wait_for()
    text = message.locator("pre").inner_text()
    assert "ARTICLE VI" in text and "DEU" in text
    shot(pol, "10-messages-inbox-poland")
