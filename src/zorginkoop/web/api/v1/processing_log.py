# SPDX-License-Identifier: EUPL-1.2
"""``POST /api/v1/processing-log/search``: the privacy officer's search in the processing log.

The BSN travels in the body (never in a URL) and is pseudonymised with the region's key before
the search; a search by BSN is itself logged for that data subject (activity ``privacy``). Only
the ``privacy`` role may search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from zorginkoop.domain.accounts import Role, User
from zorginkoop.services import processing_log
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import Problem

router = APIRouter(tags=["processing log"])


class LogSearch(BaseModel):
    """What to search by; every filter given must match. Dates are inclusive."""

    model_config = ConfigDict(extra="forbid")
    bsn: str | None = Field(None, pattern=r"^\d{9}$", description="the data subject's BSN")
    actor: str | None = Field(None, max_length=200)
    activity: str | None = Field(None, max_length=60, description="an activity id of the register")
    since: date | None = None
    until: date | None = None


class LogEntryOut(BaseModel):
    """One entry after the Logboek Dataverwerkingen fields (the BSN only as its pseudonym)."""

    trace_id: str
    span_id: str
    operation: str
    started_at: datetime
    ended_at: datetime
    status: str
    activity_id: str
    activity: str
    purpose: str
    legal_basis: str
    subject_type: str
    subject_id: str
    actor: str
    scope: str


@router.post(
    "/processing-log/search",
    response_model=list[LogEntryOut],
    responses={
        400: {"model": Problem, "description": "a search the log cannot answer as asked"},
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "only the privacy officer searches the log"},
    },
)
def search_log(
    body: LogSearch, platform: PlatformDep, user: Annotated[User, Depends(require_roles(Role.PRIVACY))]
) -> list[LogEntryOut]:
    """The processing-log entries matching every filter, oldest first."""
    query = processing_log.Search(body.bsn, body.actor, body.activity, body.since, body.until)
    try:
        found = processing_log.search(platform.unit_of_work(actor=user.login, scope=user.scope()), query)
    except processing_log.SearchError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc).splitlines()[0]) from None
    return [LogEntryOut(**entry.as_dict()) for entry in found]
