# SPDX-License-Identifier: EUPL-1.2
"""Shared by the page tests (tests/web) and the browser journeys (tests/browser): a writable copy
of the demo store with one real account per role (as `zorginkoop users demo` makes them, with a
known password), and logging in through the real login form."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from httpx import Response

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import User
from zorginkoop.services import accounts
from zorginkoop.web.security import hash_password, now_utc

PASSWORD = "demo-wachtwoord-voor-tests"


@functools.cache
def _hashed() -> str:
    return hash_password(PASSWORD)


def demo_store_with_users(demo_store_url: str, folder: Path) -> tuple[str, dict[str, User]]:
    """A copy of the demo store in ``folder`` with the demo accounts (login = role name)."""
    copy = folder / "web.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    try:
        users = accounts.demo_users(UnitOfWork(engine, Scope.region(), actor="tests"))
        accounts.add_missing_users(
            UnitOfWork(engine, Scope.region(), actor="tests"), [(u, _hashed()) for u in users], now_utc()
        )
    finally:
        engine.dispose()
    return url, {u.login: u for u in users}


def soup(response: Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf_of(response: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, login: str, password: str = PASSWORD) -> Response:
    """Log in through the form, as a browser does; the client keeps the session cookie."""
    form = client.get("/login")
    return client.post(
        "/login", data={"username": login, "password": password, "csrf_token": csrf_of(form)},
        follow_redirects=False,
    )  # fmt: skip
