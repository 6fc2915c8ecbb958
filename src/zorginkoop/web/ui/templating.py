# SPDX-License-Identifier: EUPL-1.2
"""The web application's templates: one Jinja2 environment, its filters, and ``render``.

Templates live in ``zorginkoop/web/templates`` (pages) and ``templates/partials`` (shared
pieces: the layout, form fields, tables, alerts). Text users read is Dutch; amounts are shown
from whole cents in Dutch notation (``€ 2.145.868,00``), dates as ``2-12-2026``.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from zorginkoop import __version__

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def grouped(whole: int) -> str:
    """A whole number with Dutch thousands separators: 2145868 -> ``2.145.868``."""
    return f"{whole:,}".replace(",", ".")


def eur(cents: int | None) -> str:
    """Whole cents as Dutch euros: 214586800 -> ``€ 2.145.868,00``; None -> ``–``."""
    if cents is None:
        return "–"
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    return f"{sign}€ {grouped(whole)},{rest:02d}"


def number(value: int | None) -> str:
    return "–" if value is None else ("-" if value < 0 else "") + grouped(abs(int(value)))


def date_nl(value: date | datetime | None) -> str:
    """A date as Dutch users write it: ``2-12-2026``; with a time ``2-12-2026 06:40``."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return f"{value.day}-{value.month}-{value.year} {value:%H:%M}"
    return f"{value.day}-{value.month}-{value.year}"


def date_long(value: date | None) -> str:
    """``2 december 2026``."""
    if value is None:
        return "–"
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


def percent(numerator: int, denominator: int) -> str:
    """A share as a Dutch percentage with one decimal, ``–`` when there is no whole."""
    if denominator == 0:
        return "–"
    tenths = round(numerator * 1000 / denominator)
    return f"{tenths // 10},{tenths % 10}%"


templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.filters.update(eur=eur, number=number, date_nl=date_nl, date_long=date_long)
templates.env.globals.update(version=__version__, percent=percent)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render page ``name`` with the layout's context (the signed-in user, navigation, CSRF token)."""
    from zorginkoop.web.ui.navigation import navigation_for
    from zorginkoop.web.ui.session import csrf_token, current_web_user

    user = current_web_user(request)
    full: dict[str, Any] = {
        "user": user,
        "nav": navigation_for(user, request.url.path) if user is not None else [],
        "csrf_token": csrf_token(request),
    }
    full.update(context or {})
    return templates.TemplateResponse(request, name, full, status_code=status_code)
