"""Treaty view: the date slider colours the States Parties of the day; the withdrawals show."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Pages

PARTY_FILL = "#4c78a8"  # treaty.js COLOURS.party
NOT_A_PARTY_FILL = "#e2dfd7"  # map.js LAND.fillColor


def _go(page: Any, day: str) -> None:
    page.fill("#treaty-date", day)
    page.dispatch_event("#treaty-date", "change")
    page.wait_for_selector(f"#view-treaty[data-day='{day}']")


def _next_day_by_keyboard(page: Any, day: str) -> None:
    page.focus("#treaty-slider")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector(f"#view-treaty[data-day='{day}']")
    assert page.get_attribute("#treaty-slider", "aria-valuetext") == day


def _fill_of(page: Any, code: str) -> str:
    return page.evaluate(
        """(code) => window.openskies.treatyLand.getLayers()
            .find((layer) => layer.feature.properties.code === code).options.fillColor""",
        code,
    )


def test_art_xv_2_the_slider_shows_the_united_states_and_russia_leave(
    pages: Pages, shot: Any
) -> None:
    page = pages.signed_in("DEU", "treaty")
    page.wait_for_selector("#treaty-map[data-ready='true']", timeout=60_000)
    parties = page.get_by_test_id("parties")

    # The United States is a Party on 21 November 2020 and not on 22 November 2020.
    _go(page, "2020-11-21")
    assert parties.locator("tr[data-code='USA']").count() == 1
    assert _fill_of(page, "USA") == PARTY_FILL
    _next_day_by_keyboard(page, "2020-11-22")
    assert parties.locator("tr[data-code='USA']").count() == 0
    assert page.get_by_test_id("left").locator("li[data-code='USA']").count() == 1
    assert _fill_of(page, "USA") == NOT_A_PARTY_FILL
    shot(page, "02-treaty-2020-11-22-united-states-leaves")

    # Russia leaves on 18 December 2021, and the Belarus-Russia group with it.
    _go(page, "2021-12-17")
    assert parties.locator("tr[data-code='RUS']").count() == 1
    assert page.locator("#treaty-groups dd[data-group='BLR-RUS']").count() == 1
    assert page.locator("#treaty-groups dd[data-group='BENELUX']").count() == 1
    _next_day_by_keyboard(page, "2021-12-18")
    assert parties.locator("tr[data-code='RUS']").count() == 0
    assert parties.locator("tr[data-code='BLR']").count() == 1
    assert page.locator("#treaty-groups dd[data-group='BLR-RUS']").count() == 0
    assert page.get_by_test_id("left").locator("li[data-code='RUS']").count() == 1
    assert _fill_of(page, "RUS") == NOT_A_PARTY_FILL
    assert page.get_by_test_id("party-count").inner_text() == "32"
    assert page.get_by_test_id("quotas").locator("tr[data-holder='DEU']").count() == 1
    shot(page, "03-treaty-2021-12-18-russia-leaves")
