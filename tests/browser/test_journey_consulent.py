# SPDX-License-Identifier: EUPL-1.2
"""The consultant's main task in a real browser on the demo: find a client, weigh the intake with
the product model, record the decision, allocate it to an eligible provider and see the 301
waiting in the outbox on the client file; then end the allocation. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from tests.browser.conftest import Journey
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine


def houten_adult(demo_store_url: str) -> str:
    engine = make_engine(demo_store_url)
    try:
        with engine.connect() as connection:
            return str(
                connection.scalar(
                    select(t.ClientRow.bsn)
                    .where(t.ClientRow.municipality_code == "0321", t.ClientRow.birth_date < date(1990, 1, 1))
                    .order_by(t.ClientRow.bsn)
                    .offset(20)
                    .limit(1)
                )
            )
    finally:
        engine.dispose()


def test_the_consultant_finds_a_client_decides_allocates_and_sees_the_301_pending(  # type: ignore[no-untyped-def]
    journey, demo_store_url: str
) -> None:
    bsn = houten_adult(demo_store_url)
    tab: Journey = journey()
    page = tab.page
    tab.log_in("consulent")
    assert page.url.endswith("/clienten")
    assert page.get_by_role("heading", level=1).inner_text() == "Cliënt zoeken"

    # a BSN failing the eleven-test: the error next to the field, the page still accessible
    page.get_by_label("Burgerservicenummer (BSN)").fill("123456789")
    page.get_by_role("button", name="Dossier openen").click()
    tab.check()
    assert "elfproef" in page.locator("#fout-bsn").inner_text()

    page.get_by_label("Burgerservicenummer (BSN)").fill(bsn)
    page.get_by_role("button", name="Dossier openen").click()
    page.wait_for_url(re.compile(r"/clienten/[A-Za-z0-9_-]+$"))
    tab.check()
    assert bsn not in page.url
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dossier ")

    page.get_by_role("link", name="Intake starten").click()
    tab.check()
    page.get_by_label("Productmodel").select_option("lekstroom-2022")
    page.get_by_role("button", name="Kies model").click()
    tab.check()
    page.get_by_label("Zelfzorg en (geestelijke en lichamelijke) gezondheid").check()
    page.get_by_label("Regelvermogen en structuur").check()
    page.get_by_label("Type ondersteuning").select_option("ontwikkelen")
    page.get_by_label("Duur in maanden").fill("12")
    page.get_by_label("Startdatum").fill("2022-02-01")
    page.get_by_role("button", name="Afwegen").click()
    tab.check()
    explanation = page.locator("ol.zk-explanation").inner_text()
    assert "Stap 1 resultaatgebieden" in explanation and "02O11" in explanation

    page.get_by_role("button", name="Beschikking vastleggen").click()
    page.wait_for_url(re.compile(r"/toewijzen$"))
    tab.check()
    assert "is vastgelegd" in page.get_by_role("status").inner_text()
    first = page.locator("input[name=aanbieder]").first
    provider = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    page.get_by_label(provider).check()
    page.get_by_role("button", name="Toewijzen en 301 klaarzetten").click()
    page.wait_for_url(re.compile(r"/clienten/[A-Za-z0-9_-]+#toewijzingen$"))
    tab.check()
    notice = page.get_by_role("status").first.inner_text()
    assert notice.startswith("Toewijzing ") and provider in notice and "301" in notice
    number = notice.split()[1]
    messages = page.get_by_role("region", name="Berichten")
    row = messages.locator("tbody tr", has_text=f"ToewijzingNummers {number}").last
    assert "301 Toewijzing" in row.inner_text() and "Wacht in de outbox" in row.inner_text()

    # end the allocation early: a new 301 waits as well
    page.get_by_role("link", name=f"Wijzigen of beëindigen toewijzing {number}").click()
    tab.check()
    page.get_by_label("Reden wijziging (RedenWijziging)").select_option("05")
    page.get_by_label("Nieuwe einddatum").fill("2022-07-31")
    page.get_by_role("button", name="Wijziging vastleggen").click()
    page.wait_for_url(re.compile(r"#toewijzingen$"))
    tab.check()
    assert "is gewijzigd (reden 05" in page.get_by_role("status").first.inner_text()
    rows = page.get_by_role("region", name="Berichten").locator(
        "tbody tr", has_text=f"ToewijzingNummers {number}"
    )
    assert rows.count() >= 2

    tab.goto("/signalen?peildatum=2020-06-01")
    assert page.get_by_role("heading", name="Eén gezin, één plan").is_visible()
