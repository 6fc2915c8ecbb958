# SPDX-License-Identifier: EUPL-1.2
"""A token's life: throttled logins, expiry, revocation, a disabled account; stored so it holds
in every process that shares the store."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from typer.testing import CliRunner

from tests.api.conftest import PASSWORD, add_user, bearer, token_for
from tests.factories import HOUTEN, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app as cli

COSTS = "/api/v1/reports/costs?year=2020"


def _login(api: TestClient, password: str, login: str = "bea"):  # type: ignore[no-untyped-def]
    return api.post("/api/v1/token", data={"username": login, "password": password})


def _with_user(engine: Engine) -> None:
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    add_user(engine, "bea", "beleidsadviseur", municipalities=(HOUTEN,))


def test_after_five_failed_logins_even_the_right_password_is_429_in_another_process_too(
    api: TestClient, engine: Engine, engine_url: str
) -> None:
    _with_user(engine)
    for _ in range(5):
        assert _login(api, "wrong password").status_code == 401
    refused = _login(api, PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # a fresh process with its own app and engine: only the store is shared
    script = (
        "import sys; from fastapi.testclient import TestClient; from zorginkoop.settings import Settings; "
        "from zorginkoop.web.app import create_app; "
        "api = TestClient(create_app(Settings(database_url=sys.argv[1]))); "
        "print(api.post('/api/v1/token', data={'username': 'bea', 'password': sys.argv[2]}).status_code)"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, engine_url, PASSWORD], capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == "429"
    # another login name is not held up by bea's failures
    add_user(engine, "anna", "consulent", municipalities=(HOUTEN,))
    assert _login(api, PASSWORD, "anna").status_code == 200


def test_once_the_failures_are_older_than_the_window_the_login_works_and_the_count_starts_over(
    api: TestClient, engine: Engine
) -> None:
    _with_user(engine)
    for _ in range(5):
        _login(api, "wrong password")
    assert _login(api, PASSWORD).status_code == 429
    with engine.begin() as connection:  # let 15 minutes and a second pass
        for at in connection.execute(select(t.LoginFailureRow.id, t.LoginFailureRow.at)).all():
            connection.execute(
                update(t.LoginFailureRow)
                .where(t.LoginFailureRow.id == at.id)
                .values(at=at.at - timedelta(minutes=15, seconds=1))
            )
    assert _login(api, PASSWORD).status_code == 200
    with engine.connect() as connection:
        assert connection.execute(select(t.LoginFailureRow)).all() == []


def test_failed_logins_older_than_the_window_are_forgotten_so_the_table_stays_one_window_long(
    api: TestClient, engine: Engine
) -> None:
    for name in ("spray-1", "spray-2", "spray-3"):
        _login(api, "wrong password", login=name)
    with engine.begin() as connection:  # those three are now older than the window
        connection.execute(update(t.LoginFailureRow).values(at=t.LoginFailureRow.at - timedelta(minutes=16)))
    _login(api, "wrong password", login="spray-4")
    with engine.connect() as connection:
        assert [row.login for row in connection.execute(select(t.LoginFailureRow))] == ["spray-4"]


def test_the_throttle_follows_the_settings(api_factory: Callable[..., TestClient], engine: Engine) -> None:
    _with_user(engine)
    strict = api_factory(login_max_failures=2, login_window_minutes=1)
    assert [_login(strict, "wrong password").status_code for _ in range(2)] == [401, 401]
    answer = _login(strict, PASSWORD)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) <= 60


def test_an_expired_token_is_401(api_factory: Callable[..., TestClient], engine: Engine) -> None:
    _with_user(engine)
    api = api_factory(token_minutes=5)
    token = token_for(api, "bea")
    assert api.get(COSTS, headers=bearer(token)).status_code == 200
    with engine.begin() as connection:
        issued, expires = connection.execute(select(t.ApiTokenRow.issued_at, t.ApiTokenRow.expires_at)).one()
        assert expires - issued == timedelta(minutes=5)
        connection.execute(update(t.ApiTokenRow).values(expires_at=issued - timedelta(seconds=1)))
    answer = api.get(COSTS, headers=bearer(token))
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"]


def test_disabling_a_user_revokes_its_tokens_at_once_and_refuses_its_logins(
    api: TestClient, engine: Engine, engine_url: str
) -> None:
    _with_user(engine)
    tokens = [token_for(api, "bea"), token_for(api, "bea")]
    assert all(api.get(COSTS, headers=bearer(tk)).status_code == 200 for tk in tokens)
    result = CliRunner().invoke(cli, ["users", "disable", "bea", "--db", engine_url])
    assert result.exit_code == 0, result.output
    assert "revoked 2 token(s)" in result.stdout
    assert all(api.get(COSTS, headers=bearer(tk)).status_code == 401 for tk in tokens)
    assert _login(api, PASSWORD).status_code == 401
    with engine.connect() as connection:
        assert all(r is not None for r in connection.execute(select(t.ApiTokenRow.revoked_at)).scalars())


def test_a_signed_in_user_revokes_its_own_token(api: TestClient, engine: Engine) -> None:
    _with_user(engine)
    token, other = token_for(api, "bea"), token_for(api, "bea")
    assert api.post("/api/v1/token/revoke", headers=bearer(token)).status_code == 204
    assert api.get(COSTS, headers=bearer(token)).status_code == 401
    assert api.get(COSTS, headers=bearer(other)).status_code == 200  # only the one revoked
