# SPDX-License-Identifier: EUPL-1.2
"""The provider's main task in a real browser on the demo: see its own allocations, fetch and
acknowledge a 301, send a 323 in its own name and fetch its 325; every page passes axe-core
(WCAG 2.1 A and AA). The demo provider's outbox is switched to the API channel first (as the
region does with `zorginkoop providers channel AGB api`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import Journey, LiveServer
from tests.web.screen_helpers import declarations_for
from tests.web_helpers import demo_store_with_users
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.provider_channel import DeliveryChannel
from zorginkoop.services.provider_channel import switch_channel


@pytest.fixture(scope="module")
def live_server(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a copy of the demo whose demo provider takes its messages through the API, and
    a 323 of that provider for January 2021 (``declaration_file`` on the server object)."""
    url, users = demo_store_with_users(demo_store_url, tmp_path_factory.mktemp("browser"))
    agb = users["aanbieder"].provider_agb
    assert agb is not None
    engine = make_engine(url)
    try:
        switch_channel(UnitOfWork(engine), agb, DeliveryChannel.API)
        (file, *_) = declarations_for(engine, tmp_path_factory.mktemp("generated"), agb)
    finally:
        engine.dispose()
    with LiveServer(url) as server:
        server.declaration_file = file  # type: ignore[attr-defined]
        yield server


def test_the_provider_sees_its_allocations_acknowledges_a_301_and_sends_a_323(
    journey, live_server: LiveServer, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    tab: Journey = journey()
    tab.log_in("aanbieder")
    page = tab.page
    assert page.url.endswith("/aanbieder/toewijzingen")
    page.get_by_label("Van kracht op").fill("2020-12-01")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.locator("table tbody tr").count() > 0
    page.locator("table tbody tr").first.locator(".zk-link-button").click()
    page.wait_for_load_state("load")
    tab.check()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cliënt")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Berichten").click()
    page.wait_for_load_state("load")
    tab.check()
    allocation = page.locator("table tbody tr", has_text="Toewijzing").first
    name = allocation.locator("a[download]").inner_text().split()[0]
    with page.expect_download() as got:
        allocation.locator("a[download]").click()
    saved = tmp_path / got.value.suggested_filename
    got.value.save_as(saved)
    assert "301" in saved.name and b"<" in saved.read_bytes()
    allocation.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state("load")
    tab.check()
    assert "bevestigd als ontvangen" in page.get_by_role("status").first.inner_text()
    assert name not in page.locator("main").inner_text()

    declaration: Path = live_server.declaration_file  # type: ignore[attr-defined]
    page.get_by_label("Berichtbestand (XML)").set_input_files(str(declaration))
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_load_state("load")
    tab.check()
    outcome = page.locator(".zk-outcome")
    assert "Verwerkt" in outcome.get_by_role("status").inner_text()
    with page.expect_download() as got:
        outcome.locator("a[download]").first.click()
    answer = tmp_path / got.value.suggested_filename
    got.value.save_as(answer)
    assert "325" in answer.name and b"TotaalToegekendBedrag" in answer.read_bytes()

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Declaraties").click()
    page.wait_for_load_state("load")
    tab.check()
    assert answer.name in page.locator("main").inner_text()
