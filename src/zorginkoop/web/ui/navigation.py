# SPDX-License-Identifier: EUPL-1.2
"""The main navigation: what each role finds in the header, in one table.

A screen module adds its entry here; the header shows a role only the entries for that role,
and marks the one the current page is under with ``aria-current="page"``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zorginkoop.domain.accounts import Role, User


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[Role]


def _item(label: str, path: str, *roles: Role) -> NavItem:
    return NavItem(label, path, frozenset(roles))


NAVIGATION: tuple[NavItem, ...] = (
    _item("Start", "/start", *Role),
    _item("Cliënten", "/clienten", Role.CONSULENT),
    _item("Intake", "/intake", Role.CONSULENT),
    _item("Signalen", "/signalen", Role.CONSULENT),
)
"""In the order the header shows them."""

HOME: dict[Role, str] = {Role.CONSULENT: "/clienten"}
"""Where a role lands after logging in, when it has a screen of its own (else ``/start``)."""


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str
    current: bool


def navigation_for(user: User, path: str) -> list[NavLink]:
    """The header's links for ``user``, the one ``path`` is under marked current."""
    items = [item for item in NAVIGATION if user.role in item.roles]
    best = max((item.path for item in items if path == item.path or path.startswith(item.path + "/")),
               key=len, default=None)  # fmt: skip
    return [NavLink(item.label, item.path, item.path == best) for item in items]


def home_of(user: User) -> str:
    return HOME.get(user.role, "/start")
