# SPDX-License-Identifier: EUPL-1.2
"""The back office's main task in a real browser on the demo: read in a provider's declaration
(a 323 generated for the demo, as `declarations generate` writes it), see its outcome, download
its 325, find it among the declarations and see what it paid in the ledger; every page passes
axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import Journey
from tests.web.screen_helpers import declarations_for
from zorginkoop.adapters.db.session import make_engine


@pytest.fixture(scope="module")
def declaration(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 323 a provider would send for January 2021 (generated from the demo the server copies)."""
    engine = make_engine(demo_store_url)
    try:
        return declarations_for(engine, tmp_path_factory.mktemp("generated"))[0]
    finally:
        engine.dispose()


def test_the_back_office_reads_in_a_declaration_and_finds_its_325_and_payment(
    journey, declaration: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    agb = declaration.name.split("_")[1]
    tab: Journey = journey()
    tab.log_in("backoffice")
    page = tab.page
    assert page.url.endswith("/backoffice/berichten")
    assert page.get_by_role("heading", level=1).inner_text() == "Berichten"

    page.get_by_label("Berichtbestand (XML)").set_input_files(str(declaration))
    page.get_by_role("button", name="Inlezen").click()
    page.wait_for_load_state("load")
    tab.check()
    outcome = page.locator(".zk-outcome")
    assert "Verwerkt" in outcome.get_by_role("status").inner_text()
    with page.expect_download() as got:
        outcome.locator("a[download]").first.click()
    answer = got.value
    saved = tmp_path / answer.suggested_filename
    answer.save_as(saved)
    assert "325" in answer.suggested_filename and b"TotaalToegekendBedrag" in saved.read_bytes()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Declaraties").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("AGB-code van de aanbieder").fill(agb)
    page.get_by_label("Periode (jaar-maand)").fill("2021-01")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state("load")
    tab.check()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and declaration.name in rows.first.inner_text()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Betalingen").click()
    page.wait_for_load_state("load")
    tab.check()
    page.get_by_label("Jaar").fill("2021")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text() == "Betalingen 2021"
    assert agb in page.locator("#grootboek").inner_text()
    assert "Totaal" in page.locator("#totalen tfoot").inner_text()

    tab.goto("/backoffice/stoplijst")
    assert page.get_by_role("heading", level=1).inner_text() == "Stoplijst"
