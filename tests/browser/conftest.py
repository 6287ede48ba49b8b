"""Browser tests of the web app: the real server, Debian's Chromium, Playwright for Python.

The server is started once per session as ``python -m openskies serve`` on a free port, with
``OPENSKIES_DATA_DIR`` in a temporary directory seeded with three delegations (DEU, POL, FRA).
Chromium is Debian's (/usr/bin/chromium): Playwright's own browser download is not used.
Screenshots go to tests/browser/screenshots/ (not committed).
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openskies.web import static_dir

CHROMIUM = Path(os.environ.get("OPENSKIES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
SERVE_OVERRIDE = "OPENSKIES_BROWSER_SERVE"
"""A command (with ``{port}``) to run instead of ``python -m openskies serve``; for
developing the web app against another server. Unset in CI."""


@dataclass(frozen=True)
class Server:
    """The running server: its base URL and a delegation token per State."""

    url: str
    tokens: dict[str, str]
    log: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 2.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""


def serve(
    data: Path, states: tuple[str, ...] = ("DEU", "POL", "FRA"), *args: str
) -> Iterator[Server]:
    """``openskies serve [args]`` on a free port over a fresh SQLite database in ``data``, with
    a delegation of each of ``states``; stopped when the generator is closed."""
    if not (static_dir() / "index.html").is_file():
        pytest.fail(
            f"the web app is not built ({static_dir()} has no index.html): "
            "run `npm ci --prefix web && node web/build.mjs`"
        )
    env = {k: v for k, v in os.environ.items() if k != "OPENSKIES_DATABASE_URL"}
    env["OPENSKIES_DATA_DIR"] = str(data)
    # a recorded decision set (TEST FIXTURE) so that Germany holds an active quota over Poland
    env["OPENSKIES_DECISIONS_DIR"] = str(Path(__file__).parent.parent / "fixtures" / "decisions")
    tokens = {}
    for state in states:
        done = subprocess.run(
            [sys.executable, "-m", "openskies", "delegation", "create", state],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        tokens[state] = done.stdout.strip().splitlines()[-1].strip()
    port = _free_port()
    override = os.environ.get(SERVE_OVERRIDE)
    command = (
        shlex.split(override.format(port=port))
        if override and not args
        else [sys.executable, "-m", "openskies", "serve", "--port", str(port), *args]
    )
    log = data / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()}")
            try:
                if _get(f"{url}/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer /api/health in 90 s:\n{log.read_text()}")
            time.sleep(0.25)
        status, page = _get(f"{url}/")
        if status != 200 or "openskies" not in page:
            pytest.fail(
                f"GET / answered {status} without the web app: mount "
                "openskies.web.static_dir() in the API (StaticFiles, html=True) after the routes"
            )
        yield Server(url, tokens, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``openskies serve`` on a free port over a fresh SQLite database with DEU, POL, FRA."""
    yield from serve(tmp_path_factory.mktemp("openskies-data"))


EXERCISE_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""Where the flight tests' exercise clock starts (``serve --clock``): their ETAs, deadlines and
quota year are the same on every run, whatever the day (the distribution fixture covers 2026).
The page is not given a clock: the web app reads the service's (``/api/health``)."""


@pytest.fixture(scope="session")
def flights_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second server, on an exercise clock from ``EXERCISE_START``, for the flight tests."""
    start = EXERCISE_START.isoformat().replace("+00:00", "Z")
    yield from serve(
        tmp_path_factory.mktemp("flights-data"), ("DEU", "POL", "FRA"), "--clock", start
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless; the tests are skipped, saying why, without it."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install -y chromium)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="browser tests need Playwright (pip install playwright)"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """New pages (each in its own context: its own sessionStorage), checked for JS errors."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[Any] = []
        self.errors: list[str] = []

    def new(self) -> Any:
        context = self.browser.new_context(
            viewport={"width": 1440, "height": 900},
            accept_downloads=True,
            locale="en-GB",
            timezone_id="UTC",
        )
        context.set_default_timeout(30_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return page

    def signed_in(self, state: str, view: str = "treaty", server: Server | None = None) -> Any:
        """A page signed in as the delegation of ``state``, showing ``view`` (on ``server``,
        by default the session's)."""
        at = server or self.server
        page = self.new()
        page.goto(f"{at.url}/#{view}")
        page.fill("#token", at.tokens[state])
        page.click("#signin-form button[type=submit]")
        page.wait_for_selector(f"#view-{view}:not([hidden])")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Any, server: Server) -> Iterator[Pages]:
    """A factory of pages; the test fails on any uncaught JavaScript error."""
    made = Pages(browser, server)
    yield made
    made.close()
    assert not made.errors, f"uncaught JavaScript errors: {made.errors}"


@pytest.fixture(scope="session")
def shot() -> Any:
    """Save a screenshot as tests/browser/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def save(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    return save


def plan_over_poland(page: Any) -> None:
    """Optimise a flight over Poland from Warszawa-Okecie with the demo site set."""
    page.wait_for_selector("#planner-map[data-ready='true']", timeout=60_000)
    page.select_option("select[name=observed]", "POL")
    page.wait_for_selector(
        "select[name=airfield] option[value='pol-warszawa-okecie']", state="attached"
    )
    page.select_option("select[name=airfield]", "pol-warszawa-okecie")
    page.wait_for_selector("text=Demo set:")
    page.get_by_role("button", name="Optimise").click()
    # The first plan of a server also loads the territories: allow for it.
    page.get_by_test_id("route-result").wait_for(timeout=180_000)
