# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/reports/costs``: clients and approved cost per municipality in the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.services import reports
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import CostLineOut, LawName, Problem

router = APIRouter(tags=["reports"])

REPORT_READERS = (Role.BELEIDSADVISEUR, Role.CONTRACTMANAGER, Role.BACKOFFICE)


@router.get(
    "/reports/costs",
    response_model=list[CostLineOut],
    responses={
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "the role may not read reports"},
    },
)
def costs(
    platform: PlatformDep,
    user: Annotated[User, Depends(require_roles(*REPORT_READERS))],
    year: Annotated[int, Query(ge=1900, le=2999, description="calendar year")],
    law: LawName | None = None,
) -> list[CostLineOut]:
    """One line per municipality in the caller's scope: clients and approved cost of the year
    (the figures of `zorginkoop report costs`). Counts and sums only, no personal data; each
    read is logged once per scope, its subject the group (law and year)."""
    lines: list[reports.CostLine] = []
    for scope in user.scopes():  # a user tied to several municipalities: each of them
        with platform.unit_of_work(actor=user.login, scope=scope) as uow:
            lines.extend(reports.read_cost_lines(uow, year, Law(law.value) if law else None))
    return [
        CostLineOut(
            municipality=line.municipality,
            cbs_code=line.cbs_code or "",
            clients=line.clients,
            cost_eur=str(line.cost),
        )
        for line in sorted(lines, key=lambda line: line.municipality.lower())
    ]
