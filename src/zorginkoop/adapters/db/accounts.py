# SPDX-License-Identifier: EUPL-1.2
"""The accounts in the store: users, their API tokens (hashes only) and failed logins. Never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.accounts import Role, User


@dataclass(frozen=True, slots=True)
class StoredUser:
    """A user as stored: the domain user, its row id and its password hash."""

    id: int
    user: User
    password_hash: str


_U, _T, _M = t.UserRow.__table__, t.ApiTokenRow.__table__, t.UserMunicipalityRow.__table__
_USER_FOR_TOKEN = (
    select(_U.c.id, _U.c.login, _U.c.role, _U.c.provider_agb, _U.c.password_hash, _U.c.active,
           _M.c.municipality_code)
    .select_from(_U.join(_T, _T.c.user_id == _U.c.id).outerjoin(_M, _M.c.user_id == _U.c.id))
)  # fmt: skip


def user_for_token(connection: Connection, token_hash: str, now: datetime) -> StoredUser | None:
    """The active user a live token (neither expired nor revoked) belongs to, with its
    municipalities, in one Core statement on ``connection``: the API checks a token on every
    request, so this skips the ORM session (accounts are not personal data: no scope, no log)."""
    rows = connection.execute(
        _USER_FOR_TOKEN.where(
            _T.c.token_hash == token_hash,
            _T.c.revoked_at.is_(None),
            _T.c.expires_at > now,
            _U.c.active.is_(True),
        )
    ).all()
    if not rows:
        return None
    first = rows[0]
    codes = frozenset(r.municipality_code for r in rows if r.municipality_code is not None)
    user = User(first.login, Role(first.role), codes, first.provider_agb, first.active)
    return StoredUser(first.id, user, first.password_hash)


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- users ---------------------------------------------------------------------------------

    def add(self, user: User, password_hash: str, now: datetime) -> int:
        row = t.UserRow(
            login=user.login,
            role=user.role.value,
            provider_agb=user.provider_agb,
            password_hash=password_hash,
            active=user.active,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        for code in sorted(user.municipalities):
            self.session.add(t.UserMunicipalityRow(user_id=row.id, municipality_code=code))
        self.session.flush()
        return row.id

    def exists(self, login: str) -> bool:
        return self.session.scalar(select(t.UserRow.id).where(t.UserRow.login == login)) is not None

    def get(self, login: str) -> StoredUser | None:
        row = self.session.scalars(select(t.UserRow).where(t.UserRow.login == login)).first()
        return self._stored(row) if row is not None else None

    def by_id(self, user_id: int) -> StoredUser | None:
        row = self.session.get(t.UserRow, user_id)
        return self._stored(row) if row is not None else None

    def all(self) -> list[User]:
        rows = self.session.scalars(select(t.UserRow).order_by(t.UserRow.login))
        return [self._stored(row).user for row in rows]

    def set_active(self, login: str, active: bool) -> bool:
        """True when the login exists (and is now ``active``)."""
        result = self.session.execute(update(t.UserRow).where(t.UserRow.login == login).values(active=active))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self.session.execute(
            update(t.UserRow).where(t.UserRow.id == user_id).values(password_hash=password_hash)
        )

    def _stored(self, row: t.UserRow) -> StoredUser:
        codes = self.session.scalars(
            select(t.UserMunicipalityRow.municipality_code).where(t.UserMunicipalityRow.user_id == row.id)
        )
        user = User(row.login, Role(row.role), frozenset(codes), row.provider_agb, row.active)
        return StoredUser(row.id, user, row.password_hash)

    # -- tokens --------------------------------------------------------------------------------

    def add_token(self, user_id: int, token_hash: str, issued_at: datetime, expires_at: datetime) -> None:
        self.session.add(
            t.ApiTokenRow(user_id=user_id, token_hash=token_hash, issued_at=issued_at, expires_at=expires_at)
        )
        self.session.flush()

    def user_for_token(self, token_hash: str, now: datetime) -> StoredUser | None:
        """The active user a token that is neither expired nor revoked belongs to."""
        return user_for_token(self.session.connection(), token_hash, now)

    def revoke_token(self, token_hash: str, now: datetime) -> bool:
        result = self.session.execute(
            update(t.ApiTokenRow)
            .where(t.ApiTokenRow.token_hash == token_hash, t.ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def revoke_tokens_of(self, login: str, now: datetime) -> int:
        """Revoke every live token of a login; the number revoked."""
        user_ids = select(t.UserRow.id).where(t.UserRow.login == login).scalar_subquery()
        result = self.session.execute(
            update(t.ApiTokenRow)
            .where(t.ApiTokenRow.user_id == user_ids, t.ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # -- failed logins -------------------------------------------------------------------------

    def add_failure(self, login: str, at: datetime) -> None:
        self.session.add(t.LoginFailureRow(login=login[:100], at=at))
        self.session.flush()

    def failures_since(self, login: str, since: datetime) -> list[datetime]:
        return list(
            self.session.scalars(
                select(t.LoginFailureRow.at).where(
                    t.LoginFailureRow.login == login[:100], t.LoginFailureRow.at > since
                )
            )
        )

    def forget_failures_before(self, before: datetime) -> int:
        """Drop failed logins older than ``before`` (outside every throttling window); how many."""
        done = self.session.execute(delete(t.LoginFailureRow).where(t.LoginFailureRow.at <= before))
        return int(getattr(done, "rowcount", 0) or 0)

    def clear_failures(self, login: str) -> None:
        self.session.execute(delete(t.LoginFailureRow).where(t.LoginFailureRow.login == login[:100]))
