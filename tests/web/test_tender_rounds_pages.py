# SPDX-License-Identifier: EUPL-1.2
"""Contracting after the award on the web, on the demo: the contract manager opens an
additional round for the coverage gap of WMO2022 from its page (refused, one line, without a
gap), the round and its parent link to each other; the open house JGGZ-OH-2023, finalised,
shows a late registration and admits it with its contract, once."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import tenders as service


@pytest.fixture
def manager(browser_for) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("contractmanager")


def _problems(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [li.get_text(" ", strip=True) for li in page.select("#problemen li")]


def _flash(page) -> str:  # type: ignore[no-untyped-def]
    found = page.select_one(".utrecht-alert--ok")
    return found.get_text(" ", strip=True) if found else ""


def test_an_additional_round_is_opened_from_the_tender_page_for_the_gap_only(manager: TestClient) -> None:
    page = manager.get("/aanbestedingen/WMO2022")
    form = soup(page).select_one("section[aria-labelledby=aanvullende-ronde] form")
    assert form is not None and form["action"] == "/aanbestedingen/WMO2022/aanvullende-ronde"
    data = {"csrf_token": csrf_of(page), "opent": "2022-03-01", "sluit": "2022-03-31", "minimum": "1"}
    refused = manager.post("/aanbestedingen/WMO2022/aanvullende-ronde", data=data)
    assert refused.status_code == 400
    assert _problems(soup(refused)) == [
        "tender WMO2022: the admitted bids cover every municipality and target group; "
        "there is no gap for an additional round"
    ]
    bad = manager.post("/aanbestedingen/WMO2022/aanvullende-ronde", data={**data, "sluit": "eind maart"})
    assert bad.status_code == 400 and "laatste dag" in soup(bad).get_text()
    opened = soup(manager.post("/aanbestedingen/WMO2022/aanvullende-ronde", data={**data, "minimum": "13"}))
    assert _flash(opened).startswith("Aanvullende ronde WMO2022-R1 geopend voor 5 gat(en) in de dekking")
    section = opened.select_one("section[aria-labelledby=rondes]")
    assert section.select_one("a")["href"] == "/aanbestedingen/WMO2022"
    assert len(section.select(".zk-gap-cells li")) == 5
    assert all(li.get_text().startswith("1961") for li in section.select(".zk-gap-cells li"))
    parent = soup(manager.get("/aanbestedingen/WMO2022"))
    links = [a["href"] for a in parent.select("section[aria-labelledby=rondes] a")]
    assert links == ["/aanbestedingen/WMO2022-R1"]
    # a round has no round of its own
    assert opened.select_one("section[aria-labelledby=aanvullende-ronde]") is None


LATE = """[[bid]]
lot = "GGZ"
products = ["54002"]
municipalities = ["0321"]
target_groups = ["jeugd-ggz"]
[bid.answers]
E1 = "BIG-register"
E2 = 12
"""


@pytest.fixture
def provider(browser_for) -> TestClient:  # type: ignore[no-untyped-def]
    return browser_for("aanbieder")


def test_the_open_house_admits_a_late_registration_from_its_page_once(
    manager: TestClient, provider: TestClient, web_engine: Engine
) -> None:
    code = "JGGZ-OH-2023"
    uow = lambda: UnitOfWork(web_engine, Scope.region(), actor="tests")  # noqa: E731
    service.award(uow(), code, date(2022, 11, 1))
    service.finalize(uow(), code, date(2022, 11, 1))
    with uow() as u:
        taken = {c.provider_agb for c in u.contracts.contracts() if c.framework_code == code}
        late = next(p.agb_code for p in u.providers.all() if Law.JEUGD in p.laws and p.agb_code not in taken)
    # after its final award the open house is still open for registration in the portal
    portal = soup(provider.get("/aanbieder/aanbestedingen"))
    caption = next(
        t for t in portal.select("table") if t.caption and "open voor inschrijving" in t.caption.get_text()
    )
    assert code in caption.get_text()
    assert soup(provider.get(f"/aanbieder/aanbestedingen/{code}")).select("form[action$=inschrijving]")
    service.submit_bid(uow(), code, late, LATE, on=date(2023, 3, 1))
    page = manager.get(f"/aanbestedingen/{code}")
    section = soup(page).select_one("section[aria-labelledby=toelating]")
    assert [o["value"] for o in section.select("select[name=agb] option")] == [late]
    data = {"csrf_token": csrf_of(page), "agb": late, "datum": "2023-03-06"}
    done = soup(manager.post(f"/aanbestedingen/{code}/toelating", data=data))
    assert _flash(done) == f"Aanbieder {late} toegelaten op 06-03-2023: contract {code}-GGZ-{late}."
    assert "Toegelaten op 06-03-2023" in done.get_text()
    assert "Geen nieuwe inschrijvingen" in done.select_one("section[aria-labelledby=toelating]").get_text()
    again = manager.post(f"/aanbestedingen/{code}/toelating", data=data)
    assert again.status_code == 400
    assert any("a bid is admitted once" in p for p in _problems(soup(again)))
    with uow() as u:
        assert sum(1 for c in u.contracts.contracts(late) if c.framework_code == code) == 1
