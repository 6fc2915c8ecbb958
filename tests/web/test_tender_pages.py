# SPDX-License-Identifier: EUPL-1.2
"""Procurement on the web, on the demo: the contract manager's tenders (the SAS tender WMO2022
with every refused bid's reason in Dutch, a new tender from its file, scores, the intended and
the final award of the classic tender JW-VB-2023) and the provider portal (registering on the
open house JGGZ-OH-2023 by form, its own outcome only). Other roles get 403; a POST without the
CSRF token 403.

Each test leaves the others' tenders as they were (the module's store is shared, and tests may
run in any order): one test per tender that changes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import User
from zorginkoop.services import consultation
from zorginkoop.services import tenders as service

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenders"
ENGLISH = ("knock-out", "ranked", "scored", "answered", "declared", "lacks", "does not serve", "minimum met",
           "meets every", "not scored", "no price", "under the minimum")  # fmt: skip
BIDS = {  # the example tender's bids (examples/tenders), as `zorginkoop tenders bid` takes them
    "98214099": "bid-zorggroep-lekstroom.toml",
    "98478174": "bid-op-maat-lopik.toml",
    "98416481": "bid-horizon-lopik.toml",
    "98306771": "bid-kompas.toml",
    "98058598": "bid-de-polderzorg.toml",
}


def _codes(engine: Engine) -> list[str]:
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return uow.tenders.codes()


def _rows(page, caption: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = next(
        t
        for t in page.select("table")
        if t.caption and t.caption.get_text(" ", strip=True).startswith(caption)
    )
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")
    ]


def _flash(page) -> str:  # type: ignore[no-untyped-def]
    found = page.select_one(".utrecht-alert--ok")
    return found.get_text(" ", strip=True) if found else ""


def _problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [li.get_text(" ", strip=True) for li in page.select("#problemen li")]


@pytest.fixture
def manager(browser_for) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("contractmanager")


@pytest.fixture
def provider(browser_for) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("aanbieder")


@pytest.fixture
def own_agb(web_store: tuple[str, dict[str, User]]) -> str:
    agb = web_store[1]["aanbieder"].provider_agb
    assert agb is not None
    return agb


def test_the_list_shows_the_demo_tenders_with_procedure_and_status(manager: TestClient) -> None:
    page = soup(manager.get("/aanbestedingen"))
    assert page.h1.get_text(strip=True) == "Aanbestedingen"
    assert page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")["href"] == "/aanbestedingen"
    rows = {row[0]: row for row in _rows(page, "Aanbestedingen")}
    assert {"WMO2022", "JW-VB-2023", "JGGZ-OH-2023"} <= rows.keys()
    assert rows["WMO2022"][2].startswith("SAS") and rows["WMO2022"][5] == "52"
    assert rows["WMO2022"][6].startswith("Definitief gegund")
    assert rows["JW-VB-2023"][3] == "Beste prijs-kwaliteitverhouding (EMVI)"
    assert rows["JW-VB-2023"][6].startswith("Voorlopig gegund")
    assert "doorlopend" in rows["JGGZ-OH-2023"][4] and rows["JGGZ-OH-2023"][6] == "Open voor inschrijving"
    form = page.select_one("form[action='/aanbestedingen']")
    assert form["enctype"] == "multipart/form-data" and form.select_one("input[name=csrf_token]")


def test_the_sas_tender_shows_32_admitted_and_every_refused_bid_s_reason_in_dutch(
    manager: TestClient,
) -> None:
    page = soup(manager.get("/aanbestedingen/WMO2022"))
    assert page.h1.get_text(" ", strip=True) == "Raamovereenkomst Wmo begeleiding Lekstroom 2022 WMO2022"
    rows = _rows(page, "Beoordeling per inschrijving")
    # provider, AGB, admitted, rank, G1..G4, score, reason, contract
    assert len(rows) == 52
    admitted = [r for r in rows if r[2] == "ja"]
    refused = [r for r in rows if r[2] == "nee"]
    assert len(admitted) == 32 and len(refused) == 20
    assert all(r[-1].startswith("WMO2022-IB-") for r in admitted) and all(r[-1] == "–" for r in refused)
    assert all(r[-2] and r[-2] != "–" for r in refused)  # every refused bid has its reason
    reasons = " ".join(r[-2] for r in rows)
    assert not [word for word in ENGLISH if word in reasons]
    doorzetters = next(r for r in rows if r[0] == "Begeleidingsbureau Doorzetters")
    assert doorzetters[-2] == (
        "Voldoet niet aan eis E1 (Ruimschoots ervaring: in 2020 ten minste 10 inwoners begeleid "
        "(waar dan ook)): opgegeven 9"
    )
    polderzorg = next(r for r in rows if r[0] == "De Polderzorg")
    assert polderzorg[-2].startswith("G1 beoordeeld met 4, minimum 5; G2 beoordeeld met 3,5, minimum 5")
    assert polderzorg[4:9] == ["4", "3,50", "4", "4", "38,75"]  # per criterion, then the total
    assert admitted[0][3] == "1" and admitted[0][-2] == "Plaats 1, aan elk minimum voldaan"
    text = page.get_text(" ", strip=True)
    for fact in ("SAS-procedure", "Kwaliteit bij vaste tarieven", "dezelfde prijs voor dezelfde zorg",
                 "2 jaar + 1 jaar + 1 jaar", "20 dagen na de voorlopige gunning", "tot en met 31 mei 2021"):  # fmt: skip
        assert fact in text, fact
    products = _rows(page, "Perceel IB")
    assert len(products) == 18 and products[0] == ["02B11", "€ 265,00", "1"]
    requirements = {r[0]: r for r in _rows(page, "Eisen")}
    assert (
        set(requirements) == {"E1", "E2", "E3", "E4"}
        and requirements["E2"][3] == "HKZ of ISO 9001 of Kiwa of PREZO"
    )
    criteria = _rows(page, "Gunningscriteria")
    assert [c[0] for c in criteria] == ["G1", "G2", "G3", "G4"] and criteria[0][2:] == ["30", "5"]
    # final: no form, links to the contracts and the extension calendar
    step = page.select_one("section[aria-labelledby=volgende-stap]")
    assert not step.select("form")
    assert {a["href"] for a in step.select("a")} == {"/contracten?jaar=2022", "/verlengkalender"}
    assert page.select_one("#dekking")  # the coverage of the admitted bids


def test_a_tender_from_its_file_is_created_scored_and_awarded_and_a_broken_file_stores_nothing(
    manager: TestClient, web_engine: Engine
) -> None:
    example = (EXAMPLES / "wmo-begeleiding-2024.toml").read_text(encoding="utf-8")
    before = _codes(web_engine)
    page = manager.get("/aanbestedingen")
    broken = example.replace("weight = 40", "weight = 41")
    answer = manager.post("/aanbestedingen", data={"csrf_token": csrf_of(page)},
                          files={"bestand": ("kapot.toml", broken.encode(), "application/toml")})  # fmt: skip
    assert answer.status_code == 400
    shown = soup(answer)
    assert any("add up to 101, not 100" in p for p in _problems(shown))
    assert shown.select_one("#fout-bestand") and _codes(web_engine) == before
    empty = manager.post("/aanbestedingen", data={"csrf_token": csrf_of(page)},
                         files={"bestand": ("leeg.toml", b"", "application/toml")})  # fmt: skip
    assert empty.status_code == 400 and "leeg" in soup(empty).select_one("#fout-bestand").get_text()
    assert _codes(web_engine) == before

    made = manager.post("/aanbestedingen", data={"csrf_token": csrf_of(page)},
                        files={"bestand": ("wmo-begeleiding-2024.toml", example.encode(), "application/toml")})  # fmt: skip
    assert made.status_code == 200 and str(made.url).endswith("/aanbestedingen/WMO-IB-2024")
    page = soup(made)
    assert _flash(page) == "Aanbesteding WMO-IB-2024 is aangemaakt."
    assert sorted(_codes(web_engine)) == sorted([*before, "WMO-IB-2024"])
    assert "Nog geen inschrijvingen." in page.get_text()
    # the same file again: refused, nothing stored
    again = manager.post("/aanbestedingen", data={"csrf_token": csrf_of(made)},
                         files={"bestand": ("wmo-begeleiding-2024.toml", example.encode(), "application/toml")})  # fmt: skip
    assert again.status_code == 400 and any("exists already" in p for p in _problems(soup(again)))

    for agb, name in BIDS.items():  # the bids as providers send them (CLI or portal)
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        service.submit_bid(UnitOfWork(web_engine, Scope.region(), actor="tests"), "WMO-IB-2024", agb, text,
                           on=date(2023, 6, 20))  # fmt: skip
    scores = (EXAMPLES / "scores-jansen.toml").read_text(encoding="utf-8")
    form = manager.get("/aanbestedingen/WMO-IB-2024")
    assert (
        soup(form).select_one("form[action='/aanbestedingen/WMO-IB-2024/scores']")["enctype"]
        == "multipart/form-data"
    )
    outside = manager.post("/aanbestedingen/WMO-IB-2024/scores",
                           data={"csrf_token": csrf_of(form), "beoordelaar": "A. Jansen"},
                           files={"bestand": ("s.toml", scores.replace("score = 8 }", "score = 11 }", 1).encode())})  # fmt: skip
    assert outside.status_code == 400 and any("scale" in p for p in _problems(soup(outside)))
    nameless = manager.post("/aanbestedingen/WMO-IB-2024/scores", data={"csrf_token": csrf_of(form)},
                            files={"bestand": ("s.toml", scores.encode())})  # fmt: skip
    assert nameless.status_code == 400
    assert (
        soup(nameless).select_one("#fout-beoordelaar").get_text(strip=True)
        == "Vul de naam van de beoordelaar in."
    )
    for assessor, name in (("A. Jansen", "scores-jansen.toml"), ("B. de Vries", "scores-de-vries.toml")):
        stored = manager.post("/aanbestedingen/WMO-IB-2024/scores",
                              data={"csrf_token": csrf_of(form), "beoordelaar": assessor},
                              files={"bestand": (name, (EXAMPLES / name).read_bytes())})  # fmt: skip
        assert stored.status_code == 200 and f"scores van {assessor} zijn vastgelegd" in _flash(soup(stored))
    rows = {
        r[1]: r
        for r in _rows(soup(manager.get("/aanbestedingen/WMO-IB-2024")), "Beoordeling per inschrijving")
    }
    assert {agb for agb, r in rows.items() if r[2] == "ja"} == {"98214099", "98478174", "98416481"}
    assert rows["98306771"][-2].startswith("Voldoet niet aan eis E1 (")  # Kompas: too few clients

    # the intended award: before registration closed refused, after it the standstill starts
    early = manager.post("/aanbestedingen/WMO-IB-2024/gunning",
                         data={"csrf_token": csrf_of(form), "stap": "voorlopig", "datum": "2023-07-01"})  # fmt: skip
    assert early.status_code == 400 and any("registration runs until" in p for p in _problems(soup(early)))
    bad_day = manager.post("/aanbestedingen/WMO-IB-2024/gunning",
                           data={"csrf_token": csrf_of(form), "stap": "voorlopig", "datum": "morgen"})  # fmt: skip
    assert (
        bad_day.status_code == 400 and "jaar-maand-dag" in soup(bad_day).select_one("#fout-datum").get_text()
    )
    awarded = manager.post("/aanbestedingen/WMO-IB-2024/gunning",
                           data={"csrf_token": csrf_of(form), "stap": "voorlopig", "datum": "2023-08-01"})  # fmt: skip
    page = soup(awarded)
    assert _flash(page) == (
        "Voorlopig gegund: 3 van 5 inschrijvingen toegelaten; de standstill loopt tot en met 11-08-2023."
    )
    assert page.select_one("input[name=stap][value=definitief]")


def test_the_final_award_waits_for_the_standstill_and_then_makes_the_contracts(manager: TestClient) -> None:
    page = manager.get("/aanbestedingen/JW-VB-2023")
    shown = soup(page)
    step = shown.select_one("section[aria-labelledby=volgende-stap]")
    assert "De standstill loopt tot en met 23 oktober 2022" in step.get_text(" ", strip=True)
    assert step.select_one("input[name=stap]")["value"] == "definitief"
    rows = _rows(shown, "Beoordeling per inschrijving")
    assert [r[2] for r in rows] == ["ja", "ja", "nee", "nee"]
    assert rows[0][-3] == "€ 118.067,15"  # EMVI: the bid price shown
    assert rows[3][-2] == "Plaats 3, buiten de 2 plaats(en) van perceel VB"
    inside = manager.post("/aanbestedingen/JW-VB-2023/gunning",
                          data={"csrf_token": csrf_of(page), "stap": "definitief", "datum": "2022-10-23"})  # fmt: skip
    assert inside.status_code == 400
    assert _problems(soup(inside)) == [
        "tender JW-VB-2023: the standstill runs until 2022-10-23; finalize after it, not on 2022-10-23"
    ]
    assert "Voorlopig gegund (standstill)" in soup(manager.get("/aanbestedingen")).get_text()
    final = manager.post("/aanbestedingen/JW-VB-2023/gunning",
                         data={"csrf_token": csrf_of(page), "stap": "definitief", "datum": "2022-10-24"})  # fmt: skip
    page_after = soup(final)
    assert _flash(page_after) == "Definitief gegund: raamovereenkomst JW-VB-2023 met 2 contracten."
    contracts = [r[-1] for r in _rows(page_after, "Beoordeling per inschrijving")]
    assert contracts == ["JW-VB-2023-VB-75114940", "JW-VB-2023-VB-75531502", "–", "–"]
    assert {a["href"] for a in page_after.select("section[aria-labelledby=volgende-stap] a")} == {
        "/contracten?jaar=2023", "/verlengkalender",
    }  # fmt: skip
    listed = manager.get("/contracten?jaar=2023").text
    assert "JW-VB-2023-VB-75114940" in listed and "JW-VB-2023-VB-75531502" in listed
    again = manager.post("/aanbestedingen/JW-VB-2023/gunning",
                         data={"csrf_token": csrf_of(page), "stap": "definitief", "datum": "2022-10-25"})  # fmt: skip
    assert again.status_code == 400 and any("already final" in p for p in _problems(soup(again)))


def test_the_provider_sees_the_open_house_and_its_own_outcome(provider: TestClient, own_agb: str) -> None:
    page = soup(provider.get("/aanbieder/aanbestedingen"))
    assert (
        page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")["href"]
        == "/aanbieder/aanbestedingen"
    )
    open_rows = _rows(page, "Aanbestedingen open voor inschrijving")
    assert [r[0] for r in open_rows] == ["Open house jeugd-ggz vrijgevestigden Lekstroom JGGZ-OH-2023"]
    own = next(r for r in _rows(page, "Uw inschrijvingen") if r[0].endswith("WMO2022"))
    assert own[:3] == ["Raamovereenkomst Wmo begeleiding Lekstroom 2022 WMO2022", "IB", "toegelaten"]
    assert own[3].startswith("Plaats ") and own[4] == f"WMO2022-IB-{own_agb}"
    # the SAS tender's page: its own outcome only, no other provider's name, AGB code or reason
    wmo = provider.get("/aanbieder/aanbestedingen/WMO2022")
    text = soup(wmo).get_text(" ", strip=True)
    assert len(_rows(soup(wmo), "Uitkomst van uw inschrijving")) == 1
    for other in ("Lekzorg Thuis", "98335328", "Begeleidingsbureau Doorzetters", "opgegeven 9"):
        assert other not in text, other
    assert not soup(wmo).select("form[action$=inschrijving]")  # closed: no bid form
    # a tender it did not bid on: no outcomes at all
    classic = soup(provider.get("/aanbieder/aanbestedingen/JW-VB-2023")).get_text(" ", strip=True)
    assert "U hebt op deze aanbesteding niet ingeschreven." in classic
    assert "Orthopedagogisch Centrum De Lek" not in classic and "75114940" not in classic


def test_the_provider_registers_on_the_open_house_by_form(
    provider: TestClient, manager: TestClient, own_agb: str
) -> None:
    path = "/aanbieder/aanbestedingen/JGGZ-OH-2023"
    page = provider.get(path)
    form = soup(page).select_one("form[action$=inschrijving]")
    assert all(box.has_attr("checked") for box in form.select("input[name=producten]"))
    served = {box["value"] for box in form.select("input[name=gemeenten][checked]")}
    assert served == {"0321", "0331", "0353", "0356", "1961"}  # the provider's own, checked
    groups = form.select("input[name=doelgroepen]")  # the tender's law's groups; it serves none of them yet
    assert [g["value"] for g in groups] == ["jeugd", "jeugd-ggz", "kmb"] and not any(
        g.has_attr("checked") for g in groups
    )
    assert {r["value"] for r in form.select("input[type=radio][name=eis-E1]")} == {"ja", "nee"}
    # incomplete: an error per field, nothing stored
    wrong = provider.post(f"{path}/inschrijving", data={"csrf_token": csrf_of(page), "perceel": "GGZ",
                                                        "producten": ["54002"], "eis-E2": "veel"})  # fmt: skip
    assert wrong.status_code == 400
    shown = soup(wrong)
    assert {a["href"] for a in shown.select(".utrecht-alert--error a")} == {"#veld-eis-E1", "#veld-eis-E2"}
    assert (
        shown.select_one("#fout-eis-E2").get_text(strip=True)
        == "Vul bij E2 een aantal cliënten in (een heel getal)."
    )
    assert own_agb not in [
        r[1] for r in _rows(soup(manager.get("/aanbestedingen/JGGZ-OH-2023")), "Beoordeling")
    ]
    # complete: stored, in behandeling while the open house runs
    sent = provider.post(f"{path}/inschrijving", data={
        "csrf_token": csrf_of(page), "perceel": "GGZ", "producten": ["54002"], "gemeenten": ["0321", "0356"],
        "doelgroepen": ["jeugd-ggz"], "eis-E1": "ja", "eis-E2": "12"})  # fmt: skip
    assert sent.status_code == 200 and str(sent.url).endswith(path)
    shown = soup(sent)
    assert _flash(shown) == "Uw inschrijving op JGGZ-OH-2023 is ontvangen."
    assert _rows(shown, "Uitkomst van uw inschrijving")[0][:2] == ["GGZ", "in behandeling"]
    listed = _rows(soup(provider.get("/aanbieder/aanbestedingen")), "Uw inschrijvingen")
    assert [
        "Open house jeugd-ggz vrijgevestigden Lekstroom JGGZ-OH-2023",
        "GGZ",
        "in behandeling",
        "–",
        "–",
    ] in listed
    # the contract manager sees it evaluated: it meets every requirement
    rows = {r[1]: r for r in _rows(soup(manager.get("/aanbestedingen/JGGZ-OH-2023")), "Beoordeling")}
    assert rows[own_agb][2] == "ja" and rows[own_agb][-2] == "Voldoet aan elke eis"


def test_a_bid_for_an_unknown_lot_is_one_form_error(provider: TestClient) -> None:
    path = "/aanbieder/aanbestedingen/JGGZ-OH-2023"
    page = provider.get(path)
    wrong = provider.post(f"{path}/inschrijving", data={"csrf_token": csrf_of(page), "perceel": "XX"})
    assert wrong.status_code == 400
    assert (
        soup(wrong).select_one("#fout-perceel").get_text(strip=True)
        == "Kies een perceel van deze aanbesteding."
    )


def test_a_closed_tender_refuses_a_bid_with_the_service_s_line(provider: TestClient) -> None:
    page = provider.get("/aanbieder/aanbestedingen/JW-VB-2023")
    data = {"csrf_token": csrf_of(page), "perceel": "VB", "producten": ["43A01", "44A01"], "prijs-43A01": "300",
            "prijs-44A01": "310,50", "eis-E1": "HKZ", "eis-E2": "ja"}  # fmt: skip
    refused = provider.post("/aanbieder/aanbestedingen/JW-VB-2023/inschrijving", data=data)
    assert refused.status_code == 400
    assert any("takes no more bids" in p for p in _problems(soup(refused)))


@pytest.mark.parametrize(
    "login", ["consulent", "backoffice", "beleidsadviseur", "aanbieder", "privacy", "beheerder"]
)
def test_other_roles_get_403_on_the_contract_manager_s_tender_pages(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    client = browser_for(login)
    for path in ("/aanbestedingen", "/aanbestedingen/WMO2022"):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("login", ["consulent", "contractmanager", "beheerder"])
def test_other_roles_get_403_on_the_provider_portal(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    client = browser_for(login)
    for path in ("/aanbieder/aanbestedingen", "/aanbieder/aanbestedingen/JGGZ-OH-2023"):
        assert client.get(path).status_code == 403, path


def test_an_unknown_tender_is_404(manager: TestClient, provider: TestClient) -> None:
    assert manager.get("/aanbestedingen/GEEN").status_code == 404
    assert provider.get("/aanbieder/aanbestedingen/GEEN").status_code == 404


def test_a_post_without_the_csrf_token_is_403_and_stores_nothing(
    manager: TestClient, provider: TestClient, web_engine: Engine
) -> None:
    before = _codes(web_engine)
    example = (EXAMPLES / "bestuurlijk-wmo-2016.toml").read_bytes()
    assert manager.post("/aanbestedingen", files={"bestand": ("b.toml", example)}).status_code == 403
    assert manager.post("/aanbestedingen/JW-VB-2023/gunning", data={"stap": "definitief", "datum": "2022-10-24"}
                        ).status_code == 403  # fmt: skip
    assert provider.post("/aanbieder/aanbestedingen/JGGZ-OH-2023/inschrijving", data={"perceel": "GGZ"}
                         ).status_code == 403  # fmt: skip
    assert _codes(web_engine) == before


def test_bestuurlijk_tables_covenant_and_online_input(
    manager: TestClient, provider: TestClient, web_engine: Engine, own_agb: str
) -> None:
    def region() -> UnitOfWork:
        return UnitOfWork(web_engine, Scope.region(), actor="tests")

    service.create_tender(region(), (EXAMPLES / "bestuurlijk-wmo-2016.toml").read_text(encoding="utf-8"))
    covenant = (EXAMPLES / "covenant-2016.toml").read_text(encoding="utf-8")
    consultation.set_covenant(region(), "WMO-BA-2016", covenant, date(2016, 7, 1))
    page = soup(manager.get("/aanbestedingen/WMO-BA-2016"))
    # the tender page says where each part stands; the tables, meetings, input and covenant have
    # their own pages
    assert "Voorstel (nog niet vastgelegd), naar het aantal cliënten in 2020" in page.get_text(
        " ", strip=True
    )
    assert "versie 1, geldig vanaf 1 juli 2016" in page.get_text(" ", strip=True)
    seats = _rows(soup(manager.get("/aanbestedingen/WMO-BA-2016/overlegtafels")), "Overlegtafels")
    assert [s[1] for s in seats] == ["Grote aanbieders"] * 3 + ["Middelgrote aanbieders"] * 3 + [
        "Kleine aanbieders"
    ] * 3
    covenant_page = soup(manager.get("/aanbestedingen/WMO-BA-2016/convenant"))
    assert [r[1] for r in _rows(covenant_page, "Versie 1")] == ["toegevoegd"] * 3

    path = "/aanbieder/aanbestedingen/WMO-BA-2016"
    form = provider.get(path)
    empty = provider.post(f"{path}/inbreng", data={"csrf_token": csrf_of(form), "onderwerp": " "})
    assert empty.status_code == 400
    assert {a["href"] for a in soup(empty).select(".utrecht-alert--error a")} == {
        "#veld-onderwerp",
        "#veld-tekst",
    }
    given = provider.post(f"{path}/inbreng", data={"csrf_token": csrf_of(form), "onderwerp": "Tarieven",
                                                   "tekst": "Indexatie volgens OVA graag per 1 januari."})  # fmt: skip
    assert _flash(soup(given)) == "Uw inbreng over 'Tarieven' is ontvangen."
    assert _rows(soup(given), "Uw inbreng")[0][0] == "Tarieven"
    assert "1 bijdrage online" in soup(manager.get("/aanbestedingen/WMO-BA-2016")).get_text(" ", strip=True)
    assert (
        _rows(soup(manager.get("/aanbestedingen/WMO-BA-2016/inbreng")), "Inbreng over Tarieven")[0][1]
        == own_agb
    )
    # once the tables are chosen, a provider seated at one gives its input there, in person
    chosen = consultation.tables(region(), "WMO-BA-2016", 2020, save=True)
    assert own_agb in {seat.provider.agb for seat in chosen.seats}
    refused = provider.post(f"{path}/inbreng", data={"csrf_token": csrf_of(form), "onderwerp": "Tarieven",
                                                     "tekst": "Nog een punt."})  # fmt: skip
    assert refused.status_code == 400
    assert _problems(soup(refused)) == [
        f"provider {own_agb} sits at the groot table: it gives its input there, in person"
    ]
    assert len(_rows(soup(provider.get(path)), "Uw inbreng")) == 1


def test_a_newcomer_sees_what_its_own_bid_adds_after_registering(provider: TestClient, own_agb: str) -> None:
    """The provider is not contracted for youth care: its open-house bid is new to the region,
    and its own page says in Dutch what the bid adds to coverage; no other bidder's data."""
    path = "/aanbieder/aanbestedingen/JGGZ-OH-2023"
    page = provider.get(path)
    sent = provider.post(f"{path}/inschrijving", data={
        "csrf_token": csrf_of(page), "perceel": "GGZ", "producten": ["54002"], "gemeenten": ["0321", "0356"],
        "doelgroepen": ["jeugd-ggz"], "eis-E1": "ja", "eis-E2": "12"})  # fmt: skip
    assert sent.status_code == 200 and str(sent.url).endswith(path)
    shown = soup(sent)
    added = shown.select_one("#toevoeging-GGZ")
    assert added is not None
    # Houten has no admitted jeugd-ggz bid yet; Nieuwegein (0356) has, so the bid adds Houten only
    assert added.get_text(" ", strip=True) == "Uw inschrijving voegt toe: Houten – jeugd-ggz."
    assert len(shown.select("[id^=toevoeging-]")) == 1  # its own bid, one lot
    for other in (agb for agb in BIDS if agb != own_agb):
        assert other not in shown.get_text(" ", strip=True), other
