# SPDX-License-Identifier: EUPL-1.2
"""The web application's foundation: login and logout, the session cookie, CSRF on every form,
safe redirects, Dutch pages with the layout's landmarks, security headers, error pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web_helpers import csrf_of, log_in, soup
from zorginkoop.settings import Settings
from zorginkoop.web.app import create_app
from zorginkoop.web.ui import STATIC_DIR


def test_a_visitor_is_sent_to_the_login_page_and_back_to_where_they_were_going(visitor: TestClient) -> None:
    assert visitor.get("/", follow_redirects=False).headers["location"] == "/login"
    to_login = visitor.get("/start?x=1", follow_redirects=False)
    assert to_login.status_code == 303
    assert to_login.headers["location"] == "/login?next=/start%3Fx%3D1"
    form = visitor.get(to_login.headers["location"])
    assert soup(form).find("input", {"name": "next"})["value"] == "/start?x=1"
    answer = visitor.post("/login", data={"username": "consulent", "password": "demo-wachtwoord-voor-tests",
                                          "csrf_token": csrf_of(form), "next": "/start?x=1"},
                          follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == "/start?x=1"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_never_redirects_off_the_site(visitor: TestClient, target: str) -> None:
    form = visitor.get("/login")
    answer = visitor.post("/login", data={"username": "consulent", "password": "demo-wachtwoord-voor-tests",
                                          "csrf_token": csrf_of(form), "next": target}, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/") and not answer.headers["location"].startswith("//")
    assert "evil" not in answer.headers["location"]


def test_a_wrong_password_gives_one_dutch_line_and_no_session(visitor: TestClient) -> None:
    answer = log_in(visitor, "consulent", "niet-het-wachtwoord")
    assert answer.status_code == 401
    page = soup(answer)
    assert (
        page.find(attrs={"role": "alert"}).get_text(strip=True) == "Gebruikersnaam of wachtwoord is onjuist."
    )
    assert page.find("input", {"name": "username"})["value"] == "consulent"
    assert visitor.get("/start", follow_redirects=False).status_code == 303


def test_empty_fields_are_named_next_to_the_field(visitor: TestClient) -> None:
    form = visitor.get("/login")
    answer = visitor.post("/login", data={"username": "", "password": "", "csrf_token": csrf_of(form)})
    assert answer.status_code == 400
    page = soup(answer)
    field = page.find("input", {"name": "username"})
    assert field["aria-invalid"] == "true"
    assert page.find(id=field["aria-describedby"]).get_text(strip=True) == "Vul uw gebruikersnaam in."
    assert [a["href"] for a in page.select("[role=alert] a")] == ["#veld-username", "#veld-password"]


def test_after_too_many_failures_the_login_is_throttled_even_with_the_right_password(
    web_app: TestClient,
) -> None:
    with TestClient(web_app.app) as client:
        for _ in range(5):
            assert log_in(client, "privacy", "fout-wachtwoord-123").status_code == 401
        answer = log_in(client, "privacy")
        assert answer.status_code == 429
        assert "Te veel mislukte pogingen" in soup(answer).find(attrs={"role": "alert"}).get_text()


def test_a_form_without_its_csrf_token_is_refused(visitor: TestClient, browser_for) -> None:  # type: ignore[no-untyped-def]
    visitor.get("/login")
    answer = visitor.post("/login", data={"username": "consulent", "password": "demo-wachtwoord-voor-tests"})
    assert answer.status_code == 403
    assert "Het formulier is verlopen" in answer.text
    signed_in = browser_for("consulent")
    assert signed_in.post("/logout", data={"csrf_token": "geraden"}).status_code == 403
    assert signed_in.get("/start", follow_redirects=False).status_code == 200  # still signed in


def test_logging_in_renews_the_csrf_token_and_logging_out_revokes_the_session(visitor: TestClient) -> None:
    before = csrf_of(visitor.get("/login"))
    assert log_in(visitor, "consulent").status_code == 303
    start = visitor.get("/start")
    after = csrf_of(start)
    assert after != before
    stolen = dict(visitor.cookies)
    out = visitor.post("/logout", data={"csrf_token": after}, follow_redirects=False)
    assert out.headers["location"] == "/login?uitgelogd=1"
    # a copy of the cookie taken before logging out no longer works: its token is revoked
    with TestClient(visitor.app, cookies=stolen) as thief:
        assert thief.get("/start", follow_redirects=False).status_code == 303


def test_the_session_cookie_is_httponly_samesite_and_secure_outside_development(
    web_store,
    web_engine,  # type: ignore[no-untyped-def]
) -> None:
    production = Settings(database_url=web_store[0], env="production", secret_key="x" * 40)
    with TestClient(create_app(production, engine=web_engine), base_url="https://testserver") as client:
        cookie = client.get("/login").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_every_page_is_dutch_with_a_title_a_skip_link_and_one_main(browser_for, visitor: TestClient) -> None:  # type: ignore[no-untyped-def]
    pages = [visitor.get("/login"), visitor.get("/toegankelijkheid"), visitor.get("/bestaat-niet"),
             browser_for("beheerder").get("/start")]  # fmt: skip
    for answer in pages:
        page = soup(answer)
        assert page.html["lang"] == "nl"
        assert page.title.get_text().endswith("– zorginkoop")
        assert page.find("a", href="#inhoud") is not None and len(page.find_all("main", id="inhoud")) == 1
        assert len(page.find_all("h1")) == 1


def test_error_pages_are_dutch_for_pages_and_json_for_the_api(visitor: TestClient) -> None:
    missing = visitor.get("/bestaat-niet")
    assert missing.status_code == 404 and soup(missing).h1.get_text() == "Niet gevonden"
    assert visitor.get("/api/v1/nothing").json() == {"detail": "Not Found"}


def test_pages_carry_a_content_security_policy_and_the_api_docs_keep_working(visitor: TestClient) -> None:
    page = visitor.get("/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in visitor.get("/api/docs").headers


def test_the_start_page_names_the_role_and_what_it_may_see(browser_for) -> None:  # type: ignore[no-untyped-def]
    text = soup(browser_for("aanbieder").get("/start")).main.get_text(" ", strip=True)
    assert "Zorgaanbieder" in text and "AGB-code" in text
    assert "Houten" in soup(browser_for("consulent").get("/start")).main.get_text(" ")


def test_the_nl_design_system_css_and_its_licence_ship_in_the_package(visitor: TestClient) -> None:
    vendored = Path(STATIC_DIR) / "vendor" / "utrecht-component-library-css"
    assert (vendored / "LICENSE.md").read_text().startswith("# EUROPEAN UNION PUBLIC LICENCE")
    css = visitor.get("/static/vendor/utrecht-component-library-css/index.css")
    assert css.status_code == 200 and ".utrecht-button" in css.text
    assert visitor.get("/static/vendor/htmx/htmx.min.js").status_code == 200


def test_the_accessibility_statement_is_public(visitor: TestClient) -> None:
    page = soup(visitor.get("/toegankelijkheid"))
    assert page.h1.get_text() == "Toegankelijkheidsverklaring"
    assert "WCAG 2.1" in page.main.get_text()
