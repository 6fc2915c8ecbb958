# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's screens: providers (client stop on and off), one provider's page,
products and tariffs, contracts and ceilings with their use, the extension calendar.

Every page calls the use cases the CLI calls (:mod:`zorginkoop.services.providers`,
:mod:`zorginkoop.services.contracts`, :mod:`zorginkoop.services.spending`); none reads personal
data (counts and sums only), so none writes the processing log.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.services import contracts as contract_service
from zorginkoop.services import provider_signals
from zorginkoop.services import providers as provider_service
from zorginkoop.web.ui.query_params import LAW_NAMES_NL, law_options, parse_day, parse_law, parse_year
from zorginkoop.web.ui.session import CsrfChecked, WebUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ContractManager = Annotated[User, Depends(require_web_roles(Role.CONTRACTMANAGER))]

FLASH_KEY = "contracts_flash"
"""The session key of the one-time message shown after the client stop was switched."""

STOP_STATES = {"aan": True, "uit": False}


def _agb(agb: str) -> str:
    """An AGB code from a path: eight digits, else 404 (as for an unknown provider)."""
    if len(agb) != 8 or not agb.isascii() or not agb.isdigit():
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return agb


def _latest_year(uow: WebUnitOfWork) -> int:
    """The latest year with approved declarations in scope (this year when there are none)."""
    return uow.reports.latest_year() or date.today().year


@router.get("/aanbieders", response_class=HTMLResponse)
def providers(
    request: Request, uow: WebUnitOfWork, _user: ContractManager,
    wet: str = "", gemeente: str = "", stop: str = "",
) -> HTMLResponse:  # fmt: skip
    """Every provider: AGB code, laws, municipalities served, client stop with its switch."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet")
    names = uow.region.municipality_names()
    municipality = None
    if gemeente:
        if gemeente in names:
            municipality = gemeente
        else:
            errors["gemeente"] = "Kies een gemeente uit de lijst."
    stop_filter = {"aan": True, "uit": False}.get(stop)
    if stop and stop_filter is None:
        errors["stop"] = "Kies of de cliëntenstop aan of uit moet staan."
    rows = provider_service.provider_list(
        uow, law=law, municipality_code=municipality, client_stop=stop_filter
    )
    return render(request, "contracts/providers.html", {
        "providers": rows, "errors": errors, "flash": request.session.pop(FLASH_KEY, None),
        "law_options": law_options(), "wet": wet, "gemeente": gemeente, "stop": stop,
        "municipality_options": sorted(names.items(), key=lambda item: item[1].lower()),
        "law_names": LAW_NAMES_NL,
    }, 400 if errors else 200)  # fmt: skip


@router.get("/aanbieders/{agb}", response_class=HTMLResponse)
def provider_page(
    request: Request, uow: WebUnitOfWork, _user: ContractManager, agb: str, jaar: str = "", op: str = ""
) -> HTMLResponse:
    """One provider: its facts, contracts with products and tariffs, ceilings and their use."""
    agb = _agb(agb)
    errors: dict[str, str] = {}
    year = parse_year(jaar, errors, "jaar") or _latest_year(uow)
    day = parse_day(op, errors, "op") or date.today()
    try:
        found = provider_service.provider_file(uow, agb, on=day, year=year)
    except provider_service.ProviderError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    signals = provider_signals.signals_in(uow, agb)
    return render(request, "contracts/provider.html", {
        "file": found, "errors": errors, "signals": signals[:5], "signal_count": len(signals), "jaar": jaar or str(year), "op": op or day.isoformat(),
        "flash": request.session.pop(FLASH_KEY, None), "law_names": LAW_NAMES_NL,
    }, 400 if errors else 200)  # fmt: skip


@router.post("/aanbieders/{agb}/clientenstop", dependencies=[CsrfChecked])
def switch_client_stop(
    request: Request,
    uow: WebUnitOfWork,
    _user: ContractManager,
    agb: str,
    stand: Annotated[str, Form(max_length=10)] = "",
    terug: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Switch the client stop on (``stand=aan``) or off (``uit``); back to the list or the page."""
    agb = _agb(agb)
    provider = uow.providers.get(agb)
    if provider is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    if stand not in STOP_STATES:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Kies of de cliëntenstop aan of uit moet.")
    on = STOP_STATES[stand]
    before = provider_service.set_client_stop(uow, agb, on)
    if before == on:
        message = f"De cliëntenstop van {provider.name} stond al {stand}."
    elif on:
        message = f"De cliëntenstop van {provider.name} staat nu aan: consulenten zien deze aanbieder niet meer bij het toewijzen."
    else:
        message = f"De cliëntenstop van {provider.name} staat nu uit: de aanbieder kan weer nieuwe cliënten krijgen."
    request.session[FLASH_KEY] = message
    target = "/aanbieders" if terug == "lijst" else f"/aanbieders/{agb}"
    return RedirectResponse(target, status_code=303)


@router.get("/producten", response_class=HTMLResponse)
def products(
    request: Request, uow: WebUnitOfWork, _user: ContractManager, wet: str = "wmo", op: str = ""
) -> HTMLResponse:
    """The products of one law with their tariff per unit and reference tariff on a day."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet", allow_both=False) or Law.WMO
    day = parse_day(op, errors, "op") or date.today()
    lines = contract_service.catalogue(uow, law, day)
    return render(request, "contracts/products.html", {
        "lines": lines, "law": law, "day": day, "errors": errors, "wet": wet, "op": op or day.isoformat(),
        "law_options": law_options(allow_both=False), "law_names": LAW_NAMES_NL,
    }, 400 if errors else 200)  # fmt: skip


@router.get("/producten/{wet}/{code}", response_class=HTMLResponse)
def product_page(
    request: Request, uow: WebUnitOfWork, _user: ContractManager, wet: str, code: str
) -> HTMLResponse:
    """One product's tariffs over the years, regional and reference."""
    if wet not in {law.value for law in Law}:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    try:
        found = contract_service.product_tariffs(uow, Law(wet), code)
    except contract_service.CatalogueError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    return render(request, "contracts/product.html", {"found": found, "law_names": LAW_NAMES_NL})


@router.get("/contracten", response_class=HTMLResponse)
def contracts(
    request: Request, uow: WebUnitOfWork, _user: ContractManager, jaar: str = "", wet: str = ""
) -> HTMLResponse:
    """Contracts running in a year with their ceilings' use; the collective ceilings."""
    errors: dict[str, str] = {}
    year = parse_year(jaar, errors, "jaar") or _latest_year(uow)
    law = parse_law(wet, errors, "wet")
    overview = contract_service.contracts_overview(uow, year, law=law)
    return render(request, "contracts/contracts.html", {
        "overview": overview, "errors": errors, "jaar": jaar or str(year), "wet": wet,
        "law_options": law_options(), "law_names": LAW_NAMES_NL,
    }, 400 if errors else 200)  # fmt: skip


@router.get("/verlengkalender", response_class=HTMLResponse)
def calendar(request: Request, uow: WebUnitOfWork, _user: ContractManager, op: str = "") -> HTMLResponse:
    """Framework agreements with their extension options, deadlines and contract ends."""
    errors: dict[str, str] = {}
    day = parse_day(op, errors, "op") or date.today()
    entries = contract_service.extension_calendar(uow, day)
    return render(request, "contracts/calendar.html", {
        "entries": entries, "day": day, "op": op or day.isoformat(), "errors": errors, "law_names": LAW_NAMES_NL,
    }, 400 if errors else 200)  # fmt: skip
