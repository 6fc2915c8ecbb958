# SPDX-License-Identifier: EUPL-1.2
"""The contract manager prepares an account meeting in a real browser: the concentration with its
Pareto chart, the coverage of the offer, the provider's account report and a signal recorded
about it; axe-core checks every page (WCAG 2.1 A and AA), charts included."""

from __future__ import annotations

from tests.browser.conftest import Journey


def test_the_contract_manager_reads_concentration_coverage_and_an_account_report(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page

    tab.follow_menu("Concentratie")
    page.wait_for_load_state("load")
    page.get_by_label("Jaar").select_option("2020")
    page.get_by_label("Wet").select_option(label="Wmo")
    page.get_by_label("Gemeente uitsluiten").select_option(label="Vijfheerenlanden")
    page.get_by_role("button", name="Toon concentratie").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "de 12 grootste 90%" in page.locator("#lezing").inner_text()
    chart = page.get_by_role("img", name="Concentratie 2020 Wmo")
    assert chart.count() == 1

    tab.follow_menu("Dekkend aanbod")
    page.wait_for_load_state("load")
    tab.check()
    assert page.locator("table.zk-coverage tbody tr").count() > 0

    tab.goto("/aanbieders/98214099")
    page.locator("#accountrapport-link").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Accountrapport Zorggroep Lekstroom"
    assert page.get_by_role("img").count() >= 3

    tab.goto("/aanbiedersignalen?aanbieder=98214099")
    page.get_by_label("Soort signaal").select_option(label="Compliment")
    page.get_by_label("Gemeente").select_option(label="Houten")
    page.get_by_label("Wat is u opgevallen?").fill("Snelle start bij spoed")
    page.get_by_role("button", name="Signaal vastleggen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "vastgelegd" in page.get_by_role("status").inner_text()
    assert "Snelle start bij spoed" in page.locator("table.zk-signals").inner_text()
    tab.assert_accessible()
