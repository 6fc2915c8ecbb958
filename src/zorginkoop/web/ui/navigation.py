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
    _item("Aanbieders", "/aanbieders", Role.CONTRACTMANAGER),
    _item("Producten en tarieven", "/producten", Role.CONTRACTMANAGER),
    _item("Contracten", "/contracten", Role.CONTRACTMANAGER),
    _item("Verlengkalender", "/verlengkalender", Role.CONTRACTMANAGER),
    _item("Concentratie", "/monitoring/concentratie", Role.CONTRACTMANAGER),
    _item("Dekkend aanbod", "/monitoring/dekking", Role.CONTRACTMANAGER),
    _item("Benchmark", "/monitoring/benchmark", Role.CONTRACTMANAGER),
    _item("Signalen over aanbieders", "/aanbiedersignalen", Role.CONSULENT, Role.CONTRACTMANAGER),
    _item("Contractbeheer", "/contractbeheer", Role.CONTRACTMANAGER),
    _item("Aanbestedingen", "/aanbestedingen", Role.CONTRACTMANAGER),
    _item("Berichten", "/backoffice/berichten", Role.BACKOFFICE),
    _item("Declaraties", "/backoffice/declaraties", Role.BACKOFFICE),
    _item("Betalingen", "/backoffice/betalingen", Role.BACKOFFICE),
    _item("Stoplijst", "/backoffice/stoplijst", Role.BACKOFFICE),
    _item("Kerncijfers", "/kerncijfers", Role.BELEIDSADVISEUR),
    _item("Dashboard", "/kerncijfers/dashboard", Role.BELEIDSADVISEUR),
    _item("Toewijzingen", "/aanbieder/toewijzingen", Role.AANBIEDER),
    _item("Berichten", "/aanbieder/berichten", Role.AANBIEDER),
    _item("Declaraties", "/aanbieder/declaraties", Role.AANBIEDER),
    _item("Uw positie", "/aanbieder/benchmark", Role.AANBIEDER),
    _item("Aanbestedingen", "/aanbieder/aanbestedingen", Role.AANBIEDER),
    _item("Verwerkingslog", "/privacy/verwerkingslog", Role.PRIVACY),
    _item("Gebruikers", "/beheer/gebruikers", Role.BEHEERDER),
)
"""In the order the header shows them."""

HOME: dict[Role, str] = {
    Role.CONSULENT: "/clienten",
    Role.CONTRACTMANAGER: "/aanbieders",
    Role.BACKOFFICE: "/backoffice/berichten",
    Role.BELEIDSADVISEUR: "/kerncijfers",
    Role.AANBIEDER: "/aanbieder/toewijzingen",
    Role.PRIVACY: "/privacy/verwerkingslog",
    Role.BEHEERDER: "/beheer/gebruikers",
}
"""Where a role lands after logging in (``/start`` for a role without one)."""


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
