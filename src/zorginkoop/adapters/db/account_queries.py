# SPDX-License-Identifier: EUPL-1.2
"""Aggregate queries of one provider's account report: clients and cost per quarter, and the
durations and end reasons of the trajectories that ended in a period. Counts, sums and dates
only: no BSN leaves the store, so no processing-log entry is written (as for the reports).

Cost and clients are read as :class:`~zorginkoop.adapters.db.queries.ReportQueries` reads them
(approved lines by the start of their ProductPeriode), so a year of quarters adds up to
``report providers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.allocating import NOT_CURRENT_REASONS
from zorginkoop.domain.codes import Law
from zorginkoop.domain.declarations import LineStatus
from zorginkoop.domain.money import Money

_WITHDRAWN = sorted(reason.value for reason in NOT_CURRENT_REASONS)


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    year: int
    quarter: int
    clients: int
    cost: Money


@dataclass(frozen=True, slots=True)
class EndedTrajectory:
    """An allocation of the provider that ended: its law, days and the 307's end reason."""

    law: Law
    start: date
    end: date
    end_reason: str | None


class AccountQueries:
    def __init__(self, session: Session, scope: Scope) -> None:
        self.session = session
        self.scope = scope

    def _in_scope(
        self, column_municipality: InstrumentedAttribute[str], column_provider: InstrumentedAttribute[str]
    ) -> list[ColumnElement[bool]]:
        if self.scope.kind is ScopeKind.MUNICIPALITY:
            return [column_municipality.in_(sorted(self.scope.codes))]
        if self.scope.kind is ScopeKind.PROVIDER:
            return [column_provider.in_(sorted(self.scope.codes))]
        return []

    def by_quarter(self, provider_agb: str, start: date, end: date) -> list[PeriodFigure]:
        """Distinct clients and approved cost of the provider per calendar quarter in [start, end]."""
        L = t.DeclarationLineRow
        year = func.extract("year", L.period_start)
        month = func.extract("month", L.period_start)
        quarter = case((month <= 3, 1), (month <= 6, 2), (month <= 9, 3), else_=4)
        query = (
            select(
                year, quarter, func.count(distinct(L.client_bsn)), func.coalesce(func.sum(L.granted_cents), 0)
            )
            .where(
                L.provider_agb == provider_agb,
                L.status == LineStatus.APPROVED.value,
                L.period_start >= start,
                L.period_start <= end,
                *self._in_scope(L.municipality_code, L.provider_agb),
            )
            .group_by(year, quarter)
        )
        rows = [
            PeriodFigure(int(y), int(q), int(clients), Money(int(cents)))
            for y, q, clients, cents in self.session.execute(query)
        ]
        return sorted(rows, key=lambda f: (f.year, f.quarter))

    def _ended(self, provider_agb: str, start: date, end: date) -> list[ColumnElement[bool]]:
        A = t.AllocationRow
        return [
            A.provider_agb == provider_agb,
            A.valid_to.is_not(None),
            A.valid_to >= start,
            A.valid_to <= end,
            # a withdrawn allocation (CS335: end = start with reason 13) never existed
            ~and_(A.valid_to == A.valid_from, func.coalesce(A.change_reason, "").in_(_WITHDRAWN)),
            *self._in_scope(A.municipality_code, A.provider_agb),
        ]

    def ended(self, provider_agb: str, start: date, end: date) -> list[EndedTrajectory]:
        """The provider's allocations that ended in [start, end], each with the end reason of
        its current stop (307), if one was reported."""
        A, E = t.AllocationRow, t.DeliveryEventRow
        reason = (
            select(func.max(E.end_reason))
            .where(
                E.municipality_code == A.municipality_code,
                E.law == A.law,
                E.allocation_number == A.number,
                E.kind == "stop",
                E.current.is_(True),
            )
            .correlate(A)
            .scalar_subquery()
        )
        query = select(A.law, A.valid_from, A.valid_to, reason).where(*self._ended(provider_agb, start, end))
        return [EndedTrajectory(Law(law), s, e, r) for law, s, e, r in self.session.execute(query)]

    def ended_clients(self, provider_agb: str, start: date, end: date) -> int:
        """Distinct clients among the trajectories of :meth:`ended` (for small-number suppression)."""
        A = t.AllocationRow
        query = select(func.count(distinct(A.client_bsn))).where(*self._ended(provider_agb, start, end))
        return int(self.session.scalar(query) or 0)
