# SPDX-License-Identifier: EUPL-1.2
"""``POST /api/v1/clients/search``: one client's file (decisions, allocations) within the caller's scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from zorginkoop.domain.accounts import Role, User
from zorginkoop.services import clients
from zorginkoop.web.deps import UnitOfWorkDep, require_roles
from zorginkoop.web.schemas import (
    ClientOut,
    ClientSearch,
    MunicipalityRef,
    Problem,
    allocation_out,
    decision_out,
)

router = APIRouter(tags=["clients"])

CLIENT_READERS = (Role.CONSULENT, Role.BACKOFFICE, Role.AANBIEDER)


@router.post(
    "/clients/search",
    response_model=ClientOut,
    responses={
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "the role may not read client files"},
        404: {"model": Problem, "description": "no such client within the caller's scope"},
    },
)
def search_client(
    body: ClientSearch, uow: UnitOfWorkDep, _user: Annotated[User, Depends(require_roles(*CLIENT_READERS))]
) -> ClientOut:
    """The client with this BSN, with the decisions and allocations the caller may see.

    A client outside the caller's municipalities (or, for a provider, without an allocation to
    it) is answered 404 like an unknown BSN, so whether it exists does not leak. The read is
    written to the processing log."""
    found = clients.client_file(uow, body.bsn)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no client with this BSN within your scope")
    uow.commit()  # the processing log rows of this read
    c = found.client
    names = uow.region.municipality_names()
    return ClientOut(
        bsn=c.bsn, family_name=c.family_name, prefix=c.prefix, initials=c.initials, birth_date=c.birth_date,
        gender=c.gender.value,
        municipality=MunicipalityRef(municipality=found.municipality_name, cbs_code=c.municipality_code),
        decisions=[decision_out(d) for d in found.decisions],
        allocations=[allocation_out(a, names) for a in found.allocations],
    )  # fmt: skip
