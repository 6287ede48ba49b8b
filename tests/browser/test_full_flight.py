"""A whole observation flight in the web app: DEU observes POL, FRA watches, to the report.

Every step is taken through the UI, in three browser contexts at once; no page is reloaded:
each delegation sees the other's steps arrive by the live view (GET /api/live polled with
If-None-Match). The figures of page load and update latency are written to
tests/browser/screenshots/full-flight-timings.json (measurements, not assertions).
"""

from __future__ import annotations

import json
import time
from datetime import date, timedelta
from typing import Any

from tests.browser.conftest import EXERCISE_START, SCREENSHOTS, Pages, Server, plan_over_poland
from tests.browser.test_flights import PERSON

FLIGHT: dict[str, str] = {}
"""The id of this test's flight (the server is shared with the other browser tests)."""


def _card(page: Any) -> Any:
    return page.locator(f"article.flight[data-flight-id='{FLIGHT['id']}']")


def _state(page: Any, state: str, timeout: float = 15_000) -> float:
    """Wait until this test's flight card shows ``state``; seconds waited."""
    start = time.monotonic()
    try:
        page.wait_for_selector(
            f"article.flight[data-flight-id='{FLIGHT['id']}'][data-state='{state}']",
            timeout=timeout,
        )
    except Exception as exc:
        errors = page.locator("article.flight .flight-error, article.flight .problem")
        raise AssertionError(f"no {state}: {errors.all_inner_texts()}") from exc
    return time.monotonic() - start


def test_full_flight_deu_over_pol_with_fra_watching(
    pages: Pages, flights_server: Server, shot: Any
) -> None:
    timings: dict[str, Any] = {}
    start = time.monotonic()
    deu = pages.signed_in("DEU", "flights", server=flights_server)
    timings["page_load_ms"] = deu.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return Math.round(n.loadEventEnd - n.startTime); }"
    )
    timings["sign_in_to_flights_s"] = round(time.monotonic() - start, 3)
    pol = pages.signed_in("POL", "flights", server=flights_server)
    fra = pages.signed_in("FRA", "flights", server=flights_server)

    # 1. DEU notifies; an inspection before the arrival is refused inline, with its citation.
    deu.get_by_role("button", name="Notify a flight…").click()
    form = deu.locator("form.notify")
    form.get_by_label("Observed State Party").select_option("POL")
    deu.wait_for_function(
        "() => document.querySelector('[name=point_of_entry]').value === 'pol-warszawa-okecie'"
    )
    form.get_by_label("Diplomatic clearance number").fill("DEU-OS-2026-017")
    form.get_by_label("Aircraft (type and registration, per Ann. C)").fill("A319OH 15+03")
    form.get_by_label("Approximate distance of the flight (km)").fill("1200")
    for name, value in PERSON.items():
        form.locator(f"[name='personnel.0.{name}']").fill(value)
    # Ten days ahead: clear of any other flight over Poland in the same 96 hours (Art. VI §I ¶3).
    later = EXERCISE_START + timedelta(days=10)  # on the server's exercise clock
    eta = later.strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("Pre-flight inspection: start (UTC)").fill(eta[:11] + "00:00")
    form.get_by_label("ETA at the point of entry (UTC)").fill(eta[:11] + "06:00")
    form.get_by_role("button", name="Send notification").click()
    inline = form.locator(".field-problem")
    inline.first.wait_for()
    assert "Art. VI §I ¶5(C)" in inline.first.inner_text()
    assert form.locator("[name='pre_flight_inspection.start'][aria-invalid=true]").count() == 1
    shot(deu, "full-01-notification-refused-inline")
    form.get_by_label("Pre-flight inspection: start (UTC)").fill(eta[:11] + "08:00")
    sent = time.monotonic()
    form.get_by_role("button", name="Send notification").click()
    deu.wait_for_function("() => document.querySelector('#view-flights').dataset.notified")
    FLIGHT["id"] = deu.evaluate("() => document.querySelector('#view-flights').dataset.notified")
    _state(deu, "notified")

    # 2. POL sees it appear without a reload, with an unread badge.
    _state(pol, "notified")
    timings["update_latency_notification_s"] = round(time.monotonic() - sent, 3)
    assert _card(pol).get_by_test_id("unread").get_attribute("data-unread") == "1"
    shot(pol, "full-02-pol-sees-notification-live")
    _card(pol).locator("button[data-step='acknowledge']").click()
    _card(pol).locator("form.step-form").get_by_role(
        "button", name="Acknowledge", exact=True
    ).click()
    _state(pol, "acknowledged")
    met = _card(pol).locator("[data-rule='acknowledge_by'] .tl-met")
    assert "met" in met.inner_text()
    _card(pol).locator("button[data-step='arrive']").click()
    _state(pol, "arrived")
    acted = time.monotonic()
    _state(deu, "arrived")
    timings["update_latency_step_s"] = round(time.monotonic() - acted, 3)

    # 3. DEU plans a route over Poland and submits it as the mission plan.
    deu.click("nav a[data-view=planner]")
    deu.fill("input[name=time_limit]", "0.5")
    # The plan is checked for the day of the flight: the planned start, 24 h after the ETA.
    flight_day = (date.fromisoformat(eta[:10]) + timedelta(days=1)).isoformat()
    deu.fill("input[name=date]", flight_day)
    deu.dispatch_event("input[name=date]", "change")
    plan_over_poland(deu)
    deu.click("nav a[data-view=flights]")
    _card(deu).locator("button[data-step='mission-plan']").click()
    _card(deu).get_by_role("button", name="Submit mission plan").last.click()
    submitted = time.monotonic()
    _state(deu, "mission_plan_submitted")
    _state(pol, "mission_plan_submitted")
    _card(pol).get_by_test_id("plan-versions").wait_for()
    timings["update_latency_plan_s"] = round(time.monotonic() - submitted, 3)
    shot(pol, "full-03-pol-sees-mission-plan-live")

    # 4. POL opens the plan in the planner, moves a fix, and proposes the changed route.
    _card(pol).get_by_role("button", name="Open in planner").first.click()
    pol.wait_for_selector("#view-planner:not([hidden])")
    pol.get_by_test_id("route-result").wait_for(timeout=60_000)
    table = pol.get_by_test_id("waypoint-table")
    if table.get_attribute("open") is None:
        table.locator("summary").click()
    latitude = pol.locator("input[aria-label^='Latitude of waypoint']").first
    latitude.fill(f"{float(latitude.input_value()) - 0.05:.4f}")
    latitude.press("Enter")
    pol.wait_for_selector("#plan-status[data-kind='ok']", timeout=30_000)
    shot(pol, "full-04-pol-moves-a-fix-in-the-planner")
    pol.click("nav a[data-view=flights]")
    _card(pol).locator("button[data-step='propose-changes']").click()
    proposal = _card(pol).locator("form.step-form")
    proposal.locator("[data-testid=proposed-diff] select").first.wait_for()
    proposal.locator("[data-testid=proposed-diff] select").first.select_option("hazardous_airspace")
    shot(pol, "full-05-pol-proposes-changed-route")
    proposal.get_by_role("button", name="Propose the changed route").click()
    proposed = time.monotonic()
    _state(pol, "changes_proposed")

    # 5. DEU sees both routes and the diff, and accepts.
    _state(deu, "changes_proposed")
    diff = _card(deu).get_by_test_id("plan-diff")
    diff.wait_for()
    timings["update_latency_changes_s"] = round(time.monotonic() - proposed, 3)
    assert diff.locator("tr[data-change='moved']").count() == 1
    assert "hazardous airspace" in diff.inner_text()
    shot(deu, "full-06-deu-sees-the-diff")
    _card(deu).locator("button[data-step='accept-changes']").click()
    _state(deu, "agreed")
    _card(deu).get_by_test_id("agreed-version").wait_for()

    # 6. The 24 h rule (Art. VI §II ¶4(E)) is lifted by agreement, then DEU starts at once.
    _card(deu).locator("button[data-step='start-flight']").click()
    refusal = _card(deu).locator(".flight-error .problem")
    refusal.wait_for()
    assert "Art. VI §II ¶4(E)" in refusal.inner_text()
    assert _card(deu).locator(".problem-detail").count() == 0  # the sentence once, not twice
    agreements = _card(deu).locator(".agreements")
    agreements.get_by_text("Propose an agreement…").click()
    agreements.locator("select[name=rule]").select_option("flight_starts_not_before")
    agreements.locator("input[name=terms]").fill("start today, weather window")
    agreements.get_by_role("button", name="Propose agreement").click()
    accept = _card(pol).locator("button[data-accept-agreement='flight_starts_not_before']")
    accept.wait_for(timeout=15_000)
    shot(pol, "full-07-pol-sees-proposed-agreement")
    accept.click()
    _card(deu).locator(".agreements strong.ok").wait_for(timeout=15_000)
    _card(deu).locator("button[data-step='start-flight']").click()
    _state(deu, "in_flight")
    _card(deu).locator("button[data-step='complete-flight']").click()
    _state(deu, "completed")
    _state(pol, "completed")
    _card(pol).locator("button[data-step='depart']").click()
    _state(pol, "departed")
    _state(deu, "departed")
    shot(deu, "full-08-deu-departed-timeline")

    # 7. The mission report: drafted from the flight, signed by DEU, then by POL.
    _card(deu).locator("button[data-step='report']").click()
    report = _card(deu).locator("form.step-form")
    report.get_by_text("fixes flown").wait_for()
    report.get_by_label("Weather conditions").fill("CAVOK")
    report.get_by_label("Approximate amount of data collected").fill("2 films, 40 GB")
    report.get_by_label("Result of the inspection of the covers for sensor apertures").fill(
        "covers in place"
    )
    report.get_by_role("button", name="Sign the mission report").click()
    _state(deu, "report_signed")
    _state(pol, "report_signed")
    assert fra.locator("[data-testid=report]").count() == 0  # not before both signed
    _card(pol).locator("button[data-step='sign-report']").click()
    _state(pol, "reported")
    pol.wait_for_selector("[data-testid=report]:has-text('Signed by DEU and POL')")
    shot(pol, "full-09-report-signed-by-both")

    # 8. FRA sees the notification and the report, and nothing else.
    fra.wait_for_selector("[data-testid=report]:has-text('CAVOK')", timeout=15_000)
    card = _card(fra)
    assert "your role: other party" in card.inner_text()
    assert card.get_by_test_id("notification").count() == 1
    assert card.get_by_test_id("plan-panel").count() == 0
    assert card.get_by_test_id("deadlines").count() == 0
    assert card.locator("button[data-step]").count() == 0
    assert card.locator(".agreements").count() == 0
    shot(fra, "full-10-fra-sees-notification-and-report-only")
    fra.click("nav a[data-view=plans]")
    fra.get_by_text("No plan yet.").wait_for()

    # 9. DEU's quotas in the Treaty view, as the server counts them (Art. III).
    deu.click("nav a[data-view=treaty]")
    usage = deu.get_by_test_id("active-usage")
    usage.wait_for()
    assert "used" in usage.inner_text() and "remaining" in usage.inner_text()
    row = deu.get_by_test_id("individual-quotas").locator("tr[data-observed='POL']")
    assert row.count() == 1
    shot(deu, "full-12-deu-quotas-used-and-remaining")

    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "full-flight-timings.json").write_text(json.dumps(timings, indent=2) + "\n")
    print("full-flight timings:", json.dumps(timings))


def test_a_site_id_with_html_runs_no_script(pages: Pages, shot: Any, tmp_path: Any) -> None:
    page = pages.signed_in("DEU", "planner")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.wait_for_selector("#planner-map[data-ready='true']", timeout=60_000)
    page.select_option("select[name=observed]", "POL")
    csv = tmp_path / "sites.csv"
    csv.write_text("id,lat,lon,value\n<img src=x onerror=alert(1)>,52.2,21.0,5\n")
    page.check("input[name=site-set][value=file]")
    page.set_input_files("input[name=sites-file]", str(csv))
    # Open the tooltip of the site from the file (its content named the id); as HTML it
    # would insert the <img> and fire its onerror.
    page.wait_for_function(
        "() => { let n = 0; window.openskies.plannerMap.eachLayer((l) => {"
        " const t = l.getTooltip && l.getTooltip(); if (!t) return;"
        " const c = t.getContent(); const text = typeof c === 'string' ? c : c.textContent;"
        " if (text.includes('onerror')) { l.openTooltip(); n += 1; } }); return n > 0; }"
    )
    page.wait_for_timeout(300)
    assert page.locator("img[src='x']").count() == 0
    tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any("<img src=x onerror=alert(1)>" in t for t in tooltips), tooltips
    assert dialogs == []
    # No tooltip of the map reads "undefined (POL)": every label has its name.
    labels = page.evaluate(
        "() => { const out = []; window.openskies.plannerMap.eachLayer((l) => {"
        " const t = l.getTooltip && l.getTooltip(); if (!t) return; const c = t.getContent();"
        " out.push(typeof c === 'string' ? c : c.textContent); }); return out; }"
    )
    assert labels and not [t for t in labels if "undefined" in t]
    shot(page, "full-11-hostile-site-id-as-text")


def test_art_xv_2_the_quota_table_leaves_out_a_holder_that_has_left(pages: Pages) -> None:
    page = pages.signed_in("DEU", "treaty")
    page.wait_for_selector("#view-treaty[data-day]")  # today's load done: the view listens
    page.fill("#treaty-date", "2020-12-01")  # the United States left on 22 Nov 2020
    page.dispatch_event("#treaty-date", "change")
    page.wait_for_selector("#view-treaty[data-day='2020-12-01']")
    gone = page.get_by_test_id("quotas-gone")
    gone.wait_for()
    assert "United States" in gone.inner_text()
    assert page.get_by_test_id("quotas").locator("tr[data-holder='USA']").count() == 0


def test_the_header_is_not_clipped_at_1024_px(pages: Pages, shot: Any) -> None:
    page = pages.signed_in("DEU", "treaty")
    page.set_viewport_size({"width": 1024, "height": 768})
    box = page.locator("#sign-out").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1024
    for link in page.locator("#nav a").all():
        link_box = link.bounding_box()
        assert link_box is not None and link_box["x"] + link_box["width"] <= box["x"]
    shot(page, "full-13-header-at-1024px")
