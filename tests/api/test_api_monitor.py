# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/monitor/dashboard`` on a copy of the demo store: the CLI's figures, Houten's
2020 Wmo equal to ``/api/v1/reports/costs`` and the memo, roles, and tenancy (404 outside scope)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.api.conftest import add_user, bearer, token_for
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

HOUTEN, IJSSELSTEIN = "0321", "0353"
ALL_FIVE = ("0321", "0353", "0331", "0356", "1961")


@pytest.fixture(scope="module")
def demo_api(
    demo_store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, object]]:
    copy = tmp_path_factory.mktemp("dashboard-api") / "demo.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), copy)  # the tests add accounts
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    add_user(engine, "beleid-houten", "beleidsadviseur", municipalities=(HOUTEN,))
    add_user(engine, "inkoop", "contractmanager", municipalities=ALL_FIVE)
    add_user(engine, "backoffice-ijs", "backoffice", municipalities=(IJSSELSTEIN,))
    add_user(engine, "consulent-houten", "consulent", municipalities=(HOUTEN,))
    client = TestClient(create_app(Settings(database_url=url), engine=engine))
    yield client, engine
    client.close()
    engine.dispose()


def _get(api: TestClient, login: str, **params: object):  # type: ignore[no-untyped-def]
    return api.get("/api/v1/monitor/dashboard", params=params, headers=bearer(token_for(api, login)))


def test_houten_2020_wmo_equals_reports_costs_and_the_memo(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    answer = _get(api, "beleid-houten", municipality=HOUTEN, year=2020, law="wmo")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["municipality"], body["clients"], body["cost_eur"]) == ("Houten", 363, "2145868.00")
    costs = api.get(
        "/api/v1/reports/costs",
        params={"year": 2020, "law": "wmo"},
        headers=bearer(token_for(api, "beleid-houten")),
    ).json()
    assert costs == [{"municipality": "Houten", "cbs_code": HOUTEN, "clients": 363, "cost_eur": "2145868.00"}]
    assert body["heaviest_products"] == ["OZR3"]
    assert [y["year"] for y in body["trend"]] == [2018, 2019, 2020]
    assert body["ggz"] is None


def test_the_api_gives_the_use_case_figures_for_jeugd_with_ggz_apart(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    body = _get(api, "inkoop", municipality="Nieuwegein", year=2020, law="jeugd").json()
    found = monitoring.dashboard(UnitOfWork(engine), "0356", 2020, Law.JEUGD)
    assert found.ggz is not None
    assert body["ggz"]["clients"] == found.ggz.clients
    assert body["ggz"]["cost_eur"] == str(found.ggz.cost)
    assert body["cost_eur"] == str(found.cost)
    assert [(p["product"], p["clients"], p["cost_eur"], p["volume"]) for p in body["by_product"]] == [
        (p.product_code, p.clients, str(p.cost), p.volume) for p in found.by_product
    ]


def test_the_api_gives_jeugd_by_referrer_adding_up_to_the_totals_and_none_for_wmo(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    body = _get(api, "inkoop", municipality="Nieuwegein", year=2020, law="jeugd").json()
    found = monitoring.dashboard(UnitOfWork(engine), "0356", 2020, Law.JEUGD)
    assert [
        (r["referrer_type"], r["referrer"], r["clients"], r["cost_eur"]) for r in body["by_referrer"]
    ] == [(r.referrer_type, r.label, r.clients, str(r.cost)) for r in found.by_referrer]
    assert [r["referrer"] for r in body["by_referrer"]][:2] == ["Gemeente", "Huisarts"]
    assert sum(r["clients"] for r in body["by_referrer"]) == body["clients"]
    assert _get(api, "inkoop", municipality="Nieuwegein", year=2020, law="wmo").json()["by_referrer"] is None


def test_a_municipality_outside_the_scope_is_404_like_an_unknown_one(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    for login, municipality in (
        ("beleid-houten", IJSSELSTEIN),
        ("backoffice-ijs", "Houten"),
        ("inkoop", "9999"),
    ):
        answer = _get(api, login, municipality=municipality, year=2020)
        assert answer.status_code == 404, (login, municipality)
        assert answer.json() == {"detail": "no such municipality within your scope"}
    assert _get(api, "backoffice-ijs", municipality="IJsselstein", year=2020).json()["clients"] == 242


def test_other_roles_are_403_and_bad_input_422(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    assert _get(api, "consulent-houten", municipality=HOUTEN, year=2020).status_code == 403
    assert (
        api.get("/api/v1/monitor/dashboard", params={"municipality": HOUTEN, "year": 2020}).status_code == 401
    )
    assert _get(api, "beleid-houten", municipality=HOUTEN, year=20).status_code == 422
    assert _get(api, "beleid-houten", municipality=HOUTEN, year=2020, law="zvw").status_code == 422


def test_aggregates_leave_one_group_entry_and_none_about_a_person(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    e = t.ProcessingLogEntryRow
    with engine.connect() as connection:
        before = connection.scalar(select(func.max(e.id))) or 0
        _get(api, "beleid-houten", municipality=HOUTEN, year=2020)
        new = connection.execute(select(e.subject_type, e.subject_id, e.actor).where(e.id > before)).all()
    assert [tuple(row) for row in new] == [
        ("GROUP", f"law=wmo;municipality={HOUTEN};year=2020", "beleid-houten")
    ]
