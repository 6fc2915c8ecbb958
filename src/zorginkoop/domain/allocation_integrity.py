# SPDX-License-Identifier: EUPL-1.2
"""Allocation integrity: one decided product is allocated once at a time, never beyond the decision.

A decision (beschikking) grants a product for a period with a volume (or budget). Its
allocations (toewijzingen) are the provider's licence to declare, so:

- the live allocations of one decided product never overlap in time (a second provider, or the
  same one twice, would both be paid for the same month);
- together they stay within what was decided: inside the decision's period, at most the
  decided volume per week/month/day each (they do not overlap, so that bounds the whole), and
  with frequency 6 (totaal binnen geldigheidsduur) their volumes add up to at most the total;
- giving the decision to another provider while an allocation runs ends the running one the
  day before the new start with RedenWijziging 09 (overstap naar andere aanbieder, WMO002/JZ002);
- a deleted allocation (RedenWijziging 13, Einddatum = Ingangsdatum) counts as never sent
  (OP033x1) and stays deleted: no later change revives it;
- OP033x1: the volume of an allocation changes only with frequency 6; otherwise the allocation
  ends and a new one follows;
- TR385 (9385): an allocation with approved, uncredited declaration lines is not deleted.

A *decided product* is one product of one decision (:class:`DecidedKey`): its main product, and
each add-on module with a product code of its own (Twente, :class:`~zorginkoop.domain.care.DecidedAddOn`),
which is allocated apart, so allocating a module never collides with the main product and two
allocations of one module do.

Every rule here is a pure function; the services read the facts and book what is decided.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from zorginkoop.domain.allocating import is_withdrawn
from zorginkoop.domain.care import Allocation, CareError, Decision
from zorginkoop.domain.codes import ChangeReason, Frequency, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


class IntegrityError(CareError):
    """An allocation or change that would break the allocation's integrity; one clear line."""


@dataclass(frozen=True, slots=True)
class DecidedKey:
    """One product of one decision: what allocations are counted against together."""

    decision_id: str
    product_code: str


@dataclass(frozen=True, slots=True)
class DecidedProduct:
    """What a decision grants of one product: its period and its volume (or budget).

    ``volume`` is per ``frequency`` (a rate) or, with frequency 6, the total over the period;
    ``None`` when it cannot be known here (a rate needs the product model's tariffs).
    """

    key: DecidedKey
    period: Period
    unit: Unit | None
    frequency: Frequency | None
    volume: int | None
    budget: Money | None = None


@dataclass(frozen=True, slots=True)
class PaidLine:
    """An approved, uncredited debit declaration line on an allocation."""

    line_id: int
    reference: str
    allocation_number: int
    period: Period
    volume: int
    amount: Money


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    """What allocating a decided product does: the new allocation and, on a switch, the
    running allocation ended the day before (RedenWijziging 09)."""

    new: Allocation
    ended: Allocation | None = None


def key_of(a: Allocation) -> DecidedKey | None:
    """The decided product an allocation belongs to (None: granted on a request, no decision)."""
    if a.decision_id is None or a.product_code is None:
        return None
    return DecidedKey(a.decision_id, a.product_code)


def decided_total_volume(decision: Decision, unit: Unit, product_code: str | None = None) -> int:
    """The decided volume over the whole period for frequency 6, as :func:`allocation_volume`
    codes it: euros (unit 83) are the budget in whole euros, rounded half up (the main product's
    budget, or the add-on module's amount for its own product code); any other unit is one
    trajectory."""
    add_on = decision.add_on(product_code) if product_code else None
    budget = add_on.amount if add_on is not None else decision.main_budget
    if unit is Unit.EUROS and budget is not None:
        euros = (Decimal(budget.cents) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return max(int(euros), 1)
    return 1


def decided_product(decision: Decision, coded: Allocation | None = None) -> DecidedProduct:
    """The decided product of a decision (its main product, or the add-on module ``coded`` is for).

    ``coded`` is the allocation the product model codes for the whole decision
    (:func:`~zorginkoop.domain.allocating.allocation_for_decision` or ``allocation_for_add_on``):
    its volume is the decided rate or total. Without it (no model at hand), use
    :func:`decided_product_without_model`.
    """
    code = coded.product_code if coded is not None and coded.product_code else decision.product_code
    return DecidedProduct(
        DecidedKey(decision.id, code),
        decision.valid,
        coded.unit if coded is not None else None,
        coded.frequency if coded is not None else None,
        coded.volume if coded is not None else None,
        coded.budget if coded is not None else None,
    )


def decided_product_without_model(
    decision: Decision, allocations: Sequence[Allocation], product_code: str | None = None
) -> DecidedProduct:
    """The decided product (main, or the add-on ``product_code``) as far as it is known from the
    decision and its allocations' coding: the total for frequency 6; a rate stays unknown (it
    needs the model's tariffs, and cannot change on an allocation anyway, OP033x1)."""
    code = product_code or decision.product_code
    coding = next(
        (a for a in allocations if a.product_code == code and a.unit is not None and a.frequency is not None),
        None,
    )
    unit = coding.unit if coding else None
    frequency = coding.frequency if coding else None
    volume = (
        decided_total_volume(decision, unit, code)
        if unit is not None and frequency is Frequency.TOTAAL
        else None
    )
    return DecidedProduct(DecidedKey(decision.id, code), decision.valid, unit, frequency, volume)


def live_allocations(allocations: Iterable[Allocation], key: DecidedKey) -> list[Allocation]:
    """The allocations of a decided product that count: every one but the deleted (CS335)."""
    return sorted(
        (a for a in allocations if key_of(a) == key and not is_withdrawn(a)),
        key=lambda a: (a.valid.start, a.number),
    )


def _span(a: Allocation) -> str:
    return f"{a.valid.start.isoformat()}..{a.valid.end.isoformat() if a.valid.end else 'open'}"


def describe(a: Allocation) -> str:
    """How a one-line message names an allocation."""
    return f"allocation {a.number} (provider {a.provider_agb}, {_span(a)})"


def integrity_breaches(decided: DecidedProduct, allocations: Iterable[Allocation]) -> list[str]:
    """Every way the live allocations of ``decided`` break the decision; empty when they keep to it.

    The invariant of this module: no two live allocations overlap, each lies inside the
    decision's period, none allocates more per week/month/day than decided, and with frequency
    6 (or a Budget) they add up to no more than the decided total."""
    found: list[str] = []
    live = live_allocations(allocations, decided.key)
    for first, second in itertools.pairwise(live):
        if first.valid.overlaps(second.valid):
            found.append(f"{describe(first)} overlaps {describe(second)}")
    for a in live:
        if not decided.period.covers(a.valid):
            found.append(f"{describe(a)} lies outside decision {decided.key.decision_id} ({decided.period})")
        rate = decided.frequency is not Frequency.TOTAAL
        if rate and decided.volume is not None and a.volume is not None and a.volume > decided.volume:
            found.append(f"{describe(a)} allocates {a.volume}, more than the decided {decided.volume}")
    if decided.frequency is Frequency.TOTAAL and decided.volume is not None:
        total = sum(a.volume or 0 for a in live)
        if total > decided.volume:
            found.append(
                f"the allocations of decision {decided.key.decision_id} add up to {total}, "
                f"more than the decided total {decided.volume}"
            )
    if decided.budget is not None:
        budgets = Money.sum(a.budget for a in live if a.budget is not None)
        if budgets > decided.budget:
            found.append(
                f"the budgets of decision {decided.key.decision_id} add up to {budgets}, "
                f"more than the decided {decided.budget}"
            )
    return found


def check_integrity(decided: DecidedProduct, allocations: Iterable[Allocation]) -> None:
    """Raise :class:`IntegrityError` with the first breach of :func:`integrity_breaches`."""
    found = integrity_breaches(decided, allocations)
    if found:
        raise IntegrityError(found[0])


def volume_kept_on_switch(total: int, running: Allocation, whole: Period, new_start: date, used: int) -> int:
    """With frequency 6 the running allocation keeps a share of the total when it ends: its
    days over the ``whole`` span it was given (rounded up), never less than what was already
    approved on it (``used``), never more than it had (OP033x1 allows this volume change)."""
    had = running.volume or 0
    if whole.end is None:
        return min(max(used, 0), had)
    kept_days = (new_start - running.valid.start).days
    share = (Decimal(total) * kept_days / whole.days()).quantize(Decimal(1), rounding=ROUND_CEILING)
    return min(max(int(share), used, 0), had)


def plan_allocation(
    decided: DecidedProduct,
    existing: Sequence[Allocation],
    new: Allocation,
    *,
    switch_from: int | None,
    at: datetime,
    used: int = 0,
) -> AllocationPlan:
    """Allocate ``new`` (for ``decided``) next to the ``existing`` allocations of the decision.

    - An allocation running on the new start (or later) is refused unless the consultant asks
      to switch from it: then it ends the day before the new start with RedenWijziging 09.
    - Only another provider takes over; a second overlapping allocation is always refused.
    - With frequency 6 the new allocation gets what the others leave of the decided total; the
      switched one keeps :func:`volume_kept_on_switch` (``used`` = volume approved on it).
    Raises :class:`IntegrityError` naming the running allocation and what to do.
    """
    live = live_allocations(existing, decided.key)
    overlapping = [a for a in live if a.valid.overlaps(new.valid)]
    ended: Allocation | None = None
    switched: Allocation | None = None
    if switch_from is None and overlapping:
        first = overlapping[0]
        raise IntegrityError(
            f"decision {decided.key.decision_id} is already allocated from {new.valid.start.isoformat()}: "
            f"{describe(first)}; to hand it to provider {new.provider_agb} give --switch-from "
            f"{first.number} (it ends the day before, RedenWijziging 09 overstap) with --start DAY, or "
            f"end it first with `zorginkoop access end {first.number} --end DAY`",
            message_nl=f"Beschikking {decided.key.decision_id} is vanaf {new.valid.start.isoformat()} al "
            f"toegewezen: toewijzing {first.number} bij aanbieder {first.provider_agb}. Kies bij een overstap "
            "naar een andere aanbieder die toewijzing en een ingangsdatum, of beëindig haar eerst.",
        )
    if switch_from is not None:
        running = next((a for a in overlapping if a.number == switch_from), None)
        if running is None:
            hint = (
                f"the one running then is {describe(overlapping[0])}"
                if overlapping
                else "none runs then: leave out --switch-from"
            )
            raise IntegrityError(
                f"--switch-from {switch_from}: allocation {switch_from} is no live allocation of decision "
                f"{decided.key.decision_id} running on or after {new.valid.start.isoformat()}; {hint}"
            )
        others = [a for a in overlapping if a.number != switch_from]
        if others:
            raise IntegrityError(
                f"decision {decided.key.decision_id} has {describe(others[0])} after the start too; "
                f"delete or end it first"
            )
        if running.provider_agb == new.provider_agb:
            raise IntegrityError(
                f"--switch-from {switch_from}: allocation {switch_from} is already with provider "
                f"{new.provider_agb}; a switch goes to another provider (change it with `zorginkoop access change`)",
                message_nl=f"Toewijzing {switch_from} is al bij aanbieder {new.provider_agb}; een overstap gaat "
                "naar een andere aanbieder.",
            )
        if new.valid.start <= running.valid.start:
            raise IntegrityError(
                f"--switch-from {switch_from}: allocation {switch_from} starts on {running.valid.start.isoformat()}, "
                f"so it cannot end before {new.valid.start.isoformat()}; give a later --start, or delete it "
                f"(`zorginkoop access change {switch_from} --reason 13`) and allocate again",
                message_nl=f"Toewijzing {switch_from} begint op {running.valid.start.isoformat()}; kies voor de "
                "overstap een latere ingangsdatum, of verwijder haar (reden 13) en wijs opnieuw toe.",
            )
        switched = running
        ended = replace(
            running,
            valid=Period(running.valid.start, new.valid.start - timedelta(days=1)),
            change_reason=ChangeReason.OVERSTAP_AANBIEDER,
            allocated_at=at,
            provider_reference=None,
        )
    if decided.frequency is Frequency.TOTAAL and decided.volume is not None and new.volume is not None:
        if ended is not None and switched is not None and ended.volume is not None:
            whole = switched.valid if switched.valid.end is not None else decided.period
            ended = replace(
                ended, volume=volume_kept_on_switch(decided.volume, switched, whole, new.valid.start, used)
            )
        rest = [a for a in live if ended is None or a.number != ended.number]
        taken = sum(a.volume or 0 for a in rest) + (ended.volume or 0 if ended is not None else 0)
        left = decided.volume - taken
        if left < 1:
            raise IntegrityError(
                f"decision {decided.key.decision_id}: its total of {decided.volume} is allocated already "
                f"({taken} in live allocations); lower the volume of an ended one first "
                "(`zorginkoop access change NUMBER --reason 14 --volume V`, frequency 6)"
            )
        new = replace(new, volume=min(new.volume, left))
    after = [a for a in live if ended is None or a.number != ended.number]
    check_integrity(decided, [*after, *([ended] if ended is not None else []), new])
    return AllocationPlan(new, ended)


def check_change(
    current: Allocation,
    changed: Allocation,
    *,
    decided: DecidedProduct | None,
    siblings: Sequence[Allocation],
    open_lines: int,
) -> None:
    """A change (RedenWijziging) of ``current`` into ``changed`` keeps to the rules, or raises
    :class:`IntegrityError`:

    - a deleted allocation stays deleted (OP033x1: it counts as never sent);
    - TR385 (9385): no deletion while approved, uncredited lines are declared on it;
    - OP033x1: the volume changes only with frequency 6 (totaal binnen geldigheidsduur);
    - the decided product keeps its integrity (:func:`integrity_breaches`) with ``siblings``
      (the other allocations of the client; those of other decisions are ignored).
    """
    n = current.number
    check_not_withdrawn(current)
    if changed.change_reason is ChangeReason.VERWIJDERD and open_lines:
        raise IntegrityError(
            f"allocation {n} has {open_lines} approved, uncredited declaration line(s): it cannot be deleted "
            f"(TR385, 9385); end it instead (`zorginkoop access end {n} --end DAY`) or let the provider credit them"
        )
    if changed.volume != current.volume and current.frequency is not Frequency.TOTAAL:
        frequency = current.frequency.value if current.frequency else "none"
        raise IntegrityError(
            f"allocation {n} has frequency {frequency}: its volume may change only with frequency 6, totaal "
            f"binnen geldigheidsduur (OP033x1); end it (`zorginkoop access end {n} --end DAY`) and allocate "
            "anew from the next day"
        )
    if decided is not None and not _reduces(current, changed):
        others = [a for a in siblings if a.number != n]
        check_integrity(decided, [*others, changed])


def _reduces(current: Allocation, changed: Allocation) -> bool:
    """A change that only takes away (an earlier or equal end, no more volume or budget) cannot
    make the decided product overlap or exceed; it is always allowed (earlier breaches stay
    the consultant's to mend, they do not block a shortening)."""
    old_end, new_end = current.valid.end, changed.valid.end
    shorter = new_end is not None and (old_end is None or new_end <= old_end)
    return (
        shorter
        and changed.valid.start >= current.valid.start
        and (changed.volume or 0) <= (current.volume or 0)
        and (changed.budget or Money.zero()) <= (current.budget or Money.zero())
    )


def check_not_withdrawn(a: Allocation) -> None:
    """A deleted allocation (RedenWijziging 13) stays deleted: it counts as never sent
    (OP033x1, CS335), so no change may revive, extend or correct it."""
    if is_withdrawn(a):
        raise IntegrityError(
            f"allocation {a.number} was deleted (RedenWijziging 13) and stays deleted: a deletion counts as "
            "never sent (OP033x1); allocate the decision again with `zorginkoop access allocate`"
        )


def same_product_running(new: Allocation, allocations: Iterable[Allocation]) -> Allocation | None:
    """The live allocation of the same client, provider and product that overlaps ``new``, if
    any: a product requested anew (315/317 NieuwProduct) may not double one the provider
    already holds for that time (the same care would be paid twice)."""
    if new.product_code is None:
        return None
    return next(
        (
            a
            for a in allocations
            if a.number != new.number
            and not is_withdrawn(a)
            and (a.client_bsn, a.provider_agb, a.law, a.product_code)
            == (new.client_bsn, new.provider_agb, new.law, new.product_code)
            and a.valid.overlaps(new.valid)
        ),
        None,
    )


def lines_outside(period: Period, lines: Iterable[PaidLine]) -> list[PaidLine]:
    """Approved lines whose ProductPeriode no longer lies inside the allocation's ``period``:
    paid for days the allocation no longer covers, so the provider must credit them (OP279)."""
    return [line for line in lines if not period.covers(line.period)]


def used_volume(lines: Iterable[PaidLine]) -> int:
    """The volume approved (and not credited) on an allocation."""
    return sum(line.volume for line in lines)
