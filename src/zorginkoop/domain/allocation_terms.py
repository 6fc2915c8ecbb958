# SPDX-License-Identifier: EUPL-1.2
"""The terms an allocation is given on: under which contract, for which period, at which
tariff basis and within which budget limit.

- One tariff truth: the budget limit (TR369) is the decision's budget over the allocation's
  period, priced with the catalogue (contract) tariff in force on each month of the decision,
  indexation included (:func:`zorginkoop.domain.catalogue.decision_budget`).
- An allocation does not run past the contract covering its product for its provider
  (:func:`zorginkoop.domain.contracts.contract_cover`): it ends with that contract, and a new
  allocation follows under the provider's next contract when one covers the product from the
  next day; the decision stays. When none does, the consultant is told (``notice``).
- A provider without a contract is allocated only under the region's rule for non-contracted
  providers (seed 000): 70% of the product's NZa tariff, recorded as the allocation's tariff
  basis; refused when the product has no NZa tariff.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from zorginkoop.domain.allocating import change_allocation, is_withdrawn
from zorginkoop.domain.care import Allocation, Decision
from zorginkoop.domain.catalogue import (
    NON_CONTRACTED_PERCENTAGE,
    CatalogueError,
    TariffSchedule,
    allocation_budget_limit,
    decision_budget,
    derived_schedule,
)
from zorginkoop.domain.codes import ChangeReason, Frequency, Unit
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, contract_cover, covering_contract
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period, add_months


class AllocationTermsError(ValueError):
    """An allocation that cannot be given on these terms; the message says what to do."""


@dataclass(frozen=True, slots=True)
class AllocationPart:
    """One allocation to give: its period, the contract it runs under (None under the rule for
    non-contracted providers) and its budget limit (TR369)."""

    valid: Period
    contract: Contract | None
    budget_limit: Money


@dataclass(frozen=True, slots=True)
class AllocationTerms:
    parts: tuple[AllocationPart, ...]
    nza_percentage: Decimal | None = None
    notice: str | None = None


def months_of(period: Period) -> int:
    """How many decision months a decision's period holds (start + n months - 1 day = end)."""
    if period.end is None:
        raise AllocationTermsError("a decision without an end date has no budget over months")
    months = 0
    while add_months(period.start, months + 1) - timedelta(days=1) <= period.end:
        months += 1
    return max(months, 1)


def budget_limit(
    decision: Decision,
    valid: Period,
    *,
    volume: int,
    unit: Unit,
    frequency: Frequency,
    schedule: TariffSchedule,
) -> Money:
    """The decision's budget for an allocation's period (TR369), priced with its provider's
    tariff basis (``schedule``: the catalogue, or :func:`derived_schedule` for 70% of NZa) in
    force on each month of the decision.

    A decision priced with the catalogue (it has a monthly budget) counts its months: the
    allocated volume per frequency x the tariff on each month's first day, a month partly inside
    the period pro rata (:meth:`DecisionBudget.within`). Euros (unit 83) are their own price: the
    decision's total. A decision without a budget (care from before decisions were priced, a
    provider's request) prices the allocation's Omvang over its period
    (:func:`allocation_budget_limit`)."""
    try:
        if unit is Unit.EUROS:
            return decision.total_budget if decision.total_budget is not None else Money.euros(volume)
        if decision.monthly_budget is None or frequency is Frequency.TOTAAL:
            return allocation_budget_limit(
                schedule, decision.product_code, volume=volume, unit=unit, frequency=frequency, period=valid
            )
        months = months_of(decision.valid)
        priced = decision_budget(
            schedule,
            decision.product_code,
            volume=volume,
            frequency=frequency,
            start=decision.valid.start,
            months=months,
        )
        return priced.within(valid)
    except CatalogueError as exc:
        raise AllocationTermsError(
            f"decision {decision.id}: {exc}; the catalogue prices every month"
        ) from None


def allocation_terms(
    decision: Decision,
    provider_agb: str,
    *,
    volume: int,
    unit: Unit,
    frequency: Frequency,
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    schedule: TariffSchedule,
    reference: TariffSchedule | None = None,
    non_contracted: bool = False,
) -> AllocationTerms:
    """The allocations a decision gets at ``provider_agb``: one per contract covering its product
    in turn (each ending with its contract, RedenWijziging 03 when it ends early), each with the
    decision's budget for its period; or, with ``non_contracted``, one allocation for the whole
    decision at 70% of the NZa tariff (refused for a contracted provider or a product without an
    NZa tariff on any month)."""
    contracts = list(contracts)
    frameworks = list(frameworks)
    law, product = decision.law, decision.product_code
    start = decision.valid.start

    def limit(valid: Period, basis: TariffSchedule) -> Money:
        return budget_limit(decision, valid, volume=volume, unit=unit, frequency=frequency, schedule=basis)

    if non_contracted:
        held = covering_contract(
            contracts, frameworks, law=law, product_code=product, provider_agb=provider_agb, day=start
        )
        if held is not None:
            raise AllocationTermsError(
                f"provider {provider_agb} holds contract {held.number} for product {product} on "
                f"{start.isoformat()}: allocate under the contract, without --non-contracted"
            )
        basis = derived_schedule(reference or TariffSchedule(), NON_CONTRACTED_PERCENTAGE)
        if not basis.history(product):
            raise AllocationTermsError(
                f"product {product} has no NZa tariff: the rule for providers without a contract pays "
                f"{NON_CONTRACTED_PERCENTAGE}% of it; choose a contracted provider"
            )
        part = AllocationPart(decision.valid, None, limit(decision.valid, basis))
        return AllocationTerms((part,), NON_CONTRACTED_PERCENTAGE)

    cover = contract_cover(
        contracts, frameworks, law=law, product_code=product, provider_agb=provider_agb, wanted=decision.valid
    )
    if cover.first is None:
        raise AllocationTermsError(
            f"provider {provider_agb} holds no contract valid on {start.isoformat()} for a lot with "
            f"product {product} ({law.value})"
        )
    parts = tuple(AllocationPart(valid, contract, limit(valid, schedule)) for contract, valid in cover.parts)
    notice = None
    if cover.uncovered is not None:
        last_contract, last = cover.parts[-1]
        notice = (
            f"the allocation ends on {_iso(last.end)} with contract {last_contract.number}; the decision runs "
            f"until {_iso(decision.valid.end)} and no later contract of provider {provider_agb} covers "
            f"product {product}: {cover.uncovered} of the decision has no allocation (extend the contract, "
            f"choose another provider for it, or decide again under the framework then in force)"
        )
    return AllocationTerms(parts, None, notice)


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else "open end"


@dataclass(frozen=True, slots=True)
class AllocatedOnTerms:
    allocations: tuple[Allocation, ...]
    """The first under the contract covering the decision's start, then one per next contract."""
    notice: str | None = None


def allocations_on_terms(
    allocation: Allocation,
    decision: Decision,
    *,
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    schedule: TariffSchedule,
    reference: TariffSchedule | None = None,
    non_contracted: bool = False,
) -> AllocatedOnTerms:
    """``allocation`` (coded from the decision for the whole decision) given on its terms
    (:func:`allocation_terms`): cut to its contract's end, followed by an allocation per next
    contract (numbered on from ``allocation.number``), each with its budget limit and tariff basis."""
    if allocation.volume is None or allocation.unit is None or allocation.frequency is None:
        raise AllocationTermsError(f"allocation {allocation.number} has no Omvang to price")
    terms = allocation_terms(
        decision,
        allocation.provider_agb,
        volume=allocation.volume,
        unit=allocation.unit,
        frequency=allocation.frequency,
        contracts=contracts,
        frameworks=frameworks,
        schedule=schedule,
        reference=reference,
        non_contracted=non_contracted,
    )
    given = tuple(
        replace(
            allocation,
            number=allocation.number + index,
            valid=part.valid,
            budget_limit=part.budget_limit,
            nza_percentage=terms.nza_percentage,
        )
        for index, part in enumerate(terms.parts)
    )
    return AllocatedOnTerms(given, terms.notice)


@dataclass(frozen=True, slots=True)
class ContractEnd:
    """A running allocation that ends with its contract (RedenWijziging 03), the allocations
    following under the provider's next contracts, and what the consultant is told."""

    ended: Allocation
    follow_ups: tuple[Allocation, ...]
    notice: str | None


def contract_end(
    allocation: Allocation,
    decision: Decision | None,
    *,
    contracts: Iterable[Contract],
    frameworks: Iterable[FrameworkAgreement],
    schedule: TariffSchedule,
    at: datetime,
    first_number: int,
) -> ContractEnd | None:
    """When ``allocation`` runs past the end of the contract covering its product for its
    provider (a contract ended early, not extended, an allocation from before the rule): it ends
    with that contract, RedenWijziging 03 (contractwijziging, WMO002/JZ002), and the rest of its
    period follows under the provider's next contracts as new allocations numbered from
    ``first_number``; the decision stays. None when its contract covers it to its end, when it
    runs under the rule for providers without a contract, or when no contract covers its start
    (then there is nothing to end with)."""
    if allocation.product_code is None or allocation.nza_percentage is not None or is_withdrawn(allocation):
        return None
    cover = contract_cover(
        contracts, frameworks, law=allocation.law, product_code=allocation.product_code,
        provider_agb=allocation.provider_agb, wanted=allocation.valid,
    )  # fmt: skip
    if cover.first is None or cover.first[1] == allocation.valid:
        return None
    first_part = cover.first[1]
    problems: list[str] = []

    def limit(valid: Period) -> Money | None:
        if allocation.volume is None or allocation.unit is None or allocation.frequency is None:
            return allocation.budget_limit if allocation.budget is None else allocation.budget
        basis = decision or Decision(
            f"toewijzing {allocation.number}", allocation.client_bsn, allocation.municipality_code,
            allocation.law, allocation.valid.start, allocation.valid, allocation.product_code or "",
        )  # fmt: skip
        try:
            return budget_limit(basis, valid, volume=allocation.volume, unit=allocation.unit,
                                frequency=allocation.frequency, schedule=schedule)  # fmt: skip
        except AllocationTermsError as exc:
            problems.append(str(exc))
            return None

    ended = replace(
        change_allocation(allocation, ChangeReason.CONTRACTWIJZIGING, at, end=first_part.end),
        budget_limit=limit(first_part),
    )
    follow_ups = tuple(
        replace(
            allocation,
            number=first_number + index,
            valid=part,
            allocated_at=at,
            change_reason=None,
            provider_reference=None,
            budget_limit=limit(part),
        )
        for index, (_contract, part) in enumerate(cover.parts[1:])
    )
    notices = list(problems)
    if cover.uncovered is not None:
        notices.append(
            f"allocation {allocation.number} ends on {_iso(cover.parts[-1][1].end)} with contract "
            f"{cover.parts[-1][0].number}; no later contract of provider {allocation.provider_agb} covers "
            f"product {allocation.product_code}: {cover.uncovered} has no allocation (extend the contract, "
            f"choose another provider for it, or decide again)"
        )
    return ContractEnd(ended, follow_ups, "; ".join(notices) or None)


def own_budget_limit(allocation: Allocation, schedule: TariffSchedule) -> Money | None:
    """The budget limit (TR369) of an allocation given without a priced decision (a provider's
    request granted, 315/317): its Budget when it has one, else its Omvang over its period at
    the catalogue tariff in force (:func:`allocation_budget_limit`); None when it cannot be
    priced (no end date, no tariff): then only its volume limits it (TR321/TR322)."""
    if allocation.budget is not None:
        return allocation.budget
    if (
        allocation.product_code is None
        or allocation.volume is None
        or allocation.unit is None
        or allocation.frequency is None
    ):
        return None
    try:
        return allocation_budget_limit(
            schedule, allocation.product_code, volume=allocation.volume, unit=allocation.unit,
            frequency=allocation.frequency, period=allocation.valid,
        )  # fmt: skip
    except CatalogueError:
        return None


def repriced(allocation: Allocation, decision: Decision | None, schedule: TariffSchedule) -> Allocation:
    """``allocation`` after a change of its period or volume (verkorting 05, verlenging 04, a
    correction 14) with its budget limit (TR369) for the new period: the decision's budget over
    it, or, without a priced decision, its Omvang priced (``schedule`` is its tariff basis).
    When the new period cannot be priced (a month without a tariff) the old limit stays: a
    limit is never raised without a price."""
    if allocation.budget is not None:
        return replace(allocation, budget_limit=allocation.budget)
    if allocation.volume is None or allocation.unit is None or allocation.frequency is None:
        return allocation
    if decision is None or allocation.product_code != decision.product_code:
        limit = own_budget_limit(allocation, schedule)
    else:
        try:
            limit = budget_limit(decision, allocation.valid, volume=allocation.volume, unit=allocation.unit,
                                 frequency=allocation.frequency, schedule=schedule)  # fmt: skip
        except AllocationTermsError:
            limit = None
    return replace(allocation, budget_limit=limit if limit is not None else allocation.budget_limit)
