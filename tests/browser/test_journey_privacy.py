# SPDX-License-Identifier: EUPL-1.2
"""The privacy officer's journey: a consultant reads a client through the API; the privacy
officer logs in, lands on the processing log, finds that read by the client's BSN (typed into a
POST form), downloads the citizen's entries as JSON, and meets a Dutch error for a bad BSN.
Every page passes axe-core (WCAG 2.1 A and AA)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlalchemy import select

from tests.browser.conftest import Journey, LiveServer
from tests.web_helpers import PASSWORD
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine


def _a_houten_bsn(demo_store_url: str) -> str:
    engine = make_engine(demo_store_url)
    try:
        with engine.connect() as connection:
            return str(connection.scalar(
                select(t.ClientRow.bsn).where(t.ClientRow.municipality_code == "0321").order_by(t.ClientRow.bsn)
            ))  # fmt: skip
    finally:
        engine.dispose()


def _consultant_reads_through_the_api(base: str, bsn: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as api:
        token = api.post("/api/v1/token", data={"username": "consulent", "password": PASSWORD}).json()
        answer = api.post("/api/v1/clients/search", json={"bsn": bsn},
                          headers={"Authorization": f"Bearer {token['access_token']}"})  # fmt: skip
        assert answer.status_code == 200, answer.text


def test_the_privacy_officer_finds_a_consultants_read_and_exports_the_citizens_entries(
    journey,
    live_server: LiveServer,
    demo_store_url: str,  # type: ignore[no-untyped-def]
) -> None:
    bsn = _a_houten_bsn(demo_store_url)
    _consultant_reads_through_the_api(live_server.url, bsn)
    tab: Journey = journey()
    tab.log_in("privacy")
    assert tab.page.url.endswith("/privacy/verwerkingslog")
    assert tab.page.get_by_role("heading", level=1).inner_text() == "Verwerkingslog"
    tab.page.get_by_label("BSN van de betrokkene").fill(bsn)
    tab.page.get_by_role("button", name="Zoeken").click()
    tab.page.wait_for_load_state("load")
    tab.check()
    assert bsn not in tab.page.url
    table = tab.page.get_by_role("table")
    assert "verwerkingen gevonden" in table.locator("caption").inner_text()
    assert table.get_by_role("cell", name="consulent", exact=True).count() >= 1
    with tab.page.expect_download() as download_info:
        tab.page.get_by_role("button", name="Download JSON").click()
    document = json.loads(Path(download_info.value.path()).read_text(encoding="utf-8"))
    assert document["count"] == len(document["entries"]) > 0
    assert "consulent" in {entry["actor"] for entry in document["entries"]}
    assert bsn not in json.dumps(document)
    tab.page.get_by_label("BSN van de betrokkene").fill("12345")
    tab.page.get_by_role("button", name="Zoeken").click()
    tab.page.wait_for_load_state("load")
    tab.check()
    assert tab.page.locator("#fout-bsn").inner_text().startswith("Een BSN bestaat uit negen cijfers")
