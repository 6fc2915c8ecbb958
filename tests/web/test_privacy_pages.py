# SPDX-License-Identifier: EUPL-1.2
"""The privacy officer's screens: the processing log searched by BSN (in a POST body, never a
URL), actor, activity and period, a consultant's read found back, one citizen's export as a
download holding exactly that citizen's entries, the search and the export logged in turn."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import clients

HOUTEN = "0321"
LOG = "/privacy/verwerkingslog"


def _houten_bsns(engine: Engine, count: int) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(
            select(t.ClientRow.bsn).where(t.ClientRow.municipality_code == HOUTEN).order_by(t.ClientRow.bsn)
            .limit(count)
        ))  # fmt: skip


def _consultant_reads(engine: Engine, bsn: str) -> None:
    """The demo consultant opens a client file (as its screens and the API do): a logged read."""
    with UnitOfWork(engine, Scope.municipality(HOUTEN), actor="consulent") as uow:
        assert clients.client_file(uow, bsn) is not None
        uow.commit()


def _entries_of(engine: Engine, bsn: str) -> list[tuple[str, str, str, str]]:
    """(trace id, span id, actor, operation) of every stored entry about ``bsn``."""
    with UnitOfWork(engine, actor="tests") as uow:
        pseudonym = uow.log.pseudonym(bsn)
    with engine.connect() as connection:
        rows = connection.execute(
            select(t.ProcessingLogEntryRow.trace_id, t.ProcessingLogEntryRow.span_id,
                   t.ProcessingLogEntryRow.actor, t.ProcessingLogEntryRow.operation)
            .where(t.ProcessingLogEntryRow.subject_id == pseudonym)
        )  # fmt: skip
        return sorted(tuple(row) for row in rows)  # type: ignore[misc]


def _search(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    form = client.get(LOG)
    data = {"bsn": "", "actor": "", "activity": "", "since": "", "until": ""} | fields
    return client.post(LOG, data=data | {"csrf_token": csrf_of(form)})


def test_the_privacy_officer_lands_on_the_log_search(browser_for: Callable[[str], TestClient]) -> None:
    officer = browser_for("privacy")
    home = officer.get("/")
    assert home.status_code == 200 and str(home.url).endswith(LOG)
    page = soup(home)
    assert page.h1.get_text() == "Verwerkingslog"
    assert [a.get_text() for a in page.select("nav[aria-label=Hoofdmenu] a")] == ["Start", "Verwerkingslog"]
    form = page.find("form", action=LOG)
    assert form["method"] == "post"
    for name in ("bsn", "actor", "activity", "since", "until"):
        assert page.find("label", attrs={"for": f"veld-{name}"}) is not None, name
    assert "decision.wmo" in {o["value"] for o in page.select("#veld-activity option")}


@pytest.mark.parametrize(
    "login", ["consulent", "contractmanager", "backoffice", "beleidsadviseur", "aanbieder", "beheerder"]
)
def test_other_roles_get_403(browser_for: Callable[[str], TestClient], login: str) -> None:
    client = browser_for(login)
    assert client.get(LOG).status_code == 403
    answer = client.post(LOG, data={"bsn": "123456782", "csrf_token": csrf_of(client.get("/start"))})
    assert answer.status_code == 403
    export = client.post(
        LOG + "/export", data={"bsn": "123456782", "csrf_token": csrf_of(client.get("/start"))}
    )
    assert export.status_code == 403


def test_a_visitor_is_sent_to_login(visitor: TestClient) -> None:
    answer = visitor.get(LOG, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")


def test_a_consultants_read_is_found_by_bsn_and_the_search_is_logged(
    browser_for: Callable[[str], TestClient], web_engine: Engine
) -> None:
    bsn = _houten_bsns(web_engine, 1)[0]
    _consultant_reads(web_engine, bsn)
    officer = browser_for("privacy")
    answer = _search(officer, bsn=bsn)
    assert answer.status_code == 200, answer.text
    assert bsn not in str(answer.url)
    page = soup(answer)
    table = page.find("table", class_="zk-log")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == ["Tijd (UTC)", "Bewerking", "Verwerkingsactiviteit, doel en grondslag", "Actor",
                       "Status", "Trace-id"]  # fmt: skip
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
    reads = [row for row in rows if row[3] == "consulent"]
    assert reads, rows
    assert all(row[4] == "Gelukt" for row in reads)
    assert all("(decision" in row[2] and "Doel:" in row[2] and "Grondslag:" in row[2] for row in reads)
    stored = _entries_of(web_engine, bsn)
    assert {row[5] for row in reads} <= {trace for trace, _span, actor, _op in stored if actor == "consulent"}
    # the search by BSN is itself an entry about this citizen, by the privacy officer
    assert ("privacy", "processing_log.search") in {(actor, op) for _t, _s, actor, op in stored}
    # the BSN only in the form fields (never in a link or the log's table)
    assert bsn not in table.get_text()
    assert all(bsn not in (a.get("href") or "") for a in page.find_all("a"))


def test_search_by_actor_activity_and_period(
    browser_for: Callable[[str], TestClient], web_engine: Engine
) -> None:
    bsn = _houten_bsns(web_engine, 2)[1]
    _consultant_reads(web_engine, bsn)
    officer = browser_for("privacy")
    page = soup(_search(officer, actor="consulent"))
    actors = {tr.find_all("td")[3].get_text(strip=True) for tr in page.select("table.zk-log tbody tr")}
    assert actors == {"consulent"}
    nothing = soup(_search(officer, actor="consulent", since="1-1-2000", until="31-12-2000"))
    assert nothing.find("table", class_="zk-log") is None
    assert "Geen verwerkingen gevonden." in nothing.main.get_text()
    assert _search(officer, bsn=bsn).status_code == 200  # an entry of activity "privacy"
    by_activity = soup(_search(officer, activity="privacy"))
    ids = {tr.find_all("td")[2].select_one(".zk-code").get_text(strip=True)
           for tr in by_activity.select("table.zk-log tbody tr")}  # fmt: skip
    assert ids == {"(privacy)"}


def test_the_export_holds_exactly_that_citizens_entries_as_json_and_csv(
    browser_for: Callable[[str], TestClient], web_engine: Engine
) -> None:
    first, other = _houten_bsns(web_engine, 4)[2:4]
    _consultant_reads(web_engine, first)
    _consultant_reads(web_engine, other)
    officer = browser_for("privacy")
    searched = _search(officer, bsn=first)
    export_form = soup(searched).find("form", action=LOG + "/export")
    assert export_form.find("input", {"name": "bsn"})["value"] == first
    before = _entries_of(web_engine, first)
    answer = officer.post(
        LOG + "/export", data={"bsn": first, "formaat": "json", "csrf_token": csrf_of(searched)}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert first not in answer.headers["content-disposition"] and first not in answer.text
    document = json.loads(answer.text)
    with UnitOfWork(web_engine, actor="tests") as uow:
        pseudonym = uow.log.pseudonym(first)
    assert document["subject_id"] == pseudonym and document["count"] == len(document["entries"])
    assert (
        sorted((e["trace_id"], e["span_id"], e["actor"], e["operation"]) for e in document["entries"])
        == before
    )
    assert {e["subject_id"] for e in document["entries"]} == {pseudonym}
    # the export itself is logged for this citizen, and the other citizen's entries are not in it
    after = _entries_of(web_engine, first)
    assert ("privacy", "processing_log.export") in {(a, op) for _t, _s, a, op in after}
    with UnitOfWork(web_engine, actor="tests") as uow:
        assert uow.log.pseudonym(other) not in answer.text
    as_csv = officer.post(
        LOG + "/export", data={"bsn": first, "formaat": "csv", "csrf_token": csrf_of(searched)}
    )
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert sorted((r["trace_id"], r["span_id"], r["actor"], r["operation"]) for r in rows) == after
    assert {"started_at", "operation", "activity", "purpose", "legal_basis", "actor", "status"} <= set(
        rows[0]
    )


@pytest.mark.parametrize(
    ("fields", "name", "says"),
    [
        ({"bsn": "12345"}, "bsn", "Een BSN bestaat uit negen cijfers"),
        ({"bsn": "12345678x"}, "bsn", "Een BSN bestaat uit negen cijfers"),
        ({"activity": "geen-activiteit"}, "activity", "Kies een verwerkingsactiviteit uit de lijst."),
        ({"since": "31-02-2026"}, "since", "Geef een datum als dd-mm-jjjj"),
        ({"since": "2026-03-01", "until": "2026-02-01"}, "until", "De einddatum ligt vóór de begindatum"),
    ],
)
def test_bad_input_is_a_dutch_error_next_to_the_field(
    browser_for: Callable[[str], TestClient], fields: dict[str, str], name: str, says: str
) -> None:
    answer = _search(browser_for("privacy"), **fields)
    assert answer.status_code == 400
    page = soup(answer)
    field = page.find(id=f"veld-{name}")
    assert field["aria-invalid"] == "true"
    assert page.find(id=f"fout-{name}").get_text(strip=True).startswith(says)
    assert page.find("table", class_="zk-log") is None


def test_an_export_needs_a_valid_bsn_and_posts_need_their_csrf_token(
    browser_for: Callable[[str], TestClient],
) -> None:
    officer = browser_for("privacy")
    token = csrf_of(officer.get(LOG))
    bad = officer.post(LOG + "/export", data={"bsn": "abc", "formaat": "json", "csrf_token": token})
    assert bad.status_code == 400 and "negen cijfers" in soup(bad).find(id="fout-bsn").get_text()
    assert officer.post(LOG, data={"bsn": "123456782"}).status_code == 403
    assert officer.post(LOG + "/export", data={"bsn": "123456782", "formaat": "json"}).status_code == 403
