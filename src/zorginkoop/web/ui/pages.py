# SPDX-License-Identifier: EUPL-1.2
"""The pages every visitor and every role has: log in and out, the start page, the
accessibility statement."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import Role
from zorginkoop.web import security
from zorginkoop.web.deps import ACCOUNTS_ACTOR, PlatformDep
from zorginkoop.web.ui.navigation import NAVIGATION, group_for, home_of
from zorginkoop.web.ui.session import (
    CsrfChecked,
    WebUser,
    safe_next,
    session_token,
    start_session,
)
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ROLE_NAMES_NL = {
    Role.CONSULENT: "Consulent sociaal team",
    Role.CONTRACTMANAGER: "Contractmanager",
    Role.BACKOFFICE: "Backoffice",
    Role.BELEIDSADVISEUR: "Beleidsadviseur",
    Role.AANBIEDER: "Zorgaanbieder",
    Role.PRIVACY: "Privacyfunctionaris",
    Role.BEHEERDER: "Beheerder",
}


@router.get("/")
def root(request: Request, platform: PlatformDep) -> Response:
    """A visitor goes to the login page, a signed-in user to the home of its role."""
    token = session_token(request)
    if token:
        with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
            user = security.authenticate(uow, platform.settings, token)
        if user is not None:
            return RedirectResponse(home_of(user), status_code=303)
    return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None, uitgelogd: int = 0) -> HTMLResponse:
    return render(request, "login.html", {"next": safe_next(next), "logged_out": bool(uitgelogd)})


@router.post("/login", response_class=HTMLResponse, dependencies=[CsrfChecked])
def login(
    request: Request,
    platform: PlatformDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=security.MAX_PASSWORD_LENGTH + 1)] = "",
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Log in: a session with a fresh token, or the form again with one clear error."""
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Vul uw gebruikersnaam in."
    if not password:
        errors["password"] = "Vul uw wachtwoord in."  # noqa: S105 (a message, not a password)
    if errors:
        return render(
            request, "login.html", {"next": safe_next(next), "errors": errors, "username": username}, 400
        )
    with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
        try:
            issued = security.log_in(uow, platform.settings, username.strip(), password)
        except security.LoginThrottled as exc:
            minutes = math.ceil(exc.retry_after.total_seconds() / 60)
            message = (f"Te veel mislukte pogingen voor deze gebruikersnaam. "
                       f"Probeer het over {minutes} {'minuut' if minutes == 1 else 'minuten'} opnieuw.")  # fmt: skip
            return render(
                request,
                "login.html",
                {"next": safe_next(next), "failure": message, "username": username},
                429,
            )
        except security.LoginRefused:
            return render(
                request, "login.html",
                {"next": safe_next(next), "failure": "Gebruikersnaam of wachtwoord is onjuist.", "username": username},
                401,
            )  # fmt: skip
    start_session(request, issued.access_token)
    return RedirectResponse(safe_next(next) or home_of(issued.user), status_code=303)


@router.post("/logout", dependencies=[CsrfChecked])
def logout(request: Request, platform: PlatformDep) -> Response:
    """Log out: the session's token is revoked and the cookie emptied."""
    token = session_token(request)
    if token:
        with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
            security.revoke(uow, platform.settings, token)
    request.session.clear()
    return RedirectResponse("/login?uitgelogd=1", status_code=303)


@router.get("/start", response_class=HTMLResponse)
def start(request: Request, user: WebUser, platform: PlatformDep) -> HTMLResponse:
    tasks = [item for item in NAVIGATION if user.role in item.roles and item.path != "/start"]
    with platform.unit_of_work(actor=user.login, scope=user.scope()) as uow:
        names = uow.region.municipality_names()
        provider = uow.providers.get(user.provider_agb) if user.provider_agb else None
    return render(request, "start.html", {
        "role_name": ROLE_NAMES_NL[user.role], "tasks": tasks,
        "municipalities": [f"{names.get(code, code)} ({code})" for code in sorted(user.municipalities)],
        "provider": provider,
    })  # fmt: skip


@router.get("/menu/{key}", response_class=HTMLResponse)
def menu_group(request: Request, user: WebUser, key: str) -> HTMLResponse:
    """A group of the header's menu as a page: what its button opens, for a browser without
    JavaScript (and a place to read the group's entries at leisure)."""
    found = group_for(user, key)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    group, links = found
    return render(request, "menu.html", {"group": group, "links": links})


@router.get("/toegankelijkheid", response_class=HTMLResponse)
def accessibility(request: Request) -> HTMLResponse:
    return render(request, "toegankelijkheid.html")
