# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's screens on the demo: providers with the client stop switch, one
provider's page, products and tariffs, contracts and ceilings with their use, the extension
calendar. Other roles get 403; none of these pages reads personal data or writes the log."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services.allocations import providers_for

PAGES = ["/aanbieders", "/producten", "/contracten", "/verlengkalender"]
OTHER_ROLES = ["consulent", "backoffice", "beleidsadviseur", "aanbieder", "privacy", "beheerder"]


def _log_size(engine: Engine) -> int:
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return len(uow.log.entries())


def _provider_rows(page) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    rows = {}
    for tr in page.select("table tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        rows[cells[0]] = cells
    return rows


def _a_wmo_provider_serving_houten(engine: Engine) -> str:
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        matches = providers_for(uow, "0321", Law.WMO, None, date(2021, 6, 1), product_code="OZR1")
    assert matches
    return matches[0].provider.agb_code


def test_the_contract_manager_lands_on_the_providers_with_its_menu(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    before = _log_size(web_engine)
    client: TestClient = browser_for("contractmanager")
    answer = client.get("/")
    assert answer.status_code == 200 and str(answer.url).endswith("/aanbieders")
    page = soup(answer)
    assert page.h1.get_text(strip=True) == "Aanbieders"
    menu = page.select_one("nav[aria-label=Hoofdmenu] ul")
    top = [li.find(["a", "button"]).get_text(strip=True) for li in menu.find_all("li", recursive=False)]
    assert top == [
        "Start",
        "Aanbieders",
        "Contracten",
        "Aanbestedingen",
        "Monitoring",
    ]  # grouped: too many for one row
    grouped = {li.a.get_text(strip=True): [a.get_text(strip=True) for a in li.select(":scope > ul a")]
               for li in menu.select("li[data-nav-group]")}  # fmt: skip
    assert grouped == {
        "Contracten": ["Contracten", "Contractbeheer", "Verlengkalender", "Producten en tarieven"],
        "Monitoring": ["Concentratie", "Dekkend aanbod", "Benchmark", "Signalen over aanbieders"],
    }
    assert page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")["href"] == "/aanbieders"
    rows = _provider_rows(page)
    assert len(rows) == 85  # every provider of the demo region: 82 with care, 3 new ones that bid in 2021
    assert all(len(agb) == 8 and agb.isdigit() for agb in rows)  # AGB codes whole
    assert page.find("caption").get_text(strip=True) == "Aanbieders (85)"
    for path in PAGES:
        assert client.get(path).status_code == 200
    assert _log_size(web_engine) == before  # no personal data read: nothing logged


def test_providers_show_laws_municipalities_and_client_stop_and_can_be_narrowed(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    rows = _provider_rows(soup(client.get("/aanbieders?wet=wmo&gemeente=0321&stop=uit")))
    assert rows
    for cells in rows.values():
        assert "Wmo" in cells[2]
        assert "Houten" in cells[3]
        assert cells[5].startswith("Uit Zet aan")
    everyone = _provider_rows(soup(client.get("/aanbieders")))
    assert len(rows) < len(everyone)
    assert any(
        cells[3] == "Houten, IJsselstein, Lopik, Nieuwegein, Vijfheerenlanden" for cells in everyone.values()
    )


def test_a_wrong_filter_is_named_next_to_its_field(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    answer = client.get("/aanbieders?gemeente=9999")
    assert answer.status_code == 400
    page = soup(answer)
    field = page.find("select", {"name": "gemeente"})
    assert field["aria-invalid"] == "true"
    assert page.find(id=field["aria-describedby"]).get_text(strip=True) == "Kies een gemeente uit de lijst."
    bad_year = client.get("/contracten?jaar=twintig")
    assert bad_year.status_code == 400
    assert "Vul een jaartal in van vier cijfers" in soup(bad_year).find(id="fout-jaar").get_text()
    bad_day = client.get("/verlengkalender?op=31-02-2023")
    assert bad_day.status_code == 400
    assert "Vul een datum in" in soup(bad_day).find(id="fout-op").get_text()


def test_the_provider_page_shows_contracts_products_tariffs_ceilings_and_channel(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    listing = soup(client.get("/contracten?jaar=2020&wet=jeugd"))
    link = next(a for a in listing.select("tbody a") if a["href"].startswith("/aanbieders/"))
    agb = link["href"].rsplit("/", 1)[1]
    answer = client.get(f"/aanbieders/{agb}?jaar=2020&op=2020-06-01")
    assert answer.status_code == 200
    page = soup(answer)
    assert page.h1.get_text(strip=True) == link.get_text(strip=True)
    facts = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(" ", strip=True)
        for dt in page.select("dl dt")
    }
    assert facts["AGB-code"] == agb
    assert facts["Berichtenkanaal"].startswith("als bestanden")
    assert facts["Cliëntenstop"].startswith("Uit")
    assert int(facts["Cliënten in zorg op 1-6-2020"].replace(".", "")) > 0
    products = [t for t in page.find_all("table") if "Producten van contract" in t.caption.get_text()]
    assert products
    tariffs = [tr.find_all("td")[3].get_text(strip=True) for t in products for tr in t.select("tbody tr")]
    assert tariffs and all(x.startswith("€ ") for x in tariffs)
    ceilings = next(
        t for t in page.find_all("table") if t.caption.get_text(strip=True) == "Plafonds en gebruik"
    )
    first = [td.get_text(strip=True) for td in ceilings.select("tbody tr")[0].find_all("td")]
    assert first[0] == "per aanbieder" and first[1].startswith("€ ") and first[2].startswith("€ ")
    assert first[4].endswith("%")


def test_an_unknown_or_malformed_provider_is_404(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    assert client.get("/aanbieders/12345678").status_code == 404
    assert client.get("/aanbieders/abc").status_code == 404
    form = client.get("/aanbieders")
    answer = client.post(
        "/aanbieders/12345678/clientenstop", data={"stand": "aan", "csrf_token": csrf_of(form)}
    )
    assert answer.status_code == 404


def test_the_client_stop_is_switched_on_and_off_and_consultants_see_the_effect(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    agb = _a_wmo_provider_serving_houten(web_engine)
    client: TestClient = browser_for("contractmanager")
    page = client.get(f"/aanbieders/{agb}")
    answer = client.post(f"/aanbieders/{agb}/clientenstop", data={"stand": "aan", "csrf_token": csrf_of(page)},
                         follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"/aanbieders/{agb}"
    after = soup(client.get(f"/aanbieders/{agb}"))
    assert "staat nu aan" in after.find(attrs={"role": "status"}).get_text()
    assert after.find(id="clientenstop-stand").get_text(strip=True).startswith("Aan")
    with UnitOfWork(web_engine, Scope.municipality("0321"), actor="tests") as uow:
        eligible = providers_for(uow, "0321", Law.WMO, None, date(2021, 6, 1), product_code="OZR1")
    assert agb not in {m.provider.agb_code for m in eligible}  # no new clients while on stop
    listing = soup(client.get("/aanbieders?stop=aan"))
    assert agb in _provider_rows(listing)

    back = client.post(f"/aanbieders/{agb}/clientenstop",
                       data={"stand": "uit", "terug": "lijst", "csrf_token": csrf_of(page)}, follow_redirects=False)  # fmt: skip
    assert back.headers["location"] == "/aanbieders"
    listing = soup(client.get("/aanbieders"))
    assert "staat nu uit" in listing.find(attrs={"role": "status"}).get_text()
    assert _provider_rows(listing)[agb][5].startswith("Uit")
    with UnitOfWork(web_engine, Scope.municipality("0321"), actor="tests") as uow:
        eligible = providers_for(uow, "0321", Law.WMO, None, date(2021, 6, 1), product_code="OZR1")
    assert agb in {m.provider.agb_code for m in eligible}


def test_the_client_stop_switch_is_refused_without_csrf_or_with_a_wrong_value(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    agb = _a_wmo_provider_serving_houten(web_engine)
    client: TestClient = browser_for("contractmanager")
    page = client.get(f"/aanbieders/{agb}")
    refused = client.post(f"/aanbieders/{agb}/clientenstop", data={"stand": "aan"})
    assert refused.status_code == 403 and "Het formulier is verlopen" in refused.text
    wrong = client.post(
        f"/aanbieders/{agb}/clientenstop", data={"stand": "misschien", "csrf_token": csrf_of(page)}
    )
    assert wrong.status_code == 400 and "Kies of de cliëntenstop aan of uit moet." in wrong.text
    with UnitOfWork(web_engine, Scope.region(), actor="tests") as uow:
        provider = uow.providers.get(agb)
    assert provider is not None and provider.client_stop is False


def test_products_and_tariffs_per_law_with_reference_tariffs(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    page = soup(client.get("/producten?wet=wmo&op=2020-06-01"))
    rows = {tr.find("td").get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in page.select("tbody tr")}  # fmt: skip
    assert {"OZR1", "OZR2", "OZR3"} <= set(rows)
    ozr1 = rows["OZR1"]
    assert ozr1[3] == "04 Uur" and ozr1[6].startswith("€ ") and int(ozr1[8]) > 0
    assert rows["02O11"][6] == "geen tarief"  # the 2022 products have no tariff in 2020
    jeugd = soup(client.get("/producten?wet=jeugd&op=2020-06-01"))
    references = [tr.find_all("td")[7].get_text(strip=True) for tr in jeugd.select("tbody tr")]
    assert any(x.startswith("€ ") for x in references)  # the NZa tariff of jeugd-ggz
    history = soup(client.get("/producten/wmo/OZR1"))
    first_table = history.find("table")
    years = [tr.find("td").get_text(strip=True) for tr in first_table.select("tbody tr")]
    assert years == ["1-1-2015", "1-1-2019", "1-1-2020", "1-1-2021"]  # as `catalogue tariffs --product OZR1`
    assert client.get("/producten/wmo/NIETS").status_code == 404
    assert client.get("/producten?wet=wlz").status_code == 400


def test_contracts_show_ceilings_with_their_use_and_the_collective_ceiling_notice(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    page = soup(client.get("/contracten?jaar=2020"))
    collective = page.find("table")
    assert collective.caption.get_text(strip=True) == "Collectieve plafonds 2020"
    cells = [td.get_text(" ", strip=True) for td in collective.select("tbody tr")[0].find_all("td")]
    assert cells[0] == "collectief (20 contracten)"
    assert cells[1] == "€ 2.300.000,00"
    assert cells[2] == "€ 2.198.108,64"  # the free practitioners' jeugd-ggz paid in 2020
    assert cells[4] == "95,6%" and cells[5] == "70% bereikt"
    contracts = page.find_all("table")[1]
    assert "Contracten 2020 (" in contracts.caption.get_text()
    numbers = [tr.find("td").get_text(strip=True) for tr in contracts.select("tbody tr")]
    assert any(n.startswith("WMO15-") for n in numbers) and any(n.startswith("JW2019-") for n in numbers)
    assert not any(n.startswith(("WMO2022-", "JW2016-")) for n in numbers)  # not running in 2020


def test_the_extension_calendar_shows_deadlines_as_they_stand_on_a_day(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    page = soup(client.get("/verlengkalender?op=2023-01-01"))
    first = page.find("section")
    assert first.h2.get_text(" ", strip=True).endswith("WMO2022")  # the open deadline comes first
    assert "uiterlijk 1 juli 2023" in first.get_text(" ", strip=True)
    steps = [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in first.find("table").select("tbody tr")
    ]
    assert steps[0] == ["1", "1-7-2023", "31-12-2023", "31-12-2024", "open , nog 181 dagen", "geen"]
    assert steps[1][4].startswith("open")
    ends = first.find_all("table")[1]
    assert [td.get_text(strip=True) for td in ends.select("tbody tr td")][1:] == ["31-12-2023", "32"]
    later = soup(client.get("/verlengkalender?op=2023-08-01")).find(
        "section", attrs={"aria-labelledby": "fw-WMO2022"}
    )
    statuses = [tr.find_all("td")[4].get_text(strip=True) for tr in later.find("table").select("tbody tr")]
    assert statuses == ["niet verlengd (termijn verstreken)", "vervallen"]


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_get_403_on_every_contract_page(browser_for, role: str) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for(role)
    for path in [*PAGES, "/aanbieders/75990826", "/producten/wmo/OZR1"]:
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "Uw rol heeft geen toegang" in answer.text
    form = client.get("/start")
    refused = client.post(
        "/aanbieders/75990826/clientenstop", data={"stand": "aan", "csrf_token": csrf_of(form)}
    )
    assert refused.status_code == 403


def test_a_visitor_is_sent_to_the_login_page(visitor: TestClient) -> None:
    for path in PAGES:
        answer = visitor.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=")
