# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's monitoring screens on the demo: the concentration with its Pareto chart
(the memo's figures), the coverage with a gap appearing when a provider goes on client stop, the
account report as HTML and PDF; the signals form for consultant and contract manager; the
adviser's dashboard with charts. Charts are inline SVG images with a title, no style or script."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import reports

LARGEST = "98214099"


def _chart_ok(svg) -> None:  # type: ignore[no-untyped-def]
    assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
    assert svg.find("title") is not None
    assert not svg.find_all(["style", "script"]) and "style=" not in str(svg)


def test_the_contract_manager_reads_the_concentration_with_its_chart(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    menu = soup(client.get("/aanbieders")).select("nav[aria-label=Hoofdmenu] a")
    assert "/monitoring/concentratie" in [a["href"] for a in menu]
    answer = client.get("/monitoring/concentratie?jaar=2020&wet=wmo&uitsluiten=1961")
    assert answer.status_code == 200, answer.text
    page = soup(answer)
    reading = page.select_one("#lezing").get_text(" ", strip=True)
    assert (
        "49 aanbieders" in reading
        and "De 7 grootste hebben 80%" in reading
        and "de 12 grootste 90%" in reading
    )
    assert "27 aanbieders hebben minder dan 7 cliënten" in reading
    _chart_ok(page.select_one("figure.zk-chart svg"))
    assert len(page.select(".zk-concentration tbody tr")) == 49
    assert client.get("/monitoring/concentratie?jaar=20x0").status_code == 400
    assert client.get("/monitoring/concentratie?jaar=2020&uitsluiten=9999").status_code == 400


def test_a_client_stop_opens_a_gap_in_the_coverage_at_once(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    first = soup(client.get("/monitoring/dekking?op=2020-06-01&wet=wmo"))
    rows = [r for r in first.select(".zk-coverage tbody tr") if r["data-providers"]]
    fewest = min(rows, key=lambda r: len(r["data-providers"].split()))
    available = fewest["data-providers"].split()
    cell = f'.zk-coverage tr[data-municipality="{fewest["data-municipality"]}"][data-group="{fewest["data-group"]}"]'
    url = f"/monitoring/dekking?op=2020-06-01&wet=wmo&minimum={len(available)}"
    assert "zk-gap" not in soup(client.get(url)).select_one(cell).get("class", [])
    agb = available[0]
    form = client.get(f"/aanbieders/{agb}")
    client.post(f"/aanbieders/{agb}/clientenstop", data={"stand": "aan", "csrf_token": csrf_of(form)})
    try:
        row = soup(client.get(url)).select_one(cell)
        assert "zk-gap" in row["class"] and row.select_one(".zk-gap-mark").get_text(strip=True) == "tekort"
        assert agb not in row["data-providers"].split()
    finally:
        form = client.get(f"/aanbieders/{agb}")
        client.post(f"/aanbieders/{agb}/clientenstop", data={"stand": "uit", "csrf_token": csrf_of(form)})
    assert client.get("/monitoring/dekking?minimum=x").status_code == 400


def test_the_account_report_shows_the_providers_figures_and_downloads_as_pdf(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    provider_page = soup(client.get(f"/aanbieders/{LARGEST}"))
    link = provider_page.select_one("#accountrapport-link")["href"]
    answer = client.get(f"{link}?kwartaal=2020-Q4")
    assert answer.status_code == 200, answer.text
    page = soup(answer)
    assert page.h1.get_text(strip=True) == "Accountrapport Zorggroep Lekstroom"
    with UnitOfWork(web_engine, Scope.region()) as uow:
        line = next(p for p in reports.costs_by_provider(uow, 2020, None) if p.agb == LARGEST)
    year_row = next(
        tr
        for tr in page.select("table[data-section=samenvatting] tbody tr")
        if "2020" in tr.th.text and "heel" in tr.th.text
    )
    cells = [td.get_text(strip=True) for td in year_row.select("td")]
    assert cells[0].replace(".", "") == str(line.clients)
    assert cells[1].startswith("€") and cells[1].replace("€", "").replace(".", "").replace(
        ",", "."
    ).strip() == str(line.cost)
    charts = page.select("figure.zk-chart svg")
    assert len(charts) >= 3
    for svg in charts:
        _chart_ok(svg)
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids))
    pdf = client.get(page.select_one("#pdf-link")["href"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Accountrapport Zorggroep Lekstroom" in text and "4e kwartaal 2020" in text
    assert client.get(f"/aanbieders/{LARGEST}/accountrapport?kwartaal=2020-Q9").status_code == 400
    assert client.get("/aanbieders/12345678/accountrapport?kwartaal=2020-Q4").status_code == 404


@pytest.mark.parametrize(
    "login", ["consulent", "backoffice", "beleidsadviseur", "aanbieder", "privacy", "beheerder"]
)
def test_only_the_contract_manager_opens_the_monitoring_screens(browser_for, login) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for(login)
    for url in ("/monitoring/concentratie", "/monitoring/dekking", f"/aanbieders/{LARGEST}/accountrapport"):
        assert client.get(url).status_code == 403
    expected = 200 if login == "consulent" else 403
    assert client.get("/aanbiedersignalen").status_code == expected


def test_a_consultant_records_a_signal_that_the_contract_manager_reads(browser_for) -> None:  # type: ignore[no-untyped-def]
    consultant: TestClient = browser_for("consulent")
    form = consultant.get(f"/aanbiedersignalen?aanbieder={LARGEST}")
    assert form.status_code == 200
    bad = consultant.post("/aanbiedersignalen", data={
        "aanbieder": LARGEST, "soort": "complaint", "tekst": "BSN 111222333", "csrf_token": csrf_of(form),
    })  # fmt: skip
    assert bad.status_code == 400 and "bevat een BSN" in bad.text
    done = consultant.post("/aanbiedersignalen", data={
        "aanbieder": LARGEST, "soort": "complaint", "tekst": "Belt niet terug", "csrf_token": csrf_of(form),
    }, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    page = soup(consultant.get(done.headers["location"]))
    first = page.select_one(".zk-signals tbody tr")
    assert [td.get_text(strip=True) for td in first.select("td")] == [
        "Klacht",
        "Houten",
        "consulent",
        "Belt niet terug",
    ]
    manager: TestClient = browser_for("contractmanager")
    provider_page = soup(manager.get(f"/aanbieders/{LARGEST}"))
    assert "Belt niet terug" in provider_page.select_one(".zk-provider-signals").get_text()
    # the contract manager works for every municipality: the form asks which one
    form = manager.get(f"/aanbiedersignalen?aanbieder={LARGEST}")
    missing = manager.post("/aanbiedersignalen", data={
        "aanbieder": LARGEST, "soort": "compliment", "tekst": "Goed", "csrf_token": csrf_of(form),
    })  # fmt: skip
    assert missing.status_code == 400 and soup(missing).select_one("#fout-gemeente")
    assert (
        manager.post(
            "/aanbiedersignalen", data={"aanbieder": LARGEST, "soort": "compliment", "tekst": "Goed"}
        ).status_code
        == 403
    )


def test_the_dashboard_shows_its_trend_and_products_as_charts(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    page = soup(client.get("/kerncijfers/dashboard?jaar=2020&wet=wmo"))
    for kind in ("products", "trend"):
        _chart_ok(page.select_one(f"figure[data-chart={kind}] svg"))
    label = page.select_one("figure[data-chart=trend] svg")["aria-label"]
    assert re.search(r"\d{4} tot en met 2020", label)
