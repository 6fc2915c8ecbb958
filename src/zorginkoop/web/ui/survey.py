# SPDX-License-Identifier: EUPL-1.2
"""The client experience survey on the web.

``/enquete/{token}`` needs no account (like ``/login``): the one-time token in the link is the
credential, so the page has no CSRF token of its own. A used, expired, tampered or unknown
token gives the same Dutch page with 404, so the page never tells whether a token existed.
After sending, a thank-you page; the token then no longer works.

``/kerncijfers/enquete`` is the policy adviser's (beleidsadviseur): the rounds in scope, making a
round, sending its invitations (downloaded as a zip of the e-mails and letters, for the region's
mail system) and the results per municipality or provider with small-number suppression.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from zorginkoop.adapters.mailer import FolderMailer
from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import MIN_PEOPLE
from zorginkoop.domain.survey import SCALE
from zorginkoop.services import survey
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui.query_params import LAW_NAMES_NL, law_options
from zorginkoop.web.ui.session import CsrfChecked, WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

MAX_FIELDS = 100
"""A questionnaire form with more fields than this is refused (the standard has ten)."""


def _gone(request: Request) -> HTMLResponse:
    return render(request, "survey/gone.html", {}, status.HTTP_404_NOT_FOUND)


def _public_uow(platform: PlatformDep):  # type: ignore[no-untyped-def]
    return platform.unit_of_work(actor=survey.PUBLIC_ACTOR, scope=Scope.region())


@router.get("/enquete/{token}", response_class=HTMLResponse)
def questionnaire(request: Request, token: str, platform: PlatformDep) -> HTMLResponse:
    page = survey.open_survey(_public_uow(platform), token)
    if page is None:
        return _gone(request)
    return render(request, "survey/questionnaire.html", {
        "page": page, "scale": SCALE, "token": token, "answers": {}, "errors": {},
    })  # fmt: skip


@router.post("/enquete/{token}", response_class=HTMLResponse)
async def send_answers(request: Request, token: str, platform: PlatformDep) -> HTMLResponse:
    form = await request.form(max_fields=MAX_FIELDS)
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    outcome = survey.submit_answers(_public_uow(platform), token, values)
    if outcome.status is survey.Submitted.GONE:
        return _gone(request)
    if outcome.status is survey.Submitted.INCOMPLETE:
        assert outcome.page is not None
        texts = {q.id: q.text for q in outcome.page.questionnaire.questions}
        numbers = {q.id: n for n, q in enumerate(outcome.page.questionnaire.questions, start=1)}
        errors = {qid: f"Kies een antwoord bij vraag {numbers[qid]}: {texts[qid]}" for qid in outcome.missing}
        return render(request, "survey/questionnaire.html", {
            "page": outcome.page, "scale": SCALE, "token": token, "answers": outcome.answers or {},
            "errors": errors,
        }, status.HTTP_400_BAD_REQUEST)  # fmt: skip
    return render(request, "survey/thanks.html", {})


# -- the policy adviser's pages ---------------------------------------------------------------------

PolicyAdviser = Annotated[User, Depends(require_web_roles(Role.BELEIDSADVISEUR))]
GROUPS_NL = {"gemeente": survey.GroupBy.MUNICIPALITY, "aanbieder": survey.GroupBy.PROVIDER}


def _rounds_page(  # noqa: PLR0917 - the page's parts
    request: Request, uow: WebUseCaseUnitOfWork, errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None, made: survey.RoundSummary | None = None, status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    rounds = survey.list_rounds(uow)
    return render(request, "survey/rounds.html", {
        "rounds": rounds, "errors": errors or {}, "form": form or {}, "made": made,
        "municipalities": survey.municipality_choices(uow),
        "law_options": law_options(allow_both=False), "law_names": LAW_NAMES_NL,
    }, status_code)  # fmt: skip


@router.get("/kerncijfers/enquete", response_class=HTMLResponse)
def rounds(request: Request, uow: WebUseCaseUnitOfWork, _user: PolicyAdviser) -> HTMLResponse:
    """The survey rounds the adviser may see, and the form to make one."""
    return _rounds_page(request, uow)


@router.post("/kerncijfers/enquete", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def make_round(request: Request, uow: WebUseCaseUnitOfWork, _user: PolicyAdviser) -> HTMLResponse:
    form = {k: v for k, v in (await request.form(max_fields=20)).items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    year_text, law_text, sample_text = (form.get(k, "").strip() for k in ("jaar", "wet", "steekproef"))
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    if year is None:
        errors["jaar"] = "Vul een jaar in, bijvoorbeeld 2020."
    law = Law(law_text) if law_text in ("wmo", "jeugd") else None
    if law is None:
        errors["wet"] = "Kies de wet: Wmo of Jeugdwet."
    sample = int(sample_text) if sample_text.isdigit() and int(sample_text) > 0 else None
    if sample_text and sample is None:
        errors["steekproef"] = "Vul een heel aantal cliënten per gemeente in (1 of meer), of laat het leeg."
    if errors or year is None or law is None:
        return _rounds_page(request, uow, errors, form, status_code=400)
    try:
        made = survey.create_round(uow, year, law, form.get("gemeente") or None, sample=sample)
    except survey.SurveyServiceError as exc:
        return _rounds_page(
            request, uow, {"jaar": f"De ronde is niet gemaakt: {exc}."}, form, status_code=400
        )
    return _rounds_page(request, uow, made=made)


@router.post("/kerncijfers/enquete/{round_id}/uitnodigingen", dependencies=[CsrfChecked])
def send_invitations(
    request: Request, round_id: int, uow: WebUseCaseUnitOfWork, _user: PolicyAdviser
) -> Response:
    """Send the round's invitations not sent yet: a zip with the e-mails (.eml) and letters
    (.txt) for the region's mail system and print street. Links point to this site."""
    with tempfile.TemporaryDirectory() as folder:
        try:
            survey.invite(uow, round_id, FolderMailer(Path(folder)), str(request.base_url))
        except survey.SurveyServiceError:
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder).as_posix())
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="enquete-ronde-{round_id}-uitnodigingen.zip"',
    })  # fmt: skip


@router.get("/kerncijfers/enquete/{round_id}", response_class=HTMLResponse)
def round_results(
    request: Request, round_id: int, uow: WebUseCaseUnitOfWork, _user: PolicyAdviser, per: str = "gemeente"
) -> HTMLResponse:
    """A round's results per municipality or provider; no values under 10 respondents."""
    by = GROUPS_NL.get(per)
    if by is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "Kies per gemeente of per aanbieder.")
    try:
        found = survey.results(uow, round_id, by)
    except survey.SurveyServiceError:
        raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    return render(request, "survey/results.html", {
        "r": found, "per": per, "min_people": MIN_PEOPLE, "law_names": LAW_NAMES_NL,
    })  # fmt: skip
