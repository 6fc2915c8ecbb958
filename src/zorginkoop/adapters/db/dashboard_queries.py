# SPDX-License-Identifier: EUPL-1.2
"""Aggregate queries of the municipality dashboard. Counts and sums only, never personal data.

They extend :class:`~zorginkoop.adapters.db.queries.ReportQueries` and read the same approved
lines the same way (``_approved_lines``: approved, ProductPeriode starting in the period, the
law, the scope), so the dashboard's clients and cost equal ``report costs`` and
``GET /api/v1/reports/costs``.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, distinct, exists, func, or_, select
from sqlalchemy.orm import aliased

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.queries import ReportQueries
from zorginkoop.domain.codes import Law
from zorginkoop.domain.declarations import LineStatus
from zorginkoop.domain.money import Money


@dataclass(frozen=True, slots=True)
class ProductRow:
    product_code: str
    clients: int
    cost: Money
    volume: int


class DashboardQueries(ReportQueries):
    def totals(
        self,
        municipality: str,
        start: date,
        end: date,
        law: Law,
        *,
        categories: Set[str] | None = None,
        other_than: Set[str] | None = None,
        products: Set[str] | None = None,
    ) -> tuple[int, Money]:
        """(distinct clients, approved cost) of the municipality's lines, optionally only those
        in ``categories``, not in ``other_than`` or for ``products``."""
        L = t.DeclarationLineRow
        query = self._approved_lines(
            select(
                func.count(distinct(L.client_bsn)), func.coalesce(func.sum(L.granted_cents), 0)
            ).select_from(L),
            start,
            end,
            law,
        ).where(L.municipality_code == municipality)
        if categories is not None:
            query = query.where(L.category.in_(sorted(categories)))
        if other_than is not None:
            query = query.where(L.category.not_in(sorted(other_than)))
        if products is not None:
            query = query.where(L.product_code.in_(sorted(products)))
        clients, cents = self.session.execute(query).one()
        return int(clients), Money(int(cents))

    def by_product(self, municipality: str, start: date, end: date, law: Law) -> list[ProductRow]:
        """Per product code: distinct clients, approved cost and the approved lines' volume."""
        L = t.DeclarationLineRow
        product = func.coalesce(L.product_code, "")
        query = (
            self._approved_lines(
                select(
                    product,
                    func.count(distinct(L.client_bsn)),
                    func.coalesce(func.sum(L.granted_cents), 0),
                    func.coalesce(func.sum(L.volume), 0),
                ).select_from(L),
                start,
                end,
                law,
            )
            .where(L.municipality_code == municipality)
            .group_by(product)
        )
        rows = [
            ProductRow(code, int(clients), Money(int(cents)), int(volume))
            for code, clients, cents, volume in self.session.execute(query)
        ]
        return sorted(rows, key=lambda r: (-r.cost.cents, r.product_code))

    def by_referrer(
        self, municipality: str, start: date, end: date, law: Law
    ) -> list[tuple[str | None, int, Money]]:
        """Per referrer type (COD327) of the allocation a line is declared on: distinct clients
        and approved cost; None for lines on an allocation without a referrer (or none found)."""
        L, A = t.DeclarationLineRow, t.AllocationRow
        query = (
            self._approved_lines(
                select(
                    A.referrer_type,
                    func.count(distinct(L.client_bsn)),
                    func.coalesce(func.sum(L.granted_cents), 0),
                )
                .select_from(L)
                .outerjoin(
                    A,
                    and_(
                        A.municipality_code == L.municipality_code,
                        A.law == L.law,
                        A.number == L.allocation_number,
                    ),
                ),
                start,
                end,
                law,
            )
            .where(L.municipality_code == municipality)
            .group_by(A.referrer_type)
        )
        found = self.session.execute(query)
        return [(kind, int(clients), Money(int(cents))) for kind, clients, cents in found]

    def new_clients(self, municipality: str, year: int, law: Law) -> int:
        """Clients of the year (an approved line in it) without an approved line under the same
        law in the municipality in the year before."""
        L, B = t.DeclarationLineRow, aliased(t.DeclarationLineRow)
        previous = exists(
            select(B.id).where(
                B.client_bsn == L.client_bsn,
                B.status == LineStatus.APPROVED.value,
                B.law == law.value,
                B.municipality_code == municipality,
                B.period_start >= date(year - 1, 1, 1),
                B.period_start <= date(year - 1, 12, 31),
            )
        )
        query = self._approved_lines(
            select(func.count(distinct(L.client_bsn))).select_from(L),
            date(year, 1, 1),
            date(year, 12, 31),
            law,
        ).where(L.municipality_code == municipality, ~previous)
        return int(self.session.scalar(query) or 0)

    def ended_clients(self, municipality: str, year: int, law: Law) -> int:
        """Clients of the year (an approved line in it) whose care ended in the year: none of
        their allocations under the law in the municipality runs past 31 December (the
        municipality ends care by ending the allocation, OP279)."""
        L, A = t.DeclarationLineRow, t.AllocationRow
        year_end = date(year, 12, 31)
        running = exists(
            select(A.id).where(
                A.client_bsn == L.client_bsn,
                A.law == law.value,
                A.municipality_code == municipality,
                or_(A.valid_to.is_(None), A.valid_to > year_end),
            )
        )
        query = self._approved_lines(
            select(func.count(distinct(L.client_bsn))).select_from(L), date(year, 1, 1), year_end, law
        ).where(L.municipality_code == municipality, ~running)
        return int(self.session.scalar(query) or 0)
