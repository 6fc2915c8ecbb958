# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's day in a real browser: the providers, one provider's page, its client
stop switched on and off, the products and tariffs, the contracts with their ceilings and the
extension calendar; axe-core checks every page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from tests.browser.conftest import Journey


def test_the_contract_manager_switches_a_client_stop_and_reads_contracts_and_calendar(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page
    assert page.url.endswith("/aanbieders")
    assert page.get_by_role("heading", level=1).inner_text() == "Aanbieders"

    page.get_by_label("Gemeente").select_option(label="Houten")
    page.get_by_label("Wet").select_option(label="Wmo")
    page.get_by_label("Cliëntenstop").select_option(label="Uit")
    page.get_by_role("button", name="Toon aanbieders").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "gemeente=0321" in page.url and "stop=uit" in page.url

    first = page.locator("table tbody tr").first
    agb = first.locator("td").first.inner_text().strip()
    assert len(agb) == 8 and agb.isdigit()
    first.get_by_role("link").click()
    page.wait_for_url(f"**/aanbieders/{agb}")
    tab.check()
    name = page.get_by_role("heading", level=1).inner_text()
    assert page.locator("#clientenstop-stand").inner_text().startswith("Uit")

    page.get_by_role("button", name="Cliëntenstop aanzetten").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "staat nu aan" in page.get_by_role("status").inner_text()
    assert page.locator("#clientenstop-stand").inner_text().startswith("Aan")

    page.get_by_role("button", name="Cliëntenstop uitzetten").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "staat nu uit" in page.get_by_role("status").inner_text()
    assert page.locator("#clientenstop-stand").inner_text().startswith("Uit")

    page.get_by_role("link", name="Aanbieders").first.click()
    page.wait_for_load_state("load")
    row = page.locator("table tbody tr", has_text=agb)
    row.get_by_role("button", name=f"Zet aan voor {name}").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.locator("table tbody tr", has_text=agb).locator("td").nth(5).inner_text().startswith("Aan")
    page.locator("table tbody tr", has_text=agb).get_by_role("button", name=f"Zet uit voor {name}").click()
    page.wait_for_load_state("load")
    assert page.locator("table tbody tr", has_text=agb).locator("td").nth(5).inner_text().startswith("Uit")

    tab.follow_menu("Producten en tarieven")
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Tarieven op").fill("2020-06-01")
    page.get_by_role("button", name="Toon tarieven").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_role("link", name="OZR1").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "OZR1" in page.get_by_role("heading", level=1).inner_text()

    tab.follow_menu("Contracten")
    page.wait_for_load_state("load")
    page.get_by_label("Jaar").fill("2020")
    page.get_by_role("button", name="Toon contracten").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_text("70% bereikt").first.is_visible()

    tab.follow_menu("Verlengkalender")
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Stand op").fill("2023-01-01")
    page.get_by_role("button", name="Toon kalender").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "1 juli 2023" in page.locator("section").first.inner_text()
