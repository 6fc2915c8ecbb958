# SPDX-License-Identifier: EUPL-1.2
"""Page tests: the real app on a copy of the demo store with a real account per role; pages
are fetched over the test client and read with BeautifulSoup. Nothing is overridden."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.web_helpers import demo_store_with_users, log_in
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.domain.accounts import User
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app


@pytest.fixture(scope="module")
def web_store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, User]]:
    """A writable copy of the demo store with the demo accounts, per test module."""
    return demo_store_with_users(demo_store_url, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def web_engine(web_store: tuple[str, dict[str, User]]) -> Iterator[Engine]:
    engine = make_engine(web_store[0])
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def web_app(web_store: tuple[str, dict[str, User]], web_engine: Engine) -> TestClient:
    app = create_app(Settings(database_url=web_store[0]), engine=web_engine)  # type: ignore[call-arg]
    return TestClient(app)


@pytest.fixture
def browser_for(web_app: TestClient) -> Iterator[Callable[[str], TestClient]]:
    """``browser_for("consulent")``: a fresh client (own cookies) logged in as that demo account."""
    made: list[TestClient] = []

    def make(login: str) -> TestClient:
        client = TestClient(web_app.app)
        answer = log_in(client, login)
        assert answer.status_code == 303, answer.text
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def visitor(web_app: TestClient) -> Iterator[TestClient]:
    """A browser that has not logged in."""
    with TestClient(web_app.app) as client:
        yield client
