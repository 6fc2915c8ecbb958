# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's writing screens on (a copy of) the demo: add a tariff, create a
contract, record an extension decision, end a contract, set a ceiling. Dutch errors next to
their field (400) and nothing stored; a post without its CSRF token is refused; other roles 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from tests.web_helpers import csrf_of, soup
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.contracts import FrameworkSpec, LotSpec, ProcurementProcedure
from zorginkoop.domain.money import Money
from zorginkoop.services import contracts as service

Browser = Callable[[str], TestClient]
FORMS = ["tarief", "contract", "verlengen", "beeindigen", "plafond"]


def _snapshot(engine: Engine) -> tuple[object, ...]:
    with UnitOfWork(engine) as uow:
        return (
            uow.contracts.frameworks(), uow.contracts.contracts(), uow.catalogue.tariffs(),
            uow.contracts.collective_ceilings(), uow.contracts.extension_decisions(),
            [uow.catalogue.provider_tariffs(law, p.agb_code) for p in uow.providers.all() for law in Law],
        )  # fmt: skip


def _post(client: TestClient, form: str, data: dict[str, str]) -> Response:
    page = client.get(f"/contractbeheer/{form}")
    return client.post(
        f"/contractbeheer/{form}", data={**data, "csrf_token": csrf_of(page)}, follow_redirects=False
    )


def _errors(answer: Response) -> dict[str, str]:
    page = soup(answer)
    return {p["id"].removeprefix("fout-"): p.get_text(strip=True) for p in page.select("p.zk-error-text")}


def _a_provider(engine: Engine) -> str:
    with UnitOfWork(engine) as uow:
        return next(p.agb_code for p in uow.providers.all() if Law.WMO in p.laws)


def test_the_hub_and_every_form_are_for_the_contract_manager(browser_for: Browser) -> None:
    client = browser_for("contractmanager")
    hub = soup(client.get("/contractbeheer"))
    assert hub.h1 is not None and hub.h1.get_text(strip=True) == "Contractbeheer"
    assert [a["href"] for a in hub.select("main ul a")] == [f"/contractbeheer/{f}" for f in FORMS]
    for form in FORMS:
        answer = client.get(f"/contractbeheer/{form}")
        page = soup(answer)
        assert answer.status_code == 200 and len(page.find_all("h1")) == 1
        for control in page.select("form input:not([type=hidden]), form select"):
            assert page.find("label", attrs={"for": control["id"]}) is not None  # every field labelled
    other = browser_for("consulent")
    assert other.get("/contractbeheer/tarief").status_code == 403


def test_a_bid_price_is_added_and_an_overlap_or_a_negative_amount_is_refused_per_field(
    browser_for: Browser, web_engine: Engine
) -> None:
    client = browser_for("contractmanager")
    agb = _a_provider(web_engine)
    data = {"wet": "wmo", "product": "OZR1", "bedrag": "48,75", "vanaf": "2030-01-01", "tot": "2030-12-31",
            "aanbieder": agb}  # fmt: skip
    answer = _post(client, "tarief", data)
    assert answer.status_code == 303 and answer.headers["location"] == "/contractbeheer"
    assert "€ 48,75" in soup(client.get("/contractbeheer")).get_text()
    with UnitOfWork(web_engine) as uow:
        own = uow.catalogue.provider_tariffs(Law.WMO, agb)
    assert [(t.product_code, t.amount) for t in own if t.valid.start == date(2030, 1, 1)] == [
        ("OZR1", Money(4875))
    ]
    before = _snapshot(web_engine)
    overlap = _post(client, "tarief", {**data, "vanaf": "2030-06-01", "tot": ""})
    assert overlap.status_code == 400
    assert "overlapt" in _errors(overlap)["vanaf"]
    wrong = _post(client, "tarief", {**data, "bedrag": "-3", "product": "NOPE", "vanaf": "morgen"})
    assert _errors(wrong) == {
        "product": "Deze productcode staat niet in de catalogus van deze wet.",
        "bedrag": "Een bedrag kan niet negatief zijn.",
        "vanaf": _errors(wrong)["vanaf"],
    }
    assert _snapshot(web_engine) == before


def test_a_contract_is_created_extended_and_ended_and_the_calendar_shows_the_decision(
    browser_for: Browser, web_engine: Engine
) -> None:
    service.create_framework(
        UnitOfWork(web_engine),
        FrameworkSpec("WEB2030", "Webtest 2030", ProcurementProcedure.SAS, date(2030, 1, 1), 2,
                      (LotSpec("A", "Begeleiding", Law.WMO, ("OZR1",)),), (1,)),
    )  # fmt: skip
    client = browser_for("contractmanager")
    agb = _a_provider(web_engine)
    before = _snapshot(web_engine)
    outside = _post(client, "contract", {"aanbieder": agb, "perceel": "WEB2030|A", "tot": "2033-01-01"})
    assert outside.status_code == 400 and "langer dan de raamovereenkomst" in _errors(outside)["tot"]
    assert _snapshot(web_engine) == before
    created = _post(client, "contract", {"aanbieder": agb, "perceel": "WEB2030|A", "plafond": "100.000"})
    assert created.status_code == 303
    number = f"WEB2030-A-{agb}"
    assert f"Contract {number} opgeslagen." in soup(client.get("/contractbeheer")).get_text()

    extended = _post(client, "verlengen", {"contract": number, "besluit": "verlengen", "datum": "2031-05-01"})
    assert extended.status_code == 303
    calendar = soup(client.get("/verlengkalender?op=2031-05-02")).find(
        "section", attrs={"aria-labelledby": "fw-WEB2030"}
    )
    assert calendar is not None and "1 verlengd, 0 niet verlengd" in calendar.get_text(" ", strip=True)
    past = _post(client, "verlengen", {"contract": number, "besluit": "verlengen", "datum": "2032-05-01"})
    assert "laatste verlengingsoptie" in _errors(past)["contract"]

    ended = _post(client, "beeindigen", {"contract": number, "datum": "2031-09-30", "reden": "faillissement"})
    assert ended.status_code == 303
    before = _snapshot(web_engine)
    again = _post(client, "beeindigen", {"contract": number, "datum": "2031-10-31", "reden": "nogmaals"})
    assert again.status_code == 400 and _errors(again) == {"contract": "Dit contract is al beëindigd."}
    no_reason = _post(client, "beeindigen", {"contract": number, "datum": "2031-10-31", "reden": " "})
    assert _errors(no_reason) == {"reden": "Vul de reden in."}
    assert _snapshot(web_engine) == before

    ceiling = _post(client, "plafond", {"doel": number, "jaar": "2031", "bedrag": "120.000,00"})
    assert ceiling.status_code == 303
    with UnitOfWork(web_engine) as uow:
        contract = uow.contracts.contract(number)
    assert contract is not None and contract.ceiling == Money.euros(120_000)
    assert contract.valid.end == date(2031, 9, 30)
    before = _snapshot(web_engine)
    bad = _post(client, "plafond", {"doel": number, "jaar": "2040", "bedrag": "-1"})
    assert _errors(bad) == {"bedrag": "Een bedrag kan niet negatief zijn."}
    outside_year = _post(client, "plafond", {"doel": number, "jaar": "2040", "bedrag": "1"})
    assert _errors(outside_year) == {"jaar": "Het contract loopt niet in dit jaar."}
    assert _snapshot(web_engine) == before


def test_a_post_without_its_csrf_token_stores_nothing(browser_for: Browser, web_engine: Engine) -> None:
    client = browser_for("contractmanager")
    before = _snapshot(web_engine)
    answer = client.post(
        "/contractbeheer/tarief",
        data={"wet": "wmo", "product": "OZR1", "bedrag": "1", "vanaf": "2040-01-01"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert _snapshot(web_engine) == before
