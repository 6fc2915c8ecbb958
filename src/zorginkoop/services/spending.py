# SPDX-License-Identifier: EUPL-1.2
"""Use cases: the payments ledger and how far ceilings, allocations and municipalities are used.

Everything is read from the ledger (``payment``: one signed entry per approved line), so a
figure here always equals what was paid. Results are counts and sums only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import Engine

from zorginkoop.adapters.db.declaration_store import DeclarationStore, SpendingQueries
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.catalogue import NoTariff
from zorginkoop.domain.contracts import CeilingUse
from zorginkoop.domain.financing import allocated_units
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


class ExhaustionLevel(str, Enum):
    """What ``declarations exhaustion`` sums over."""

    ceiling = "ceiling"
    provider = "provider"
    municipality = "municipality"
    allocation = "allocation"


@dataclass(frozen=True, slots=True)
class Filters:
    year: int
    provider_agb: str | None = None
    municipality_code: str | None = None


@dataclass(frozen=True, slots=True)
class Ledger:
    """The payments ledger of a year: data lines apart from their sums."""

    lines: list[dict[str, Any]]
    """One per municipality, provider and law."""
    subtotals: list[dict[str, Any]]
    """One per municipality (provider ``(all providers)``)."""
    total: dict[str, Any] | None
    """The grand total (municipality ``total``); None when nothing was paid."""

    def rows(self) -> list[dict[str, Any]]:
        """Lines, then subtotals, then the total: one list, as a printed ledger reads."""
        return [*self.lines, *self.subtotals, *([self.total] if self.total is not None else [])]


def ledger_report(engine: Engine, year: int, scope: Scope | None = None, actor: str | None = None) -> Ledger:
    """Paid per municipality and provider in ``year`` (by ProductPeriode), with a subtotal per
    municipality and a grand total; amounts in euros as text with two decimals. Only what
    ``scope`` may see is summed."""
    with UnitOfWork(engine, scope, actor) as uow:
        rows = SpendingQueries(uow.session, uow.log).ledger(year)
        names = uow.region.municipality_names()
        providers = {p.agb_code: p.name for p in uow.providers.all()}
    lines: list[dict[str, Any]] = []
    per_municipality: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for municipality, agb, law, entries, debit, credit in rows:
        lines.append({
            "municipality": names.get(municipality, municipality), "provider_agb": agb,
            "provider": providers.get(agb, ""), "law": law, "entries": entries,
            "debit_eur": str(Money(debit)), "credit_eur": str(Money(credit)), "paid_eur": str(Money(debit + credit)),
        })  # fmt: skip
        sums = per_municipality[municipality]
        sums[0] += entries
        sums[1] += debit
        sums[2] += credit
    subtotals: list[dict[str, Any]] = []
    for municipality, (entries, debit, credit) in sorted(per_municipality.items()):
        subtotals.append({
            "municipality": names.get(municipality, municipality), "provider_agb": "", "provider": "(all providers)",
            "law": "", "entries": entries, "debit_eur": str(Money(debit)), "credit_eur": str(Money(credit)),
            "paid_eur": str(Money(debit + credit)),
        })  # fmt: skip
    total: dict[str, Any] | None = None
    if per_municipality:
        entries = sum(v[0] for v in per_municipality.values())
        debit = sum(v[1] for v in per_municipality.values())
        credit = sum(v[2] for v in per_municipality.values())
        total = {
            "municipality": "total", "provider_agb": "", "provider": "", "law": "", "entries": entries,
            "debit_eur": str(Money(debit)), "credit_eur": str(Money(credit)), "paid_eur": str(Money(debit + credit)),
        }  # fmt: skip
    return Ledger(lines, subtotals, total)


def ledger(
    engine: Engine, year: int, scope: Scope | None = None, actor: str | None = None
) -> list[dict[str, Any]]:
    """:func:`ledger_report` as one list: lines, subtotals per municipality, the total."""
    return ledger_report(engine, year, scope, actor).rows()


LEDGER_COLUMNS = (
    "municipality",
    "provider_agb",
    "provider",
    "law",
    "entries",
    "debit_eur",
    "credit_eur",
    "paid_eur",
)
EXHAUSTION_COLUMNS: dict[ExhaustionLevel, tuple[str, ...]] = {
    ExhaustionLevel.ceiling: ("kind", "ceiling", "provider_agb", "policy", "ceiling_eur", "used_eur", "remaining_eur",
                              "used_pct", "notices"),
    ExhaustionLevel.provider: ("provider_agb", "provider", "ceilings", "ceiling_eur", "used_eur", "used_pct"),
    ExhaustionLevel.municipality: ("municipality", "allocations", "allocated_eur", "used_eur", "used_pct"),
    ExhaustionLevel.allocation: ("municipality", "law", "allocation", "provider_agb", "product", "allocated_eur",
                                 "used_eur", "used_pct", "notices"),
}  # fmt: skip


def _pct(use: CeilingUse) -> str:
    return f"{use.percentage}"


def exhaustion(
    engine: Engine,
    level: ExhaustionLevel,
    filters: Filters,
    scope: Scope | None = None,
    actor: str | None = None,
) -> list[dict[str, Any]]:
    """How far ceilings, providers' ceilings, municipalities' and allocations' allocated amounts
    are used by payments in the year (within ``scope``; the read of allocations is logged)."""
    with UnitOfWork(engine, scope, actor) as uow:
        queries = SpendingQueries(uow.session, uow.log)
        if level in (ExhaustionLevel.ceiling, ExhaustionLevel.provider):
            return _ceilings(uow, queries, level, filters)
        rows = _allocations(uow, queries, level, filters)
        uow.commit()  # the processing log entries of the allocations read
        return rows


def _ceilings(
    uow: UnitOfWork, queries: SpendingQueries, level: ExhaustionLevel, f: Filters
) -> list[dict[str, Any]]:
    year = f.year
    used = queries.used_by_provider_product(year)
    notices = queries.notices(year)
    scopes = DeclarationStore(uow.session).contract_scopes()
    by_number = {s.contract.number: s for s in scopes}
    year_period = Period.year(year)

    def spent(number: str) -> Money:
        scope = by_number.get(number)
        if scope is None or not scope.contract.valid.overlaps(year_period):
            return Money.zero()
        c = scope.contract
        return Money(sum(used.get((c.provider_agb, scope.law.value, code), 0) for code in scope.products))

    rows: list[dict[str, Any]] = []
    for scope in scopes:
        c = scope.contract
        if c.ceiling is None or not c.valid.overlaps(year_period):
            continue
        if f.provider_agb and c.provider_agb != f.provider_agb:
            continue
        use = CeilingUse(c.ceiling, spent(c.number))
        rows.append({
            "kind": "provider", "ceiling": c.number, "provider_agb": c.provider_agb, "policy": c.ceiling_policy.value,
            "ceiling_eur": str(c.ceiling), "used_eur": str(use.used), "remaining_eur": str(use.remaining),
            "used_pct": _pct(use), "notices": ",".join(f"{n}%" for n in notices.get(("provider", c.number), [])),
        })  # fmt: skip
    if level is ExhaustionLevel.provider:
        providers = {p.agb_code: p.name for p in uow.providers.all()}
        grouped: dict[str, list[Money]] = defaultdict(lambda: [Money.zero(), Money.zero()])
        counts: dict[str, int] = defaultdict(int)
        for r in rows:
            grouped[r["provider_agb"]][0] += Money.euros(r["ceiling_eur"])
            grouped[r["provider_agb"]][1] += Money.euros(r["used_eur"])
            counts[r["provider_agb"]] += 1
        return [
            {"provider_agb": agb, "provider": providers.get(agb, ""), "ceilings": counts[agb],
             "ceiling_eur": str(ceiling), "used_eur": str(spent_), "used_pct": _pct(CeilingUse(ceiling, spent_))}
            for agb, (ceiling, spent_) in sorted(grouped.items())
        ]  # fmt: skip
    for cc in uow.contracts.collective_ceilings(year):
        members = [n for n in cc.contract_numbers if n in by_number]
        if f.provider_agb and not any(by_number[n].contract.provider_agb == f.provider_agb for n in members):
            continue
        use = CeilingUse(cc.amount, Money.sum(spent(n) for n in members))
        rows.append({
            "kind": "collective", "ceiling": cc.code, "provider_agb": f"{len(members)} contracts",
            "policy": cc.policy.value, "ceiling_eur": str(cc.amount), "used_eur": str(use.used),
            "remaining_eur": str(use.remaining), "used_pct": _pct(use),
            "notices": ",".join(f"{n}%" for n in notices.get(("collective", cc.code), [])),
        })  # fmt: skip
    return rows


def _allocations(
    uow: UnitOfWork, queries: SpendingQueries, level: ExhaustionLevel, f: Filters
) -> list[dict[str, Any]]:
    year = f.year
    year_period = Period.year(year)
    used = queries.used_by_allocation(year)
    notices = queries.notices(year)
    schedules = queries.tariffs()
    names = uow.region.municipality_names()
    rows: list[dict[str, Any]] = []
    per_municipality: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in queries.allocations_in(year, f.municipality_code, f.provider_agb):
        window = a.valid.intersection(year_period)
        if window is None or window.end is None:
            continue
        if a.budget is not None:
            allocated = a.budget
        elif a.volume is not None and a.frequency is not None and a.product_code:
            try:
                tariff = schedules[a.law.value].tariff_on(a.product_code, max(window.start, date(year, 1, 1)))
            except (KeyError, NoTariff):
                tariff = Money.zero()
            allocated = tariff * allocated_units(a.volume, a.frequency, window)
        else:
            allocated = Money.zero()
        spent = Money(used.get((a.municipality_code, a.law.value, a.number), 0))
        sums = per_municipality[a.municipality_code]
        sums[0] += 1
        sums[1] += allocated.cents
        sums[2] += spent.cents
        if level is ExhaustionLevel.allocation:
            key = f"{a.municipality_code}-{a.law.value}-{a.number}"
            rows.append({
                "municipality": names.get(a.municipality_code, a.municipality_code), "law": a.law.value,
                "allocation": a.number, "provider_agb": a.provider_agb, "product": a.product_code or a.category,
                "allocated_eur": str(allocated), "used_eur": str(spent), "used_pct": _pct(CeilingUse(allocated, spent)),
                "notices": ",".join(f"{n}%" for n in notices.get(("allocation", key), [])),
            })  # fmt: skip
    if level is ExhaustionLevel.municipality:
        for code, (count, allocated_cents, spent_cents) in sorted(per_municipality.items()):
            use = CeilingUse(Money(allocated_cents), Money(spent_cents))
            rows.append({
                "municipality": names.get(code, code), "allocations": count, "allocated_eur": str(use.ceiling),
                "used_eur": str(use.used), "used_pct": _pct(use),
            })  # fmt: skip
    return rows
