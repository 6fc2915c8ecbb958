# SPDX-License-Identifier: EUPL-1.2
"""Reading a client's file and the allocations in force: scoped by the unit of work, logged.

The unit of work's scope decides what is found: a client outside it is simply not found (the
caller cannot tell it from a client that does not exist). Every read of personal data goes
through the scoped repositories, which write the processing log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.care import Allocation, Client, Decision
from zorginkoop.domain.codes import Law
from zorginkoop.domain.processing import ActivityKind

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
