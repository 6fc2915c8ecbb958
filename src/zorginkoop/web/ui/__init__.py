# SPDX-License-Identifier: EUPL-1.2
"""The web application in Dutch: server-rendered pages for every role, on the API's accounts,
tenancy layer and use cases.

``install(app, settings)`` adds it to the FastAPI app: the session cookie, security headers,
the static files (the NL Design System CSS vendored in ``web/static/vendor``), the pages and
Dutch error pages for everything outside ``/api``.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from zorginkoop.settings import Settings
from zorginkoop.web import security
from zorginkoop.web.ui import (
    admin,
    backoffice,
    benchmark,
    consulent,
    consultation,
    contract_forms,
    contracts,
    figures,
    monitoring,
    pages,
    privacy,
    provider,
    tenders,
)
from zorginkoop.web.ui import survey as survey_screens
from zorginkoop.web.ui.session import SESSION_COOKIE, LoginRequired
from zorginkoop.web.ui.templating import TEMPLATE_DIR, render

STATIC_DIR = TEMPLATE_DIR.parent / "static"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
"""For the pages (not ``/api/docs``, which loads Swagger UI from its CDN)."""

SCREENS = (
    pages.router,
    consulent.router,
    contracts.router,
    figures.router,
    backoffice.router,
    provider.router,
    privacy.router,
    admin.router,
    monitoring.router,
    benchmark.router,
    survey_screens.router,
    contract_forms.router,
    tenders.router,
    consultation.router,
)
"""The routers of the web application's screens, one per module."""


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=security.signing_key(settings).decode(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.token_minutes * 60,
        same_site="lax",
        https_only=settings.env != "development",
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not _is_api(request.url.path):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
            if not request.url.path.startswith("/static/"):
                response.headers.setdefault("Cache-Control", "no-store")
        return response

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in SCREENS:
        app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def login_required(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.next_path, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def dutch_error_page(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request.url.path) or request.url.path.startswith("/static/"):
            return await http_exception_handler(request, exc)
        return render(request, "fout.html", {"status": exc.status_code, "detail": _dutch_detail(exc)},
                      exc.status_code)  # fmt: skip


def _dutch_detail(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404 and exc.detail in (None, "Not Found"):
        return "Deze pagina bestaat niet, of valt buiten wat u mag zien."
    if exc.status_code == 405:
        return "Deze pagina kan zo niet worden opgevraagd."
    return str(exc.detail)
