# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the contract manager about the catalogue and contracts: products with their
tariffs per law, contracts with their ceilings and use, and the extension calendar.

Read only; counts and sums, no personal data. Each function takes an open unit of work (``with
uow:``), as :mod:`zorginkoop.services.reports` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import Law
from zorginkoop.domain.contracts import (
    Contract,
    ExtensionDecision,
    FrameworkAgreement,
    Lot,
    contracted_providers,
)
from zorginkoop.services.spending import CeilingUseLine, ceiling_uses


class CatalogueError(ValueError):
    """No such product (one line for the caller)."""


def _valid_on(tariffs: list[Tariff], day: date) -> Tariff | None:
    return next((t for t in tariffs if t.valid.contains(day)), None)


@dataclass(frozen=True, slots=True)
class CatalogueLine:
    """A product with the regional tariff and the reference (NZa) tariff valid on a day, and how
    many providers are contracted for it that day."""

    product: Product
    tariff: Tariff | None
    reference: Tariff | None
    providers: int


def catalogue(uow: UnitOfWork, law: Law, on: date) -> list[CatalogueLine]:
    """The products of ``law`` by code, each with its tariff per unit on ``on``."""
    products = uow.catalogue.products(law)
    tariffs = _by_product(uow.catalogue.tariffs(law))
    references = _by_product(uow.catalogue.reference_tariffs(law))
    contracts, frameworks = uow.contracts.contracts(), uow.contracts.frameworks()
    return [
        CatalogueLine(
            p,
            _valid_on(tariffs.get(p.code, []), on),
            _valid_on(references.get(p.code, []), on),
            len(contracted_providers(contracts, frameworks, law, p.code, on)),
        )
        for p in products
    ]


@dataclass(frozen=True, slots=True)
class ProductTariffs:
    """One product's tariff history (regional and reference), oldest first."""

    product: Product
    tariffs: tuple[Tariff, ...]
    references: tuple[Tariff, ...]


def product_tariffs(uow: UnitOfWork, law: Law, code: str) -> ProductTariffs:
    """Every tariff of one product; :class:`CatalogueError` when ``law`` has no such product."""
    product = next((p for p in uow.catalogue.products(law) if p.code == code), None)
    if product is None:
        raise CatalogueError(f"no {law.value} product with code {code!r}")
    tariffs = _by_product(uow.catalogue.tariffs(law)).get(code, [])
    references = _by_product(uow.catalogue.reference_tariffs(law)).get(code, [])
    return ProductTariffs(product, tuple(tariffs), tuple(references))


def _by_product(tariffs: list[Tariff]) -> dict[str, list[Tariff]]:
    grouped: dict[str, list[Tariff]] = {}
    for tariff in tariffs:
        grouped.setdefault(tariff.product_code, []).append(tariff)
    for items in grouped.values():
        items.sort(key=lambda t: t.valid.start)
    return grouped


@dataclass(frozen=True, slots=True)
class ContractLine:
    """A provider's contract with its lot and, when it has one, its ceiling's use in the year."""

    contract: Contract
    provider_name: str
    framework: FrameworkAgreement
    lot: Lot
    ceiling: CeilingUseLine | None


@dataclass(frozen=True, slots=True)
class ContractsOverview:
    year: int
    contracts: tuple[ContractLine, ...]
    """The contracts running for part of ``year``, by framework, lot and provider."""
    collective: tuple[CeilingUseLine, ...]
    """The collective ceilings of ``year`` with their use."""


def contracts_overview(uow: UnitOfWork, year: int, *, law: Law | None = None) -> ContractsOverview:
    """Contracts running in ``year`` with the use of their ceilings, and the year's collective
    ceilings (70% and 100% marked by :attr:`CeilingUseLine.thresholds_passed`)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    frameworks = {fw.code: fw for fw in uow.contracts.frameworks()}
    names = uow.providers.names()
    contracts = uow.contracts.contracts()
    uses = ceiling_uses(uow, year)
    per_contract = {u.ceiling: u for u in uses if u.kind == "provider"}
    lines = []
    for c in contracts:
        if c.valid.start > last or (c.valid.end is not None and c.valid.end < first):
            continue
        framework = frameworks[c.framework_code]
        lot = framework.lot(c.lot_code)
        if law is not None and lot.law is not law:
            continue
        lines.append(
            ContractLine(c, names.get(c.provider_agb, ""), framework, lot, per_contract.get(c.number))
        )
    lines.sort(key=lambda x: (x.framework.code, x.lot.code, x.provider_name.lower(), x.contract.number))
    collective = tuple(u for u in uses if u.kind == "collective")
    return ContractsOverview(year, tuple(lines), collective)


@dataclass(frozen=True, slots=True)
class ExtensionStep:
    """One extension option of a framework agreement and where it stands on the day asked."""

    decision: ExtensionDecision
    status: str
    """``gebruikt`` (the option was taken), ``open`` (to decide, deadline not passed),
    ``verlopen`` (the deadline passed without the option being taken), ``vervallen`` (an
    earlier option was not taken, so the term ended before this one)."""
    days_left: int | None
    """Days until the deadline for an open option."""


@dataclass(frozen=True, slots=True)
class ContractEnds:
    """Contracts of one framework agreement and lot that end on the same day."""

    lot: Lot
    end: date
    contracts: int


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """A framework agreement on the extension calendar."""

    framework: FrameworkAgreement
    term_end: date | None
    """The term's end as it stands (extensions used so far); None for an indefinite term."""
    latest_end: date | None
    steps: tuple[ExtensionStep, ...]
    ends: tuple[ContractEnds, ...]
    running: bool
    """The agreement's term includes the day asked."""

    @property
    def next_deadline(self) -> date | None:
        return next((s.decision.decide_by for s in self.steps if s.status == "open"), None)


def extension_calendar(uow: UnitOfWork, on: date) -> list[CalendarEntry]:
    """Every framework agreement with its extension options and their deadlines (how each
    stands on ``on``), and the days its contracts end; the agreements with an open deadline
    first, the nearest deadline first, then the others by start."""
    frameworks = uow.contracts.frameworks()
    contracts = uow.contracts.contracts()
    entries = []
    for fw in frameworks:
        term = fw.term
        steps: list[ExtensionStep] = []
        for decision in term.extension_calendar():
            if decision.number <= term.extensions_used:
                steps.append(ExtensionStep(decision, "gebruikt", None))
            elif steps and steps[-1].status in {"verlopen", "vervallen"}:
                steps.append(ExtensionStep(decision, "vervallen", None))
            elif on <= decision.decide_by:
                steps.append(ExtensionStep(decision, "open", (decision.decide_by - on).days))
            else:
                steps.append(ExtensionStep(decision, "verlopen", None))
        counted: dict[tuple[str, date], int] = {}
        for c in contracts:
            if c.framework_code == fw.code and c.valid.end is not None:
                counted[c.lot_code, c.valid.end] = counted.get((c.lot_code, c.valid.end), 0) + 1
        ends = tuple(
            ContractEnds(fw.lot(lot_code), end, n)
            for (lot_code, end), n in sorted(counted.items(), key=lambda x: x[0][1])
        )
        running = term.start <= on and (term.end is None or on <= term.end)
        entries.append(CalendarEntry(fw, term.end, term.latest_end, tuple(steps), ends, running))
    entries.sort(
        key=lambda e: (
            e.next_deadline is None,
            e.next_deadline or date.max,
            -e.framework.term.start.toordinal(),
        )
    )
    return entries
