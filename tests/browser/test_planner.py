"""Planner view: optimise a flight over Poland, drag a waypoint out of it, export, upload."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser.conftest import Pages, plan_over_poland

BERLIN = (52.52, 13.40)  # (lat, lon): Germany, outside Poland's territory

# The topmost draggable fix inside the map, and the pixel of the target (lat, lon).
PICK_FIX = """([lat, lon]) => {
  const map = window.openskies.plannerMap;
  const box = map.getContainer().getBoundingClientRect();
  const target = map.latLngToContainerPoint([lat, lon]);
  for (const el of document.querySelectorAll('#planner-map .wp-icon.wp-fix')) {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    const inside = x > box.left + 30 && x < box.right - 30
      && y > box.top + 30 && y < box.bottom - 30;
    if (!inside) continue;
    const top = document.elementFromPoint(x, y);
    if (top === el || el.contains(top)) {
      return { index: Number(el.dataset.index), x, y,
               tx: box.left + target.x, ty: box.top + target.y };
    }
  }
  return null;
}"""


def test_plan_over_poland_then_drag_a_waypoint_into_germany(pages: Pages, shot: Any) -> None:
    page = pages.signed_in("DEU", "planner")
    plan_over_poland(page)
    assert " km of 1,400 km" in page.get_by_test_id("budget").inner_text()
    assert page.locator("#planner-map .wp-icon.wp-fix").count() > 0
    assert page.locator("#planner-map path").count() > 0  # route and swath are drawn
    shot(page, "04-planner-optimised-over-poland")

    # The swath and GSD at the height are shown; the sites not covered are listed.
    footprint = page.get_by_test_id("footprint")
    assert "Swath 1.5 km each side" in footprint.inner_text()
    assert "ground sample distance 0.3 m" in footprint.inner_text()
    not_covered = page.get_by_test_id("sites-not-covered")
    assert int(not_covered.locator("summary").inner_text().split("(")[1].rstrip(")")) > 0
    # The waypoint table gives each leg's height, sensors, distance and time; it stays open
    # while a leg's height is typed and the route is checked again.
    table = page.get_by_test_id("waypoint-table")
    table.locator("summary").click()
    height = page.get_by_label("Height above ground of leg 1, metres")
    height.fill("8000")
    height.press("Enter")
    page.wait_for_selector("text=Edited route checked.")
    assert page.get_by_test_id("waypoint-table").get_attribute("open") is not None
    assert page.get_by_label("Height above ground of leg 1, metres").input_value() == "8000"
    row = page.locator("[data-testid=waypoint-table] tr[data-leg='1']")
    assert " km" in row.inner_text() and " min" in row.inner_text()
    # Changing the height in the form marks the plan stale, and the swath follows the height.
    page.fill("input[name=hagl_m]", "13040")
    page.get_by_test_id("route-stale").wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=footprint]').textContent.includes('3 km')"
    )
    page.fill("input[name=hagl_m]", "6520")

    # Settle the map on a view that shows Poland and Berlin (stopping any fit animation),
    # then pick a fix from where the markers are drawn.
    page.evaluate("""() => { const map = window.openskies.plannerMap;
      map.stop(); map.setView([52.0, 17.0], 6, { animate: false }); }""")
    page.wait_for_timeout(600)
    fix = page.evaluate(PICK_FIX, list(BERLIN))
    assert fix is not None, "no draggable waypoint visible on the map"
    page.mouse.move(fix["x"], fix["y"])
    page.mouse.down()
    page.mouse.move(fix["tx"], fix["ty"], steps=20)
    page.mouse.up()

    # The leg that leaves Poland breaks the within_territory rule: the violation is
    # listed with its citation, and its leg is highlighted on the map.
    territory = page.locator(
        "[data-testid=violations] .violation",
        has=page.locator("code.rule", has_text="within_territory"),
    ).first
    territory.wait_for(timeout=60_000)
    assert territory.locator(".citation").inner_text().strip() not in ("", "no citation")
    assert int(territory.get_attribute("data-leg")) in (fix["index"] - 1, fix["index"])
    assert page.get_by_test_id("route-valid").inner_text() != "valid"
    assert page.locator("#planner-map path[stroke='#dc2626']").count() >= 1
    shot(page, "05-planner-waypoint-dragged-into-germany")

    # The edited route exports as GeoJSON, KML and GPX.
    for label, marker in (("GeoJSON", "LineString"), ("KML", "<kml"), ("GPX", "<gpx")):
        with page.expect_download() as info:
            page.get_by_role("button", name=f"Download {label}").click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
        assert marker in text, label
        if label == "GeoJSON":
            line = next(
                f for f in json.loads(text)["features"] if f["geometry"]["type"] == "LineString"
            )
            lon, lat = line["geometry"]["coordinates"][fix["index"]]
            assert lon < 14.1 and 50.5 < lat < 54.5, (lon, lat)  # the fix now lies in Germany


def test_a_site_file_is_parsed_in_the_browser_and_its_errors_name_the_line(pages: Pages) -> None:
    page = pages.signed_in("DEU", "planner")
    page.select_option("select[name=observed]", "POL")
    upload = page.locator("input[name=sites-file]")
    upload.set_input_files(
        files=[
            {
                "name": "sites.csv",
                "mimeType": "text/csv",
                "buffer": b"id,lat,lon,value\nA,52.2,21.0,3\nB,50.1,19.9,2\nC,54.4,18.6,\n",
            }
        ]
    )
    page.wait_for_selector("text=3 sites from sites.csv.")
    assert page.locator("input[value=file]").is_checked()
    upload.set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"id,lat,lon\nA,north,21\n"}]
    )
    page.wait_for_selector("text=bad.csv: line 2: lat")
