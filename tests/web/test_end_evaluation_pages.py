# SPDX-License-Identifier: EUPL-1.2
"""The end evaluation on the consultant's client file: shown per allocation, recorded for an
ended one (goals reached, partly, not) with CSRF, Dutch errors next to the field, logged as a
processing of the client's data; another client's or municipality's allocation is 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.web.test_consulent_pages import HOUTEN, NIEUWEGEIN, log_entries, open_file
from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db import tables as t

Browser = Callable[[str], TestClient]


def ended_without_evaluation(engine: Engine, municipality: str) -> tuple[str, str, int]:
    """(BSN, law, number) of an ended allocation nobody evaluated yet."""
    a = t.AllocationRow
    with engine.connect() as connection:
        row = connection.execute(
            select(a.client_bsn, a.law, a.number)
            .where(
                a.municipality_code == municipality, a.valid_to < date(2020, 1, 1), a.goals_reached.is_(None)
            )
            .order_by(a.number)
            .limit(1)
        ).one()
    return str(row[0]), str(row[1]), int(row[2])


def goals_of(engine: Engine, municipality: str, law: str, number: int) -> str | None:
    a = t.AllocationRow
    with engine.connect() as connection:
        return connection.scalar(
            select(a.goals_reached).where(
                a.municipality_code == municipality, a.law == law, a.number == number
            )
        )


def test_the_consultant_records_the_end_evaluation_of_an_ended_allocation(
    browser_for: Browser, web_engine: Engine
) -> None:
    bsn, law, number = ended_without_evaluation(web_engine, HOUTEN)
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    page = consultant.get(path)
    html = soup(page)
    assert "nog niet vastgelegd" in html.get_text()
    options = [o["value"] for o in html.select("select[name=toewijzing] option")]
    assert f"{law}/{number}" in options
    assert [o["value"] for o in html.select("select[name=doelen] option")] == ["", "reached", "partly", "not"]
    assert html.find("label", attrs={"for": "veld-doelen"}).get_text(strip=True).startswith("Doelen bereikt")

    answer = consultant.post(
        f"{path}/eindevaluatie",
        data={"toewijzing": f"{law}/{number}", "doelen": "partly", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert goals_of(web_engine, HOUTEN, law, number) == "partly"
    shown = soup(consultant.get(path))
    assert (
        f"Eindevaluatie van toewijzing {number} vastgelegd" in shown.find(attrs={"role": "status"}).get_text()
    )
    assert "Doelen deels bereikt" in shown.get_text()
    assert "allocation.end_evaluation" in log_entries(web_engine, bsn)

    # recording again replaces the answer
    again = consultant.post(
        f"{path}/eindevaluatie",
        data={"toewijzing": f"{law}/{number}", "doelen": "reached", "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert goals_of(web_engine, HOUTEN, law, number) == "reached"


def test_a_missing_choice_gets_a_dutch_error_next_to_the_field_and_nothing_is_stored(
    browser_for: Browser, web_engine: Engine
) -> None:
    bsn, law, number = ended_without_evaluation(web_engine, HOUTEN)
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    page = consultant.get(path)
    answer = consultant.post(
        f"{path}/eindevaluatie",
        data={"toewijzing": f"{law}/{number}", "doelen": "maybe", "csrf_token": csrf_of(page)},
    )
    assert answer.status_code == 400
    html = soup(answer)
    assert html.select_one("#fout-doelen").get_text(strip=True).startswith("Kies of de doelen bereikt zijn")
    assert html.select_one("#veld-doelen")["aria-describedby"] == "fout-doelen"
    assert goals_of(web_engine, HOUTEN, law, number) is None


def test_another_clients_or_municipalitys_allocation_is_404_and_a_form_without_csrf_refused(
    browser_for: Browser, web_engine: Engine
) -> None:
    bsn, law, number = ended_without_evaluation(web_engine, HOUTEN)
    _theirs, their_law, their_number = ended_without_evaluation(web_engine, NIEUWEGEIN)
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    page = consultant.get(path)
    # a Houten number that is not this client's, and Nieuwegein's own numbering: not found here
    a = t.AllocationRow
    with web_engine.connect() as connection:
        others = connection.scalar(
            select(a.number)
            .where(a.municipality_code == HOUTEN, a.client_bsn != bsn, a.valid_to < date(2020, 1, 1))
            .order_by(a.number)
            .limit(1)
        )
    for choice in (f"{law}/{others}", f"{their_law}/{their_number}"):
        answer = consultant.post(
            f"{path}/eindevaluatie", data={"toewijzing": choice, "doelen": "not", "csrf_token": csrf_of(page)}
        )
        assert answer.status_code == 404, choice
    assert goals_of(web_engine, NIEUWEGEIN, their_law, their_number) is None
    refused = consultant.post(
        f"{path}/eindevaluatie", data={"toewijzing": f"{law}/{number}", "doelen": "not"}
    )
    assert refused.status_code in (400, 403)
    assert goals_of(web_engine, HOUTEN, law, number) is None
