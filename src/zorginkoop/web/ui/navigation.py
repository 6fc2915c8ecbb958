# SPDX-License-Identifier: EUPL-1.2
"""The main navigation: what each role finds in the header, in one table.

A screen module adds its entry here (with its group, if it belongs to one); the header shows a
role only the entries for that role, and marks the one the current page is under with
``aria-current="page"``. A role with many entries (the contract manager) sees them grouped:
a group is a disclosure button in the header (``static/nav.js``) that opens its links; without
JavaScript it is a link to the group's overview page ``/menu/<key>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from zorginkoop.domain.accounts import Role, User


@dataclass(frozen=True, slots=True)
class NavGroup:
    """A heading in the header that opens a list of entries (a disclosure): ``key`` names its
    overview page ``/menu/<key>``, where the entries are without JavaScript."""

    key: str
    label: str

    @property
    def path(self) -> str:
        return f"/menu/{self.key}"


CONTRACTS = NavGroup("contracten", "Contracten")
MONITORING = NavGroup("monitoring", "Monitoring")
PROCUREMENT = NavGroup("aanbestedingen", "Aanbestedingen")

MAX_FLAT = 7
"""A role with more entries than this sees its grouped entries under their group; a role with
fewer keeps a flat menu (a group does not help with a handful of links)."""


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[Role]
    group: NavGroup | None = None
    """Where the entry sits when the role's menu is grouped; None: always on the top level."""


def _item(label: str, path: str, *roles: Role, group: NavGroup | None = None) -> NavItem:
    return NavItem(label, path, frozenset(roles), group)


NAVIGATION: tuple[NavItem, ...] = (
    _item("Start", "/start", *Role),
    _item("Cliënten", "/clienten", Role.CONSULENT),
    _item("Intake", "/intake", Role.CONSULENT),
    _item("Signalen", "/signalen", Role.CONSULENT),
    _item("Aanbieders", "/aanbieders", Role.CONTRACTMANAGER),
    _item("Contracten", "/contracten", Role.CONTRACTMANAGER, group=CONTRACTS),
    _item("Contractbeheer", "/contractbeheer", Role.CONTRACTMANAGER, group=CONTRACTS),
    _item("Verlengkalender", "/verlengkalender", Role.CONTRACTMANAGER, group=CONTRACTS),
    _item("Producten en tarieven", "/producten", Role.CONTRACTMANAGER, group=CONTRACTS),
    _item("Aanbestedingen", "/aanbestedingen", Role.CONTRACTMANAGER, group=PROCUREMENT),
    _item("Concentratie", "/monitoring/concentratie", Role.CONTRACTMANAGER, group=MONITORING),
    _item("Dekkend aanbod", "/monitoring/dekking", Role.CONTRACTMANAGER, group=MONITORING),
    _item("Benchmark", "/monitoring/benchmark", Role.CONTRACTMANAGER, group=MONITORING),
    _item(
        "Signalen over aanbieders",
        "/aanbiedersignalen",
        Role.CONSULENT,
        Role.CONTRACTMANAGER,
        group=MONITORING,
    ),
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
"""In the order the header shows them; a group stands where its first entry is."""

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


@dataclass(frozen=True, slots=True)
class NavMenu:
    """A group in the header: its heading (a disclosure button, without JavaScript a link to
    ``path``) and its links; ``current`` when the page is under one of them or is its overview."""

    key: str
    label: str
    path: str
    links: tuple[NavLink, ...]
    current: bool


def _items_for(user: User) -> list[NavItem]:
    return [item for item in NAVIGATION if user.role in item.roles]


def navigation_for(user: User, path: str) -> list[NavLink | NavMenu]:
    """The header for ``user``: links, and for a role with more than :data:`MAX_FLAT` entries
    its grouped entries as menus (a group of one entry stays a link); the entry ``path`` is
    under is marked current."""
    items = _items_for(user)
    best = max((item.path for item in items if path == item.path or path.startswith(item.path + "/")),
               key=len, default=None)  # fmt: skip
    grouped = len(items) > MAX_FLAT
    members: dict[NavGroup, list[NavItem]] = {}
    for item in items:
        if grouped and item.group is not None:
            members.setdefault(item.group, []).append(item)
    header: list[NavLink | NavMenu] = []
    for item in items:
        group = item.group if grouped else None
        if group is None or len(members[group]) == 1:
            header.append(NavLink(item.label, item.path, item.path == best))
        elif members[group][0] is item:
            links = tuple(NavLink(i.label, i.path, i.path == best) for i in members[group])
            current = path == group.path or any(link.current for link in links)
            header.append(NavMenu(group.key, group.label, group.path, links, current))
    return header


def group_for(user: User, key: str) -> tuple[NavGroup, list[NavLink]] | None:
    """A group's entries for ``user`` (its overview page), or None when it has none for them."""
    links = [NavLink(i.label, i.path, False) for i in _items_for(user) if i.group and i.group.key == key]
    group = next((i.group for i in NAVIGATION if i.group and i.group.key == key), None)
    return (group, links) if group is not None and links else None


def home_of(user: User) -> str:
    return HOME.get(user.role, "/start")
