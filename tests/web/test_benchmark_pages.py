# SPDX-License-Identifier: EUPL-1.2
"""The benchmark screens on the demo: the contract manager's table per provider with the peer
median (the figures of ``report providers``), a provider's own position against anonymised,
rounded peers (no other provider named), the consultant's eligible providers with their
benchmark position, roles (403) and the menu."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.web.test_consulent_pages import HOUTEN, open_file
from tests.web_helpers import soup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import reports
from zorginkoop.web.ui.templating import eur

Browser = Callable[[str], TestClient]
ALL_FIVE = ("0321", "0331", "0353", "0356", "1961")


def test_the_contract_manager_sees_every_provider_with_the_figures_of_report_providers(
    browser_for: Browser, web_engine: Engine
) -> None:
    page = soup(browser_for("contractmanager").get("/monitoring/benchmark?jaar=2020&wet=wmo&zonder=1961"))
    rows = page.select("table.zk-benchmark tbody tr")
    with UnitOfWork(web_engine, Scope.municipalities(ALL_FIVE)) as uow:
        expected = reports.costs_by_provider(uow, 2020, Law.WMO, ["1961"])
    assert [row["data-agb"] for row in rows] == [p.agb for p in expected]
    first = rows[0]
    cost = first.select_one("td[data-figure=cost_eur]").get_text(" ", strip=True)
    assert cost.startswith(eur(expected[0].cost.cents)) and "mediaan" in cost
    assert page.select_one("tfoot th").get_text(strip=True) == "Mediaan van alle aanbieders"
    assert all(th.get("scope") == "col" for th in page.select("table.zk-benchmark thead th"))
    assert page.select_one("select[name=zonder] option[selected]")["value"] == "1961"


def test_a_figure_over_fewer_than_10_people_is_not_shown(browser_for: Browser) -> None:
    page = soup(browser_for("contractmanager").get("/monitoring/benchmark?jaar=2020&wet=wmo"))
    small = [row for row in page.select("table.zk-benchmark tbody tr")
             if int(row.select_one("td[data-figure=clients]").contents[0].strip().replace(".", "")) < 10]  # fmt: skip
    assert small
    for row in small:
        cell = row.select_one("td[data-figure=cost_per_client_eur]")
        assert cell.find(class_="zk-visually-hidden").get_text() == "niet getoond"


def test_a_bad_year_is_a_dutch_error_next_to_the_field(browser_for: Browser) -> None:
    answer = browser_for("contractmanager").get("/monitoring/benchmark?jaar=20x")
    assert answer.status_code == 400
    assert "vier cijfers" in soup(answer).find(id="fout-jaar").get_text()


def test_a_provider_sees_its_own_figures_against_rounded_anonymous_peers(
    browser_for: Browser, web_engine: Engine
) -> None:
    answer = browser_for("aanbieder").get("/aanbieder/benchmark?jaar=2020&wet=wmo")
    assert answer.status_code == 200
    page = soup(answer)
    with web_engine.connect() as connection:
        others = connection.execute(
            select(t.ProviderRow.agb_code, t.ProviderRow.name).where(t.ProviderRow.agb_code != "98214099")
        ).all()
    text = page.get_text(" ")
    assert not [name for agb, name in others if agb in text or name in text]
    clients = [td.get_text(strip=True) for td in page.select("tr[data-figure=clients] td")]
    assert all(int(value) % 5 == 0 for value in clients[:4])  # own, first quartile, median, third
    assert clients[4] == "48"  # the peers with a value: the other Wmo providers
    assert page.find("caption").get_text().startswith("Uw cijfers en de andere 48 aanbieders")


@pytest.mark.parametrize(
    ("login", "path"),
    [("consulent", "/monitoring/benchmark"), ("aanbieder", "/monitoring/benchmark"),
     ("beleidsadviseur", "/aanbieder/benchmark"), ("contractmanager", "/aanbieder/benchmark")],
)  # fmt: skip
def test_other_roles_get_403(browser_for: Browser, login: str, path: str) -> None:
    assert browser_for(login).get(path).status_code == 403


def test_the_menu_leads_to_the_benchmark(browser_for: Browser) -> None:
    for login, label, path in (("contractmanager", "Benchmark", "/monitoring/benchmark"),
                               ("aanbieder", "Uw positie", "/aanbieder/benchmark")):  # fmt: skip
        page = soup(browser_for(login).get(path))
        current = page.select_one("nav a[aria-current=page]")
        assert current is not None and (current.get_text(strip=True), current["href"]) == (label, path)


def test_the_consultant_sees_each_eligible_providers_benchmark_position(
    browser_for: Browser, web_engine: Engine
) -> None:
    with web_engine.connect() as connection:
        bsn, decision = connection.execute(
            select(t.DecisionRow.client_bsn, t.DecisionRow.id)
            .where(t.DecisionRow.municipality_code == HOUTEN, t.DecisionRow.law == "wmo")
            .order_by(t.DecisionRow.id)
            .limit(1)
        ).one()
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    answer = consultant.get(f"{path}/beschikkingen/{decision}/toewijzen")
    assert answer.status_code == 200, answer.text
    page = soup(answer)
    headers = [th.get_text(strip=True) for th in page.select("table thead th")]
    assert any(h.startswith("Volgens plan beëindigd") for h in headers)
    assert any(h.startswith("Doelen bereikt") for h in headers)
    cells = page.select("table tbody td[data-figure=ended_to_plan_share]")
    assert cells and len(cells) == len(page.select("input[name=aanbieder]"))
    assert any("mediaan" in cell.get_text() for cell in cells)
