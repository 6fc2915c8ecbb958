# SPDX-License-Identifier: EUPL-1.2
"""The back office's screens on the demo: messages in (upload a provider's 305/307/323 and see
its outcome and answers) and out (the outbox per type and provider), declarations with their
325s, the payments ledger with its totals apart, the stop worklist. Other roles get 403; a bad
file gives one Dutch line and stores nothing; every read of personal data is logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import Engine, select

from tests.web.screen_helpers import declarations_for, log_entries, start_message, stop_message, stored
from tests.web_helpers import csrf_of, log_in, soup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.services.spending import ledger as cli_ledger
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

PAGES = [
    "/backoffice/berichten",
    "/backoffice/declaraties",
    "/backoffice/betalingen",
    "/backoffice/stoplijst",
]


@pytest.fixture(scope="module")
def generated(web_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return declarations_for(web_engine, tmp_path_factory.mktemp("generated"))


def _upload(client: TestClient, name: str, data: bytes, *, csrf: bool = True) -> object:
    page = client.get("/backoffice/berichten")
    form = {"csrf_token": csrf_of(page)} if csrf else {}
    return client.post("/backoffice/berichten", data=form, files={"bestand": (name, data, "application/xml")})


def test_the_back_office_lands_on_its_messages_and_has_its_own_menu(browser_for) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    assert client.get("/", follow_redirects=False).headers["location"] == "/backoffice/berichten"
    page = soup(client.get("/backoffice/berichten"))
    assert [a.get_text() for a in page.select("nav a")] == ["Start", "Berichten", "Declaraties", "Betalingen",
                                                            "Stoplijst"]  # fmt: skip
    assert page.select_one('nav a[aria-current="page"]').get_text() == "Berichten"
    assert page.h1.get_text() == "Berichten"
    pending = page.find("caption", string="Berichten in de uitbak, per soort en aanbieder").find_parent(
        "table"
    )
    assert "301" in pending.get_text() and "bestanden" in pending.get_text()  # the demo's 301s wait


@pytest.mark.parametrize("login", ["consulent", "aanbieder", "beleidsadviseur", "privacy"])
def test_other_roles_get_403_on_every_back_office_page(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    client = browser_for(login)
    for path in PAGES:
        assert client.get(path).status_code == 403, path


def test_a_visitor_is_sent_to_log_in(visitor: TestClient) -> None:
    answer = visitor.get("/backoffice/berichten", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")


def test_a_323_uploaded_is_processed_its_325_downloadable_and_listed_with_its_declaration(
    browser_for, generated: list[Path], web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    path = generated[0]
    agb = path.name.split("_")[1]
    before, logged = stored(web_engine), log_entries(web_engine, "backoffice")
    answer = _upload(client, path.name, path.read_bytes())
    assert answer.status_code == 200, answer.text
    page = soup(answer)
    assert page.select_one("#uitkomst").get_text(strip=True) == f"Uitkomst van {path.name}"
    assert "Verwerkt" in page.select_one(".zk-outcome [role=status]").get_text()
    link = page.select_one(".zk-outcome a[download]")
    assert "325" in link.get_text()
    after = stored(web_engine)
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1 and after[3] > before[3]  # paid
    assert log_entries(web_engine, "backoffice") > logged  # the file's clients, as `declarations process`

    download = client.get(link["href"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    assert download.headers["content-disposition"].startswith("attachment; filename=")
    root = etree.fromstring(download.content)
    assert etree.QName(root).localname == "Bericht" and b"TotaalToegekendBedrag" in download.content

    listed = soup(client.get("/backoffice/declaraties", params={"aanbieder": agb, "periode": "2021-01"}))
    rows = listed.select("table tbody tr")
    assert len(rows) == 1 and path.name in rows[0].get_text() and agb in rows[0].get_text()
    assert rows[0].select_one("a[download]")["href"] == link["href"]
    other = soup(client.get("/backoffice/declaraties", params={"periode": "2020-06"}))
    assert path.name not in other.main.get_text()


def test_the_same_file_again_grants_nothing_and_gets_its_answer_again(
    browser_for, generated: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    path = generated[1]
    first = soup(_upload(client, path.name, path.read_bytes()))
    again = soup(_upload(client, path.name, path.read_bytes()))
    assert "Eerder ontvangen" in again.select_one(".zk-outcome [role=status]").get_text()
    assert (
        again.select_one(".zk-outcome a[download]")["href"]
        == first.select_one(".zk-outcome a[download]")["href"]
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<Bericht>geen bericht",
        b"dit is geen XML",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>',
    ],
)
def test_a_malformed_file_gives_one_dutch_line_and_stores_nothing(
    browser_for, web_engine: Engine, data: bytes
) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    before = stored(web_engine)
    answer = _upload(client, "kapot.xml", data)
    assert answer.status_code == 400
    page = soup(answer)
    field = page.find("input", {"name": "bestand"})
    assert field["aria-invalid"] == "true" and field["type"] == "file"
    error = page.find(id="fout-bestand").get_text(strip=True)
    assert (
        error
        == "Dit bestand is niet verwerkt: het is geen leesbaar iWmo- of iJw 3.2-bericht. Er is niets opgeslagen."
    )
    assert [li.get_text(strip=True) for li in page.select("[role=alert] li")] == [error]
    assert stored(web_engine) == before


def test_no_file_and_a_message_the_region_does_not_take_are_refused_in_dutch(
    browser_for, web_engine: Engine, generated: list[Path]
) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    page = client.get("/backoffice/berichten")
    empty = client.post("/backoffice/berichten", data={"csrf_token": csrf_of(page)})
    assert empty.status_code == 400
    assert (
        soup(empty).find(id="fout-bestand").get_text(strip=True)
        == "Kies een berichtbestand (XML) om te versturen."
    )
    # a 325 is ours, not a provider's
    before = stored(web_engine)
    answer_xml = client.get(soup(_upload(client, generated[2].name, generated[2].read_bytes()))
                            .select_one(".zk-outcome a[download]")["href"]).content  # fmt: skip
    middle = stored(web_engine)
    assert middle != before
    refused = _upload(client, "antwoord.xml", answer_xml)
    assert refused.status_code == 400
    assert "stuur een 305, 307, 315, 317 of 323" in soup(refused).find(id="fout-bestand").get_text()
    assert stored(web_engine) == middle


def test_a_post_without_its_csrf_token_is_refused_and_stores_nothing(
    browser_for, generated: list[Path], web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    before = stored(web_engine)
    answer = _upload(client, generated[3].name, generated[3].read_bytes(), csrf=False)
    assert answer.status_code == 403 and "Het formulier is verlopen" in answer.text
    assert stored(web_engine) == before
    assert client.post("/backoffice/stoplijst/1/beeindigen", data={}).status_code == 403


def test_a_message_outside_the_scope_or_unknown_is_404(browser_for) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    assert client.get("/backoffice/berichten/999999/xml").status_code == 404
    page = client.get("/backoffice/berichten/999999/xml")
    assert soup(page).h1.get_text() == "Niet gevonden"


def test_a_bad_filter_is_named_next_to_its_field(browser_for) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    answer = client.get("/backoffice/declaraties", params={"aanbieder": "12", "periode": "januari"})
    assert answer.status_code == 400
    page = soup(answer)
    assert page.find(id="fout-aanbieder").get_text(strip=True).startswith("Vul een AGB-code van 8 cijfers in")
    assert page.find(id="fout-periode").get_text(strip=True).startswith("Vul de periode in als jaar en maand")
    bad_year = client.get("/backoffice/betalingen", params={"jaar": "twintig"})
    assert bad_year.status_code == 400
    assert soup(bad_year).find(id="fout-jaar").get_text(strip=True).startswith("Vul een jaar in")


def _cents(text: str) -> int:
    amount = text.strip().replace("€", "").replace(".", "").replace(",", "").strip()
    return int(amount)


def test_the_ledger_shows_what_the_cli_shows_with_its_totals_apart(browser_for, web_store) -> None:  # type: ignore[no-untyped-def]
    client = browser_for("backoffice")
    page = soup(client.get("/backoffice/betalingen", params={"jaar": "2020"}))
    assert page.h1.get_text() == "Betalingen 2020"
    rows = page.select("#grootboek tbody tr")
    totals = page.select("#totalen tbody tr")
    total = page.select_one("#totalen tfoot tr")
    from zorginkoop.adapters.db.session import make_engine

    engine = make_engine(web_store[0])
    try:
        cli = cli_ledger(engine, 2020)
    finally:
        engine.dispose()
    data_rows = [r for r in cli if r["provider_agb"]]
    assert len(rows) == len(data_rows) and len(totals) == len(cli) - len(data_rows) - 1
    assert sum(_cents(r.select("td")[-1].get_text()) for r in rows) == _cents(
        total.select("td")[-1].get_text()
    )
    assert _cents(total.select("td")[-1].get_text()) == int(cli[-1]["paid_eur"].replace(".", ""))
    assert all(
        r.select("td")[1].get_text().isdigit() and len(r.select("td")[1].get_text()) == 8 for r in rows
    )


@pytest.fixture(scope="module")
def stops_app(web_store, web_engine: Engine) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The app with ZORGINKOOP_END_ON_STOP=off: a definitive stop waits on the worklist."""
    app = create_app(Settings(database_url=web_store[0], end_on_stop="off"), engine=web_engine)  # type: ignore[call-arg]
    with TestClient(app) as client:
        assert log_in(client, "backoffice").status_code == 303
        yield client


def _running_allocation(engine: Engine) -> Allocation:
    """A demo allocation with an Omvang running from before 2021 well into 2021, without a start or
    stop reported yet (the demo's history reports most)."""
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        found = uow.allocations.active_on(date(2021, 3, 1), ActivityKind.EXCHANGE)
        reported = set(uow.session.execute(select(
            t.DeliveryEventRow.municipality_code, t.DeliveryEventRow.law, t.DeliveryEventRow.allocation_number
        )).tuples())  # fmt: skip
    return next(
        a for a in found
        if a.valid.end is not None and a.valid.end > date(2021, 4, 1) and a.volume
        and (a.municipality_code, a.law.value, a.number) not in reported
    )  # fmt: skip


def test_a_stop_uploaded_waits_on_the_worklist_and_ending_it_queues_a_301(
    stops_app: TestClient, web_engine: Engine
) -> None:
    a = _running_allocation(web_engine)
    begin = max(a.valid.start, date(2021, 1, 4))
    started = _upload(stops_app, "start.xml", start_message(a, "WEBSTART01", begin))
    assert started.status_code == 200 and "Verwerkt" in soup(started).select_one(".zk-outcome").get_text()
    end = begin + timedelta(days=30)
    stopped = _upload(stops_app, "stop.xml", stop_message(a, "WEBSTOP001", begin, end))
    assert stopped.status_code == 200, soup(stopped).main.get_text(" ")
    assert "308" in soup(stopped).select_one(".zk-outcome").get_text()  # its retour

    logged = log_entries(web_engine, "backoffice")
    worklist = soup(stops_app.get("/backoffice/stoplijst"))
    assert log_entries(web_engine, "backoffice") > logged  # the BSNs on the list were read
    row = next(r for r in worklist.select("tbody tr") if r.select("td")[3].get_text() == a.client_bsn)
    assert str(a.number) in row.get_text() and "Open" in row.get_text()
    action = row.find("form", action=lambda x: x.endswith("/beeindigen"))
    pending_301 = stored(web_engine)[0]
    done = stops_app.post(action["action"], data={"csrf_token": csrf_of(stops_app.get("/backoffice/stoplijst"))},
                          follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/backoffice/stoplijst?klaar=beeindigd"
    assert stored(web_engine)[0] == pending_301 + 1  # the changed 301 waits in the outbox
    after = soup(stops_app.get(done.headers["location"]))
    assert "De toewijzing is beëindigd" in after.select_one("[role=status]").get_text()
    assert a.client_bsn not in after.select_one("main").get_text()
    everything = soup(stops_app.get("/backoffice/stoplijst", params={"alles": 1}))
    assert (
        "Beëindigd"
        in next(r for r in everything.select("tbody tr") if a.client_bsn in r.get_text()).get_text()
    )
    again = stops_app.post(
        action["action"], data={"csrf_token": csrf_of(stops_app.get("/backoffice/stoplijst"))}
    )
    assert again.status_code == 400 and "al afgehandeld" in soup(again).select_one("[role=alert]").get_text()
    assert stops_app.post("/backoffice/stoplijst/999999/afwijzen",
                          data={"csrf_token": csrf_of(stops_app.get("/backoffice/stoplijst"))}).status_code == 404  # fmt: skip
