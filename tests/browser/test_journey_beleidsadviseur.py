# SPDX-License-Identifier: EUPL-1.2
"""The policy adviser in a real browser: the key figures of its municipality (the memo's 2020
table), another law and year, and the years; axe-core checks every page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from tests.browser.conftest import Journey


def test_the_adviser_reads_the_key_figures_and_switches_law_and_year(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("beleidsadviseur")
    page = tab.page
    assert page.url.endswith("/kerncijfers")
    houten = page.locator("table tbody tr", has_text="Houten")
    assert houten.locator("td").nth(0).inner_text() == "363"
    assert houten.locator("td").nth(1).inner_text() == "€ 2.145.868,00"
    assert "Nieuwegein" not in page.locator("main").inner_text()

    page.get_by_label("Wet").select_option(label="Jeugdwet")
    page.get_by_label("Jaar").select_option("2019")
    page.get_by_role("button", name="Toon cijfers").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "wet=jeugd" in page.url and "jaar=2019" in page.url
    assert page.locator("table caption").inner_text() == "Jeugdwet 2019: cliënten en kosten per gemeente"

    page.get_by_role("link", name="Over de jaren").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Kerncijfers over de jaren"
    page.get_by_label("Wet").select_option(label="Wmo")
    page.get_by_role("button", name="Toon cijfers").click()
    page.wait_for_load_state("load")
    tab.check()
    row = page.locator("table").first.locator("tbody tr", has_text="Houten")
    assert [row.locator("td").nth(i).inner_text() for i in range(3)] == ["289", "305", "363"]


def test_the_adviser_opens_the_dashboard_and_reads_youth_care_with_ggz_apart(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("beleidsadviseur")
    page = tab.page
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard Houten"
    clients = page.locator(".zk-dashboard-summary tr[data-figure=clients] td")
    assert clients.inner_text() == "363"

    page.get_by_label("Wet").select_option(label="Jeugdwet")
    page.get_by_role("button", name="Toon dashboard").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "wet=jeugd" in page.url
    assert page.get_by_role("heading", name="Jeugd-ggz apart").is_visible()
    assert page.locator(".zk-dashboard-ggz tbody tr").count() == 2
