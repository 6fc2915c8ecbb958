# SPDX-License-Identifier: EUPL-1.2
"""Reports a policy memo quotes: cost and clients per municipality and per provider.

The functions read in a unit of work the caller has opened. Those named ``read_*`` are what the
CLI, the web pages and the API ask: each also logs the read once, its subject the group the
figures are about (:func:`~zorginkoop.services.processing_log.record_group_read`); the others are
the building blocks other use cases (benchmark, account report) read through without a log entry
of their own, since those log their own read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from zorginkoop.adapters.db.queries import CostRow
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.disclosure import suppressed, total_suppressed
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import Concentration, ProviderSpend, concentration, share_pct
from zorginkoop.domain.processing import Group
from zorginkoop.services.processing_log import record_group_read


class ReportError(ValueError):
    """A report asked for something the store cannot answer (unknown municipality, no region)."""


@dataclass(frozen=True, slots=True)
class CostLine:
    municipality: str
    clients: int
    cost: Money
    cbs_code: str | None = None
    """The municipality's CBS code (None on the total line)."""


@dataclass(frozen=True, slots=True)
class ProviderLine:
    rank: int
    agb: str
    provider: str
    clients: int
    cost: Money
    share_pct: str
    cumulative_pct: str


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def resolve_municipalities(uow: UnitOfWork, names_or_codes: list[str]) -> frozenset[str]:
    """CBS codes for names or codes as a user types them; unknown ones raise ReportError."""
    known = uow.region.municipality_names()
    by_name = {name.lower(): code for code, name in known.items()}
    codes = set()
    for item in names_or_codes:
        key = item.strip()
        if key in known:
            codes.add(key)
        elif key.lower() in by_name:
            codes.add(by_name[key.lower()])
        else:
            listed = ", ".join(sorted(known.values()))
            raise ReportError(f"unknown municipality {item!r}; known: {listed}")
    return frozenset(codes)


def cost_lines(uow: UnitOfWork, year: int, law: Law | None) -> list[CostLine]:
    """One line per municipality in scope (no total: the API gives the lines only)."""
    start, end = _year(year)
    return [
        CostLine(r.name, r.clients, r.cost, r.key) for r in uow.reports.cost_by_municipality(start, end, law)
    ]


def costs_by_municipality(uow: UnitOfWork, year: int, law: Law | None) -> tuple[list[CostLine], CostLine]:
    """One line per municipality and a total line (clients counted once across the region)."""
    start, end = _year(year)
    lines = cost_lines(uow, year, law)
    total = CostLine("total", uow.reports.distinct_clients(start, end, law), Money.sum(r.cost for r in lines))
    return lines, total


def costs_by_provider(
    uow: UnitOfWork, year: int, law: Law | None, exclude: list[str] | None = None
) -> list[ProviderLine]:
    start, end = _year(year)
    excluded = resolve_municipalities(uow, exclude or [])
    rows = uow.reports.cost_by_provider(start, end, law, excluded)
    total = Money.sum(r.cost for r in rows)
    running = Money.zero()
    lines = []
    for rank, r in enumerate(rows, start=1):
        running += r.cost
        lines.append(
            ProviderLine(
                rank,
                r.key,
                r.name,
                r.clients,
                r.cost,
                str(share_pct(r.cost, total)),
                str(share_pct(running, total)),
            )
        )
    return lines


def provider_concentration(
    uow: UnitOfWork, year: int, law: Law | None, exclude: list[str] | None = None
) -> Concentration:
    lines = costs_by_provider(uow, year, law, exclude)
    return concentration([ProviderSpend(p.agb, p.provider, p.clients, p.cost) for p in lines])


def costs_by_year(uow: UnitOfWork, law: Law | None) -> list[tuple[int, int, Money]]:
    return uow.reports.cost_by_year(law)


# -- key figures for the policy adviser: disclosed as DOMAIN.md asks (fewer than 10: "< 10") ----


@dataclass(frozen=True, slots=True)
class KeyFigure:
    """Clients, approved cost and cost per client of one municipality (or the total) in a year.

    ``clients``, ``cost`` and ``cost_per_client`` are None when the figure is about fewer than
    10 people (:mod:`zorginkoop.domain.disclosure`); ``suppressed`` says so."""

    municipality: str
    cbs_code: str | None
    clients: int | None
    cost: Money | None
    cost_per_client: Money | None

    @property
    def suppressed(self) -> bool:
        return self.clients is None


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """The memo's table for one year and law: one line per municipality in scope and the total."""

    year: int
    law: Law | None
    lines: tuple[KeyFigure, ...]
    total: KeyFigure


@dataclass(frozen=True, slots=True)
class YearFigures:
    """One year of the trend: the municipalities in scope and their total."""

    year: int
    lines: tuple[KeyFigure, ...]
    total: KeyFigure


def _figure(name: str, cbs_code: str | None, clients: int, cost: Money, *, hide: bool) -> KeyFigure:
    if hide:
        return KeyFigure(name, cbs_code, None, None, None)
    per_client = Money.of(cost.to_decimal() / Decimal(clients)) if clients else None
    return KeyFigure(name, cbs_code, clients, cost, per_client)


def _disclosed(rows: list[CostRow], total_clients: int) -> tuple[tuple[KeyFigure, ...], KeyFigure]:
    lines = tuple(_figure(r.name, r.key, r.clients, r.cost, hide=suppressed(r.clients)) for r in rows)
    hide_total = total_suppressed([r.clients for r in rows], total_clients)
    total = _figure("total", None, total_clients, Money.sum(r.cost for r in rows), hide=hide_total)
    return lines, total


def key_figures(uow: UnitOfWork, year: int, law: Law | None) -> KeyFigures:
    """Clients, cost and cost per client per municipality in the unit of work's scope for
    ``year`` (the figures of :func:`costs_by_municipality` and ``GET /api/v1/reports/costs``),
    with figures about fewer than 10 people suppressed. Counts and sums only."""
    start, end = _year(year)
    rows = uow.reports.cost_by_municipality(start, end, law)
    lines, total = _disclosed(rows, uow.reports.distinct_clients(start, end, law))
    return KeyFigures(year, law, lines, total)


def key_figures_by_year(uow: UnitOfWork, law: Law | None) -> list[YearFigures]:
    """The trend: :func:`key_figures` for every year with approved lines in scope, oldest first."""
    per_year: dict[int, list[CostRow]] = {}
    for year, row in uow.reports.cost_by_year_and_municipality(law):
        per_year.setdefault(year, []).append(row)
    clients_per_year = {year: clients for year, clients, _cost in uow.reports.cost_by_year(law)}
    result = []
    for year in sorted(per_year):
        lines, total = _disclosed(per_year[year], clients_per_year.get(year, 0))
        result.append(YearFigures(year, lines, total))
    return result


# -- the reads the entry points ask: the figures above, each read logged once ------------------


def read_costs(uow: UnitOfWork, year: int, law: Law | None) -> tuple[list[CostLine], CostLine]:
    """``report costs``: :func:`costs_by_municipality`, logged."""
    found = costs_by_municipality(uow, year, law)
    record_group_read(uow, "report.costs", Group.of(law=law, year=year))
    return found


def read_cost_lines(uow: UnitOfWork, year: int, law: Law | None) -> list[CostLine]:
    """``GET /api/v1/reports/costs``: :func:`cost_lines`, logged."""
    found = cost_lines(uow, year, law)
    record_group_read(uow, "report.costs", Group.of(law=law, year=year))
    return found


def read_providers(
    uow: UnitOfWork, year: int, law: Law | None, exclude: list[str] | None = None
) -> list[ProviderLine]:
    """``report providers``: :func:`costs_by_provider`, logged."""
    found = costs_by_provider(uow, year, law, exclude)
    excluded = resolve_municipalities(uow, exclude or [])
    record_group_read(uow, "report.providers", Group.of(exclude=excluded, law=law, year=year))
    return found


def read_concentration(
    uow: UnitOfWork, year: int, law: Law | None, exclude: list[str] | None = None
) -> Concentration:
    """``report concentration``: :func:`provider_concentration`, logged."""
    found = provider_concentration(uow, year, law, exclude)
    excluded = resolve_municipalities(uow, exclude or [])
    record_group_read(uow, "report.concentration", Group.of(exclude=excluded, law=law, year=year))
    return found


def read_years(uow: UnitOfWork, law: Law | None) -> list[tuple[int, int, Money]]:
    """``report years``: :func:`costs_by_year`, logged."""
    found = costs_by_year(uow, law)
    record_group_read(uow, "report.years", Group.of(law=law, years="all"))
    return found


def read_key_figures(uow: UnitOfWork, year: int, law: Law | None) -> KeyFigures:
    """The policy adviser's key figures page: :func:`key_figures`, logged."""
    found = key_figures(uow, year, law)
    record_group_read(uow, "report.key_figures", Group.of(law=law, year=year))
    return found


def read_key_figures_by_year(uow: UnitOfWork, law: Law | None) -> list[YearFigures]:
    """The policy adviser's trend page: :func:`key_figures_by_year`, logged."""
    found = key_figures_by_year(uow, law)
    record_group_read(uow, "report.key_figures", Group.of(law=law, years="all"))
    return found
