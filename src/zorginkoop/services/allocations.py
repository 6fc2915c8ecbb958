# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the social team: intake -> decision -> allocation, change and end; and the
301 messages they put in the outbox. Each use case opens the unit of work and commits once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from zorginkoop.adapters.db.exchange import ClientContact, OutsideLine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.outgoing import allocated_at_now, toewijzing_client, toewijzingbericht
from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.allocating import (
    allocation_for_add_on,
    allocation_for_decision,
    change_allocation,
    decision_from_indication,
    end_evaluated,
    is_current,
    next_allocation_number,
    toewijzing_selection,
)
from zorginkoop.domain.allocation_integrity import (
    DecidedProduct,
    PaidLine,
    check_change,
    check_not_withdrawn,
    decided_product,
    decided_product_without_model,
    lines_outside,
    plan_allocation,
    used_volume,
)
from zorginkoop.domain.allocation_terms import (
    AllocatedOnTerms,
    AllocationTermsError,
    allocations_on_terms,
    contract_end,
    repriced,
)
from zorginkoop.domain.care import Allocation, CareError, Client, Decision, check_bsn
from zorginkoop.domain.catalogue import (
    CatalogueError,
    DecisionBudget,
    TariffSchedule,
    decision_budget,
    derived_schedule,
    with_own_prices,
)
from zorginkoop.domain.codes import ChangeReason, Law, TargetGroup
from zorginkoop.domain.contact import check_address
from zorginkoop.domain.contracts import (
    CollectiveCeiling,
    contracted_providers,
    providers_closed_by_collective_ceilings,
)
from zorginkoop.domain.exchange import file_name, identification
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.product_models import Indication, Intake, ProductModel, check_model_valid_on, evaluate
from zorginkoop.domain.referral import ReferralError, Referrer, decided_referrer
from zorginkoop.domain.region import ProviderMatch, eligible_providers
from zorginkoop.settings import Settings


class WorkflowError(ValueError):
    """A use case that cannot go ahead; the message names the input and what to do.
    ``message_nl``: the same in Dutch for the screens, where one is written."""

    def __init__(self, message: str, *, message_nl: str | None = None) -> None:
        super().__init__(message)
        self.message_nl = message_nl


@dataclass(frozen=True, slots=True)
class DecisionResult:
    decision: Decision
    indication: Indication


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocation: Allocation
    message_file: str
    ended: Allocation | None = None
    """On a switch: the running allocation, ended the day before (RedenWijziging 09)."""
    ended_message_file: str | None = None
    outside_lines: tuple[PaidLine, ...] = ()
    """Approved lines the change (or switch) left outside the allocation: to be credited."""
    follow_ups: tuple[Allocation, ...] = ()
    """Allocations under the provider's next contracts, in the same 301."""
    notice: str | None = None
    """For the consultant: the allocation ends with its contract before the decision does."""


def evaluate_intake(model: ProductModel, intake: Intake) -> Indication:
    """The intake weighed with the model (no store involved)."""
    return evaluate(model, intake)


def decide(
    uow: UnitOfWork,
    model: ProductModel,
    intake: Intake,
    *,
    client_bsn: str,
    start: date,
    decided_on: date,
) -> DecisionResult:
    """Record a decision (beschikking) for an inhabitant from the model's indication; refused
    (IntakeRefused) when the model is not in force on the start date."""
    check_model_valid_on(model.info, start)
    indication = evaluate(model, intake)
    with uow:
        client = uow.clients.get(client_bsn, purpose=ActivityKind.DECISION)
        if client is None:
            raise WorkflowError(f"client {client_bsn} is not an inhabitant in scope {uow.scope}")
        budget = _priced(indication, _schedule(uow, indication.allocation.law), start)
        decision = decision_from_indication(
            indication,
            decision_id=f"B-{uuid.uuid4().hex[:12]}",
            client_bsn=client.bsn,
            municipality_code=client.municipality_code,
            decided_on=decided_on,
            start=start,
            result_areas=intake.areas,
            support_type=intake.support_type,
            budget=budget,
        )
        uow.decisions.add_all([decision])
        uow.commit()
    return DecisionResult(decision, indication)


def _schedule(uow: UnitOfWork, law: Law, provider_agb: str | None = None) -> TariffSchedule:
    """The catalogue's tariffs of one law: the one tariff truth decisions and payment share;
    with ``provider_agb`` that provider's tariff basis (its own prices, bid prices, where it has
    them: :func:`~zorginkoop.domain.catalogue.with_own_prices`), which TR418 holds it to."""
    catalogue = TariffSchedule.of(uow.catalogue.tariffs(law))
    if provider_agb is None:
        return catalogue
    return with_own_prices(catalogue, uow.catalogue.provider_tariffs(law, provider_agb))


def _priced(indication: Indication, schedule: TariffSchedule, start: date) -> DecisionBudget:
    """The indication priced with the catalogue tariff in force on each month of the decision;
    refused with one line when the catalogue has no tariff for a month."""
    try:
        return decision_budget(
            schedule,
            indication.product_code,
            volume=indication.priced_volume,
            frequency=indication.priced_frequency,
            start=start,
            months=indication.months,
            add_ons=indication.add_ons_total,
        )
    except CatalogueError as exc:
        raise WorkflowError(
            f"{exc}: a decision is priced with the catalogue (the model file's amounts are indicative); "
            f"add the tariff of {indication.product_code} for every month of the decision first",
            message_nl=f"De catalogus heeft niet voor elke maand van de beschikking een tarief van product "
            f"{indication.product_code}; kies een andere startdatum of duur, of vraag de contractmanager het "
            "tarief vast te leggen.",
        ) from None


def _contracted(uow: UnitOfWork, law: Law, product_code: str, on: date) -> set[str]:
    """AGB codes contracted on ``on`` for a lot with the product (inside the caller's unit of work)."""
    return contracted_providers(uow.contracts.contracts(), uow.contracts.frameworks(), law, product_code, on)


def _closed(uow: UnitOfWork, on: date) -> dict[str, CollectiveCeiling]:
    """Providers that get no new allocations on ``on`` because a collective ceiling their
    contract counts towards is reached (OP095: steered by allocation, not by rejecting lines)."""
    return providers_closed_by_collective_ceilings(
        uow.contracts.contracts(),
        uow.contracts.collective_ceilings(on.year),
        uow.contracts.reached_collective_ceilings(on.year),
        on,
    )


def _open_contracted(uow: UnitOfWork, law: Law, product_code: str, on: date) -> set[str]:
    """Contracted for the product on ``on`` and not closed by a reached collective ceiling."""
    return _contracted(uow, law, product_code, on) - set(_closed(uow, on))


def providers_for(
    uow: UnitOfWork,
    municipality_code: str,
    law: Law,
    target_group: TargetGroup | None,
    on: date,
    *,
    product_code: str | None = None,
) -> list[ProviderMatch]:
    """Providers the consultant may choose: serving the municipality and target group under the
    law, not on client stop, with room, and (when a product is given) contracted for it on
    ``on``; with their waiting time (no personal data read)."""
    with uow:
        providers = uow.providers.all()
        in_care = uow.workflow.clients_in_care(on)
        contracted = None if product_code is None else _open_contracted(uow, law, product_code, on)
    return eligible_providers(providers, municipality_code, target_group, law, in_care, contracted=contracted)


def providers_for_decision(
    uow: UnitOfWork, decision_id: str, target_group: TargetGroup | None
) -> tuple[Decision, list[ProviderMatch]]:
    """The providers eligible for a decision: under the decision's own law (a Jeugd decision
    goes to a Jeugd provider) in the decision's municipality, contracted for the decision's
    product and with room on the day the care begins. The decision read is logged."""
    with uow:
        decision = uow.workflow.decision(decision_id, purpose=ActivityKind.DECISION)
        if decision is None:
            raise WorkflowError(f"no decision {decision_id!r} in scope {uow.scope}")
        providers = uow.providers.all()
        in_care = uow.workflow.clients_in_care(decision.valid.start)
        contracted = _open_contracted(uow, decision.law, decision.product_code, decision.valid.start)
        uow.commit()  # the processing log row
    return decision, eligible_providers(
        providers, decision.municipality_code, target_group, decision.law, in_care, contracted=contracted
    )


def record_contact(  # noqa: PLR0917 - the parts of one address
    uow: UnitOfWork,
    client_bsn: str,
    street: str,
    house_number: int,
    postcode: str,
    city: str,
    house_letter: str | None = None,
    phone: str | None = None,
) -> ClientContact:
    """Record the BRP address (and phone) a 301 needs for an inhabitant in scope (TR061, CS089)."""
    try:
        bsn = check_bsn(client_bsn)
        address = check_address(street, house_number, postcode, city, house_letter, phone)
    except CareError as exc:
        raise WorkflowError(str(exc)) from None
    contact = ClientContact(
        address.street,
        address.house_number,
        address.postcode,
        address.city,
        address.house_letter,
        address.phone,
    )
    with uow:
        if uow.clients.get(bsn, purpose=ActivityKind.DECISION) is None:
            raise WorkflowError(f"client {bsn} is not an inhabitant in scope {uow.scope}")
        uow.workflow.set_contact(bsn, contact)
        uow.commit()
    return contact


def allocate(
    uow: UnitOfWork,
    model: ProductModel,
    *,
    decision_id: str,
    provider_agb: str,
    now: datetime,
    target_group: TargetGroup | None = None,
    start: date | None = None,
    switch_from: int | None = None,
    add_on: str | None = None,
    non_contracted: bool = False,
    referrer: Referrer | None = None,
) -> AllocationResult:
    """Allocate a decision to a chosen eligible provider and put its 301 in the outbox.

    The allocation runs from ``start`` (default: the decision's start) to the decision's end.
    A decided product is allocated once at a time: an allocation running then is refused,
    unless ``switch_from`` names it; then it ends the day before ``start`` with RedenWijziging
    09 (overstap) and its provider gets a 301 too (see :mod:`zorginkoop.domain.allocation_integrity`).
    ``add_on`` (a module id or product code) allocates one of the decision's add-on modules, a
    decided product of its own, instead of the main product.

    The allocation ends with the contract covering its product for the provider; the next
    contract's allocation follows in the same 301 when the decision runs on, else the result's
    ``notice`` tells the consultant. ``non_contracted``: a provider without a contract, under the
    region's rule (70% of the NZa tariff). Each allocation keeps its budget limit (TR369)
    (see :mod:`zorginkoop.domain.allocation_terms`).

    A Jeugd allocation records who referred the client: ``referrer`` when the consultant names
    one (a GP's referral that reached the social team), else the municipality (COD327 01); a
    Wmo allocation has none (:func:`zorginkoop.domain.referral.decided_referrer`).
    """
    at = allocated_at_now(now)
    with uow:
        decision = uow.workflow.decision(decision_id, purpose=ActivityKind.DECISION)
        if decision is None:
            raise WorkflowError(f"no decision {decision_id!r} in scope {uow.scope}")
        if decision.model_id != model.info.id:
            raise WorkflowError(
                f"decision {decision_id} was made with model {decision.model_id}, not {model.info.id}"
            )
        product_code = decision.product_code
        if add_on is not None:
            chosen = next((a for a in decision.add_ons if add_on in (a.module_id, a.product_code)), None)
            if chosen is None:
                known = ", ".join(f"{a.module_id} ({a.product_code})" for a in decision.add_ons) or "none"
                raise WorkflowError(
                    f"decision {decision_id} grants no add-on module {add_on!r}; its modules: {known}"
                )
            product_code = chosen.product_code
        first = decision.valid.start if start is None else start
        if not decision.valid.contains(first):
            raise WorkflowError(
                f"--start {first.isoformat()} lies outside decision {decision_id} ({decision.valid}); "
                "an allocation stays within its decision",
                message_nl=f"De ingangsdatum {first.isoformat()} ligt buiten de beschikking; een toewijzing "
                "blijft binnen de periode van haar beschikking.",
            )
        # a consultant may only choose a provider contracted for the product when care begins
        if not non_contracted and provider_agb not in _contracted(uow, decision.law, product_code, first):
            raise WorkflowError(
                f"provider {provider_agb} holds no contract valid on {first.isoformat()} for a lot with "
                f"product {product_code} ({decision.law.value}); choose a contracted provider: run "
                f"`zorginkoop access allocate {decision_id} -m {decision.municipality_code} "
                f"--model {model.info.id}` without --provider",
                message_nl=f"Aanbieder {provider_agb} heeft op {first.isoformat()} geen contract voor product "
                f"{product_code}; kies een aanbieder uit de lijst.",
            )
        closed = _closed(uow, first).get(provider_agb)
        if closed is not None and not non_contracted:
            raise WorkflowError(
                f"provider {provider_agb} gets no new allocations in {first.year}: collective ceiling "
                f"{closed.code} ({closed.name}, EUR {closed.amount}) is reached (OP095: a collective ceiling is "
                "steered by allocation, not by rejecting declarations); the contract manager decides "
                "(raise the ceiling), or choose another provider",
                message_nl=f"Aanbieder {provider_agb} krijgt in {first.year} geen nieuwe toewijzingen: het "
                f"collectieve plafond {closed.name} is bereikt. Kies een andere aanbieder.",
            )
        # capacity is judged on the day the care begins: who else is in care then
        in_care = uow.workflow.clients_in_care(first)
        eligible = {
            m.provider.agb_code
            for m in eligible_providers(
                uow.providers.all(), decision.municipality_code, target_group, decision.law, in_care
            )
        }
        if provider_agb not in eligible:
            raise WorkflowError(
                f"provider {provider_agb} is not eligible for this decision (municipality, target group, "
                "law, client stop or capacity); run `zorginkoop access providers` to see who is",
                message_nl=f"Aanbieder {provider_agb} komt niet in aanmerking (gemeente, doelgroep, wet, "
                "cliëntenstop of capaciteit); kies een aanbieder uit de lijst.",
            )
        # serialises numbering and the decision's allocations of this municipality and law
        uow.workflow.lock_allocations(decision.municipality_code, decision.law)
        number = next_allocation_number(uow.workflow.max_number(decision.municipality_code, decision.law))
        try:
            allocation = _coded(
                decision,
                model,
                product_code,
                number=number,
                provider_agb=provider_agb,
                at=at,
                tariff=_decided_tariff(uow, decision),
            )
            decided = decided_product(decision, allocation)
            allocation = replace(
                allocation,
                valid=Period(first, decision.valid.end),
                referrer=decided_referrer(decision.law, referrer),
            )
            paid = (
                uow.workflow.paid_lines(decision.municipality_code, decision.law, switch_from)
                if switch_from is not None
                else []
            )
            existing = uow.workflow.decision_allocations(decision.id, purpose=ActivityKind.DECISION)
            plan = plan_allocation(
                decided, existing, allocation, switch_from=switch_from, at=at, used=used_volume(paid)
            )
            allocated = (
                _on_terms(uow, decision, plan.new, non_contracted=non_contracted)
                if product_code == decision.product_code
                else AllocatedOnTerms((_add_on_limit(decision, plan.new),))
            )
        except (CareError, AllocationTermsError, ReferralError) as exc:
            raise WorkflowError(str(exc), message_nl=getattr(exc, "message_nl", None)) from None
        ended_name: str | None = None
        outside: tuple[PaidLine, ...] = ()
        if plan.ended is not None:
            ended = _repriced(uow, plan.ended)  # its budget limit for the shorter period (TR369)
            uow.workflow.replace_allocation(ended)
            outside = record_outside(uow, ended, paid, at)
            ended_name = queue_toewijzing(uow, ended, on=at.date(), now=at, changed=[ended.number])
        allocation, follow_ups = allocated.allocations[0], allocated.allocations[1:]
        for each in allocated.allocations:
            uow.workflow.add_allocation(each)
        changed = [a.number for a in allocated.allocations]
        name = queue_toewijzing(uow, allocation, on=at.date(), now=at, changed=changed)
        uow.commit()
    return AllocationResult(
        allocation,
        name,
        plan.ended,
        ended_name,
        outside,
        follow_ups=tuple(follow_ups),
        notice=allocated.notice,
    )


def record_outside(
    uow: UnitOfWork, allocation: Allocation, paid: list[PaidLine], at: datetime
) -> tuple[PaidLine, ...]:
    """Record the approved lines ``allocation`` (just shortened) no longer covers; returns them all."""
    outside = lines_outside(allocation.valid, paid)
    uow.workflow.record_outside_lines(allocation, outside, at)
    return tuple(outside)


def _region_models() -> dict[str, ProductModel]:
    """The shipped product models and the region's own (``ZORGINKOOP_MODELS_DIR``); none when
    they cannot be read (the rules that need a model's tariffs are then judged without it)."""
    try:
        return load_models(Settings.from_env().models_dir)
    except (ValueError, OSError):  # ModelFileError is a ValueError; a bad setting too
        return {}


def decided_for(
    uow: UnitOfWork, a: Allocation, purpose: ActivityKind, models: Mapping[str, ProductModel] | None = None
) -> tuple[DecidedProduct | None, list[Allocation]]:
    """The decided product an allocation belongs to (the decision's main product or one of its
    add-on modules) and all allocations of its decision (None and none for an allocation without
    a decision, e.g. granted on a 315). The decided rate comes from the decision's product model
    when it is known, as ``allocate`` codes it."""
    if a.decision_id is None or a.product_code is None:
        return None, []
    decision = uow.workflow.decision(a.decision_id, purpose=purpose)
    if decision is None or (
        decision.product_code != a.product_code and decision.add_on(a.product_code) is None
    ):
        return None, []
    siblings = uow.workflow.decision_allocations(a.decision_id, purpose=purpose)
    known = _region_models() if models is None and decision.model_id else (models or {})
    model = known.get(decision.model_id) if decision.model_id else None
    if model is not None and model.info.allocation.law is decision.law:
        try:
            coded = _coded(
                decision, model, a.product_code, number=1, provider_agb=a.provider_agb, at=a.allocated_at
            )
        except CareError:
            pass
        else:
            return decided_product(decision, coded), siblings
    return decided_product_without_model(decision, siblings, a.product_code), siblings


def _coded(
    decision: Decision,
    model: ProductModel,
    product_code: str | None,
    *,
    number: int,
    provider_agb: str,
    at: datetime,
    tariff: Money | None = None,
) -> Allocation:
    """The allocation the model codes for a decision's main product (its volume from the
    decision's budget at ``tariff``, the catalogue's) or for one of its add-ons."""
    if product_code is None or product_code == decision.product_code:
        return allocation_for_decision(
            decision, model, number=number, provider_agb=provider_agb, allocated_at=at, tariff=tariff
        )
    return allocation_for_add_on(
        decision, model, product_code, number=number, provider_agb=provider_agb, allocated_at=at
    )


def _repriced(uow: UnitOfWork, allocation: Allocation) -> Allocation:
    """The changed allocation with its budget limit for its new period, priced with its tariff
    basis (the catalogue, or 70% of NZa), read inside the caller's unit of work."""
    schedule = _schedule(uow, allocation.law, allocation.provider_agb)
    if allocation.nza_percentage is not None:
        reference = TariffSchedule.of(uow.catalogue.reference_tariffs(allocation.law))
        schedule = derived_schedule(reference, allocation.nza_percentage)
    decision = (
        uow.workflow.decision(allocation.decision_id, purpose=ActivityKind.DECISION)
        if allocation.decision_id is not None
        else None
    )
    return repriced(allocation, decision, schedule)


def _decided_tariff(uow: UnitOfWork, decision: Decision) -> Money | None:
    """The catalogue tariff of the decision's product on its start (what its volume is coded
    with); None for a decision from before decisions were priced: the model's coding."""
    try:
        return _schedule(uow, decision.law).tariff_on(decision.product_code, decision.valid.start)
    except CatalogueError:
        return None


def _on_terms(
    uow: UnitOfWork, decision: Decision, allocation: Allocation, *, non_contracted: bool
) -> AllocatedOnTerms:
    """``allocation`` (planned for the decision, from its start on) on the terms the domain
    decides (contract cover, tariff basis, budget limits), read inside the caller's unit of work:
    the terms are worked out over the allocation's own period."""
    return allocations_on_terms(
        allocation,
        replace(decision, valid=allocation.valid),
        contracts=uow.contracts.contracts(),
        frameworks=uow.contracts.frameworks(),
        schedule=_schedule(uow, decision.law, allocation.provider_agb),
        reference=TariffSchedule.of(uow.catalogue.reference_tariffs(decision.law))
        if non_contracted
        else None,
        non_contracted=non_contracted,
    )


def _add_on_limit(decision: Decision, allocation: Allocation) -> Allocation:
    """An add-on module's allocation: its budget limit is the module's decided amount (the
    catalogue does not price modules; the model file does)."""
    add_on = decision.add_on(allocation.product_code or "")
    return replace(allocation, budget_limit=add_on.amount if add_on is not None else None)


@dataclass(frozen=True, slots=True)
class ContractEndResult:
    ended: Allocation
    old_end: date | None
    follow_ups: tuple[Allocation, ...]
    notice: str | None
    message_file: str


def end_with_contracts(
    uow: UnitOfWork, *, municipality_code: str, law: Law, on: date, now: datetime
) -> list[ContractEndResult]:
    """End every allocation of the municipality under ``law``, current on ``on``, that runs past
    the contract covering its product for its provider: it ends with the contract
    (RedenWijziging 03), the provider's next contract's allocation follows when there is one,
    the decision stays; one 301 each. Returns what changed (nothing when every allocation keeps
    to its contract). Runs in one unit of work."""
    at = allocated_at_now(now)
    results = []
    with uow:
        uow.workflow.lock_numbering(municipality_code, law)
        running = [
            a
            for a in uow.workflow.allocations_valid_from(
                on, ActivityKind.DECISION, municipality_code=municipality_code
            )
            if a.law is law and is_current(a, on)
        ]
        contracts, frameworks = uow.contracts.contracts(), uow.contracts.frameworks()
        catalogue = _schedule(uow, law)
        own = {agb: with_own_prices(catalogue, uow.catalogue.provider_tariffs(law, agb))
               for agb in sorted({a.provider_agb for a in running})}  # fmt: skip
        number = uow.workflow.max_number(municipality_code, law)
        for allocation in running:
            schedule = own[allocation.provider_agb]
            decision = (
                uow.workflow.decision(allocation.decision_id, purpose=ActivityKind.DECISION)
                if allocation.decision_id is not None
                else None
            )
            ended = contract_end(
                allocation, decision, contracts=contracts, frameworks=frameworks, schedule=schedule, at=at,
                first_number=next_allocation_number(number),
            )  # fmt: skip
            if ended is None:
                continue
            number += len(ended.follow_ups)
            uow.workflow.replace_allocation(ended.ended)
            for follow_up in ended.follow_ups:
                uow.workflow.add_allocation(follow_up)
            changed = [ended.ended.number, *(f.number for f in ended.follow_ups)]
            name = queue_toewijzing(uow, ended.ended, on=at.date(), now=at, changed=changed)
            results.append(
                ContractEndResult(ended.ended, allocation.valid.end, ended.follow_ups, ended.notice, name)
            )
        uow.commit()
    return results


def change(
    uow: UnitOfWork,
    *,
    municipality_code: str,
    law: Law,
    number: int,
    reason: ChangeReason,
    now: datetime,
    end: date | None = None,
    volume: int | None = None,
) -> AllocationResult:
    """Change or end an allocation with a RedenWijziging (WMO002/JZ002); a new 301 goes out.

    Keeps to OP033x1 and TR385 (:func:`check_change`); approved lines the change leaves
    outside the allocation are recorded and returned (the provider must credit them)."""
    at = allocated_at_now(now)
    with uow:
        uow.workflow.lock_allocations(municipality_code, law)  # the 301's Identificatie, the siblings
        current = uow.workflow.allocation(municipality_code, law, number, purpose=ActivityKind.DECISION)
        if current is None:
            raise WorkflowError(f"no allocation {number} of municipality {municipality_code} ({law.value})")
        try:
            check_not_withdrawn(current)
            changed = change_allocation(
                current, reason, at, end=end, volume=volume, keep_end=volume is not None
            )
            decided, siblings = decided_for(uow, current, purpose=ActivityKind.DECISION)
            paid = uow.workflow.paid_lines(municipality_code, law, number)
            check_change(current, changed, decided=decided, siblings=siblings, open_lines=len(paid))
        except CareError as exc:
            raise WorkflowError(str(exc), message_nl=exc.message_nl) from None
        changed = _repriced(uow, changed)  # its budget limit for the new period (TR369)
        uow.workflow.replace_allocation(changed)
        outside = record_outside(uow, changed, paid, at)
        name = queue_toewijzing(uow, changed, on=at.date(), now=at, changed=[changed.number])
        uow.commit()
    return AllocationResult(changed, name, outside_lines=outside)


def record_end_evaluation(  # noqa: PLR0917 - the allocation's key and the answer
    uow: UnitOfWork,
    municipality_code: str,
    law: Law,
    number: int,
    goals: GoalsReached,
    on: date,
) -> Allocation:
    """The consultant records at the end evaluation whether the goals of an ended allocation
    were reached (reached, partly, not): what the benchmark's goals-reached share reads. An
    allocation outside the unit of work's scope is not found; the read and the write of the
    client's data are logged."""
    with uow:
        current = uow.workflow.allocation(municipality_code, law, number, purpose=ActivityKind.DECISION)
        if current is None:
            raise WorkflowError(
                f"no allocation {number} of municipality {municipality_code} ({law.value}) in scope {uow.scope}",
                message_nl=f"Toewijzing {number} ({law.value}) is niet gevonden.",
            )
        try:
            evaluated = end_evaluated(current, goals, on)
        except CareError as exc:
            raise WorkflowError(str(exc), message_nl=exc.message_nl) from None
        uow.workflow.replace_allocation(evaluated)
        uow.log.record(ActivityKind.DECISION, "allocation.end_evaluation", [(current.client_bsn, law.value)])
        uow.commit()
    return evaluated


def outside_lines(uow: UnitOfWork, law: Law | None = None, *, open_only: bool = True) -> list[OutsideLine]:
    """The approved lines left outside their shortened allocations (open: still to be credited)."""
    with uow:
        rows = uow.workflow.outside_lines(ActivityKind.DECLARATIONS, law, open_only)
        uow.commit()  # the processing log rows
    return rows


def queue_toewijzing(
    uow: UnitOfWork,
    allocation: Allocation,
    *,
    on: date,
    now: datetime,
    changed: Iterable[int],
    status: str = "pending",
) -> str:
    """Put the 301 for the allocation's client at its provider in the outbox (OP087: every
    current allocation of that client there, plus the changed ones). Returns its file name."""
    allocations = uow.workflow.client_allocations(
        allocation.client_bsn,
        purpose=ActivityKind.EXCHANGE,
        provider_agb=allocation.provider_agb,
        law=allocation.law,
    )
    allocations = [a for a in allocations if a.municipality_code == allocation.municipality_code]
    selected = toewijzing_selection(allocations, on, changed)
    clients = uow.workflow.clients([allocation.client_bsn], purpose=ActivityKind.EXCHANGE)
    contacts = uow.workflow.contacts([allocation.client_bsn], purpose=ActivityKind.EXCHANGE)
    sequence = uow.messages.next_sequence(allocation.municipality_code, allocation.law, "301")
    row = toewijzing_row(
        allocation.law,
        allocation.municipality_code,
        allocation.provider_agb,
        clients.get(allocation.client_bsn),
        contacts.get(allocation.client_bsn),
        selected,
        sequence=sequence,
        dagtekening=on,
        now=now,
        status=status,
    )
    uow.messages.add(**row)
    return str(row["file_name"])


def toewijzing_row(  # noqa: PLR0917 - the parts of one message, read in order
    law: Law,
    municipality_code: str,
    provider_agb: str,
    client: Client | None,
    contact: ClientContact | None,
    allocations: list[Allocation],
    *,
    sequence: int,
    dagtekening: date,
    now: datetime,
    status: str,
) -> dict[str, Any]:
    """The outbox row of one 301 (content = the XML bytes)."""
    if client is None or not allocations:
        raise WorkflowError("a 301 needs the client and at least one allocation")
    if contact is None:
        raise WorkflowError(
            f"client {client.bsn} has no address on file; a 301 carries the BRP address (TR061): "
            "record it first",
            message_nl="Van de cliënt is geen adres bekend. Een toewijzingsbericht (301) vermeldt het "
            "BRP-adres (TR061): leg het eerst vast.",
        )
    ident = identification("301", sequence)
    # TR134: a Toewijzingsdatum may not lie after the Dagtekening (allocations made ahead of time)
    dagtekening = max([dagtekening, *(a.allocated_at.date() for a in allocations)])
    content = toewijzingbericht(
        law,
        municipality_code=municipality_code,
        provider_agb=provider_agb,
        identificatie=ident,
        dagtekening=dagtekening,
        client=toewijzing_client(
            client,
            street=contact.street,
            house_number=contact.house_number,
            postcode=contact.postcode,
            city=contact.city,
            house_letter=contact.house_letter,
            phone=contact.phone,
            allocations=allocations,
        ),
    )
    return {
        "direction": "out",
        "law": law.value,
        "message_type": "301",
        "identification": ident,
        "sender": municipality_code,
        "receiver": provider_agb,
        "dated": dagtekening,
        "municipality_code": municipality_code,
        "provider_agb": provider_agb,
        "status": status,
        "created_at": now,
        "exported_at": now if status == "exported" else None,
        "in_reply_to": None,
        "file_name": file_name(law.message_prefix, "301", municipality_code, provider_agb, ident),
        "content": content,
        "summary": "ToewijzingNummers "
        + ", ".join(str(a.number) for a in sorted(allocations, key=lambda a: a.number)),
    }


def queue_current_allocations(uow: UnitOfWork, on: date, now: datetime) -> int:
    """Put one pending 301 per client, provider and law in the outbox for every allocation
    valid on or after ``on`` (OP087), e.g. to hand a region's running care to the exchange.
    Runs inside the caller's unit of work (no commit); returns how many messages it queued."""
    allocations = uow.workflow.allocations_valid_from(on, purpose=ActivityKind.EXCHANGE)
    groups: dict[tuple[str, str, str, Law], list[Allocation]] = defaultdict(list)
    for a in allocations:
        if toewijzing_selection([a], on):
            groups[(a.municipality_code, a.provider_agb, a.client_bsn, a.law)].append(a)
    bsns = {key[2] for key in groups}
    clients = uow.workflow.clients(bsns, purpose=ActivityKind.EXCHANGE)
    contacts = uow.workflow.contacts(bsns, purpose=ActivityKind.EXCHANGE)
    sequences: dict[tuple[str, Law], int] = {}
    rows = []
    for (municipality, agb, bsn, law), selected in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2], kv[0][3].value)
    ):
        key = (municipality, law)
        if key not in sequences:
            sequences[key] = uow.messages.next_sequence(municipality, law, "301")
        rows.append(
            toewijzing_row(
                law, municipality, agb, clients.get(bsn), contacts.get(bsn), selected,
                sequence=sequences[key], dagtekening=on, now=now, status="pending",
            )
        )  # fmt: skip
        sequences[key] += 1
    uow.messages.add_many(rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class ExportedFile:
    file_name: str
    content: bytes
    message_id: int | None = None
    """The message in the outbox (pending until its file is written)."""


def export_outbox(
    uow: UnitOfWork,
    message_type: str,
    now: datetime,
    write: Callable[[ExportedFile], None],
    law: Law | None = None,
) -> list[ExportedFile]:
    """Write the pending messages of one type with ``write`` and mark them exported: a message
    is marked only when its file was written. Messages of providers on the API channel are left
    to the API. When a write fails (``OSError``), what was written
    before it is marked and the rest stays pending; the error is raised after that commit."""
    with uow:
        # a provider's outbox is delivered on one channel: hold its delivery lock (the API's
        # acknowledgement and a channel switch take it too) and leave out API-channel providers;
        # the read logs each client the messages name (their files hand the data to providers)
        receivers = uow.messages.pending_receivers(message_type)
        uow.serialise([f"delivery:{agb}" for agb in receivers])
        locked = set(receivers)
        pending = [
            m
            for m in uow.messages.outbox(message_type, "pending", law, files_only=True)
            if m.receiver in locked
        ]
        files: list[ExportedFile] = []
        failure: OSError | None = None
        for m in pending:
            f = ExportedFile(m.file_name, m.content, m.id)
            try:
                write(f)
            except OSError as exc:
                failure = exc
                break
            files.append(f)
        uow.messages.mark_exported([f.message_id for f in files if f.message_id is not None],
                                   now.replace(tzinfo=None))  # fmt: skip
        uow.commit()
    if failure is not None:
        raise failure
    return files
