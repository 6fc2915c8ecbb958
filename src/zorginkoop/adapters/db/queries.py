# SPDX-License-Identifier: EUPL-1.2
"""Aggregate queries for reports. They return counts and sums, never personal data.

"Cost" is the sum of granted amounts of approved declared lines whose ProductPeriode starts
in the period asked; "clients" the number of distinct BSNs with such a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, distinct, func, select, union_all
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.codes import Law
from zorginkoop.domain.declarations import LineStatus
from zorginkoop.domain.money import Money

_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class CostRow:
    key: str
    name: str
    clients: int
    cost: Money


class ReportQueries:
    def __init__(self, session: Session, scope: Scope) -> None:
        self.session = session
        self.scope = scope

    def _approved_lines(self, query: _Query, start: date, end: date, law: Law | None) -> _Query:
        L = t.DeclarationLineRow
        query = query.where(
            L.status == LineStatus.APPROVED.value, L.period_start >= start, L.period_start <= end
        )
        if law is not None:
            query = query.where(L.law == law.value)
        if self.scope.kind is ScopeKind.MUNICIPALITY:
            query = query.where(L.municipality_code.in_(sorted(self.scope.codes)))
        elif self.scope.kind is ScopeKind.PROVIDER:
            query = query.where(L.provider_agb.in_(sorted(self.scope.codes)))
        return query

    def cost_by_municipality(self, start: date, end: date, law: Law | None) -> list[CostRow]:
        L, M = t.DeclarationLineRow, t.MunicipalityRow
        query = self._approved_lines(
            select(
                M.code,
                M.name,
                func.count(distinct(L.client_bsn)),
                func.coalesce(func.sum(L.granted_cents), 0),
            )
            .select_from(L)
            .join(M, M.code == L.municipality_code),
            start,
            end,
            law,
        ).group_by(M.code, M.name)
        rows = [
            CostRow(code, name, clients, Money(int(cents)))
            for code, name, clients, cents in self.session.execute(query)
        ]
        return sorted(rows, key=lambda r: r.name.lower())

    def distinct_clients(
        self, start: date, end: date, law: Law | None, exclude: frozenset[str] = frozenset()
    ) -> int:
        L = t.DeclarationLineRow
        query = self._approved_lines(
            select(func.count(distinct(L.client_bsn))).select_from(L), start, end, law
        )
        if exclude:
            query = query.where(L.municipality_code.not_in(exclude))
        return self.session.scalar(query) or 0

    def cost_by_provider(
        self, start: date, end: date, law: Law | None, exclude: frozenset[str] = frozenset()
    ) -> list[CostRow]:
        L, P = t.DeclarationLineRow, t.ProviderRow
        query = self._approved_lines(
            select(
                P.agb_code,
                P.name,
                func.count(distinct(L.client_bsn)),
                func.coalesce(func.sum(L.granted_cents), 0),
            )
            .select_from(L)
            .join(P, P.agb_code == L.provider_agb),
            start,
            end,
            law,
        )
        if exclude:
            query = query.where(L.municipality_code.not_in(exclude))
        query = query.group_by(P.agb_code, P.name)
        rows = [
            CostRow(agb, name, clients, Money(int(cents)))
            for agb, name, clients, cents in self.session.execute(query)
        ]
        return sorted(rows, key=lambda r: (-r.cost.cents, r.key))

    def cost_by_year(self, law: Law | None) -> list[tuple[int, int, Money]]:
        """(year, clients, cost) for every year with approved lines."""
        L = t.DeclarationLineRow
        year = func.extract("year", L.period_start)
        query = (
            self._approved_lines(
                select(
                    year, func.count(distinct(L.client_bsn)), func.coalesce(func.sum(L.granted_cents), 0)
                ).select_from(L),
                date(1900, 1, 1),
                date(9999, 12, 31),
                law,
            )
            .group_by(year)
            .order_by(year)
        )
        return [(int(y), clients, Money(int(cents))) for y, clients, cents in self.session.execute(query)]

    def cost_by_year_and_municipality(self, law: Law | None) -> list[tuple[int, CostRow]]:
        """(year, municipality's row) for every year and municipality with approved lines."""
        L, M = t.DeclarationLineRow, t.MunicipalityRow
        year = func.extract("year", L.period_start)
        query = (
            self._approved_lines(
                select(
                    year,
                    M.code,
                    M.name,
                    func.count(distinct(L.client_bsn)),
                    func.coalesce(func.sum(L.granted_cents), 0),
                )
                .select_from(L)
                .join(M, M.code == L.municipality_code),
                date(1900, 1, 1),
                date(9999, 12, 31),
                law,
            )
            .group_by(year, M.code, M.name)
            .order_by(year)
        )
        rows = [
            (int(y), CostRow(code, name, clients, Money(int(cents))))
            for y, code, name, clients, cents in self.session.execute(query)
        ]
        return sorted(rows, key=lambda r: (r[0], r[1].name.lower()))

    def latest_year(self, law: Law | None = None) -> int | None:
        """The latest year with an approved line in scope (None when there is none).

        For municipalities: the latest period per municipality and law, each one row read
        through the cost-report index (municipality, law, status, period), in one statement;
        an ORDER BY over all municipalities' lines would sort every approved line first."""
        L = t.DeclarationLineRow
        if self.scope.kind is ScopeKind.PROVIDER:
            query = self._approved_lines(select(L.period_start), date(1900, 1, 1), date(9999, 12, 31), law)
            latest = self.session.scalar(query.order_by(L.period_start.desc()).limit(1))
            return None if latest is None else latest.year
        if self.scope.kind is ScopeKind.MUNICIPALITY:
            codes = sorted(self.scope.codes)
        else:
            codes = sorted(self.session.scalars(select(t.MunicipalityRow.code)))
        laws = [law] if law is not None else list(Law)
        parts = [
            select(func.max(L.period_start).label("latest")).where(
                L.municipality_code == code, L.law == each.value, L.status == LineStatus.APPROVED.value
            )
            for code in codes
            for each in laws
        ]
        if not parts:
            return None
        every = union_all(*parts).subquery()
        latest = self.session.scalar(select(func.max(every.c.latest)))
        if latest is None:
            return None
        return latest.year if isinstance(latest, date) else date.fromisoformat(str(latest)).year
