# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the contract manager about the catalogue and contracts: products with their
tariffs per law, contracts with their ceilings and use, and the extension calendar.

The reading functions (counts and sums, no personal data) take an open unit of work (``with
uow:``), as :mod:`zorginkoop.services.reports` does. The writing ones (:func:`create_framework`,
:func:`create_contract`, :func:`extend_contract`, :func:`end_contract`, :func:`set_ceiling`,
:func:`add_tariff`, :func:`index_tariffs`) take a unit of work that is not open yet, open it,
check everything in the domain and commit once: on bad input they raise one
:class:`ContractError` or :class:`CatalogueError` (both ``ValueError``, a one-line message) and
store nothing. CLI, API, web and the tender award call these same functions; a use case that
writes more in the same transaction (a tender's final award, an open house's admission) calls
their ``write_*`` forms (:func:`write_framework`, :func:`write_contracts`, :func:`write_tariff`)
inside its own ``with uow:`` and commits once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.catalogue import CatalogueError as DomainCatalogueError
from zorginkoop.domain.catalogue import (
    Product,
    Tariff,
    TariffSchedule,
    indexed_tariff,
    missing_tariff_years,
    with_own_prices,
)
from zorginkoop.domain.codes import Law
from zorginkoop.domain.contracts import (
    CollectiveCeiling,
    Contract,
    ContractError,
    ContractSpec,
    ExtensionChoice,
    ExtensionDecision,
    FrameworkAgreement,
    FrameworkSpec,
    Lot,
    contracted_providers,
    extension_option,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Provider
from zorginkoop.services.spending import CeilingUseLine, ceiling_uses


class CatalogueError(ValueError):
    """No such product, or a tariff that breaks a catalogue rule (one line for the caller)."""


__all__ = ["CatalogueError", "ContractError"]  # the two errors the writing use cases raise


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
    extended: int = 0
    """Contracts recorded as extended under this option (:func:`extend_contract`)."""
    declined: int = 0
    """Contracts recorded as not extended under this option."""


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
    recorded: dict[tuple[str, int, str], int] = {}
    for d in uow.contracts.extension_decisions():
        key = (d.framework_code, d.option, d.decision)
        recorded[key] = recorded.get(key, 0) + 1
    entries = []
    for fw in frameworks:
        term = fw.term
        steps: list[ExtensionStep] = []
        for decision in term.extension_calendar():
            tally = (
                recorded.get((fw.code, decision.number, ExtensionChoice.EXTEND.value), 0),
                recorded.get((fw.code, decision.number, ExtensionChoice.DECLINE.value), 0),
            )
            if decision.number <= term.extensions_used:
                steps.append(ExtensionStep(decision, "gebruikt", None, *tally))
            elif steps and steps[-1].status in {"verlopen", "vervallen"}:
                steps.append(ExtensionStep(decision, "vervallen", None, *tally))
            elif on <= decision.decide_by:
                steps.append(ExtensionStep(decision, "open", (decision.decide_by - on).days, *tally))
            else:
                steps.append(ExtensionStep(decision, "verlopen", None, *tally))
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


# -- writing: the contract manager's commands ------------------------------------------------------


def _product_id(uow: UnitOfWork, law: Law, code: str) -> int:
    pid = uow.catalogue.product_id(law, code)
    if pid is None:
        raise CatalogueError(f"no {law.value} product with code {code!r}")
    return pid


def _provider(uow: UnitOfWork, agb: str) -> Provider:
    provider = uow.providers.get(agb)
    if provider is None:
        raise ContractError(f"no provider with AGB code {agb!r}")
    return provider


@contextmanager
def _catalogue_rules() -> Iterator[None]:
    """A domain catalogue rule broken: the service's one error type for the catalogue."""
    try:
        yield
    except DomainCatalogueError as exc:
        raise CatalogueError(str(exc)) from None


def create_framework(uow: UnitOfWork, spec: FrameworkSpec) -> str:
    """Store a framework agreement with its term and lots; returns its code. Every product of a
    lot must be in the catalogue under the lot's law; the code must be new."""
    with uow:
        code = write_framework(uow, spec)
        uow.commit()
    return code


def write_framework(uow: UnitOfWork, spec: FrameworkSpec) -> str:
    """:func:`create_framework` within the caller's open unit of work (the caller commits), for
    a use case that writes the agreement together with more (a tender's final award)."""
    framework = spec.framework()
    if uow.contracts.framework(framework.code) is not None:
        raise ContractError(f"framework agreement {framework.code} exists already")
    ids = uow.catalogue.product_ids()
    for lot in framework.lots:
        for code in sorted(lot.product_codes):
            if (lot.law.value, code) not in ids:
                raise CatalogueError(f"lot {lot.code}: no {lot.law.value} product with code {code!r}")
    uow.contracts.add_framework(framework, ids)
    return framework.code


def create_contract(uow: UnitOfWork, spec: ContractSpec) -> str:
    """Store a provider's contract under a lot; returns its number. The provider must exist and
    work under the lot's law, the contract must lie within the agreement's term as it stands.
    With ``spec.tariffs`` (bid prices) each price is stored as the provider's own tariff over
    the contract's period; without, the lot's (catalogue) tariff holds."""
    return create_contracts(uow, [spec])[0]


def create_contracts(uow: UnitOfWork, specs: Sequence[ContractSpec]) -> list[str]:
    """Store several contracts at once (an award: every admitted bid), all or none: the first
    refused one (:func:`create_contract`'s rules, or a number twice) stores nothing."""
    with uow:
        numbers = write_contracts(uow, specs)
        uow.commit()
    return numbers


def write_contracts(uow: UnitOfWork, specs: Sequence[ContractSpec]) -> list[str]:
    """:func:`create_contracts` within the caller's open unit of work (the caller commits). The
    tariff locks of every product the contracts get an own price for are taken first, together."""
    products: set[tuple[Law, str]] = set()
    for spec in specs:
        framework = uow.contracts.framework(spec.framework_code) if spec.tariffs else None
        lot = next((lot for lot in framework.lots if lot.code == spec.lot_code), None) if framework else None
        if lot is not None:
            products.update((lot.law, code) for code, _amount in spec.tariffs)
    serialise_tariffs(uow, products)
    numbers: list[str] = []
    for spec in specs:
        number = _add_contract(uow, spec)
        if number in numbers:
            raise ContractError(f"contract {number} is named twice")
        numbers.append(number)
    return numbers


def _add_contract(uow: UnitOfWork, spec: ContractSpec) -> str:
    framework = uow.contracts.framework(spec.framework_code)
    if framework is None:
        raise ContractError(f"no framework agreement {spec.framework_code!r}")
    contract = spec.contract(framework)
    lot = framework.lot(contract.lot_code)
    provider = _provider(uow, contract.provider_agb)
    if lot.law not in provider.laws:
        raise ContractError(f"provider {provider.agb_code} does not work under the {lot.law.value}")
    if uow.contracts.contract(contract.number) is not None:
        raise ContractError(f"contract {contract.number} exists already")
    uow.contracts.add_contracts([contract])
    for code, amount in spec.tariffs:
        _store_tariff(
            uow,
            lot.law,
            Tariff(code, amount, contract.valid, note=f"contract {contract.number}"),
            provider.agb_code,
            close_open=True,
        )
    return contract.number


@dataclass(frozen=True, slots=True)
class ExtensionRecorded:
    """What :func:`extend_contract` recorded."""

    contract: str
    option: ExtensionDecision
    choice: ExtensionChoice
    valid_until: date | None
    """The contract's last day after the decision."""


def extend_contract(uow: UnitOfWork, number: str, choice: ExtensionChoice, on: date) -> ExtensionRecorded:
    """Record the region's decision on the contract's next extension option (the one whose term
    ends on the contract's last day). To extend: the contract runs to the option's end, and the
    agreement's term counts the option as used (the extension calendar shows it); to decline:
    the contract ends as it stands. Refused for an unknown or ended contract, a contract past
    its last option, an option decided already, or a decision after the term ended."""
    with uow:
        uow.serialise([f"contract:{number}"])
        contract, framework = _contract_and_framework(uow, number)
        if uow.contracts.ended(number) is not None:
            raise ContractError(f"contract {number} was ended; it cannot be extended")
        option = extension_option(framework, contract)
        decided = {(d.contract_number, d.option) for d in uow.contracts.extension_decisions(framework.code)}
        if (number, option.number) in decided:
            raise ContractError(f"option {option.number} of contract {number} was decided already")
        if on > option.term_ends:
            raise ContractError(
                f"the term of contract {number} ended {option.term_ends.isoformat()}: too late to decide on {on.isoformat()}"
            )
        uow.contracts.add_extension_decision(
            framework.code,
            option=option.number,
            contract_number=number,
            decision=choice.value,
            on=on,
            by=uow.actor,
        )
        until = contract.valid.end
        if choice is ExtensionChoice.EXTEND:
            until = option.extended_until
            uow.contracts.set_contract_end(number, until)
            if framework.term.extensions_used < option.number:
                uow.contracts.set_extensions_used(framework.code, option.number)
        uow.commit()
    return ExtensionRecorded(number, option, choice, until)


def end_contract(uow: UnitOfWork, number: str, on: date, reason: str) -> date:
    """End a contract early: ``on`` is its last day; returns it. Refused when the contract was
    ended before, ``on`` lies before its start or after its end, or no reason is given."""
    reason = " ".join(reason.split())
    if not reason:
        raise ContractError("give a reason for ending the contract")
    if len(reason) > 200:
        raise ContractError("a reason has at most 200 characters")
    with uow:
        uow.serialise([f"contract:{number}"])
        contract, _framework = _contract_and_framework(uow, number)
        ended = uow.contracts.ended(number)
        if ended is not None:
            raise ContractError(f"contract {number} was ended already on {ended[0].isoformat()} ({ended[1]})")
        if on < contract.valid.start:
            raise ContractError(
                f"contract {number} starts {contract.valid.start.isoformat()}, after {on.isoformat()}"
            )
        if contract.valid.end is not None and on > contract.valid.end:
            raise ContractError(f"contract {number} ends {contract.valid.end.isoformat()} already")
        uow.contracts.set_contract_end(number, on, ended_on=on, reason=reason)
        uow.commit()
    return on


def _contract_and_framework(uow: UnitOfWork, number: str) -> tuple[Contract, FrameworkAgreement]:
    contract = uow.contracts.contract(number)
    if contract is None:
        raise ContractError(f"no contract with number {number!r}")
    framework = uow.contracts.framework(contract.framework_code)
    assert framework is not None
    return contract, framework


def set_ceiling(uow: UnitOfWork, target: str, year: int, amount: Money) -> str:
    """Set a ceiling; returns ``contract`` or ``collective`` (what ``target`` named).

    ``target`` a contract number: its yearly ceiling (the store holds one yearly amount per
    contract, so it holds for every year of the contract); ``year`` must be one it runs in.
    ``target`` a collective ceiling's code: its amount for ``year``; a year it has no amount for
    yet is added with the members of its latest year that still run in ``year``."""
    if amount.cents < 0:
        raise ContractError("a ceiling cannot be negative")
    if not 2000 <= year <= 2100:
        raise ContractError(f"not a year: {year}")
    with uow:
        contract = uow.contracts.contract(target)
        if contract is not None:
            uow.serialise([f"contract:{target}"])
            first, last = date(year, 1, 1), date(year, 12, 31)
            if contract.valid.start > last or (contract.valid.end is not None and contract.valid.end < first):
                raise ContractError(f"contract {target} does not run in {year}")
            uow.contracts.set_contract_ceiling(target, amount)
            uow.commit()
            return "contract"
        known = [c for c in uow.contracts.collective_ceilings() if c.code == target]
        if not known:
            raise ContractError(f"no contract or collective ceiling {target!r}")
        uow.serialise([f"collective:{target}:{year}"])
        same_year = next((c for c in known if c.year == year), None)
        if same_year is not None:
            ceiling = CollectiveCeiling(
                same_year.code, same_year.name, amount, year, same_year.contract_numbers, same_year.policy
            )
        else:
            latest = max(known, key=lambda c: c.year)
            running = {
                c.number
                for c in uow.contracts.contracts()
                if c.number in latest.contract_numbers and c.valid.overlaps(Period.year(year))
            }
            ceiling = CollectiveCeiling(
                latest.code, latest.name, amount, year, frozenset(running), latest.policy
            )
        uow.contracts.set_collective_ceiling(ceiling)
        uow.commit()
        return "collective"


# -- writing: the catalogue's tariffs ------------------------------------------------------------


def serialise_tariffs(uow: UnitOfWork, products: Iterable[tuple[Law, str]]) -> None:
    """Hold the tariff lock of each product (``tariff:<law>:<code>``, one lock for its catalogue
    tariffs and every provider's own) until the transaction ends, before its tariffs are read:
    the overlap check and the write it allows are made by one process at a time (PostgreSQL: the
    advisory locks, in sorted order, after a tender's; SQLite: the write lock). A caller that
    writes tariffs of several products takes all their locks in one call, before the first."""
    uow.serialise([f"tariff:{law.value}:{code}" for law, code in products])


@dataclass(frozen=True, slots=True)
class TariffAdded:
    """A tariff stored, and the open tariff it closed (None when it closed none)."""

    tariff: Tariff
    provider_agb: str | None
    closed: Tariff | None


def _store_tariff(
    uow: UnitOfWork, law: Law, tariff: Tariff, provider_agb: str | None, *, close_open: bool
) -> Tariff | None:
    """Store ``tariff`` (the catalogue's, or ``provider_agb``'s own). An open tariff (no end)
    starting before it is closed the day before it starts when ``close_open``; any other
    overlap is refused. Returns the tariff closed, if any. Checked and written under the
    product's tariff lock (:func:`serialise_tariffs`; taken here when the caller has not)."""
    serialise_tariffs(uow, [(law, tariff.product_code)])
    pid = _product_id(uow, law, tariff.product_code)
    rows = uow.catalogue.tariff_rows(pid, provider_agb)
    closed: tuple[int, Tariff] | None = None
    for row_id, other in rows:
        if close_open and other.valid.end is None and other.valid.start < tariff.valid.start:
            closed = (row_id, other)
    kept = [
        other
        if closed is None or row_id != closed[0]
        else Tariff(
            other.product_code,
            other.amount,
            Period(other.valid.start, tariff.valid.start - timedelta(days=1)),
            other.note,
        )
        for row_id, other in rows
    ]
    with _catalogue_rules():
        TariffSchedule.of([*kept, tariff])
    if closed is not None:
        uow.catalogue.end_tariff(
            closed[0], tariff.valid.start - timedelta(days=1), provider=provider_agb is not None
        )
    uow.catalogue.add_tariff(tariff, pid, provider_agb)
    return closed[1] if closed is not None else None


def add_tariff(
    uow: UnitOfWork,
    law: Law,
    product_code: str,
    amount: Money,
    valid_from: date,
    *,
    valid_to: date | None = None,
    provider_agb: str | None = None,
) -> TariffAdded:
    """Add a product's tariff from ``valid_from`` (to ``valid_to``, or open): the catalogue's,
    or with ``provider_agb`` that provider's own price (a bid price) TR418 holds its lines
    against. An open tariff starting earlier is closed the day before; any other overlap, an
    unknown product or provider, or a negative amount is refused."""
    with uow:
        added = write_tariff(
            uow, law, product_code, amount, valid_from, valid_to=valid_to, provider_agb=provider_agb
        )
        uow.commit()
    return added


def write_tariff(
    uow: UnitOfWork,
    law: Law,
    product_code: str,
    amount: Money,
    valid_from: date,
    *,
    valid_to: date | None = None,
    provider_agb: str | None = None,
) -> TariffAdded:
    """:func:`add_tariff` within the caller's open unit of work (the caller commits)."""
    if amount.cents < 0:
        raise CatalogueError(f"a tariff cannot be negative: {amount}")
    if valid_to is not None and valid_to < valid_from:
        raise CatalogueError(
            f"a tariff ends {valid_to.isoformat()}, before it starts {valid_from.isoformat()}"
        )
    with _catalogue_rules():
        tariff = Tariff(product_code, amount, Period(valid_from, valid_to))
    if provider_agb is not None:
        _provider(uow, provider_agb)
    closed = _store_tariff(uow, law, tariff, provider_agb, close_open=True)
    return TariffAdded(tariff, provider_agb, closed)


def index_tariffs(uow: UnitOfWork, law: Law, percentage: Decimal, from_date: date) -> list[TariffAdded]:
    """Index every catalogue tariff of ``law`` in force the day before ``from_date`` by
    ``percentage`` (e.g. 2.75) from ``from_date`` (:func:`domain.catalogue.indexed_tariff`,
    rounded once to cents). An open tariff is closed the day before and the new one is open; a
    tariff ending the day before is followed by one to the end of ``from_date``'s year. Refused
    when a product has a tariff from ``from_date`` already (indexed twice) or none is in force."""
    if not Decimal(-100) < percentage <= Decimal(100):
        raise CatalogueError(f"an indexation percentage lies between -100 and 100, got {percentage}")
    day_before = from_date - timedelta(days=1)
    added: list[TariffAdded] = []
    with uow:
        uow.serialise([])  # SQLite: the write lock before anything is read
        products = uow.catalogue.products(law)
        serialise_tariffs(uow, [(law, p.code) for p in products])
        for product in products:
            pid = _product_id(uow, law, product.code)
            rows = uow.catalogue.tariff_rows(pid)
            current = next((tr for tr in rows if tr[1].valid.contains(day_before)), None)
            if current is None:
                continue
            row_id, old = current
            if old.valid.end is not None and old.valid.end != day_before:
                raise CatalogueError(
                    f"{product.code}: its tariff runs to {old.valid.end.isoformat()}, past {day_before.isoformat()}"
                )
            end = None if old.valid.end is None else date(from_date.year, 12, 31)
            closed = Tariff(old.product_code, old.amount, Period(old.valid.start, day_before), old.note)
            others = [other for other_id, other in rows if other_id != row_id]
            with _catalogue_rules():
                new = indexed_tariff(old, percentage, Period(from_date, end))
                TariffSchedule.of([*others, closed, new])
            if old.valid.end is None:
                uow.catalogue.end_tariff(row_id, day_before)
            uow.catalogue.add_tariff(new, pid)
            added.append(TariffAdded(new, None, old if old.valid.end is None else None))
        if not added:
            raise CatalogueError(
                f"no {law.value} tariff is in force on {day_before.isoformat()}: nothing to index"
            )
        uow.commit()
    return added


def tariff_gaps(uow: UnitOfWork, number: str) -> list[tuple[str, int]]:
    """(product, year) pairs of a contract's lot without a tariff (its provider's own or the
    catalogue's) on every day of a year of the contract's term, its extension options included:
    lines there would come back 0611. Opens ``uow`` itself; read only."""
    with uow:
        contract, framework = _contract_and_framework(uow, number)
        lot = framework.lot(contract.lot_code)
        schedule = with_own_prices(
            TariffSchedule.of(uow.catalogue.tariffs(lot.law)),
            uow.catalogue.provider_tariffs(lot.law, contract.provider_agb),
        )
    last = contract.valid.end or framework.term.latest_end or contract.valid.start
    if contract.valid.end is not None and framework.term.latest_end is not None:
        last = max(last, framework.term.latest_end)
    years = list(range(contract.valid.start.year, last.year + 1))
    return missing_tariff_years(schedule, lot.product_codes, years)
