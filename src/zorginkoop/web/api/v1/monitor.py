# SPDX-License-Identifier: EUPL-1.2
"""``GET /api/v1/monitor/dashboard``: a municipality's dashboard (the figures of
``zorginkoop monitor dashboard``) for the caller's scope; ``GET /api/v1/monitor/benchmark``:
the provider benchmark (``zorginkoop monitor benchmark``), a provider's own position against
anonymised peers for a provider's token."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import Field

from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import BENCHMARK_FIGURES
from zorginkoop.services import monitoring
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import AMOUNT, ApiModel, DashboardOut, LawName, Problem, dashboard_out

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


# -- the provider benchmark ----------------------------------------------------------------------

BENCHMARK_READERS = (*DASHBOARD_READERS, Role.AANBIEDER)

SHARE = Field(
    pattern=r"^[01]\.\d{4}$", examples=["0.8125"], description="a fraction 0-1; null under 10 people"
)
DAYS = Field(examples=["412.5"], description="days, one decimal; null under 10 people")
COUNT = Field(examples=["125"], description="a count (a median may end in .5)")


class BenchmarkFiguresOut(ApiModel):
    """The benchmark's figures (a provider's, or the median of its peers). Counts and amounts
    are exact for the region's roles and multiples of 5 for a provider; shares and scores over
    fewer than 10 people are null."""

    clients: Annotated[str | None, COUNT]
    cost_eur: Annotated[str | None, AMOUNT]
    cost_per_client_eur: Annotated[str | None, AMOUNT]
    avg_duration_days: Annotated[str | None, DAYS]
    ended: Annotated[str | None, COUNT] = Field(description="trajectories that ended in the year")
    ended_to_plan_share: Annotated[str | None, SHARE]
    goals_reached_share: Annotated[str | None, SHARE]
    no_repeat_share: Annotated[str | None, SHARE]
    scale_down_share: Annotated[str | None, SHARE]
    satisfaction: str | None = Field(description="the client survey's score; null without enough answers")


class BenchmarkLineOut(BenchmarkFiguresOut):
    """One provider's figures and the median of each over the other providers with a value."""

    agb: str = Field(examples=["98214099"])
    provider: str
    peer_median: BenchmarkFiguresOut


class PeerSpreadOut(ApiModel):
    """A figure's anonymised peers: how many have a value and their quartiles (null under 3)."""

    peers: int
    first_quartile: str | None
    median: str | None
    third_quartile: str | None


class BenchmarkOut(ApiModel):
    """The provider benchmark of a year. The region's roles get every provider (``lines``) with
    its peer median and the median over all (``median``); a provider's token gets its own line
    only and its peers as quartiles per figure (``peers``), no peer named."""

    year: int
    law: LawName | None
    excluded: list[str] = Field(description="CBS codes left out")
    provider_view: bool = Field(description="counts and amounts rounded to multiples of 5")
    providers: int = Field(description="providers compared")
    lines: list[BenchmarkLineOut]
    median: BenchmarkFiguresOut | None = None
    peers: dict[str, PeerSpreadOut] | None = None


@router.get(
    "/monitor/benchmark",
    response_model=BenchmarkOut,
    responses={
        401: {"model": Problem, "description": "not signed in"},
        403: {"model": Problem, "description": "the role may not read the benchmark"},
        422: {"model": Problem, "description": "an unknown municipality in exclude"},
    },
)
def benchmark(  # noqa: PLR0917 - FastAPI reads the query string from the parameters
    platform: PlatformDep,
    user: Annotated[User, Depends(require_roles(*BENCHMARK_READERS))],
    year: Annotated[int, Query(ge=1900, le=2999, description="calendar year")],
    law: LawName | None = None,
    exclude: Annotated[
        list[str] | None, Query(max_length=10, description="municipalities to leave out (name or CBS code)")
    ] = None,
    rounded: Annotated[
        bool, Query(description="round counts and amounts to multiples of 5 (an export)")
    ] = False,
) -> BenchmarkOut:
    """Per provider: clients and approved cost (as `GET /api/v1/reports/providers` and `report
    providers`), cost per client, the trajectories that ended in the year (number, average
    days, shares ended to plan, goals reached, no repeat request, scale-down) and satisfaction,
    each with the median of the other providers. A municipal role sees its municipalities'
    figures. A provider's token gets its own line and its anonymised peers (quartiles), counts
    and amounts rounded to multiples of 5. Counts and sums only, no personal data."""
    try:
        found = monitoring.benchmark(
            platform.unit_of_work(actor=user.login, scope=user.scope()),
            year,
            Law(law.value) if law else None,
            exclude,
            provider_view=rounded,
        )
    except monitoring.MonitoringQueryError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    return benchmark_out(found)


def _figures(values: dict[str, Decimal | None]) -> BenchmarkFiguresOut:
    return BenchmarkFiguresOut(
        **{name: monitoring.figure_text(name, values.get(name)) for name in BENCHMARK_FIGURES}
    )


def benchmark_out(found: monitoring.Benchmark) -> BenchmarkOut:
    lines = [
        BenchmarkLineOut(
            agb=row.line.agb_code,
            provider=row.line.name,
            peer_median=_figures(dict(row.peer_median)),
            **{name: monitoring.figure_text(name, row.line.figure(name)) for name in BENCHMARK_FIGURES},
        )
        for row in found.rows
    ]
    peers = None
    if found.peers is not None:
        peers = {
            name: PeerSpreadOut(
                peers=spread.peers,
                first_quartile=monitoring.figure_text(name, spread.first_quartile),
                median=monitoring.figure_text(name, spread.median),
                third_quartile=monitoring.figure_text(name, spread.third_quartile),
            )
            for name, spread in found.peers.items()
        }
    return BenchmarkOut(
        year=found.year,
        law=LawName(found.law.value) if found.law else None,
        excluded=list(found.excluded),
        provider_view=found.provider_view,
        providers=found.providers,
        lines=lines,
        median=None if found.median is None else _figures(dict(found.median)),
        peers=peers,
    )
