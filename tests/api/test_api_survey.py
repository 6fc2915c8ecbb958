# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/survey/rounds`` and ``.../results`` on a copy of the demo store: the service's
figures, suppression, roles and tenancy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import add_user, bearer, token_for
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import survey
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app

HOUTEN = "0321"


@pytest.fixture(scope="module")
def demo_api(
    demo_store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, object]]:
    copy = tmp_path_factory.mktemp("survey-api") / "demo.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    add_user(engine, "beleid-houten", "beleidsadviseur", municipalities=(HOUTEN,))
    add_user(engine, "consulent-houten", "consulent", municipalities=(HOUTEN,))
    client = TestClient(create_app(Settings(database_url=url), engine=engine))
    yield client, engine
    client.close()
    engine.dispose()


def test_the_adviser_reads_the_rounds_and_houtens_results_per_provider(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, engine = demo_api
    headers = bearer(token_for(api, "beleid-houten"))
    (found,) = api.get("/api/v1/survey/rounds", headers=headers).json()
    assert (found["round"], found["law"], found["for_procurement"]) == (1, "wmo", True)
    answer = api.get("/api/v1/survey/rounds/1/results", params={"by": "provider"}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = survey.results(
        UnitOfWork(engine, Scope.municipality(HOUTEN), actor="t"), 1, survey.GroupBy.PROVIDER
    )
    assert body["total"]["respondents"] == expected.total.respondents
    assert sum(g["respondents"] for g in body["groups"]) == body["total"]["respondents"]
    for g in body["groups"]:
        assert g["suppressed"] == (g["respondents"] < 10)
        if g["suppressed"]:
            assert g["satisfaction"] is None and all(q["positive_share"] is None for q in g["questions"])
    by_municipality = api.get("/api/v1/survey/rounds/1/results", headers=headers).json()
    assert [g["code"] for g in by_municipality["groups"]] == [HOUTEN]


def test_roles_and_unknown_rounds(demo_api) -> None:  # type: ignore[no-untyped-def]
    api, _engine = demo_api
    assert api.get("/api/v1/survey/rounds").status_code == 401
    consulent = bearer(token_for(api, "consulent-houten"))
    assert api.get("/api/v1/survey/rounds", headers=consulent).status_code == 403
    adviser = bearer(token_for(api, "beleid-houten"))
    assert api.get("/api/v1/survey/rounds/999/results", headers=adviser).status_code == 404
