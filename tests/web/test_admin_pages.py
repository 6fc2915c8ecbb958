# SPDX-License-Identifier: EUPL-1.2
"""The beheerder's screens: the users with role, what each may see and whether it is active;
adding one (it can log in), disabling one (its session ends at once), enabling it again and
setting a new password; bad input a Dutch error next to the field, nothing stored."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web_helpers import csrf_of, log_in, soup

USERS = "/beheer/gebruikers"
NEW = USERS + "/nieuw"
PASSWORD = "een-goed-wachtwoord"


def _rows(client: TestClient) -> dict[str, list[str]]:
    page = soup(client.get(USERS))
    return {
        tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in page.select("table tbody tr")
    }


def _add(client: TestClient, **fields: object):  # type: ignore[no-untyped-def]
    form = client.get(NEW)
    data: dict[str, object] = {"login": "", "role": "", "provider": "", "password": PASSWORD} | fields
    return client.post(NEW, data=data | {"csrf_token": csrf_of(form)}, follow_redirects=False)


def _post(client: TestClient, path: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(path, data=fields | {"csrf_token": csrf_of(client.get(USERS))}, follow_redirects=False)


def test_the_beheerder_lands_on_the_users_with_role_scope_and_status(
    browser_for: Callable[[str], TestClient],
) -> None:
    admin = browser_for("beheerder")
    home = admin.get("/")
    assert str(home.url).endswith(USERS)
    page = soup(home)
    assert page.h1.get_text() == "Gebruikers"
    assert [a.get_text() for a in page.select("nav[aria-label=Hoofdmenu] a")] == ["Start", "Gebruikers"]
    assert page.select_one("nav[aria-label=Hoofdmenu] a[aria-current=page]").get_text() == "Gebruikers"
    rows = _rows(admin)
    assert rows["consulent"] == ["Consulent sociaal team", "Houten", "Actief"]
    assert rows["privacy"] == ["Privacyfunctionaris", "De hele regio", "Actief"]
    assert rows["contractmanager"][1].count(",") == 4  # the five municipalities
    assert rows["aanbieder"][0] == "Zorgaanbieder" and "AGB" in rows["aanbieder"][1]
    assert [th["scope"] for th in page.select("table th")][:4] == ["col"] * 4


@pytest.mark.parametrize(
    "login", ["consulent", "contractmanager", "backoffice", "beleidsadviseur", "aanbieder", "privacy"]
)
def test_other_roles_get_403(browser_for: Callable[[str], TestClient], login: str) -> None:
    client = browser_for(login)
    for path in (USERS, NEW, USERS + "/consulent"):
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/start"))
    assert client.post(USERS + "/consulent/uitschakelen", data={"csrf_token": token}).status_code == 403
    assert client.post(NEW, data={"login": "x9", "role": "beheerder", "password": PASSWORD,
                                  "csrf_token": token}).status_code == 403  # fmt: skip


def test_the_add_form_offers_the_regions_municipalities_and_providers(
    browser_for: Callable[[str], TestClient],
) -> None:
    page = soup(browser_for("beheerder").get(NEW))
    boxes = page.select("input[type=checkbox][name=municipalities]")
    assert len(boxes) == 5
    for box in boxes:
        assert page.find("label", attrs={"for": box["id"]}) is not None
    assert page.find("fieldset").legend.get_text().startswith("Gemeenten")
    assert len(page.select("#veld-provider option")) > 10
    assert {o["value"] for o in page.select("#veld-role option")} >= {"consulent", "aanbieder", "privacy"}
    assert page.find(id="veld-password")["type"] == "password"


def test_a_new_user_is_listed_and_can_log_in(
    browser_for: Callable[[str], TestClient], web_app: TestClient
) -> None:
    admin = browser_for("beheerder")
    added = _add(admin, login="j.devries", role="consulent", municipalities=["0321", "0356"])
    assert added.status_code == 303 and added.headers["location"] == USERS
    listed = admin.get(USERS)
    assert "Gebruiker j.devries is toegevoegd." in soup(listed).find(attrs={"role": "status"}).get_text()
    assert _rows(admin)["j.devries"] == ["Consulent sociaal team", "Houten, Nieuwegein", "Actief"]
    with TestClient(web_app.app) as newcomer:
        assert log_in(newcomer, "j.devries", PASSWORD).status_code == 303
        start = newcomer.get("/start")
        assert "Houten" in start.text and "Nieuwegein" in start.text


def test_a_disabled_users_session_stops_at_once_and_it_can_be_enabled_again(
    browser_for: Callable[[str], TestClient], web_app: TestClient
) -> None:
    admin = browser_for("beheerder")
    assert _add(admin, login="p.tijdelijk", role="privacy").status_code == 303
    with TestClient(web_app.app) as them:
        assert log_in(them, "p.tijdelijk", PASSWORD).status_code == 303
        assert them.get("/privacy/verwerkingslog", follow_redirects=False).status_code == 200
        disabled = _post(admin, USERS + "/p.tijdelijk/uitschakelen")
        assert disabled.status_code == 303
        assert them.get("/privacy/verwerkingslog", follow_redirects=False).status_code == 303  # to /login
        assert log_in(them, "p.tijdelijk", PASSWORD).status_code == 401
    page = soup(admin.get(USERS + "/p.tijdelijk"))
    assert "uitgeschakeld en overal uitgelogd" in page.find(attrs={"role": "status"}).get_text()
    assert _rows(admin)["p.tijdelijk"][2] == "Uitgeschakeld"
    assert page.find("button", string="Gebruiker inschakelen") is not None
    assert _post(admin, USERS + "/p.tijdelijk/inschakelen").status_code == 303
    assert _rows(admin)["p.tijdelijk"][2] == "Actief"
    with TestClient(web_app.app) as again:
        assert log_in(again, "p.tijdelijk", PASSWORD).status_code == 303


def test_a_new_password_replaces_the_old_one_and_ends_the_session(
    browser_for: Callable[[str], TestClient], web_app: TestClient
) -> None:
    admin = browser_for("beheerder")
    assert _add(admin, login="h.wachtwoord", role="beheerder").status_code == 303
    with TestClient(web_app.app) as them:
        assert log_in(them, "h.wachtwoord", PASSWORD).status_code == 303
        short = _post(admin, USERS + "/h.wachtwoord/wachtwoord", password="kort")
        assert short.status_code == 400
        field = soup(short).find(id="veld-password")
        assert field["aria-invalid"] == "true"
        assert soup(short).find(id="fout-password").get_text(strip=True) == (
            "Het wachtwoord is te kort: gebruik minstens 10 tekens."
        )
        assert them.get(USERS, follow_redirects=False).status_code == 200  # nothing changed
        assert (
            _post(admin, USERS + "/h.wachtwoord/wachtwoord", password="nog-een-wachtwoord").status_code == 303
        )
        assert them.get(USERS, follow_redirects=False).status_code == 303
        assert log_in(them, "h.wachtwoord", PASSWORD).status_code == 401
        assert log_in(them, "h.wachtwoord", "nog-een-wachtwoord").status_code == 303


@pytest.mark.parametrize(
    ("fields", "name", "says"),
    [
        ({"login": "k.kort", "role": "privacy", "password": "kort"}, "password",
         "Het wachtwoord is te kort: gebruik minstens 10 tekens."),
        ({"login": "k.gemeente", "role": "consulent", "municipalities": ["9999"]}, "municipalities",
         "Gemeente 9999 hoort niet bij de regio."),
        ({"login": "k.geen", "role": "consulent"}, "municipalities",
         "Een consulent sociaal team werkt voor gemeenten: kies er minstens één."),
        ({"login": "k.regio", "role": "privacy", "municipalities": ["0321"]}, "municipalities",
         "De rol privacyfunctionaris hoort niet bij gemeenten: kies geen gemeente."),
        ({"login": "k.aanbieder", "role": "aanbieder"}, "provider",
         "Een zorgaanbieder hoort bij één aanbieder: kies de aanbieder."),
        ({"login": "k.beide", "role": "consulent", "municipalities": ["0321"], "provider": "99999999"}, "provider",
         "Deze aanbieder is niet bekend in de regio."),
        ({"login": "k rare naam!", "role": "privacy"}, "login", "Gebruik 2 tot 100 tekens"),
        ({"login": "consulent", "role": "privacy"}, "login", "Deze gebruikersnaam bestaat al."),
        ({"login": "k.rol", "role": "koning"}, "role", "Kies een rol."),
    ],
)  # fmt: skip
def test_bad_input_is_a_dutch_error_next_to_the_field_and_nothing_is_stored(
    browser_for: Callable[[str], TestClient], fields: dict[str, object], name: str, says: str
) -> None:
    admin = browser_for("beheerder")
    answer = _add(admin, **fields)
    assert answer.status_code == 400
    page = soup(answer)
    described = page.find(id=f"veld-{name}")
    assert described["aria-invalid"] == "true" and f"fout-{name}" in described["aria-describedby"]
    assert page.find(id=f"fout-{name}").get_text(strip=True).startswith(says)
    assert f"#veld-{name}" in [a["href"] for a in page.select("[role=alert] a")]
    assert page.find(id="veld-login")["value"] == fields["login"]  # what was typed stays
    if fields["login"] != "consulent":
        assert str(fields["login"]) not in _rows(admin)


def test_a_role_and_provider_that_fit_make_a_provider_account(
    browser_for: Callable[[str], TestClient],
) -> None:
    admin = browser_for("beheerder")
    agb = soup(admin.get(NEW)).select("#veld-provider option")[1]["value"]
    assert _add(admin, login="a.zorg", role="aanbieder", provider=agb).status_code == 303
    assert _rows(admin)["a.zorg"][1].endswith(f"(AGB {agb})")


def test_the_beheerder_cannot_disable_itself_and_unknown_users_are_404(
    browser_for: Callable[[str], TestClient],
) -> None:
    admin = browser_for("beheerder")
    refused = _post(admin, USERS + "/beheerder/uitschakelen")
    assert refused.status_code == 400
    assert soup(refused).find(id="fout-status").get_text() == "U kunt uw eigen account niet uitschakelen."
    assert admin.get(USERS, follow_redirects=False).status_code == 200
    assert admin.get(USERS + "/niemand").status_code == 404
    assert _post(admin, USERS + "/niemand/uitschakelen").status_code == 404
    assert _post(admin, USERS + "/niemand/inschakelen").status_code == 404
    assert _post(admin, USERS + "/niemand/wachtwoord", password="een-lang-wachtwoord").status_code == 404


def test_posts_without_their_csrf_token_are_refused(browser_for: Callable[[str], TestClient]) -> None:
    admin = browser_for("beheerder")
    assert (
        admin.post(NEW, data={"login": "x.csrf", "role": "privacy", "password": PASSWORD}).status_code == 403
    )
    assert admin.post(USERS + "/consulent/uitschakelen").status_code == 403
    assert "x.csrf" not in _rows(admin) and _rows(admin)["consulent"][2] == "Actief"


def test_a_beheerder_who_sets_its_own_password_logs_in_anew(
    browser_for: Callable[[str], TestClient], web_app: TestClient
) -> None:
    assert _add(browser_for("beheerder"), login="b.zelf", role="beheerder").status_code == 303
    with TestClient(web_app.app) as self_admin:
        assert log_in(self_admin, "b.zelf", PASSWORD).status_code == 303
        changed = _post(self_admin, USERS + "/b.zelf/wachtwoord", password="mijn-nieuwe-wachtwoord")
        assert changed.status_code == 303 and changed.headers["location"] == "/login"
        assert self_admin.get(USERS, follow_redirects=False).status_code == 303
        assert log_in(self_admin, "b.zelf", "mijn-nieuwe-wachtwoord").status_code == 303
