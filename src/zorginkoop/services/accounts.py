# SPDX-License-Identifier: EUPL-1.2
"""Keeping accounts: add a user, list them, disable one (and end its tokens), enable it again,
give it a new password.

Passwords reach this module already hashed (``zorginkoop.web.security.hash_password``): the
use cases never see a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import AccountError, User


def add_user(
    uow: UnitOfWork,
    login: str,
    role: str,
    *,
    municipalities: Iterable[str],
    provider_agb: str | None,
    password_hash: str,
    now: datetime,
) -> User:
    """Store a new user; :class:`AccountError` (one line) when it cannot be.

    The municipalities must be the region's and the provider one the region knows, so a typo
    cannot make an account that sees nothing (or, later, someone else's)."""
    user = User.create(login, role, municipalities, provider_agb)
    with uow:
        if uow.accounts.exists(user.login):
            raise AccountError(f"login {user.login!r} exists already; choose another login")
        known = uow.region.municipality_names()
        unknown = sorted(user.municipalities - set(known))
        if unknown:
            listed = (
                ", ".join(f"{code} {name}" for code, name in sorted(known.items()))
                or "none: build the region first"
            )
            raise AccountError(f"municipality {unknown[0]} is not in the region; known: {listed}")
        if user.provider_agb is not None and uow.providers.get(user.provider_agb) is None:
            raise AccountError(
                f"provider {user.provider_agb} is not known in the region; `zorginkoop providers list` shows them"
            )
        uow.accounts.add(user, password_hash, now)
        uow.commit()
    return user


def list_users(uow: UnitOfWork) -> list[User]:
    with uow:
        return uow.accounts.all()


def disable_user(uow: UnitOfWork, login: str, now: datetime) -> int:
    """Disable a login and revoke its live tokens; the number of tokens revoked."""
    with uow:
        if not uow.accounts.set_active(login, active=False):
            raise AccountError(f"no user with login {login!r}; `zorginkoop users list` shows them")
        revoked = uow.accounts.revoke_tokens_of(login, now)
        uow.commit()
    return revoked


def get_user(uow: UnitOfWork, login: str) -> User | None:
    """The user with this login, or None."""
    with uow:
        stored = uow.accounts.get(login)
        return stored.user if stored is not None else None


def enable_user(uow: UnitOfWork, login: str) -> None:
    """Let a disabled login sign in again (its old tokens stay revoked: it logs in anew)."""
    with uow:
        if not uow.accounts.set_active(login, active=True):
            raise AccountError(f"no user with login {login!r}; `zorginkoop users list` shows them")
        uow.commit()


def set_password(uow: UnitOfWork, login: str, password_hash: str, now: datetime) -> int:
    """Give a login a new password: its live tokens are revoked (whoever held the old password
    is signed out at once) and its failed logins forgotten; the number of tokens revoked."""
    with uow:
        stored = uow.accounts.get(login)
        if stored is None:
            raise AccountError(f"no user with login {login!r}; `zorginkoop users list` shows them")
        uow.accounts.set_password_hash(stored.id, password_hash)
        revoked = uow.accounts.revoke_tokens_of(login, now)
        uow.accounts.clear_failures(login)
        uow.commit()
    return revoked


DEMO_MUNICIPALITY = "0321"
"""Houten: the memo's municipality, whose consultant and adviser the demo accounts are."""


def demo_users(uow: UnitOfWork) -> list[User]:
    """One user per role for the demo region: the municipal ones for Houten (contract manager and
    back office for the whole region), the provider the one with the most allocations in Houten.
    Logins are the role names."""
    with uow:
        known = uow.region.municipality_names()
        if not known:
            raise AccountError("the store has no region: build the demo first (`zorginkoop demo`)")
        home = DEMO_MUNICIPALITY if DEMO_MUNICIPALITY in known else min(known)
        busiest = uow.providers.by_allocations(home) or uow.providers.by_allocations()
        if not busiest:
            raise AccountError("the region has no allocations yet: build the demo first (`zorginkoop demo`)")
    everyone = sorted(known)
    return [
        User.create("consulent", "consulent", [home]),
        User.create("contractmanager", "contractmanager", everyone),
        User.create("backoffice", "backoffice", everyone),
        User.create("beleidsadviseur", "beleidsadviseur", [home]),
        User.create("aanbieder", "aanbieder", provider_agb=busiest[0]),
        User.create("privacy", "privacy"),
        User.create("beheerder", "beheerder"),
    ]


def add_missing_users(uow: UnitOfWork, users: Iterable[tuple[User, str]], now: datetime) -> list[User]:
    """Store each (user, password hash) whose login does not exist yet; the users added."""
    added: list[User] = []
    with uow:
        for user, password_hash in users:
            if not uow.accounts.exists(user.login):
                uow.accounts.add(user, password_hash, now)
                added.append(user)
        uow.commit()
    return added
