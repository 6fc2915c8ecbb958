# SPDX-License-Identifier: EUPL-1.2
"""The beheerder's journey: log in, land on the users, add a consultant (a short password first,
refused next to the field), see the new user log in in a second browser, disable it there and
see that browser's session end at once. Every page passes axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

from tests.browser.conftest import Journey

NEW_LOGIN = "m.jansen"
NEW_PASSWORD = "een-sterk-wachtwoord"


def test_the_beheerder_adds_a_user_who_logs_in_and_disables_it(journey) -> None:  # type: ignore[no-untyped-def]
    admin: Journey = journey()
    admin.log_in("beheerder")
    assert admin.page.url.endswith("/beheer/gebruikers")
    admin.page.get_by_role("link", name="Gebruiker toevoegen").click()
    admin.page.wait_for_load_state("load")
    admin.check()
    admin.page.get_by_label("Gebruikersnaam").fill(NEW_LOGIN)
    admin.page.get_by_label("Rol").select_option("consulent")
    admin.page.get_by_role("checkbox", name="Houten").check()
    admin.page.get_by_label("Eerste wachtwoord").fill("kort")
    admin.page.get_by_role("button", name="Gebruiker toevoegen").click()
    admin.page.wait_for_load_state("load")
    admin.check()
    assert admin.page.locator("#fout-password").inner_text().startswith("Het wachtwoord is te kort")
    assert admin.page.get_by_role("checkbox", name="Houten").is_checked()  # what was chosen stays
    admin.page.get_by_label("Eerste wachtwoord").fill(NEW_PASSWORD)
    admin.page.get_by_role("button", name="Gebruiker toevoegen").click()
    admin.page.wait_for_url("**/beheer/gebruikers")
    admin.check()
    row = admin.page.get_by_role("row").filter(has_text=NEW_LOGIN)
    assert "Consulent sociaal team" in row.inner_text() and "Houten" in row.inner_text()

    newcomer: Journey = journey()
    newcomer.log_in(NEW_LOGIN, NEW_PASSWORD)
    assert newcomer.page.url.endswith("/clienten")  # a consultant's home
    newcomer.goto("/start")
    assert "Houten" in newcomer.page.get_by_role("main").inner_text()

    row.get_by_role("link", name=NEW_LOGIN).click()
    admin.page.wait_for_load_state("load")
    admin.check()
    admin.page.get_by_role("button", name="Gebruiker uitschakelen").click()
    admin.page.wait_for_load_state("load")
    admin.check()
    assert "overal uitgelogd" in admin.page.get_by_role("status").inner_text()

    newcomer.page.reload()
    newcomer.page.wait_for_url("**/login?next=/start")
    newcomer.check()
