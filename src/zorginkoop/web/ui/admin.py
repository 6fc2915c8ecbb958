# SPDX-License-Identifier: EUPL-1.2
"""The beheerder's screens: the users (role, what each may see, active or not), adding a user,
disabling one (its sessions and tokens end at once), enabling it again, setting a new password.

The same use cases as ``zorginkoop users`` (services/accounts.py). The form says what is wrong
in Dutch next to the field before the use case is called; the use case checks everything again
(the role and scope rules of domain/accounts.py), so nothing half-made is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import MUNICIPAL_ROLES, PROVIDER_ROLES, AccountError, Role, User
from zorginkoop.services import accounts
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    now_utc,
    password_problem,
)
from zorginkoop.web.ui.pages import ROLE_NAMES_NL
from zorginkoop.web.ui.session import CsrfChecked, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

USERS_PATH = "/beheer/gebruikers"
FLASH_KEY = "beheer_melding"
"""Session key of the one-line message the users list shows after a change."""

Beheerder = Annotated[User, Depends(require_web_roles(Role.BEHEERDER))]
FormText = Annotated[str, Form(max_length=MAX_PASSWORD_LENGTH + 1)]


def _uow(platform: PlatformDep, user: User) -> UnitOfWork:
    """A unit of work for a use case that opens it itself (accounts hold no personal data of
    inhabitants, so nothing here is written to the processing log)."""
    return platform.unit_of_work(actor=user.login, scope=user.scope())


@dataclass(frozen=True, slots=True)
class RegionChoices:
    """What the add form offers: the region's municipalities and providers."""

    municipalities: dict[str, str]
    providers: dict[str, str]


def _choices(platform: PlatformDep, user: User, only_providers: set[str] | None = None) -> RegionChoices:
    """The region's municipalities and providers (or only the providers named, for a list)."""
    with _uow(platform, user) as uow:
        names = uow.region.municipality_names()
        if only_providers is None:
            providers = {p.agb_code: p.name for p in uow.providers.all()}
        else:
            found = (uow.providers.get(agb) for agb in sorted(only_providers))
            providers = {p.agb_code: p.name for p in found if p is not None}
    return RegionChoices(dict(sorted(names.items(), key=lambda item: item[1])), providers)


def _sees(user: User, choices: RegionChoices) -> str:
    """What a user may see, in words: its municipalities, its provider or the whole region."""
    if user.municipalities:
        return ", ".join(choices.municipalities.get(code, code) for code in sorted(user.municipalities,
                         key=lambda c: choices.municipalities.get(c, c)))  # fmt: skip
    if user.provider_agb is not None:
        return f"{choices.providers.get(user.provider_agb, 'aanbieder')} (AGB {user.provider_agb})"
    return "De hele regio"


def _password_error(password: str) -> str | None:
    """The rule of ``password_problem`` in Dutch."""
    if password_problem(password) is None:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD_LENGTH} tekens."
    return f"Het wachtwoord is te lang: gebruik hoogstens {MAX_PASSWORD_LENGTH} tekens."


def _login_error(login: str) -> str | None:
    if not login.strip():
        return "Vul een gebruikersnaam in."
    try:
        User.create(login, Role.BEHEERDER)  # the domain's rule for a login name
    except AccountError:
        return "Gebruik 2 tot 100 tekens: letters, cijfers, punt, liggend streepje, streepje of @."
    return None


def _new_user_errors(
    choices: RegionChoices, *, login: str, role: str, municipalities: list[str], provider: str, password: str
) -> dict[str, str]:
    """Dutch errors per field for a new user; the role decides what it must be tied to."""
    errors: dict[str, str] = {}
    if problem := _login_error(login):
        errors["login"] = problem
    chosen = next((r for r in Role if r.value == role), None)
    if chosen is None:
        errors["role"] = "Kies een rol."
    unknown = [code for code in municipalities if code not in choices.municipalities]
    if unknown:
        errors["municipalities"] = (
            f"Gemeente {unknown[0]} hoort niet bij de regio. Kies gemeenten uit de lijst."
        )
    elif chosen in MUNICIPAL_ROLES and not municipalities:
        errors["municipalities"] = (
            f"Een {ROLE_NAMES_NL[chosen].lower()} werkt voor gemeenten: kies er minstens één."
        )
    elif chosen is not None and chosen not in MUNICIPAL_ROLES and municipalities:
        errors["municipalities"] = (
            f"De rol {ROLE_NAMES_NL[chosen].lower()} hoort niet bij gemeenten: kies geen gemeente."
        )
    if provider and provider not in choices.providers:
        errors["provider"] = "Deze aanbieder is niet bekend in de regio. Kies een aanbieder uit de lijst."
    elif chosen in PROVIDER_ROLES and not provider:
        errors["provider"] = "Een zorgaanbieder hoort bij één aanbieder: kies de aanbieder."
    elif chosen is not None and chosen not in PROVIDER_ROLES and provider:
        errors["provider"] = (
            f"De rol {ROLE_NAMES_NL[chosen].lower()} hoort niet bij een aanbieder: kies geen aanbieder."
        )
    if problem := _password_error(password):
        errors["password"] = problem
    return errors


def _form_page(request: Request, choices: RegionChoices, values: dict[str, Any], errors: dict[str, str],
               status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return render(request, "admin/new_user.html", {
        "roles": [(r.value, ROLE_NAMES_NL[r]) for r in Role],
        "municipalities": list(choices.municipalities.items()),
        "providers": [(agb, f"{name} (AGB {agb})") for agb, name in sorted(choices.providers.items(),
                                                                            key=lambda item: item[1])],
        "values": values, "errors": errors,
    }, status_code)  # fmt: skip


@router.get(USERS_PATH, response_class=HTMLResponse)
def users(request: Request, platform: PlatformDep, user: Beheerder) -> HTMLResponse:
    """Every user: login, role, what it may see, active or disabled."""
    everyone = accounts.list_users(_uow(platform, user))
    choices = _choices(platform, user, {u.provider_agb for u in everyone if u.provider_agb})
    rows = [{"login": u.login, "role": ROLE_NAMES_NL[u.role], "sees": _sees(u, choices), "active": u.active}
            for u in everyone]  # fmt: skip
    return render(
        request, "admin/users.html", {"rows": rows, "message": request.session.pop(FLASH_KEY, None)}
    )


@router.get(USERS_PATH + "/nieuw", response_class=HTMLResponse)
def new_user_form(request: Request, platform: PlatformDep, user: Beheerder) -> HTMLResponse:
    return _form_page(request, _choices(platform, user), {"municipalities": []}, {})


@router.post(USERS_PATH + "/nieuw", response_class=HTMLResponse, dependencies=[CsrfChecked])
def add_user(  # noqa: PLR0917 - one parameter per form field
    request: Request,
    platform: PlatformDep,
    user: Beheerder,
    login: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    municipalities: Annotated[list[str], Form()] = [],  # noqa: B006 - FastAPI copies the default
    provider: Annotated[str, Form()] = "",
    password: FormText = "",
) -> Response:
    """Add a user; the form again with a Dutch error next to each wrong field (400)."""
    choices = _choices(platform, user)
    values = {"login": login, "role": role, "municipalities": municipalities, "provider": provider}
    errors = _new_user_errors(choices, login=login, role=role, municipalities=municipalities, provider=provider,
                              password=password)  # fmt: skip
    if not errors:
        with _uow(platform, user) as uow:
            if uow.accounts.exists(login.strip()):
                errors["login"] = "Deze gebruikersnaam bestaat al. Kies een andere."
    if not errors:
        try:
            added = accounts.add_user(
                _uow(platform, user), login, role, municipalities=municipalities, provider_agb=provider or None,
                password_hash=hash_password(password), now=now_utc(),
            )  # fmt: skip
        except AccountError:
            # the checks above mirror the use case's; a login added meanwhile is the one way here
            errors["login"] = "Deze gebruiker kan niet worden toegevoegd: de gebruikersnaam bestaat al."
        else:
            request.session[FLASH_KEY] = f"Gebruiker {added.login} is toegevoegd. Die kan nu inloggen."
            return RedirectResponse(USERS_PATH, status_code=303)
    return _form_page(request, choices, values, errors, 400)


def _user_page(request: Request, platform: PlatformDep, user: Beheerder, login: str, *,
               errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    found = accounts.get_user(_uow(platform, user), login)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze gebruiker bestaat niet.")
    return render(request, "admin/user.html", {
        "account": found, "role_name": ROLE_NAMES_NL[found.role], "sees": _sees(found, _choices(platform, user, {found.provider_agb} if found.provider_agb else set())),
        "is_self": found.login == user.login, "errors": errors or {},
        "message": request.session.pop(FLASH_KEY, None),
    }, status_code)  # fmt: skip


@router.get(USERS_PATH + "/{login}", response_class=HTMLResponse)
def user_page(request: Request, platform: PlatformDep, user: Beheerder, login: str) -> HTMLResponse:
    """One user, with disable or enable and a new password."""
    return _user_page(request, platform, user, login)


@router.post(USERS_PATH + "/{login}/uitschakelen", dependencies=[CsrfChecked])
def disable(request: Request, platform: PlatformDep, user: Beheerder, login: str) -> Response:
    """Disable a user: it cannot log in, and its sessions and tokens end at once."""
    if login == user.login:
        return _user_page(request, platform, user, login,
                          errors={"status": "U kunt uw eigen account niet uitschakelen."}, status_code=400)  # fmt: skip
    try:
        accounts.disable_user(_uow(platform, user), login, now_utc())
    except AccountError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze gebruiker bestaat niet.") from None
    request.session[FLASH_KEY] = f"Gebruiker {login} is uitgeschakeld en overal uitgelogd."
    return RedirectResponse(f"{USERS_PATH}/{login}", status_code=303)


@router.post(USERS_PATH + "/{login}/inschakelen", dependencies=[CsrfChecked])
def enable(request: Request, platform: PlatformDep, user: Beheerder, login: str) -> Response:
    """Enable a disabled user again: it can log in anew."""
    try:
        accounts.enable_user(_uow(platform, user), login)
    except AccountError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze gebruiker bestaat niet.") from None
    request.session[FLASH_KEY] = f"Gebruiker {login} is weer ingeschakeld en kan inloggen."
    return RedirectResponse(f"{USERS_PATH}/{login}", status_code=303)


@router.post(USERS_PATH + "/{login}/wachtwoord", response_class=HTMLResponse, dependencies=[CsrfChecked])
def new_password(
    request: Request, platform: PlatformDep, user: Beheerder, login: str, password: FormText = ""
) -> Response:
    """Set a new password: the user's sessions and tokens end, it logs in with the new one."""
    if problem := _password_error(password):
        return _user_page(request, platform, user, login, errors={"password": problem}, status_code=400)
    try:
        accounts.set_password(_uow(platform, user), login, hash_password(password), now_utc())
    except AccountError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Deze gebruiker bestaat niet.") from None
    if login == user.login:  # its own session's token is revoked too: log in with the new password
        request.session.clear()
        return RedirectResponse("/login", status_code=303)
    request.session[FLASH_KEY] = f"Gebruiker {login} heeft een nieuw wachtwoord en is overal uitgelogd."
    return RedirectResponse(f"{USERS_PATH}/{login}", status_code=303)
