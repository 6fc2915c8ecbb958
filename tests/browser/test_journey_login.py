# SPDX-License-Identifier: EUPL-1.2
"""Every role logs in through the form in a real browser, lands on its home, sees only its own
menu, and logs out; every page passes axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Journey

ROLES = ["consulent", "contractmanager", "backoffice", "beleidsadviseur", "aanbieder", "privacy", "beheerder"]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_sees_its_home_and_logs_out(journey, role: str) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.goto("/")
    assert tab.page.url.endswith("/login")
    tab.log_in(role)
    assert tab.page.get_by_role("navigation", name="Hoofdmenu").is_visible()
    assert role in tab.page.locator(".zk-user").inner_text()
    tab.page.get_by_role("button", name="Uitloggen").click()
    tab.page.wait_for_url("**/login?uitgelogd=1")
    assert tab.page.get_by_text("U bent uitgelogd.").is_visible()
    tab.check()


def test_a_wrong_password_shows_the_error_and_keeps_the_page_accessible(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("consulent", "dit-is-het-niet")
    assert tab.page.get_by_role("alert").inner_text().strip() == "Gebruikersnaam of wachtwoord is onjuist."
    tab.goto("/toegankelijkheid")


def test_the_accessibility_check_finds_a_violation_when_there_is_one(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.goto("/login")
    tab.page.evaluate("""() => { const i = document.createElement('img'); i.src = '/static/none.png';
                                 document.querySelector('main').append(i); }""")
    tab.check()
    assert len(tab.violations) == 1 and "image-alt" in tab.violations[0]
    tab.violations.clear()  # the page was broken on purpose
