# SPDX-License-Identifier: EUPL-1.2
"""Browser sessions and CSRF protection for the web application.

Logging in through ``/login`` hands out the same kind of token as ``POST /api/v1/token``
(stored only as its HMAC, expiring after ``ZORGINKOOP_TOKEN_MINUTES``, revoked when the user is
disabled or logs out); the browser keeps it in a signed session cookie that is HttpOnly,
SameSite=Lax and, outside development, Secure. Every form carries a CSRF token (a random value
kept in the session, renewed at login) that every POST must return, as a form field
``csrf_token`` or, for htmx requests, the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import base64
import hmac
import secrets
from collections.abc import Callable, Iterator
from typing import Annotated
from urllib.parse import quote

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Depends, HTTPException, Request, status

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import Role, User
from zorginkoop.web import security
from zorginkoop.web.deps import ACCOUNTS_ACTOR, PlatformDep

SESSION_COOKIE = "zorginkoop_session"
TOKEN_KEY = "token"  # noqa: S105 (the session key the token is kept under)
CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class LoginRequired(Exception):
    """No signed-in user: the app answers with a redirect to ``/login?next=<path>``."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def _sealer(request: Request) -> Fernet:
    """Authenticated encryption (Fernet: AES-128-CBC with HMAC-SHA256) under a key derived from
    the secret key for this one purpose, so the session cookie can carry what it must not show."""
    secret = security.signing_key(request.app.state.platform.settings)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"zorginkoop web session seal").derive(
        secret
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(request: Request, text: str) -> str:
    """``text`` encrypted for the session cookie (which is signed, not encrypted)."""
    return _sealer(request).encrypt(text.encode()).decode()


def unseal(request: Request, sealed: str) -> str | None:
    """What :func:`seal` sealed, or None for anything else (tampered, another key)."""
    try:
        return _sealer(request).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def safe_next(path: str | None) -> str | None:
    """A path to return to after login: only this site's own paths (no ``//host`` or scheme)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return None
    return path


def login_path_for(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?next=" + quote(here, safe="/")


def start_session(request: Request, token: str) -> None:
    """A fresh session for a user who just logged in (a new CSRF token against fixation)."""
    request.session.clear()
    request.session[TOKEN_KEY] = token
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def session_token(request: Request) -> str | None:
    token = request.session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def current_web_user(request: Request) -> User | None:
    """The signed-in user of this request, when a dependency has looked it up."""
    user = getattr(request.state, "web_user", None)
    return user if isinstance(user, User) else None


def get_web_user(request: Request, platform: PlatformDep) -> User:
    """The user of the session's live token; :class:`LoginRequired` without one."""
    token = session_token(request)
    user = None
    if token:
        with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
            user = security.authenticate(uow, platform.settings, token)
    if user is None:
        request.session.pop(TOKEN_KEY, None)
        raise LoginRequired(login_path_for(request))
    request.state.web_user = user
    return user


WebUser = Annotated[User, Depends(get_web_user)]


def require_web_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency giving the signed-in user when its role is one of ``roles``; else 403."""
    allowed = frozenset(roles)

    def check(user: WebUser) -> User:
        if user.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Uw rol heeft geen toegang tot deze pagina.")
        return user

    return check


async def check_csrf(request: Request) -> None:
    """Refuse (403) a POST, PUT, PATCH or DELETE whose CSRF token is missing or wrong."""
    if request.method in {"GET", "HEAD", "OPTIONS"}:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get(CSRF_KEY)
    if not sent or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Het formulier is verlopen of niet van deze site. Laad de pagina opnieuw en probeer het nog eens.",
        )


CsrfChecked = Depends(check_csrf)


def get_web_unit_of_work(platform: PlatformDep, user: WebUser) -> Iterator[UnitOfWork]:
    """A unit of work reading as the signed-in user within its scope (reads are logged)."""
    with platform.unit_of_work(actor=user.login, scope=user.scope()) as uow:
        yield uow


WebUnitOfWork = Annotated[UnitOfWork, Depends(get_web_unit_of_work)]


def get_web_use_case_unit_of_work(platform: PlatformDep, user: WebUser) -> UnitOfWork:
    """A unit of work as the signed-in user within its scope, not yet open: for the use cases
    that open and commit it themselves (``with uow:``), as the API's message routes pass it."""
    return platform.unit_of_work(actor=user.login, scope=user.scope())


WebUseCaseUnitOfWork = Annotated[UnitOfWork, Depends(get_web_use_case_unit_of_work)]
