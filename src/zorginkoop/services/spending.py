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
from zorginkoop.domain.contracts import CeilingPolicy, CeilingUse
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
class LedgerRow:
    """Paid to one provider by one municipality under one law in a year (whole cents)."""

    municipality_code: str
    municipality: str
    provider_agb: str
    provider: str
    law: str
    entries: int
    debit: Money
    credit: Money
    """Negative (credit lines)."""

    @property
    def paid(self) -> Money:
        return self.debit + self.credit


@dataclass(frozen=True, slots=True)
class LedgerSum:
    """A subtotal (one municipality) or the total (``municipality_code`` None)."""

    municipality_code: str | None
    municipality: str
    entries: int
    debit: Money
    credit: Money

    @property
    def paid(self) -> Money:
        return self.debit + self.credit


@dataclass(frozen=True, slots=True)
class Ledger:
    """The payments ledger of a year: the rows, the subtotals per municipality and the total apart."""

    year: int
    rows: list[LedgerRow]
    per_municipality: list[LedgerSum]
    total: LedgerSum | None
    """None when nothing was paid in the year."""


def payments_ledger(uow: UnitOfWork, year: int) -> Ledger:
    """Paid per municipality and provider in ``year`` (by ProductPeriode) within the unit of
    work's scope, with subtotals per municipality and the total apart (sums only: no personal data)."""
    with uow:
        found = SpendingQueries(uow.session, uow.log).ledger(year)
        names = uow.region.municipality_names()
        providers = uow.providers.names()
    rows = [
        LedgerRow(m, names.get(m, m), agb, providers.get(agb, ""), law, entries, Money(debit), Money(credit))
        for m, agb, law, entries, debit, credit in found
    ]
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        one = sums[r.municipality_code]
        one[0] += r.entries
        one[1] += r.debit.cents
        one[2] += r.credit.cents
    per_municipality = [
        LedgerSum(code, names.get(code, code), n, Money(debit), Money(credit))
        for code, (n, debit, credit) in sorted(sums.items())
    ]
    total = (
        LedgerSum(None, "total", sum(s.entries for s in per_municipality),
                  Money.sum(s.debit for s in per_municipality), Money.sum(s.credit for s in per_municipality))
        if per_municipality else None
    )  # fmt: skip
    return Ledger(year, rows, per_municipality, total)


def last_paid_year(uow: UnitOfWork) -> int | None:
    """The latest year (of ProductPeriode) with payments within the unit of work's scope."""
    with uow:
        return SpendingQueries(uow.session, uow.log).last_year()


@dataclass(frozen=True, slots=True)
class LedgerReport:
    """The payments ledger as the command line prints it: data lines apart from their sums,
    amounts in euros as text with two decimals."""

    lines: list[dict[str, Any]]
    """One per municipality, provider and law."""
    subtotals: list[dict[str, Any]]
    """One per municipality (provider ``(all providers)``)."""
    total: dict[str, Any] | None
    """The grand total (municipality ``total``); None when nothing was paid."""

    def rows(self) -> list[dict[str, Any]]:
        """Lines, then subtotals, then the total: one list, as a printed ledger reads."""
        return [*self.lines, *self.subtotals, *([self.total] if self.total is not None else [])]


def ledger_report(
    engine: Engine, year: int, scope: Scope | None = None, actor: str | None = None
) -> LedgerReport:
    """:func:`payments_ledger` as rows for the command line (only what ``scope`` may see is summed)."""
    book = payments_ledger(UnitOfWork(engine, scope, actor), year)

    def summed(one: LedgerSum) -> dict[str, Any]:
        return {
            "municipality": one.municipality, "provider_agb": "",
            "provider": "(all providers)" if one.municipality_code else "", "law": "", "entries": one.entries,
            "debit_eur": str(one.debit), "credit_eur": str(one.credit), "paid_eur": str(one.paid),
        }  # fmt: skip

    lines = [
        {
            "municipality": r.municipality, "provider_agb": r.provider_agb, "provider": r.provider, "law": r.law,
            "entries": r.entries, "debit_eur": str(r.debit), "credit_eur": str(r.credit), "paid_eur": str(r.paid),
        }
        for r in book.rows
    ]  # fmt: skip
    return LedgerReport(
        lines, [summed(s) for s in book.per_municipality], summed(book.total) if book.total else None
    )


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
            return _ceilings(uow, level, filters)
        rows = _allocations(uow, queries, level, filters)
        uow.commit()  # the processing log entries of the allocations read
        return rows


@dataclass(frozen=True, slots=True)
class CeilingUseLine:
    """How far one ceiling is used by payments in a year: a provider's ceiling under one contract
    (``kind`` provider, ``ceiling`` the contract number) or a collective ceiling over several
    contracts (``kind`` collective, ``ceiling`` its code). ``notices`` are the thresholds (70,
    100) whose notice was recorded when declarations passed them."""

    kind: str
    ceiling: str
    name: str
    provider_agb: str | None
    contracts: int
    policy: CeilingPolicy
    use: CeilingUse
    notices: tuple[int, ...]

    @property
    def thresholds_passed(self) -> tuple[int, ...]:
        """The notice thresholds the use has reached (whether or not a notice was recorded)."""
        return self.use.thresholds_passed()


def ceiling_uses(uow: UnitOfWork, year: int, provider_agb: str | None = None) -> list[CeilingUseLine]:
    """Every provider ceiling of a contract running in ``year`` and every collective ceiling of
    ``year`` with what payments (within the unit of work's scope) used of it; with
    ``provider_agb`` only that provider's ceilings and the collective ones it counts towards.
    Call inside ``with uow:``. Sums only: nothing about a person is read."""
    queries = SpendingQueries(uow.session, uow.log)
    scopes = DeclarationStore(uow.session).contract_scopes()
    by_number = {s.contract.number: s for s in scopes}
    collectives = uow.contracts.collective_ceilings(year)
    wanted = None
    if provider_agb:
        # the provider's own payments and those of the contracts sharing a collective ceiling with it
        own = {n for n, s in by_number.items() if s.contract.provider_agb == provider_agb}
        shared = {n for cc in collectives if own & cc.contract_numbers for n in cc.contract_numbers}
        wanted = {provider_agb} | {by_number[n].contract.provider_agb for n in shared if n in by_number}
    used = queries.used_by_provider_product(year, wanted)
    notices = queries.notices(year)
    year_period = Period.year(year)

    def spent(number: str) -> Money:
        scope = by_number.get(number)
        if scope is None or not scope.contract.valid.overlaps(year_period):
            return Money.zero()
        c = scope.contract
        return Money(sum(used.get((c.provider_agb, scope.law.value, code), 0) for code in scope.products))

    lines: list[CeilingUseLine] = []
    for scope in scopes:
        c = scope.contract
        if c.ceiling is None or not c.valid.overlaps(year_period):
            continue
        if provider_agb and c.provider_agb != provider_agb:
            continue
        lines.append(CeilingUseLine(
            "provider", c.number, f"{c.framework_code} {c.lot_code}", c.provider_agb, 1, c.ceiling_policy,
            CeilingUse(c.ceiling, spent(c.number)), tuple(notices.get(("provider", c.number), [])),
        ))  # fmt: skip
    for cc in collectives:
        members = [n for n in cc.contract_numbers if n in by_number]
        if provider_agb and not any(by_number[n].contract.provider_agb == provider_agb for n in members):
            continue
        lines.append(CeilingUseLine(
            "collective", cc.code, cc.name, None, len(members), cc.policy,
            CeilingUse(cc.amount, Money.sum(spent(n) for n in members)),
            tuple(notices.get(("collective", cc.code), [])),
        ))  # fmt: skip
    return lines


def _ceilings(uow: UnitOfWork, level: ExhaustionLevel, f: Filters) -> list[dict[str, Any]]:
    lines = ceiling_uses(uow, f.year, f.provider_agb)
    rows: list[dict[str, Any]] = [
        {
            "kind": line.kind, "ceiling": line.ceiling,
            "provider_agb": line.provider_agb if line.kind == "provider" else f"{line.contracts} contracts",
            "policy": line.policy.value, "ceiling_eur": str(line.use.ceiling), "used_eur": str(line.use.used),
            "remaining_eur": str(line.use.remaining), "used_pct": _pct(line.use),
            "notices": ",".join(f"{n}%" for n in line.notices),
        }
        for line in lines
        if level is ExhaustionLevel.ceiling or line.kind == "provider"
    ]  # fmt: skip
    if level is ExhaustionLevel.provider:
        providers = uow.providers.names()
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


def contract_ceilings(uow: UnitOfWork, year: int, provider_agb: str | None = None) -> list[CeilingUseLine]:
    """The contract (provider) ceilings in force in ``year``, of one provider when given, and how
    far what was paid in the unit of work's scope uses them (sums only: no personal data)."""
    with uow:
        return [line for line in ceiling_uses(uow, year, provider_agb) if line.kind == "provider"]
