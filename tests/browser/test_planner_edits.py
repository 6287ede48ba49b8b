"""Planner view: an edited route's swath and per-site account are recomputed by the server
(stale until then), and the rows of Ann. A §III that name a region make Denmark plannable."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Pages, plan_over_poland
from tests.browser.test_planner import PICK_FIX

PLAN = "() => window.openskies.plannerPlan()"


def _swath_rings(page: Any) -> list[Any]:
    return page.evaluate(
        f"() => ({PLAN})().swath.map((f) => f.geometry.coordinates[0].slice(0, 3))"
    )


def test_a_dragged_waypoint_makes_the_swath_stale_until_the_server_recomputes_it(
    pages: Pages, shot: Any
) -> None:
    page = pages.signed_in("DEU", "planner")
    plan_over_poland(page)
    before = _swath_rings(page)
    assert before, "the optimised route has swath strips"
    page.evaluate("""() => { const map = window.openskies.plannerMap;
      map.stop(); map.setView([52.0, 19.0], 6, { animate: false }); }""")
    page.wait_for_timeout(600)
    fix = page.evaluate(PICK_FIX, [51.0, 18.0])
    assert fix is not None, "no draggable waypoint visible on the map"
    # Hold the check: the plan must say its swath is stale while the server has not answered.
    held: list[Any] = []
    page.route("**/api/plan/check", lambda route: held.append(route))
    page.mouse.move(fix["x"], fix["y"])
    page.mouse.down()
    page.mouse.move(fix["x"] + 60, fix["y"] + 40, steps=15)
    page.mouse.up()
    page.get_by_test_id("coverage-stale").wait_for()
    assert "being recomputed" in page.get_by_test_id("coverage-note").inner_text()
    assert page.locator("#planner-map path[fill='#9ca3af']").count() > 0  # grey, dashed
    shot(page, "21-planner-swath-stale-while-rechecking")
    assert held, "the edited route was sent to POST /api/plan/check"
    sent = held[-1].request.post_data_json
    assert sent["coverage"] is True and sent["sites"] is None  # the demo set, on the server
    for route in held:
        route.continue_()
    page.unroute("**/api/plan/check")
    page.get_by_test_id("coverage-stale").wait_for(state="detached")
    after = _swath_rings(page)
    assert after != before, "the swath strips follow the moved fix"
    assert page.locator("#planner-map path[fill='#9ca3af']").count() == 0
    assert page.locator("#planner-map path[fill='#f6c453']").count() == len(after)


def test_a_fix_typed_onto_a_site_not_covered_observes_it(pages: Pages) -> None:
    page = pages.signed_in("DEU", "planner")
    plan_over_poland(page)
    target = page.evaluate(
        f"""() => {{ const plan = ({PLAN})();
        const fix = plan.waypoints.findIndex((w) => w.properties.fix_kind !== 'airfield');
        const site = plan.accounts.find((a) => a.status === 'not_covered');
        return site && fix > 0 ? {{ fix, index: plan.waypoints[fix].properties.index,
                                   id: site.id, lon: site.lon, lat: site.lat }} : null; }}"""
    )
    assert target is not None, "a plan over Poland leaves some demo site not covered"
    page.get_by_test_id("waypoint-table").locator("summary").click()
    for axis, value in (("Latitude", target["lat"]), ("Longitude", target["lon"])):
        box = page.get_by_label(f"{axis} of waypoint {target['index']}", exact=True)
        box.fill(str(value))
        box.press("Enter")
        page.wait_for_selector("text=Edited route checked.")
    page.get_by_test_id("coverage-stale").wait_for(state="detached")
    page.wait_for_function(
        f"""id => ({PLAN})().accounts.find((a) => a.id === id)?.status === 'observed'""",
        arg=target["id"],
    )
    observed = page.get_by_test_id("sites-observed")
    observed.locator("summary").click()
    assert target["id"] in observed.inner_text()
    value = float(page.get_by_test_id("plan-value").inner_text().replace(",", ""))
    server = page.evaluate(f"() => ({PLAN})().value")
    assert value == server


def test_denmark_is_planned_over_the_faroe_islands_from_its_row(pages: Pages, shot: Any) -> None:
    page = pages.signed_in("DEU", "planner")
    page.wait_for_selector("#planner-map[data-ready='true']", timeout=60_000)
    page.select_option("select[name=observed]", "DNK")
    page.wait_for_selector("select[name=airfield] option[value='dnk-vaerloese']", state="attached")
    region = page.locator("select[name=region]")
    region.locator("option[value='dnk-faroe-islands']").wait_for(state="attached")
    assert "GREENLAND — 5,600 km (Ann. A §III)" in region.inner_text()
    page.select_option("select[name=airfield]", "dnk-vaerloese")
    page.select_option("select[name=region]", "dnk-faroe-islands")
    assert "over FAROE ISLANDS only" in page.get_by_test_id("region-hint").inner_text()
    page.wait_for_selector("text=Demo set:")
    page.get_by_role("button", name="Optimise").click()
    page.get_by_test_id("route-result").wait_for(timeout=180_000)
    budget = page.get_by_test_id("budget").inner_text()
    assert " of 250 km" in budget and "transit, sensors off, not counted" in budget, budget
    excluded = page.get_by_test_id("sites-excluded")
    excluded.locator("summary").click()
    assert "not in FAROE ISLANDS" in excluded.inner_text()
    shot(page, "22-planner-denmark-faroe-islands")


HOSTILE = (
    b"id,lat,lon,value\n"
    b'"<script>window.__pwned=1</script>",52.23,21.01,5\n'
    b'"<img src=x onerror=""window.__pwned=2"">",51.76,19.46,3\n'
    b"Berlin outside,52.52,13.40,9\n"
)


def test_hostile_site_names_are_shown_as_text_through_an_edit(pages: Pages) -> None:
    page = pages.signed_in("DEU", "planner")
    page.wait_for_selector("#planner-map[data-ready='true']", timeout=60_000)
    page.select_option("select[name=observed]", "POL")
    page.wait_for_selector(
        "select[name=airfield] option[value='pol-warszawa-okecie']", state="attached"
    )
    page.select_option("select[name=airfield]", "pol-warszawa-okecie")
    page.locator("input[name=sites-file]").set_input_files(
        files=[{"name": "hostile.csv", "mimeType": "text/csv", "buffer": HOSTILE}]
    )
    page.wait_for_selector("text=3 sites from hostile.csv.")
    page.get_by_role("button", name="Optimise").click()
    page.get_by_test_id("route-result").wait_for(timeout=180_000)
    excluded = page.get_by_test_id("sites-excluded")
    excluded.locator("summary").click()
    assert "Berlin outside" in excluded.inner_text() and "not on the territory" in (
        excluded.inner_text()
    )
    # an edit: the server recomputes the account of the same hostile names
    page.get_by_test_id("waypoint-table").locator("summary").click()
    index = page.evaluate(
        f"() => ({PLAN})().waypoints.find((w) => w.properties.fix_kind !== 'airfield')"
        "?.properties.index ?? null"
    )
    assert index is not None
    box = page.get_by_label(f"Latitude of waypoint {index}", exact=True)
    box.fill("51.9")  # a fix sits on a site: move it 15 km off
    box.press("Enter")
    page.wait_for_selector("text=Edited route checked.")
    page.get_by_test_id("coverage-stale").wait_for(state="detached")
    for name in ("sites-observed", "sites-not-covered"):
        page.get_by_test_id(name).locator("summary").click()
    lists = page.locator(".site-lists").inner_text()
    assert page.get_by_test_id("sites-excluded").get_attribute("open") is not None  # kept open
    assert "<script>window.__pwned=1</script>" in lists
    assert '<img src=x onerror="window.__pwned=2">' in lists
    assert page.locator("#plan-result script, #plan-result img").count() == 0
    assert page.evaluate("() => window.__pwned") is None


def test_the_uk_and_greek_island_rows_are_offered_with_what_they_mean(pages: Pages) -> None:
    page = pages.signed_in("DEU", "planner")
    region = page.locator("select[name=region]")
    for code, row, islands in (
        ("GBR", "gbr-with-scilly-islands", "SCILLY ISLANDS"),
        ("GRC", "grc-with-crete-karpathos-rhodes-kos-islands", "CRETE, KARPATHOS"),
    ):
        page.select_option("select[name=observed]", code)
        region.locator(f"option[value='{row}']").wait_for(state="attached")
        page.select_option("select[name=region]", row)
        hint = page.get_by_test_id("region-hint").inner_text()
        assert f"for a flight that observes over {islands}" in hint, hint
        assert "otherwise the airfield's own distance applies (Ann. A §III)" in hint
    page.select_option("select[name=observed]", "POL")
    page.wait_for_selector(
        "select[name=airfield] option[value='pol-warszawa-okecie']", state="attached"
    )
    assert page.locator("select[name=region]").is_hidden()  # Poland has no such row
