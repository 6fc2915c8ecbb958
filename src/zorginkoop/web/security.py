# SPDX-License-Identifier: EUPL-1.2
"""Passwords (argon2id), bearer tokens and logging in.

A password is stored as its argon2id hash (argon2-cffi's defaults, RFC 9106); a bearer token is
a random 256-bit string handed out once, and the store keeps only its HMAC-SHA256 under the
secret key (``ZORGINKOOP_SECRET_KEY``), so a copy of the store gives no usable token. Failed
logins are stored per login name: after ``ZORGINKOOP_LOGIN_MAX_FAILURES`` within
``ZORGINKOOP_LOGIN_WINDOW_MINUTES`` that name is refused (429) until the window has passed, in
every process that shares the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine

from zorginkoop.adapters.db.accounts import user_for_token
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import LoginPolicy, User
from zorginkoop.settings import DEVELOPMENT_SECRET_KEY, Settings

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024
"""Longer passwords are refused before hashing (argon2 would hash them, slowly)."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("a password nobody has, hashed so unknown logins cost the same time")


def signing_key(settings: Settings) -> bytes:
    """The secret key token hashes are keyed with (the development key when none is set;
    settings refuse that outside development)."""
    return (settings.secret_key or DEVELOPMENT_SECRET_KEY).encode()


def now_utc() -> datetime:
    """Now, as the store keeps times: naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def password_problem(password: str) -> str | None:
    """Why a new password cannot be used, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is too short: give at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password is too long: give at most {MAX_PASSWORD_LENGTH} characters"
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh bearer token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str, key: bytes) -> str:
    """What the store keeps of a token: HMAC-SHA256 under the secret key, hex."""
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


class LoginRefused(Exception):
    """Wrong login name or password, or a disabled account (the caller is not told which)."""


class LoginThrottled(Exception):
    """Too many failed logins for this name lately; ``retry_after`` says how long to wait."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(f"too many failed logins; try again in {int(retry_after.total_seconds()) + 1} s")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_at: datetime
    user: User


def login_policy(settings: Settings) -> LoginPolicy:
    return LoginPolicy(settings.login_max_failures, timedelta(minutes=settings.login_window_minutes))


def log_in(
    uow: UnitOfWork, settings: Settings, login: str, password: str, now: datetime | None = None
) -> IssuedToken:
    """Check a login and hand out a bearer token; commits (the token, or the failure).

    Raises :class:`LoginThrottled` while the name is throttled (even with the right password,
    so throttling cannot be used to test passwords) and :class:`LoginRefused` otherwise."""
    at = now or now_utc()
    policy = login_policy(settings)
    blocked = policy.blocked_until(uow.accounts.failures_since(login, at - policy.window), at)
    if blocked is not None:
        raise LoginThrottled(blocked - at)
    stored = uow.accounts.get(login)
    if stored is None:
        verify_password(_DUMMY_HASH, password)  # the same time as a known name
        valid = False
    else:
        valid = verify_password(stored.password_hash, password) and stored.user.active
    if stored is None or not valid:
        uow.accounts.add_failure(login, at)
        uow.accounts.forget_failures_before(at - policy.window)  # the table holds one window at most
        uow.commit()
        raise LoginRefused("wrong login or password")
    uow.accounts.clear_failures(login)
    if _hasher.check_needs_rehash(stored.password_hash):
        uow.accounts.set_password_hash(stored.id, hash_password(password))
    token = new_token()
    expires = at + timedelta(minutes=settings.token_minutes)
    uow.accounts.add_token(stored.id, token_hash(token, signing_key(settings)), at, expires)
    uow.commit()
    return IssuedToken(token, expires, stored.user)


def authenticate(uow: UnitOfWork, settings: Settings, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live token (not expired, not revoked), or None."""
    if not token or len(token) > 200:
        return None
    stored = uow.accounts.user_for_token(token_hash(token, signing_key(settings)), now or now_utc())
    return stored.user if stored is not None else None


def authenticate_on(
    engine: Engine, settings: Settings, token: str, now: datetime | None = None
) -> User | None:
    """:func:`authenticate` on a connection of its own instead of a unit of work: one Core
    statement, what the API runs on every request (accounts hold no personal data: no log)."""
    if not token or len(token) > 200:
        return None
    with engine.connect() as connection:
        stored = user_for_token(connection, token_hash(token, signing_key(settings)), now or now_utc())
    return stored.user if stored is not None else None


def revoke(uow: UnitOfWork, settings: Settings, token: str, now: datetime | None = None) -> bool:
    """Revoke one token; commits. True when it was live."""
    done = uow.accounts.revoke_token(token_hash(token, signing_key(settings)), now or now_utc())
    uow.commit()
    return done
