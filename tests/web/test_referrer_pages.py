# SPDX-License-Identifier: EUPL-1.2
"""The consultant records who referred a young client when allocating a Jeugd decision (COD327,
default the municipality); a Wmo decision asks for no referrer."""

from __future__ import annotations

from sqlalchemy import Engine, select

from tests.web.test_consulent_pages import HOUTEN, open_file
from tests.web_helpers import soup
from zorginkoop.adapters.db import tables as t


def _decision(engine: Engine, law: str) -> tuple[str, str]:
    with engine.connect() as connection:
        bsn, decision = connection.execute(
            select(t.DecisionRow.client_bsn, t.DecisionRow.id)
            .where(t.DecisionRow.municipality_code == HOUTEN, t.DecisionRow.law == law)
            .order_by(t.DecisionRow.id)
            .limit(1)
        ).one()
    return str(bsn), str(decision)


def test_a_jeugd_allocation_form_asks_for_the_referrer_with_the_municipality_first(
    browser_for, web_engine: Engine
) -> None:  # type: ignore[no-untyped-def]
    bsn, decision = _decision(web_engine, "jeugd")
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    answer = consultant.get(f"{path}/beschikkingen/{decision}/toewijzen")
    assert answer.status_code == 200, answer.text
    page = soup(answer)
    label = page.select_one("label[for=veld-verwijzer]")
    assert label is not None and label.get_text(strip=True) == "Verwijzer"
    options = {o["value"]: o.get_text(strip=True) for o in page.select("select[name=verwijzer] option")}
    assert options["01"] == "01 Gemeente" and options["02"] == "02 Huisarts"
    assert options["04"] == "04 Gecertificeerde instelling" and options["05"] == "05 Medisch specialist"
    selected = page.select_one("select[name=verwijzer] option[selected]")
    assert selected is not None and selected["value"] == "01"


def test_a_wmo_allocation_form_has_no_referrer(browser_for, web_engine: Engine) -> None:  # type: ignore[no-untyped-def]
    bsn, decision = _decision(web_engine, "wmo")
    consultant = browser_for("consulent")
    path = open_file(consultant, bsn)
    page = soup(consultant.get(f"{path}/beschikkingen/{decision}/toewijzen"))
    assert page.select_one("select[name=verwijzer]") is None
