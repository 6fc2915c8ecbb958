# SPDX-License-Identifier: EUPL-1.2
"""The FastAPI application: the HTTP API and the web application, ``create_app(settings)``;
``zorginkoop serve`` runs it with uvicorn.

The API is versioned under ``/api/v1``; its OpenAPI description is at ``/openapi.json`` and
readable docs at ``/api/docs``.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from zorginkoop import __version__
from zorginkoop.bootstrap import bootstrap
from zorginkoop.settings import Settings
from zorginkoop.web import ui
from zorginkoop.web.api.v1 import router as v1

DESCRIPTION = """\
The regional purchasing platform's API for the region's systems and providers' systems.

Sign in with `POST /api/v1/token` (OAuth2 password form: `username`, `password`) and send the
token as `Authorization: Bearer <token>`. Every read of personal data is scoped to the caller's
municipalities or provider and written to the processing log. BSNs travel in request bodies,
never in URLs; amounts are decimal strings in euros with two decimals.
"""


def _single_sign_on(settings: Settings) -> str:
    """What the docs say about the region's single sign-on (ZORGINKOOP_OIDC_ISSUER/_CLIENT_ID)."""
    if settings.oidc_issuer is None:
        return "\nSingle sign-on (OpenID Connect) is not configured: local accounts only.\n"
    return (
        f"\nThe region's single sign-on is {settings.oidc_issuer} (OpenID Connect, client id "
        f"`{settings.oidc_client_id}`), for the web application; this API takes the bearer tokens "
        "of `POST /api/v1/token` (local accounts).\n"
    )


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """The API on the store of ``settings`` (default: from the environment); ``engine`` reuses one."""
    platform = bootstrap(settings, engine=engine)
    app = FastAPI(
        title="zorginkoop API",
        version=__version__,
        description=DESCRIPTION + _single_sign_on(platform.settings),
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.platform = platform
    app.include_router(v1)
    ui.install(app, platform.settings)
    return app
