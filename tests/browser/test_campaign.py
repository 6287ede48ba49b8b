"""Campaign view (#9 item 3): several flights over one observed Party, each from its Open
Skies airfield, planned together by POST /api/plan/campaign; each flight's route in its own
colour with its swath, its distance against its maximum, the sites it adds (each site
counted once) and the comparison with planning the flights one after another."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Pages

ANSWER = "() => window.openskies.campaignAnswer()"


def _open(pages: Pages, state: str, observed: str, first: str) -> Any:
    page = pages.signed_in(state, "campaign")
    page.wait_for_selector("#campaign-map[data-ready='true']", timeout=60_000)
    page.select_option("#campaign-form select[name=observed]", observed)
    page.wait_for_function(
        "id => document.querySelector('#campaign-form input[name=flight-airfield]')?.value === id",
        arg=first,
    )
    page.wait_for_selector("#view-campaign p.status >> text=Demo set:")
    page.fill("#campaign-form input[name=time_limit]", "2")
    return page


def _plan(page: Any) -> None:
    page.get_by_role("button", name="Plan the campaign").click()
    page.get_by_test_id("campaign-result").wait_for(timeout=180_000)


def test_two_flights_over_germany_from_its_two_airfields(pages: Pages, shot: Any) -> None:
    page = _open(pages, "POL", "DEU", "deu-wunstorf")
    page.get_by_label("Open Skies airfield of flight 2").fill("deu-landsberg-lech")
    _plan(page)
    cards = page.get_by_test_id("campaign-flight")
    assert cards.count() == 2
    assert "Wunstorf" in cards.nth(0).inner_text() and "Landsberg" in cards.nth(1).inner_text()
    for k in range(2):
        assert " km of " in cards.nth(k).get_by_test_id("flight-budget").inner_text()
    # each flight's route in its own colour, with its swath strips in the same colour
    strokes = [
        page.locator(f"#campaign-map path.flight-{k}").get_attribute("stroke") for k in range(2)
    ]
    assert strokes[0] != strokes[1], strokes
    for colour in strokes:
        assert page.locator(f"#campaign-map path[fill='{colour}']").count() > 0
    # each site counts once: the flights' new sites are disjoint and add up to the total
    answer = page.evaluate(ANSWER)
    counted = [site for f in answer["flights"] for site in f["sites_new"]]
    assert len(counted) == len(set(counted)) == answer["sites_observed"]
    shown = sum(int(cards.nth(k).locator("summary").inner_text().split()[1]) for k in range(2))
    assert shown == answer["sites_observed"]
    compare = page.get_by_test_id("campaign-compare").inner_text()
    assert "one after another" in compare and "Planned together" in compare
    assert answer["value"] >= answer["sequential_value"]
    shot(page, "23-campaign-two-flights-over-germany")
    page.get_by_test_id("campaign-compare").scroll_into_view_if_needed()
    shot(page, "24-campaign-result-panel")
    # one flight of the campaign opens in the planner, checked again there
    page.get_by_role("button", name="Open flight 2 in the planner").click()
    page.wait_for_selector("#view-planner:not([hidden])")
    page.wait_for_selector("text=Edited route checked.", timeout=60_000)
    assert " of 1,200 km" in page.get_by_test_id("budget").inner_text()
    assert page.locator("#plan-error").inner_text() == ""
    page.wait_for_function(
        "() => document.querySelector('#plan-form select[name=airfield]').value"
        " === 'deu-landsberg-lech'"
    )
    assert page.locator("#plan-form select[name=observed]").input_value() == "DEU"


def test_denmark_campaign_with_a_greenland_flight(pages: Pages) -> None:
    page = _open(pages, "DEU", "DNK", "dnk-vaerloese")
    page.get_by_label("Row of Ann. A §III naming a region, flight 2").select_option("dnk-greenland")
    _plan(page)
    cards = page.get_by_test_id("campaign-flight")
    assert " of 800 km" in cards.nth(0).get_by_test_id("flight-budget").inner_text()
    second = cards.nth(1).get_by_test_id("flight-budget").inner_text()
    assert " of 5,600 km" in second and "region row dnk-greenland" in second, second


HOSTILE = (
    b"id,lat,lon,value\n"
    b'"<script>window.__pwned=1</script>",52.43,9.43,5\n'
    b'"<img src=x onerror=""window.__pwned=2"">",48.07,10.90,4\n'
)


def test_hostile_input_gives_clear_errors_and_no_broken_page(pages: Pages) -> None:
    page = _open(pages, "POL", "DEU", "deu-wunstorf")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/api/plan/campaign" in r.url else None)
    # an empty campaign: refused in the form, nothing sent
    for _ in range(2):
        page.get_by_role("button", name="Remove flight 1").click()
    page.get_by_role("button", name="Plan the campaign").click()
    error = page.locator("#campaign-error")
    error.get_by_text("Add at least one flight").wait_for()
    assert sent == []
    # a flight from an Open Skies airfield of another State: the server names the flight
    page.get_by_role("button", name="Add a flight").click()
    page.get_by_role("button", name="Add a flight").click()
    page.get_by_label("Open Skies airfield of flight 2").fill("KUBINKA")
    page.get_by_role("button", name="Plan the campaign").click()
    error.get_by_text("flights.1 (flight 2, KUBINKA)").wait_for()
    assert "not of DEU" in error.inner_text()
    assert page.get_by_test_id("campaign-result").count() == 0
    # site names that are markup are shown as text
    page.get_by_label("Open Skies airfield of flight 2").fill("deu-landsberg-lech")
    page.select_option("#campaign-form select[name=site-set]", "file")
    page.locator("input[name=campaign-sites-file]").set_input_files(
        files=[{"name": "hostile.csv", "mimeType": "text/csv", "buffer": HOSTILE}]
    )
    page.wait_for_selector("text=2 sites from hostile.csv.")
    _plan(page)
    assert page.locator("#campaign-error").inner_text() == ""
    cards = page.get_by_test_id("campaign-flight")
    for k in range(cards.count()):
        cards.nth(k).locator("summary").click()
    text = page.get_by_test_id("campaign-result").inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert page.locator("#campaign-result script, #campaign-result img").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert sent, "the campaign was planned by the server"
    # opened in the planner, the flight is checked over the campaign's own sites
    page.get_by_role("button", name="Open flight 1 in the planner").click()
    page.wait_for_selector("text=Edited route checked.", timeout=60_000)
    page.get_by_test_id("coverage-stale").wait_for(state="detached")
    lists = page.locator("#plan-result .site-lists").text_content()
    assert "<script>window.__pwned=1</script>" in lists
    assert page.evaluate("() => window.openskies.plannerPlan().accounts.length") == 2
    assert page.evaluate("() => window.__pwned") is None
