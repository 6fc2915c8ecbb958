# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the processing log: the privacy officer's search and a citizen's export.

The log (Logboek Dataverwerkingen) holds one entry per operation and data subject, the BSN only
as its keyed pseudonym. A search by BSN pseudonymises the BSN with the same key first. The
search itself is a processing of the data subject's data, so it is logged too (activity
``privacy``), in the same transaction: a search whose entry cannot be written fails.

A read of a figure about a group of people (dashboard, benchmark, reports ...) leaves one entry
whose subject is the group (:func:`record_group_read`, called by each such use case once).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from zorginkoop.adapters.db.exchange import bsns_in_message
from zorginkoop.adapters.db.repositories import LogEntry, LogFilter, load_register
from zorginkoop.adapters.db.session import StoreError
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.processing import ActivityKind, Group

SEARCH_LIMIT = 10_000
"""At most this many entries per search (narrow the search for more)."""


class SearchError(ValueError):
    """A search the log cannot answer as asked (one line)."""


@dataclass(frozen=True, slots=True)
class Search:
    """What the privacy officer searches by; None matches anything. Dates are inclusive."""

    bsn: str | None = None
    actor: str | None = None
    activity: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class FoundEntry:
    """One log entry as the privacy officer and the citizen see it (typed, no formatting)."""

    trace_id: str
    span_id: str
    operation: str
    started_at: datetime
    ended_at: datetime
    status: str
    activity_id: str
    activity: str
    purpose: str
    legal_basis: str
    subject_type: str
    subject_id: str
    actor: str
    scope: str

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["started_at"] = self.started_at.isoformat(timespec="microseconds")
        out["ended_at"] = self.ended_at.isoformat(timespec="microseconds")
        return out


__all__ = [
    "COLUMNS",
    "FoundEntry",
    "Search",
    "SearchError",
    "bsns_in_message",
    "export_for_subject",
    "record_group_read",
    "search",
]

COLUMNS = ("started_at", "actor", "activity_id", "operation", "status", "scope", "subject_id", "trace_id")


def _valid_bsn(bsn: str) -> str:
    text = bsn.strip()
    if not (len(text) == 9 and text.isascii() and text.isdigit()):
        raise SearchError(f"BSN {bsn!r} is not nine digits")
    return text


def _filter(uow: UnitOfWork, search: Search) -> LogFilter:
    if search.since and search.until and search.since > search.until:
        raise SearchError(f"the period is empty: from {search.since} is after to {search.until}")
    if search.activity is not None:
        load_register().get(search.activity)  # an unknown activity is said, not searched
    return LogFilter(
        subject_id=uow.log.pseudonym(_valid_bsn(search.bsn)) if search.bsn else None,
        actor=search.actor,
        activity_id=search.activity,
        since=datetime.combine(search.since, time.min) if search.since else None,
        until=datetime.combine(search.until, time.max) if search.until else None,
    )


def _found(entries: Iterable[LogEntry]) -> list[FoundEntry]:
    register = load_register()
    out = []
    for e in entries:
        activity = register.activities.get(e.activity_id)
        out.append(FoundEntry(
            e.trace_id, e.span_id, e.operation, e.started_at, e.ended_at, e.status, e.activity_id,
            activity.name if activity else "", activity.purpose if activity else "",
            activity.legal_basis if activity else "", e.subject_type, e.subject_id, e.actor, e.scope,
        ))  # fmt: skip
    return out


def search(uow: UnitOfWork, query: Search, limit: int = SEARCH_LIMIT) -> list[FoundEntry]:
    """The entries matching every filter given, oldest first (at most ``limit``). A search by
    BSN is itself logged for that data subject (activity ``privacy``)."""
    with uow:
        where = _filter(uow, query)
        found = _found(uow.log.search(where, limit=limit))
        if query.bsn:
            uow.log.record(ActivityKind.PRIVACY, "processing_log.search", [_valid_bsn(query.bsn)])
        uow.commit()
    return found


def record_group_read(
    uow: UnitOfWork,
    operation: str,
    group: Group,
    activity: ActivityKind = ActivityKind.MONITORING,
    *,
    scope: Scope | None = None,
) -> None:
    """Log one read of a figure about ``group`` (subject type ``GROUP``) by the unit of work's
    actor under its scope (``scope``: the caller's, when the figure was read in a wider scope
    for it). Called inside the open unit of work once the figure is read: the entry is written
    at once, in the read's transaction, so a read whose entry cannot be written raises here,
    before anything is answered; the unit of work commits it (also when the reader does not)."""
    uow.log.record_group(activity, operation, group, scope=scope)
    try:
        uow.log.write_pending()
    except SQLAlchemyError as exc:
        raise StoreError(
            f"the processing log could not record this read ({exc.__class__.__name__}), so the "
            "figures are not shown; nothing was stored, try again or ask the administrator"
        ) from exc


def export_for_subject(uow: UnitOfWork, bsn: str) -> dict[str, Any]:
    """Every entry about one citizen (AVG art. 15: who processed their data, when, for which
    activity, purpose and legal basis), as a JSON-ready document. The export is logged."""
    subject = _valid_bsn(bsn)
    with uow:
        pseudonym = uow.log.pseudonym(subject)
        found = _found(uow.log.search(LogFilter(subject_id=pseudonym)))
        uow.log.record(ActivityKind.PRIVACY, "processing_log.export", [subject])
        uow.commit()
    return {
        "subject_type": "BSN",
        "subject_id": pseudonym,
        "entries": [f.as_dict() for f in found],
        "count": len(found),
    }
