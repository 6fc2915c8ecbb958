# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden on the web, on the demo with the example tender WMO-BA-2016: the
contract manager changes and saves the consultation tables, records a meeting, reads the online
input per topic and records a new version of the covenant, seeing what changed per article and
from when. A wrong field is one Dutch line next to it and stores nothing. Other roles get 403,
a POST without the CSRF token 403, a tender of another procedure 404.

The tests share the module's store and run in file order: the tender is created once, tables
are saved before the meeting needs them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.procurement.consultation import Agreement, ProviderSize, Seat, TableSize, swap_seat
from zorginkoop.services import consultation
from zorginkoop.services import tenders as service
from zorginkoop.web.ui.consultation import agreements_from_form, seat_swaps, word_diff

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "tenders"
CODE = "WMO-BA-2016"
BASE = f"/aanbestedingen/{CODE}"


def _region(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine, Scope.region(), actor="tests")


@pytest.fixture(scope="module", autouse=True)
def bestuurlijk_tender(web_engine: Engine) -> None:
    service.create_tender(
        _region(web_engine), (EXAMPLES / "bestuurlijk-wmo-2016.toml").read_text(encoding="utf-8")
    )
    covenant = (EXAMPLES / "covenant-2016.toml").read_text(encoding="utf-8")
    consultation.set_covenant(_region(web_engine), CODE, covenant, date(2016, 7, 1))


@pytest.fixture
def manager(browser_for) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("contractmanager")


def _rows(page, caption: str) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = next(t for t in page.select("table") if t.caption.get_text(" ", strip=True).startswith(caption))
    return [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")
    ]


def _flash(page) -> str:  # type: ignore[no-untyped-def]
    found = page.select_one(".utrecht-alert--ok")
    return found.get_text(" ", strip=True) if found else ""


def _field_errors(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p["id"].removeprefix("fout-"): p.get_text(" ", strip=True) for p in page.select(".zk-error-text")}


def test_the_tender_page_links_the_four_pages_of_bestuurlijk_aanbesteden(manager: TestClient) -> None:
    page = soup(manager.get(BASE))
    links = page.select("nav[aria-label='Bestuurlijk aanbesteden'] a")
    assert [(a.get_text(strip=True), a["href"]) for a in links] == [
        ("Overlegtafels", f"{BASE}/overlegtafels"), ("Overleggen", f"{BASE}/overleggen"),
        ("Inbreng", f"{BASE}/inbreng"), ("Convenant", f"{BASE}/convenant"),
    ]  # fmt: skip
    for a in links:
        answer = manager.get(a["href"])
        assert answer.status_code == 200, a["href"]
        sub = soup(answer)
        assert (
            sub.select_one("nav[aria-label='Bestuurlijk aanbesteden'] a[aria-current=page]")["href"]
            == a["href"]
        )
        assert sub.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")["href"] == "/aanbestedingen"


def test_the_tables_are_proposed_changed_and_saved_with_the_cli_s_service(
    manager: TestClient, web_engine: Engine
) -> None:
    page = soup(manager.get(f"{BASE}/overlegtafels"))
    assert page.h2 is not None and "Voorstel, nog niet vastgelegd (cliënten in 2020)" in page.get_text(
        " ", strip=True
    )
    seats = _rows(page, "Overlegtafels naar cliënten in 2020")
    assert [s[1] for s in seats] == ["Grote aanbieders"] * 3 + ["Middelgrote aanbieders"] * 3 + [
        "Kleine aanbieders"
    ] * 3
    proposal = consultation.tables(_region(web_engine), CODE, 2020)
    assert [s[3] for s in seats] == [s.provider.agb for s in proposal.seats]
    # the proposal of another year: the year's choice in the filter
    other = soup(manager.get(f"{BASE}/overlegtafels?jaar=2019"))
    assert other.select_one("#veld-jaar option[selected]")["value"] == "2019"
    beyond = manager.get(f"{BASE}/overlegtafels?jaar=99999999")  # a year without figures: the latest one
    assert (
        beyond.status_code == 200
        and soup(beyond).select_one("#veld-jaar option[selected]")["value"] == "2020"
    )

    seated = {s.provider.agb for s in proposal.seats}
    options = [o["value"] for o in page.select("#veld-zetel-9 option")]
    newcomer = next(agb for agb in options if agb not in seated)
    form = {"csrf_token": csrf_of(manager.get(f"{BASE}/overlegtafels")), "jaar": "2020"}
    form |= {f"zetel-{i}": s.provider.agb for i, s in enumerate(proposal.seats, start=1)}

    # a provider outside the tender, and one seat given twice: a line per field, nothing stored
    wrong = form | {"zetel-2": "12345678", "zetel-9": proposal.seats[0].provider.agb}
    refused = manager.post(f"{BASE}/overlegtafels", data=wrong)
    assert refused.status_code == 400
    errors = _field_errors(soup(refused))
    assert errors == {
        "zetel-2": "Aanbieder 12345678 hoort niet bij deze aanbesteding (grote tafel, zetel 2): kies een aanbieder uit de lijst.",
        "zetel-9": f"{proposal.seats[0].provider.name} heeft al zetel 1: kies voor zetel 9 een andere aanbieder.",
    }
    assert soup(refused).select_one("#veld-zetel-2")["aria-invalid"] == "true"
    bad_year = manager.post(f"{BASE}/overlegtafels", data=form | {"jaar": "1999"})
    assert (
        bad_year.status_code == 400 and "Kies een jaar met cijfers" in _field_errors(soup(bad_year))["jaar"]
    )
    large, medium = proposal.seats[0].provider, proposal.seats[3].provider
    exchange = manager.post(
        f"{BASE}/overlegtafels", data=form | {"zetel-1": medium.agb, "zetel-4": large.agb}
    )
    assert exchange.status_code == 400
    assert _field_errors(soup(exchange))["zetel-1"] == (
        f"{medium.name} zit in het voorstel al aan een andere tafel en ruilen tussen tafels kan niet: "
        "kies voor zetel 1 een aanbieder zonder zetel in het voorstel."
    )
    assert not consultation.tables(_region(web_engine), CODE).stored

    saved = manager.post(f"{BASE}/overlegtafels", data=form | {"zetel-9": newcomer})
    page = soup(saved)
    assert _flash(page) == (
        "De overlegtafels zijn vastgelegd: 9 aanbieders naar cliënten in 2020, 1 zetel anders dan voorgesteld."
    )
    stored = consultation.tables(_region(web_engine), CODE)  # as `zorginkoop tenders tables` shows them
    assert stored.stored and stored.year == 2020
    (mine,) = [s for s in stored.seats if s.chosen_by_user]
    assert mine.provider.agb == newcomer and mine.table.value == "klein"
    assert set(stored.seats) - {mine} == set(proposal.seats[:8])
    assert "Vastgelegde tafels (cliënten in 2020)" in page.get_text(" ", strip=True)
    assert newcomer in [r[3] for r in _rows(page, "Overlegtafels")[6:]]

    # saved again as shown (the saved seats come most clients first per table): nothing changes
    shown = {
        s["name"]: s.select_one("option[selected]")["value"] for s in page.select("select[name^=zetel-]")
    }
    again = manager.post(
        f"{BASE}/overlegtafels", data={"csrf_token": form["csrf_token"], "jaar": "2020", **shown}
    )
    assert "1 zetel anders dan voorgesteld" in _flash(soup(again))
    assert set(consultation.tables(_region(web_engine), CODE).seats) == set(stored.seats)


def test_a_meeting_is_recorded_and_a_wrong_form_stores_nothing(
    manager: TestClient, web_engine: Engine
) -> None:
    if not consultation.tables(_region(web_engine), CODE).stored:
        # a meeting needs chosen tables; under xdist the test that saves them may run elsewhere
        consultation.tables(_region(web_engine), CODE, 2020, save=True)
    path = f"{BASE}/overleggen"
    token = csrf_of(manager.get(path))
    wrong = manager.post(
        path, data={"csrf_token": token, "tafel": "reus", "datum": "15-09-2016", "agenda": " "}
    )
    assert wrong.status_code == 400
    assert _field_errors(soup(wrong)) == {
        "tafel": "Kies de tafel: groot, middelgroot of klein.",
        "datum": "Vul de datum van het overleg in als jaar-maand-dag, bijvoorbeeld 2016-09-15.",
        "agenda": "Vul de agenda van het overleg in.",
    }
    assert {a["href"] for a in soup(wrong).select(".utrecht-alert--error a")} == {
        "#veld-tafel", "#veld-datum", "#veld-agenda",
    }  # fmt: skip
    assert consultation.meetings(_region(web_engine), CODE) == []

    done = manager.post(path, data={"csrf_token": token, "tafel": "middelgroot", "datum": "2016-09-15",
                                    "agenda": "Indexatie 2017\nManagementinformatie", "verslag": "Akkoord op OVA."})  # fmt: skip
    page = soup(done)
    assert _flash(page) == "Het overleg van de middelgrote tafel op 15-09-2016 is vastgelegd."
    assert _rows(page, "Overleggen met agenda en verslag (1)") == [
        [
            "15 september 2016",
            "Middelgrote aanbieders",
            "Indexatie 2017\nManagementinformatie",
            "Akkoord op OVA.",
        ]
    ]
    (meeting,) = consultation.meetings(_region(web_engine), CODE)
    assert meeting.table.value == "middelgroot" and meeting.minutes == "Akkoord op OVA."


def test_the_online_input_is_shown_per_topic_with_the_provider(
    manager: TestClient, web_engine: Engine
) -> None:
    seated = {s.provider.agb for s in consultation.tables(_region(web_engine), CODE).seats}
    others = [p for p in consultation.candidates(_region(web_engine), CODE, 2020) if p.agb not in seated][:2]
    for p, topic, text in ((others[0], "Tarieven", "Indexatie per 1 januari."),
                           (others[1], "Tarieven", "Een opslag voor reistijd."),
                           (others[1], "Administratie", "Minder verantwoording graag.")):  # fmt: skip
        consultation.give_input(_region(web_engine), CODE, p.agb, topic=topic, text=text)
    page = soup(manager.get(f"{BASE}/inbreng"))
    assert "3 bijdragen van 2 aanbieders over 2 onderwerpen" in page.get_text(" ", strip=True)
    assert [h.get_text(strip=True) for h in page.select("main h2")] == ["Administratie", "Tarieven"]
    tarieven = _rows(page, "Inbreng over Tarieven (2)")
    assert [(r[0], r[1], r[3]) for r in tarieven] == [
        (others[0].name, others[0].agb, "Indexatie per 1 januari."),
        (others[1].name, others[1].agb, "Een opslag voor reistijd."),
    ]
    only = soup(manager.get(f"{BASE}/inbreng?onderwerp=Administratie"))
    assert [h.get_text(strip=True) for h in only.select("main h2")] == ["Administratie"]


def test_a_new_covenant_version_shows_what_changed_per_article_and_from_when(
    manager: TestClient, web_engine: Engine
) -> None:
    path = f"{BASE}/convenant"
    page = soup(manager.get(path))
    assert [r[0] for r in _rows(page, "Afspraken van versie 1")] == ["1", "2", "3"]
    assert page.select_one("#veld-tekst-2").get_text() == (
        "Eén tarief per product voor alle aanbieders; jaarlijkse indexatie volgens OVA."
    )
    token = csrf_of(manager.get(path))
    unchanged = {"csrf_token": token, "vanaf": "2017-01-01",
                 "tekst-1": "Partijen werken samen aan zelfredzaamheid van inwoners; de inwoner staat centraal.",
                 "tekst-2": "Eén tarief per product voor alle aanbieders; jaarlijkse indexatie volgens OVA.",
                 "tekst-3": "Aanbieders leveren twee keer per jaar managementinformatie aan over instroom en uitstroom."}  # fmt: skip
    same = manager.post(path, data=unchanged)
    assert same.status_code == 400
    assert _field_errors(soup(same)) == {
        "tekst-1": "Er is niets gewijzigd ten opzichte van versie 1: wijzig, schrap of voeg een artikel toe."
    }
    early = manager.post(path, data=unchanged | {"vanaf": "2016-07-01", "tekst-2": " ", "nieuw-artikel": "1"})
    assert _field_errors(soup(early)) == {
        "vanaf": "Versie 1 geldt vanaf 01-07-2016: een nieuwe versie geldt vanaf een latere datum.",
        "tekst-2": "Vul de tekst van artikel 2 in, of kies 'Artikel 2 schrappen'.",
        "nieuw-tekst": "Vul de tekst van het nieuwe artikel 1 in.",
    }
    assert len(consultation.covenant_history(_region(web_engine), CODE)) == 1

    changed = unchanged | {"tekst-2": "Eén tarief per product voor alle aanbieders; indexatie per 1 januari volgens OVA.",
                           "schrappen-3": "1", "nieuw-artikel": "4", "nieuw-tekst": "Wachttijden worden maandelijks gemeld."}  # fmt: skip
    done = soup(manager.post(path, data=changed))
    assert (
        _flash(done) == "Versie 2 van het convenant is vastgelegd en geldt vanaf 01-01-2017: 3 wijzigingen."
    )
    rows = _rows(done, "Versie 2, geldig vanaf 1 januari 2017: 3 wijzigingen")
    assert [r[:2] for r in rows] == [["2", "gewijzigd"], ["4", "toegevoegd"], ["3", "geschrapt"]]
    diff = done.select_one("table .zk-diff")
    assert [d.get_text(" ", strip=True) for d in diff.select("del")] == ["[geschrapt: jaarlijkse ]"]
    assert [i.get_text(" ", strip=True) for i in diff.select("ins")] == ["[toegevoegd: per 1 januari ]"]
    steps = consultation.covenant_history(_region(web_engine), CODE)  # as `tenders covenant-history` shows
    assert [s.version.number for s in steps] == [1, 2]
    assert [(c.article, c.kind.value) for c in steps[1].changes] == [
        ("2", "changed"),
        ("4", "added"),
        ("3", "removed"),
    ]


def test_word_diff_marks_only_the_changed_words() -> None:
    assert word_diff("a b c d", "a x c d e") == [("same", "a"), ("removed", "b"), ("added", "x"), ("same", "c d"),
                                                 ("added", "e")]  # fmt: skip
    assert word_diff(None, "nieuw artikel") == [("added", "nieuw artikel")]
    assert word_diff("weg", None) == [("removed", "weg")]


def test_a_covenant_form_that_strikes_every_article_is_refused() -> None:
    found, errors = agreements_from_form((Agreement("1", "x"),), {"schrappen-1": "1"})
    assert found == [] and errors == {
        "nieuw-artikel": "Een convenant houdt ten minste één afspraak: schrap niet elk artikel."
    }
    found, errors = agreements_from_form(
        (Agreement("1", "x"),), {"tekst-1": "x", "nieuw-artikel": "1", "nieuw-tekst": "y"}
    )
    assert errors == {
        "nieuw-artikel": "Artikel 1 bestaat al: wijzig het hierboven, of kies een ander nummer."
    }


@pytest.mark.parametrize("login", ["aanbieder", "consulent", "backoffice", "beleidsadviseur", "beheerder"])
def test_other_roles_get_403_on_the_consultation_pages(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    client = browser_for(login)
    for page in ("overlegtafels", "overleggen", "inbreng", "convenant"):
        assert client.get(f"{BASE}/{page}").status_code == 403, page
    assert client.post(f"{BASE}/overleggen", data={"tafel": "groot"}).status_code == 403


def test_a_visitor_is_sent_to_the_login(visitor: TestClient) -> None:
    answer = visitor.get(f"{BASE}/convenant", follow_redirects=False)
    assert answer.status_code in {302, 303, 307} and "/login" in answer.headers["location"]


def test_a_post_without_the_csrf_token_is_403_and_stores_nothing(
    manager: TestClient, web_engine: Engine
) -> None:
    before = consultation.meetings(_region(web_engine), CODE)
    versions = len(consultation.covenant_history(_region(web_engine), CODE))
    answer = manager.post(f"{BASE}/overleggen", data={"tafel": "groot", "datum": "2016-10-01", "agenda": "x"})
    assert answer.status_code == 403
    assert manager.post(f"{BASE}/convenant", data={"vanaf": "2018-01-01", "nieuw-artikel": "9",
                                                   "nieuw-tekst": "x"}).status_code == 403  # fmt: skip
    assert manager.post(f"{BASE}/overlegtafels", data={"jaar": "2019"}).status_code == 403
    assert consultation.meetings(_region(web_engine), CODE) == before
    # no version added (the earlier test's second version, when it ran in this worker, stays)
    assert len(consultation.covenant_history(_region(web_engine), CODE)) == versions


def test_another_procedure_has_no_consultation_pages(manager: TestClient) -> None:
    assert manager.get("/aanbestedingen/WMO2022/overlegtafels").status_code == 404
    assert manager.get("/aanbestedingen/GEEN/convenant").status_code == 404


_PROPOSED = tuple(
    Seat(table, ProviderSize(f"9800000{i}", f"P{i}", 100 - i), "proposed")
    for i, table in enumerate([TableSize.LARGE] * 3 + [TableSize.MEDIUM] * 3 + [TableSize.SMALL] * 3)
)
_POOL = [s.provider.agb for s in _PROPOSED] + [f"9810000{i}" for i in range(6)]


@given(st.permutations(_POOL))
def test_the_seat_swaps_give_every_table_the_chosen_providers_or_name_the_exchange(order: list[str]) -> None:
    chosen = {agb: number for number, agb in enumerate(order[:9], start=1)}
    swaps, stuck = seat_swaps(_PROPOSED, chosen)
    if stuck:  # only providers proposed at one table and chosen at another can block each other
        proposed_at = {s.provider.agb: s.table for s in _PROPOSED}
        assert all(
            agb in proposed_at and proposed_at[agb] is not _PROPOSED[chosen[agb] - 1].table for agb in stuck
        )
        return
    seats = _PROPOSED
    for out, new in swaps:  # as the service applies them
        seats = swap_seat(seats, out, ProviderSize(new, new, 0), "tests")
    for table in TableSize:
        wanted = {agb for agb, n in chosen.items() if _PROPOSED[n - 1].table is table}
        assert {s.provider.agb for s in seats if s.table is table} == wanted
