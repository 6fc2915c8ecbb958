# SPDX-License-Identifier: EUPL-1.2
"""The policy adviser's screens: the key figures per municipality (the Lekstroom memo's 2020
table: clients, cost and cost per client per municipality, Wmo or Jeugdwet) and their trend over
the years, for the municipalities in the adviser's scope only; and the dashboard of one
municipality (``zorginkoop monitor dashboard``, :func:`zorginkoop.services.monitoring.dashboard`).

The figures are those of ``zorginkoop report costs`` and ``GET /api/v1/reports/costs``
(:func:`zorginkoop.services.reports.key_figures`), with figures about fewer than 10 people shown
as "< 10" (:mod:`zorginkoop.domain.disclosure`). Counts and sums: no personal data is shown;
each read is logged once, its subject the group.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from zorginkoop.adapters import charts
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring, reports
from zorginkoop.web.ui.query_params import BOTH, LAW_NAMES_NL, law_options, parse_law, parse_year
from zorginkoop.web.ui.session import WebUnitOfWork, WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

PolicyAdviser = Annotated[User, Depends(require_web_roles(Role.BELEIDSADVISEUR))]


def _law_text(law: Law | None) -> str:
    return LAW_NAMES_NL[law] if law is not None else "Wmo en Jeugdwet"


@router.get("/kerncijfers", response_class=HTMLResponse)
def key_figures(
    request: Request, uow: WebUnitOfWork, _user: PolicyAdviser, jaar: str = "", wet: str = Law.WMO.value
) -> HTMLResponse:
    """Clients and cost per municipality in one year and law (default: the latest year, Wmo)."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet")
    years = [year for year, _clients, _cost in reports.costs_by_year(uow, law)]
    year = parse_year(jaar, errors, "jaar")
    if year is None and not errors.get("jaar"):
        year = years[-1] if years else None
    figures = reports.read_key_figures(uow, year, law) if year is not None else None
    return render(request, "figures/key_figures.html", {
        "figures": figures, "years": sorted({*years, year}) if year is not None else years, "jaar": jaar or (str(year) if year else ""),
        "wet": wet or BOTH, "law_text": _law_text(law), "law_options": law_options(), "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


@router.get("/kerncijfers/jaren", response_class=HTMLResponse)
def trend(
    request: Request, uow: WebUnitOfWork, _user: PolicyAdviser, wet: str = Law.WMO.value
) -> HTMLResponse:
    """Clients and cost per municipality for every year with figures: the trend."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet")
    per_year = reports.read_key_figures_by_year(uow, law)
    municipalities = sorted({(f.cbs_code, f.municipality) for y in per_year for f in y.lines},
                            key=lambda m: m[1].lower())  # fmt: skip
    cells = {(y.year, f.cbs_code): f for y in per_year for f in y.lines}
    return render(request, "figures/years.html", {
        "per_year": per_year, "municipalities": municipalities, "cells": cells, "wet": wet or BOTH,
        "law_text": _law_text(law), "law_options": law_options(), "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


def _dashboard_charts(found: monitoring.Dashboard | None) -> dict[str, str | None]:
    """The dashboard's charts (inline SVG; the page shows the same figures in its tables)."""
    if found is None:
        return {"trend_chart": None, "product_chart": None}
    trend = charts.trend(
        [charts.TrendPoint(str(y.year), y.clients, y.cost.to_decimal()) for y in found.trend],
        f"Cliënten en kosten per jaar, {found.municipality}",
    ) if found.trend else None  # fmt: skip
    products = charts.bars(
        [charts.Bar(f"{p.product_code} {p.name}"[:48], p.cost.to_decimal()) for p in found.by_product],
        f"Kosten per product {found.year}, {found.municipality}",
        "Kosten (EUR)",
    ) if found.by_product else None  # fmt: skip
    return {"trend_chart": trend, "product_chart": products}


@router.get("/kerncijfers/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    uow: WebUseCaseUnitOfWork,
    _user: PolicyAdviser,
    gemeente: str = "",
    jaar: str = "",
    wet: str = Law.WMO.value,
) -> HTMLResponse:
    """One municipality's dashboard (default: the adviser's first municipality, the latest
    year): the figures of ``zorginkoop monitor dashboard``. Another municipality is 404."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet", allow_both=False) or Law.WMO
    year = parse_year(jaar, errors, "jaar")
    choices = monitoring.dashboard_choices(uow, law)  # a unit of work opens once per use case
    code = gemeente or (choices.municipalities[0][0] if choices.municipalities else "")
    if year is None and not errors.get("jaar"):
        year = choices.years[-1] if choices.years else None
    found = None
    if year is not None and code:
        try:
            found = monitoring.dashboard(uow, code, year, law)
        except monitoring.MonitoringQueryError:
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    years = sorted({*choices.years, year}) if year is not None else list(choices.years)
    return render(request, "figures/dashboard.html", {
        "d": found, **_dashboard_charts(found), "municipalities": choices.municipalities, "gemeente": code, "years": years,
        "jaar": str(year) if year else jaar, "wet": law.value, "law_text": LAW_NAMES_NL[law],
        "law_options": law_options(allow_both=False), "percent": monitoring.percent, "errors": errors,
    }, 400 if errors else 200)  # fmt: skip
