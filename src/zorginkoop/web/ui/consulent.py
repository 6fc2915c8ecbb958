# SPDX-License-Identifier: EUPL-1.2
"""The consultant's screens (consulent sociaal team): find a client, the client file, intake
with the product model's explanation, decision, allocation to an eligible provider, change and
end of an allocation, and the signals of the municipality.

The same use cases as ``zorginkoop access`` (services/allocations, clients, intake, signals),
under the signed-in consultant's scope: a client of another municipality is not found (404).
A BSN never appears in a URL: it is searched with a POST form, and a client file is opened by an
opaque reference kept in the (signed, HttpOnly) session.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.allocating import is_withdrawn
from zorginkoop.domain.care import Allocation, CareError, Client, Decision, check_bsn
from zorginkoop.domain.codes import ChangeReason, Law
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.product_models import Indication, Intake, IntakeRefused, ProductModel, RefusalReason
from zorginkoop.domain.referral import Referrer, ReferrerType
from zorginkoop.domain.region import ProviderMatch
from zorginkoop.services import allocations as workflow
from zorginkoop.services import clients as client_service
from zorginkoop.services import intake as intake_service
from zorginkoop.services import signals as signal_service
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui import benchmark
from zorginkoop.web.ui.session import CsrfChecked, WebUnitOfWork, require_web_roles, seal, unseal
from zorginkoop.web.ui.templating import date_nl, render

router = APIRouter(include_in_schema=False)

Consultant = Annotated[User, Depends(require_web_roles(Role.CONSULENT))]

FILES_KEY = "dossiers"
"""Session key: opaque reference -> the BSN, sealed (encrypted, :func:`seal`), of the client files
opened in this session: the session cookie is signed but readable, so a BSN never stands in it."""
FILES_KEPT = 10
NOTICE_KEY = "melding"

BSN_ERROR = "Vul een geldig BSN in: 9 cijfers die de elfproef doorstaan."
NOT_FOUND = "Geen cliënt met dit BSN in uw gemeente. Controleer het nummer."

REFUSAL_FIELDS: dict[RefusalReason, str] = {
    RefusalReason.NO_AREAS: "areas",
    RefusalReason.UNKNOWN_AREA: "areas",
    RefusalReason.DUPLICATE_AREA: "areas",
    RefusalReason.AREA_ONLY_WITH_ANOTHER: "areas",
    RefusalReason.MISSING_TYPE: "type",
    RefusalReason.UNKNOWN_TYPE: "type",
    RefusalReason.UNKNOWN_INTENSITY: "intensity",
    RefusalReason.UNKNOWN_AGGRAVATING: "aggravating",
    RefusalReason.DUPLICATE_AGGRAVATING: "aggravating",
    RefusalReason.MONTHS_BELOW_MINIMUM: "months",
    RefusalReason.MONTHS_ABOVE_MAXIMUM: "months",
    RefusalReason.MISSING_HOURS: "hours",
    RefusalReason.HOURS_OUT_OF_RANGE: "hours",
    RefusalReason.UNKNOWN_PRODUCT: "product",
    RefusalReason.MISSING_NEED: "need",
    RefusalReason.UNKNOWN_NEED: "need",
    RefusalReason.MISSING_BANDWIDTH: "bandwidth",
    RefusalReason.UNKNOWN_BANDWIDTH: "bandwidth",
    RefusalReason.UNKNOWN_MODULE: "modules",
    RefusalReason.DUPLICATE_MODULE: "modules",
    RefusalReason.START_BEFORE_MODEL_VALID: "start",
    RefusalReason.START_AFTER_MODEL_VALID: "start",
}
"""The intake field a refusal of the product model is about: its Dutch message goes next to it."""

CHANGE_REASONS = [r for r in ChangeReason if r is not ChangeReason.ADMINISTRATIEVE_CORRECTIE_VERVALLEN]
"""RedenWijziging (WMO002/JZ002) a consultant may give, as ``access change``/``end`` accept
them; 01 may no longer be used (CS336)."""


LABELS: dict[str, dict[str, str]] = {
    "law": {"wmo": "Wmo", "jeugd": "Jeugdwet"},
    "gender": {"0": "onbekend", "1": "man", "2": "vrouw"},
    "status": {"verwijderd": "Verwijderd", "toekomstig": "Nog niet begonnen", "lopend": "Lopend",
               "beeindigd": "Beëindigd"},
    "message": {"301": "Toewijzing", "302": "Retour op toewijzing", "305": "Start zorg", "306": "Retour op start zorg",
                "307": "Stop zorg", "308": "Retour op stop zorg", "315": "Verzoek om toewijzing",
                "316": "Retour op verzoek om toewijzing", "317": "Verzoek om wijziging",
                "318": "Retour op verzoek om wijziging", "319": "Antwoord op verzoek", "323": "Declaratie",
                "325": "Antwoord op declaratie"},
    "message_status": {"pending": "Wacht in de outbox", "exported": "Verzonden", "processed": "Verwerkt",
                       "rejected": "Afgewezen"},
    "line_status": {"approved": "Goedgekeurd", "rejected": "Afgewezen"},
    "direction": {"in": "Van aanbieder", "out": "Aan aanbieder"},
    "goals": {"reached": "Doelen bereikt", "partly": "Doelen deels bereikt", "not": "Doelen niet bereikt"},
}  # fmt: skip
"""Dutch names of codes the consultant's pages show."""


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return render(request, name, {"labels": LABELS, **context}, status_code)


# -- session helpers ------------------------------------------------------------------------------


def _remember(request: Request, bsn: str) -> str:
    """The opaque reference of a client file for this session (the BSN stays out of URLs)."""
    files: dict[str, str] = dict(request.session.get(FILES_KEY) or {})
    for ref, sealed in files.items():
        if unseal(request, sealed) == bsn:
            return ref
    ref = secrets.token_urlsafe(9)
    files[ref] = seal(request, bsn)
    request.session[FILES_KEY] = dict(list(files.items())[-FILES_KEPT:])
    return ref


def _bsn_of(request: Request, ref: str) -> str:
    sealed = (request.session.get(FILES_KEY) or {}).get(ref)
    bsn = unseal(request, sealed) if isinstance(sealed, str) else None
    if bsn is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return bsn


def _notify(request: Request, message: str) -> None:
    request.session[NOTICE_KEY] = message


def _notice(request: Request) -> str | None:
    message = request.session.pop(NOTICE_KEY, None)
    return message if isinstance(message, str) else None


def _day(text: str | None) -> date | None:
    """A date from a form field (YYYY-MM-DD, as ``<input type=date>`` sends it, or D-M-YYYY);
    None when empty; ValueError when it is not a date."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        day, month, year = (int(part) for part in text.replace("/", "-").split("-"))
        return date(year, month, day)


def _parse_day(text: str | None, field: str, errors: dict[str, str], label: str) -> date | None:
    try:
        found = _day(text)
    except ValueError:
        errors[field] = f"{label}: vul een datum in als 31-12-2022."
        return None
    if found is not None and not 1900 <= found.year <= 2999:
        errors[field] = f"{label}: vul een datum tussen 1900 en 2999 in."
        return None
    return found


def _dutch(exc: Exception, lead: str) -> str:
    """What the consultant reads when a use case refuses: the lead and, where the rule has one,
    its Dutch message."""
    message_nl = getattr(exc, "message_nl", None)
    return f"{lead} {message_nl}" if message_nl else lead


def _english(exc: Exception) -> str | None:
    """The rule's own (English) message, shown as the technical reason only when there is no
    Dutch one."""
    return None if getattr(exc, "message_nl", None) else str(exc)


# -- find a client --------------------------------------------------------------------------------


@router.get("/clienten", response_class=HTMLResponse)
def search_page(request: Request, _user: Consultant) -> HTMLResponse:
    return _page(request, "consulent/zoeken.html", {"notice": _notice(request)})


@router.post("/clienten/zoeken", response_class=HTMLResponse, dependencies=[CsrfChecked])
def search_by_bsn(
    request: Request, _user: Consultant, uow: WebUnitOfWork, bsn: Annotated[str, Form(max_length=40)] = ""
) -> Response:
    """Open the file of the client with this BSN: 400 for a BSN failing the eleven-test, 404
    for a client outside the consultant's municipalities (the same as an unknown BSN)."""
    try:
        found = check_bsn(bsn.strip())
    except CareError:
        return _page(request, "consulent/zoeken.html", {"bsn": bsn, "errors": {"bsn": BSN_ERROR}}, 400)
    if client_service.find_client(uow, found) is None:
        return _page(request, "consulent/zoeken.html", {"bsn": bsn, "not_found": NOT_FOUND}, 404)
    return RedirectResponse(f"/clienten/{_remember(request, found)}", status_code=303)


@router.post("/clienten/zoeken-op-naam", response_class=HTMLResponse, dependencies=[CsrfChecked])
def search_by_name(
    request: Request,
    _user: Consultant,
    uow: WebUnitOfWork,
    achternaam: Annotated[str, Form(max_length=200)] = "",
    geboortedatum: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """Clients of the consultant's municipalities by (the start of) the family name and/or the
    birth date; each result opens with a POST of its BSN, never a link carrying it."""
    errors: dict[str, str] = {}
    born = _parse_day(geboortedatum, "geboortedatum", errors, "Geboortedatum")
    name = achternaam.strip()
    if not errors and not name and born is None:
        errors["achternaam"] = "Vul een achternaam of een geboortedatum in."
    elif name and len(name) < 2 and born is None:
        errors["achternaam"] = "Vul minstens 2 letters van de achternaam in, of ook de geboortedatum."
    context: dict[str, Any] = {"achternaam": achternaam, "geboortedatum": geboortedatum, "errors": errors}
    if errors:
        return _page(request, "consulent/zoeken.html", context, 400)
    found = client_service.find_clients(uow, family_name=name or None, birth_date=born)
    context |= {"results": found, "searched": True, "limit": client_service.SEARCH_LIMIT}
    return _page(request, "consulent/zoeken.html", context)


# -- the client file ------------------------------------------------------------------------------


@router.get("/clienten/{ref}", response_class=HTMLResponse)
def client_file(request: Request, ref: str, _user: Consultant, uow: WebUnitOfWork,
                peildatum: str | None = None) -> HTMLResponse:  # fmt: skip
    bsn = _bsn_of(request, ref)
    errors: dict[str, str] = {}
    on = _parse_day(peildatum, "peildatum", errors, "Peildatum") or date.today()
    return _dossier_page(request, uow, ref, bsn, on, errors=errors, peildatum=peildatum or "")


def _dossier_page(request: Request, uow: UnitOfWork, ref: str, bsn: str, on: date, *, errors: dict[str, str],
                  peildatum: str = "", evaluation_form: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    dossier = client_service.client_dossier(uow, bsn, on)
    if dossier is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    ended = [line.allocation for line in dossier.allocations if line.allocation.valid.end is not None
             and line.allocation.valid.end < date.today() and not is_withdrawn(line.allocation)]  # fmt: skip
    choices = [
        (f"{a.law.value}/{a.number}",
         f"{a.number}: {LABELS['law'][a.law.value]} {a.product_code or a.category}, tot en met {date_nl(a.valid.end)}")
        for a in ended
    ]  # fmt: skip
    return _page(request, "consulent/dossier.html", {
        "ref": ref, "d": dossier, "notice": _notice(request), "errors": errors,
        "peildatum": peildatum, "today": date.today(), "evaluation_choices": choices,
        "evaluation_form": evaluation_form or {"toewijzing": None, "doelen": None},
    }, 400 if errors else 200)  # fmt: skip


@router.post("/clienten/{ref}/eindevaluatie", response_class=HTMLResponse, dependencies=[CsrfChecked])
def end_evaluation(
    request: Request,
    *,
    ref: str,
    _user: Consultant,
    uow: WebUnitOfWork,
    toewijzing: Annotated[str, Form(max_length=30)] = "",
    doelen: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record the end evaluation of one of the client's ended allocations: were the goals reached?
    (the same use case as ``zorginkoop access evaluate``). Another client's allocation is 404."""
    bsn = _bsn_of(request, ref)
    errors: dict[str, str] = {}
    law, _, number = toewijzing.partition("/")
    if law not in LABELS["law"] or not number.isdigit():
        errors["toewijzing"] = "Kies een beëindigde toewijzing."
    goals = next((g for g in GoalsReached if g.value == doelen), None)
    if goals is None:
        errors["doelen"] = "Kies of de doelen bereikt zijn: bereikt, deels of niet."
    form = {"toewijzing": toewijzing, "doelen": doelen}
    if not errors and goals is not None:
        _client, allocation = _allocation_of(request, uow, ref, law, int(number))
        try:
            workflow.record_end_evaluation(uow, allocation.municipality_code, allocation.law, allocation.number,
                                           goals, date.today())  # fmt: skip
        except workflow.WorkflowError as exc:
            errors["toewijzing"] = exc.message_nl or "De eindevaluatie is niet vastgelegd."
        else:
            _notify(request, f"Eindevaluatie van toewijzing {allocation.number} vastgelegd: "
                             f"{LABELS['goals'][goals.value].lower()}.")  # fmt: skip
            return RedirectResponse(f"/clienten/{ref}#eindevaluatie", status_code=303)
    return _dossier_page(request, uow, ref, bsn, date.today(), errors=errors, evaluation_form=form)


# -- intake and decision --------------------------------------------------------------------------


def _models(platform: Platform) -> dict[str, ProductModel]:
    return intake_service.product_models(platform.settings.models_dir)


def _chosen_model(platform: Platform, model_id: str | None) -> ProductModel | None:
    models = _models(platform)
    if model_id is None or not model_id:
        return None
    if model_id not in models:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dit productmodel bestaat niet.")
    return models[model_id]


def _intake_from_form(form: dict[str, Any], model: ProductModel, errors: dict[str, str]) -> Intake | None:
    """The intake the form describes; Dutch errors per field for input that is not a number or
    date (the model's own rules are judged by ``evaluate``)."""
    choices = intake_service.intake_choices(model)
    months: int | None = None
    try:
        months = int(str(form.get("months", "")).strip())
        if months < 1:
            raise ValueError
    except ValueError:
        errors["months"] = f"Vul de duur in als een aantal maanden (1 tot en met {choices.max_months})."
    hours: Decimal | None = None
    text = str(form.get("hours") or "").strip()
    if text:
        try:
            hours = Decimal(text.replace(",", "."))
            if not hours.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors["hours"] = "Vul het aantal uren per week in als een getal, bijvoorbeeld 2,5."
    start = _parse_day(form.get("start"), "start", errors, "Startdatum")
    if errors or months is None:
        return None

    def one(name: str) -> str | None:
        value = str(form.get(name) or "").strip()
        return value or None

    return Intake(
        months=months, areas=tuple(form.get("areas") or ()), support_type=one("type"), intensity=one("intensity"),
        aggravating=tuple(form.get("aggravating") or ()), hours_per_week=hours, product_code=one("product"),
        need=one("need"), bandwidth=one("bandwidth"), modules=tuple(form.get("modules") or ()), start=start,
    )  # fmt: skip


async def _form(request: Request) -> dict[str, Any]:
    """The posted form with the multi-valued fields as lists."""
    posted = await request.form()
    data: dict[str, Any] = {key: posted.get(key) for key in posted}
    for key in ("areas", "aggravating", "modules"):
        data[key] = [str(v) for v in posted.getlist(key) if str(v).strip()]
    return data


FormData = Annotated[dict[str, Any], Depends(_form)]


def _intake_page(request: Request, platform: Platform, *, ref: str | None, client: Client | None, model: ProductModel | None,
                 form: dict[str, Any] | None = None, indication: Indication | None = None,
                 errors: dict[str, str] | None = None, failure: str | None = None,
                 detail: str | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    models = _models(platform)
    return _page(request, "consulent/intake.html", {
        "ref": ref, "client": client, "models": [(m.info.id, m.info.name) for m in models.values()],
        "model": model, "choices": intake_service.intake_choices(model) if model else None,
        "form": form or {}, "indication": indication, "errors": errors or {}, "failure": failure,
        "detail": detail,
    }, status_code)  # fmt: skip


def _client_of(request: Request, uow: UnitOfWork, ref: str) -> Client:
    client = client_service.find_client(uow, _bsn_of(request, ref))
    if client is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return client


@router.get("/intake", response_class=HTMLResponse)
def intake_without_client(request: Request, _user: Consultant, platform: PlatformDep,
                          model: str | None = None) -> HTMLResponse:  # fmt: skip
    """Weigh an intake with a product model without a client (nothing is stored)."""
    return _intake_page(request, platform, ref=None, client=None, model=_chosen_model(platform, model))


@router.get("/clienten/{ref}/intake", response_class=HTMLResponse)
def intake_form(request: Request, ref: str, _user: Consultant, uow: WebUnitOfWork, platform: PlatformDep,
                model: str | None = None) -> HTMLResponse:  # fmt: skip
    client = _client_of(request, uow, ref)
    return _intake_page(request, platform, ref=ref, client=client, model=_chosen_model(platform, model))


def _weigh(
    request: Request, platform: Platform, ref: str | None, client: Client | None, form: dict[str, Any]
) -> HTMLResponse:
    model = _chosen_model(platform, str(form.get("model") or "")) if form.get("model") else None
    if model is None:
        return _intake_page(request, platform, ref=ref, client=client, model=None, form=form,
                            errors={"model": "Kies een productmodel."}, status_code=400)  # fmt: skip
    errors: dict[str, str] = {}
    intake = _intake_from_form(form, model, errors)
    if intake is None:
        return _intake_page(request, platform, ref=ref, client=client, model=model, form=form, errors=errors,
                            status_code=400)  # fmt: skip
    try:
        indication = workflow.evaluate_intake(model, intake)
    except IntakeRefused as refused:
        field = REFUSAL_FIELDS.get(refused.reason, "model")
        return _intake_page(request, platform, ref=ref, client=client, model=model, form=form,
                            errors={field: refused.message_nl}, status_code=400)  # fmt: skip
    return _intake_page(
        request, platform, ref=ref, client=client, model=model, form=form, indication=indication
    )


@router.post("/intake", response_class=HTMLResponse, dependencies=[CsrfChecked])
def weigh_without_client(
    request: Request, _user: Consultant, platform: PlatformDep, form: FormData
) -> HTMLResponse:
    return _weigh(request, platform, None, None, form)


@router.post("/clienten/{ref}/intake", response_class=HTMLResponse, dependencies=[CsrfChecked])
def weigh(request: Request, ref: str, _user: Consultant, uow: WebUnitOfWork, platform: PlatformDep,
          form: FormData) -> HTMLResponse:  # fmt: skip
    """The intake weighed with the model: the indication and the explanation of each step, and
    the form to record the decision."""
    client = _client_of(request, uow, ref)
    return _weigh(request, platform, ref, client, form)


@router.post("/clienten/{ref}/beschikking", response_class=HTMLResponse, dependencies=[CsrfChecked])
def decide(request: Request, ref: str, _user: Consultant, uow: WebUnitOfWork, platform: PlatformDep,
           form: FormData) -> Response:  # fmt: skip
    """Record the decision (beschikking) of the weighed intake; then on to the allocation."""
    client = _client_of(request, uow, ref)
    model = _chosen_model(platform, str(form.get("model") or ""))
    if model is None:
        return _intake_page(request, platform, ref=ref, client=client, model=None, form=form,
                            errors={"model": "Kies een productmodel."}, status_code=400)  # fmt: skip
    errors: dict[str, str] = {}
    intake = _intake_from_form(form, model, errors)
    if intake is not None and intake.start is None:
        errors["start"] = "Vul de startdatum van de beschikking in."
    if intake is None or intake.start is None:
        return _intake_page(request, platform, ref=ref, client=client, model=model, form=form, errors=errors,
                            status_code=400)  # fmt: skip
    try:
        result = workflow.decide(uow, model, intake, client_bsn=client.bsn, start=intake.start,
                                 decided_on=date.today())  # fmt: skip
    except IntakeRefused as refused:
        field = REFUSAL_FIELDS.get(refused.reason, "model")
        return _intake_page(request, platform, ref=ref, client=client, model=model, form=form,
                            errors={field: refused.message_nl}, status_code=400)  # fmt: skip
    except (workflow.WorkflowError, CareError) as exc:
        return _intake_page(request, platform, ref=ref, client=client, model=model, form=form,
                            failure=_dutch(exc, "De beschikking is niet vastgelegd."), detail=_english(exc),
                            status_code=400)  # fmt: skip
    d = result.decision
    _notify(request, f"Beschikking {d.id} is vastgelegd ({d.product_code}, {date_nl(d.valid.start)} "
                     f"tot en met {date_nl(d.valid.end)}). Kies nu de aanbieder.")  # fmt: skip
    return RedirectResponse(f"/clienten/{ref}/beschikkingen/{d.id}/toewijzen", status_code=303)


# -- allocation -----------------------------------------------------------------------------------


def _decision_of(
    request: Request, uow: UnitOfWork, ref: str, decision_id: str
) -> tuple[str, Decision, list[ProviderMatch]]:
    """The client file's client, the decision (of that client, in scope) and its eligible
    providers; 404 when the decision is not the client's or not in scope."""
    bsn = _bsn_of(request, ref)
    try:
        decision, matches = workflow.providers_for_decision(uow, decision_id, None)
    except workflow.WorkflowError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    if decision.client_bsn != bsn:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return bsn, decision, matches


REFERRER_OPTIONS = [(kind.value, f"{kind.value} {kind.label}") for kind in ReferrerType]
"""The referrers a consultant may record for a Jeugd allocation (COD327)."""


def _allocate_page(request: Request, ref: str, decision: Decision, matches: list[ProviderMatch], uow: UnitOfWork, *,
                   status_code: int = 200, **extra: Any) -> HTMLResponse:  # fmt: skip
    file = client_service.client_file(uow, decision.client_bsn)
    uow.commit()
    running = [
        a for a in (file.allocations if file else ()) if a.decision_id == decision.id and not is_withdrawn(a)
    ]
    names = {m.provider.agb_code: m.provider.name for m in matches}
    switch_options = [(str(a.number), f"{a.number}: {names.get(a.provider_agb, a.provider_agb)}, "
                       f"{date_nl(a.valid.start)} t/m {date_nl(a.valid.end)}")
                      for a in running]  # fmt: skip
    # each eligible provider's results, so referrals can follow them (seed 001): a unit of work
    # of its own, as the benchmark opens and closes it (the page's stays open)
    positions = benchmark.positions(UnitOfWork(uow.engine, uow.scope, actor=uow.actor, settings=uow.settings),
                                    decision.law, names)  # fmt: skip
    context = {"ref": ref, "decision": decision, "matches": matches, "client": file.client if file else None,
               "running": running, "switch_options": switch_options, "notice": _notice(request), "errors": {},
               "form": {}, "positions": positions, "referrer_options": REFERRER_OPTIONS,
               "position_year": next(iter(positions.values())).year if positions else None}  # fmt: skip
    context.update(extra)
    return _page(request, "consulent/toewijzen.html", context, status_code)


@router.get("/clienten/{ref}/beschikkingen/{decision_id}/toewijzen", response_class=HTMLResponse)
def allocate_form(request: Request, ref: str, decision_id: str, _user: Consultant,
                  uow: WebUnitOfWork) -> HTMLResponse:  # fmt: skip
    _bsn, decision, matches = _decision_of(request, uow, ref, decision_id)
    return _allocate_page(request, ref, decision, matches, uow)


@router.post("/clienten/{ref}/beschikkingen/{decision_id}/toewijzen", response_class=HTMLResponse,
             dependencies=[CsrfChecked])  # fmt: skip
def allocate(
    request: Request,
    *,
    ref: str,
    decision_id: str,
    _user: Consultant,
    uow: WebUnitOfWork,
    platform: PlatformDep,
    aanbieder: Annotated[str, Form(max_length=20)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    overstap: Annotated[str, Form(max_length=12)] = "",
    verwijzer: Annotated[str, Form(max_length=2)] = "",
) -> Response:
    """Allocate the decision to the chosen eligible provider: the 301 waits in the outbox. A
    Jeugd allocation records who referred the client (COD327; default the municipality)."""
    _bsn, decision, matches = _decision_of(request, uow, ref, decision_id)
    form = {"aanbieder": aanbieder, "start": start, "overstap": overstap, "verwijzer": verwijzer}
    errors: dict[str, str] = {}
    referrer: Referrer | None = None
    if decision.law is Law.JEUGD and verwijzer:
        try:
            referrer = Referrer(ReferrerType.parse(verwijzer))
        except ValueError:
            errors["verwijzer"] = "Kies een verwijzer uit de lijst."
    if aanbieder not in {m.provider.agb_code for m in matches}:
        errors["aanbieder"] = "Kies een van de aanbieders in de lijst."
    first = _parse_day(start, "start", errors, "Ingangsdatum")
    switch: int | None = None
    if overstap:
        try:
            switch = int(overstap)
        except ValueError:
            errors["overstap"] = "Kies de lopende toewijzing waarvan de cliënt overstapt."
        if first is None and "start" not in errors:
            errors["start"] = "Vul bij een overstap de ingangsdatum bij de nieuwe aanbieder in."
    if decision.model_id is None:
        errors["aanbieder"] = "Deze beschikking heeft geen productmodel en kan hier niet worden toegewezen."
    if errors:
        return _allocate_page(request, ref, decision, matches, uow, errors=errors, form=form, status_code=400)
    model = _chosen_model(platform, decision.model_id)
    assert model is not None
    try:
        result = workflow.allocate(uow, model, decision_id=decision.id, provider_agb=aanbieder,
                                   now=datetime.now(UTC), start=first, switch_from=switch,
                                   referrer=referrer)  # fmt: skip
    except (workflow.WorkflowError, CareError) as exc:
        return _allocate_page(request, ref, decision, matches, uow, form=form, status_code=400,
                              failure=_dutch(exc, "De toewijzing is niet vastgelegd."), detail=_english(exc))  # fmt: skip
    a = result.allocation
    name = next((m.provider.name for m in matches if m.provider.agb_code == a.provider_agb), a.provider_agb)
    message = (f"Toewijzing {a.number} aan {name} is vastgelegd. Het toewijzingsbericht (301) staat klaar "
               "in de outbox.")  # fmt: skip
    if result.notice:
        message += " Let op: de toewijzing eindigt met het contract van de aanbieder, vóór het einde van de beschikking."
    _notify(request, message)
    return RedirectResponse(f"/clienten/{ref}#toewijzingen", status_code=303)


# -- change and end -------------------------------------------------------------------------------


def _allocation_of(
    request: Request, uow: UnitOfWork, ref: str, law: str, number: int
) -> tuple[Client, Allocation]:
    bsn = _bsn_of(request, ref)
    try:
        wanted = Law(law)
    except ValueError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    file = client_service.client_file(uow, bsn)
    uow.commit()
    if file is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    found = next((a for a in file.allocations if a.law is wanted and a.number == number), None)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return file.client, found


def _change_page(request: Request, ref: str, client: Client, allocation: Allocation, status_code: int = 200,
                 **extra: Any) -> HTMLResponse:  # fmt: skip
    context = {"ref": ref, "client": client, "a": allocation, "errors": {}, "form": {"reden": "05"},
               "reasons": [(r.value, f"{r.value} {r.label}") for r in CHANGE_REASONS]}  # fmt: skip
    context.update(extra)
    return _page(request, "consulent/wijzigen.html", context, status_code)


@router.get("/clienten/{ref}/toewijzingen/{law}/{number}", response_class=HTMLResponse)
def change_form(request: Request, ref: str, law: str, number: int, _user: Consultant,
                uow: WebUnitOfWork) -> HTMLResponse:  # fmt: skip
    client, allocation = _allocation_of(request, uow, ref, law, number)
    return _change_page(request, ref, client, allocation)


@router.post("/clienten/{ref}/toewijzingen/{law}/{number}", response_class=HTMLResponse,
             dependencies=[CsrfChecked])  # fmt: skip
def change(
    request: Request,
    *,
    ref: str,
    law: str,
    number: int,
    _user: Consultant,
    uow: WebUnitOfWork,
    reden: Annotated[str, Form(max_length=2)] = "",
    einddatum: Annotated[str, Form(max_length=20)] = "",
    omvang: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Change or end the allocation with a RedenWijziging; a new 301 waits in the outbox."""
    client, allocation = _allocation_of(request, uow, ref, law, number)
    form = {"reden": reden, "einddatum": einddatum, "omvang": omvang}
    errors: dict[str, str] = {}
    reason = next((r for r in CHANGE_REASONS if r.value == reden), None)
    if reason is None:
        errors["reden"] = "Kies een reden van de wijziging."
    end = _parse_day(einddatum, "einddatum", errors, "Einddatum")
    volume: int | None = None
    if omvang.strip():
        try:
            volume = int(omvang.strip())
            if volume < 0:
                raise ValueError
        except ValueError:
            errors["omvang"] = "Vul de omvang in als een heel getal, 0 of meer."
    if reason is not None and reason is not ChangeReason.VERWIJDERD and end is None and volume is None \
            and "einddatum" not in errors:  # fmt: skip
        errors["einddatum"] = "Vul de nieuwe einddatum in."
    if errors or reason is None:
        return _change_page(request, ref, client, allocation, 400, errors=errors, form=form)
    try:
        result = workflow.change(uow, municipality_code=allocation.municipality_code, law=allocation.law,
                                 number=allocation.number, reason=reason, now=datetime.now(UTC), end=end,
                                 volume=volume)  # fmt: skip
    except (workflow.WorkflowError, CareError) as exc:
        return _change_page(request, ref, client, allocation, 400, form=form,
                            failure=_dutch(exc, "De wijziging is niet vastgelegd."), detail=_english(exc))  # fmt: skip
    changed = result.allocation
    message = (f"Toewijzing {changed.number} is gewijzigd (reden {reason.value} {reason.label}). Het "
               "toewijzingsbericht (301) staat klaar in de outbox.")  # fmt: skip
    if result.outside_lines:
        message += (f" {len(result.outside_lines)} betaalde prestatie(s) vallen nu buiten de toewijzing; "
                    "de aanbieder moet ze crediteren.")  # fmt: skip
    _notify(request, message)
    return RedirectResponse(f"/clienten/{ref}#toewijzingen", status_code=303)


# -- signals --------------------------------------------------------------------------------------


@router.get("/signalen", response_class=HTMLResponse)
def signals(request: Request, _user: Consultant, uow: WebUnitOfWork, peildatum: str | None = None,
            dagen: str | None = None) -> HTMLResponse:  # fmt: skip
    """The municipality's signals: one family one plan, 18-/18+, evaluation moments due."""
    errors: dict[str, str] = {}
    on = _parse_day(peildatum, "peildatum", errors, "Peildatum") or date.today()
    days = 30
    if dagen is not None and dagen.strip():
        try:
            days = int(dagen.strip())
            if not 0 <= days <= 366:
                raise ValueError
        except ValueError:
            errors["dagen"] = "Vul een aantal dagen van 0 tot en met 366 in."
            days = 30
    family = signal_service.family_plans(uow, on)
    transition = signal_service.transition_signals(uow, on)
    evaluations = signal_service.evaluations_due(uow, on, days)
    return _page(request, "consulent/signalen.html", {
        "family": family, "transition": transition, "evaluations": evaluations, "on": on, "dagen": days,
        "peildatum": peildatum or "", "errors": errors,
    }, 400 if errors else 200)  # fmt: skip
