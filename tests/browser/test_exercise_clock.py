"""The header on an exercise clock (#10 item 6): ``openskies serve --clock …`` shows
"Exercise time: …", moving, apart from real time; on real time it shows nothing of the kind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.browser.conftest import Pages, Server, serve

START = "2002-03-01T08:00:00Z"
SHOWN = re.compile(r"Exercise time: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")


@pytest.fixture(scope="module")
def exercise_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serve(tmp_path_factory.mktemp("exercise-data"), ("DEU",), "--clock", START)


def _shown(page: Any) -> datetime:
    text = page.get_by_test_id("exercise-clock").inner_text()
    found = SHOWN.search(text)
    assert found, text
    return datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def test_the_header_shows_exercise_time_moving(
    pages: Pages, exercise_server: Server, shot: Any
) -> None:
    page = pages.new()
    page.goto(exercise_server.url)
    clock = page.get_by_test_id("exercise-clock")
    clock.wait_for()  # shown before sign-in too: /api/health needs no token
    first = _shown(page)
    assert datetime(2002, 3, 1, 8, tzinfo=UTC) <= first < datetime(2002, 3, 1, 9, tzinfo=UTC)
    assert "real time 20" in clock.inner_text()  # real time, apart
    page.wait_for_function(
        "t => !document.querySelector('[data-testid=exercise-clock]').textContent.includes(t)",
        arg=first.strftime("%H:%M:%S"),
    )
    assert _shown(page) > first  # it moves
    page.close()
    signed = pages.signed_in("DEU", "treaty", server=exercise_server)
    signed.get_by_test_id("exercise-clock").wait_for()
    assert _shown(signed).year == 2002
    shot(signed, "20-header-exercise-clock")


def test_real_time_shows_no_exercise_clock(pages: Pages) -> None:
    page = pages.signed_in("DEU", "treaty")
    page.wait_for_function("() => document.getElementById('clock').dataset.mode === 'real'")
    assert page.get_by_test_id("exercise-clock").is_hidden()
    assert "Exercise time" not in page.locator("header").inner_text()
