# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/survey/rounds`` and ``GET /api/v1/survey/rounds/{round_id}/results``: the client
experience survey's rounds and results for the caller's scope, the figures of ``zorginkoop
survey list`` and ``survey results`` (:mod:`zorginkoop.services.survey`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from pydantic import BaseModel, Field

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.monitoring import MIN_PEOPLE
from zorginkoop.domain.survey import GroupResult
from zorginkoop.services import survey
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import Problem

router = APIRouter(tags=["survey"])

SURVEY_READERS = (Role.BELEIDSADVISEUR, Role.CONTRACTMANAGER)


class GroupByName(str, Enum):
    municipality = "municipality"
    provider = "provider"


class RoundOut(BaseModel):
    round: int
    year: int
    law: str
    municipality: str = Field(description='the municipality, or "regio" for the whole region')
    questions: int
    drawn: int
    sent: int
    answered: int
    closes_on: date
    for_procurement: bool = Field(description="false for the Jeugdwet: not for procurement decisions (VNG)")


class QuestionOut(BaseModel):
    id: str
    text: str
    core: bool
    positive_share: Decimal | None = Field(description="0..1; null under 10 respondents or nobody judged")


class GroupOut(BaseModel):
    code: str = Field(description="CBS code or AGB code")
    name: str
    invited: int
    respondents: int
    suppressed: bool = Field(description=f"fewer than {MIN_PEOPLE} respondents: no values")
    response_rate: Decimal | None
    satisfaction: Decimal | None = Field(
        description="positive answers among judging answers to the core questions, 0..1 (4 decimals)"
    )
    questions: list[QuestionOut]


class ResultsOut(BaseModel):
    round: RoundOut
    by: GroupByName
    min_respondents: int = MIN_PEOPLE
    total: GroupOut
    groups: list[GroupOut]


def _round(r: survey.RoundSummary) -> RoundOut:
    return RoundOut(
        round=r.id, year=r.year, law=r.law.value, municipality=r.municipality, questions=r.questions,
        drawn=r.drawn, sent=r.sent, answered=r.answered, closes_on=r.closes_on, for_procurement=r.for_procurement,
    )  # fmt: skip


def _group(code: str, name: str, g: GroupResult) -> GroupOut:
    return GroupOut(
        code=code, name=name, invited=g.invited, respondents=g.respondents, suppressed=g.suppressed,
        response_rate=g.response_rate, satisfaction=g.satisfaction,
        questions=[QuestionOut(id=q.question.id, text=q.question.text, core=q.question.core,
                               positive_share=q.positive_share) for q in g.questions],
    )  # fmt: skip


Reader = Annotated[User, Depends(require_roles(*SURVEY_READERS))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "not signed in"},
    403: {"model": Problem, "description": "the role may not read survey results"},
}


@router.get("/survey/rounds", response_model=list[RoundOut], responses=RESPONSES)
def rounds(platform: PlatformDep, user: Reader) -> list[RoundOut]:
    """The survey rounds the caller may see (the region's and its municipalities'), oldest first."""
    return [
        _round(r) for r in survey.list_rounds(platform.unit_of_work(actor=user.login, scope=user.scope()))
    ]


@router.get(
    "/survey/rounds/{round_id}/results",
    response_model=ResultsOut,
    responses={
        **RESPONSES,
        404: {"model": Problem, "description": "no such round within the caller's scope"},
    },
)
def results(
    platform: PlatformDep,
    user: Reader,
    round_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    by: Annotated[
        GroupByName, Query(description="group per municipality or per provider")
    ] = GroupByName.municipality,
) -> ResultsOut:
    """A round's respondents, response rate, satisfaction and positive share per question, per
    municipality or provider, within the caller's scope; no values for a group of fewer than 10
    respondents. Reading the answers is logged per respondent."""
    try:
        found = survey.results(
            platform.unit_of_work(actor=user.login, scope=user.scope()), round_id, survey.GroupBy(by.value)
        )
    except survey.SurveyServiceError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such survey round within your scope") from None
    return ResultsOut(
        round=_round(found.round), by=by, total=_group("totaal", "totaal", found.total),
        groups=[_group(g.code, g.name, g.result) for g in found.groups],
    )  # fmt: skip
