# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop users``: the accounts that may sign in to the API (and the web application).

Roles: consulent, contractmanager, backoffice and beleidsadviseur are tied to one or more
municipalities (``--municipality``, repeatable); aanbieder to one provider (``--provider``);
privacy and beheerder see the region. The password is read from stdin (``--password-stdin``), so
it never shows in the shell's history or the process list.
"""

from __future__ import annotations

import sys

import typer

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli.common import DB_OPTION, platform_for, store_errors
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import AccountError, Role
from zorginkoop.services import accounts
from zorginkoop.web.security import hash_password, now_utc, password_problem

app = typer.Typer(
    help="Accounts: add, list, disable and enable users, set their passwords.", no_args_is_help=True
)

ACTOR = "zorginkoop-users"
MUNICIPALITIES = typer.Option(
    None, "--municipality", "-m", help="CBS code the user may see (repeatable; municipal roles)"
)


def _uow(db: str | None) -> UnitOfWork:
    return platform_for(db).unit_of_work(actor=ACTOR, scope=Scope.region())


def _password_from_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        fail("--password-stdin: pipe the password in, e.g. `printf '%s' \"$PW\" | zorginkoop users add ...`")
    text = sys.stdin.read()
    password = (
        text[:-1] if text.endswith("\n") else text
    )  # one trailing newline is the pipe's, not the password's
    password = password[:-1] if password.endswith("\r") else password
    problem = password_problem(password)
    if problem:
        fail(f"--password-stdin: {problem}")
    return password


@app.command("add")
def add(
    login: str = typer.Argument(..., help="the login name (letters, digits, . _ - @)"),
    role: str = typer.Option(..., "--role", help="one of: " + ", ".join(r.value for r in Role)),
    municipality: list[str] | None = MUNICIPALITIES,
    provider: str | None = typer.Option(None, "--provider", help="AGB code (role aanbieder)"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from stdin (required)"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Add a user with a role, tied to municipalities or a provider; the password from stdin."""
    if not password_stdin:
        fail("give the password on stdin with --password-stdin (never on the command line)")
    password = _password_from_stdin()
    try:
        with store_errors():
            user = accounts.add_user(
                _uow(db), login, role, municipalities=municipality or [], provider_agb=provider,
                password_hash=hash_password(password), now=now_utc(),
            )  # fmt: skip
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"added {user.login} ({user.role.value}, {user.tied_to})")


@app.command("list")
def list_(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """The users: login, role, what they may see, active or disabled."""
    with store_errors():
        users = accounts.list_users(_uow(db))
    rows = [
        {"login": u.login, "role": u.role.value, "sees": u.tied_to, "active": "yes" if u.active else "no"}
        for u in users
    ]
    render(rows, ["login", "role", "sees", "active"], fmt, title="Users")


@app.command("disable")
def disable(
    login: str = typer.Argument(..., help="the login to disable"), db: str | None = DB_OPTION
) -> None:
    """Disable a user: it can no longer log in, and its tokens are revoked at once."""
    try:
        with store_errors():
            revoked = accounts.disable_user(_uow(db), login.strip(), now_utc())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"disabled {login.strip()}; revoked {revoked} token(s)")


@app.command("enable")
def enable(
    login: str = typer.Argument(..., help="the disabled login to enable"), db: str | None = DB_OPTION
) -> None:
    """Enable a disabled user again: it can log in (anew; its old tokens stay revoked)."""
    try:
        with store_errors():
            accounts.enable_user(_uow(db), login.strip())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"enabled {login.strip()}")


@app.command("password")
def password(
    login: str = typer.Argument(..., help="the login whose password to set"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the new password from stdin (required)"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """Set a new password (from stdin); the user's tokens are revoked, so it logs in anew."""
    if not password_stdin:
        fail("give the password on stdin with --password-stdin (never on the command line)")
    new = _password_from_stdin()
    try:
        with store_errors():
            revoked = accounts.set_password(_uow(db), login.strip(), hash_password(new), now_utc())
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"new password for {login.strip()}; revoked {revoked} token(s)")


@app.command("demo")
def demo(db: str | None = DB_OPTION) -> None:
    """One account per role for the demo region, with random passwords printed once.

    Logins are the role names; run it again and it adds only those missing (their passwords are
    not shown again: set a new one with `users password LOGIN --password-stdin`)."""
    import secrets

    try:
        with store_errors():
            wanted = accounts.demo_users(_uow(db))
            passwords = {u.login: secrets.token_urlsafe(12) for u in wanted}
            added = accounts.add_missing_users(
                _uow(db), [(u, hash_password(passwords[u.login])) for u in wanted], now_utc()
            )
    except AccountError as exc:
        fail(str(exc))
    if not added:
        typer.echo("the demo accounts exist already; their passwords were shown when they were made")
        return
    typer.echo(
        "DEMO ACCOUNTS, for trying the demo region only: anyone who reads this can sign in.\n"
        "Disable them (`zorginkoop users disable LOGIN`) before the store holds real data.",
        err=True,
    )
    rows = [{"login": u.login, "password": passwords[u.login], "role": u.role.value, "sees": u.tied_to}
            for u in added]  # fmt: skip
    render(rows, ["login", "password", "role", "sees"], OutputFormat.table, title="Demo accounts")
