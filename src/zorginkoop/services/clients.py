# SPDX-License-Identifier: EUPL-1.2
"""Reading a client's file and the allocations in force: scoped by the unit of work, logged.

The unit of work's scope decides what is found: a client outside it is simply not found (the
caller cannot tell it from a client that does not exist). Every read of personal data goes
through the scoped repositories, which write the processing log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from zorginkoop.adapters.db.exchange import ClientContact, ClientDeclaredLine, ClientDelivery, StoredMessage
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.allocating import is_current, is_withdrawn
from zorginkoop.domain.care import Allocation, Client, Decision
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.signals import (
    TransitionSignal,
    care_runs_on,
    evaluation_window,
    one_family_one_plan,
    transition_18,
)

CLIENT_FILE_PURPOSE = ActivityKind.DECISION
"""The client file: decisions and allocations of one client (the municipality's decision work)."""
ALLOCATIONS_PURPOSE = ActivityKind.EXCHANGE
"""The allocations in force for a provider (what the exchange tells it)."""


@dataclass(frozen=True, slots=True)
class ClientFile:
    """A client with the decisions and allocations the reader may see."""

    client: Client
    municipality_name: str
    decisions: tuple[Decision, ...]
    allocations: tuple[Allocation, ...]


def client_file(uow: UnitOfWork, bsn: str) -> ClientFile | None:
    """The client with this BSN in the reader's scope, or None (outside scope or unknown)."""
    client = uow.clients.get(bsn, CLIENT_FILE_PURPOSE)
    if client is None:
        return None
    decisions = uow.workflow.client_decisions(bsn, CLIENT_FILE_PURPOSE)
    allocations = uow.workflow.client_allocations(bsn, CLIENT_FILE_PURPOSE)
    names = uow.region.municipality_names()
    return ClientFile(
        client,
        names.get(client.municipality_code, client.municipality_code),
        tuple(decisions),
        tuple(allocations),
    )


def allocations_in_force(
    uow: UnitOfWork, day: date, provider_agb: str | None = None, law: Law | None = None
) -> list[Allocation]:
    """The allocations in force on ``day`` (not removed) in the reader's scope, optionally of one
    provider and one law."""
    return uow.allocations.active_on(day, ALLOCATIONS_PURPOSE, law=law, provider_agb=provider_agb)


@dataclass(frozen=True, slots=True)
class AllocatedClient:
    """An allocation in force with the client it is for (as far as the reader may see it)."""

    allocation: Allocation
    client: Client | None
    municipality_name: str


def allocations_with_clients(
    uow: UnitOfWork, day: date, provider_agb: str | None = None, law: Law | None = None
) -> list[AllocatedClient]:
    """:func:`allocations_in_force` with each allocation's client: what a provider's screen
    lists. Both reads are scoped and logged (one entry per client per read)."""
    found = allocations_in_force(uow, day, provider_agb, law)
    people = uow.workflow.clients({a.client_bsn for a in found}, ALLOCATIONS_PURPOSE)
    names = uow.region.municipality_names()
    return [
        AllocatedClient(a, people.get(a.client_bsn), names.get(a.municipality_code, a.municipality_code))
        for a in found
    ]


# -- the consultant's client file -----------------------------------------------------------------

SEARCH_LIMIT = 50
"""At most this many clients are shown for a search by name and birth date."""


class AllocationStatus(str, Enum):
    """Where an allocation stands on the reference day, as the consultant reads it."""

    WITHDRAWN = "verwijderd"
    """Deleted (RedenWijziging 13 or the former 01, CS335): as if never given."""
    PLANNED = "toekomstig"
    RUNNING = "lopend"
    ENDED = "beeindigd"


def allocation_status(allocation: Allocation, on: date) -> AllocationStatus:
    if is_withdrawn(allocation):
        return AllocationStatus.WITHDRAWN
    if allocation.valid.start > on:
        return AllocationStatus.PLANNED
    if allocation.valid.end is not None and allocation.valid.end < on:
        return AllocationStatus.ENDED
    return AllocationStatus.RUNNING


@dataclass(frozen=True, slots=True)
class AllocationLine:
    """An allocation of the client with its provider's name, its status on the reference day and
    what the provider reported on it (the latest current 305 or 307)."""

    allocation: Allocation
    provider_name: str
    status: AllocationStatus
    delivery: ClientDelivery | None


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    """Another member of the client's household in scope, with the allocations current on the
    reference day (one family, one plan)."""

    client: Client
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True, slots=True)
class EvaluationDue:
    decision_id: str
    due: date
    label: str
    overdue: bool


@dataclass(frozen=True, slots=True)
class ClientDossier:
    """Everything the consultant sees of one client on a reference day: personal data and
    address, decisions, allocations with their status, the household (one family, one plan,
    Jeugd and Wmo together), the signals 18-/18+ and evaluation moments due, the messages
    exchanged about the client and what was declared and paid."""

    client: Client
    municipality_name: str
    on: date
    contact: ClientContact | None
    decisions: tuple[Decision, ...]
    allocations: tuple[AllocationLine, ...]
    household: tuple[HouseholdMember, ...]
    family_plan: bool
    """The household has current Jeugd and Wmo allocations: one plan for all of it."""
    transition: TransitionSignal | None
    """18-/18+: Jeugdwet care ends at 18 and no Wmo support is ready."""
    evaluations: tuple[EvaluationDue, ...]
    messages: tuple[StoredMessage, ...]
    declared: tuple[ClientDeclaredLine, ...]

    @property
    def paid(self) -> Money:
        return Money.sum(line.paid for line in self.declared)


def find_client(uow: UnitOfWork, bsn: str) -> Client | None:
    """The client with this BSN in the reader's scope, or None (outside scope or unknown); the
    read is logged. Runs in one unit of work."""
    with uow:
        client = uow.clients.get(bsn, CLIENT_FILE_PURPOSE)
        uow.commit()  # the processing log row
    return client


def find_clients(
    uow: UnitOfWork, *, family_name: str | None = None, birth_date: date | None = None
) -> list[Client]:
    """Clients in the reader's scope by (the start of) their family name and/or birth date, at
    most :data:`SEARCH_LIMIT`; each one found is logged. Runs in one unit of work."""
    if not (family_name and family_name.strip()) and birth_date is None:
        raise ValueError("give a family name or a birth date")
    with uow:
        found = uow.clients.search(
            CLIENT_FILE_PURPOSE,
            family_name=(family_name or "").strip() or None,
            birth_date=birth_date,
            limit=SEARCH_LIMIT,
        )
        uow.commit()  # the processing log rows
    return found


def client_dossier(uow: UnitOfWork, bsn: str, on: date, *, evaluation_days: int = 30) -> ClientDossier | None:
    """The client's file on ``on``, or None when the client is not in the reader's scope (an
    unknown BSN looks the same). Every read is logged; runs in one unit of work.

    Evaluation moments are signalled from ``on - evaluation_days`` (overdue) to ``on +
    evaluation_days``, as long as the decision's care runs then (:func:`care_runs_on`)."""
    with uow:
        client = uow.clients.get(bsn, CLIENT_FILE_PURPOSE)
        if client is None:
            return None
        names = uow.region.municipality_names()
        contact = uow.workflow.contacts([bsn], CLIENT_FILE_PURPOSE).get(bsn)
        decisions = uow.workflow.client_decisions(bsn, CLIENT_FILE_PURPOSE)
        allocations = uow.workflow.client_allocations(bsn, CLIENT_FILE_PURPOSE)
        deliveries = uow.workflow.client_deliveries(bsn, CLIENT_FILE_PURPOSE)
        members = (
            [m for m in uow.workflow.household_members(client.household_id, CLIENT_FILE_PURPOSE)
             if m.bsn != bsn]
            if client.household_id
            else []
        )  # fmt: skip
        member_allocations = (
            uow.workflow.allocations_of([m.bsn for m in members], CLIENT_FILE_PURPOSE) if members else []
        )
        messages = uow.workflow.client_messages(bsn, CLIENT_FILE_PURPOSE)
        declared = uow.workflow.client_declared_lines(bsn, CLIENT_FILE_PURPOSE)
        provider_names = uow.providers.names()
        uow.commit()  # the processing log rows
    latest: dict[tuple[str, str, int], ClientDelivery] = {}
    for event in deliveries:
        if event.current:
            latest[(event.municipality_code, event.law.value, event.allocation_number)] = event
    lines = tuple(
        AllocationLine(
            a,
            provider_names.get(a.provider_agb, a.provider_agb),
            allocation_status(a, on),
            latest.get((a.municipality_code, a.law.value, a.number)),
        )
        for a in sorted(allocations, key=lambda a: (a.valid.start, a.law.value, a.number), reverse=True)
    )
    by_member: dict[str, list[Allocation]] = defaultdict(list)
    for a in member_allocations:
        if is_current(a, on) and a.valid.start <= on:
            by_member[a.client_bsn].append(a)
    household = tuple(HouseholdMember(m, tuple(by_member.get(m.bsn, ()))) for m in members)
    pairs = [(client, a) for a in allocations] + [(m.client, a) for m in household for a in m.allocations]
    running = [(c, a) for c, a in pairs if a.valid.start <= on]
    family_plan = bool(client.household_id) and bool(
        one_family_one_plan({client.household_id or "": running}, on)
    )
    transition = next(iter(transition_18([client], allocations, on)), None)
    window = evaluation_window(on - timedelta(days=evaluation_days), 2 * evaluation_days)
    by_decision: dict[str, list[Allocation]] = defaultdict(list)
    for a in allocations:
        if a.decision_id is not None:
            by_decision[a.decision_id].append(a)
    evaluations = tuple(
        sorted(
            (
                EvaluationDue(d.id, m.due, m.label, m.due < on)
                for d in decisions
                for m in d.evaluation_moments
                if window.contains(m.due) and care_runs_on(m.due, by_decision.get(d.id, ()))
            ),
            key=lambda e: (e.due, e.decision_id),
        )
    )
    return ClientDossier(
        client=client,
        municipality_name=names.get(client.municipality_code, client.municipality_code),
        on=on,
        contact=contact,
        decisions=tuple(sorted(decisions, key=lambda d: d.valid.start, reverse=True)),
        allocations=lines,
        household=household,
        family_plan=family_plan,
        transition=transition,
        evaluations=evaluations,
        messages=tuple(messages),
        declared=tuple(declared),
    )
