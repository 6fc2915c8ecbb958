# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden in a real browser: the contract manager opens the grouped header menu
with the keyboard, creates the example tender WMO-BA-2016 from its file, records the covenant's
first version, saves the proposed consultation tables, records a meeting (first with an empty
agenda: one error, nothing stored), reads the online input and records a second covenant
version, seeing what changed per article. axe-core checks every page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import Journey

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tenders" / "bestuurlijk-wmo-2016.toml"


def test_the_header_s_groups_open_and_close_with_the_keyboard(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    button = menu.get_by_role("button", name="Monitoring")
    assert button.get_attribute("aria-expanded") == "false"
    assert not menu.get_by_role("link", name="Concentratie").is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    tab.check()  # axe on the open menu
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Concentratie"
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent") == "Monitoring"
    # one group open at a time
    page.keyboard.press("Space")
    contracts = menu.get_by_role("button", name="Contracten")
    contracts.click()
    assert (
        contracts.get_attribute("aria-expanded") == "true"
        and button.get_attribute("aria-expanded") == "false"
    )
    menu.get_by_role("link", name="Verlengkalender").click()
    page.wait_for_url("**/verlengkalender")
    tab.check()
    assert menu.get_by_role("button", name="Contracten").get_attribute("aria-current") == "true"


def test_the_contract_manager_runs_a_bestuurlijk_tender(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page
    tab.follow_menu("Aanbestedingen")
    tab.check()
    page.get_by_label("Definitiebestand (TOML)").set_input_files(str(EXAMPLE))
    page.get_by_role("button", name="Aanbesteding aanmaken").click()
    page.wait_for_url("**/aanbestedingen/WMO-BA-2016")
    tab.check()

    sub = page.get_by_role("navigation", name="Bestuurlijk aanbesteden")
    sub.get_by_role("link", name="Convenant").click()
    page.wait_for_url("**/convenant")
    tab.check()
    page.get_by_label("Geldig vanaf").fill("2016-07-01")
    page.get_by_label("Nummer van het artikel").fill("1")
    page.get_by_label("Tekst van het artikel").fill("Partijen werken samen; de inwoner staat centraal.")
    page.get_by_role("button", name="Versie vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "Versie 1 van het convenant is vastgelegd" in page.get_by_role("status").inner_text()

    sub.get_by_role("link", name="Overlegtafels").click()
    page.wait_for_url("**/overlegtafels")
    tab.check()
    assert "Voorstel, nog niet vastgelegd" in page.get_by_role("heading", level=2).first.inner_text()
    page.get_by_role("button", name="Tafels vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "De overlegtafels zijn vastgelegd: 9 aanbieders" in page.get_by_role("status").inner_text()

    sub.get_by_role("link", name="Overleggen").click()
    page.wait_for_url("**/overleggen")
    page.get_by_label("Tafel", exact=True).select_option(label="Grote aanbieders")
    page.get_by_label("Datum van het overleg").fill("2016-09-15")
    page.get_by_role("button", name="Overleg vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.locator("#fout-agenda").inner_text() == "Vul de agenda van het overleg in."
    assert "Nog geen overleggen vastgelegd." in page.locator("main").inner_text()
    page.get_by_label("Agenda").fill("Tarieven 2017")
    page.get_by_label("Verslag").fill("Akkoord op indexatie.")
    page.get_by_role("button", name="Overleg vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.locator("table tbody tr").first.inner_text().startswith("15 september 2016")

    sub.get_by_role("link", name="Inbreng").click()
    page.wait_for_url("**/inbreng")
    tab.check()
    assert "Nog geen inbreng" in page.locator("main").inner_text()

    sub.get_by_role("link", name="Convenant").click()
    page.wait_for_url("**/convenant")
    page.get_by_label("Geldig vanaf").fill("2017-01-01")
    page.get_by_label("Tekst van artikel 1").fill(
        "Partijen werken samen; de inwoner en zijn netwerk staan centraal."
    )
    page.get_by_role("button", name="Versie vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    changed = page.get_by_role("region", name="Versie 2", exact=True)
    assert "gewijzigd" in changed.inner_text()
    assert changed.locator("ins").first.inner_text().strip() != ""
