# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the stop worklist: a provider's definitive stop (307) and the municipality's end.

:func:`stop_reported` and :func:`stop_removed` run inside the unit of work that processes the
307 (no commit of their own); :func:`stop_worklist`, :func:`end_stop` and :func:`dismiss_stop`
are the back office's, each opening the unit of work and committing once. The policy itself
(which stops count, which end and RedenWijziging) is :mod:`zorginkoop.domain.stopping`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from zorginkoop.adapters.db.exchange import StopItem
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.outgoing import allocated_at_now
from zorginkoop.domain.care import Allocation, CareError
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.stopping import (
    StopProposal,
    StopStatus,
    ended_on_stop,
    restored_after_removed_stop,
    still_as_ended,
    stop_proposal,
)
from zorginkoop.services.allocations import WorkflowError, queue_toewijzing, record_outside

PURPOSE = ActivityKind.EXCHANGE


def _send_changed(uow: UnitOfWork, before: Allocation, after: Allocation, at: datetime) -> str | None:
    """Store the changed allocation and queue its 301 (pending, for `messages export --type 301`).
    When no 301 can be made (no address on file, TR061) the allocation is put back and the
    reason returned: the change only counts when the provider is told (OP033x1)."""
    uow.workflow.replace_allocation(after)
    try:
        queue_toewijzing(uow, after, on=at.date(), now=at, changed=[after.number])
    except WorkflowError as exc:
        uow.workflow.replace_allocation(before)
        return str(exc)
    # an end at the stop date may cut off months already paid: those lines are to be credited
    paid = uow.workflow.paid_lines(after.municipality_code, after.law, after.number)
    record_outside(uow, after, paid, at)
    return None


def _end(uow: UnitOfWork, allocation: Allocation, proposal: StopProposal, at: datetime) -> str | None:
    try:
        ended = ended_on_stop(allocation, proposal, at)
    except CareError as exc:
        return str(exc)
    return _send_changed(uow, allocation, ended, at)


def stop_reported(  # noqa: PLR0917 - the facts of one accepted StopProduct
    uow: UnitOfWork,
    allocation: Allocation,
    stop_event_id: int,
    stop_end: date | None,
    end_reason: str | None,
    at: datetime,
    *,
    end_on_stop: bool,
) -> StopItem | None:
    """An accepted stop (StatusAanlevering 1): a definitive one puts the allocation on the
    worklist with its end proposed at the stop date; with ``end_on_stop`` the allocation is
    ended at once and a 301 queued (the item is then 'ended'). Returns the item, if any."""
    proposal = stop_proposal(allocation, stop_end, end_reason)
    if proposal is None:
        return None
    assert end_reason is not None
    status, note = StopStatus.OPEN, ""
    if end_on_stop:
        problem = _end(uow, allocation, proposal, at)
        status, note = (
            (StopStatus.OPEN, f"not ended at once: {problem}") if problem else (StopStatus.ENDED, "")
        )
    item_id = uow.deliveries.add_stop_item(
        municipality_code=allocation.municipality_code,
        law=allocation.law.value,
        allocation_number=allocation.number,
        client_bsn=allocation.client_bsn,
        provider_agb=allocation.provider_agb,
        stop_event_id=stop_event_id,
        end_reason=end_reason,
        proposed_end=proposal.proposed_end,
        previous_end=proposal.previous_end,
        change_reason=proposal.reason.value,
        status=status.value,
        note=note,
        created_at=at,
        decided_at=at if status is StopStatus.ENDED else None,
        decided_by="ZORGINKOOP_END_ON_STOP" if status is StopStatus.ENDED else None,
    )
    return next(i for i in uow.deliveries.stop_items_for_event(stop_event_id) if i.id == item_id)


def stop_removed(uow: UnitOfWork, stop_event_id: int, at: datetime) -> list[StopItem]:
    """A stop removed by the provider (StatusAanlevering 3): an open item is withdrawn; an end
    the stop caused is undone (the previous end, RedenWijziging 14, a 301 queued) when the
    allocation still has that end, else the item is withdrawn with a note for the back office.
    Returns the items as they are afterwards."""
    for item in uow.deliveries.stop_items_for_event(stop_event_id):
        if item.status is StopStatus.OPEN:
            uow.deliveries.update_stop_item(
                item.id, status=StopStatus.WITHDRAWN.value, decided_at=at, decided_by="StatusAanlevering 3",
                note="stop removed by the provider before the allocation was ended",
            )  # fmt: skip
        elif item.status is StopStatus.ENDED:
            current = uow.workflow.allocation(
                item.municipality_code, item.law, item.allocation_number, purpose=ActivityKind.EXCHANGE
            )
            problem = "the allocation is gone"
            if current is not None and still_as_ended(current, item.proposed_end, item.change_reason):
                restored = restored_after_removed_stop(current, item.previous_end, at)
                problem = _send_changed(uow, current, restored, at) or ""
            elif current is not None:
                problem = f"allocation changed since the end (now {current.valid.end}); check it"
            status = StopStatus.WITHDRAWN if problem else StopStatus.RESTORED
            uow.deliveries.update_stop_item(
                item.id, status=status.value, decided_at=at, decided_by="StatusAanlevering 3",
                note=f"stop removed by the provider; end not restored: {problem}" if problem
                else f"stop removed by the provider; end {item.previous_end or 'open'} restored",
            )  # fmt: skip
    return uow.deliveries.stop_items_for_event(stop_event_id)


def _row(i: StopItem) -> dict[str, Any]:
    return {
        "item": i.id, "municipality": i.municipality_code, "law": i.law.value,
        "toewijzing_nummer": i.allocation_number, "bsn": i.client_bsn, "provider": i.provider_agb,
        "reden_beeindiging": i.end_reason, "proposed_end": i.proposed_end, "previous_end": i.previous_end,
        "reden_wijziging": i.change_reason.value, "status": i.status.value, "note": i.note,
        "received": i.created_at, "decided": i.decided_at,
    }  # fmt: skip


def stop_items(uow: UnitOfWork, *, everything: bool = False) -> list[StopItem]:
    """The worklist in the unit of work's scope: open items (``everything``: all), oldest first.
    The read of the BSNs is logged."""
    with uow:
        items = uow.deliveries.stop_items(uow.scope, None if everything else [StopStatus.OPEN])
        uow.log.record(PURPOSE, "stop_worklist.list", [(i.client_bsn, i.law.value) for i in items])
        uow.commit()
    return items


def stop_worklist(uow: UnitOfWork, *, everything: bool = False) -> list[dict[str, Any]]:
    """:func:`stop_items` as rows for the command line."""
    return [_row(i) for i in stop_items(uow, everything=everything)]


def _open_item(uow: UnitOfWork, item_id: int) -> StopItem:
    item = uow.deliveries.stop_item(item_id, uow.scope)
    if item is None:
        raise WorkflowError(f"no stop worklist item {item_id} in scope {uow.scope}")
    if item.status is not StopStatus.OPEN:
        raise WorkflowError(
            f"stop worklist item {item_id} is {item.status.value}, not open: nothing to decide"
        )
    uow.log.record(PURPOSE, "stop_worklist.get", [(item.client_bsn, item.law.value)])
    return item


def end_stop(uow: UnitOfWork, item_id: int, now: datetime) -> dict[str, Any]:
    """The back office ends the allocation of an open item at the stop date: the allocation's
    end becomes the stop's Einddatum with the item's RedenWijziging, a 301 is queued."""
    at = allocated_at_now(now)
    with uow:
        item = _open_item(uow, item_id)
        uow.workflow.lock_numbering(item.municipality_code, item.law)  # the 301's Identificatie
        current = uow.workflow.allocation(item.municipality_code, item.law, item.allocation_number, PURPOSE)
        if current is None:
            raise WorkflowError(
                f"allocation {item.allocation_number} of item {item_id} is not in scope {uow.scope}"
            )
        proposal = stop_proposal(current, item.proposed_end, item.end_reason)
        if proposal is None:
            raise WorkflowError(
                f"allocation {current.number} already ends on {current.valid.end} (not after the stop date "
                f"{item.proposed_end}): nothing to end; run `zorginkoop access stops dismiss {item_id}`"
            )
        problem = _end(uow, current, proposal, at)
        if problem:
            raise WorkflowError(f"allocation {current.number} cannot be ended: {problem}")
        uow.deliveries.update_stop_item(
            item_id, status=StopStatus.ENDED.value, decided_at=at, decided_by=uow.actor,
            previous_end=proposal.previous_end, change_reason=proposal.reason.value, note="",
        )  # fmt: skip
        (done,) = [i for i in uow.deliveries.stop_items_for_event(item.stop_event_id) if i.id == item_id]
        uow.commit()
    return _row(done)


def dismiss_stop(uow: UnitOfWork, item_id: int, now: datetime, note: str = "") -> dict[str, Any]:
    """The back office keeps the allocation as it is (OP279 still limits what is paid to it)."""
    at = allocated_at_now(now)
    with uow:
        item = _open_item(uow, item_id)
        uow.deliveries.update_stop_item(
            item_id, status=StopStatus.DISMISSED.value, decided_at=at, decided_by=uow.actor, note=note
        )
        (done,) = [i for i in uow.deliveries.stop_items_for_event(item.stop_event_id) if i.id == item_id]
        uow.commit()
    return _row(done)
