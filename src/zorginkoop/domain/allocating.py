# SPDX-License-Identifier: EUPL-1.2
"""From intake to decision to allocation, and changing or ending an allocation.

The social team's decision (beschikking) comes from a product model's indication; the
allocation (toewijzing) gives it to one provider. A change keeps the ToewijzingNummer and
carries a RedenWijziging (WMO002/JZ002); the provider then gets a new 301 (OP033x1) holding
every current allocation of the client at that provider plus the changed ones (OP087).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from zorginkoop.domain.care import Allocation, CareError, DecidedAddOn, Decision, EvaluationMoment
from zorginkoop.domain.catalogue import DecisionBudget
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.periods import Period, period_of_months
from zorginkoop.domain.product_models import HourlyModel, Indication, ProductModel

NOT_CURRENT_REASONS = frozenset({ChangeReason.VERWIJDERD, ChangeReason.ADMINISTRATIEVE_CORRECTIE_VERVALLEN})


def next_allocation_number(highest_used: int) -> int:
    """TR332: a ToewijzingNummer is unique per municipality within the law; we count upwards."""
    number = highest_used + 1
    if number > 999_999_999:
        raise CareError("no ToewijzingNummer left (the standard allows 1..999999999)")
    return number


def is_withdrawn(a: Allocation) -> bool:
    """CS335: a deleted allocation has Einddatum = Ingangsdatum with RedenWijziging 13 (or the
    former 01); it counts as never given."""
    return a.change_reason in NOT_CURRENT_REASONS and a.valid.end == a.valid.start


def is_current(a: Allocation, on: date) -> bool:
    """OP087/TR349: valid on or after ``on``; a deleted allocation (:func:`is_withdrawn`) is not
    current."""
    if is_withdrawn(a):
        return False
    return a.valid.end is None or a.valid.end >= on


def toewijzing_selection(
    allocations: Iterable[Allocation], on: date, changed: Iterable[int] = ()
) -> list[Allocation]:
    """OP087: a 301 holds, for one client at one provider, every allocation valid on or after
    the day the message is made, plus every allocation changed since the previous 301."""
    changed_numbers = set(changed)
    return [a for a in allocations if a.number in changed_numbers or is_current(a, on)]


def decision_from_indication(
    indication: Indication,
    *,
    decision_id: str,
    client_bsn: str,
    municipality_code: str,
    decided_on: date,
    start: date,
    result_areas: Sequence[str] = (),
    support_type: str | None = None,
    budget: DecisionBudget | None = None,
) -> Decision:
    """The beschikking for an indication: what (result areas), budget frame, duration and
    evaluation moments; the provider decides how. ``budget`` is the indication priced with the
    catalogue (one tariff truth); without it the model file's indicative amounts are kept."""
    valid = period_of_months(start, indication.months)
    moments = tuple(
        EvaluationMoment(
            m.on or _last_day_of_month_n(start, m.month),
            "eindevaluatie" if m.is_final else f"evaluatie maand {m.month}",
        )
        for m in indication.evaluation_moments
    )
    return Decision(
        id=decision_id,
        client_bsn=client_bsn,
        municipality_code=municipality_code,
        law=indication.allocation.law,
        decided_on=decided_on,
        valid=valid,
        product_code=indication.product_code,
        model_id=indication.model_id,
        result_areas=tuple(result_areas),
        support_type=support_type,
        intensity=indication.intensity.value if indication.intensity else None,
        monthly_budget=budget.monthly if budget is not None else indication.monthly_tariff,
        total_budget=budget.total if budget is not None else indication.total,
        evaluation_moments=moments,
        # a module with a product code of its own is a decided product of its own
        add_ons=tuple(
            DecidedAddOn(a.module_id, a.product_code, a.amount) for a in indication.add_ons if a.product_code
        ),
    )


def _last_day_of_month_n(start: date, months: int) -> date:
    end = period_of_months(start, months).end
    assert end is not None
    return end


def allocation_volume(decision: Decision, model: ProductModel, tariff: Money | None = None) -> int:
    """The whole-unit Omvang of a decision's allocation, from its budget and the model's coding.

    Hourly models allocate hours per week: monthly budget / (hourly tariff x 13/3), the inverse
    of the fixed monthly rate; ``tariff`` is the catalogue tariff the monthly budget was priced
    with (in force on the decision's first day), the model file's amount only without it. Euro allocations (unit 83) carry the budget in whole euros, per
    month or in total as the frequency says. Output and effort pieces (82, 84) are 1 per period.
    Rounded half up, once, here; never below 1.
    """
    coding = model.info.allocation
    raw = Decimal(1)
    if isinstance(model, HourlyModel) and decision.monthly_budget is not None:
        product = next((p for p in model.products if p.code == decision.product_code), None)
        if product is None:
            raise CareError(f"model {model.info.id} has no product {decision.product_code}")
        hourly = tariff if tariff is not None else product.hourly_tariff
        raw = Decimal(decision.monthly_budget.cents) / (Decimal(hourly.cents) * Decimal(13) / Decimal(3))
    elif coding.unit is Unit.EUROS:
        # the add-ons with a product code of their own are allocated apart (allocation_for_add_on)
        budget = decision.main_budget if coding.frequency is Frequency.TOTAAL else decision.monthly_budget
        raw = Decimal(budget.cents) / Decimal(100) if budget is not None else Decimal(1)
    return max(int(raw.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 1)


def allocation_for_decision(
    decision: Decision,
    model: ProductModel,
    *,
    number: int,
    provider_agb: str,
    allocated_at: datetime,
    provider_reference: str | None = None,
    tariff: Money | None = None,
) -> Allocation:
    """The toewijzing of a decision to one provider, coded as the model prescribes.

    The volume is whole units (the message carries an integer), see :func:`allocation_volume`.
    """
    coding = model.info.allocation
    volume = allocation_volume(decision, model, tariff)
    return Allocation(
        number=number,
        client_bsn=decision.client_bsn,
        provider_agb=provider_agb,
        municipality_code=decision.municipality_code,
        law=decision.law,
        category=coding.category.value,
        product_code=decision.product_code,
        valid=decision.valid,
        allocated_at=allocated_at,
        volume=volume,
        unit=coding.unit,
        frequency=coding.frequency,
        decision_id=decision.id,
        provider_reference=provider_reference,
    )


def allocation_for_add_on(
    decision: Decision,
    model: ProductModel,
    product_code: str,
    *,
    number: int,
    provider_agb: str,
    allocated_at: datetime,
) -> Allocation:
    """The toewijzing of one add-on module of a decision (a decided product of its own): its
    own product code, the decision's period, and its total in whole euros (unit 83, frequency 6
    totaal binnen geldigheidsduur), rounded half up."""
    add_on = decision.add_on(product_code)
    if add_on is None:
        known = ", ".join(f"{a.product_code} ({a.module_id})" for a in decision.add_ons) or "none"
        raise CareError(
            f"decision {decision.id} grants no add-on module {product_code}; its modules: {known}"
        )
    euros = (Decimal(add_on.amount.cents) / Decimal(100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Allocation(
        number=number,
        client_bsn=decision.client_bsn,
        provider_agb=provider_agb,
        municipality_code=decision.municipality_code,
        law=decision.law,
        category=model.info.allocation.category.value,
        product_code=add_on.product_code,
        valid=decision.valid,
        allocated_at=allocated_at,
        volume=max(int(euros), 1),
        unit=Unit.EUROS,
        frequency=Frequency.TOTAAL,
        decision_id=decision.id,
    )


def change_allocation(
    a: Allocation,
    reason: ChangeReason,
    at: datetime,
    *,
    end: date | None = None,
    volume: int | None = None,
    keep_end: bool = False,
) -> Allocation:
    """A changed allocation under the same ToewijzingNummer, with its RedenWijziging.

    - 13 Verwijderd: the allocation is withdrawn as if never given: Einddatum = Ingangsdatum (CS335).
    - 05 verkorting: the new Einddatum lies before the old one (and not before the start).
    - 04 verlenging: the new Einddatum lies after the old one.
    - 14 administratieve correctie: corrects the Einddatum and/or volume.
    - 01 (vervallen) may not be used any more (CS336).
    Other reasons (client died, moved, change of provider...) end the allocation on ``end``.
    """
    if reason is ChangeReason.ADMINISTRATIEVE_CORRECTIE_VERVALLEN:
        raise CareError("RedenWijziging 01 may no longer be used (CS336); use 14 administratieve correctie")
    old_end = a.valid.end
    if reason is ChangeReason.VERWIJDERD:
        new_end: date | None = a.valid.start
    elif keep_end and end is None:
        new_end = old_end
    else:
        if end is None:
            raise CareError(
                f"allocation {a.number}: reason {reason.value} ({reason.label}) needs a new end date"
            )
        new_end = end
    if new_end is not None and new_end < a.valid.start:
        raise CareError(
            f"allocation {a.number}: end {new_end} lies before the start {a.valid.start}",
            message_nl=f"De einddatum {new_end.isoformat()} ligt vóór de begindatum "
            f"{a.valid.start.isoformat()} van toewijzing {a.number}.",
        )
    if reason is ChangeReason.VERKORTING and not (
        old_end is None or (new_end is not None and new_end < old_end)
    ):
        raise CareError(
            f"allocation {a.number}: a verkorting (05) needs an end before the current end {old_end}",
            message_nl=f"Bij 05 (verkorting) ligt de nieuwe einddatum vóór de huidige einddatum {old_end}.",
        )
    if reason is ChangeReason.VERLENGING and (old_end is None or new_end is None or new_end <= old_end):
        raise CareError(
            f"allocation {a.number}: a verlenging (04) needs an end after the current end {old_end}",
            message_nl="Bij 04 (verlenging) ligt de nieuwe einddatum na de huidige einddatum "
            f"({old_end.isoformat() if old_end else 'open einde'}).",
        )
    if a.frequency is Frequency.PER_WEEK and new_end is None:
        raise CareError(f"allocation {a.number}: a volume per week needs an end date")
    if volume is not None and a.volume is None:
        raise CareError(f"allocation {a.number} has a budget, not a volume")
    return replace(
        a,
        valid=Period(a.valid.start, new_end),
        change_reason=reason,
        allocated_at=at,
        volume=volume if volume is not None else a.volume,
        provider_reference=None,  # TR379: the reference goes only in the first 301 answering a request
    )


def requested_allocation(
    *,
    number: int,
    client_bsn: str,
    provider_agb: str,
    municipality_code: str,
    law: Law,
    category: str,
    product_code: str | None,
    valid: Period,
    allocated_at: datetime,
    volume: int | None,
    unit: str | None,
    frequency: str | None,
    budget: Money | None,
    provider_reference: str,
) -> Allocation:
    """An allocation granting a requested product (315/317), carrying the ReferentieAanbieder (TR379)."""
    return Allocation(
        number=number,
        client_bsn=client_bsn,
        provider_agb=provider_agb,
        municipality_code=municipality_code,
        law=law,
        category=category,
        product_code=product_code,
        valid=valid,
        allocated_at=allocated_at,
        volume=volume,
        unit=Unit(unit) if unit else None,
        frequency=Frequency(frequency) if frequency else None,
        budget=budget,
        provider_reference=provider_reference,
    )


def end_evaluated(allocation: Allocation, goals: GoalsReached, on: date) -> Allocation:
    """The allocation with the goals the consultant recorded at its end evaluation (eindevaluatie).

    Only an allocation whose care is over can be evaluated: its period ended before ``on``
    (a stop ends it on the stop date, domain.stopping). A withdrawn allocation (13) was never
    given, so it has nothing to evaluate. Recording again replaces the earlier answer."""
    if is_withdrawn(allocation):
        raise CareError(
            f"allocation {allocation.number} was withdrawn (13): there is no care to evaluate",
            message_nl=f"Toewijzing {allocation.number} is ingetrokken (13): er is geen zorg om te evalueren.",
        )
    end = allocation.valid.end
    if end is None or end >= on:
        raise CareError(
            f"allocation {allocation.number} has not ended yet (end {end or 'open'}): "
            "the end evaluation follows the end of care",
            message_nl=f"Toewijzing {allocation.number} is nog niet beëindigd "
            f"(einddatum {end.isoformat() if end else 'open'}): de eindevaluatie volgt na het einde van de zorg.",
        )
    return replace(allocation, goals_reached=goals)
