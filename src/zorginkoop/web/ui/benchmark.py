# SPDX-License-Identifier: EUPL-1.2
"""The provider benchmark on screen (:func:`zorginkoop.services.monitoring.benchmark`, the figures
of ``zorginkoop monitor benchmark`` and ``GET /api/v1/monitor/benchmark``):

- the contract manager's ``/monitoring/benchmark``: every provider with each figure and the
  median of the other providers, for the municipalities in scope;
- a provider's ``/aanbieder/benchmark``: its own figures against its anonymised peers (quartiles
  only, counts and amounts rounded to multiples of 5);
- :func:`positions`: each eligible provider's position for the consultant's allocation page.

Shares and scores over fewer than 10 people are shown as "*" (not shown). Counts and sums only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import AMOUNT_FIGURES, BENCHMARK_FIGURES, COUNT_FIGURES, BenchmarkLine
from zorginkoop.services import monitoring
from zorginkoop.web.ui.query_params import BOTH, LAW_NAMES_NL, law_options, parse_law, parse_year
from zorginkoop.web.ui.session import WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import eur, grouped, render

router = APIRouter(include_in_schema=False)

ContractManager = Annotated[User, Depends(require_web_roles(Role.CONTRACTMANAGER))]
ProviderUser = Annotated[User, Depends(require_web_roles(Role.AANBIEDER))]

FIGURE_LABELS_NL: Mapping[str, str] = {
    "clients": "Cliënten",
    "cost_eur": "Kosten",
    "cost_per_client_eur": "Kosten per cliënt",
    "avg_duration_days": "Gemiddelde duur (dagen)",
    "ended": "Beëindigde trajecten",
    "ended_to_plan_share": "Volgens plan beëindigd",
    "goals_reached_share": "Doelen bereikt",
    "no_repeat_share": "Geen nieuwe aanvraag binnen 6 maanden",
    "scale_down_share": "Afgeschaald naar lichter product",
    "satisfaction": "Tevredenheid (cliëntervaring)",
}
"""The figures of :data:`~zorginkoop.domain.monitoring.BENCHMARK_FIGURES` as the screens name them."""


def figure_nl(name: str, value: Decimal | None) -> str | None:
    """A benchmark figure in Dutch notation (``81,3%``, ``€ 4.408,79``, ``412,5``); None (not
    shown, fewer than 10 people) stays None."""
    if value is None:
        return None
    if name in monitoring.SHARE_FIGURES:
        pct = monitoring.percent(value)
        return f"{pct}%".replace(".", ",")
    if name in AMOUNT_FIGURES:
        return eur(int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if name in COUNT_FIGURES and value == value.to_integral_value():
        return grouped(int(value))
    tenths = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    whole, _, rest = str(tenths).partition(".")
    return f"{grouped(int(whole))},{rest or '0'}"


@dataclass(frozen=True, slots=True)
class Cell:
    name: str
    value: str | None
    median: str | None


def _cells(line: BenchmarkLine, medians: Mapping[str, Decimal | None]) -> list[Cell]:
    return [
        Cell(name, figure_nl(name, line.figure(name)), figure_nl(name, medians.get(name)))
        for name in BENCHMARK_FIGURES
    ]


def _year_and_law(
    uow: UnitOfWork, jaar: str, wet: str, errors: dict[str, str]
) -> tuple[int | None, Law | None, monitoring.DashboardChoices]:
    law = parse_law(wet, errors, "wet")
    year = parse_year(jaar, errors, "jaar")
    choices = monitoring.dashboard_choices(uow, law or Law.WMO)
    if year is None and not errors.get("jaar"):
        year = choices.years[-1] if choices.years else None
    return year, law, choices


@router.get("/monitoring/benchmark", response_class=HTMLResponse)
def benchmark_page(
    request: Request,
    uow: WebUseCaseUnitOfWork,
    _user: ContractManager,
    jaar: str = "",
    wet: str = Law.WMO.value,
    zonder: str = "",
) -> HTMLResponse:
    """Every provider's figures of a year with the median of the other providers (default: the
    latest year, Wmo), optionally without one municipality; the municipalities in scope only."""
    errors: dict[str, str] = {}
    year, law, choices = _year_and_law(uow, jaar, wet, errors)
    if zonder and zonder not in {code for code, _name in choices.municipalities}:
        errors["zonder"] = "Kies een gemeente uit de lijst."
    found = None
    if year is not None and not errors:
        try:
            found = monitoring.benchmark(uow, year, law, [zonder] if zonder else None)
        except monitoring.MonitoringQueryError:
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
    rows = [(row.line, _cells(row.line, row.peer_median)) for row in found.rows] if found else []
    overall = (
        [Cell(n, None, figure_nl(n, (found.median or {}).get(n))) for n in BENCHMARK_FIGURES] if found else []
    )
    years = sorted({*choices.years, year}) if year is not None else list(choices.years)
    return render(request, "monitoring/benchmark.html", {
        "found": found, "rows": rows, "overall": overall, "labels": FIGURE_LABELS_NL, "years": years,
        "jaar": str(year) if year else jaar, "wet": wet or BOTH, "zonder": zonder,
        "law_text": LAW_NAMES_NL[law] if law else "Wmo en Jeugdwet", "law_options": law_options(),
        "municipalities": choices.municipalities, "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


@router.get("/aanbieder/benchmark", response_class=HTMLResponse)
def own_position(
    request: Request, uow: WebUseCaseUnitOfWork, user: ProviderUser, jaar: str = "", wet: str = Law.WMO.value
) -> HTMLResponse:
    """The provider's own figures of a year against its peers: their quartiles and how many
    there are, never a peer's name or figure; counts and amounts rounded to multiples of 5."""
    errors: dict[str, str] = {}
    law = parse_law(wet, errors, "wet", allow_both=False) or Law.WMO
    year = parse_year(jaar, errors, "jaar")
    found = None
    if year is None and not errors:
        year = monitoring.latest_benchmark_year(uow, law)
    if year is not None and not errors:
        found = monitoring.benchmark(uow, year, law)
    own = found.rows[0].line if found and found.rows else None
    figures = []
    if found is not None and found.peers is not None:
        for name in BENCHMARK_FIGURES:
            spread = found.peers[name]
            figures.append({
                "name": name, "label": FIGURE_LABELS_NL[name],
                "own": figure_nl(name, own.figure(name)) if own else None,
                "q1": figure_nl(name, spread.first_quartile), "median": figure_nl(name, spread.median),
                "q3": figure_nl(name, spread.third_quartile), "peers": spread.peers,
            })  # fmt: skip
    return render(request, "monitoring/aanbieder_benchmark.html", {
        "found": found, "own": own, "figures": figures, "agb": user.provider_agb,
        "jaar": str(year) if year else jaar, "wet": law.value, "law_text": LAW_NAMES_NL[law],
        "law_options": law_options(allow_both=False), "errors": errors,
    }, 400 if errors else 200)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Position:
    """An eligible provider's benchmark position for the consultant: its share ended to plan and
    goals reached, each with the median of the other providers (Dutch text, None not shown)."""

    year: int
    to_plan: str | None
    to_plan_median: str | None
    goals: str | None
    goals_median: str | None


def positions(uow: UnitOfWork, law: Law, agb_codes: Iterable[str]) -> dict[str, Position]:
    """The benchmark position of each of ``agb_codes`` in the latest year with figures, read in
    ``uow``'s scope (a consultant: its municipalities' clients); a provider without approved
    lines that year has none."""
    year = monitoring.latest_benchmark_year(uow, law)
    if year is None:
        return {}
    wanted = set(agb_codes)
    found = monitoring.benchmark(uow, year, law)
    return {
        row.line.agb_code: Position(
            year,
            figure_nl("ended_to_plan_share", row.line.ended_to_plan_share),
            figure_nl("ended_to_plan_share", row.peer_median.get("ended_to_plan_share")),
            figure_nl("goals_reached_share", row.line.goals_reached_share),
            figure_nl("goals_reached_share", row.peer_median.get("goals_reached_share")),
        )
        for row in found.rows
        if row.line.agb_code in wanted
    }
