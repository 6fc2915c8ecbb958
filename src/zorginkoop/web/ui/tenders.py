# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - routes take their dependencies and form fields as parameters
"""Procurement on the web: the contract manager's tenders (definition, bids, scores, the
evaluation with its reasons, coverage, intended and final award; for bestuurlijk aanbesteden the
consultation tables, meetings, online input and covenant) and the provider portal (register a
bid by form, see its own outcome and reason, give input online on a covenant).

The same use cases as ``zorginkoop tenders`` (:mod:`zorginkoop.services.tenders`,
:mod:`zorginkoop.services.consultation`). A provider sees the tenders and only its own bids and
outcomes. Tenders hold no personal data (bidders are organisations): nothing is logged.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import TargetGroup
from zorginkoop.domain.monitoring import TARGET_GROUPS
from zorginkoop.domain.procurement.award import TenderStatus
from zorginkoop.domain.procurement.model import Procedure, Requirement, RequirementKind, TariffPolicy, Tender
from zorginkoop.services import consultation
from zorginkoop.services import tenders as service
from zorginkoop.services.tenders import TenderRefused
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui.query_params import LAW_NAMES_NL
from zorginkoop.web.ui.session import CsrfChecked, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ContractManager = Annotated[User, Depends(require_web_roles(Role.CONTRACTMANAGER))]
ProviderUser = Annotated[User, Depends(require_web_roles(Role.AANBIEDER))]

FLASH_KEY = "tenders_flash"
MAX_FILE_BYTES = 512 * 1024
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")

PROCEDURE_NL = {
    Procedure.SAS: "SAS-procedure (sociale en andere specifieke diensten)",
    Procedure.OPEN_HOUSE: "Open house (toelatingsprocedure)",
    Procedure.CLASSIC: "Europese aanbesteding (klassiek)",
    Procedure.BESTUURLIJK: "Bestuurlijk aanbesteden",
}
AWARD_NL = {
    "quality": "Kwaliteit bij vaste tarieven",
    "emvi": "Beste prijs-kwaliteitverhouding (EMVI)",
    "lowest-price": "Laagste prijs",
}
STATUS_NL = {
    TenderStatus.OPEN: "Open voor inschrijving",
    TenderStatus.AWARDED: "Voorlopig gegund (standstill)",
    TenderStatus.FINAL: "Definitief gegund: contracten gemaakt",
}
TARGET_GROUP_NL = {
    TargetGroup.PSYCHOGERIATRIC_SOMATIC: "Psychogeriatrische of somatische aandoening",
    TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL: "Psychiatrische of psychosociale aandoening",
    TargetGroup.ACQUIRED_BRAIN_INJURY: "Niet-aangeboren hersenletsel",
    TargetGroup.MILD_INTELLECTUAL_DISABILITY: "Licht verstandelijke beperking",
    TargetGroup.COMPLEX_PROBLEMS: "Complexe problematiek",
    TargetGroup.YOUTH: "Jeugdhulp",
    TargetGroup.YOUTH_MENTAL_HEALTH: "Jeugd-ggz",
    TargetGroup.YOUTH_DISABILITY: "Kind met beperking",
}
TARGET_GROUP_SHORT_NL = {
    TargetGroup.PSYCHOGERIATRIC_SOMATIC.value: "psychogeriatrisch / somatisch",
    TargetGroup.PSYCHIATRIC_PSYCHOSOCIAL.value: "psychiatrisch / psychosociaal",
    TargetGroup.ACQUIRED_BRAIN_INJURY.value: "NAH",
    TargetGroup.MILD_INTELLECTUAL_DISABILITY.value: "LVB",
    TargetGroup.COMPLEX_PROBLEMS.value: "complexe problematiek",
    TargetGroup.YOUTH.value: "jeugdhulp",
    TargetGroup.YOUTH_MENTAL_HEALTH.value: "jeugd-ggz",
    TargetGroup.YOUTH_DISABILITY.value: "kind met beperking",
}
"""A target group as a coverage cell names it after its municipality ("Vijfheerenlanden – LVB")."""
TABLE_NL = {
    "groot": "Grote aanbieders",
    "middelgroot": "Middelgrote aanbieders",
    "klein": "Kleine aanbieders",
}
CHANGE_NL = {"added": "toegevoegd", "changed": "gewijzigd", "removed": "geschrapt"}
CONSULTATION_PAGES = (
    ("overlegtafels", "Overlegtafels"),
    ("overleggen", "Overleggen"),
    ("inbreng", "Inbreng"),
    ("convenant", "Convenant"),
)
"""The contract manager's pages of a bestuurlijk tender (:mod:`zorginkoop.web.ui.consultation`),
in the order of their sub-navigation."""


# -- the evaluation's reasons in Dutch ----------------------------------------------------------

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"ranked (\d+) of (\d+) place\(s\), every minimum met"), r"plaats \1 van \2, aan elk minimum voldaan"),
    (re.compile(r"ranked (\d+), every minimum met"), r"plaats \1, aan elk minimum voldaan"),
    (re.compile(r"ranked (\d+), outside the (\d+) place\(s\) of lot (\S+)"), r"plaats \1, buiten de \2 plaats(en) van perceel \3"),
    (re.compile(r"meets every requirement"), "voldoet aan elke eis"),
    (re.compile(r"(\S+) scored ([\d.]+), minimum ([\d.]+)"), r"\1 beoordeeld met \2, minimum \3"),
    (re.compile(r"total ([\d.]+) under the minimum ([\d.]+)"), r"totaal \1 punten, onder het minimum van \2"),
    (re.compile(r"not scored on (\S+)"), r"niet beoordeeld op \1"),
    (re.compile(r"no price for (.+)"), r"geen prijs voor \1"),
    (re.compile(r"admitted on (\d{4})-(\d\d)-(\d\d)"), r"toegelaten op \3-\2-\1"),
)  # fmt: skip
_KNOCK_OUT = re.compile(r"(\S+) \((.*?)\): (.*)")
_DETAIL = (
    (re.compile(r"declared (\d+)"), r"opgegeven \1"),
    (re.compile(r"answered True"), "antwoord ja"),
    (re.compile(r"answered False"), "antwoord nee"),
    (re.compile(r"answered '(.*)'"), r"antwoord '\1'"),
    (re.compile(r'answered "(.*)"'), r"antwoord '\1'"),
    (re.compile(r"answered (.*)"), r"antwoord \1"),
    (re.compile(r"not answered with a number"), "niet met een getal beantwoord"),
    (re.compile(r"not answered"), "niet beantwoord"),
    (re.compile(r"lacks (.*)"), r"ontbreekt: \1"),
    (re.compile(r"does not serve (.*)"), r"bedient niet: \1"),
)
_DECIMAL_POINT = re.compile(r"(\d)\.(\d)")


def _asked_nl(requirement: Requirement) -> str:
    """What a requirement asks, in Dutch: its own text, else from its kind."""
    if requirement.text:
        return requirement.text.rstrip(".")
    either = " of ".join(requirement.accepted)
    return {
        RequirementKind.MIN_CLIENTS: f"ten minste {requirement.minimum} cliënten",
        RequirementKind.MEMBERSHIP: f"lid van {either}",
        RequirementKind.QUALITY_MARK: f"keurmerk {either}",
        RequirementKind.ALL_PRODUCTS: "elk product van het perceel",
    }.get(requirement.kind, f"bedient {', '.join(requirement.accepted)}")


def reason_nl(reason: str, tender: Tender) -> str:
    """An evaluation reason in Dutch: each part translated, a knock-out with the requirement's
    own (Dutch) text from the tender, scores with a decimal comma; a part without a known form
    is shown as it is."""
    texts = {r.code: _asked_nl(r) for r in tender.requirements}
    parts = []
    body = reason.removeprefix("knock-out ")
    knocked_out = body != reason
    for part in body.split("; "):
        if knocked_out and (m := _KNOCK_OUT.fullmatch(part)):
            code, summary, detail = m.groups()
            for pattern, replacement in _DETAIL:
                if pattern.fullmatch(detail):
                    detail = pattern.sub(replacement, detail)
                    break
            parts.append(f"voldoet niet aan eis {code} ({texts.get(code, summary)}): {detail}")
            continue
        shown = part
        for pattern, replacement in _PATTERNS:
            if pattern.fullmatch(part):
                shown = _DECIMAL_POINT.sub(r"\1,\2", pattern.sub(replacement, part))
                break
        parts.append(shown)
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


# -- helpers --------------------------------------------------------------------------------------


def _code(code: str) -> str:
    if not CODE.fullmatch(code):
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    return code


def _uow(platform: Platform, user: User) -> UnitOfWork:
    return platform.unit_of_work(actor=user.login, scope=user.scope())


def _summary_or_404(platform: Platform, user: User, code: str) -> service.TenderSummary:
    try:
        return service.show_tender(_uow(platform, user), _code(code))
    except TenderRefused:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None


async def _file_text(file: UploadFile | None) -> tuple[str, str | None]:
    """The text of an uploaded TOML file, or an error in Dutch."""
    if file is None or not file.filename:
        return "", "Kies een bestand (TOML)."
    data = await file.read(MAX_FILE_BYTES + 1)
    if not data:
        return "", "Het gekozen bestand is leeg."
    if len(data) > MAX_FILE_BYTES:
        return "", f"Het bestand is groter dan {MAX_FILE_BYTES // 1024} kB."
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return "", "Het bestand is geen tekst in UTF-8."


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _flash(request: Request) -> str | None:
    message = request.session.pop(FLASH_KEY, None)
    return message if isinstance(message, str) else None


def _labels() -> dict[str, Any]:
    return {"procedure_nl": PROCEDURE_NL, "award_nl": AWARD_NL, "status_nl": STATUS_NL, "law_names": LAW_NAMES_NL,
            "group_nl": TARGET_GROUP_NL, "table_nl": TABLE_NL, "change_nl": CHANGE_NL}  # fmt: skip


# -- the contract manager ------------------------------------------------------------------------


@router.get("/aanbestedingen", response_class=HTMLResponse)
def tender_list(request: Request, platform: PlatformDep, user: ContractManager) -> HTMLResponse:
    """Every tender with its procedure, award method and where it stands; a new one from a file."""
    found = service.list_tenders(_uow(platform, user))
    return render(request, "tenders/list.html", {"tenders": found, "flash": _flash(request), "errors": {},
                                                 "problems": [], **_labels()})  # fmt: skip


@router.post("/aanbestedingen", dependencies=[CsrfChecked], response_model=None)
async def create(
    request: Request,
    platform: PlatformDep,
    user: ContractManager,
    bestand: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Create a tender from its TOML definition file (README, section Procurement)."""
    text, error = await _file_text(bestand)
    problems: list[str] = []
    if error is None:
        try:
            tender = service.create_tender(_uow(platform, user), text, name=bestand.filename or "tender")  # type: ignore[union-attr]
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = f"Aanbesteding {tender.code} is aangemaakt."
            return RedirectResponse(f"/aanbestedingen/{tender.code}", status_code=303)
    found = service.list_tenders(_uow(platform, user))
    return render(request, "tenders/list.html", {
        "tenders": found, "flash": None, "errors": {"bestand": error or "Het bestand is niet opgeslagen: zie de fouten."},
        "problems": problems, **_labels()}, 400)  # fmt: skip


def _tender_page(
    request: Request,
    platform: PlatformDep,
    user: User,
    code: str,
    problems: list[str],
    status_code: int = 200,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    summary = _summary_or_404(platform, user, code)
    tender = summary.tender
    evaluation = service.evaluation(_uow(platform, user), tender.code)
    coverage = None
    if summary.bids:
        try:
            coverage = service.tender_coverage(_uow(platform, user), tender.code)
        except TenderRefused:
            coverage = None
    context: dict[str, Any] = {
        "summary": summary, "tender": tender, "evaluation": evaluation, "coverage": coverage,
        "reasons": {(line.outcome.lot_code, line.outcome.provider_agb): reason_nl(line.outcome.reason, tender)
                    for line in evaluation.lines},
        "flash": _flash(request), "problems": problems, "errors": errors or {}, "today": date.today().isoformat(),
        **_labels(),
    }  # fmt: skip
    if tender.procedure is Procedure.BESTUURLIJK:
        context["consultation_pages"] = CONSULTATION_PAGES
        try:
            context["tables"] = consultation.tables(_uow(platform, user), tender.code)
        except TenderRefused as exc:
            context["tables_problem"] = "; ".join(exc.problems)
        context["meetings"] = consultation.meetings(_uow(platform, user), tender.code)
        context["inputs"] = consultation.inputs(_uow(platform, user), tender.code)
        context["covenant"] = consultation.covenant_history(_uow(platform, user), tender.code)
    return render(request, "tenders/tender.html", context, status_code)


@router.get("/aanbestedingen/{code}", response_class=HTMLResponse)
def tender_page(request: Request, platform: PlatformDep, user: ContractManager, code: str) -> HTMLResponse:
    """One tender: its lots, requirements and criteria, the evaluation of every bid with its
    reason, the coverage of the admitted bids, and the next step (scores, award, final award)."""
    return _tender_page(request, platform, user, code, [])


@router.post("/aanbestedingen/{code}/scores", dependencies=[CsrfChecked], response_model=None)
async def scores(
    request: Request,
    platform: PlatformDep,
    user: ContractManager,
    code: str,
    beoordelaar: Annotated[str, Form(max_length=100)] = "",
    bestand: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """One assessor's scores from a TOML file."""
    summary = _summary_or_404(platform, user, code)
    text, error = await _file_text(bestand)
    errors = {"bestand": error} if error else {}
    if not beoordelaar.strip():
        errors["beoordelaar"] = "Vul de naam van de beoordelaar in."
    problems: list[str] = []
    if not errors:
        try:
            stored = service.record_scores(_uow(platform, user), summary.tender.code, beoordelaar, text,
                                           name=bestand.filename or "scores")  # type: ignore[union-attr]  # fmt: skip
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = f"{stored} scores van {beoordelaar.strip()} zijn vastgelegd."
            return RedirectResponse(f"/aanbestedingen/{summary.tender.code}", status_code=303)
    return _tender_page(request, platform, user, code, problems, 400, errors)


@router.post("/aanbestedingen/{code}/gunning", dependencies=[CsrfChecked], response_model=None)
def award(
    request: Request, platform: PlatformDep, user: ContractManager, code: str,
    datum: Annotated[str, Form(max_length=20)] = "", stap: Annotated[str, Form(max_length=20)] = "",
) -> Response:  # fmt: skip
    """The intended award (``stap=voorlopig``) or, after the standstill, the final award
    (``stap=definitief``) on a day."""
    summary = _summary_or_404(platform, user, code)
    day = _day(datum)
    problems: list[str] = []
    errors: dict[str, str] = {}
    if day is None:
        errors["datum"] = "Vul een datum in als jaar-maand-dag, bijvoorbeeld 2021-07-01."
    elif stap == "voorlopig":
        try:
            made = service.award(_uow(platform, user), summary.tender.code, day)
        except TenderRefused as exc:
            problems = exc.problems
        else:
            admitted = sum(1 for line in made.lines if line.outcome.admitted)
            until = (
                f"; de standstill loopt tot en met {made.standstill_until:%d-%m-%Y}"
                if made.standstill_until
                else ""
            )
            request.session[FLASH_KEY] = (
                f"Voorlopig gegund: {admitted} van {len(made.lines)} inschrijvingen toegelaten{until}."
            )
    elif stap == "definitief":
        try:
            final = service.finalize(_uow(platform, user), summary.tender.code, day)
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = (
                f"Definitief gegund: raamovereenkomst {final.framework_code} met {len(final.contracts)} contracten."
            )
    else:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Kies voorlopige of definitieve gunning.")
    if problems or errors:
        return _tender_page(request, platform, user, code, problems, 400, errors)
    return RedirectResponse(f"/aanbestedingen/{summary.tender.code}", status_code=303)


@router.post("/aanbestedingen/{code}/aanvullende-ronde", dependencies=[CsrfChecked], response_model=None)
def additional_round(
    request: Request, platform: PlatformDep, user: ContractManager, code: str,
    opent: Annotated[str, Form(max_length=20)] = "", sluit: Annotated[str, Form(max_length=20)] = "",
    minimum: Annotated[str, Form(max_length=4)] = "1",
) -> Response:  # fmt: skip
    """An additional round for the coverage gap of the tender, that gap only (``zorginkoop
    tenders additional-round``): its own registration period; refused without a gap."""
    summary = _summary_or_404(platform, user, code)
    opens, closes = _day(opent), _day(sluit)
    errors: dict[str, str] = {}
    if opens is None:
        errors["opent"] = (
            "Vul de eerste dag van de inschrijving in als jaar-maand-dag, bijvoorbeeld 2022-03-01."
        )
    if closes is None:
        errors["sluit"] = (
            "Vul de laatste dag van de inschrijving in als jaar-maand-dag, bijvoorbeeld 2022-03-31."
        )
    if not minimum.strip().isdigit() or int(minimum) < 1:
        errors["minimum"] = "Vul een heel getal van 1 of meer in."
    problems: list[str] = []
    if not errors and opens is not None and closes is not None:
        try:
            opened = service.open_additional_round(
                _uow(platform, user), summary.tender.code, opens=opens, closes=closes, minimum=int(minimum)
            )
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = (
                f"Aanvullende ronde {opened.tender.code} geopend voor {len(opened.gap)} gat(en) in de dekking, "
                f"inschrijven van {opens:%d-%m-%Y} tot en met {closes:%d-%m-%Y}."
            )
            return RedirectResponse(f"/aanbestedingen/{opened.tender.code}", status_code=303)
    return _tender_page(request, platform, user, code, problems, 400, errors)


@router.post("/aanbestedingen/{code}/toelating", dependencies=[CsrfChecked], response_model=None)
def admission(
    request: Request, platform: PlatformDep, user: ContractManager, code: str,
    agb: Annotated[str, Form(max_length=8)] = "", datum: Annotated[str, Form(max_length=20)] = "",
) -> Response:  # fmt: skip
    """Open house: admit one provider's late bid on its own, with its contract under the existing
    framework agreement from the day (``zorginkoop tenders admit``)."""
    summary = _summary_or_404(platform, user, code)
    day = _day(datum)
    if day is None:
        errors = {"datum": "Vul een datum in als jaar-maand-dag, bijvoorbeeld 2023-03-06."}
        return _tender_page(request, platform, user, code, [], 400, errors)
    try:
        admitted = service.admit(_uow(platform, user), summary.tender.code, agb.strip(), day)
    except TenderRefused as exc:
        return _tender_page(request, platform, user, code, exc.problems, 400)
    made = ", ".join(line.contract_number or "" for line in admitted.lines)
    request.session[FLASH_KEY] = f"Aanbieder {agb.strip()} toegelaten op {day:%d-%m-%Y}: contract {made}."
    return RedirectResponse(f"/aanbestedingen/{summary.tender.code}", status_code=303)


# -- the provider portal -------------------------------------------------------------------------


def _own(evaluation: service.Evaluation, agb: str) -> list[service.OutcomeLine]:
    return [line for line in evaluation.lines if line.outcome.provider_agb == agb]


def _takes_bid(summary: service.TenderSummary, own: list[service.OutcomeLine], today: date) -> bool:
    """The tender takes the provider's bid today: registration open, and the tender open, or an
    open house (continuous admission) that has not decided this provider's bid yet."""
    if not summary.tender.registration.accepts(today):
        return False
    if summary.status is TenderStatus.OPEN:
        return True
    return summary.tender.procedure is Procedure.OPEN_HOUSE and all(line.pending for line in own)


def _decided(summary: service.TenderSummary, own: list[service.OutcomeLine]) -> bool:
    """The provider's outcome is known: fixed by the intended award, or an open house's admission."""
    return summary.status is not TenderStatus.OPEN and not (own and all(line.pending for line in own))


@router.get("/aanbieder/aanbestedingen", response_class=HTMLResponse)
def portal(request: Request, platform: PlatformDep, user: ProviderUser) -> HTMLResponse:
    """The tenders open for registration today and those the provider bid on, with its outcome."""
    agb = user.provider_agb
    assert agb is not None
    today = date.today()
    rows = []
    for summary in service.list_tenders(_uow(platform, user)):
        own = _own(service.evaluation(_uow(platform, user), summary.tender.code), agb)
        open_now = _takes_bid(summary, own, today)
        if open_now or own:
            rows.append(
                {
                    "summary": summary,
                    "open": open_now,
                    "own": own,
                    "decided": _decided(summary, own),
                    "reasons": [reason_nl(line.outcome.reason, summary.tender) for line in own],
                }
            )
    return render(request, "tenders/portal.html", {"rows": rows, "flash": _flash(request), **_labels()})


def _portal_page(
    request: Request, platform: PlatformDep, user: User, code: str, errors: dict[str, str], problems: list[str],
    form: dict[str, Any] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    agb = user.provider_agb
    assert agb is not None
    summary = _summary_or_404(platform, user, code)
    evaluation = service.evaluation(_uow(platform, user), summary.tender.code)
    own = _own(evaluation, agb)
    provider = _uow(platform, user)
    with provider:
        me = provider.providers.get(agb)
        municipalities = sorted(provider.region.municipality_names().items(), key=lambda m: m[1])
    assert me is not None
    context: dict[str, Any] = {
        "summary": summary, "tender": summary.tender, "own": own, "me": me,
        "decided": _decided(summary, own),
        "open": _takes_bid(summary, own, date.today()),
        "reasons": {(line.outcome.lot_code, line.outcome.provider_agb): reason_nl(line.outcome.reason, summary.tender)
                    for line in own},
        "municipalities": municipalities,
        "groups": [g for law in dict.fromkeys(lot.law for lot in summary.tender.lots) for g in TARGET_GROUPS[law]],
        "errors": errors, "problems": problems, "form": form or {}, "flash": _flash(request),
        "kinds": RequirementKind, "bid_prices": summary.tender.tariff_policy is TariffPolicy.BID, **_labels(),
    }  # fmt: skip
    if own:
        context["additions"] = _own_additions(platform, user, summary.tender, agb)
    if summary.tender.procedure is Procedure.BESTUURLIJK:
        context["my_inputs"] = consultation.inputs(
            _uow(platform, user), summary.tender.code, provider_agb=agb
        )
    return render(request, "tenders/portal_tender.html", context, status_code)


def _own_additions(platform: Platform, user: User, tender: Tender, agb: str) -> list[tuple[str, str]]:
    """What the provider's own bid adds to coverage when it is new to the region, per lot in
    Dutch ("Vijfheerenlanden – LVB; ..."): its own bids only, never another bidder's data."""
    try:
        found = service.bid_additions(_uow(platform, user), tender.code, agb)
    except TenderRefused:
        return []
    shown = []
    for addition in found:
        if addition.provider_agb != agb:
            continue  # the service answers for this provider only; kept explicit
        cells = "; ".join(f"{m} – {TARGET_GROUP_SHORT_NL.get(g, g)}" for m, g in addition.cells)
        shown.append((addition.lot_code, cells))
    return shown


@router.get("/aanbieder/aanbestedingen/{code}", response_class=HTMLResponse)
def portal_tender(request: Request, platform: PlatformDep, user: ProviderUser, code: str) -> HTMLResponse:
    """One tender for the provider: what it asks, a form to register, its own outcome and reason."""
    return _portal_page(request, platform, user, code, {}, [])


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def bid_file(tender: Tender, lot_code: str, form: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The bid as the TOML file ``zorginkoop tenders bid`` reads, from the portal's form; with
    errors per field in Dutch where the form itself is incomplete."""
    errors: dict[str, str] = {}
    lot = next((lot for lot in tender.lots if lot.code == lot_code), None)
    if lot is None:
        return "", {"perceel": "Kies een perceel van deze aanbesteding."}
    products = [p for p in form.get("producten", []) if p in lot.product_codes]
    if not products:
        errors["producten"] = "Kies ten minste één product dat u aanbiedt."
    lines = ["[[bid]]", f"lot = {_q(lot.code)}", f"products = [{', '.join(_q(p) for p in products)}]",
             f"municipalities = [{', '.join(_q(m) for m in form.get('gemeenten', []))}]",
             f"target_groups = [{', '.join(_q(g) for g in form.get('doelgroepen', []))}]"]  # fmt: skip
    if tender.tariff_policy is TariffPolicy.BID:
        lines.append("[bid.prices]")
        for code in lot.product_codes:
            price = str(form.get(f"prijs-{code}", "")).strip().replace(",", ".")
            if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", price):
                errors[f"prijs-{code}"] = f"Vul een prijs in euro's in voor {code}, bijvoorbeeld 312,50."
            else:
                lines.append(f"{_q(code)} = {_q(price)}")
    lines.append("[bid.answers]")
    for r in tender.requirements:
        answer = str(form.get(f"eis-{r.code}", "")).strip()
        if r.kind is RequirementKind.MIN_CLIENTS:
            if not answer.isdigit():
                errors[f"eis-{r.code}"] = f"Vul bij {r.code} een aantal cliënten in (een heel getal)."
            else:
                lines.append(f"{r.code} = {int(answer)}")
        elif r.kind is RequirementKind.MEMBERSHIP:
            if answer not in {"ja", "nee"}:
                errors[f"eis-{r.code}"] = f"Kies bij {r.code} ja of nee."
            else:
                lines.append(f"{r.code} = {'true' if answer == 'ja' else 'false'}")
        elif r.kind is RequirementKind.QUALITY_MARK:
            if not answer:
                errors[f"eis-{r.code}"] = f"Kies bij {r.code} uw keurmerk (of 'geen')."
            else:
                lines.append(f"{r.code} = {_q(answer)}")
    for remark in tender.remarks:
        answer = str(form.get(f"wens-{remark.code}", "")).strip()
        if answer:
            lines.append(f"{remark.code} = {_q(answer)}")
    return "\n".join(lines) + "\n", errors


@router.post("/aanbieder/aanbestedingen/{code}/inschrijving", dependencies=[CsrfChecked], response_model=None)
async def register(request: Request, platform: PlatformDep, user: ProviderUser, code: str) -> Response:
    """Register a bid by form, in the provider's own name, on today."""
    agb = user.provider_agb
    assert agb is not None
    summary = _summary_or_404(platform, user, code)
    raw = await request.form()
    form: dict[str, Any] = {key: raw.getlist(key) if key in {"producten", "gemeenten", "doelgroepen"} else raw.get(key)
                            for key in raw}  # fmt: skip
    text, errors = bid_file(summary.tender, str(form.get("perceel") or ""), form)
    problems: list[str] = []
    if not errors:
        try:
            service.submit_bid(
                _uow(platform, user), summary.tender.code, agb, text, on=date.today(), name="inschrijving"
            )
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = f"Uw inschrijving op {summary.tender.code} is ontvangen."
            return RedirectResponse(f"/aanbieder/aanbestedingen/{summary.tender.code}", status_code=303)
    return _portal_page(request, platform, user, code, errors, problems, form, 400)


@router.post("/aanbieder/aanbestedingen/{code}/inbreng", dependencies=[CsrfChecked], response_model=None)
def give_input(
    request: Request, platform: PlatformDep, user: ProviderUser, code: str,
    onderwerp: Annotated[str, Form(max_length=200)] = "", tekst: Annotated[str, Form(max_length=5000)] = "",
) -> Response:  # fmt: skip
    """Online input on a topic of a covenant (bestuurlijk aanbesteden)."""
    agb = user.provider_agb
    assert agb is not None
    summary = _summary_or_404(platform, user, code)
    errors: dict[str, str] = {}
    if not onderwerp.strip():
        errors["onderwerp"] = "Vul het onderwerp in."
    if not tekst.strip():
        errors["tekst"] = "Vul uw inbreng in."
    problems: list[str] = []
    if not errors:
        try:
            consultation.give_input(
                _uow(platform, user), summary.tender.code, agb, topic=onderwerp, text=tekst
            )
        except TenderRefused as exc:
            problems = exc.problems
        else:
            request.session[FLASH_KEY] = f"Uw inbreng over '{onderwerp.strip()}' is ontvangen."
            return RedirectResponse(f"/aanbieder/aanbestedingen/{summary.tender.code}", status_code=303)
    return _portal_page(request, platform, user, code, errors, problems,
                        {"onderwerp": onderwerp, "tekst": tekst}, 400)  # fmt: skip
