# SPDX-License-Identifier: EUPL-1.2
"""API tests: the real app on a real store (SQLite, and PostgreSQL when configured), real users
and real tokens; authentication is never overridden."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import User
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app
from zorginkoop.web.security import hash_password, now_utc

PASSWORD = "een lang wachtwoord"


@functools.cache
def _hashed(password: str) -> str:
    """argon2 is slow on purpose: hash each test password once (each hash has its own salt anyway)."""
    return hash_password(password)


def add_user(engine: Engine, login: str, role: str, *, municipalities: tuple[str, ...] = (),
             provider: str | None = None, password: str = PASSWORD) -> User:  # fmt: skip
    """An account in the store, as `zorginkoop users add` makes it."""
    user = User.create(login, role, municipalities, provider)
    with UnitOfWork(engine) as uow:
        uow.accounts.add(user, _hashed(password), now_utc())
        uow.commit()
    return user


def settings_for(engine: Engine, **overrides: object) -> Settings:
    return Settings(database_url=engine.url.render_as_string(hide_password=False), **overrides)  # type: ignore[arg-type]


@pytest.fixture
def api_factory(engine: Engine) -> Iterator[Callable[..., TestClient]]:
    """Makes a test client of the real app on ``engine`` with the given settings."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        client = TestClient(create_app(settings_for(engine, **overrides), engine=engine))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def api(api_factory: Callable[..., TestClient]) -> TestClient:
    return api_factory()


def token_for(api: TestClient, login: str, password: str = PASSWORD) -> str:
    answer = api.post("/api/v1/token", data={"username": login, "password": password})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
