# SPDX-License-Identifier: EUPL-1.2
"""POST /api/v1/token: a login and password give a bearer token; wrong ones give 401."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tests.api.conftest import PASSWORD, add_user
from zorginkoop.adapters.db import tables as t


def test_a_user_with_the_right_password_gets_a_bearer_token_and_the_store_keeps_only_its_hash(
    api: TestClient, engine: Engine
) -> None:
    add_user(engine, "anna", "consulent", municipalities=("0321",))
    answer = api.post("/api/v1/token", data={"username": "anna", "password": PASSWORD})
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer"
    token = body["access_token"]
    assert len(token) >= 40
    with engine.connect() as connection:
        stored = connection.execute(select(t.ApiTokenRow.token_hash)).scalars().all()
        password_hash = connection.execute(select(t.UserRow.password_hash)).scalar_one()
    assert len(stored) == 1
    assert stored[0] != token and token not in stored[0]
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash


def test_a_wrong_password_or_unknown_login_is_401_with_the_bearer_challenge(
    api: TestClient, engine: Engine
) -> None:
    add_user(engine, "anna", "consulent", municipalities=("0321",))
    for username, password in [("anna", "not the password"), ("nobody", PASSWORD)]:
        answer = api.post("/api/v1/token", data={"username": username, "password": password})
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"] == "Bearer"
        assert "access_token" not in answer.json()


def test_the_docs_name_the_regions_single_sign_on_when_it_is_configured(api_factory, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    local = api_factory().get("/openapi.json").json()["info"]["description"]
    assert "not configured: local accounts only" in local
    sso = api_factory(
        oidc_issuer="https://sso.lekstroom.nl/realms/zorginkoop", oidc_client_id="zorginkoop"
    ).get("/openapi.json")
    assert "https://sso.lekstroom.nl/realms/zorginkoop" in sso.json()["info"]["description"]
