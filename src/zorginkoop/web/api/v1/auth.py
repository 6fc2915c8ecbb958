# SPDX-License-Identifier: EUPL-1.2
"""``POST /api/v1/token``: log in with a login and password (OAuth2 password form), get a bearer token."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from zorginkoop.domain.access import Scope
from zorginkoop.web import security
from zorginkoop.web.deps import ACCOUNTS_ACTOR, CurrentUser, PlatformDep, bearer, unauthorized
from zorginkoop.web.schemas import Problem, Token

router = APIRouter(tags=["accounts"])


@router.post(
    "/token",
    response_model=Token,
    responses={
        401: {"model": Problem, "description": "wrong login or password, or a disabled account"},
        429: {"model": Problem, "description": "too many failed logins for this login lately"},
    },
)
def token(platform: PlatformDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    """A bearer token for a login and password; it expires after ``ZORGINKOOP_TOKEN_MINUTES``."""
    with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
        try:
            issued = security.log_in(uow, platform.settings, form.username, form.password)
        except security.LoginThrottled as exc:
            raise HTTPException(
                status.HTTP_429_TOO_MANY_REQUESTS,
                str(exc),
                headers={"Retry-After": str(math.ceil(exc.retry_after.total_seconds()))},
            ) from None
        except security.LoginRefused:
            raise unauthorized("wrong login or password") from None
    return Token(access_token=issued.access_token, expires_in=platform.settings.token_minutes * 60)


@router.post(
    "/token/revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={401: {"model": Problem, "description": "not signed in"}},
)
def revoke_token(
    platform: PlatformDep, _user: CurrentUser, token: Annotated[str | None, Depends(bearer)]
) -> Response:
    """Revoke the token this request is signed with (log out); other tokens of the user stay valid."""
    with platform.unit_of_work(actor=ACCOUNTS_ACTOR, scope=Scope.region()) as uow:
        security.revoke(uow, platform.settings, token or "")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
