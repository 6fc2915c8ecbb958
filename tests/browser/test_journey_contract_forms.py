# SPDX-License-Identifier: EUPL-1.2
"""The contract manager records in a real browser: a tariff refused with its error next to the
field, then added; a ceiling set; axe-core checks every page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from tests.browser.conftest import Journey


def test_the_contract_manager_adds_a_tariff_and_sets_a_ceiling(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page
    tab.follow_menu("Contractbeheer")
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_role("link", name="Tarief toevoegen").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Productcode").fill("OZR1")
    page.get_by_label("Tarief per eenheid in euro").fill("-1")
    page.get_by_label("Geldig vanaf").fill("2035-01-01")
    page.get_by_role("button", name="Tarief opslaan").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "Een bedrag kan niet negatief zijn." in page.locator("#fout-bedrag").inner_text()
    page.get_by_label("Tarief per eenheid in euro").fill("61,25")
    page.get_by_role("button", name="Tarief opslaan").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "€ 61,25" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Plafond instellen").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Contract of collectief plafond").select_option(index=1)
    page.get_by_label("Jaar").fill("2022")
    page.get_by_label("Plafond in euro").fill("2.500.000")
    page.get_by_role("button", name="Plafond opslaan").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "€ 2.500.000,00 in 2022" in page.get_by_role("status").inner_text()
