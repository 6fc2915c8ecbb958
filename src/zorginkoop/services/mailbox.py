# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the back office's view on the message exchange: what waits in the outbox per
type and provider, what providers sent (their retours 302/320 and other messages), and one
message as XML. Everything within the unit of work's scope; reading a message's content logs
each client it names. Processing a message is :mod:`zorginkoop.services.incoming`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from zorginkoop.adapters.db.exchange import StoredMessage
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.provider_channel import ANSWERED_BY_RETOUR

RETOUR_TYPES = tuple(ANSWERED_BY_RETOUR)
"""The provider's retours on our 301 and 319 (302, 320)."""


@dataclass(frozen=True, slots=True)
class PendingGroup:
    """The outbox's pending messages of one type, law and provider."""

    message_type: str
    law: Law
    provider_agb: str
    provider_name: str
    channel: str
    """How the provider's outbox is delivered: ``files`` or ``api``."""
    count: int
    oldest: datetime


def outbox_overview(uow: UnitOfWork) -> list[PendingGroup]:
    """What waits in the outbox, per message type and provider (counts only: no personal data)."""
    with uow:
        groups = uow.messages.pending_groups()
        names = uow.providers.names()
        known = uow.messages.delivery_channels(g[2] for g in groups)
        channels = {agb: known.get(agb) or "files" for agb in {g[2] for g in groups}}
    return [
        PendingGroup(kind, Law(law), agb, names.get(agb, ""), channels[agb], count, oldest)
        for kind, law, agb, count, oldest in groups
    ]


def received(uow: UnitOfWork, types: Sequence[str], limit: int = 50) -> list[StoredMessage]:
    """The latest messages of ``types`` received from providers, newest first (their outcome in
    ``status`` and ``summary``; no content is read)."""
    with uow:
        return uow.messages.received_recently(types, limit)


def message(uow: UnitOfWork, message_id: int) -> tuple[StoredMessage, bytes] | None:
    """One message of the in- or outbox with its XML, or None outside the scope; the read of
    the clients it names is logged."""
    with uow:
        found = uow.messages.stored(message_id)
        uow.commit()  # the processing-log entries of this read
    return found
