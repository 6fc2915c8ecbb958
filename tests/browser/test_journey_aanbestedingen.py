# SPDX-License-Identifier: EUPL-1.2
"""Procurement in a real browser: the contract manager opens the SAS tender WMO2022 from the menu
and reads why a bid was refused, then the classic and the open-house tender; the provider opens
its portal and the open house's bid form. axe-core checks every page (WCAG 2.1 A and AA)."""

from __future__ import annotations

from tests.browser.conftest import Journey


def test_the_contract_manager_reads_a_refused_bid_s_reason_and_the_provider_its_portal(journey) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("contractmanager")
    page = tab.page
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanbestedingen").click()
    page.wait_for_url("**/aanbestedingen")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Aanbestedingen"

    page.get_by_role("link", name="WMO2022").click()
    page.wait_for_url("**/aanbestedingen/WMO2022")
    tab.check()
    assert (
        "32 van 52 inschrijvingen toegelaten"
        in page.locator("section[aria-labelledby=beoordeling]").inner_text()
    )
    row = page.locator("table tbody tr", has_text="Begeleidingsbureau Doorzetters")
    assert row.locator("td").nth(1).inner_text() == "nee"
    assert "Voldoet niet aan eis E1" in row.inner_text() and "opgegeven 9" in row.inner_text()

    for code in ("JW-VB-2023", "JGGZ-OH-2023"):
        tab.goto(f"/aanbestedingen/{code}")
        page.wait_for_load_state("load")
        tab.check()
        assert code in page.get_by_role("heading", level=1).inner_text()

    provider: Journey = journey()
    provider.log_in("aanbieder")
    portal = provider.page
    portal.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Aanbestedingen").click()
    portal.wait_for_url("**/aanbieder/aanbestedingen")
    provider.check()
    portal.get_by_role("link", name="Inschrijven op JGGZ-OH-2023").click()
    portal.wait_for_load_state("load")
    provider.check()
    assert portal.get_by_role("button", name="Inschrijving versturen").is_visible()
