# SPDX-License-Identifier: EUPL-1.2
"""`zorginkoop users` as the acceptance checks type it; bad input is one line and exit 2."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tests.factories import ALFA, HOUTEN, NIEUWEGEIN, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.settings import Settings
from zorginkoop.web import security

runner = CliRunner()
PASSWORD = "een lang wachtwoord\n"


@pytest.fixture
def store(engine: Engine, engine_url: str) -> str:
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    return engine_url


def _users(store: str, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["users", *args, "--db", store], input=stdin)


def test_users_of_every_role_are_added_listed_and_disabled(store: str, engine: Engine) -> None:
    adds = [
        ["anna", "--role", "consulent", "--municipality", HOUTEN],
        ["bea", "--role", "beleidsadviseur", "--municipality", HOUTEN, "--municipality", NIEUWEGEIN],
        ["carl", "--role", "contractmanager", "--municipality", HOUTEN],
        ["bart", "--role", "backoffice", "--municipality", NIEUWEGEIN],
        ["alfa", "--role", "aanbieder", "--provider", ALFA],
        ["pien", "--role", "privacy"],
        ["henk", "--role", "beheerder"],
    ]
    for args in adds:
        result = _users(store, "add", *args, "--password-stdin", stdin=PASSWORD)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"added {args[0]} ")
    listed = _users(store, "list", "--format", "csv")
    assert listed.exit_code == 0
    assert 'bea,beleidsadviseur,"0321,0356",yes' in listed.stdout
    assert f"alfa,aanbieder,provider:{ALFA},yes" in listed.stdout
    assert "pien,privacy,region,yes" in listed.stdout
    disabled = _users(store, "disable", "anna")
    assert disabled.exit_code == 0 and "disabled anna" in disabled.stdout
    assert "anna,consulent,0321,no" in _users(store, "list", "--format", "csv").stdout
    with engine.connect() as connection:
        hashes = connection.execute(select(t.UserRow.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and "wachtwoord" not in h for h in hashes)


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["add", "x1", "--role", "consulent", "--municipality", "9999", "--password-stdin"], PASSWORD,
         "municipality 9999 is not in the region"),
        (["add", "x1", "--role", "aanbieder", "--provider", "99999999", "--password-stdin"], PASSWORD,
         "provider 99999999 is not known"),
        (["add", "x1", "--role", "koning", "--password-stdin"], PASSWORD, "role 'koning'"),
        (["add", "x1", "--role", "consulent", "--password-stdin"], PASSWORD, "tied to one or more municipalities"),
        (["add", "x1", "--role", "privacy", "--password-stdin"], "kort\n", "password is too short"),
        (["add", "x1", "--role", "privacy"], PASSWORD, "--password-stdin"),
        (["disable", "nobody"], None, "no user with login 'nobody'"),
        (["enable", "nobody"], None, "no user with login 'nobody'"),
        (["password", "nobody", "--password-stdin"], PASSWORD, "no user with login 'nobody'"),
        (["password", "nobody", "--password-stdin"], "kort\n", "password is too short"),
        (["password", "nobody"], PASSWORD, "--password-stdin"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(store: str, args, stdin, says) -> None:  # type: ignore[no-untyped-def]
    result = _users(store, *args, stdin=stdin)
    assert result.exit_code == 2, result.output
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_a_login_taken_already_is_refused(store: str) -> None:
    first = _users(store, "add", "pien", "--role", "privacy", "--password-stdin", stdin=PASSWORD)
    again = _users(store, "add", "pien", "--role", "beheerder", "--password-stdin", stdin=PASSWORD)
    assert first.exit_code == 0 and again.exit_code == 2
    assert "exists already" in again.stderr


def test_outside_development_a_missing_secret_stops_every_command_in_one_line(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZORGINKOOP_ENV", "production")
    monkeypatch.setenv("ZORGINKOOP_PSEUDONYM_KEY", "p" * 40)  # the log's key is set; the API's is not
    monkeypatch.delenv("ZORGINKOOP_SECRET_KEY", raising=False)
    result = _users(store, "list")
    assert result.exit_code == 2
    assert "ZORGINKOOP_SECRET_KEY" in result.stderr and "Traceback" not in result.output


def _log_in(engine: Engine, login: str, password: str) -> str:
    """A token for ``login`` through the real login, or the name of the refusal."""
    with UnitOfWork(engine, actor="tests") as uow:
        try:
            return security.log_in(uow, Settings.from_env(), login, password).access_token
        except security.LoginRefused:
            return "refused"


def test_a_disabled_user_is_enabled_again_and_logs_in_anew(store: str, engine: Engine) -> None:
    assert (
        _users(store, "add", "pien", "--role", "privacy", "--password-stdin", stdin=PASSWORD).exit_code == 0
    )
    old_token = _log_in(engine, "pien", PASSWORD.strip("\n"))
    assert _users(store, "disable", "pien").exit_code == 0
    assert _log_in(engine, "pien", PASSWORD.strip("\n")) == "refused"
    enabled = _users(store, "enable", "pien")
    assert enabled.exit_code == 0 and enabled.stdout.strip() == "enabled pien"
    assert "pien,privacy,region,yes" in _users(store, "list", "--format", "csv").stdout
    assert _log_in(engine, "pien", PASSWORD.strip("\n")) != "refused"
    with UnitOfWork(engine, actor="tests") as uow:  # the token from before the disable stays revoked
        assert security.authenticate(uow, Settings.from_env(), old_token) is None


def test_a_new_password_replaces_the_old_one_and_signs_the_user_out(store: str, engine: Engine) -> None:
    assert (
        _users(store, "add", "henk", "--role", "beheerder", "--password-stdin", stdin=PASSWORD).exit_code == 0
    )
    token = _log_in(engine, "henk", PASSWORD.strip("\n"))
    changed = _users(store, "password", "henk", "--password-stdin", stdin="een nieuw wachtwoord\n")
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.strip() == "new password for henk; revoked 1 token(s)"
    with UnitOfWork(engine, actor="tests") as uow:
        assert security.authenticate(uow, Settings.from_env(), token) is None
    assert _log_in(engine, "henk", PASSWORD.strip("\n")) == "refused"
    assert _log_in(engine, "henk", "een nieuw wachtwoord") != "refused"
