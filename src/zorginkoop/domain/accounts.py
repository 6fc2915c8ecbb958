# SPDX-License-Identifier: EUPL-1.2
"""Accounts: who may sign in, in which role, and which part of the region that role may see.

A role is tied to what it may see: the municipal roles (consulent, contractmanager, backoffice,
beleidsadviseur) to one or more municipalities (CBS codes), ``aanbieder`` to one provider (AGB
code); ``privacy`` (the privacy officer, who searches the processing log) and ``beheerder`` (who
keeps the accounts) to the whole region. Pure: no store, no hashing, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from zorginkoop.domain.access import Scope


class Role(str, Enum):
    """The roles of the platform (DOMAIN.md, "Who uses it"); the value is the name users type."""

    CONSULENT = "consulent"
    """Consultant of a social team: intake, decisions and allocations for inhabitants."""
    CONTRACTMANAGER = "contractmanager"
    """Keeps the contracts with providers; reads spending per provider."""
    BACKOFFICE = "backoffice"
    """Back office of the municipality or region: messages, declarations, allocations."""
    BELEIDSADVISEUR = "beleidsadviseur"
    """Policy adviser: figures and reports, no single inhabitant's file."""
    AANBIEDER = "aanbieder"
    """A provider's people or system: its own allocations, messages and declarations."""
    PRIVACY = "privacy"
    """Privacy officer: searches the processing log, exports one citizen's entries."""
    BEHEERDER = "beheerder"
    """Keeps the accounts of the platform."""


MUNICIPAL_ROLES = frozenset({Role.CONSULENT, Role.CONTRACTMANAGER, Role.BACKOFFICE, Role.BELEIDSADVISEUR})
"""Roles that see the inhabitants of the municipalities they are tied to (one or more)."""
PROVIDER_ROLES = frozenset({Role.AANBIEDER})
"""Roles that see one provider's clients: the provider's own AGB code."""
REGION_ROLES = frozenset({Role.PRIVACY, Role.BEHEERDER})
"""Roles tied to no municipality or provider: they see the region."""


class AccountError(ValueError):
    """An account that cannot be: the message is one line naming the field and what to give."""


def _cbs_code(code: str) -> str:
    text = code.strip()
    if len(text) != 4 or not text.isascii() or not text.isdigit():
        raise AccountError(f"municipality {code!r}: give a CBS code of four digits, e.g. 0321")
    return text


def _agb_code(code: str) -> str:
    text = code.strip()
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise AccountError(f"provider {code!r}: give an AGB code of eight digits, e.g. 87654321")
    return text


def _login(login: str) -> str:
    text = login.strip()
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")
    if not 2 <= len(text) <= 100 or not set(text.lower()) <= allowed:
        raise AccountError(
            f"login {login!r}: give 2 to 100 characters of letters, digits, '.', '_', '-' or '@'"
        )
    return text


@dataclass(frozen=True, slots=True)
class User:
    """A person or system that signs in; ``municipalities`` or ``provider_agb`` by its role."""

    login: str
    role: Role
    municipalities: frozenset[str] = field(default_factory=frozenset)
    provider_agb: str | None = None
    active: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "login", _login(self.login))
        object.__setattr__(self, "municipalities", frozenset(_cbs_code(c) for c in self.municipalities))
        if self.provider_agb is not None:
            object.__setattr__(self, "provider_agb", _agb_code(self.provider_agb))
        if self.role in MUNICIPAL_ROLES:
            if not self.municipalities or self.provider_agb is not None:
                raise AccountError(
                    f"role {self.role.value} is tied to one or more municipalities: "
                    "give --municipality CBS (repeatable) and no --provider"
                )
        elif self.role in PROVIDER_ROLES:
            if self.provider_agb is None or self.municipalities:
                raise AccountError(
                    f"role {self.role.value} is tied to one provider: give --provider AGB and no --municipality"
                )
        elif self.municipalities or self.provider_agb is not None:
            raise AccountError(
                f"role {self.role.value} sees the whole region: give no --municipality or --provider"
            )

    @classmethod
    def create(
        cls,
        login: str,
        role: str | Role,
        municipalities: Iterable[str] = (),
        provider_agb: str | None = None,
        active: bool = True,
    ) -> User:
        """A user from typed-in values; :class:`AccountError` (one line) for any that cannot be."""
        try:
            chosen = Role(role)
        except ValueError:
            raise AccountError(f"role {role!r}: give one of {', '.join(r.value for r in Role)}") from None
        return cls(login, chosen, frozenset(municipalities), provider_agb, active)

    def scope(self) -> Scope:
        """What this user may see of personal data.

        A municipal role tied to one municipality sees that municipality. One tied to several
        sees each of them; until the scope layer has a scope of several municipalities, such a
        user reads as the first of its municipalities and use cases that answer per
        municipality (reports) ask :meth:`scopes`.
        """
        if self.role in MUNICIPAL_ROLES:
            return Scope.municipality(min(self.municipalities))
        if self.role in PROVIDER_ROLES:
            assert self.provider_agb is not None
            return Scope.provider(self.provider_agb)
        return Scope.region()

    def scopes(self) -> tuple[Scope, ...]:
        """The scopes that together cover what the user may see, as few as the scope layer
        allows: one per municipality for a municipal role tied to several (until there is a
        scope of several municipalities; then this is ``(self.scope(),)``); else :meth:`scope`."""
        if self.role in MUNICIPAL_ROLES:
            return tuple(Scope.municipality(code) for code in sorted(self.municipalities))
        return (self.scope(),)

    @property
    def tied_to(self) -> str:
        """What the user is tied to, as a list shows it: CBS codes, ``provider:AGB`` or ``region``."""
        if self.municipalities:
            return ",".join(sorted(self.municipalities))
        if self.provider_agb is not None:
            return f"provider:{self.provider_agb}"
        return "region"


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """Login throttling: after ``max_failures`` failed logins for one login name within
    ``window``, every login for that name is refused until the oldest of them leaves the window."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)

    def blocked_until(self, failures: Iterable[datetime], now: datetime) -> datetime | None:
        """When logging in is allowed again, or None when it is allowed now."""
        recent = sorted(at for at in failures if now - self.window < at <= now)
        if len(recent) < self.max_failures:
            return None
        # the window frees up when enough of the recent failures have left it
        return recent[len(recent) - self.max_failures] + self.window
