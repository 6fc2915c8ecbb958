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

CLIENT_FILE_PURPOSE = "client file: decisions and allocations of one client"
ALLOCATIONS_PURPOSE = "allocations in force for a provider"


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
