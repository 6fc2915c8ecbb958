# SPDX-License-Identifier: EUPL-1.2
"""The plain facts a declaration is judged against, and the pure functions that read them.

The store loads data only (:class:`DeclarationFacts`: allocations, products, contracts with their
products, validity, ceiling and policy, the tariff schedule, collective ceilings and their member
contracts, earlier lines, the approved lines of the declared allocations, what was paid per
provider, product and year). Which contract's tariff applies to a line (TR418), which ceilings its
amount counts against and what they have used, and what the approved lines add up to (TR322,
TR369, TR389, TR390) is decided here, in one place, without I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from zorginkoop.domain.care import Allocation
from zorginkoop.domain.catalogue import TariffSchedule, line_tariff
from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.contracts import CeilingPolicy, CeilingUse, CollectiveCeiling
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine
from zorginkoop.domain.financing import base_units
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

PROVIDER = "provider"
"""Kind of :class:`CeilingKey` for a provider's own contract ceiling (key: contract number)."""
COLLECTIVE = "collective"
"""Kind of :class:`CeilingKey` for a ceiling shared by several contracts (key: its code)."""
ALLOCATION = "allocation"
"""Kind of :class:`CeilingKey` for the 301's Budget of an allocation (notices only; TR369 refuses)."""


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What adjudication needs of a catalogue product."""

    unit: Unit
    crisis: bool = False


@dataclass(frozen=True, slots=True)
class ContractFacts:
    """A contract as adjudication needs it: the products of its lot, its term and its ceiling."""

    number: str
    provider_agb: str
    law: Law
    products: frozenset[str]
    valid: Period
    ceiling: Money | None = None
    policy: CeilingPolicy = CeilingPolicy.SIGNAL


@dataclass(frozen=True, slots=True)
class PriorLine:
    """A line declared before (stored), with its outcome: enough for TR314 and for TR323's
    comparison on key fields."""

    line: DeclaredLine
    approved: bool

    @property
    def reference(self) -> str:
        return self.line.reference

    @property
    def debit_credit(self) -> DebitCredit:
        return self.line.debit_credit


@dataclass(frozen=True, slots=True)
class ApprovedLine:
    """An approved line on one of the declared allocations, as stored (its granted amount signed)."""

    allocation_number: int
    reference: str
    debit_credit: DebitCredit
    previous_reference: str | None
    period: Period
    category: str
    product_code: str | None
    volume: int
    unit: Unit
    granted: Money


DebitKey = tuple[int, int, int, str, str | None]
"""(ToewijzingNummer, year, month, ProductCategorie, ProductCode) for TR389/TR416."""


def debit_key(allocation_number: int, period: Period, category: str, product_code: str | None) -> DebitKey:
    """TR389: the debit slot a ProductPeriode takes. With TR387/TR388 a calendar month has exactly
    one ProductPeriode per allocation, so the month stands for the period; keyed on the month it
    stays one slot when the allocation's dates change after the debit was paid."""
    return (allocation_number, period.start.year, period.start.month, category, product_code)


@dataclass(frozen=True, slots=True)
class Usage:
    """What the approved lines of some allocations add up to.

    ``volume``: net approved volume per allocation in base units (``financing.base_units``);
    ``amount``: net granted amount per allocation; ``open_debits``: debit slots taken and not
    credited (TR389); ``credited``: references of debits with an approved credit (TR390).
    """

    volume: Mapping[int, int] = field(default_factory=dict)
    amount: Mapping[int, Money] = field(default_factory=dict)
    open_debits: frozenset[DebitKey] = frozenset()
    credited: frozenset[str] = frozenset()

    @classmethod
    def of(cls, lines: Iterable[ApprovedLine]) -> Usage:
        volume: dict[int, int] = defaultdict(int)
        amount: dict[int, int] = defaultdict(int)
        debits: dict[str, DebitKey] = {}
        credited: set[str] = set()
        for x in lines:
            amount[x.allocation_number] += x.granted.cents
            units = base_units(x.volume, x.unit)
            if x.debit_credit is DebitCredit.DEBIT:
                volume[x.allocation_number] += units
                debits[x.reference] = debit_key(x.allocation_number, x.period, x.category, x.product_code)
            else:
                volume[x.allocation_number] -= units
                credited.add(x.previous_reference or "")
        return cls(
            dict(volume),
            {n: Money(c) for n, c in amount.items()},
            frozenset(key for ref, key in debits.items() if ref not in credited),
            frozenset(credited),
        )


@dataclass(frozen=True, slots=True)
class DeclarationFacts:
    """Everything stored that the lines of one declaration are judged against: data only."""

    provider_agb: str
    law: Law
    declaration_period: Period
    allocations: Mapping[int, Allocation]
    products: Mapping[str, ProductFacts]
    contracts: Sequence[ContractFacts] = ()
    """The provider's contracts under the law, and the member contracts of the collective
    ceilings these take part in."""
    tariffs: TariffSchedule = field(default_factory=TariffSchedule)
    """The provider's tariff basis under the law: its own prices where it has them, the
    catalogue's elsewhere (:func:`~zorginkoop.domain.catalogue.with_own_prices`)."""
    collective_ceilings: Sequence[CollectiveCeiling] = ()
    prior: Mapping[str, PriorLine] = field(default_factory=dict)
    """Earlier lines of the provider within the law by reference: this file's references and
    VorigReferentieNummers, at least."""
    usage: Usage = field(default_factory=Usage)
    """The approved lines of the allocations this declaration names, added up."""
    spent: Mapping[tuple[str, str, int], Money] = field(default_factory=dict)
    """Paid (net) per (provider AGB, product code, year of the ProductPeriode) under the law."""
    reference_tariffs: TariffSchedule = field(default_factory=TariffSchedule)
    """The NZa tariffs, for allocations paid a share of them (the rule for providers without a
    contract: ``Allocation.nza_percentage``); empty when no such allocation is declared."""


# -- which contract, which tariff (TR418) ---------------------------------------------------------


def contracts_covering(
    facts: DeclarationFacts, product_code: str | None, day: date
) -> tuple[ContractFacts, ...]:
    """The provider's own contracts under the declaration's law that hold ``product_code`` on ``day``."""
    return tuple(
        c
        for c in facts.contracts
        if c.provider_agb == facts.provider_agb
        and c.law is facts.law
        and product_code in c.products
        and c.valid.contains(day)
    )


def tariff_for_allocation(
    facts: DeclarationFacts, allocation: Allocation | None, product_code: str | None, day: date
) -> Money | None:
    """TR418: the tariff a line on ``allocation`` is held against on ``day``: for an allocation
    under the rule for providers without a contract its share of the NZa tariff
    (:func:`catalogue.line_tariff`), else the contract tariff."""
    if allocation is not None and allocation.nza_percentage is not None:
        return line_tariff(
            allocation.nza_percentage,
            product_code or "",
            day,
            contract_tariff=None,
            reference=facts.reference_tariffs,
        )
    return contract_tariff(facts, product_code, day)


def contract_tariff(facts: DeclarationFacts, product_code: str | None, day: date) -> Money | None:
    """TR418: the contract tariff of a product for the provider on ``day`` (the first day of the
    ProductPeriode): the tariff in force in ``facts.tariffs`` (the provider's own price, a bid
    price, where it has one, else the catalogue's) when a contract covers the product then, else
    None (not contracted: no contract tariff)."""
    if not contracts_covering(facts, product_code, day):
        return None
    for item in facts.tariffs.tariffs.get(product_code or "", ()):
        if item.valid.contains(day):
            return item.amount
    return None


# -- which ceilings, and what they have used --------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class CeilingKey:
    """A ceiling and year: kind :data:`PROVIDER` (key = contract number), :data:`COLLECTIVE`
    (key = ceiling code) or :data:`ALLOCATION` (key = municipality-law-number)."""

    kind: str
    key: str
    year: int


@dataclass(slots=True)
class CeilingState:
    """A ceiling with what approved amounts have used of it so far."""

    key: CeilingKey
    ceiling: Money
    used: Money
    policy: CeilingPolicy = CeilingPolicy.SIGNAL

    @property
    def use(self) -> CeilingUse:
        return CeilingUse(self.ceiling, self.used)

    @property
    def may_refuse(self) -> bool:
        """OP095: a line is refused only on what its sender can know. A provider's own contract
        ceiling with policy REFUSE is its own; a collective ceiling (the free practitioners'
        EUR 2,300,000) is not, whatever its policy: it records notices and is steered by
        allocation. The 301's Budget is judged by TR369 itself."""
        return self.key.kind == PROVIDER and self.policy is CeilingPolicy.REFUSE


def allocation_key(allocation: Allocation) -> CeilingKey:
    return CeilingKey(
        ALLOCATION,
        f"{allocation.municipality_code}-{allocation.law.value}-{allocation.number}",
        allocation.valid.start.year,
    )


def ceiling_keys(facts: DeclarationFacts, allocation: Allocation | None, product_code: str | None,
                 day: date) -> tuple[CeilingKey, ...]:  # fmt: skip
    """The ceilings an amount for ``product_code`` on ``day`` counts against: the ceiling of each
    contract covering it, the collective ceilings of those contracts in that year, and the 301's
    Budget of the allocation (its notices)."""
    keys: list[CeilingKey] = []
    for contract in contracts_covering(facts, product_code, day):
        if contract.ceiling is not None:
            keys.append(CeilingKey(PROVIDER, contract.number, day.year))
        keys.extend(
            CeilingKey(COLLECTIVE, cc.code, cc.year)
            for cc in facts.collective_ceilings
            if cc.year == day.year and contract.number in cc.contract_numbers
        )
    if allocation is not None and allocation.budget is not None:
        keys.append(allocation_key(allocation))
    return tuple(dict.fromkeys(keys))


def contract_use(facts: DeclarationFacts, contract: ContractFacts, year: int) -> Money:
    """What was paid in ``year`` for the products of a contract to its provider (zero when the
    contract does not run in that year)."""
    if not contract.valid.overlaps(Period.year(year)):
        return Money.zero()
    return Money.sum(
        facts.spent.get((contract.provider_agb, code, year), Money.zero()) for code in contract.products
    )


def ceiling_state(facts: DeclarationFacts, key: CeilingKey) -> CeilingState | None:
    """The state of one ceiling before this declaration, from the plain facts."""
    by_number = {c.number: c for c in facts.contracts}
    if key.kind == PROVIDER:
        contract = by_number.get(key.key)
        if contract is None or contract.ceiling is None:
            return None
        return CeilingState(key, contract.ceiling, contract_use(facts, contract, key.year), contract.policy)
    if key.kind == COLLECTIVE:
        for cc in facts.collective_ceilings:
            if cc.code == key.key and cc.year == key.year:
                used = Money.sum(
                    contract_use(facts, by_number[n], cc.year)
                    for n in sorted(cc.contract_numbers)
                    if n in by_number
                )
                return CeilingState(key, cc.amount, used, cc.policy)
        return None
    number = key.key.rsplit("-", 1)[-1]
    allocation = facts.allocations.get(int(number)) if number.isdigit() else None
    if allocation is None or allocation.budget is None or allocation_key(allocation) != key:
        return None
    used = facts.usage.amount.get(allocation.number, Money.zero())
    return CeilingState(key, allocation.budget, used, CeilingPolicy.SIGNAL)
