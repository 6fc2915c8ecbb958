# SPDX-License-Identifier: EUPL-1.2
"""The policy adviser's screens on the demo: the key figures per municipality (the Lekstroom
memo's 2020 table) and over the years, only for the adviser's own municipalities, with figures
about fewer than 10 people shown as "< 10". Other roles get 403."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import demo_store_with_users, log_in, soup
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import reports
from zorginkoop.services.declaration_generator import generate, month_of
from zorginkoop.services.declarations import process_file
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

OTHER_ROLES = ["consulent", "contractmanager", "backoffice", "aanbieder", "privacy", "beheerder"]


def _figures(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Municipality -> [clients, cost, cost per client] of the first table (total included)."""
    table = page.find("table")
    return {tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.select("tbody tr, tfoot tr")}  # fmt: skip


def _log_size(engine: Engine) -> int:
    """Entries about a person (a group figure's read is logged too, with the group as subject:
    tests/web/test_group_figures_log.py)."""
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return sum(1 for e in uow.log.entries() if e.subject_type == "BSN")


def test_the_adviser_lands_on_houtens_2020_wmo_figures_of_the_memo(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    before = _log_size(web_engine)
    client: TestClient = browser_for("beleidsadviseur")
    answer = client.get("/")
    assert str(answer.url).endswith("/kerncijfers")
    page = soup(answer)
    assert page.h1.get_text(strip=True) == "Kerncijfers per gemeente"
    menu = [a.get_text(strip=True) for a in page.select("nav[aria-label=Hoofdmenu] a")]
    assert menu == ["Start", "Kerncijfers", "Dashboard"]
    assert page.find("table").caption.get_text(strip=True) == "Wmo 2020: cliënten en kosten per gemeente"
    assert _figures(page) == {"Houten": ["363", "€ 2.145.868,00", "€ 5.911,48"]}
    assert page.find("select", {"name": "jaar"}).find("option", selected=True).get_text() == "2020"
    assert _log_size(web_engine) == before  # counts and sums only: nothing about a person read


def test_the_houten_adviser_never_sees_nieuwegein(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    for path in [
        "/kerncijfers?jaar=2020&wet=wmo",
        "/kerncijfers?jaar=2019&wet=beide",
        "/kerncijfers/jaren?wet=jeugd",
    ]:
        text = client.get(path).text
        assert "Houten" in text
        for other in ("Nieuwegein", "IJsselstein", "Lopik", "Vijfheerenlanden"):
            assert other not in text, (path, other)


def test_the_figures_are_those_of_the_report_and_the_api_for_each_law(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    for wet, law in (("wmo", Law.WMO), ("jeugd", Law.JEUGD), ("beide", None)):
        page = soup(client.get(f"/kerncijfers?jaar=2019&wet={wet}"))
        with UnitOfWork(web_engine, Scope.region(), actor="tests") as uow:
            (houten,) = [line for line in reports.cost_lines(uow, 2019, law) if line.cbs_code == "0321"]
        clients, cost, _per_client = _figures(page)["Houten"]
        assert clients == str(houten.clients)
        assert (
            cost
            == "€ " + f"{houten.cost.cents // 100:,}".replace(",", ".") + f",{houten.cost.cents % 100:02d}"
        )
    jeugd = soup(client.get("/kerncijfers?jaar=2020&wet=jeugd"))
    assert _figures(jeugd)["Houten"][:2] == ["326", "€ 2.117.419,52"]
    assert (
        jeugd.find("table").caption.get_text(strip=True) == "Jeugdwet 2020: cliënten en kosten per gemeente"
    )


def test_the_years_show_the_trend_per_municipality(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    page = soup(client.get("/kerncijfers/jaren?wet=wmo"))
    assert page.h1.get_text(strip=True) == "Kerncijfers over de jaren"
    clients, cost, per_client = page.find_all("table")
    years = [th.get_text(strip=True) for th in clients.select("thead th")][1:]
    assert years[:3] == ["2018", "2019", "2020"]
    houten = [td.get_text(strip=True) for td in clients.select("tbody tr[data-cbs='0321'] td")]
    assert houten[:3] == ["289", "305", "363"]
    assert [td.get_text(strip=True) for td in cost.select("tbody tr td")][2] == "€ 2.145.868,00"
    assert per_client.caption.get_text(strip=True) == "Kosten per cliënt per gemeente en jaar, Wmo"


def test_wrong_choices_are_named_next_to_the_field(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("beleidsadviseur")
    answer = client.get("/kerncijfers?jaar=tweeduizend")
    assert answer.status_code == 400
    page = soup(answer)
    field = page.find("select", {"name": "jaar"})
    assert field["aria-invalid"] == "true"
    assert (
        page.find(id="fout-jaar").get_text(strip=True)
        == "Vul een jaartal in van vier cijfers, bijvoorbeeld 2020."
    )
    wrong_law = client.get("/kerncijfers/jaren?wet=wlz")
    assert wrong_law.status_code == 400
    assert soup(wrong_law).find(id="fout-wet").get_text(strip=True) == "Kies Wmo, Jeugdwet of beide."
    empty = soup(client.get("/kerncijfers?jaar=2012&wet=wmo"))
    assert "geen goedgekeurde declaraties" in empty.get_text()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403(browser_for, role: str) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for(role)
    for path in ["/kerncijfers", "/kerncijfers/jaren"]:
        answer = client.get(path)
        assert answer.status_code == 403 and "Uw rol heeft geen toegang" in answer.text


@pytest.fixture
def store_with_few_2021_clients(demo_store_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, int]]:
    """A copy of the demo where one provider's January 2021 Wmo declaration for Houten (fewer
    than 10 clients) was processed: the only 2021 figures."""
    url, _users = demo_store_with_users(demo_store_url, tmp_path)
    engine = make_engine(url)
    files = generate(engine, month_of("2021-01"), tmp_path / "in")
    small = min((f for f in files if f.municipality_code == "0321" and f.law is Law.WMO and f.lines > 1),
                key=lambda f: f.lines)  # fmt: skip
    assert small.lines < 10
    process_file(engine, small.path, tmp_path / "out")
    with TestClient(create_app(Settings(database_url=url), engine=engine)) as client:  # type: ignore[call-arg]
        assert log_in(client, "beleidsadviseur").status_code == 303
        yield client, small.lines
    engine.dispose()


def test_figures_about_fewer_than_10_clients_are_shown_as_fewer_than_10(store_with_few_2021_clients) -> None:  # type: ignore[no-untyped-def]
    client, _lines = store_with_few_2021_clients
    page = soup(client.get("/kerncijfers?jaar=2021&wet=wmo"))
    clients, cost, per_client = _figures(page)["Houten"]
    assert clients == "< 10"
    assert "€" not in cost + per_client and "niet getoond" in cost
    assert "minder dan 10 cliënten worden niet getoond" in page.get_text()
    trend = soup(client.get("/kerncijfers/jaren?wet=wmo"))
    houten = [td.get_text(strip=True) for td in trend.find("table").select("tbody tr[data-cbs='0321'] td")]
    assert houten == ["289", "305", "363", "< 10"]
    assert (
        soup(client.get("/kerncijfers"))
        .find("select", {"name": "jaar"})
        .find("option", selected=True)
        .get_text()
        == "2021"
    )
