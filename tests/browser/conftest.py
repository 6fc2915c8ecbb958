# SPDX-License-Identifier: EUPL-1.2
"""Browser journeys: the real app served by uvicorn on a copy of the demo store, driven by
Playwright in Debian's chromium (``make browser`` installs it; Playwright's own browser download
does not work on the build machines), with axe-core checking WCAG 2.1 A and AA on every page a
journey passes.

Without chromium the journeys skip, unless ``ZORGINKOOP_REQUIRE_BROWSER=1`` (as ``make test``
sets it), when they fail: CI must never pass by not looking.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import uvicorn

from tests.web_helpers import PASSWORD, demo_store_with_users
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser")
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def chromium_path() -> str | None:
    configured = os.environ.get("ZORGINKOOP_CHROMIUM")
    if configured:
        return configured
    return next((found for name in CHROMIUM_CANDIDATES if (found := shutil.which(name))), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        if os.environ.get("ZORGINKOOP_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
        pytest.skip("chromium is not installed (`make browser` installs Debian's chromium)")
    return path


class LiveServer:
    """uvicorn serving the app in a thread on a free port."""

    def __init__(self, database_url: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        app = create_app(Settings(database_url=database_url))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))  # fmt: skip
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web application did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_server(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a writable copy of the demo store with the demo accounts, per test module."""
    url, _users = demo_store_with_users(demo_store_url, tmp_path_factory.mktemp("browser"))
    with LiveServer(url) as server:
        yield server


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


class Journey:
    """One user's browser tab on the live server; ``check()`` runs axe-core on the current page
    and collects every violation of WCAG 2.1 A/AA with the page it was on."""

    def __init__(self, page, base_url: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.base_url = base_url
        self.axe = axe_api.Axe()
        self.violations: list[str] = []
        self.checked: list[str] = []

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check()

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        result = self.axe.run(self.page, options=WCAG_AA)
        self.checked.append(self.page.url)
        if result.violations_count:
            self.violations.append(f"{self.page.url}:\n{result.generate_report()}")

    def log_in(self, login: str, password: str = PASSWORD) -> None:
        self.goto("/login")
        self.page.get_by_label("Gebruikersnaam").fill(login)
        self.page.get_by_label("Wachtwoord").fill(password)
        self.page.get_by_role("button", name="Inloggen").click()
        self.page.wait_for_load_state("load")
        self.check()

    def follow_menu(self, label: str) -> None:
        """Follow the header's entry ``label``; in a grouped menu, open its group's button first."""
        menu = self.page.get_by_role("navigation", name="Hoofdmenu")
        link = menu.get_by_role("link", name=label, exact=True)
        if not link.is_visible():
            hidden = self.page.get_by_role("link", name=label, exact=True, include_hidden=True)
            menu.locator("li[data-nav-group]", has=hidden).get_by_role("button").click()
        link.click()
        self.page.wait_for_load_state("load")

    def assert_accessible(self) -> None:
        assert not self.violations, "axe-core found WCAG 2.1 A/AA violations:\n" + "\n".join(self.violations)


@pytest.fixture
def journey(browser, live_server: LiveServer) -> Iterator[Callable[[], Journey]]:  # type: ignore[no-untyped-def]
    """``journey()``: a fresh browser context (own cookies) on the live server. Every journey
    ends with no axe violation on any page it checked."""
    contexts = []
    made: list[Journey] = []

    def make() -> Journey:
        context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        one = Journey(context.new_page(), live_server.url)
        made.append(one)
        return one

    yield make
    for context in contexts:
        context.close()
    for one in made:
        one.assert_accessible()
