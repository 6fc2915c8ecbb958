# SPDX-License-Identifier: EUPL-1.2
"""Repositories of the message exchange: the in- and outbox, deliveries (305/307), requests
(315/317) and the allocation workflow's reads and writes. They never commit.

Reads of personal data (allocations, clients, their contact data) apply the reader's scope in
SQL and write one processing-log row per read, as :mod:`.repositories` does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.repositories import (
    ContractRepository,
    ProcessingLog,
    _client,
    allocation_from_row,
    allocation_row,
    bulk_insert,
    scope_allocations,
    scope_clients,
)
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.allocation_integrity import PaidLine
from zorginkoop.domain.care import Allocation, Client, DecidedAddOn, Decision, EvaluationMoment
from zorginkoop.domain.codes import ChangeReason, Law
from zorginkoop.domain.contracts import contracted_providers
from zorginkoop.domain.declarations import DebitCredit, LineStatus
from zorginkoop.domain.delivery import DeliveryEvent, DeliveryKind
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.stopping import StopStatus

_BSN_IN_MESSAGE = re.compile(rb"<(?:[A-Za-z0-9_]+:)?Bsn>\s*(\d{9})\s*</")


def bsns_in_message(content: bytes) -> list[str]:
    """The BSNs an iWmo/iJw message names (its Client/Bsn elements), in order, once each."""
    return list(dict.fromkeys(m.decode("ascii") for m in _BSN_IN_MESSAGE.findall(content)))


@dataclass(frozen=True, slots=True)
class ClientContact:
    """The address (BRP, Contact Soort 01) and phone a 301 carries for the client."""

    street: str
    house_number: int
    postcode: str
    city: str
    house_letter: str | None = None
    phone: str | None = None
    email: str | None = None
    """Not in a 301: the address the survey sends its invitation to (as the provider gave it)."""


@dataclass(frozen=True, slots=True)
class OutsideLine:
    """A recorded approved line outside its (shortened) allocation, as the back office lists it."""

    line: PaidLine
    provider_agb: str
    client_bsn: str
    change_reason: str
    allocation_end: date
    recorded_at: datetime
    open: bool
    """Not yet credited, and the allocation still ends before the line's period."""


@dataclass(frozen=True, slots=True)
class OutMessage:
    """A message in the outbox."""

    id: int
    law: Law
    message_type: str
    identification: str
    sender: str
    receiver: str
    file_name: str
    content: bytes
    status: str


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message of the in- or outbox as the provider channel shows it (content apart)."""

    id: int
    direction: str
    law: Law
    message_type: str
    identification: str
    sender: str
    receiver: str
    dated: date
    status: str
    created_at: datetime
    exported_at: datetime | None
    exported_by: str | None
    in_reply_to: int | None
    file_name: str
    summary: str


@dataclass(frozen=True, slots=True)
class ClientDelivery:
    """A start (305) or stop (307) of care on one of the client's allocations."""

    client_bsn: str
    kind: str
    """start or stop"""
    law: Law
    municipality_code: str
    allocation_number: int
    provider_agb: str
    start: date
    end: date | None
    end_reason: str | None
    current: bool
    """False once the provider removed it (StatusAanlevering 3)."""


@dataclass(frozen=True, slots=True)
class ClientDeclaredLine:
    """A declared line (prestatie) for the client with its outcome and what the ledger paid."""

    client_bsn: str
    allocation_number: int
    provider_agb: str
    law: Law
    product: str
    period: Period
    volume: int
    unit: str
    amount: Money
    debit_credit: str
    status: str
    granted: Money
    paid: Money
    return_codes: str


_API_PROVIDERS = select(t.ProviderRow.agb_code).where(t.ProviderRow.delivery_channel == "api")
"""Providers whose outbox is delivered through the API: files never deliver their messages."""


class MessageRepository:
    """The ``message`` table: inbox (direction ``in``) and outbox (direction ``out``). A read of
    message content (it names clients) writes one log entry per client it names."""

    def __init__(self, session: Session, log: ProcessingLog) -> None:
        self.session = session
        self.log = log

    def _logged(self, operation: str, messages: Sequence[OutMessage]) -> None:
        for message in messages:
            self.log.record(ActivityKind.EXCHANGE, f"{operation}.{message.message_type}",
                            bsns_in_message(message.content), law=message.law.value)  # fmt: skip

    def received(self, sender: str, law: Law, message_type: str, identification: str) -> bool:
        """Whether this Identificatie was received before from ``sender`` (TR056)."""
        found = self.session.scalar(
            select(func.count())
            .select_from(t.MessageRow)
            .where(
                t.MessageRow.direction == "in",
                t.MessageRow.sender == sender,
                t.MessageRow.law == law.value,
                t.MessageRow.message_type == message_type,
                t.MessageRow.identification == identification,
            )
        )
        return bool(found)

    def next_sequence(self, sender: str, law: Law, message_type: str) -> int:
        """1 + the highest sequence of the messages of this type we sent as ``sender`` (our
        Identificatie is the type and a 9-digit sequence, TR056). Taken as the highest, not as a
        count, so a number is never given twice whatever was numbered how before; callers hold
        the numbering lock (``numbering:<municipality>:<law>``) until they commit."""
        highest = self.session.scalar(
            select(func.max(t.MessageRow.identification)).where(
                t.MessageRow.direction == "out",
                t.MessageRow.sender == sender,
                t.MessageRow.law == law.value,
                t.MessageRow.message_type == message_type,
                t.MessageRow.identification.like(f"{message_type}_________"),
            )
        )
        tail = (highest or "")[len(message_type) :]
        return int(tail) + 1 if tail.isdigit() else 1

    def received_message(
        self, sender: str, law: Law, message_type: str, identification: str
    ) -> tuple[int, bytes] | None:
        """(id, content) of the message received before with this Identificatie, if any."""
        row = self.session.execute(
            select(t.MessageRow.id, t.MessageRow.content).where(
                t.MessageRow.direction == "in",
                t.MessageRow.sender == sender,
                t.MessageRow.law == law.value,
                t.MessageRow.message_type == message_type,
                t.MessageRow.identification == identification,
            )
        ).first()
        if row is None:
            return None
        self.log.record(ActivityKind.EXCHANGE, f"message.received.{message_type}",
                        bsns_in_message(bytes(row[1])), law=law.value)  # fmt: skip
        return int(row[0]), bytes(row[1])

    def get(self, message_id: int) -> OutMessage | None:
        row = self.session.get(t.MessageRow, message_id)
        found = [] if row is None else [_out_message(row)]
        self._logged("message.get", found)
        return found[0] if found else None

    def replies_to(self, message_id: int) -> list[OutMessage]:
        """What we sent in reply to an incoming message (its retour, 319s and 301s), in order."""
        query = select(t.MessageRow).where(
            t.MessageRow.direction == "out", t.MessageRow.in_reply_to == message_id
        )
        found = [_out_message(r) for r in self.session.scalars(query.order_by(t.MessageRow.id))]
        self._logged("message.replies", found)
        return found

    def add(self, **values: Any) -> int:
        row = t.MessageRow(**values)
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_many(self, rows: Sequence[dict[str, Any]]) -> None:
        bulk_insert(self.session, t.MessageRow, rows)

    def outbox(
        self, message_type: str, status: str = "pending", law: Law | None = None, *, files_only: bool = False
    ) -> list[OutMessage]:
        """The outbox's messages of one type; ``files_only``: leave out the messages of providers
        on the API channel (what ``messages export`` may deliver)."""
        query = select(t.MessageRow).where(
            t.MessageRow.direction == "out",
            t.MessageRow.message_type == message_type,
            t.MessageRow.status == status,
        )
        if law is not None:
            query = query.where(t.MessageRow.law == law.value)
        if files_only:
            query = query.where(t.MessageRow.provider_agb.not_in(_API_PROVIDERS))
        found = [_out_message(r) for r in self.session.scalars(query.order_by(t.MessageRow.id))]
        self._logged("message.outbox", found)
        return found

    def pending_receivers(self, message_type: str | None = None) -> list[str]:
        """The providers with pending messages (of one type) in the outbox, sorted."""
        query = (
            select(t.MessageRow.provider_agb)
            .distinct()
            .where(t.MessageRow.direction == "out", t.MessageRow.status == "pending")
        )
        if message_type is not None:
            query = query.where(t.MessageRow.message_type == message_type)
        return sorted(self.session.scalars(query))

    def pending_groups(self) -> list[tuple[str, str, str, int, datetime]]:
        """(message type, law, provider AGB, count, oldest created_at) of the outbox's pending
        messages, by type and provider (in the reader's scope; no content, no personal data)."""
        m = t.MessageRow
        query = (
            select(m.message_type, m.law, m.provider_agb, func.count(), func.min(m.created_at))
            .where(m.direction == "out", m.status == "pending")
            .group_by(m.message_type, m.law, m.provider_agb)
            .order_by(m.message_type, m.provider_agb, m.law)
        )
        return [(r[0], r[1], r[2], int(r[3]), r[4]) for r in self.session.execute(query)]

    def received_recently(self, types: Sequence[str], limit: int = 50) -> list[StoredMessage]:
        """The latest incoming messages of ``types`` (in the reader's scope), newest first; no content."""
        query = (
            select(*_STORED_COLUMNS)
            .where(t.MessageRow.direction == "in", t.MessageRow.message_type.in_(list(types)))
            .order_by(t.MessageRow.id.desc())
            .limit(limit)
        )
        return [_stored(row) for row in self.session.execute(query)]

    def stored(self, message_id: int) -> tuple[StoredMessage, bytes] | None:
        """One message of the in- or outbox with its content, in the reader's scope; the read of
        the clients it names is logged."""
        row = self.session.execute(
            select(*_STORED_COLUMNS, t.MessageRow.content).where(t.MessageRow.id == message_id)
        ).first()
        if row is None:
            return None
        stored, content = _stored(row), bytes(row.content)
        self.log.record(ActivityKind.EXCHANGE, f"message.get.{stored.message_type}",
                        bsns_in_message(content), law=stored.law.value)  # fmt: skip
        return stored, content

    # -- the provider channel ----------------------------------------------------------------------
    def delivery_channel(self, provider_agb: str) -> str | None:
        """``files`` or ``api``; None for an unknown provider."""
        return self.session.scalar(
            select(t.ProviderRow.delivery_channel).where(t.ProviderRow.agb_code == provider_agb)
        )

    def delivery_channels(self, provider_agbs: Iterable[str]) -> dict[str, str]:
        """``files`` or ``api`` per known provider of ``provider_agbs``, in one read."""
        wanted = sorted(set(provider_agbs))
        if not wanted:
            return {}
        rows = self.session.execute(
            select(t.ProviderRow.agb_code, t.ProviderRow.delivery_channel).where(
                t.ProviderRow.agb_code.in_(wanted)
            )
        )
        return {agb: channel for agb, channel in rows if channel is not None}

    def set_delivery_channel(self, provider_agb: str, channel: str) -> None:
        self.session.execute(
            update(t.ProviderRow)
            .where(t.ProviderRow.agb_code == provider_agb)
            .values(delivery_channel=channel)
        )

    def addressed_to(self, provider_agb: str, types: Sequence[str]) -> list[StoredMessage]:
        """The pending outgoing messages of ``types`` addressed to the provider, oldest first."""
        query = (
            select(*_STORED_COLUMNS)
            .where(
                t.MessageRow.direction == "out",
                t.MessageRow.status == "pending",
                t.MessageRow.provider_agb == provider_agb,
                t.MessageRow.message_type.in_(list(types)),
            )
            .order_by(t.MessageRow.id)
        )
        return [_stored(row) for row in self.session.execute(query)]

    def outgoing_to(self, message_id: int, provider_agb: str) -> tuple[StoredMessage, bytes] | None:
        """One outgoing message and its content, only when it is addressed to the provider."""
        row = self.session.execute(
            select(*_STORED_COLUMNS, t.MessageRow.content).where(
                t.MessageRow.id == message_id,
                t.MessageRow.direction == "out",
                t.MessageRow.provider_agb == provider_agb,
            )
        ).first()
        if row is None:
            return None
        stored, content = _stored(row), bytes(row.content)
        # the content names clients: one log entry each, as every read of message content
        self.log.record(ActivityKind.EXCHANGE, f"message.get.{stored.message_type}",
                        bsns_in_message(content), law=stored.law.value)  # fmt: skip
        return stored, content

    def acknowledge(self, message_id: int, provider_agb: str, at: datetime, by: str) -> bool:
        """Mark one pending message of an API-channel provider delivered; False when it was not
        pending (delivered before) or the provider is not on the API channel."""
        done = self.session.execute(
            update(t.MessageRow)
            .where(
                t.MessageRow.id == message_id,
                t.MessageRow.direction == "out",
                t.MessageRow.status == "pending",
                t.MessageRow.provider_agb == provider_agb,
                t.MessageRow.provider_agb.in_(_API_PROVIDERS),
            )
            .values(status="exported", exported_at=at, exported_by=by[:100])
        )
        return bool(getattr(done, "rowcount", 0))

    def sent(
        self, municipality: str, provider_agb: str, law: Law, message_type: str, identification: str
    ) -> int | None:
        """The id of an outgoing message by its Identificatie (what a provider's retour answers)."""
        return self.session.scalar(
            select(t.MessageRow.id).where(
                t.MessageRow.direction == "out",
                t.MessageRow.sender == municipality,
                t.MessageRow.provider_agb == provider_agb,
                t.MessageRow.law == law.value,
                t.MessageRow.message_type == message_type,
                t.MessageRow.identification == identification,
            )
        )

    def in_reply_to(self, message_id: int) -> int | None:
        """The message one message answers (or was recorded against)."""
        return self.session.scalar(select(t.MessageRow.in_reply_to).where(t.MessageRow.id == message_id))

    def received_in_reply(self, message_id: int) -> list[StoredMessage]:
        """The provider's retours (302, 320) recorded against one of our messages, in order."""
        query = (
            select(*_STORED_COLUMNS)
            .where(t.MessageRow.direction == "in", t.MessageRow.in_reply_to == message_id)
            .order_by(t.MessageRow.id)
        )
        return [_stored(row) for row in self.session.execute(query)]

    def reply_to(self, message_id: int, in_reply_to: int) -> None:
        """Record that an outgoing message answers an incoming one (a 301 granting a 315/317)."""
        self.session.execute(
            update(t.MessageRow).where(t.MessageRow.id == message_id).values(in_reply_to=in_reply_to)
        )

    def mark_exported(self, ids: Sequence[int], at: datetime, by: str = "files") -> None:
        """Mark messages delivered as files: only after their files were written, only while
        pending, and never a message of a provider on the API channel (the API delivers those)."""
        for start in range(0, len(ids), 1000):
            self.session.execute(
                update(t.MessageRow)
                .where(
                    t.MessageRow.id.in_(ids[start : start + 1000]),
                    t.MessageRow.status == "pending",
                    t.MessageRow.provider_agb.not_in(_API_PROVIDERS),
                )
                .values(status="exported", exported_at=at, exported_by=by[:100])
            )


_STORED_COLUMNS = (
    t.MessageRow.id, t.MessageRow.direction, t.MessageRow.law, t.MessageRow.message_type,
    t.MessageRow.identification, t.MessageRow.sender, t.MessageRow.receiver, t.MessageRow.dated,
    t.MessageRow.status, t.MessageRow.created_at, t.MessageRow.exported_at, t.MessageRow.exported_by,
    t.MessageRow.in_reply_to, t.MessageRow.file_name, t.MessageRow.summary,
)  # fmt: skip


def _stored(row: Any) -> StoredMessage:
    return StoredMessage(
        row.id, row.direction, Law(row.law), row.message_type, row.identification, row.sender, row.receiver,
        row.dated, row.status, row.created_at, row.exported_at, row.exported_by, row.in_reply_to,
        row.file_name, row.summary,
    )  # fmt: skip


def _out_message(r: t.MessageRow) -> OutMessage:
    return OutMessage(
        r.id,
        Law(r.law),
        r.message_type,
        r.identification,
        r.sender,
        r.receiver,
        r.file_name,
        r.content,
        r.status,
    )


class DeliveryRepository:
    """Starts and stops of care (``delivery_event``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def events(self, municipality_code: str, law: Law, number: int) -> list[tuple[int, DeliveryEvent]]:
        rows = self.session.scalars(
            select(t.DeliveryEventRow)
            .where(
                t.DeliveryEventRow.municipality_code == municipality_code,
                t.DeliveryEventRow.law == law.value,
                t.DeliveryEventRow.allocation_number == number,
                t.DeliveryEventRow.status == "1",
            )
            .order_by(t.DeliveryEventRow.id)
        )
        return [
            (
                r.id,
                DeliveryEvent(
                    DeliveryKind(r.kind),
                    r.client_bsn,
                    r.allocation_number,
                    r.start_date,
                    r.end_date,
                    r.end_reason,
                    r.current,
                ),
            )
            for r in rows
        ]

    def add(self, **values: Any) -> int:
        row = t.DeliveryEventRow(**values)
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_reported(
        self, reports: Sequence[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]
    ) -> None:
        """Store many received 305/307 messages at once, as the receive path leaves them (history,
        the demo): per report the message row, its one delivery event (without ``message_id``)
        and, for a stop that was put on the worklist, the worklist item (without
        ``stop_event_id``). Bulk inserts, then the new ids are read back by their keys."""
        if not reports:
            return
        m, e = t.MessageRow, t.DeliveryEventRow
        before = self.session.scalar(select(func.coalesce(func.max(m.id), 0)))
        bulk_insert(self.session, m, [message for message, _event, _stop in reports])
        message_ids = {
            (sender, law, kind, ident): mid
            for mid, sender, law, kind, ident in self.session.execute(
                select(m.id, m.sender, m.law, m.message_type, m.identification).where(
                    m.id > before, m.direction == "in"
                )
            )
        }
        events = []
        for message, event, _stop in reports:
            key = (message["sender"], message["law"], message["message_type"], message["identification"])
            events.append({**event, "message_id": message_ids[key]})
        first_event = self.session.scalar(select(func.coalesce(func.max(e.id), 0)))
        bulk_insert(self.session, e, events)
        event_ids = {
            message_id: event_id
            for message_id, event_id in self.session.execute(
                select(e.message_id, e.id).where(e.id > first_event)
            )
        }
        stops = [
            {**stop, "stop_event_id": event_ids[event["message_id"]]}
            for (_message, _e, stop), event in zip(reports, events, strict=True)
            if stop is not None
        ]
        bulk_insert(self.session, t.StopWorklistRow, stops)

    def set_removed(self, event_id: int) -> None:
        self.session.execute(
            update(t.DeliveryEventRow).where(t.DeliveryEventRow.id == event_id).values(current=False)
        )

    # -- the stop worklist (307 with a definitive reason) -----------------------------------------
    def add_stop_item(self, **values: Any) -> int:
        row = t.StopWorklistRow(**values)
        self.session.add(row)
        self.session.flush()
        return row.id

    def stop_items(self, scope: Scope, statuses: Iterable[StopStatus] | None = None) -> list[StopItem]:
        """Worklist items the scope may see (a municipality its own, a provider its own), oldest
        first; the caller logs the read of the BSNs."""
        query = select(t.StopWorklistRow).order_by(t.StopWorklistRow.id)
        if statuses is not None:
            query = query.where(t.StopWorklistRow.status.in_([s.value for s in statuses]))
        if scope.kind is ScopeKind.MUNICIPALITY:
            query = query.where(t.StopWorklistRow.municipality_code.in_(sorted(scope.codes)))
        elif scope.kind is ScopeKind.PROVIDER:
            query = query.where(t.StopWorklistRow.provider_agb.in_(sorted(scope.codes)))
        return [_stop_item(r) for r in self.session.scalars(query)]

    def stop_item(self, item_id: int, scope: Scope) -> StopItem | None:
        """One item in the scope, locked for update on PostgreSQL (a decision on it is taken once)."""
        query = select(t.StopWorklistRow).where(t.StopWorklistRow.id == item_id).with_for_update()
        row = self.session.scalars(query).first()
        item = None if row is None else _stop_item(row)
        return item if item is not None and _in_scope(item, scope) else None

    def stop_items_for_event(self, stop_event_id: int) -> list[StopItem]:
        """The items a stop (its ``delivery_event`` row) put on the worklist, locked for update."""
        query = (
            select(t.StopWorklistRow)
            .where(t.StopWorklistRow.stop_event_id == stop_event_id)
            .order_by(t.StopWorklistRow.id)
            .with_for_update()
        )
        return [_stop_item(r) for r in self.session.scalars(query)]

    def update_stop_item(self, item_id: int, **values: Any) -> None:
        self.session.execute(
            update(t.StopWorklistRow).where(t.StopWorklistRow.id == item_id).values(**values)
        )


def _in_scope(item: StopItem, scope: Scope) -> bool:
    return scope.sees(item.municipality_code, item.provider_agb)


@dataclass(frozen=True, slots=True)
class StopItem:
    """An item of the stop worklist (``stop_worklist``), see :mod:`zorginkoop.domain.stopping`."""

    id: int
    municipality_code: str
    law: Law
    allocation_number: int
    client_bsn: str
    provider_agb: str
    stop_event_id: int
    end_reason: str
    proposed_end: date
    previous_end: date | None
    change_reason: ChangeReason
    status: StopStatus
    note: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None


def _stop_item(r: t.StopWorklistRow) -> StopItem:
    return StopItem(
        r.id, r.municipality_code, Law(r.law), r.allocation_number, r.client_bsn, r.provider_agb,
        r.stop_event_id, r.end_reason, r.proposed_end, r.previous_end, ChangeReason(r.change_reason),
        StopStatus(r.status), r.note, r.created_at, r.decided_at, r.decided_by,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoredRequest:
    id: int
    kind: str
    reference: str
    status: str
    client_bsn: str


class RequestRepository:
    """Requests for an allocation (315) or a change (317) and their answers (319)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def reference_used(self, provider_agb: str, law: Law, reference: str) -> bool:
        """TR347: ReferentieAanbieder is unique for the provider within the law."""
        return bool(
            self.session.scalar(
                select(func.count())
                .select_from(t.AllocationRequestRow)
                .where(
                    t.AllocationRequestRow.provider_agb == provider_agb,
                    t.AllocationRequestRow.law == law.value,
                    t.AllocationRequestRow.reference == reference,
                )
            )
        )

    def open_for(self, provider_agb: str, law: Law, client_bsn: str) -> list[StoredRequest]:
        """Requests still being handled (TR374): not refused and not answered by a 301."""
        rows = self.session.scalars(
            select(t.AllocationRequestRow).where(
                t.AllocationRequestRow.provider_agb == provider_agb,
                t.AllocationRequestRow.law == law.value,
                t.AllocationRequestRow.client_bsn == client_bsn,
                t.AllocationRequestRow.status.in_(("open", "in-onderzoek")),
            )
        )
        return [StoredRequest(r.id, r.kind, r.reference, r.status, r.client_bsn) for r in rows]

    def add(self, **values: Any) -> int:
        row = t.AllocationRequestRow(**values)
        self.session.add(row)
        self.session.flush()
        return row.id

    def answer(
        self, request_id: int, status: str, reason: str | None, answer_id: int | None, at: datetime
    ) -> None:
        self.session.execute(
            update(t.AllocationRequestRow)
            .where(t.AllocationRequestRow.id == request_id)
            .values(status=status, reason=reason, answer_message_id=answer_id, answered_at=at)
        )


class WorkflowRepository:
    """Scoped, logged reads and the writes of the allocation workflow."""

    def __init__(self, session: Session, scope: Scope, log: ProcessingLog) -> None:
        self.session = session
        self.scope = scope
        self.log = log

    # -- allocations ---------------------------------------------------------------------------
    def allocation(
        self, municipality_code: str, law: Law, number: int, purpose: ActivityKind
    ) -> Allocation | None:
        row = self.session.scalars(
            scope_allocations(
                select(t.AllocationRow).where(
                    t.AllocationRow.municipality_code == municipality_code,
                    t.AllocationRow.law == law.value,
                    t.AllocationRow.number == number,
                ),
                self.scope,
            )
        ).first()
        if row is None:
            return None
        self.log.record(purpose, "allocation.get", [(row.client_bsn, row.law)])
        return allocation_from_row(row)

    def client_allocations(
        self, client_bsn: str, purpose: ActivityKind, provider_agb: str | None = None, law: Law | None = None
    ) -> list[Allocation]:
        query = select(t.AllocationRow).where(t.AllocationRow.client_bsn == client_bsn)
        if provider_agb is not None:
            query = query.where(t.AllocationRow.provider_agb == provider_agb)
        if law is not None:
            query = query.where(t.AllocationRow.law == law.value)
        rows = list(self.session.scalars(scope_allocations(query.order_by(t.AllocationRow.id), self.scope)))
        self.log.record(purpose, "allocation.client", [(r.client_bsn, r.law) for r in rows])
        return [allocation_from_row(r) for r in rows]

    def allocations_valid_from(
        self, day: date, purpose: ActivityKind, municipality_code: str | None = None
    ) -> list[Allocation]:
        """Allocations valid on or after ``day`` (OP087's selection for a 301)."""
        query = select(t.AllocationRow).where(
            or_(t.AllocationRow.valid_to.is_(None), t.AllocationRow.valid_to >= day)
        )
        if municipality_code is not None:
            query = query.where(t.AllocationRow.municipality_code == municipality_code)
        rows = list(self.session.scalars(scope_allocations(query.order_by(t.AllocationRow.id), self.scope)))
        self.log.record(purpose, "allocation.valid_from", [(r.client_bsn, r.law) for r in rows])
        return [allocation_from_row(r) for r in rows]

    def lock_numbering(self, municipality_code: str, law: Law) -> None:
        """Serialise the numbering of one municipality within one law until the transaction ends.

        ToewijzingNummers (TR332) and our message Identificaties are "highest + 1": two
        transactions numbering at once would both pick the same one and the second would fail on
        the unique constraint. On PostgreSQL a transaction-level advisory lock makes the second
        wait until the first commits. SQLite is the single-user store: there a concurrent second
        writer still fails on the constraint, and nothing of it is stored.
        """
        if self.session.get_bind().dialect.name != "postgresql":
            return
        digest = hashlib.blake2b(
            f"zorginkoop:numbering:{municipality_code}:{law.value}".encode(), digest_size=8
        )
        key = int.from_bytes(digest.digest(), "big", signed=True)
        self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def lock_allocations(self, municipality_code: str, law: Law) -> None:
        """Serialise the allocations of one municipality within one law until the transaction
        ends, so a decision read as "not allocated" stays so until this transaction commits.

        PostgreSQL: the numbering lock (:meth:`lock_numbering`). SQLite: the database's write
        lock, taken now by a write that changes nothing (a second writer waits for it, up to the
        busy timeout, and then reads what the first committed)."""
        if self.session.get_bind().dialect.name == "sqlite":
            self.session.execute(update(t.AllocationRow).where(t.AllocationRow.id < 0).values(comment=""))
            return
        self.lock_numbering(municipality_code, law)

    def max_number(self, municipality_code: str, law: Law) -> int:
        """The highest ToewijzingNummer of the municipality within the law (TR332); no personal data."""
        value = self.session.scalar(
            select(func.max(t.AllocationRow.number)).where(
                t.AllocationRow.municipality_code == municipality_code, t.AllocationRow.law == law.value
            )
        )
        return int(value or 0)

    def add_allocation(self, allocation: Allocation) -> None:
        bulk_insert(self.session, t.AllocationRow, [allocation_row(allocation)])

    def replace_allocation(self, allocation: Allocation) -> None:
        """Store a changed allocation under its own number (a change keeps the ToewijzingNummer)."""
        values = allocation_row(allocation)
        self.session.execute(
            update(t.AllocationRow)
            .where(
                t.AllocationRow.municipality_code == allocation.municipality_code,
                t.AllocationRow.law == allocation.law.value,
                t.AllocationRow.number == allocation.number,
            )
            .values(**values)
        )

    def decision_allocations(self, decision_id: str, purpose: ActivityKind) -> list[Allocation]:
        """Every allocation made for a decision (deleted ones included), scoped and logged."""
        rows = list(
            self.session.scalars(
                scope_allocations(
                    select(t.AllocationRow).where(t.AllocationRow.decision_id == decision_id), self.scope
                ).order_by(t.AllocationRow.id)
            )
        )
        self.log.record(purpose, "allocation.of_decision", [(r.client_bsn, r.law) for r in rows])
        return [allocation_from_row(r) for r in rows]

    def paid_lines(self, municipality_code: str, law: Law, number: int) -> list[PaidLine]:
        """Approved debit lines on an allocation that no approved credit has mirrored yet."""
        line = t.DeclarationLineRow
        credited = _credited(line)
        rows = self.session.execute(
            select(
                line.id, line.reference, line.period_start, line.period_end, line.volume, line.amount_cents
            )
            .where(
                line.municipality_code == municipality_code,
                line.law == law.value,
                line.allocation_number == number,
                line.debit_credit == DebitCredit.DEBIT.value,
                line.status == LineStatus.APPROVED.value,
                ~credited,
            )
            .order_by(line.period_start, line.id)
        )
        return [
            PaidLine(
                r.id,
                r.reference,
                number,
                Period(r.period_start, r.period_end),
                r.volume,
                Money(r.amount_cents),
            )
            for r in rows
        ]

    def record_outside_lines(
        self, allocation: Allocation, lines: Sequence[PaidLine], at: datetime
    ) -> list[PaidLine]:
        """Record approved lines left outside ``allocation`` by its change; a line recorded
        before (an earlier shortening) is not recorded again. Returns the newly recorded ones."""
        if not lines or allocation.valid.end is None or allocation.change_reason is None:
            return []
        known = set(
            self.session.scalars(
                select(t.AllocationOutsideLineRow.declaration_line_id).where(
                    t.AllocationOutsideLineRow.declaration_line_id.in_([x.line_id for x in lines])
                )
            )
        )
        fresh = [x for x in lines if x.line_id not in known]
        bulk_insert(
            self.session,
            t.AllocationOutsideLineRow,
            [
                {
                    "declaration_line_id": x.line_id,
                    "municipality_code": allocation.municipality_code,
                    "law": allocation.law.value,
                    "allocation_number": allocation.number,
                    "provider_agb": allocation.provider_agb,
                    "change_reason": allocation.change_reason.value,
                    "allocation_end": allocation.valid.end,
                    "recorded_at": at.replace(tzinfo=None),
                }
                for x in fresh
            ],
        )
        return fresh

    def outside_lines(
        self, purpose: ActivityKind, law: Law | None = None, open_only: bool = True
    ) -> list[OutsideLine]:
        """The recorded lines outside their allocations, in scope; open ones only by default."""
        o, line, a = t.AllocationOutsideLineRow, t.DeclarationLineRow, t.AllocationRow
        credited = _credited(line)
        query: Any = (
            select(o, line, a.valid_from, a.valid_to, credited.label("credited"))
            .join(line, line.id == o.declaration_line_id)
            .join(
                a,
                and_(
                    a.municipality_code == o.municipality_code,
                    a.law == o.law,
                    a.number == o.allocation_number,
                ),
            )
        )
        if law is not None:
            query = query.where(o.law == law.value)
        rows = []
        for rec, ln, valid_from, valid_to, is_credited in self.session.execute(
            scope_allocations(query, self.scope).order_by(
                o.municipality_code, o.allocation_number, line.period_start
            )
        ):
            line_period = Period(ln.period_start, ln.period_end)
            still_outside = not Period(valid_from, valid_to).covers(line_period)
            is_open = not is_credited and still_outside
            if open_only and not is_open:
                continue
            rows.append(
                OutsideLine(
                    PaidLine(ln.id, ln.reference, rec.allocation_number, line_period, ln.volume, Money(ln.amount_cents)),
                    rec.provider_agb, ln.client_bsn, rec.change_reason, rec.allocation_end, rec.recorded_at, is_open,
                )
            )  # fmt: skip
        self.log.record(
            purpose, "allocation.outside_lines", [r.client_bsn for r in rows], law=law.value if law else None
        )
        return rows

    def clients_in_care(self, day: date) -> dict[str, int]:
        """Clients per provider with an allocation running on ``day`` (counts only, not logged)."""
        rows = self.session.execute(
            select(t.AllocationRow.provider_agb, func.count(func.distinct(t.AllocationRow.client_bsn)))
            .where(
                t.AllocationRow.valid_from <= day,
                or_(t.AllocationRow.valid_to.is_(None), t.AllocationRow.valid_to >= day),
            )
            .group_by(t.AllocationRow.provider_agb)
        )
        return {agb: int(n) for agb, n in rows}

    # -- clients -------------------------------------------------------------------------------
    def clients(self, bsns: Iterable[str], purpose: ActivityKind) -> dict[str, Client]:
        wanted = sorted(set(bsns))
        found: dict[str, Client] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            for row in self.session.scalars(
                scope_clients(select(t.ClientRow).where(t.ClientRow.bsn.in_(chunk)), self.scope)
            ):
                found[row.bsn] = _client(row)
        self.log.record(purpose, "client.many", list(found))
        return found

    def contacts(self, bsns: Iterable[str], purpose: ActivityKind) -> dict[str, ClientContact]:
        wanted = sorted(set(bsns))
        found: dict[str, ClientContact] = {}
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            query = (
                select(t.ClientContactRow)
                .join(t.ClientRow, t.ClientRow.bsn == t.ClientContactRow.bsn)
                .where(t.ClientContactRow.bsn.in_(chunk))
            )
            for r in self.session.scalars(scope_clients(query, self.scope)):
                found[r.bsn] = ClientContact(
                    r.street, r.house_number, r.postcode, r.city, r.house_letter, r.phone, r.email
                )
        self.log.record(purpose, "client.contact", list(found))
        return found

    def add_contacts(self, contacts: dict[str, ClientContact]) -> None:
        bulk_insert(
            self.session,
            t.ClientContactRow,
            [
                {
                    "bsn": bsn,
                    "street": c.street,
                    "house_number": c.house_number,
                    "house_letter": c.house_letter,
                    "postcode": c.postcode,
                    "city": c.city,
                    "phone": c.phone,
                    "email": c.email,
                }
                for bsn, c in contacts.items()
            ],
        )

    def set_contact(self, bsn: str, contact: ClientContact) -> None:
        """Record (or replace) the address and phone of a client the caller has read in scope."""
        self.session.execute(delete(t.ClientContactRow).where(t.ClientContactRow.bsn == bsn))
        self.add_contacts({bsn: contact})

    def add_client(self, client: Client, contact: ClientContact | None) -> None:
        bulk_insert(
            self.session,
            t.ClientRow,
            [
                {
                    "bsn": client.bsn,
                    "birth_date": client.birth_date,
                    "family_name": client.family_name,
                    "prefix": client.prefix,
                    "initials": client.initials,
                    "gender": client.gender.value,
                    "municipality_code": client.municipality_code,
                    "household_id": client.household_id,
                }
            ],
        )
        if contact is not None:
            self.add_contacts({client.bsn: contact})

    def household_members(self, household_id: str, purpose: ActivityKind) -> list[Client]:
        rows = list(
            self.session.scalars(
                scope_clients(select(t.ClientRow).where(t.ClientRow.household_id == household_id), self.scope)
            )
        )
        self.log.record(purpose, "client.household", [r.bsn for r in rows])
        return [_client(r) for r in rows]

    def clients_born_between(self, first: date, last: date, purpose: ActivityKind) -> list[Client]:
        rows = list(
            self.session.scalars(
                scope_clients(
                    select(t.ClientRow).where(
                        t.ClientRow.birth_date >= first, t.ClientRow.birth_date <= last
                    ),
                    self.scope,
                )
            )
        )
        self.log.record(purpose, "client.born_between", [r.bsn for r in rows])
        return [_client(r) for r in rows]

    def clients_with_jeugd_care_until(
        self, first: date, last: date, months: int, purpose: ActivityKind
    ) -> list[Client]:
        """Clients in scope born from ``first`` up to and including ``last`` with a Jeugdwet
        allocation in scope that is open-ended or runs until at least ``months`` months after
        their birth (data minimisation, AVG art. 5: the 18-/18+ signal reads no other youth).

        The month arithmetic is SQL's (SQLite rolls a day past a month's end over into the
        next month, e.g. 30 September + 5 months = 2 March): callers pass a bound a month
        short of the rule they apply, so no youth the rule keeps is left out."""
        care = scope_allocations(
            select(t.AllocationRow.id).where(
                t.AllocationRow.client_bsn == t.ClientRow.bsn,
                t.AllocationRow.law == Law.JEUGD.value,
                or_(
                    t.AllocationRow.valid_to.is_(None),
                    t.AllocationRow.valid_to >= self._months_after(t.ClientRow.birth_date, months),
                ),
            ),
            self.scope,
        )
        query = select(t.ClientRow).where(
            t.ClientRow.birth_date >= first, t.ClientRow.birth_date <= last, care.exists()
        )
        rows = list(self.session.scalars(scope_clients(query, self.scope)))
        self.log.record(purpose, "client.born_between", [r.bsn for r in rows])
        return [_client(r) for r in rows]

    def _months_after(self, day: Any, months: int) -> Any:
        """``day`` + ``months`` months as an SQL expression (the store's dialect)."""
        if self.session.get_bind().dialect.name == "sqlite":
            return func.date(day, f"+{int(months)} months")
        return day + text(f"interval '{int(months)} months'")

    def allocations_of(self, bsns: Iterable[str], purpose: ActivityKind) -> list[Allocation]:
        wanted = sorted(set(bsns))
        out: list[Allocation] = []
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            rows = self.session.scalars(
                scope_allocations(
                    select(t.AllocationRow).where(t.AllocationRow.client_bsn.in_(chunk)), self.scope
                ).order_by(t.AllocationRow.id)
            )
            out.extend(allocation_from_row(r) for r in rows)
        self.log.record(purpose, "allocation.of_clients", [(a.client_bsn, a.law.value) for a in out])
        return out

    def households_with_allocations(
        self, day: date, purpose: ActivityKind
    ) -> dict[str, list[tuple[Client, Allocation]]]:
        """Per household: its members in scope with the allocations valid on or after ``day``.

        Only households with such allocations under both laws are read (data minimisation: the
        signal needs no one else, AVG art. 5); the pure rule decides the rest."""
        running = or_(t.AllocationRow.valid_to.is_(None), t.AllocationRow.valid_to >= day)
        # one family, one plan is per municipality: the allocation's and the client's agree
        own = t.AllocationRow.municipality_code == t.ClientRow.municipality_code

        def households_with(law: Law) -> Any:
            member, care = aliased(t.ClientRow), aliased(t.AllocationRow)
            return (
                select(member.household_id)
                .join(care, care.client_bsn == member.bsn)
                .where(
                    member.household_id.is_not(None),
                    care.law == law.value,
                    care.municipality_code == member.municipality_code,
                    or_(care.valid_to.is_(None), care.valid_to >= day),
                )
            )

        query: Any = (
            select(t.ClientRow, t.AllocationRow)
            .join(t.AllocationRow, t.AllocationRow.client_bsn == t.ClientRow.bsn)
            .where(
                t.ClientRow.household_id.in_(households_with(Law.WMO)),
                t.ClientRow.household_id.in_(households_with(Law.JEUGD)),
                running,
                own,
            )
        )
        query = scope_allocations(scope_clients(query, self.scope), self.scope)
        out: dict[str, list[tuple[Client, Allocation]]] = {}
        bsns: list[str] = []
        result: Any = self.session.execute(query.order_by(t.AllocationRow.id))
        for client_row, allocation_row_ in result:
            assert client_row.household_id is not None
            out.setdefault(client_row.household_id, []).append(
                (_client(client_row), allocation_from_row(allocation_row_))
            )
            bsns.append(client_row.bsn)
        self.log.record(purpose, "household.allocations", bsns)
        return out

    # -- decisions -----------------------------------------------------------------------------
    def evaluations_due(
        self, first: date, last: date, purpose: ActivityKind
    ) -> list[tuple[str, str, str, date, str]]:
        """(decision id, client BSN, municipality, due date, label) of open evaluation moments."""
        query: Any = (
            select(
                t.DecisionRow.id,
                t.DecisionRow.client_bsn,
                t.DecisionRow.municipality_code,
                t.EvaluationMomentRow.due,
                t.EvaluationMomentRow.label,
            )
            .join(t.EvaluationMomentRow, t.EvaluationMomentRow.decision_id == t.DecisionRow.id)
            .join(t.ClientRow, t.ClientRow.bsn == t.DecisionRow.client_bsn)
            .where(
                and_(t.EvaluationMomentRow.due >= first, t.EvaluationMomentRow.due <= last),
                t.EvaluationMomentRow.done_on.is_(None),
            )
            .order_by(t.EvaluationMomentRow.due, t.DecisionRow.id)
        )
        rows: list[tuple[str, str, str, date, str]] = [
            (r[0], r[1], r[2], r[3], r[4]) for r in self.session.execute(scope_clients(query, self.scope))
        ]
        self.log.record(purpose, "decision.evaluations", [r[1] for r in rows])
        return rows

    def decision_period(self, decision_id: str) -> Period | None:
        row = self.session.get(t.DecisionRow, decision_id)
        return None if row is None else Period(row.valid_from, row.valid_to)

    def moments(self, decision_id: str) -> list[EvaluationMoment]:
        return [
            EvaluationMoment(r.due, r.label)
            for r in self.session.scalars(
                select(t.EvaluationMomentRow).where(t.EvaluationMomentRow.decision_id == decision_id)
            )
        ]

    def decision(self, decision_id: str, purpose: ActivityKind) -> Decision | None:
        # the session's scope (tenancy.py) hides another municipality's decision, and from a
        # provider every decision it holds no allocation for
        query = select(t.DecisionRow).where(t.DecisionRow.id == decision_id)
        row = self.session.scalars(query).first()
        if row is None:
            return None
        self.log.record(purpose, "decision.get", [(row.client_bsn, row.law)])
        return self._decisions([row])[0]

    def client_decisions(self, client_bsn: str, purpose: ActivityKind) -> list[Decision]:
        """A client's decisions within scope (the session's tenancy filter: a municipality's own;
        for a provider, those it holds an allocation under), read in three queries whatever
        their number. The read is logged (one entry per law of the client's decisions)."""
        query = select(t.DecisionRow).where(t.DecisionRow.client_bsn == client_bsn)
        rows = list(self.session.scalars(query.order_by(t.DecisionRow.valid_from, t.DecisionRow.id)))
        if not rows:
            return []
        self.log.record(purpose, "decision.get", [(r.client_bsn, r.law) for r in rows])
        return self._decisions(rows)

    def _decisions(self, rows: list[t.DecisionRow]) -> list[Decision]:
        """The decisions of ``rows`` with their evaluation moments and add-ons (one query each)."""
        ids = [r.id for r in rows]
        moments: dict[str, list[EvaluationMoment]] = {i: [] for i in ids}
        for m in self.session.scalars(
            select(t.EvaluationMomentRow)
            .where(t.EvaluationMomentRow.decision_id.in_(ids))
            .order_by(t.EvaluationMomentRow.decision_id, t.EvaluationMomentRow.due)
        ):
            moments[m.decision_id].append(EvaluationMoment(m.due, m.label))
        add_ons: dict[str, list[DecidedAddOn]] = {i: [] for i in ids}
        for a in self.session.scalars(
            select(t.DecisionAddOnRow)
            .where(t.DecisionAddOnRow.decision_id.in_(ids))
            .order_by(t.DecisionAddOnRow.decision_id, t.DecisionAddOnRow.product_code)
        ):
            add_ons[a.decision_id].append(DecidedAddOn(a.module_id, a.product_code, Money(a.amount_cents)))
        return [
            Decision(
                id=row.id,
                client_bsn=row.client_bsn,
                municipality_code=row.municipality_code,
                law=Law(row.law),
                decided_on=row.decided_on,
                valid=Period(row.valid_from, row.valid_to),
                product_code=row.product_code,
                model_id=row.model_id,
                result_areas=tuple(a for a in row.result_areas.split(",") if a),
                support_type=row.support_type,
                intensity=row.intensity,
                monthly_budget=Money(row.monthly_budget_cents)
                if row.monthly_budget_cents is not None
                else None,
                total_budget=Money(row.total_budget_cents) if row.total_budget_cents is not None else None,
                evaluation_moments=tuple(moments[row.id]),
                add_ons=tuple(add_ons[row.id]),
            )
            for row in rows
        ]

    def contracted(self, provider_agb: str, law: Law, product_code: str, on: date) -> bool:
        """The provider holds a contract on ``on`` for a lot that includes the product (the rule
        is the domain's ``contracted_providers``; this only reads the contracts)."""
        repo = ContractRepository(self.session)
        return provider_agb in contracted_providers(
            repo.contracts(provider_agb), repo.frameworks(), law, product_code, on
        )

    def product_category(self, law: Law, product_code: str) -> str | None:
        return self.session.scalar(
            select(t.ProductRow.category).where(
                t.ProductRow.law == law.value, t.ProductRow.code == product_code
            )
        )

    def municipality_codes(self) -> set[str]:
        return set(self.session.scalars(select(t.MunicipalityRow.code)))

    # -- a client's file: what was exchanged and paid for one client ----------------------------
    def client_deliveries(self, client_bsn: str, purpose: ActivityKind) -> list[ClientDelivery]:
        """The starts (305) and stops (307) of care providers reported for the client, in order."""
        rows = list(
            self.session.scalars(
                select(t.DeliveryEventRow)
                .where(t.DeliveryEventRow.client_bsn == client_bsn)
                .order_by(t.DeliveryEventRow.received_at, t.DeliveryEventRow.id)
            )
        )
        self.log.record(purpose, "delivery.client", [(r.client_bsn, r.law) for r in rows])
        return [
            ClientDelivery(
                r.client_bsn,
                r.kind,
                Law(r.law),
                r.municipality_code,
                r.allocation_number,
                r.provider_agb,
                r.start_date,
                r.end_date,
                r.end_reason,
                r.current,
            )
            for r in rows
        ]

    def client_messages(self, client_bsn: str, purpose: ActivityKind) -> list[StoredMessage]:
        """The messages exchanged about the client (content apart), oldest first: the 301s naming
        the client, the 305/307/315/317 the providers sent about the client, and every message
        answering one of these (302/306/308/316/318/319/301). Within the reader's scope."""
        about: set[int] = set(
            self.session.scalars(
                select(t.DeliveryEventRow.message_id).where(t.DeliveryEventRow.client_bsn == client_bsn)
            )
        )
        for message_id, answer_id in self.session.execute(
            select(t.AllocationRequestRow.message_id, t.AllocationRequestRow.answer_message_id).where(
                t.AllocationRequestRow.client_bsn == client_bsn
            )
        ):
            about.add(message_id)
            if answer_id is not None:
                about.add(answer_id)
        # a 301 carries every current allocation of one client at one provider (OP087): the
        # candidates are the 301s to the client's providers, kept when they name the client
        keys = {
            (m, law, agb)
            for m, law, agb in self.session.execute(
                select(
                    t.AllocationRow.municipality_code, t.AllocationRow.law, t.AllocationRow.provider_agb
                ).where(t.AllocationRow.client_bsn == client_bsn)
            )
        }
        if keys:
            candidates = self.session.execute(
                select(t.MessageRow.id, t.MessageRow.content).where(
                    t.MessageRow.direction == "out",
                    t.MessageRow.message_type == "301",
                    or_(
                        *(
                            and_(
                                t.MessageRow.municipality_code == m,
                                t.MessageRow.law == law,
                                t.MessageRow.provider_agb == agb,
                            )
                            for m, law, agb in keys
                        )
                    ),
                )
            )
            about |= {
                message_id
                for message_id, content in candidates
                if client_bsn in bsns_in_message(bytes(content))
            }
        if not about:
            return []
        ids = sorted(about)
        rows = list(
            self.session.execute(
                select(*_STORED_COLUMNS)
                .where(or_(t.MessageRow.id.in_(ids), t.MessageRow.in_reply_to.in_(ids)))
                .order_by(t.MessageRow.created_at, t.MessageRow.id)
            )
        )
        found = [_stored(row) for row in rows]
        self.log.record(purpose, "message.client", [(client_bsn, m.law.value) for m in found])
        return found

    def client_declared_lines(self, client_bsn: str, purpose: ActivityKind) -> list[ClientDeclaredLine]:
        """The declared lines (prestaties) of the client with what was paid for each, by period."""
        paid = (
            select(t.PaymentRow.declaration_line_id, func.sum(t.PaymentRow.amount_cents).label("paid"))
            .group_by(t.PaymentRow.declaration_line_id)
            .subquery()
        )
        line = t.DeclarationLineRow
        rows: list[tuple[t.DeclarationLineRow, int | None]] = [
            (r, p)
            for r, p in self.session.execute(
                select(line, paid.c.paid)
                .outerjoin(paid, paid.c.declaration_line_id == line.id)
                .where(line.client_bsn == client_bsn)
                .order_by(line.period_start, line.id)
            )
        ]
        self.log.record(purpose, "declaration_line.client", [(r.client_bsn, r.law) for r, _ in rows])
        return [
            ClientDeclaredLine(
                r.client_bsn,
                r.allocation_number,
                r.provider_agb,
                Law(r.law),
                r.product_code or r.category,
                Period(r.period_start, r.period_end),
                r.volume,
                r.unit,
                Money(r.amount_cents),
                r.debit_credit,
                r.status,
                Money(r.granted_cents),
                Money(int(p or 0)),
                r.return_codes,
            )
            for r, p in rows
        ]


def _credited(line: type[t.DeclarationLineRow]) -> Any:
    """EXISTS an approved credit mirroring ``line`` (TR323: by its reference, for its provider
    and law): the debit is no longer paid."""
    credit = aliased(t.DeclarationLineRow)
    return (
        select(credit.id)
        .where(
            credit.provider_agb == line.provider_agb,
            credit.law == line.law,
            credit.previous_reference == line.reference,
            credit.debit_credit == DebitCredit.CREDIT.value,
            credit.status == LineStatus.APPROVED.value,
        )
        .exists()
    )
