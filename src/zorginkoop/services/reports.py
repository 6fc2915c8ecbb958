# SPDX-License-Identifier: EUPL-1.2
"""Reports a policy memo quotes: cost and clients per municipality and per provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import Concentration, ProviderSpend, concentration, share_pct


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
