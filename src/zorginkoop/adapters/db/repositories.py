# SPDX-License-Identifier: EUPL-1.2
"""Repositories: translate between domain objects and tables. They never commit.

Reads of personal data go through :class:`ClientRepository` or :class:`AllocationRepository`,
which apply the reader's :class:`~zorginkoop.domain.access.Scope` in SQL and write one row to
the processing log per read.
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from sqlalchemy import Select, Table, and_, case, event, exists, func, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, aliased

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.care import Allocation, Client, Decision, Gender
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import ChangeReason, FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import (
    NOTICE_THRESHOLDS,
    AgreementKind,
    CeilingPolicy,
    CollectiveCeiling,
    Contract,
    FrameworkAgreement,
    Lot,
    ProcurementProcedure,
    TariffBasis,
    Term,
)
from zorginkoop.domain.declarations import Declaration, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import GoalsReached
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import (
    SUBJECT_TYPE_BSN,
    SUBJECT_TYPE_GROUP,
    ActivityKind,
    ActivityRegister,
    Group,
    Status,
    distinct_subjects,
    parse_register,
    pseudonymise,
)
from zorginkoop.domain.referral import Referrer
from zorginkoop.domain.region import Municipality, Provider, Region
from zorginkoop.settings import DEVELOPMENT_PSEUDONYM_KEY

BULK_CHUNK = 5000


def _chunks(rows: Sequence[dict[str, Any]], size: int = BULK_CHUNK) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def bulk_insert(session: Session, table: type[t.Base], rows: Sequence[dict[str, Any]]) -> None:
    """Insert many rows with executemany in chunks (fast on SQLite and PostgreSQL)."""
    for chunk in _chunks(rows):
        session.execute(cast(Table, table.__table__).insert(), list(chunk))


# -- region, providers, catalogue, contracts (no personal data) -------------------------------


class RegionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._names: dict[str, str] | None = None

    def add(self, region: Region) -> None:
        self._names = None
        self.session.add(t.RegionRow(code=region.code, name=region.name))
        self.session.flush()
        bulk_insert(
            self.session,
            t.MunicipalityRow,
            [
                {"code": m.code, "region_code": region.code, "name": m.name, "inhabitants": m.inhabitants}
                for m in region.municipalities
            ],
        )

    def get(self) -> Region | None:
        row = self.session.scalars(select(t.RegionRow).order_by(t.RegionRow.code)).first()
        if row is None:
            return None
        municipalities = self.session.scalars(
            select(t.MunicipalityRow)
            .where(t.MunicipalityRow.region_code == row.code)
            .order_by(t.MunicipalityRow.name)
        )
        return Region(
            row.code, row.name, tuple(Municipality(m.code, m.name, m.inhabitants) for m in municipalities)
        )

    def municipality_names(self) -> dict[str, str]:
        """CBS code -> name; read once per unit of work (a request asks more than once)."""
        if self._names is None:
            self._names = {
                code: name
                for code, name in self.session.execute(select(t.MunicipalityRow.code, t.MunicipalityRow.name))
            }
        return dict(self._names)


class ProviderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, providers: Iterable[Provider]) -> None:
        providers = list(providers)
        bulk_insert(
            self.session,
            t.ProviderRow,
            [
                {
                    "agb_code": p.agb_code,
                    "name": p.name,
                    "laws": ",".join(sorted(law.value for law in p.laws)),
                    "target_groups": ",".join(sorted(g.value for g in p.target_groups)),
                    "client_stop": p.client_stop,
                    "capacity": p.capacity,
                    "waiting_weeks": p.waiting_weeks,
                    "free_practitioner": p.free_practitioner,
                }
                for p in providers
            ],
        )
        bulk_insert(
            self.session,
            t.ProviderMunicipalityRow,
            [
                {"provider_agb": p.agb_code, "municipality_code": code}
                for p in providers
                for code in sorted(p.municipalities_served)
            ],
        )

    def all(self) -> list[Provider]:
        served: dict[str, set[str]] = {}
        for agb, code in self.session.execute(
            select(t.ProviderMunicipalityRow.provider_agb, t.ProviderMunicipalityRow.municipality_code)
        ):
            served.setdefault(agb, set()).add(code)
        rows = self.session.scalars(select(t.ProviderRow).order_by(t.ProviderRow.name))
        return [_provider(row, served.get(row.agb_code, set())) for row in rows]

    def names(self) -> dict[str, str]:
        """Every provider's name by AGB code: one narrow read (no municipalities served)."""
        return {
            agb: name
            for agb, name in self.session.execute(select(t.ProviderRow.agb_code, t.ProviderRow.name))
        }

    def by_allocations(self, municipality_code: str | None = None) -> list[str]:
        """AGB codes of the providers with allocations (in one municipality), most first: an
        aggregate (no person's data), for choosing a demo provider account."""
        query = select(t.AllocationRow.provider_agb, func.count()).group_by(t.AllocationRow.provider_agb)
        if municipality_code is not None:
            query = query.where(t.AllocationRow.municipality_code == municipality_code)
        counted = self.session.execute(query.order_by(func.count().desc(), t.AllocationRow.provider_agb))
        return [agb for agb, _count in counted]

    def set_client_stop(self, agb_code: str, stopped: bool) -> bool | None:
        """Put the provider on client stop (or lift it); returns the state before, None when
        there is no such provider. Never commits."""
        row = self.session.get(t.ProviderRow, agb_code)
        if row is None:
            return None
        before = bool(row.client_stop)
        row.client_stop = stopped
        return before

    def get(self, agb_code: str) -> Provider | None:
        row = self.session.get(t.ProviderRow, agb_code)
        if row is None:
            return None
        served = self.session.scalars(
            select(t.ProviderMunicipalityRow.municipality_code).where(
                t.ProviderMunicipalityRow.provider_agb == agb_code
            )
        )
        return _provider(row, set(served))


def _provider(row: t.ProviderRow, served: set[str]) -> Provider:
    return Provider(
        agb_code=row.agb_code,
        name=row.name,
        laws=frozenset(Law(v) for v in row.laws.split(",") if v),
        target_groups=frozenset(TargetGroup(v) for v in row.target_groups.split(",") if v),
        municipalities_served=frozenset(served),
        client_stop=row.client_stop,
        capacity=row.capacity,
        waiting_weeks=row.waiting_weeks,
        free_practitioner=row.free_practitioner,
    )


class CatalogueRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_products(self, products: Iterable[Product]) -> dict[tuple[str, str], int]:
        """Insert products; returns their ids keyed by (law, code)."""
        for p in products:
            self.session.add(
                t.ProductRow(
                    law=p.law.value,
                    code=p.code,
                    category=p.category,
                    name=p.name,
                    unit=p.unit.value,
                    frequency=p.frequency.value,
                    variant=p.variant.value,
                    crisis=p.crisis,
                )
            )
        self.session.flush()
        return self.product_ids()

    def product_ids(self) -> dict[tuple[str, str], int]:
        return {
            (law, code): pid
            for pid, law, code in self.session.execute(
                select(t.ProductRow.id, t.ProductRow.law, t.ProductRow.code)
            )
        }

    def add_tariffs(self, tariffs: Iterable[Tariff], product_ids: dict[str, int]) -> None:
        """``product_ids`` maps product code -> id (product codes are unique in a region)."""
        bulk_insert(
            self.session,
            t.TariffRow,
            [
                {
                    "product_id": product_ids[tariff.product_code],
                    "amount_cents": tariff.amount.cents,
                    "valid_from": tariff.valid.start,
                    "valid_to": tariff.valid.end,
                    "note": tariff.note,
                }
                for tariff in tariffs
            ],
        )

    def products(self, law: Law | None = None) -> list[Product]:
        query = select(t.ProductRow).order_by(t.ProductRow.law, t.ProductRow.code)
        if law is not None:
            query = query.where(t.ProductRow.law == law.value)
        return [
            Product(
                code=r.code,
                law=Law(r.law),
                category=r.category,
                name=r.name,
                unit=Unit(r.unit),
                frequency=Frequency(r.frequency),
                variant=FinancingVariant(r.variant),
                crisis=r.crisis,
            )
            for r in self.session.scalars(query)
        ]

    def tariffs(self, law: Law | None = None) -> list[Tariff]:
        """The catalogue tariffs (of one law: a product code is unique within a law only)."""
        return self._tariffs(t.TariffRow, law)

    def add_reference_tariffs(self, tariffs: Iterable[Tariff], product_ids: dict[str, int]) -> None:
        """Reference (NZa) tariffs; ``product_ids`` maps product code -> id."""
        bulk_insert(
            self.session,
            t.ReferenceTariffRow,
            [
                {
                    "product_id": product_ids[tariff.product_code],
                    "amount_cents": tariff.amount.cents,
                    "valid_from": tariff.valid.start,
                    "valid_to": tariff.valid.end,
                    "note": tariff.note,
                }
                for tariff in tariffs
            ],
        )

    def reference_tariffs(self, law: Law | None = None) -> list[Tariff]:
        """The reference (NZa) tariffs, the base of the 70% rule for providers without a contract."""
        return self._tariffs(t.ReferenceTariffRow, law)

    def _tariffs(
        self, table: type[t.TariffRow] | type[t.ReferenceTariffRow], law: Law | None
    ) -> list[Tariff]:
        query = (
            select(table.amount_cents, table.valid_from, table.valid_to, table.note, t.ProductRow.code)
            .join(t.ProductRow, t.ProductRow.id == table.product_id)
            .order_by(t.ProductRow.code, table.valid_from)
        )
        if law is not None:
            query = query.where(t.ProductRow.law == law.value)
        return [
            Tariff(code, Money(cents), Period(start, end), note)
            for cents, start, end, note, code in self.session.execute(query)
        ]

    # -- writing the catalogue (services.contracts) ----------------------------------------------

    def product_id(self, law: Law, code: str) -> int | None:
        return self.session.scalar(
            select(t.ProductRow.id).where(t.ProductRow.law == law.value, t.ProductRow.code == code)
        )

    def tariff_rows(self, product_id: int, provider_agb: str | None = None) -> list[tuple[int, Tariff]]:
        """(row id, tariff) of one product: the catalogue's, or ``provider_agb``'s own prices."""
        code = self.session.scalar(select(t.ProductRow.code).where(t.ProductRow.id == product_id)) or ""
        rows: Iterable[t.TariffRow | t.ProviderTariffRow]
        if provider_agb is None:
            rows = self.session.scalars(
                select(t.TariffRow)
                .where(t.TariffRow.product_id == product_id)
                .order_by(t.TariffRow.valid_from)
            )
        else:
            p = t.ProviderTariffRow
            rows = self.session.scalars(
                select(p)
                .where(p.product_id == product_id, p.provider_agb == provider_agb)
                .order_by(p.valid_from)
            )
        return [
            (r.id, Tariff(code, Money(r.amount_cents), Period(r.valid_from, r.valid_to), r.note))
            for r in rows
        ]

    def add_tariff(self, tariff: Tariff, product_id: int, provider_agb: str | None = None) -> int:
        values = {
            "product_id": product_id,
            "amount_cents": tariff.amount.cents,
            "valid_from": tariff.valid.start,
            "valid_to": tariff.valid.end,
            "note": tariff.note,
        }
        row: t.TariffRow | t.ProviderTariffRow = (
            t.TariffRow(**values)
            if provider_agb is None
            else t.ProviderTariffRow(provider_agb=provider_agb, **values)
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def end_tariff(self, row_id: int, end: date, provider: bool = False) -> None:
        """Close an open tariff on ``end`` (a new tariff follows it)."""
        row: t.TariffRow | t.ProviderTariffRow | None = (
            self.session.get(t.ProviderTariffRow, row_id)
            if provider
            else self.session.get(t.TariffRow, row_id)
        )
        assert row is not None
        row.valid_to = end
        self.session.flush()

    def provider_tariffs(self, law: Law, provider_agb: str) -> list[Tariff]:
        """A provider's own prices (bid prices) under ``law``, by product and start."""
        p = t.ProviderTariffRow
        query = (
            select(p.amount_cents, p.valid_from, p.valid_to, p.note, t.ProductRow.code)
            .join(t.ProductRow, t.ProductRow.id == p.product_id)
            .where(t.ProductRow.law == law.value, p.provider_agb == provider_agb)
            .order_by(t.ProductRow.code, p.valid_from)
        )
        return [
            Tariff(code, Money(cents), Period(start, end), note)
            for cents, start, end, note, code in self.session.execute(query)
        ]


class ContractRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_frameworks(self, frameworks: Iterable[FrameworkAgreement], product_ids: dict[str, int]) -> None:
        """Agreements with their lots; ``product_ids`` maps product code -> id (the demo's codes are
        unique over the laws)."""
        for fw in frameworks:
            self._add_framework(
                fw, {lot.code: {code: product_ids[code] for code in lot.product_codes} for lot in fw.lots}
            )

    def add_contracts(self, contracts: Iterable[Contract]) -> None:
        bulk_insert(
            self.session,
            t.ContractRow,
            [
                {
                    "number": c.number,
                    "provider_agb": c.provider_agb,
                    "framework_code": c.framework_code,
                    "lot_code": c.lot_code,
                    "valid_from": c.valid.start,
                    "valid_to": c.valid.end,
                    "ceiling_cents": c.ceiling.cents if c.ceiling is not None else None,
                    "ceiling_policy": c.ceiling_policy.value,
                    "volume_clients": c.volume_clients,
                }
                for c in contracts
            ],
        )

    def add_collective_ceilings(self, ceilings: Iterable[CollectiveCeiling]) -> None:
        ceilings = list(ceilings)
        bulk_insert(
            self.session,
            t.CollectiveCeilingRow,
            [
                {
                    "code": c.code,
                    "year": c.year,
                    "name": c.name,
                    "amount_cents": c.amount.cents,
                    "policy": c.policy.value,
                }
                for c in ceilings
            ],
        )
        bulk_insert(
            self.session,
            t.CollectiveCeilingContractRow,
            [
                {"ceiling_code": c.code, "year": c.year, "contract_number": number}
                for c in ceilings
                for number in sorted(c.contract_numbers)
            ],
        )

    def frameworks(self) -> list[FrameworkAgreement]:
        products = {(fw, lot): codes for fw, lot, codes in self._lot_product_codes()}
        result = []
        for fw in self.session.scalars(
            select(t.FrameworkAgreementRow).order_by(t.FrameworkAgreementRow.code)
        ):
            lots = tuple(
                Lot(
                    code=lot.code,
                    name=lot.name,
                    law=Law(lot.law),
                    product_codes=frozenset(products.get((fw.code, lot.code), ())),
                    kind=AgreementKind(lot.kind),
                    tariff_basis=TariffBasis(lot.tariff_basis),
                    reference_percentage=lot.reference_percentage,
                )
                for lot in self.session.scalars(
                    select(t.LotRow).where(t.LotRow.framework_code == fw.code).order_by(t.LotRow.code)
                )
            )
            term = Term(
                fw.term_start,
                fw.initial_years,
                tuple(int(y) for y in fw.extensions.split(",") if y),
                fw.notice_months,
                fw.extensions_used,
            )
            result.append(
                FrameworkAgreement(fw.code, fw.name, ProcurementProcedure(fw.procedure), term, lots)
            )
        return result

    def _lot_product_codes(self) -> list[tuple[str, str, list[str]]]:
        grouped: dict[tuple[str, str], list[str]] = {}
        query = select(t.LotProductRow.framework_code, t.LotProductRow.lot_code, t.ProductRow.code).join(
            t.ProductRow, t.ProductRow.id == t.LotProductRow.product_id
        )
        for fw, lot, code in self.session.execute(query):
            grouped.setdefault((fw, lot), []).append(code)
        return [(fw, lot, codes) for (fw, lot), codes in grouped.items()]

    def contracts(self, provider_agb: str | None = None) -> list[Contract]:
        query = select(t.ContractRow).order_by(t.ContractRow.number)
        if provider_agb is not None:
            query = query.where(t.ContractRow.provider_agb == provider_agb)
        return self._contracts(query)

    def _contracts(self, query: Select[Any]) -> list[Contract]:
        return [
            Contract(
                number=r.number,
                provider_agb=r.provider_agb,
                framework_code=r.framework_code,
                lot_code=r.lot_code,
                valid=Period(r.valid_from, r.valid_to),
                ceiling=Money(r.ceiling_cents) if r.ceiling_cents is not None else None,
                ceiling_policy=CeilingPolicy(r.ceiling_policy),
                volume_clients=r.volume_clients,
            )
            for r in self.session.scalars(query)
        ]

    # -- writing contracts (services.contracts) ------------------------------------------------

    def add_framework(self, fw: FrameworkAgreement, product_ids: dict[tuple[str, str], int]) -> None:
        """One agreement with its lots; ``product_ids`` keyed by (law, code) as
        :meth:`CatalogueRepository.product_ids` gives them (lots of different laws may share a code)."""
        self._add_framework(
            fw,
            {
                lot.code: {code: product_ids[lot.law.value, code] for code in lot.product_codes}
                for lot in fw.lots
            },
        )

    def _add_framework(self, fw: FrameworkAgreement, by_lot: dict[str, dict[str, int]]) -> None:
        """The agreement, its lots and their products (``by_lot``: lot code -> product code -> id)."""
        self.session.add(
            t.FrameworkAgreementRow(
                code=fw.code,
                name=fw.name,
                procedure=fw.procedure.value,
                term_start=fw.term.start,
                initial_years=fw.term.initial_years,
                extensions=",".join(str(y) for y in fw.term.extensions),
                notice_months=fw.term.notice_months,
                extensions_used=fw.term.extensions_used,
            )
        )
        self.session.flush()
        for lot in fw.lots:
            self.session.add(
                t.LotRow(
                    framework_code=fw.code,
                    code=lot.code,
                    name=lot.name,
                    law=lot.law.value,
                    kind=lot.kind.value,
                    tariff_basis=lot.tariff_basis.value,
                    reference_percentage=lot.reference_percentage,
                )
            )
        self.session.flush()
        bulk_insert(
            self.session,
            t.LotProductRow,
            [
                {"framework_code": fw.code, "lot_code": lot.code, "product_id": by_lot[lot.code][code]}
                for lot in fw.lots
                for code in sorted(lot.product_codes)
            ],
        )

    def framework(self, code: str) -> FrameworkAgreement | None:
        return next((fw for fw in self.frameworks() if fw.code == code), None)

    def contract(self, number: str) -> Contract | None:
        return next(iter(self._contracts(select(t.ContractRow).where(t.ContractRow.number == number))), None)

    def ended(self, number: str) -> tuple[date, str] | None:
        """When and why a contract's early end was recorded, or None."""
        row = self.session.get(t.ContractRow, number)
        if row is None or row.ended_on is None:
            return None
        return row.ended_on, row.end_reason or ""

    def set_contract_end(
        self, number: str, end: date | None, *, ended_on: date | None = None, reason: str | None = None
    ) -> None:
        row = self.session.get(t.ContractRow, number)
        assert row is not None
        row.valid_to = end
        if ended_on is not None:
            row.ended_on, row.end_reason = ended_on, reason
        self.session.flush()

    def set_contract_ceiling(self, number: str, amount: Money | None) -> None:
        row = self.session.get(t.ContractRow, number)
        assert row is not None
        row.ceiling_cents = amount.cents if amount is not None else None
        self.session.flush()

    def set_extensions_used(self, framework_code: str, used: int) -> None:
        row = self.session.get(t.FrameworkAgreementRow, framework_code)
        assert row is not None
        row.extensions_used = used
        self.session.flush()

    def add_extension_decision(
        self, framework_code: str, *, option: int, contract_number: str, decision: str, on: date, by: str
    ) -> None:
        self.session.add(
            t.ExtensionDecisionRow(
                framework_code=framework_code,
                option_number=option,
                contract_number=contract_number,
                decision=decision,
                decided_on=on,
                recorded_by=by,
            )
        )
        self.session.flush()

    def extension_decisions(self, framework_code: str | None = None) -> list[RecordedExtension]:
        """The recorded decisions on extension options, by agreement, option and contract."""
        e = t.ExtensionDecisionRow
        query = select(e).order_by(e.framework_code, e.option_number, e.contract_number)
        if framework_code is not None:
            query = query.where(e.framework_code == framework_code)
        return [
            RecordedExtension(
                r.framework_code, r.option_number, r.contract_number, r.decision, r.decided_on, r.recorded_by
            )
            for r in self.session.scalars(query)
        ]

    def set_collective_ceiling(self, ceiling: CollectiveCeiling) -> None:
        """Set the amount of a collective ceiling for its year, creating it with its members when
        the year has none yet."""
        row = self.session.get(t.CollectiveCeilingRow, (ceiling.code, ceiling.year))
        if row is not None:
            row.amount_cents = ceiling.amount.cents
            self.session.flush()
            return
        self.add_collective_ceilings([ceiling])
        self.session.flush()

    def collective_ceilings(self, year: int | None = None) -> list[CollectiveCeiling]:
        members: dict[tuple[str, int], set[str]] = {}
        for code, y, number in self.session.execute(
            select(
                t.CollectiveCeilingContractRow.ceiling_code,
                t.CollectiveCeilingContractRow.year,
                t.CollectiveCeilingContractRow.contract_number,
            )
        ):
            members.setdefault((code, y), set()).add(number)
        query = select(t.CollectiveCeilingRow).order_by(
            t.CollectiveCeilingRow.code, t.CollectiveCeilingRow.year
        )
        if year is not None:
            query = query.where(t.CollectiveCeilingRow.year == year)
        return [
            CollectiveCeiling(
                r.code,
                r.name,
                Money(r.amount_cents),
                r.year,
                frozenset(members.get((r.code, r.year), ())),
                CeilingPolicy(r.policy),
            )
            for r in self.session.scalars(query)
        ]

    def reached_collective_ceilings(self, year: int) -> set[tuple[str, int]]:
        """(code, year) of the collective ceilings whose 100% notice was recorded for ``year``."""
        n = t.CeilingNoticeRow
        rows = self.session.execute(
            select(n.ceiling_key, n.year).where(
                n.ceiling_kind == "collective", n.year == year, n.threshold == max(NOTICE_THRESHOLDS)
            )
        )
        return {(code, int(y)) for code, y in rows}


@dataclass(frozen=True, slots=True)
class RecordedExtension:
    """A decision on an extension option of a framework agreement for one contract, as stored."""

    framework_code: str
    option: int
    contract_number: str
    decision: str
    decided_on: date
    recorded_by: str


# -- personal data: scoped and logged ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One processing operation on one data subject, as the privacy officer sees it."""

    trace_id: str
    span_id: str
    operation: str
    started_at: datetime
    ended_at: datetime
    status: str
    activity_id: str
    subject_type: str
    subject_id: str
    """The pseudonym (HMAC-SHA256 of the BSN); never the BSN itself."""
    actor: str
    scope: str


@dataclass(frozen=True, slots=True)
class LogFilter:
    """What the privacy officer searches by; None matches anything. ``until`` is inclusive."""

    subject_id: str | None = None
    actor: str | None = None
    activity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def load_register() -> ActivityRegister:
    """The shipped register of processing activities (``data/processing_activities.toml``)."""
    return _shipped_register()


@lru_cache(maxsize=1)
def _shipped_register() -> ActivityRegister:
    text = (resources.files("zorginkoop") / "data" / "processing_activities.toml").read_text("utf-8")
    return parse_register(tomllib.loads(text))


Subject = str | tuple[str, str | None]
"""A data subject read: a BSN, or (BSN, law) when the law of what was read is known."""


class ProcessingLog:
    """The processing log after the Logboek Dataverwerkingen standard: one entry per operation
    and data subject, in the transaction of the read (a read whose entry cannot be written
    fails with it). No sampling; every subject is named, by pseudonym.

    :meth:`record` builds the entries at once and keeps them until the transaction commits:
    the session's ``before_commit`` writes them all in one insert, so a commit whose entries
    cannot be written fails and nothing of the transaction is kept (the API commits before it
    answers; a reader that never commits gets its entries from :meth:`write_pending`, which
    the unit of work calls on leaving). A rollback drops them with the rest of the transaction."""

    def __init__(
        self,
        session: Session,
        actor: str,
        scope: Scope | None = None,
        key: bytes = DEVELOPMENT_PSEUDONYM_KEY.encode(),
        register: ActivityRegister | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.scope = scope or Scope.region()
        self.key = key
        self.register = register or load_register()
        self.trace_id = secrets.token_hex(16)
        """One trace per unit of work; each recorded operation is a span in it."""
        self._reading_since: datetime | None = None
        self._pending: list[dict[str, Any]] = []
        self._unconfirmed: list[dict[str, Any]] = []
        """Entries inserted in this transaction (:meth:`write_pending`) and not committed yet."""
        event.listen(session, "do_orm_execute", self._reading)
        # the entries of the transaction go in with its commit, one executemany: on SQLite the
        # write lock is then held for that insert and the commit only, not for the reads between
        event.listen(session, "before_commit", self._write_before_commit)
        event.listen(session, "after_soft_rollback", self._forget_pending)
        event.listen(session, "after_commit", self._confirmed)

    def _reading(self, state: ORMExecuteState) -> None:
        """The start of an operation: the first read after the last recorded one."""
        if state.is_select and self._reading_since is None:
            self._reading_since = self.now()

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC).replace(tzinfo=None)

    def pseudonym(self, bsn: str) -> str:
        return pseudonymise(bsn, self.key)

    def record(
        self,
        activity: ActivityKind,
        operation: str,
        subjects: Iterable[Subject],
        *,
        law: str | None = None,
        started: datetime | None = None,
        status: Status = Status.OK,
    ) -> int:
        """Write one entry per data subject for ``operation`` (a span of this unit of work's
        trace) under the register's activity of ``activity`` for each subject's law (``law``
        when the subject gives none). Returns the number of entries; they are written with the
        transaction's commit (or :meth:`write_pending`), so a log that cannot be written fails
        the commit, before the caller answers with what was read."""
        ended = self.now()
        started = started or self._reading_since or ended
        self._reading_since = None
        span = secrets.token_hex(8)
        rows = []
        for bsn, subject_law in distinct_subjects(
            (s, law) if isinstance(s, str) else (s[0], s[1] or law) for s in subjects
        ):
            rows.append({
                "trace_id": self.trace_id, "span_id": span, "operation": operation[:100],
                "started_at": started, "ended_at": ended, "status": status.value,
                "activity_id": self.register.resolve(activity, subject_law).id,
                "subject_type": SUBJECT_TYPE_BSN, "subject_id": self.pseudonym(bsn),
                "actor": self.actor[:200], "scope": str(self.scope)[:200],
            })  # fmt: skip
        self._pending.extend(rows)
        return len(rows)

    def record_group(
        self,
        activity: ActivityKind,
        operation: str,
        group: Group,
        *,
        scope: Scope | None = None,
        started: datetime | None = None,
        status: Status = Status.OK,
    ) -> int:
        """Write one entry for a read of a figure about ``group`` (subject type ``GROUP``, the
        group's description as subject id), under the register's activity of ``activity`` for
        the group's law. ``scope``: the caller's, when the figure was read in a wider one for
        it (a provider's anonymised peers). Written as :meth:`record` writes; returns 1."""
        ended = self.now()
        started = started or self._reading_since or ended
        self._reading_since = None
        self._pending.append({
            "trace_id": self.trace_id, "span_id": secrets.token_hex(8), "operation": operation[:100],
            "started_at": started, "ended_at": ended, "status": status.value,
            "activity_id": self.register.resolve(activity, group.law).id,
            "subject_type": SUBJECT_TYPE_GROUP, "subject_id": group.subject_id,
            "actor": self.actor[:200], "scope": str(scope or self.scope)[:200],
        })  # fmt: skip
        return 1

    @property
    def pending(self) -> int:
        """Entries recorded in this transaction and not written yet."""
        return len(self._pending)

    @property
    def owed(self) -> int:
        """Entries of this transaction not committed yet (recorded, or written and not committed)."""
        return len(self._pending) + len(self._unconfirmed)

    def write_pending(self) -> int:
        """Write the entries recorded so far in this transaction (one executemany); the number.
        They are owed until the transaction commits (the unit of work commits them on leaving)."""
        rows, self._pending = self._pending, []
        if rows:
            try:
                bulk_insert(self.session, t.ProcessingLogEntryRow, rows)
            except BaseException:
                self._pending = rows + self._pending  # still owed: a retried commit writes them
                raise
            self._unconfirmed.extend(rows)
        return len(rows)

    def commit_pending_alone(self) -> int:
        """Roll back the rest of the transaction and commit only the entries still owed (a
        reader that read personal data and did not commit); the number written. Raises when
        they cannot be written, so that read fails too."""
        owed, self._pending, self._unconfirmed = self._unconfirmed + self._pending, [], []
        self.session.rollback()
        self._pending = owed
        self.session.commit()
        return len(owed)

    def _confirmed(self, _session: Session) -> None:
        self._unconfirmed.clear()

    def _write_before_commit(self, _session: Session) -> None:
        self.write_pending()

    def _forget_pending(self, _session: Session, previous: SessionTransaction) -> None:
        if not previous.nested:
            self._pending.clear()
            self._unconfirmed.clear()

    def search(self, where: LogFilter, limit: int | None = None) -> list[LogEntry]:
        """Entries matching every given filter, oldest first (this transaction's own included)."""
        self.write_pending()
        e = t.ProcessingLogEntryRow
        query = select(e).order_by(e.started_at, e.id)
        if where.subject_id is not None:
            query = query.where(e.subject_id == where.subject_id)
        if where.actor is not None:
            query = query.where(e.actor == where.actor)
        if where.activity_id is not None:
            query = query.where(e.activity_id == where.activity_id)
        if where.since is not None:
            query = query.where(e.started_at >= where.since)
        if where.until is not None:
            query = query.where(e.started_at <= where.until)
        if limit is not None:
            query = query.limit(limit)
        return [
            LogEntry(r.trace_id, r.span_id, r.operation, r.started_at, r.ended_at, r.status, r.activity_id,
                     r.subject_type, r.subject_id, r.actor, r.scope)
            for r in self.session.scalars(query)
        ]  # fmt: skip

    def entries(self, since: datetime | None = None) -> list[LogEntry]:
        return self.search(LogFilter(since=since))


def scope_clients(query: Select[Any], scope: Scope) -> Select[Any]:
    """Restrict a query over ``client`` to what ``scope`` may see. The session applies the same
    criteria to every read (:mod:`.tenancy`); this keeps a query honest on its own too."""
    codes = sorted(scope.codes)
    if scope.kind is ScopeKind.MUNICIPALITY:
        return query.where(t.ClientRow.municipality_code.in_(codes))
    if scope.kind is ScopeKind.PROVIDER:
        own = aliased(t.AllocationRow)  # never correlated with the query's own allocation
        return query.where(
            exists().where(and_(own.client_bsn == t.ClientRow.bsn, own.provider_agb.in_(codes)))
        )
    return query


def scope_allocations(query: Select[Any], scope: Scope) -> Select[Any]:
    codes = sorted(scope.codes)
    if scope.kind is ScopeKind.MUNICIPALITY:
        return query.where(t.AllocationRow.municipality_code.in_(codes))
    if scope.kind is ScopeKind.PROVIDER:
        return query.where(t.AllocationRow.provider_agb.in_(codes))
    return query


class ClientRepository:
    def __init__(self, session: Session, scope: Scope, log: ProcessingLog) -> None:
        self.session = session
        self.scope = scope
        self.log = log

    def add_all(self, clients: Iterable[Client]) -> None:
        bulk_insert(
            self.session,
            t.ClientRow,
            [
                {
                    "bsn": c.bsn,
                    "birth_date": c.birth_date,
                    "family_name": c.family_name,
                    "prefix": c.prefix,
                    "initials": c.initials,
                    "gender": c.gender.value,
                    "municipality_code": c.municipality_code,
                    "household_id": c.household_id,
                }
                for c in clients
            ],
        )

    def get(self, bsn: str, purpose: ActivityKind) -> Client | None:
        """The client, if within scope; the read is logged."""
        row = self.session.scalars(
            scope_clients(select(t.ClientRow).where(t.ClientRow.bsn == bsn), self.scope)
        ).first()
        if row is None:
            return None
        self.log.record(purpose, "client.get", [row.bsn])
        return _client(row)

    def search(
        self, purpose: ActivityKind, *, family_name: str | None, birth_date: date | None, limit: int
    ) -> list[Client]:
        """Clients in scope whose family name starts with ``family_name`` (case ignored, the
        prefix such as 'van' apart) and/or born on ``birth_date``; at most ``limit``, by name.
        Each client found is logged."""
        query = select(t.ClientRow)
        if family_name:
            escaped = family_name.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(func.lower(t.ClientRow.family_name).like(escaped + "%", escape="\\"))
        if birth_date is not None:
            query = query.where(t.ClientRow.birth_date == birth_date)
        rows = list(
            self.session.scalars(
                scope_clients(query, self.scope)
                .order_by(t.ClientRow.family_name, t.ClientRow.initials, t.ClientRow.bsn)
                .limit(limit)
            )
        )
        self.log.record(purpose, "client.search", [r.bsn for r in rows])
        return [_client(r) for r in rows]

    def household(self, household_id: str, purpose: ActivityKind) -> list[Client]:
        rows = list(
            self.session.scalars(
                scope_clients(select(t.ClientRow).where(t.ClientRow.household_id == household_id), self.scope)
            )
        )
        self.log.record(purpose, "client.household", [r.bsn for r in rows])
        return [_client(r) for r in rows]

    def count(self) -> int:
        """Number of clients in scope (no personal data, not logged)."""
        return (
            self.session.scalar(scope_clients(select(func.count()).select_from(t.ClientRow), self.scope)) or 0
        )


def _client(row: t.ClientRow) -> Client:
    return Client(
        bsn=row.bsn,
        birth_date=row.birth_date,
        family_name=row.family_name,
        initials=row.initials,
        gender=Gender(row.gender),
        municipality_code=row.municipality_code,
        household_id=row.household_id,
        prefix=row.prefix,
    )


class DecisionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_all(self, decisions: Iterable[Decision]) -> None:
        decisions = list(decisions)
        bulk_insert(
            self.session,
            t.DecisionRow,
            [
                {
                    "id": d.id,
                    "client_bsn": d.client_bsn,
                    "municipality_code": d.municipality_code,
                    "law": d.law.value,
                    "decided_on": d.decided_on,
                    "valid_from": d.valid.start,
                    "valid_to": d.valid.end,
                    "product_code": d.product_code,
                    "model_id": d.model_id,
                    "result_areas": ",".join(d.result_areas),
                    "support_type": d.support_type,
                    "intensity": d.intensity,
                    "monthly_budget_cents": d.monthly_budget.cents if d.monthly_budget else None,
                    "total_budget_cents": d.total_budget.cents if d.total_budget else None,
                }
                for d in decisions
            ],
        )
        bulk_insert(
            self.session,
            t.EvaluationMomentRow,
            [
                {"decision_id": d.id, "due": m.due, "label": m.label, "done_on": None}
                for d in decisions
                for m in d.evaluation_moments
            ],
        )
        bulk_insert(
            self.session,
            t.DecisionAddOnRow,
            [
                {"decision_id": d.id, "module_id": a.module_id, "product_code": a.product_code,
                 "amount_cents": a.amount.cents}
                for d in decisions
                for a in d.add_ons
            ],
        )  # fmt: skip


class AllocationRepository:
    def __init__(self, session: Session, scope: Scope, log: ProcessingLog) -> None:
        self.session = session
        self.scope = scope
        self.log = log

    def add_all(self, allocations: Iterable[Allocation]) -> None:
        bulk_insert(self.session, t.AllocationRow, [allocation_row(a) for a in allocations])

    def last_day_in_force(self, before: date, provider_agb: str | None = None) -> date | None:
        """The latest day up to ``before`` on which an allocation in scope (of one provider) was in
        force, or None: a date, no one's data, so nothing is logged."""
        a = t.AllocationRow
        last = func.max(case((a.valid_to.is_(None) | (a.valid_to > before), before), else_=a.valid_to))
        query = select(last).where(
            a.valid_from <= before,
            a.change_reason.is_(None) | (a.change_reason != ChangeReason.VERWIJDERD.value),
        )
        if provider_agb is not None:
            query = query.where(a.provider_agb == provider_agb)
        found = self.session.scalar(scope_allocations(query, self.scope))
        return date.fromisoformat(found) if isinstance(found, str) else found

    def active_on(
        self, day: date, purpose: ActivityKind, law: Law | None = None, provider_agb: str | None = None
    ) -> list[Allocation]:
        query = select(t.AllocationRow).where(
            t.AllocationRow.valid_from <= day,
            (t.AllocationRow.valid_to.is_(None)) | (t.AllocationRow.valid_to >= day),
            (t.AllocationRow.change_reason.is_(None))
            | (t.AllocationRow.change_reason != ChangeReason.VERWIJDERD.value),
        )
        if law is not None:
            query = query.where(t.AllocationRow.law == law.value)
        if provider_agb is not None:
            query = query.where(t.AllocationRow.provider_agb == provider_agb)
        rows = list(self.session.scalars(scope_allocations(query.order_by(t.AllocationRow.id), self.scope)))
        self.log.record(purpose, "allocation.active_on", [(r.client_bsn, r.law) for r in rows])
        return [allocation_from_row(r) for r in rows]

    def count(self) -> int:
        return (
            self.session.scalar(
                scope_allocations(select(func.count()).select_from(t.AllocationRow), self.scope)
            )
            or 0
        )


def allocation_row(a: Allocation) -> dict[str, Any]:
    return {
        "number": a.number,
        "municipality_code": a.municipality_code,
        "law": a.law.value,
        "client_bsn": a.client_bsn,
        "provider_agb": a.provider_agb,
        "category": a.category,
        "product_code": a.product_code,
        "valid_from": a.valid.start,
        "valid_to": a.valid.end,
        "allocated_at": a.allocated_at,
        "volume": a.volume,
        "unit": a.unit.value if a.unit else None,
        "frequency": a.frequency.value if a.frequency else None,
        "budget_cents": a.budget.cents if a.budget is not None else None,
        "budget_limit_cents": a.budget_limit.cents if a.budget_limit is not None else None,
        "decision_id": a.decision_id,
        "change_reason": a.change_reason.value if a.change_reason else None,
        "provider_reference": a.provider_reference,
        "comment": a.comment,
        "nza_percentage": a.nza_percentage,
        "goals_reached": a.goals_reached.value if a.goals_reached is not None else None,
        "referrer_type": a.referrer.type.value if a.referrer is not None else None,
        "referrer_name": a.referrer.name if a.referrer is not None else None,
        "referrer_agb": a.referrer.agb_code if a.referrer is not None else None,
    }


def allocation_from_row(r: t.AllocationRow) -> Allocation:
    return Allocation(
        number=r.number,
        client_bsn=r.client_bsn,
        provider_agb=r.provider_agb,
        municipality_code=r.municipality_code,
        law=Law(r.law),
        category=r.category,
        product_code=r.product_code,
        valid=Period(r.valid_from, r.valid_to),
        allocated_at=r.allocated_at,
        volume=r.volume,
        unit=Unit(r.unit) if r.unit else None,
        frequency=Frequency(r.frequency) if r.frequency else None,
        budget=Money(r.budget_cents) if r.budget_cents is not None else None,
        budget_limit=Money(r.budget_limit_cents) if r.budget_limit_cents is not None else None,
        decision_id=r.decision_id,
        change_reason=ChangeReason(r.change_reason) if r.change_reason else None,
        provider_reference=r.provider_reference,
        comment=r.comment,
        nza_percentage=Decimal(r.nza_percentage) if r.nza_percentage is not None else None,
        goals_reached=GoalsReached(r.goals_reached) if r.goals_reached else None,
        referrer=Referrer.of(r.referrer_type, r.referrer_name, r.referrer_agb) if r.referrer_type else None,
    )


class DeclarationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_processed(
        self, declarations: Sequence[Declaration], outcomes: dict[tuple[str, str], LineOutcome]
    ) -> None:
        """Store declarations already adjudicated (history, demo). ``outcomes`` is keyed by
        (provider AGB, line reference); a line without an outcome stays pending."""
        header_rows = []
        for d in declarations:
            granted = sum(
                outcomes[(d.provider_agb, line.reference)].granted.cents
                for line in d.lines
                if (d.provider_agb, line.reference) in outcomes
            )
            header_rows.append(
                {
                    "number": d.number,
                    "message_id": d.message_id,
                    "provider_agb": d.provider_agb,
                    "municipality_code": d.municipality_code,
                    "law": d.law.value,
                    "period_start": d.period.start,
                    "period_end": d.period.end,
                    "submitted_on": d.submitted_on,
                    "total_cents": d.total.cents,
                    "granted_cents": granted,
                    "status": "processed",
                }
            )
        first = self.session.scalar(select(func.coalesce(func.max(t.DeclarationRow.id), 0)))
        bulk_insert(self.session, t.DeclarationRow, header_rows)
        ids = {
            (agb, law, number): did
            for did, agb, law, number in self.session.execute(
                select(
                    t.DeclarationRow.id,
                    t.DeclarationRow.provider_agb,
                    t.DeclarationRow.law,
                    t.DeclarationRow.number,
                ).where(t.DeclarationRow.id > first)
            )
        }
        line_rows = []
        for d in declarations:
            declaration_id = ids[(d.provider_agb, d.law.value, d.number)]
            for line in d.lines:
                outcome = outcomes.get((d.provider_agb, line.reference))
                line_rows.append(
                    {
                        "declaration_id": declaration_id,
                        "reference": line.reference,
                        "client_bsn": line.client_bsn,
                        "allocation_number": line.allocation_number,
                        "provider_agb": line.provider_agb,
                        "municipality_code": line.municipality_code,
                        "law": line.law.value,
                        "category": line.category,
                        "product_code": line.product_code,
                        "period_start": line.period.start,
                        "period_end": line.period.end,
                        "volume": line.volume,
                        "unit": line.unit.value,
                        "tariff_cents": line.tariff.cents,
                        "amount_cents": line.amount.cents,
                        "debit_credit": line.debit_credit.value,
                        "previous_reference": line.previous_reference,
                        "status": (outcome.status if outcome else LineStatus.PENDING).value,
                        "granted_cents": outcome.granted.cents if outcome else 0,
                        "return_codes": ",".join(outcome.return_codes) if outcome else "",
                    }
                )
        first_line = self.session.scalar(select(func.coalesce(func.max(t.DeclarationLineRow.id), 0)))
        bulk_insert(self.session, t.DeclarationLineRow, line_rows)
        # Approved history is paid history: one ledger entry per approved line.
        from zorginkoop.adapters.db.declaration_store import add_payments

        add_payments(self.session, datetime.now(UTC).replace(tzinfo=None), after_line_id=first_line)
