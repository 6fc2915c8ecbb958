# SPDX-License-Identifier: EUPL-1.2
"""The API's dependencies, as ``Annotated`` aliases routes take as parameters.

``CurrentUser`` is the user of a live bearer token (401 without one); ``require_roles(...)``
refuses other roles (403); ``UnitOfWorkDep`` is a unit of work reading as the current user
(actor: its login) within its scope, so every read a route makes is scoped and logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import Role, User
from zorginkoop.settings import Settings
from zorginkoop.web import security

TOKEN_URL = "/api/v1/token"  # noqa: S105 (a path, not a password)
ACCOUNTS_ACTOR = "zorginkoop-api"
"""The actor of the units of work that log in and revoke tokens (they read accounts, no personal data)."""

bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)


async def get_platform(request: Request) -> Platform:  # async: no thread for a lookup
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


async def get_settings(platform: PlatformDep) -> Settings:
    return platform.settings


async def get_engine(platform: PlatformDep) -> Engine:
    return platform.engine


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]


def unauthorized(detail: str = "not signed in: send Authorization: Bearer <token>") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def get_current_user(platform: PlatformDep, token: Annotated[str | None, Depends(bearer)]) -> User:
    if not token:
        raise unauthorized()
    # one Core statement on a connection of its own, no unit of work (a fifth of a read's CPU)
    user = security.authenticate_on(platform.engine, platform.settings, token)
    if user is None:
        raise unauthorized("the token is not valid: it is unknown, expired or revoked")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[User], Awaitable[User]]:
    """A dependency giving the current user when its role is one of ``roles``; else 403."""
    allowed = frozenset(roles)

    async def check(user: CurrentUser) -> User:  # async: no thread for a comparison
        if user.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {user.role.value} may not do this; allowed: "
                + ", ".join(sorted(r.value for r in allowed)),
            )
        return user

    return check


def get_unit_of_work(platform: PlatformDep, user: CurrentUser) -> Iterator[UnitOfWork]:
    """A unit of work reading as the current user within its scope; rolled back unless committed."""
    with platform.unit_of_work(actor=user.login, scope=user.scope()) as uow:
        yield uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(get_unit_of_work)]
