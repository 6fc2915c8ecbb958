# SPDX-License-Identifier: EUPL-1.2
"""The header's menu: the contract manager's entries grouped under disclosure buttons (without
JavaScript links to a group's overview page, which lists the group), ``aria-current`` on the
entry the page is under and on its group; roles with a handful of entries keep a flat menu."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web_helpers import soup
from zorginkoop.domain.accounts import MUNICIPAL_ROLES, PROVIDER_ROLES, Role, User
from zorginkoop.web.ui.navigation import MAX_FLAT, NAVIGATION, NavLink, NavMenu, group_for, navigation_for


def _user(role: Role) -> User:
    if role in MUNICIPAL_ROLES:
        return User("tester", role, municipalities=frozenset({"0321"}))
    if role in PROVIDER_ROLES:
        return User("tester", role, provider_agb="98214099")
    return User("tester", role)


def test_every_role_sees_each_of_its_entries_once_and_only_the_contract_manager_is_grouped() -> None:
    for role in Role:
        header = navigation_for(_user(role), "/start")
        shown = [
            link.path
            for entry in header
            for link in (entry.links if isinstance(entry, NavMenu) else (entry,))
        ]
        assert sorted(shown) == sorted(item.path for item in NAVIGATION if role in item.roles), role
        assert len(header) <= MAX_FLAT, role
        menus = [e for e in header if isinstance(e, NavMenu)]
        assert bool(menus) == (role is Role.CONTRACTMANAGER), role


def test_the_current_entry_and_its_group_are_marked() -> None:
    header = navigation_for(_user(Role.CONTRACTMANAGER), "/verlengkalender")
    contracts = next(e for e in header if isinstance(e, NavMenu) and e.key == "contracten")
    assert contracts.current
    assert [link.label for link in contracts.links if link.current] == ["Verlengkalender"]
    assert not any(e.current for e in header if e is not contracts)
    # the longest matching path wins: /aanbestedingen/X/convenant is under Aanbestedingen
    header = navigation_for(_user(Role.CONTRACTMANAGER), "/aanbestedingen/WMO2022/convenant")
    assert [e.label for e in header if isinstance(e, NavLink) and e.current] == ["Aanbestedingen"]
    # the consultant's "Signalen over aanbieders" stays a top-level link
    header = navigation_for(_user(Role.CONSULENT), "/aanbiedersignalen")
    assert all(isinstance(e, NavLink) for e in header)
    assert [e.label for e in header if e.current] == ["Signalen over aanbieders"]


def test_a_group_s_overview_lists_only_what_the_role_may_open() -> None:
    found = group_for(_user(Role.CONTRACTMANAGER), "monitoring")
    assert found is not None and [link.path for link in found[1]] == [
        "/monitoring/concentratie", "/monitoring/dekking", "/monitoring/benchmark", "/aanbiedersignalen",
    ]  # fmt: skip
    assert group_for(_user(Role.BACKOFFICE), "monitoring") is None
    assert group_for(_user(Role.CONTRACTMANAGER), "geen") is None


def test_the_header_groups_have_a_toggle_that_without_javascript_links_to_the_overview(browser_for) -> None:  # type: ignore[no-untyped-def]
    client: TestClient = browser_for("contractmanager")
    page = soup(client.get("/contracten"))
    group = page.select_one("nav[aria-label=Hoofdmenu] li[data-nav-group] ")
    toggle = group.select_one("[data-nav-toggle]")
    assert toggle.name == "a" and toggle["href"] == "/menu/contracten" and toggle["aria-current"] == "true"
    menu = group.select_one("ul")
    assert menu.has_attr("hidden") and menu["id"] == "menu-contracten"
    assert page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]")["href"] == "/contracten"
    assert page.select_one("script[src='/static/nav.js']") is not None

    overview = soup(client.get("/menu/contracten"))
    assert overview.h1.get_text(strip=True) == "Contracten"
    assert [a["href"] for a in overview.select("main a")] == [
        "/contracten", "/contractbeheer", "/verlengkalender", "/producten",
    ]  # fmt: skip
    assert overview.select_one("nav[aria-label=Hoofdmenu] [data-nav-toggle][aria-current=page]")["href"] == (
        "/menu/contracten"
    )
    assert client.get("/menu/geen").status_code == 404


@pytest.mark.parametrize("login", ["consulent", "aanbieder", "backoffice"])
def test_roles_with_a_few_entries_keep_a_flat_menu(browser_for, login: str) -> None:  # type: ignore[no-untyped-def]
    page = soup(browser_for(login).get("/start"))
    nav = page.select_one("nav[aria-label=Hoofdmenu]")
    assert nav.select("li[data-nav-group]") == [] and nav.select("button") == []
    assert browser_for(login).get("/menu/contracten").status_code == 404


def test_the_script_is_served_under_the_content_security_policy(visitor: TestClient) -> None:
    answer = visitor.get("/static/nav.js")
    assert answer.status_code == 200 and "aria-expanded" in answer.text
