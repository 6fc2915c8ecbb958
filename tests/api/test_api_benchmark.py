# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/monitor/benchmark`` on a copy of the demo store: the service's figures for the
region's roles, a provider's token gets its own line and anonymised, rounded peers, roles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import add_user, bearer, token_for
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import reports
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

HOUTEN = "0321"
ALL_FIVE = ("0321", "0353", "0331", "0356", "1961")
LARGEST = "98214099"  # Zorggroep Lekstroom, the demo's largest Wmo provider


@pytest.fixture(scope="module")
def demo_api(
    demo_store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, Engine]]:
    copy = tmp_path_factory.mktemp("benchmark-api") / "demo.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), copy)  # the tests add accounts
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    add_user(engine, "inkoop", "contractmanager", municipalities=ALL_FIVE)
    add_user(engine, "beleid-houten", "beleidsadviseur", municipalities=(HOUTEN,))
    add_user(engine, "zorggroep", "aanbieder", provider=LARGEST)
    add_user(engine, "consulent-houten", "consulent", municipalities=(HOUTEN,))
    client = TestClient(create_app(Settings(database_url=url), engine=engine))
    yield client, engine
    client.close()
    engine.dispose()


def _get(api: TestClient, login: str, **params: object):  # type: ignore[no-untyped-def]
    return api.get("/api/v1/monitor/benchmark", params=params, headers=bearer(token_for(api, login)))


def test_the_region_gets_every_provider_with_the_figures_of_report_providers(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    answer = _get(api, "inkoop", year=2020, law="wmo", exclude="Vijfheerenlanden")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    with UnitOfWork(engine) as uow:
        expected = reports.costs_by_provider(uow, 2020, Law.WMO, ["Vijfheerenlanden"])
    assert [(x["agb"], x["clients"], x["cost_eur"]) for x in body["lines"]] == [
        (p.agb, str(p.clients), str(p.cost)) for p in expected
    ]
    assert body["provider_view"] is False and body["excluded"] == ["1961"] and body["peers"] is None
    assert set(body["lines"][0]["peer_median"]) == set(body["median"])


def test_a_municipality_reads_its_own_figures(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    body = _get(api, "beleid-houten", year=2020, law="wmo").json()
    with UnitOfWork(engine, Scope.municipality(HOUTEN)) as uow:
        expected = reports.costs_by_provider(uow, 2020, Law.WMO)
    assert [x["agb"] for x in body["lines"]] == [p.agb for p in expected]
    assert sum(int(x["clients"]) for x in body["lines"]) == sum(p.clients for p in expected)


def test_a_provider_gets_its_own_line_rounded_and_its_peers_anonymised(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    body = _get(api, "zorggroep", year=2020, law="wmo").json()
    assert [x["agb"] for x in body["lines"]] == [LARGEST]
    own = body["lines"][0]
    assert int(own["clients"]) % 5 == 0 and int(own["ended"]) % 5 == 0
    assert float(own["cost_eur"]) % 5 == 0
    assert body["provider_view"] is True and body["median"] is None and body["providers"] == 49
    clients = body["peers"]["clients"]
    assert clients["peers"] == 48 and int(clients["median"]) % 5 == 0
    text = _get(api, "zorggroep", year=2020, law="wmo").text
    assert "Kwadrant" not in text and "98150798" not in text  # the second largest is not named


def test_roles_without_figures_are_refused_and_bad_input_is_one_line(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    assert _get(api, "consulent-houten", year=2020).status_code == 403
    assert api.get("/api/v1/monitor/benchmark", params={"year": 2020}).status_code == 401
    bad = _get(api, "inkoop", year=2020, exclude="Atlantis")
    assert bad.status_code == 422 and "unknown municipality" in bad.text


def test_the_route_is_documented(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    schema = api.get("/api/v1/openapi.json")
    if schema.status_code == 404:
        schema = api.get("/openapi.json")
    operation = schema.json()["paths"]["/api/v1/monitor/benchmark"]["get"]
    assert operation["description"] and "200" in operation["responses"]
