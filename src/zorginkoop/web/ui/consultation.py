# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - routes take their dependencies and form fields as parameters
"""Bestuurlijk aanbesteden on the web, for the contract manager: the consultation tables
(proposed by clients in a reference year, changed and saved), the tables' meetings, every other
provider's online input per topic, and the covenant with what each version changed and from when.

The same use cases as ``zorginkoop tenders tables|meeting|meetings|inputs|covenant|covenant-history``
(:mod:`zorginkoop.services.consultation`). A form with a wrong field stores nothing and says per
field, in Dutch, what to fix; a refusal of the use case itself is shown as its line. Tenders hold
no personal data (providers are organisations): nothing is logged.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import User
from zorginkoop.domain.procurement.consultation import Agreement, Seat, TableSize, in_force
from zorginkoop.domain.procurement.model import Procedure
from zorginkoop.services import consultation
from zorginkoop.services.tenders import TenderRefused
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui.session import CsrfChecked
from zorginkoop.web.ui.templating import render
from zorginkoop.web.ui.tenders import (
    CHANGE_NL,
    CONSULTATION_PAGES,
    FLASH_KEY,
    TABLE_NL,
    ContractManager,
    _day,
    _flash,
    _summary_or_404,
    _uow,
)

router = APIRouter(include_in_schema=False)

DATE_HINT = "als jaar-maand-dag, bijvoorbeeld 2016-09-15"


def _bestuurlijk_or_404(platform: Platform, user: User, code: str) -> Any:
    summary = _summary_or_404(platform, user, code)
    if summary.tender.procedure is not Procedure.BESTUURLIJK:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "Deze pagina is er alleen bij bestuurlijk aanbesteden."
        )
    return summary


def _table_name(table: str) -> str:
    """``groot`` -> ``grote`` (as in "de grote tafel")."""
    return TABLE_NL[table].removesuffix(" aanbieders").lower()


def _context(request: Request, summary: Any, page: str, **more: Any) -> dict[str, Any]:
    return {"summary": summary, "tender": summary.tender, "pages": CONSULTATION_PAGES, "page": page, "flash": _flash(request),
            "table_nl": TABLE_NL, "change_nl": CHANGE_NL, "errors": {}, "problems": [], "form": {}, **more}  # fmt: skip


# -- the consultation tables ----------------------------------------------------------------------


def _tables_page(
    request: Request, platform: Platform, user: User, code: str, year: int | None = None, *,
    errors: dict[str, str] | None = None, problems: Iterable[str] = (), form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    summary = _bestuurlijk_or_404(platform, user, code)
    tender = summary.tender
    years = consultation.reference_years(_uow(platform, user), tender.code)
    if year not in years:  # only the years the filter offers; else the saved choice or the latest year
        year = None
    found = None
    problem = None
    try:
        found = consultation.tables(_uow(platform, user), tender.code, year)
    except TenderRefused as exc:
        problem = "; ".join(exc.problems)
    options = consultation.candidates(_uow(platform, user), tender.code, found.year) if found else []
    return render(request, "tenders/consultation_tables.html", _context(
        request, summary, "overlegtafels", tables=found, tables_problem=problem, years=years, candidates=options,
        errors=errors or {}, problems=list(problems), form=form or {},
    ), status_code)  # fmt: skip


@router.get("/aanbestedingen/{code}/overlegtafels", response_class=HTMLResponse)
def tables_page(
    request: Request, platform: PlatformDep, user: ContractManager, code: str, jaar: str = ""
) -> HTMLResponse:
    """The tables: the saved choice, else the proposal by clients in the latest year with figures;
    ``jaar`` shows the proposal by another year's clients."""
    year = int(jaar) if jaar.isdigit() else None
    return _tables_page(request, platform, user, code, year)


@router.post("/aanbestedingen/{code}/overlegtafels", dependencies=[CsrfChecked], response_model=None)
async def save_tables(request: Request, platform: PlatformDep, user: ContractManager, code: str) -> Response:
    """Save the tables: the proposal of ``jaar`` with each seat (``zetel-1`` .. ``zetel-9``) given
    to the provider chosen for it; a seat left at its proposed provider stays as proposed."""
    summary = _bestuurlijk_or_404(platform, user, code)
    tender = summary.tender
    raw = await request.form()
    form = {key: str(value).strip() for key, value in raw.items() if key != "csrf_token"}
    errors: dict[str, str] = {}
    years = consultation.reference_years(_uow(platform, user), tender.code)
    text = form.get("jaar", "")
    year = int(text) if text.isdigit() else None
    if year not in years:
        shown = f"{years[0]} tot en met {years[-1]}" if years else "geen"
        errors["jaar"] = f"Kies een jaar met cijfers ({shown})."
        return _tables_page(request, platform, user, code, errors=errors, form=form, status_code=400)
    assert year is not None
    try:
        proposal = consultation.tables(_uow(platform, user), tender.code, year)
    except TenderRefused as exc:
        return _tables_page(
            request, platform, user, code, errors=errors, problems=exc.problems, status_code=400
        )
    names = {p.agb: p.name for p in consultation.candidates(_uow(platform, user), tender.code, year)}
    chosen: dict[str, int] = {}
    for number, seat in enumerate(proposal.seats, start=1):
        name = f"zetel-{number}"
        agb = form.get(name) or seat.provider.agb
        if agb not in names:
            errors[name] = (
                f"Aanbieder {agb} hoort niet bij deze aanbesteding ({_table_name(seat.table.value)} tafel, "
                f"zetel {number}): kies een aanbieder uit de lijst."
            )
        elif agb in chosen:
            errors[name] = (
                f"{names[agb]} heeft al zetel {chosen[agb]}: kies voor zetel {number} een andere aanbieder."
            )
        else:
            chosen[agb] = number
    if errors:
        return _tables_page(request, platform, user, code, year, errors=errors, form=form, status_code=400)
    swaps, stuck = seat_swaps(proposal.seats, chosen)
    for agb in stuck:
        errors[f"zetel-{chosen[agb]}"] = (
            f"{names[agb]} zit in het voorstel al aan een andere tafel en ruilen tussen tafels kan niet: "
            f"kies voor zetel {chosen[agb]} een aanbieder zonder zetel in het voorstel."
        )
    if errors:
        return _tables_page(request, platform, user, code, year, errors=errors, form=form, status_code=400)
    try:
        saved = consultation.tables(_uow(platform, user), tender.code, year, swaps, save=True)
    except TenderRefused as exc:
        return _tables_page(
            request, platform, user, code, year, problems=exc.problems, form=form, status_code=400
        )
    changed = f", {len(swaps)} zetel{'s' if len(swaps) != 1 else ''} anders dan voorgesteld" if swaps else ""
    request.session[FLASH_KEY] = (
        f"De overlegtafels zijn vastgelegd: {len(saved.seats)} aanbieders naar cliënten in {year}{changed}."
    )
    return RedirectResponse(f"/aanbestedingen/{tender.code}/overlegtafels", status_code=303)


def seat_swaps(proposed: Sequence[Seat], chosen: dict[str, int]) -> tuple[list[tuple[str, str]], list[str]]:
    """The (seated, replacement) swaps that turn the proposal into the chosen seats (AGB code ->
    seat number), in an order :func:`~zorginkoop.services.consultation.tables` can apply them
    one by one; and the providers that cannot move, as they would swap seats between tables
    with each other (a swap gives a seat only to a provider without one).

    A seat's number gives its table only (the saved seats are shown most clients first per
    table), so per table the proposed providers not chosen make way for the chosen ones not
    proposed."""
    at = {number: agb for agb, number in chosen.items()}
    pending: list[tuple[str, str]] = []
    for table in TableSize:
        numbers = [n for n, seat in enumerate(proposed, start=1) if seat.table is table]
        proposed_here = [proposed[n - 1].provider.agb for n in numbers]
        chosen_here = [at[n] for n in numbers if n in at]
        outs = [agb for agb in proposed_here if agb not in chosen_here]
        ins = [agb for agb in chosen_here if agb not in proposed_here]
        pending.extend(zip(outs, ins, strict=True))
    seated = {seat.provider.agb for seat in proposed}
    ordered: list[tuple[str, str]] = []
    while pending:  # a provider moved to another table frees its own seat first
        ready = next((swap for swap in pending if swap[1] not in seated), None)
        if ready is None:
            return ordered, [new for _out, new in pending]
        pending.remove(ready)
        seated.discard(ready[0])
        seated.add(ready[1])
        ordered.append(ready)
    return ordered, []


# -- meetings -------------------------------------------------------------------------------------


def _meetings_page(
    request: Request, platform: Platform, user: User, code: str, *, errors: dict[str, str] | None = None,
    problems: Iterable[str] = (), form: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    summary = _bestuurlijk_or_404(platform, user, code)
    found = consultation.meetings(_uow(platform, user), summary.tender.code)
    found.sort(key=lambda m: (m.day, list(TableSize).index(m.table)), reverse=True)
    stored = _stored_tables(platform, user, summary.tender.code)
    return render(request, "tenders/consultation_meetings.html", _context(
        request, summary, "overleggen", meetings=found, tables_saved=stored, errors=errors or {},
        problems=list(problems), form=form or {"datum": date.today().isoformat()},
    ), status_code)  # fmt: skip


def _stored_tables(platform: Platform, user: User, code: str) -> bool:
    try:
        return consultation.tables(_uow(platform, user), code).stored
    except TenderRefused:
        return False


@router.get("/aanbestedingen/{code}/overleggen", response_class=HTMLResponse)
def meetings_page(request: Request, platform: PlatformDep, user: ContractManager, code: str) -> HTMLResponse:
    """The tables' meetings, newest first, and a form to record one."""
    return _meetings_page(request, platform, user, code)


@router.post("/aanbestedingen/{code}/overleggen", dependencies=[CsrfChecked], response_model=None)
def record_meeting(
    request: Request, platform: PlatformDep, user: ContractManager, code: str,
    tafel: Annotated[str, Form(max_length=20)] = "", datum: Annotated[str, Form(max_length=20)] = "",
    agenda: Annotated[str, Form(max_length=2000)] = "", verslag: Annotated[str, Form(max_length=20000)] = "",
) -> Response:  # fmt: skip
    """Record a meeting of one table with its agenda and (optional) minutes."""
    summary = _bestuurlijk_or_404(platform, user, code)
    form = {"tafel": tafel, "datum": datum, "agenda": agenda, "verslag": verslag}
    errors: dict[str, str] = {}
    if tafel not in TABLE_NL:
        errors["tafel"] = "Kies de tafel: groot, middelgroot of klein."
    elif not _stored_tables(platform, user, summary.tender.code):
        errors["tafel"] = "Deze aanbesteding heeft nog geen vastgelegde overlegtafels: leg die eerst vast."
    day = _day(datum)
    if day is None:
        errors["datum"] = f"Vul de datum van het overleg in {DATE_HINT}."
    if not agenda.strip():
        errors["agenda"] = "Vul de agenda van het overleg in."
    if errors:
        return _meetings_page(request, platform, user, code, errors=errors, form=form, status_code=400)
    assert day is not None
    try:
        consultation.record_meeting(_uow(platform, user), summary.tender.code, tafel, day=day, agenda=agenda,
                                    minutes=verslag)  # fmt: skip
    except TenderRefused as exc:
        return _meetings_page(
            request, platform, user, code, problems=exc.problems, form=form, status_code=400
        )
    request.session[FLASH_KEY] = (
        f"Het overleg van de {_table_name(tafel)} tafel op {day:%d-%m-%Y} is vastgelegd."
    )
    return RedirectResponse(f"/aanbestedingen/{summary.tender.code}/overleggen", status_code=303)


# -- online input ---------------------------------------------------------------------------------


@router.get("/aanbestedingen/{code}/inbreng", response_class=HTMLResponse)
def inputs_page(
    request: Request, platform: PlatformDep, user: ContractManager, code: str, onderwerp: str = ""
) -> HTMLResponse:
    """The providers' online input, per topic (``onderwerp``: only that topic)."""
    summary = _bestuurlijk_or_404(platform, user, code)
    every = consultation.inputs(_uow(platform, user), summary.tender.code)
    topics = sorted({i.topic for i in every}, key=str.casefold)
    shown = [i for i in every if not onderwerp or i.topic == onderwerp]
    by_topic: dict[str, list[Any]] = {}
    for given in sorted(shown, key=lambda i: (i.topic.casefold(), i.submitted_at)):
        by_topic.setdefault(given.topic, []).append(given)
    with _uow(platform, user) as uow:
        names = {
            agb: (p.name if (p := uow.providers.get(agb)) else "–") for agb in {i.provider_agb for i in every}
        }
    return render(request, "tenders/consultation_inputs.html", _context(
        request, summary, "inbreng", by_topic=by_topic, topics=topics, topic=onderwerp if onderwerp in topics else "",
        names=names, providers=len(names), total=len(every),
    ))  # fmt: skip


# -- the covenant ---------------------------------------------------------------------------------


def word_diff(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """``after`` against ``before`` word by word, as (kind, words) pieces: kind ``same``,
    ``removed`` or ``added``; the words keep their own spacing."""
    old, new = (before or "").split(), (after or "").split()
    pieces: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            pieces.append(("added", " ".join(new[j1:j2])))
    return pieces


def _covenant_page(
    request: Request, platform: Platform, user: User, code: str, *, errors: dict[str, str] | None = None,
    problems: Iterable[str] = (), form: dict[str, str] | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    summary = _bestuurlijk_or_404(platform, user, code)
    steps = consultation.covenant_history(_uow(platform, user), summary.tender.code)
    today = date.today()
    current = in_force([s.version for s in steps], today) or (steps[0].version if steps else None)
    latest = steps[-1].version if steps else None
    if form is None:
        form = {f"tekst-{i}": a.text for i, a in enumerate(latest.agreements, start=1)} if latest else {}
        form["vanaf"] = today.isoformat()
    return render(request, "tenders/consultation_covenant.html", _context(
        request, summary, "convenant", steps=list(reversed(steps)), current=current, latest=latest, today=today,
        diffs={(s.version.number, c.article): word_diff(c.before, c.after) for s in steps for c in s.changes},
        errors=errors or {}, problems=list(problems), form=form,
    ), status_code)  # fmt: skip


@router.get("/aanbestedingen/{code}/convenant", response_class=HTMLResponse)
def covenant_page(request: Request, platform: PlatformDep, user: ContractManager, code: str) -> HTMLResponse:
    """The covenant's agreements as they hold today, every version with what it changed (per
    article, word by word) and from when, and a form for a new version."""
    return _covenant_page(request, platform, user, code)


def agreements_from_form(
    latest: tuple[Agreement, ...], form: dict[str, str]
) -> tuple[list[Agreement], dict[str, str]]:
    """The agreements of a new version from the covenant form: each article of the latest
    version with its (edited) text unless struck out, plus a new article; with errors per field."""
    errors: dict[str, str] = {}
    found: list[Agreement] = []
    for number, agreement in enumerate(latest, start=1):
        if form.get(f"schrappen-{number}"):
            continue
        text = form.get(f"tekst-{number}", "").strip()
        if not text:
            errors[f"tekst-{number}"] = (
                f"Vul de tekst van artikel {agreement.article} in, of kies 'Artikel {agreement.article} schrappen'."
            )
        else:
            found.append(Agreement(agreement.article, text))
    article, text = form.get("nieuw-artikel", "").strip(), form.get("nieuw-tekst", "").strip()
    if article and not text:
        errors["nieuw-tekst"] = f"Vul de tekst van het nieuwe artikel {article} in."
    elif text and not article:
        errors["nieuw-artikel"] = "Vul het nummer van het nieuwe artikel in, bijvoorbeeld 4."
    elif article and article in {a.article for a in latest}:
        errors["nieuw-artikel"] = (
            f"Artikel {article} bestaat al: wijzig het hierboven, of kies een ander nummer."
        )
    elif article:
        found.append(Agreement(article, text))
    if not found and not errors:
        errors["nieuw-artikel"] = "Een convenant houdt ten minste één afspraak: schrap niet elk artikel."
    return found, errors


@router.post("/aanbestedingen/{code}/convenant", dependencies=[CsrfChecked], response_model=None)
async def record_covenant(
    request: Request, platform: PlatformDep, user: ContractManager, code: str
) -> Response:
    """Record a new version of the covenant holding from ``vanaf``."""
    summary = _bestuurlijk_or_404(platform, user, code)
    raw = await request.form()
    form = {key: str(value) for key, value in raw.items() if key != "csrf_token"}
    steps = consultation.covenant_history(_uow(platform, user), summary.tender.code)
    latest = steps[-1].version if steps else None
    agreements, errors = agreements_from_form(latest.agreements if latest else (), form)
    day = _day(form.get("vanaf", ""))
    if day is None:
        errors = {"vanaf": f"Vul de datum in vanaf wanneer deze versie geldt, {DATE_HINT}.", **errors}
    elif latest is not None and day <= latest.valid_from:
        errors = {"vanaf": f"Versie {latest.number} geldt vanaf {latest.valid_from:%d-%m-%Y}: een nieuwe versie "
                           "geldt vanaf een latere datum.", **errors}  # fmt: skip
    if not errors and latest is not None and tuple(agreements) == latest.agreements:
        errors["tekst-1"] = (
            f"Er is niets gewijzigd ten opzichte van versie {latest.number}: wijzig, schrap of voeg een artikel toe."
        )
    if errors:
        return _covenant_page(request, platform, user, code, errors=errors, form=form, status_code=400)
    assert day is not None
    try:
        step = consultation.record_covenant(_uow(platform, user), summary.tender.code, agreements, day)
    except TenderRefused as exc:
        return _covenant_page(
            request, platform, user, code, problems=exc.problems, form=form, status_code=400
        )
    request.session[FLASH_KEY] = (
        f"Versie {step.version.number} van het convenant is vastgelegd en geldt vanaf {day:%d-%m-%Y}: "
        f"{len(step.changes)} {'wijziging' if len(step.changes) == 1 else 'wijzigingen'}."
    )
    return RedirectResponse(f"/aanbestedingen/{summary.tender.code}/convenant", status_code=303)
