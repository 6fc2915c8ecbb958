# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/allocations``: the allocations in force on a day, within the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.services import clients
from zorginkoop.web.deps import UnitOfWorkDep, require_roles
from zorginkoop.web.schemas import AllocationOut, LawName, Problem, allocation_out

router = APIRouter(tags=["allocations"])

ALLOCATION_READERS = (Role.CONSULENT, Role.BACKOFFICE, Role.CONTRACTMANAGER, Role.AANBIEDER)


@router.get(
    "/allocations",
    response_model=list[AllocationOut],
    responses={
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "the role may not read allocations"},
    },
)
def list_allocations(
    uow: UnitOfWorkDep,
    _user: Annotated[User, Depends(require_roles(*ALLOCATION_READERS))],
    provider: Annotated[str | None, Query(pattern=r"^\d{8}$", description="AGB code")] = None,
    active_on: Annotated[date | None, Query(description="day in force, YYYY-MM-DD (default today)")] = None,
    law: LawName | None = None,
) -> list[AllocationOut]:
    """Allocations in force on ``active_on`` (not removed), of one provider when given, in the
    caller's scope (a provider sees only its own). The read is written to the processing log."""
    day = active_on or date.today()
    found = clients.allocations_in_force(uow, day, provider, Law(law.value) if law else None)
    uow.commit()  # the processing log rows of this read
    names = uow.region.municipality_names()
    return [allocation_out(a, names) for a in found]
