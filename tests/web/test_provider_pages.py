# SPDX-License-Identifier: EUPL-1.2
"""The provider's (aanbieder's) screens on the demo: only its own allocations and clients,
sending a message only in its own name, fetching and acknowledging what the region sent it (on
the API channel; on the files channel it is told so), its declarations with their 325s and its
ceiling use. Another provider's client or message is 404; every read of personal data is logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine

from tests.web.screen_helpers import declarations_for, log_entries, stored
from tests.web_helpers import PASSWORD, csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import User
from zorginkoop.domain.money import Money
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.provider_channel import DeliveryChannel
from zorginkoop.services import accounts, declarations
from zorginkoop.services.provider_channel import switch_channel
from zorginkoop.services.spending import ExhaustionLevel, Filters, exhaustion
from zorginkoop.web.security import hash_password, now_utc
from zorginkoop.web.ui.templating import eur

PAGES = ["/aanbieder/toewijzingen", "/aanbieder/berichten", "/aanbieder/declaraties"]
DAY = date(2020, 12, 1)


@pytest.fixture(scope="module")
def own_agb(web_store: tuple[str, dict[str, User]], web_engine: Engine) -> str:
    """The demo provider's AGB code, its outbox switched to the API channel (the web shows it)."""
    agb = web_store[1]["aanbieder"].provider_agb
    assert agb is not None
    switch_channel(UnitOfWork(web_engine), agb, DeliveryChannel.API)
    return agb


@pytest.fixture(scope="module")
def generated(web_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return declarations_for(web_engine, tmp_path_factory.mktemp("generated"))


@pytest.fixture
def provider(browser_for, own_agb: str) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("aanbieder")


@pytest.fixture
def on_files(web_engine: Engine, own_agb: str) -> Iterator[None]:
    """The provider on the files channel for one test."""
    switch_channel(UnitOfWork(web_engine), own_agb, DeliveryChannel.FILES)
    yield
    switch_channel(UnitOfWork(web_engine), own_agb, DeliveryChannel.API)


def _send(client: TestClient, name: str, data: bytes, *, csrf: bool = True) -> object:
    page = client.get("/aanbieder/berichten")
    form = {"csrf_token": csrf_of(page)} if csrf else {}
    return client.post("/aanbieder/berichten", data=form, files={"bestand": (name, data, "application/xml")})


def _region_allocations(engine: Engine) -> list:  # type: ignore[type-arg]
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return uow.allocations.active_on(DAY, ActivityKind.EXCHANGE)


def test_the_provider_lands_on_its_allocations_and_has_its_own_menu(provider: TestClient) -> None:
    assert provider.get("/", follow_redirects=False).headers["location"] == "/aanbieder/toewijzingen"
    page = soup(provider.get("/aanbieder/toewijzingen"))
    assert [a.get_text() for a in page.select("nav a")] == [
        "Start",
        "Toewijzingen",
        "Berichten",
        "Declaraties",
        "Uw positie",
        "Aanbestedingen",
    ]
    assert page.h1.get_text() == "Toewijzingen"


@pytest.mark.parametrize("login", ["backoffice", "consulent", "contractmanager", "beheerder"])
def test_other_roles_get_403_on_every_provider_page(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    client = browser_for(login)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


def test_the_provider_sees_only_its_own_allocations_and_the_read_is_logged(
    provider: TestClient, web_engine: Engine, own_agb: str
) -> None:
    everyone = _region_allocations(web_engine)
    own = [a for a in everyone if a.provider_agb == own_agb]
    others = {a.client_bsn for a in everyone if a.provider_agb != own_agb} - {a.client_bsn for a in own}
    assert own and others
    logged = log_entries(web_engine, "aanbieder")
    answer = provider.get("/aanbieder/toewijzingen", params={"op": DAY.isoformat()})
    assert answer.status_code == 200
    page = soup(answer)
    rows = page.select("table tbody tr")
    assert sorted(r.select("td")[0].get_text() for r in rows) == sorted(str(a.number) for a in own)
    text = page.main.get_text(" ")
    assert not [bsn for bsn in others if bsn in text]
    assert log_entries(web_engine, "aanbieder") >= logged + 2 * len(
        {a.client_bsn for a in own}
    )  # allocations, names


def test_a_bad_date_is_named_next_to_its_field(provider: TestClient) -> None:
    answer = provider.get("/aanbieder/toewijzingen", params={"op": "1 december"})
    assert answer.status_code == 400
    assert soup(answer).find(id="fout-op").get_text(strip=True).startswith("Vul een datum in")


def test_the_provider_opens_its_own_client_and_another_providers_client_is_404(
    provider: TestClient, web_engine: Engine, own_agb: str
) -> None:
    everyone = _region_allocations(web_engine)
    mine = next(a for a in everyone if a.provider_agb == own_agb)
    theirs = next(
        a.client_bsn for a in everyone
        if a.provider_agb != own_agb and a.client_bsn not in {b.client_bsn for b in everyone if b.provider_agb == own_agb}
    )  # fmt: skip
    page = provider.get("/aanbieder/toewijzingen", params={"op": DAY.isoformat()})
    token = csrf_of(page)
    logged = log_entries(web_engine, "aanbieder")
    found = provider.post("/aanbieder/client", data={"csrf_token": token, "bsn": mine.client_bsn})
    assert found.status_code == 200
    assert mine.client_bsn in soup(found).select_one(".zk-dl").get_text()
    assert log_entries(web_engine, "aanbieder") > logged
    outside = provider.post("/aanbieder/client", data={"csrf_token": token, "bsn": theirs})
    assert outside.status_code == 404 and theirs not in outside.text
    bad = provider.post("/aanbieder/client", data={"csrf_token": token, "bsn": "12"})
    assert (
        bad.status_code == 400
        and soup(bad).find(id="fout-bsn").get_text(strip=True) == "Vul een BSN van 9 cijfers in."
    )
    assert provider.post("/aanbieder/client", data={"bsn": mine.client_bsn}).status_code == 403


def test_the_provider_fetches_and_acknowledges_a_301(provider: TestClient, web_engine: Engine) -> None:
    page = soup(provider.get("/aanbieder/berichten"))
    rows = page.select("table tbody tr")
    first = next(r for r in rows if r.select_one("td .zk-code").get_text() == "301")
    link = first.select_one("a[download]")
    logged = log_entries(web_engine, "aanbieder")
    download = provider.get(link["href"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    assert download.headers["content-disposition"] == f'attachment; filename="{link.contents[0].strip()}"'
    assert etree.QName(etree.fromstring(download.content)).localname == "Bericht"
    assert log_entries(web_engine, "aanbieder") > logged  # the client in the 301 was read
    action = first.find("form")["action"]
    acked = provider.post(action, data={"csrf_token": csrf_of(provider.get("/aanbieder/berichten"))},
                          follow_redirects=False)  # fmt: skip
    assert acked.status_code == 303
    after = soup(provider.get(acked.headers["location"]))
    assert "bevestigd als ontvangen" in after.select_one("[role=status]").get_text()
    assert link["href"] not in [a["href"] for a in after.select("a[download]")]
    assert provider.post(action, data={}).status_code == 403  # no CSRF token


def test_a_323_sent_in_its_own_name_is_answered_with_a_325_it_downloads(
    provider: TestClient, generated: list[Path], own_agb: str, web_engine: Engine
) -> None:
    mine = next(p for p in generated if p.name.split("_")[1] == own_agb)
    answer = _send(provider, mine.name, mine.read_bytes())
    assert answer.status_code == 200, soup(answer).main.get_text(" ")
    page = soup(answer)
    assert "Verwerkt" in page.select_one(".zk-outcome [role=status]").get_text()
    link = page.select_one(".zk-outcome a[download]")
    assert "325" in link.get_text()
    assert link["href"] in [a["href"] for a in page.select("table a[download]")]  # waits in the list
    xml = provider.get(link["href"])
    assert xml.status_code == 200 and b"TotaalToegekendBedrag" in xml.content
    listed = soup(provider.get("/aanbieder/declaraties", params={"jaar": "2021"}))
    assert link["href"] in [a["href"] for a in listed.select("a[download]")]
    assert (
        "U heeft in 2021 geen contract met een plafond." in listed.main.get_text()
    )  # the demo provider has none


def test_a_provider_with_a_ceiling_sees_its_use_as_the_exhaustion_report_gives_it(
    browser_for, web_store: tuple[str, dict[str, User]], web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    agb = "75114940"  # a youth care provider with a contract ceiling in the demo
    accounts.add_missing_users(
        UnitOfWork(web_engine, Scope.region(), actor="tests"),
        [(User.create("aanbieder-kmb", "aanbieder", provider_agb=agb), hash_password(PASSWORD))], now_utc(),
    )  # fmt: skip
    page = soup(browser_for("aanbieder-kmb").get("/aanbieder/declaraties", params={"jaar": "2020"}))
    table = page.find("caption", string="Uw contractplafonds en wat daarvan in 2020 is betaald").find_parent(
        "table"
    )
    cells = [td.get_text(strip=True) for td in table.select("tbody tr")[0].select("td")]
    (report,) = [
        r
        for r in exhaustion(web_engine, ExhaustionLevel.ceiling, Filters(2020, agb))
        if r["kind"] == "provider"
    ]
    assert cells[0] == report["ceiling"] and cells[2] == eur(Money.euros(report["ceiling_eur"]).cents)
    assert cells[3] == eur(Money.euros(report["used_eur"]).cents) and cells[3] != "€ 0,00"
    assert len(table.select("tbody tr")) == 1  # its own contract only, no collective ceiling


def test_a_message_in_another_providers_name_is_refused_and_nothing_is_stored(
    provider: TestClient, generated: list[Path], own_agb: str, web_engine: Engine
) -> None:
    theirs = next(p for p in generated if p.name.split("_")[1] != own_agb)
    before = stored(web_engine)
    answer = _send(provider, theirs.name, theirs.read_bytes())
    assert answer.status_code == 400
    error = soup(answer).find(id="fout-bestand").get_text(strip=True)
    assert (
        error
        == f"U kunt alleen berichten versturen met uw eigen AGB-code {own_agb} als afzender. Er is niets opgeslagen."
    )
    assert stored(web_engine) == before


def test_a_malformed_file_gives_one_dutch_line_and_stores_nothing(
    provider: TestClient, web_engine: Engine
) -> None:
    before = stored(web_engine)
    answer = _send(provider, "kapot.xml", b"<Bericht xmlns='x'><Header>")
    assert answer.status_code == 400
    page = soup(answer)
    assert [li.get_text(strip=True) for li in page.select("[role=alert] li")] == [
        "Dit bestand is niet verwerkt: het is geen leesbaar iWmo- of iJw 3.2-bericht. Er is niets opgeslagen."
    ]
    assert stored(web_engine) == before
    assert _send(provider, "kapot.xml", b"<x/>", csrf=False).status_code == 403


def test_another_providers_325_is_neither_listed_nor_downloadable(
    provider: TestClient, generated: list[Path], own_agb: str, web_engine: Engine
) -> None:
    theirs = next(p for p in generated if p.name.split("_")[1] != own_agb)
    done = declarations.process_message(web_engine, theirs.read_bytes(), theirs.name,
                                        now=datetime.now(UTC).replace(tzinfo=None), actor="tests")  # fmt: skip
    assert done.answer_id is not None
    assert provider.get(f"/aanbieder/berichten/{done.answer_id}/xml").status_code == 404
    ack = provider.post(f"/aanbieder/berichten/{done.answer_id}/bevestigen",
                        data={"csrf_token": csrf_of(provider.get("/aanbieder/berichten"))})  # fmt: skip
    assert ack.status_code == 404
    listed = soup(provider.get("/aanbieder/declaraties"))
    assert f"/aanbieder/berichten/{done.answer_id}/xml" not in [
        a["href"] for a in listed.select("a[download]")
    ]
    assert theirs.name not in listed.main.get_text()


def test_on_the_files_channel_the_provider_is_told_so(
    provider: TestClient, on_files: None, web_engine: Engine, generated: list[Path], own_agb: str
) -> None:
    page = soup(provider.get("/aanbieder/berichten"))
    notice = page.select_one("main [role=status]").get_text()
    assert "Uw berichten lopen via bestanden" in notice
    assert page.find("input", {"type": "file"}) is None and not page.select("table")
    with UnitOfWork(web_engine, Scope.region(), actor="tests") as uow:
        some = uow.messages.addressed_to(own_agb, ["301"])[0]
    assert provider.get(f"/aanbieder/berichten/{some.id}/xml").status_code == 409
    mine = next(p for p in generated if p.name.split("_")[1] == own_agb)
    before = stored(web_engine)
    refused = _send(provider, mine.name, mine.read_bytes())
    assert refused.status_code == 400 and "Uw berichten lopen via bestanden" in refused.text
    assert stored(web_engine) == before
    assert "Uw berichten lopen via bestanden" in soup(provider.get("/aanbieder/declaraties")).main.get_text()


def test_the_list_is_filtered_by_type_and_an_unknown_type_is_named(provider: TestClient) -> None:
    only = soup(provider.get("/aanbieder/berichten", params={"soort": "301"}))
    kinds = {r.select_one("td .zk-code").get_text() for r in only.select("table tbody tr")}
    assert kinds == {"301"}
    assert only.find("select", {"name": "soort"}).find("option", selected=True)["value"] == "301"
    wrong = provider.get("/aanbieder/berichten", params={"soort": "999"})
    assert wrong.status_code == 400
    assert soup(wrong).find(id="fout-soort").get_text(strip=True) == "Kies een soort bericht uit de lijst."


def test_a_day_without_allocations_points_to_the_last_day_the_provider_had_some(
    provider: TestClient, web_engine: Engine, own_agb: str
) -> None:
    page = soup(provider.get("/aanbieder/toewijzingen", params={"op": "2099-01-01"}))
    assert not page.select("table tbody tr")
    link = page.main.find("a", string=lambda s: bool(s and s.startswith("toon de toewijzingen op")))
    last = date.fromisoformat(link["href"].rpartition("=")[2])

    def in_force(day: date) -> list:  # type: ignore[type-arg]
        with UnitOfWork(web_engine, Scope.region(), actor="tests") as uow:
            return uow.allocations.active_on(day, ActivityKind.EXCHANGE, provider_agb=own_agb)

    assert in_force(last) and not in_force(last + timedelta(days=1))
    assert len(soup(provider.get(link["href"])).select("table tbody tr")) == len(in_force(last))
