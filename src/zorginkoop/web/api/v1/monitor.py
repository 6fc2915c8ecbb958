# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/monitor/dashboard``: a municipality's dashboard (the figures of
``zorginkoop monitor dashboard``) for the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import DashboardOut, LawName, Problem, dashboard_out

router = APIRouter(tags=["monitoring"])

DASHBOARD_READERS = (Role.BELEIDSADVISEUR, Role.CONTRACTMANAGER, Role.BACKOFFICE)


@router.get(
    "/monitor/dashboard",
    response_model=DashboardOut,
    responses={
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "the role may not read monitoring figures"},
        404: {"model": Problem, "description": "no such municipality within the caller's scope"},
    },
)
def dashboard(
    platform: PlatformDep,
    user: Annotated[User, Depends(require_roles(*DASHBOARD_READERS))],
    municipality: Annotated[str, Query(max_length=60, description="CBS code or name", examples=["0321"])],
    year: Annotated[int, Query(ge=1900, le=2999, description="calendar year")],
    law: LawName = LawName.wmo,
) -> DashboardOut:
    """Clients and approved cost of the year (as `GET /api/v1/reports/costs`), per product,
    the trend, the heaviest products' share, new and ended clients, and for Jeugd the GGZ
    apart. A municipality outside the caller's scope is 404, like an unknown one, so whether
    it exists does not leak. Counts and sums only, no personal data (as the reports)."""
    try:
        found = monitoring.dashboard(
            platform.unit_of_work(actor=user.login, scope=user.scope()), municipality, year, Law(law.value)
        )
    except monitoring.MonitoringQueryError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such municipality within your scope") from None
    return dashboard_out(found)
