# SPDX-License-Identifier: EUPL-1.2
"""The consultant's screens on the demo: find a client, the client file, intake with the
model's explanation, decision, allocation (a 301 waits in the outbox), change and end, signals.
Tenancy (another municipality's client is 404), the processing log, Dutch errors next to the
field, and CSRF on every form."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.processing import pseudonymise
from zorginkoop.services import signals as signal_service
from zorginkoop.settings import Settings
from zorginkoop.web.ui.consulent import BSN_ERROR, NOT_FOUND

HOUTEN, NIEUWEGEIN = "0321", "0356"
Browser = Callable[[str], TestClient]


def adult(engine: Engine, municipality: str, offset: int = 0) -> str:
    with engine.connect() as connection:
        return str(
            connection.scalar(
                select(t.ClientRow.bsn)
                .where(
                    t.ClientRow.municipality_code == municipality, t.ClientRow.birth_date < date(1990, 1, 1)
                )
                .order_by(t.ClientRow.bsn)
                .offset(offset)
                .limit(1)
            )
        )


def log_entries(engine: Engine, bsn: str, actor: str = "consulent") -> list[str]:
    """The operations of the processing-log entries about ``bsn`` by ``actor`` (found by pseudonym)."""
    subject = pseudonymise(bsn, Settings.from_env().pseudonym_key.encode())
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(t.ProcessingLogEntryRow.operation).where(
                    t.ProcessingLogEntryRow.subject_id == subject, t.ProcessingLogEntryRow.actor == actor
                )
            )
        )


def open_file(browser: TestClient, bsn: str) -> str:
    """Search by BSN and return the client file's path (an opaque reference, no BSN)."""
    page = browser.get("/clienten")
    answer = browser.post(
        "/clienten/zoeken", data={"bsn": bsn, "csrf_token": csrf_of(page)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text
    path = answer.headers["location"]
    assert path.startswith("/clienten/") and bsn not in path
    return path


def pending_301s(engine: Engine, number: int) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(t.MessageRow.summary).where(
                    t.MessageRow.message_type == "301",
                    t.MessageRow.status == "pending",
                    t.MessageRow.municipality_code == HOUTEN,
                    t.MessageRow.summary.like(f"%{number}%"),
                )
            )
        )


# -- access -----------------------------------------------------------------------------------------


def test_the_consultant_lands_on_the_client_search_with_its_dutch_menu(browser_for: Browser) -> None:
    consultant = browser_for("consulent")
    home = consultant.get("/")
    assert home.status_code == 200 and home.url.path == "/clienten"
    page = soup(home)
    assert page.find("h1").get_text(strip=True) == "Cliënt zoeken"
    menu = [a.get_text(strip=True) for a in page.select("nav[aria-label=Hoofdmenu] a")]
    assert menu == ["Start", "Cliënten", "Intake", "Signalen", "Signalen over aanbieders"]
    assert page.select_one("nav a[aria-current=page]").get_text(strip=True) == "Cliënten"


@pytest.mark.parametrize("login", ["backoffice", "contractmanager", "beleidsadviseur", "aanbieder", "privacy",
                                   "beheerder"])  # fmt: skip
@pytest.mark.parametrize("path", ["/clienten", "/intake", "/signalen"])
def test_other_roles_get_403_on_the_consultants_pages(browser_for: Browser, login: str, path: str) -> None:
    answer = browser_for(login).get(path)
    assert answer.status_code == 403
    assert "Cliënten" not in [a.get_text(strip=True) for a in soup(answer).select("nav a")]


def test_a_visitor_is_sent_to_the_login(visitor: TestClient) -> None:
    assert visitor.get("/clienten", follow_redirects=False).headers["location"] == "/login?next=/clienten"


# -- find a client and the client file ----------------------------------------------------------------


def test_a_client_found_by_bsn_opens_the_file_and_every_read_is_logged(
    browser_for: Browser, web_engine: Engine
) -> None:
    consultant = browser_for("consulent")
    bsn = adult(web_engine, HOUTEN)
    before = log_entries(web_engine, bsn)
    path = open_file(consultant, bsn)
    assert len(log_entries(web_engine, bsn)) == len(before) + 1  # the search read the client
    file = consultant.get(path)
    assert file.status_code == 200
    page = soup(file)
    assert page.find("h1").get_text(strip=True).startswith("Dossier ")
    assert [h.get_text(strip=True) for h in page.select("main h2")] == [
        "Signalen", "Persoonsgegevens", "Huishouden: één gezin, één plan", "Beschikkingen", "Toewijzingen",
        "Berichten met aanbieders", "Declaraties en betalingen",
    ]  # fmt: skip
    assert bsn in page.select_one("dl.zk-dl dd.zk-code").get_text()
    # the demo's history: an allocation with its status, its 301 pending, its paid lines
    assert "Beëindigd" in file.text and "Wacht in de outbox" in file.text and "Betaald in totaal" in file.text
    operations = log_entries(web_engine, bsn)[len(before) + 1 :]
    assert {"client.get", "client.contact", "allocation.client", "message.client",
            "declaration_line.client"} <= set(operations)  # fmt: skip
    # each view of the file is logged again
    consultant.get(path)
    assert len(log_entries(web_engine, bsn)) == len(before) + 1 + 2 * len(operations)


def test_the_session_cookie_never_shows_a_bsn(browser_for: Browser, web_engine: Engine) -> None:
    """The session cookie is signed, not encrypted: the client files opened in it hold the BSN
    sealed, so neither the cookie's readable payload nor a tampered reference reveals one."""
    consultant = browser_for("consulent")
    bsn = adult(web_engine, HOUTEN)
    path = open_file(consultant, bsn)
    cookie = consultant.cookies.get("zorginkoop_session")
    assert cookie is not None
    payload = cookie.split(".")[0]
    readable = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "dossiers" in readable and bsn not in readable
    assert consultant.get(path).status_code == 200


def test_a_client_of_another_municipality_is_404_like_an_unknown_bsn_and_not_logged(
    browser_for: Browser, web_engine: Engine
) -> None:
    consultant = browser_for("consulent")
    theirs = adult(web_engine, NIEUWEGEIN)
    page = consultant.get("/clienten")
    answer = consultant.post("/clienten/zoeken", data={"bsn": theirs, "csrf_token": csrf_of(page)})
    assert answer.status_code == 404
    assert soup(answer).find(attrs={"role": "status"}).get_text(strip=True) == NOT_FOUND
    assert log_entries(web_engine, theirs) == []
    unknown = consultant.post("/clienten/zoeken", data={"bsn": "999999990", "csrf_token": csrf_of(page)})
    assert unknown.status_code == 404 and NOT_FOUND in unknown.text
    # a file reference from another session opens nothing
    other = browser_for("consulent")
    path = open_file(other, adult(web_engine, HOUTEN, 1))
    assert consultant.get(path).status_code == 404
    assert consultant.get("/clienten/geraden-kenmerk").status_code == 404


def test_a_bsn_failing_the_eleven_test_gets_a_dutch_error_next_to_the_field(browser_for: Browser) -> None:
    consultant = browser_for("consulent")
    page = consultant.get("/clienten")
    for bad in ["123456789", "12345", "abcdefghi", ""]:
        answer = consultant.post("/clienten/zoeken", data={"bsn": bad, "csrf_token": csrf_of(page)})
        assert answer.status_code == 400
        form = soup(answer)
        field = form.find("input", {"name": "bsn"})
        assert field["aria-invalid"] == "true" and field["value"] == bad
        assert form.find(id=field["aria-describedby"].split()[0]).get_text(strip=True) == BSN_ERROR
        assert [a["href"] for a in form.select("[role=alert] a")] == ["#veld-bsn"]


def test_a_search_by_name_and_birth_date_finds_only_the_municipalitys_own_clients(
    browser_for: Browser, web_engine: Engine
) -> None:
    with web_engine.connect() as connection:
        name, born = connection.execute(
            select(t.ClientRow.family_name, t.ClientRow.birth_date)
            .where(t.ClientRow.municipality_code == HOUTEN)
            .order_by(t.ClientRow.bsn)
            .limit(1)
        ).one()
        everywhere = connection.scalar(
            select(func.count()).select_from(t.ClientRow).where(t.ClientRow.family_name == name)
        )
        in_houten = set(
            connection.scalars(
                select(t.ClientRow.bsn).where(
                    t.ClientRow.family_name == name, t.ClientRow.municipality_code == HOUTEN
                )
            )
        )
    assert everywhere > len(in_houten)  # the name occurs elsewhere too
    consultant = browser_for("consulent")
    page = consultant.get("/clienten")
    answer = consultant.post(
        "/clienten/zoeken-op-naam", data={"achternaam": name.lower(), "csrf_token": csrf_of(page)}
    )
    assert answer.status_code == 200
    found = {cell.get_text(strip=True) for cell in soup(answer).select("table td.zk-code")}
    assert found >= in_houten and found <= in_houten | {""}
    # each result opens by a POST of its BSN, never a link carrying it
    assert not [a for a in soup(answer).select("main a") if any(b in a["href"] for b in in_houten)]
    narrowed = consultant.post("/clienten/zoeken-op-naam",
                               data={"achternaam": name, "geboortedatum": born.isoformat(), "csrf_token": csrf_of(page)})  # fmt: skip
    assert 1 <= len(soup(narrowed).select("table tbody tr")) <= len(in_houten)
    empty = consultant.post("/clienten/zoeken-op-naam", data={"achternaam": "", "csrf_token": csrf_of(page)})
    assert empty.status_code == 400
    assert (
        soup(empty).find(id="fout-achternaam").get_text(strip=True)
        == "Vul een achternaam of een geboortedatum in."
    )
    bad_date = consultant.post("/clienten/zoeken-op-naam",
                               data={"achternaam": name, "geboortedatum": "31-02-2020", "csrf_token": csrf_of(page)})  # fmt: skip
    assert bad_date.status_code == 400
    assert "Geboortedatum: vul een datum in" in soup(bad_date).find(id="fout-geboortedatum").get_text()


def test_the_file_shows_the_whole_household_and_the_family_signal(
    browser_for: Browser, web_engine: Engine
) -> None:
    on = date(2020, 6, 1)
    rows = signal_service.family_plans(UnitOfWork(web_engine, Scope.municipality(HOUTEN), actor="tests"), on)
    assert rows, "the demo has households with Jeugd and Wmo care"
    household = rows[0]["household"]
    members = {r["bsn"] for r in rows if r["household"] == household}
    assert len(members) >= 2
    first, *others = sorted(members)
    consultant = browser_for("consulent")
    path = open_file(consultant, first)
    page = soup(consultant.get(f"{path}?peildatum={on.isoformat()}"))
    signals = page.select_one("ul.zk-signals").get_text(" ", strip=True)
    assert "Eén gezin, één plan" in signals
    household_table = page.find(
        "caption", string="Andere leden van het huishouden met hun lopende toewijzingen"
    )
    listed = household_table.find_parent("table").get_text(" ", strip=True)
    assert "Jeugdwet" in listed or "Wmo" in listed
    assert len(household_table.find_parent("table").select("tbody tr")) >= len(others)


def test_the_file_shows_the_18_signal(browser_for: Browser, web_engine: Engine) -> None:
    on = date(2020, 6, 1)
    rows = signal_service.transition_signals(
        UnitOfWork(web_engine, Scope.municipality(HOUTEN), actor="tests"), on
    )
    assert rows, "the demo has youths turning 18 without Wmo support"
    consultant = browser_for("consulent")
    path = open_file(consultant, rows[0]["bsn"])
    page = soup(consultant.get(f"{path}?peildatum={on.isoformat()}"))
    assert "18-/18+:" in page.select_one("ul.zk-signals").get_text()
    bad = consultant.get(f"{path}?peildatum=gisteren")
    assert bad.status_code == 400 and "Peildatum: vul een datum in" in bad.text


def test_the_signals_page_lists_the_municipalitys_signals(browser_for: Browser, web_engine: Engine) -> None:
    consultant = browser_for("consulent")
    answer = consultant.get("/signalen?peildatum=2020-06-01&dagen=60")
    assert answer.status_code == 200
    page = soup(answer)
    assert [h.get_text(strip=True) for h in page.select("main h2")] == [
        "Eén gezin, één plan", "18-/18+", "Evaluatiemomenten binnen 60 dagen"
    ]  # fmt: skip
    assert page.find("caption", string="Huishoudens met toewijzingen onder de Jeugdwet én de Wmo")
    assert consultant.get("/signalen?dagen=veel").status_code == 400


# -- intake, decision, allocation, change ----------------------------------------------------------------


def weigh(consultant: TestClient, path: str, **fields: object) -> object:
    page = consultant.get(f"{path}/intake?model={fields.get('model', 'lekstroom-2022')}")
    data = {"model": "lekstroom-2022", "csrf_token": csrf_of(page), **fields}
    return consultant.post(f"{path}/intake", data=data)


def decision_form(answer: object) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for field in soup(answer).select("form[action$='/beschikking'] input"):  # type: ignore[arg-type]
        data.setdefault(field["name"], []).append(field.get("value", ""))
    return data


def test_intake_decision_and_allocation_leave_a_pending_301_on_the_file(
    browser_for: Browser, web_engine: Engine
) -> None:
    consultant = browser_for("consulent")
    path = open_file(consultant, adult(web_engine, HOUTEN, 4))
    weighed = weigh(consultant, path, areas=["zelfzorg-gezondheid", "regelvermogen-structuur", "sociaal-functioneren"],
                    type="behouden", months="12", start="2022-02-01")  # fmt: skip
    assert weighed.status_code == 200  # type: ignore[attr-defined]
    page = soup(weighed)  # type: ignore[arg-type]
    outcome = page.find("h2", string="Uitkomst van de afweging").find_parent("section")
    assert "02B21" in outcome.get_text()
    steps = [li.get_text(strip=True) for li in outcome.select("ol.zk-explanation li")]
    assert steps[0].startswith("Model Lekstroom resultaatgebieden 2022")
    assert any(s.startswith("Stap 1 resultaatgebieden") for s in steps)
    assert any(s.startswith("Evaluatiemomenten:") for s in steps)
    decided = consultant.post(f"{path}/beschikking", data=decision_form(weighed), follow_redirects=False)
    assert decided.status_code == 303
    allocate_path = decided.headers["location"]
    form = consultant.get(allocate_path)
    page = soup(form)
    assert (
        "Beschikking" in page.find("h1").get_text()
        and "is vastgelegd" in page.find(attrs={"role": "status"}).text
    )
    providers = page.select("input[name=aanbieder]")
    assert providers
    rows = page.select("table tbody tr")
    waits = [int(row.select("td.zk-num")[0].get_text(strip=True)) for row in rows]
    assert waits == sorted(waits)  # shortest waiting time first
    chosen = providers[0]["value"]
    allocated = consultant.post(allocate_path, data={"aanbieder": chosen, "csrf_token": csrf_of(form)},
                                follow_redirects=False)  # fmt: skip
    assert allocated.status_code == 303
    file = consultant.get(allocated.headers["location"])
    page = soup(file)
    notice = page.find(attrs={"role": "status"}).get_text(strip=True)
    assert notice.startswith("Toewijzing ") and "301" in notice
    number = int(notice.split()[1])
    assert pending_301s(web_engine, number)
    messages = page.find("caption", string="Berichten over deze cliënt (iWmo/iJw), oudste eerst").find_parent(
        "table"
    )
    pending = [row.get_text(" ", strip=True) for row in messages.select("tbody tr") if f"ToewijzingNummers {number}"
               in row.get_text(" ", strip=True)]  # fmt: skip
    assert pending and "301 Toewijzing" in pending[-1] and "Wacht in de outbox" in pending[-1]
    # a second allocation while the first runs is refused with a Dutch line and nothing is stored
    again = consultant.get(allocate_path)
    with web_engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(t.AllocationRow))
    refused = consultant.post(allocate_path, data={"aanbieder": chosen, "csrf_token": csrf_of(again)})
    assert refused.status_code == 400
    alert = soup(refused).find(attrs={"role": "alert"}).get_text(" ", strip=True)
    assert (
        alert.startswith("De toewijzing is niet vastgelegd. Beschikking ") and f"toewijzing {number}" in alert
    )
    assert "Technische reden" not in alert  # the rule's Dutch message, not the command line's English
    with web_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(t.AllocationRow)) == before

    # change: end it earlier with reason 05; a new 301 waits
    change_path = f"{path}/toewijzingen/wmo/{number}"
    change_form = consultant.get(change_path)
    reasons = [o["value"] for o in soup(change_form).select("select[name=reden] option")]
    assert "01" not in reasons and {"04", "05", "13", "14"} <= set(reasons)
    ended = consultant.post(change_path, data={"reden": "05", "einddatum": "2022-06-30",
                                               "csrf_token": csrf_of(change_form)}, follow_redirects=False)  # fmt: skip
    assert ended.status_code == 303
    page = soup(consultant.get(ended.headers["location"]))
    assert "is gewijzigd (reden 05" in page.find(attrs={"role": "status"}).get_text()
    assert len(pending_301s(web_engine, number)) >= 2
    assert "05 Herbeoordeling: verkorting toewijzing" in page.get_text()
    # a verkorting to after the current end is refused by the rules, nothing half-stored
    refused = consultant.post(change_path, data={"reden": "05", "einddatum": "2022-12-31",
                                                 "csrf_token": csrf_of(change_form)})  # fmt: skip
    assert refused.status_code == 400
    assert (
        "De wijziging is niet vastgelegd. Bij 05 (verkorting) ligt de nieuwe einddatum vóór de huidige"
        in (soup(refused).find(attrs={"role": "alert"}).get_text(" ", strip=True))
    )
    no_date = consultant.post(change_path, data={"reden": "05", "einddatum": "",
                                                 "csrf_token": csrf_of(change_form)})  # fmt: skip
    assert no_date.status_code == 400
    assert soup(no_date).find(id="fout-einddatum").get_text(strip=True) == "Vul de nieuwe einddatum in."


def test_a_refused_intake_shows_the_models_dutch_reason_next_to_the_field(
    browser_for: Browser, web_engine: Engine
) -> None:
    consultant = browser_for("consulent")
    path = open_file(consultant, adult(web_engine, HOUTEN, 5))
    no_areas = weigh(consultant, path, type="ontwikkelen", months="12")
    assert no_areas.status_code == 400  # type: ignore[attr-defined]
    assert (
        soup(no_areas).find(id="fout-areas").get_text(strip=True).startswith("Geen resultaatgebied opgegeven")
    )  # type: ignore[arg-type]
    months = weigh(consultant, path, areas=["zelfzorg-gezondheid"], type="ontwikkelen", months="twaalf")
    assert months.status_code == 400  # type: ignore[attr-defined]
    assert soup(months).find(id="fout-months").get_text(strip=True).startswith("Vul de duur in")  # type: ignore[arg-type]
    early = weigh(
        consultant, path, areas=["zelfzorg-gezondheid"], type="ontwikkelen", months="12", start="2021-06-01"
    )
    with web_engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(t.DecisionRow))
    refused = consultant.post(f"{path}/beschikking", data=decision_form(early))
    assert refused.status_code == 400
    assert (
        soup(refused)
        .find(id="fout-start")
        .get_text(strip=True)
        .startswith("Model lekstroom-2022 geldt pas vanaf")
    )
    with web_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(t.DecisionRow)) == before


def test_the_intake_without_a_client_explains_and_stores_nothing(
    browser_for: Browser, web_engine: Engine
) -> None:
    consultant = browser_for("consulent")
    page = consultant.get("/intake?model=lekstroom-ozr")
    assert page.status_code == 200 and soup(page).find("input", {"name": "hours"})
    with web_engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(t.DecisionRow))
    answer = consultant.post("/intake", data={"model": "lekstroom-ozr", "product": "OZR1", "hours": "3",
                                              "months": "6", "csrf_token": csrf_of(page)})  # fmt: skip
    assert answer.status_code == 200
    assert "13/3" in soup(answer).select_one("ol.zk-explanation").get_text()
    assert not soup(answer).select("form[action$='/beschikking']")
    with web_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(t.DecisionRow)) == before
    assert consultant.get("/intake?model=bestaat-niet").status_code == 404


def test_a_decision_or_allocation_of_another_client_is_404(browser_for: Browser, web_engine: Engine) -> None:
    with web_engine.connect() as connection:
        theirs = connection.scalar(
            select(t.DecisionRow.id).where(t.DecisionRow.municipality_code == NIEUWEGEIN).limit(1)
        )
        other_houten = connection.execute(
            select(t.AllocationRow.law, t.AllocationRow.number, t.AllocationRow.client_bsn)
            .where(t.AllocationRow.municipality_code == HOUTEN)
            .limit(1)
        ).one()
    consultant = browser_for("consulent")
    bsn = adult(web_engine, HOUTEN, 6)
    assert bsn != other_houten.client_bsn
    path = open_file(consultant, bsn)
    assert consultant.get(f"{path}/beschikkingen/{theirs}/toewijzen").status_code == 404
    assert consultant.get(f"{path}/toewijzingen/{other_houten.law}/{other_houten.number}").status_code == 404
    assert consultant.get(f"{path}/toewijzingen/onzin/1").status_code == 404


def test_every_form_refuses_a_post_without_its_csrf_token(browser_for: Browser, web_engine: Engine) -> None:
    consultant = browser_for("consulent")
    path = open_file(consultant, adult(web_engine, HOUTEN, 7))
    for target, data in [
        ("/clienten/zoeken", {"bsn": adult(web_engine, HOUTEN, 7)}),
        ("/clienten/zoeken-op-naam", {"achternaam": "Dam"}),
        ("/intake", {"model": "lekstroom-2022", "months": "12"}),
        (f"{path}/intake", {"model": "lekstroom-2022", "months": "12"}),
        (f"{path}/beschikking", {"model": "lekstroom-2022", "months": "12", "start": "2022-02-01"}),
        (f"{path}/beschikkingen/B-000000000000/toewijzen", {"aanbieder": "00000000"}),
        (f"{path}/toewijzingen/wmo/1", {"reden": "05", "einddatum": "2022-01-01"}),
    ]:
        answer = consultant.post(target, data=data)
        assert answer.status_code == 403, target
        assert "Het formulier is verlopen" in answer.text
        assert consultant.post(target, data={**data, "csrf_token": "geraden"}).status_code == 403
