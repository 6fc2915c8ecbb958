# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the social team: intake -> decision -> allocation, change and end; and the
301 messages they put in the outbox. Each use case opens the unit of work and commits once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.outgoing import allocated_at_now, toewijzing_client, toewijzingbericht
from zorginkoop.domain.allocating import (
    allocation_for_decision,
    change_allocation,
    decision_from_indication,
    next_allocation_number,
    toewijzing_selection,
)
from zorginkoop.domain.care import Allocation, CareError, Client, Decision, check_bsn
from zorginkoop.domain.codes import ChangeReason, Law, TargetGroup
from zorginkoop.domain.contact import check_address
from zorginkoop.domain.contracts import contracted_providers
from zorginkoop.domain.exchange import file_name, identification
from zorginkoop.domain.product_models import Indication, Intake, ProductModel, check_model_valid_on, evaluate
from zorginkoop.domain.region import ProviderMatch, eligible_providers


class WorkflowError(ValueError):
    """A use case that cannot go ahead; the message names the input and what to do."""


@dataclass(frozen=True, slots=True)
class DecisionResult:
    decision: Decision
    indication: Indication


@dataclass(frozen=True, slots=True)
class AllocationResult:
    allocation: Allocation
    message_file: str


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
        client = uow.clients.get(client_bsn, purpose="beschikking")
        if client is None:
            raise WorkflowError(f"client {client_bsn} is not an inhabitant in scope {uow.scope}")
        decision = decision_from_indication(
            indication,
            decision_id=f"B-{uuid.uuid4().hex[:12]}",
            client_bsn=client.bsn,
            municipality_code=client.municipality_code,
            decided_on=decided_on,
            start=start,
            result_areas=intake.areas,
            support_type=intake.support_type,
        )
        uow.decisions.add_all([decision])
        uow.commit()
    return DecisionResult(decision, indication)


def _contracted(uow: UnitOfWork, law: Law, product_code: str, on: date) -> set[str]:
    """AGB codes contracted on ``on`` for a lot with the product (inside the caller's unit of work)."""
    return contracted_providers(uow.contracts.contracts(), uow.contracts.frameworks(), law, product_code, on)


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
        contracted = None if product_code is None else _contracted(uow, law, product_code, on)
    return eligible_providers(providers, municipality_code, target_group, law, in_care, contracted=contracted)


def providers_for_decision(
    uow: UnitOfWork, decision_id: str, target_group: TargetGroup | None
) -> tuple[Decision, list[ProviderMatch]]:
    """The providers eligible for a decision: under the decision's own law (a Jeugd decision
    goes to a Jeugd provider) in the decision's municipality, contracted for the decision's
    product and with room on the day the care begins. The decision read is logged."""
    with uow:
        decision = uow.workflow.decision(decision_id, purpose="keuze aanbieder")
        if decision is None:
            raise WorkflowError(f"no decision {decision_id!r} in scope {uow.scope}")
        providers = uow.providers.all()
        in_care = uow.workflow.clients_in_care(decision.valid.start)
        contracted = _contracted(uow, decision.law, decision.product_code, decision.valid.start)
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
        if uow.clients.get(bsn, purpose="adres vastleggen") is None:
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
) -> AllocationResult:
    """Allocate a decision to a chosen eligible provider and put its 301 in the outbox."""
    at = allocated_at_now(now)
    with uow:
        decision = uow.workflow.decision(decision_id, purpose="toewijzing")
        if decision is None:
            raise WorkflowError(f"no decision {decision_id!r} in scope {uow.scope}")
        if decision.model_id != model.info.id:
            raise WorkflowError(
                f"decision {decision_id} was made with model {decision.model_id}, not {model.info.id}"
            )
        start = decision.valid.start
        # a consultant may only choose a provider contracted for the product when care begins
        if provider_agb not in _contracted(uow, decision.law, decision.product_code, start):
            raise WorkflowError(
                f"provider {provider_agb} holds no contract valid on {start.isoformat()} for a lot with "
                f"product {decision.product_code} ({decision.law.value}); choose a contracted provider: run "
                f"`zorginkoop access allocate {decision_id} -m {decision.municipality_code} "
                f"--model {model.info.id}` without --provider"
            )
        # capacity is judged on the day the care begins: who else is in care then
        in_care = uow.workflow.clients_in_care(start)
        eligible = {
            m.provider.agb_code
            for m in eligible_providers(
                uow.providers.all(), decision.municipality_code, target_group, decision.law, in_care
            )
        }
        if provider_agb not in eligible:
            raise WorkflowError(
                f"provider {provider_agb} is not eligible for this decision (municipality, target group, "
                "law, client stop or capacity); run `zorginkoop access providers` to see who is"
            )
        uow.workflow.lock_numbering(decision.municipality_code, decision.law)
        number = next_allocation_number(uow.workflow.max_number(decision.municipality_code, decision.law))
        try:
            allocation = allocation_for_decision(
                decision, model, number=number, provider_agb=provider_agb, allocated_at=at
            )
        except CareError as exc:
            raise WorkflowError(str(exc)) from None
        uow.workflow.add_allocation(allocation)
        name = queue_toewijzing(uow, allocation, on=at.date(), now=at, changed=[allocation.number])
        uow.commit()
    return AllocationResult(allocation, name)


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
    """Change or end an allocation with a RedenWijziging (WMO002/JZ002); a new 301 goes out."""
    at = allocated_at_now(now)
    with uow:
        uow.workflow.lock_numbering(municipality_code, law)  # the 301's Identificatie
        current = uow.workflow.allocation(municipality_code, law, number, purpose="wijziging toewijzing")
        if current is None:
            raise WorkflowError(f"no allocation {number} of municipality {municipality_code} ({law.value})")
        try:
            changed = change_allocation(
                current, reason, at, end=end, volume=volume, keep_end=volume is not None
            )
        except CareError as exc:
            raise WorkflowError(str(exc)) from None
        uow.workflow.replace_allocation(changed)
        name = queue_toewijzing(uow, changed, on=at.date(), now=at, changed=[changed.number])
        uow.commit()
    return AllocationResult(changed, name)


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
        purpose="toewijzingsbericht",
        provider_agb=allocation.provider_agb,
        law=allocation.law,
    )
    allocations = [a for a in allocations if a.municipality_code == allocation.municipality_code]
    selected = toewijzing_selection(allocations, on, changed)
    clients = uow.workflow.clients([allocation.client_bsn], purpose="toewijzingsbericht")
    contacts = uow.workflow.contacts([allocation.client_bsn], purpose="toewijzingsbericht")
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
            "record it first"
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
    allocations = uow.workflow.allocations_valid_from(on, purpose="toewijzingsberichten")
    groups: dict[tuple[str, str, str, Law], list[Allocation]] = defaultdict(list)
    for a in allocations:
        if toewijzing_selection([a], on):
            groups[(a.municipality_code, a.provider_agb, a.client_bsn, a.law)].append(a)
    bsns = {key[2] for key in groups}
    clients = uow.workflow.clients(bsns, purpose="toewijzingsberichten")
    contacts = uow.workflow.contacts(bsns, purpose="toewijzingsberichten")
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
    is marked only when its file was written. When a write fails (``OSError``), what was written
    before it is marked and the rest stays pending; the error is raised after that commit."""
    with uow:
        pending = uow.messages.outbox(message_type, "pending", law)
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
