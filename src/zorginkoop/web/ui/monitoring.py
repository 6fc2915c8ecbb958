# SPDX-License-Identifier: EUPL-1.2
"""The contract manager's monitoring screens: the concentration of providers with its Pareto
chart, the coverage of the offer (dekkend aanbod), a provider's account report (HTML and PDF);
and the signals about providers that consultants and contract managers record.

Every page calls the use case the CLI calls (:func:`zorginkoop.services.monitoring.concentration`,
:func:`~zorginkoop.services.monitoring.coverage_on`,
:func:`zorginkoop.services.account_report.account_report`,
:mod:`zorginkoop.services.provider_signals`). Charts are inline SVG (``role="img"`` with a title)
with the same figures in a table beside them.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.adapters import charts, documents
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import TARGET_GROUPS
from zorginkoop.services import account_report as reporting
from zorginkoop.services import monitoring, provider_signals
from zorginkoop.services.provider_signals import SignalError, SignalKind
from zorginkoop.web.ui.query_params import LAW_NAMES_NL, law_options, parse_day, parse_law, parse_year
from zorginkoop.web.ui.session import CsrfChecked, WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ContractManager = Annotated[User, Depends(require_web_roles(Role.CONTRACTMANAGER))]
SignalWriter = Annotated[User, Depends(require_web_roles(Role.CONSULENT, Role.CONTRACTMANAGER))]

TARGET_GROUP_NL = {
    "psychogeriatric-somatic": "psychogeriatrisch / somatisch",
    "psychiatric-psychosocial": "psychiatrisch / psychosociaal",
    "acquired-brain-injury": "niet-aangeboren hersenletsel (NAH)",
    "mild-intellectual-disability": "licht verstandelijke beperking (LVB)",
    "complex-problems": "meervoudige, complexe problematiek",
}
KIND_OPTIONS = [("concern", "Zorg"), ("complaint", "Klacht"), ("compliment", "Compliment")]
KIND_NL = dict(KIND_OPTIONS)
FLASH_KEY = "signals_flash"


def _agb(agb: str) -> str:
    if len(agb) != 8 or not agb.isascii() or not agb.isdigit():
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return agb


# -- concentration -------------------------------------------------------------------------------


@router.get("/monitoring/concentratie", response_class=HTMLResponse)
def concentration(
    request: Request, uow: WebUseCaseUnitOfWork, _user: ContractManager,
    jaar: str = "", wet: str = Law.WMO.value, uitsluiten: str = "",
) -> HTMLResponse:  # fmt: skip
    """Providers ranked by approved cost in a year and law, the memo's reading (how many hold
    80% and 90%, the tail under 7 clients) and the Pareto chart."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet")
    choices = monitoring.dashboard_choices(uow, law or Law.WMO)
    year = parse_year(jaar, errors, "jaar")
    if year is None and not errors.get("jaar"):
        year = choices.years[-1] if choices.years else None
    known = dict(choices.municipalities)
    if uitsluiten and uitsluiten not in known:
        errors["uitsluiten"] = "Kies een gemeente uit de lijst, of geen."
    result = chart = None
    if year is not None and not errors:
        try:
            result = monitoring.concentration(uow, year, law, [uitsluiten] if uitsluiten else None)
        except monitoring.MonitoringQueryError:
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
        if result.lines:
            chart = charts.concentration(result, year, law.value if law else None)
    return render(request, "monitoring/concentration.html", {
        "result": result, "chart": chart, "groups": result.groups() if result else [],
        "years": list(choices.years), "jaar": str(year) if year else jaar, "wet": wet or "beide",
        "law_text": LAW_NAMES_NL[law] if law else "Wmo en Jeugdwet", "law_options": law_options(),
        "municipalities": choices.municipalities, "uitsluiten": uitsluiten,
        "excluded": known.get(uitsluiten), "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


# -- coverage ------------------------------------------------------------------------------------


@router.get("/monitoring/dekking", response_class=HTMLResponse)
def coverage(
    request: Request, uow: WebUseCaseUnitOfWork, _user: ContractManager,
    op: str = "", wet: str = Law.WMO.value, minimum: str = "1",
) -> HTMLResponse:  # fmt: skip
    """Per municipality and target group the providers a new client could go to on a day; a
    gap where fewer than the minimum are left (a client stop shows at once)."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet", allow_both=False) or Law.WMO
    day = parse_day(op, errors, "op") or date.today()
    least = int(minimum) if minimum.isascii() and minimum.isdigit() and len(minimum) <= 2 else None
    if least is None:
        errors["minimum"] = "Vul een heel getal in van 0 tot 99."
    lines = monitoring.coverage_on(uow, day, law, least if least is not None else 1)
    names = {
        code: TARGET_GROUP_NL.get(code, code.replace("-", " "))
        for code in (g.value for g in TARGET_GROUPS[law])
    }
    return render(request, "monitoring/coverage.html", {
        "lines": lines, "gaps": sum(1 for line in lines if line.gap), "day": day, "op": op or day.isoformat(),
        "wet": law.value, "law_text": LAW_NAMES_NL[law], "law_options": law_options(allow_both=False),
        "minimum": minimum, "group_names": names, "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


# -- the account report --------------------------------------------------------------------------


def _report(uow: WebUseCaseUnitOfWork, agb: str, kwartaal: str) -> reporting.AccountReport:
    try:
        return reporting.account_report(uow, _agb(agb), kwartaal)
    except reporting.AccountReportError as exc:
        if "no provider" in str(exc):
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST, "Vul een kwartaal in als jjjj-Qn, bijvoorbeeld 2020-Q4."
        ) from None


def _default_quarter(uow: WebUseCaseUnitOfWork) -> str:
    with uow:
        year = uow.reports.latest_year() or date.today().year
    return f"{year}-Q4"


@router.get("/aanbieders/{agb}/accountrapport", response_class=HTMLResponse)
def account_report_page(
    request: Request, uow: WebUseCaseUnitOfWork, _user: ContractManager, agb: str, kwartaal: str = ""
) -> HTMLResponse:
    """The provider's account report for a quarter (default: the last quarter of the latest
    year with declarations), with a link to the PDF."""
    quarter = kwartaal or _default_quarter(uow)
    report = _report(uow, agb, quarter)
    return render(
        request, "monitoring/account_report.html", {"report": report, "kwartaal": report.data.quarter.label}
    )


@router.get("/aanbieders/{agb}/accountrapport.pdf")
def account_report_pdf(
    uow: WebUseCaseUnitOfWork, _user: ContractManager, agb: str, kwartaal: str = ""
) -> Response:
    """The same report as a PDF download."""
    report = _report(uow, agb, kwartaal or _default_quarter(uow))
    try:
        pdf = documents.html_to_pdf(documents.account_report_html(report))
    except documents.DocumentError:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "De PDF kan nu niet worden gemaakt."
        ) from None
    name = f"accountrapport-{report.data.provider_agb}-{report.data.quarter.label}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# -- signals about providers ---------------------------------------------------------------------


def _signals_page(
    request: Request, uow: UnitOfWork, form: dict[str, str], errors: dict[str, str], code: int
) -> HTMLResponse:
    chosen = form.get("aanbieder", "")
    with uow:
        providers = sorted(
            ((p.agb_code, f"{p.name} ({p.agb_code})") for p in uow.providers.all()),
            key=lambda o: o[1].lower(),
        )
        names = uow.region.municipality_names()
        signals = provider_signals.signals_in(uow, chosen) if chosen in dict(providers) else []
    mine = sorted(
        ((c, n) for c, n in names.items() if uow.scope.sees_municipality(c)), key=lambda m: m[1].lower()
    )
    return render(request, "monitoring/signals.html", {
        "providers": providers, "municipalities": mine, "form": form, "errors": errors, "signals": signals,
        "kind_options": KIND_OPTIONS, "kind_names": KIND_NL, "municipality_names": names,
        "chosen_name": dict(providers).get(chosen), "flash": request.session.pop(FLASH_KEY, None),
        "several": uow.scope.code is None,
    }, code)  # fmt: skip


@router.get("/aanbiedersignalen", response_class=HTMLResponse)
def signals(
    request: Request, uow: WebUseCaseUnitOfWork, _user: SignalWriter, aanbieder: str = ""
) -> HTMLResponse:
    """Record a signal about a provider; the signals recorded about the chosen one."""
    return _signals_page(request, uow, {"aanbieder": aanbieder, "soort": "concern"}, {}, 200)


@router.post("/aanbiedersignalen", dependencies=[CsrfChecked], response_model=None)
def record_signal(  # noqa: PLR0917 - one parameter per form field
    request: Request,
    uow: WebUseCaseUnitOfWork,
    _user: SignalWriter,
    aanbieder: Annotated[str, Form(max_length=8)] = "",
    soort: Annotated[str, Form(max_length=12)] = "",
    gemeente: Annotated[str, Form(max_length=4)] = "",
    tekst: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Store the signal (who: the signed-in user; when: now) and show the provider's signals."""
    form = {"aanbieder": aanbieder, "soort": soort, "gemeente": gemeente, "tekst": tekst}
    errors: dict[str, str] = {}
    if soort not in KIND_NL:
        errors["soort"] = "Kies zorg, klacht of compliment."
    if gemeente and not uow.scope.sees_municipality(gemeente):
        errors["gemeente"] = "Kies een van uw gemeenten."
    elif not gemeente and uow.scope.code is None:
        errors["gemeente"] = "Kies de gemeente waarvoor u het signaal vastlegt."
    if not tekst.strip():
        errors["tekst"] = "Beschrijf wat u is opgevallen."
    if not errors:
        try:
            provider_signals.note_signal(
                uow, aanbieder, tekst, kind=SignalKind(soort), municipality=gemeente or None
            )
        except provider_signals.UnknownProvider:
            errors["aanbieder"] = "Kies een aanbieder uit de lijst."
        except SignalError as exc:
            errors["tekst"] = _signal_error_nl(str(exc))
    if errors:
        return _signals_page(request, uow, form, errors, 400)
    request.session[FLASH_KEY] = "Het signaal is vastgelegd."
    return RedirectResponse(f"/aanbiedersignalen?aanbieder={aanbieder}", status_code=303)


def _signal_error_nl(message: str) -> str:
    if "BSN" in message:
        return "De tekst bevat een BSN. Een signaal gaat over de aanbieder: laat cliëntgegevens weg."
    if "characters" in message:
        return "De tekst is te lang: gebruik ten hoogste 2000 tekens."
    return "Het signaal kon niet worden vastgelegd. Controleer de velden."
