# SPDX-License-Identifier: EUPL-1.2
"""Start and stop of care (305/307): the cross-message rules ("berichtoverstijgend").

A provider reports the start of care on an allocation with a StartProduct (305) and its end
with a StopProduct (307). Both are keyed by (Bsn, ToewijzingNummer, Begindatum) (TR382: the
stop repeats the start's key). StatusAanlevering 1 adds a report, 3 removes an earlier one
(OP033; 2 is not allowed in 3.2, OP033x2, and is refused by the message layer).

Each rule is a small pure function over the *current* delivery events of one allocation (those
not removed by a later StatusAanlevering 3) and returns the WJ001 retourcodes it finds (empty
when the rule holds). :func:`check_start` and :func:`check_stop` run them in the standard's
order; :func:`apply_report` gives the events after an accepted report. What the municipality
does with its allocation after a definitive stop (OP279) is :mod:`zorginkoop.domain.stopping`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum


class DeliveryKind(str, Enum):
    START = "start"
    STOP = "stop"


NEW = "1"
"""COD467 StatusAanlevering 1: eerste aanlevering."""
REMOVE = "3"
"""COD467 StatusAanlevering 3: aanlevering verwijderen."""
TEMPORARY_END = "20"
"""WMO588/JZ588 RedenBeeindiging 20: levering is tijdelijk beeindigd."""


@dataclass(frozen=True, slots=True)
class DeliveryEvent:
    """A start or stop of care on one allocation as the provider reported it."""

    kind: DeliveryKind
    client_bsn: str
    allocation_number: int
    start_date: date
    """Begindatum: with Bsn and ToewijzingNummer the logical key of the report."""
    end_date: date | None = None
    end_reason: str | None = None
    current: bool = True
    """False once a later report with StatusAanlevering 3 removed it."""

    @property
    def key(self) -> tuple[str, int, date]:
        return (self.client_bsn, self.allocation_number, self.start_date)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """One StartProduct or StopProduct of an incoming message, as the rules need it."""

    kind: DeliveryKind
    client_bsn: str
    allocation_number: int | None
    start_date: date
    status: str
    end_date: date | None = None
    end_reason: str | None = None

    @property
    def key(self) -> tuple[str, int | None, date]:
        return (self.client_bsn, self.allocation_number, self.start_date)


def _current(
    events: Sequence[DeliveryEvent], kind: DeliveryKind, key: tuple[str, int | None, date]
) -> list[DeliveryEvent]:
    return [e for e in events if e.current and e.kind is kind and e.key == key]


def tr019_linked_to_allocation(allocation_found: bool) -> tuple[str, ...]:
    """TR019 (9019): with effort- or output-based care a start or stop is linked to an
    allocation by its ToewijzingNummer (of this client, at this provider)."""
    return () if allocation_found else ("9019",)


def tr063_removal_has_earlier(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> tuple[str, ...]:
    """TR063 (9063): StatusAanlevering 3 needs an earlier report with the same logical key."""
    if report.status != REMOVE:
        return ()
    return () if _current(events, report.kind, report.key) else ("9063",)


def tr069_stop_needs_current_start(
    report: DeliveryReport, events: Sequence[DeliveryEvent]
) -> tuple[str, ...]:
    """TR069 (9069): a stop (StatusAanlevering 1) needs a current start with the same key."""
    if report.kind is not DeliveryKind.STOP or report.status != NEW:
        return ()
    return () if _current(events, DeliveryKind.START, report.key) else ("9069",)


def tr071_no_removal_after_stop(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> tuple[str, ...]:
    """TR071 (9071): a start may not be removed (StatusAanlevering 3) once a stop was sent for it."""
    if report.kind is not DeliveryKind.START or report.status != REMOVE:
        return ()
    return ("9071",) if _current(events, DeliveryKind.STOP, report.key) else ()


def tr074_key_unique(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> tuple[str, ...]:
    """TR074 (9074): with StatusAanlevering 1 the key is unique among all reports received.

    For a start the key is (Bsn, ToewijzingNummer, Begindatum). A stop may follow a temporary
    stop with the same key (TR413/TR415 govern that), so for a stop TR074 catches the exact
    repeat: the same key with the same Einddatum and RedenBeeindiging.
    """
    if report.status != NEW:
        return ()
    same = _current(events, report.kind, report.key)
    if report.kind is DeliveryKind.STOP:
        same = [e for e in same if e.end_date == report.end_date and e.end_reason == report.end_reason]
    return ("9074",) if same else ()


def tr326_no_current_start(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> tuple[str, ...]:
    """TR326 (9326): a start may be sent only when the allocation has no current start: one
    not removed and not followed by a stop with the same key."""
    if report.kind is not DeliveryKind.START or report.status != NEW:
        return ()
    for start in events:
        if (
            start.kind is DeliveryKind.START
            and start.current
            and start.allocation_number == report.allocation_number
        ) and not _current(events, DeliveryKind.STOP, start.key):
            return ("9326",)
    return ()


def tr413_second_temporary_stop(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> tuple[str, ...]:
    """TR413 (9413): after a stop with RedenBeeindiging 20 (temporary) for the same key, a new
    stop (StatusAanlevering 1 or 2) has another reason."""
    if report.kind is not DeliveryKind.STOP or report.status == REMOVE or report.end_reason != TEMPORARY_END:
        return ()
    earlier = _current(events, DeliveryKind.STOP, report.key)
    return ("9413",) if any(e.end_reason == TEMPORARY_END for e in earlier) else ()


def tr414_end_not_before_current_stop(
    report: DeliveryReport, events: Sequence[DeliveryEvent]
) -> tuple[str, ...]:
    """TR414 (9414): with a stop already there for the same key, the Einddatum is on or after
    the Einddatum of that current stop."""
    if report.kind is not DeliveryKind.STOP or report.status == REMOVE or report.end_date is None:
        return ()
    earlier = _current(events, DeliveryKind.STOP, report.key)
    late = any(e.end_date is not None and report.end_date < e.end_date for e in earlier)
    return ("9414",) if late else ()


def tr415_no_stop_after_final_stop(
    report: DeliveryReport, events: Sequence[DeliveryEvent]
) -> tuple[str, ...]:
    """TR415 (9415): no stop (StatusAanlevering 1 or 2) when a stop with the same key and a
    RedenBeeindiging other than 20 exists: care that ended for good cannot end again."""
    if report.kind is not DeliveryKind.STOP or report.status == REMOVE:
        return ()
    earlier = _current(events, DeliveryKind.STOP, report.key)
    return ("9415",) if any(e.end_reason != TEMPORARY_END for e in earlier) else ()


def check_start(
    report: DeliveryReport, allocation_found: bool, events: Sequence[DeliveryEvent]
) -> tuple[str, ...]:
    """All retourcodes for a StartProduct (empty: accept). A removal is only checked against
    TR063 and TR071 (TR063: a correction needs no further content checks)."""
    codes = tr019_linked_to_allocation(allocation_found)
    if codes:
        return codes
    if report.status == REMOVE:
        return tr063_removal_has_earlier(report, events) or tr071_no_removal_after_stop(report, events)
    # A repeat of the same start is reported as the repeat (9074), not also as a second start.
    return tr074_key_unique(report, events) or tr326_no_current_start(report, events)


def check_stop(
    report: DeliveryReport, allocation_found: bool, events: Sequence[DeliveryEvent]
) -> tuple[str, ...]:
    """All retourcodes for a StopProduct (empty: accept)."""
    codes = tr019_linked_to_allocation(allocation_found)
    if codes:
        return codes
    if report.status == REMOVE:
        return tr063_removal_has_earlier(report, events)
    found = tr069_stop_needs_current_start(report, events) or tr074_key_unique(report, events)
    if found:
        return found
    return (
        tr413_second_temporary_stop(report, events)
        + tr414_end_not_before_current_stop(report, events)
        + tr415_no_stop_after_final_stop(report, events)
    )


def apply_report(report: DeliveryReport, events: Sequence[DeliveryEvent]) -> list[DeliveryEvent]:
    """The events after an accepted report: a new event, or the latest matching one removed."""
    if report.allocation_number is None:
        raise ValueError("a report without ToewijzingNummer cannot be applied")
    if report.status == REMOVE:
        out = list(events)
        for i in range(len(out) - 1, -1, -1):
            e = out[i]
            if e.current and e.kind is report.kind and e.key == report.key:
                out[i] = replace(e, current=False)
                break
        return out
    return [
        *events,
        DeliveryEvent(
            report.kind,
            report.client_bsn,
            report.allocation_number,
            report.start_date,
            report.end_date,
            report.end_reason,
        ),
    ]
