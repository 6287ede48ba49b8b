"""Sign-in with a delegation token: kept in the tab's sessionStorage, refused when unknown."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Pages


def test_a_delegation_signs_in_with_its_token_and_sees_only_what_api_me_returns(
    pages: Pages, shot: Any
) -> None:
    page = pages.new()
    page.goto(f"{pages.server.url}/")
    page.fill("#token", "osk_not-a-real-token")
    page.click("#signin-form button[type=submit]")
    problem = page.locator("#signin-error .problem")
    problem.wait_for()
    assert "Unauthorised" in problem.inner_text()
    shot(page, "01-signin-refused")

    page.fill("#token", pages.server.tokens["DEU"])
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#view-treaty:not([hidden])")
    who = page.get_by_test_id("who").inner_text()
    assert who.startswith("Delegation of Germany (DEU) · State Party on ")
    stored = page.evaluate("() => Object.values(sessionStorage)")
    assert stored == [pages.server.tokens["DEU"]]

    # A reload keeps the tab signed in; signing out forgets the token.
    page.reload()
    page.wait_for_selector("#view-treaty:not([hidden])")
    page.click("#sign-out")
    page.wait_for_selector("#view-signin:not([hidden])")
    assert page.evaluate("() => sessionStorage.length") == 0
