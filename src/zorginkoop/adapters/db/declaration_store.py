# SPDX-License-Identifier: EUPL-1.2
"""The store side of declaration processing: the facts a declaration is judged against, and
writing its outcome (declaration, lines, payments, ceiling notices, the 325) in one transaction.

Facts are loaded for the declaration's provider, municipality and law in a few queries up front,
as plain data (``domain.declaration_facts.DeclarationFacts``: allocations by number, products, the
tariff schedule, the provider's contracts and the member contracts of its collective ceilings,
earlier lines by reference, the approved lines of the declared allocations, what was paid per
provider, product and year); which tariff and ceilings apply and what the approved lines add up to
is decided in the domain. Lines and payments are written with Core bulk inserts in chunks.
What shares a running sum is serialised before the facts are read (:meth:`DeclarationStore.lock_keys`,
taken with ``uow.serialise``); the unique constraint on (provider, law, reference) of
``declaration_line``, the primary key of ``processed_file`` and the unique key of
``ceiling_notice`` hold behind that as belt and braces.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, case, func, insert, literal, select
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.repositories import (
    CatalogueRepository,
    ContractRepository,
    ProcessingLog,
    allocation_from_row,
    bulk_insert,
)
from zorginkoop.domain.adjudication import Notice
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.catalogue import Tariff, TariffSchedule, with_own_prices
from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.contracts import Contract
from zorginkoop.domain.declaration_facts import (
    ApprovedLine,
    CeilingKey,
    ContractFacts,
    DeclarationFacts,
    PriorLine,
    ProductFacts,
    Usage,
)
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind

DUPLICATE_REFERENCE = "8021"
"""A line rejected with 8021 (TR314) is answered in the 325 but not stored: its reference is taken."""
INSERT_CHUNK = 10_000
LINE_COLUMNS = (
    "declaration_id", "reference", "client_bsn", "allocation_number", "provider_agb", "municipality_code", "law",
    "category", "product_code", "period_start", "period_end", "volume", "unit", "tariff_cents", "amount_cents",
    "debit_credit", "previous_reference", "status", "granted_cents", "return_codes",
)  # fmt: skip
IN_CHUNK = 900
"""Values per ``IN (...)`` list: well below SQLite's limit on bound parameters."""


def _chunked(values: Sequence[Any], size: int = IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True, slots=True)
class ProcessedFile:
    sha256: str
    file_name: str
    processed_at: datetime
    declaration_id: int | None
    outcome: str
    answer_message_id: int | None


@dataclass(frozen=True, slots=True)
class ContractScope:
    """A provider's contract with the products and law of its lot."""

    contract: Contract
    law: Law
    products: frozenset[str]


@dataclass(frozen=True, slots=True)
class HeadRow:
    """What the ``declaration`` row records of a 323."""

    number: str
    message_id: str
    provider_agb: str
    municipality_code: str
    law: Law
    period: Period
    submitted_on: date
    total: Money


@dataclass(frozen=True, slots=True)
class AnsweredDeclaration:
    """A 325 in the outbox with the 323 file it answers (no personal data: parties, numbers, sums)."""

    answer_id: int
    law: Law
    identification: str
    answer_file: str
    answered_at: datetime
    status: str
    """The 325's delivery: pending or exported."""
    provider_agb: str
    municipality_code: str
    outcome: str
    declaration_file: str | None
    declaration_number: str | None
    """None for a file refused as a whole (no declaration is stored then)."""
    period: Period | None
    submitted: Money | None
    granted: Money | None


class DeclarationStore:
    """Reads facts for and writes outcomes of declaration processing. Never commits."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def answered(
        self, provider_agb: str | None = None, month: Period | None = None, limit: int = 500
    ) -> list[AnsweredDeclaration]:
        """The 325s sent, newest first, with the file and declaration each answers; of one
        provider, of declarations whose period starts in ``month``. The session's scope applies."""
        m, f, d = t.MessageRow, t.ProcessedFileRow, t.DeclarationRow
        query = (
            select(
                m.id, m.law, m.identification, m.file_name, m.created_at, m.status, m.provider_agb,
                m.municipality_code, m.summary, f.file_name.label("declaration_file"), d.number,
                d.period_start, d.period_end, d.total_cents, d.granted_cents,
            )
            .outerjoin(f, f.answer_message_id == m.id)
            .outerjoin(d, d.id == f.declaration_id)
            .where(m.direction == "out", m.message_type == "325")
        )  # fmt: skip
        if provider_agb:
            query = query.where(m.provider_agb == provider_agb)
        if month is not None and month.end is not None:
            query = query.where(d.period_start >= month.start, d.period_start <= month.end)
        rows = self.session.execute(query.order_by(m.id.desc()).limit(limit))
        return [
            AnsweredDeclaration(
                r.id, Law(r.law), r.identification, r.file_name, r.created_at, r.status, r.provider_agb,
                r.municipality_code, r.summary, r.declaration_file, r.number,
                Period(r.period_start, r.period_end) if r.period_start else None,
                None if r.total_cents is None else Money(r.total_cents),
                None if r.granted_cents is None else Money(r.granted_cents),
            )
            for r in rows
        ]  # fmt: skip

    # -- recognising what was seen before ---------------------------------------------------------
    def processed_file(self, sha256: str) -> ProcessedFile | None:
        row = self.session.get(t.ProcessedFileRow, sha256)
        if row is None:
            return None
        return ProcessedFile(
            row.sha256,
            row.file_name,
            row.processed_at,
            row.declaration_id,
            row.outcome,
            row.answer_message_id,
        )

    def lock_keys(self, provider_agb: str, law: Law, years: Iterable[int]) -> list[str]:
        """What a declaration of the provider under the law books into, as lock keys (see
        ``UnitOfWork.serialise``): the provider's allocations, references and numbers under the
        law (volumes, budgets, open debits; TR314, TR333, TR056), each contract of the provider
        with a ceiling, and each collective ceiling one of its contracts counts towards in the
        years declared. Read from configuration only: no running sum is read here."""
        wanted = set(years)
        own = [c for c in self.contract_scopes(provider_agb) if c.law is law]
        keys = [f"provider:{provider_agb}:{law.value}"]
        keys += [f"contract:{c.contract.number}" for c in own if c.contract.ceiling is not None]
        numbers = {c.contract.number for c in own}
        keys += [
            f"collective:{cc.code}:{cc.year}"
            for cc in ContractRepository(self.session).collective_ceilings()
            if cc.year in wanted and numbers & set(cc.contract_numbers)
        ]
        return keys

    def number_known(self, provider_agb: str, law: Law, number: str) -> bool:
        """TR333: the DeclaratieNummer was used before by the provider within the law."""
        return bool(
            self.session.scalar(
                select(func.count())
                .select_from(t.DeclarationRow)
                .where(
                    t.DeclarationRow.provider_agb == provider_agb,
                    t.DeclarationRow.law == law.value,
                    t.DeclarationRow.number == number,
                )
            )
        )

    def identification_known(self, provider_agb: str, law: Law, identification: str) -> bool:
        """TR056: the 323's Identificatie was received before from the provider within the law."""
        return bool(
            self.session.scalar(
                select(func.count())
                .select_from(t.DeclarationRow)
                .where(
                    t.DeclarationRow.provider_agb == provider_agb,
                    t.DeclarationRow.law == law.value,
                    t.DeclarationRow.message_id == identification,
                )
            )
        )

    def parties_known(self, provider_agb: str, municipality_code: str) -> tuple[bool, bool]:
        provider = self.session.get(t.ProviderRow, provider_agb) is not None
        municipality = self.session.get(t.MunicipalityRow, municipality_code) is not None
        return provider, municipality

    # -- facts --------------------------------------------------------------------------------------
    def contract_scopes(self, provider_agb: str | None = None) -> list[ContractScope]:
        repo = ContractRepository(self.session)
        lots = {(fw.code, lot.code): lot for fw in repo.frameworks() for lot in fw.lots}
        scopes = []
        for contract in repo.contracts(provider_agb):
            lot = lots.get((contract.framework_code, contract.lot_code))
            if lot is not None:
                scopes.append(ContractScope(contract, lot.law, lot.product_codes))
        return scopes

    def load_facts(
        self,
        *,
        provider_agb: str,
        municipality_code: str,
        law: Law,
        declaration_period: Period,
        lines: Sequence[DeclaredLine],
    ) -> DeclarationFacts:
        """Everything the lines are judged against, as plain data, in a handful of queries:
        which tariff and ceilings apply is decided by ``domain.declaration_facts``."""
        s = self.session
        numbers = sorted({line.allocation_number for line in lines})
        allocations: dict[int, Allocation] = {}
        table = t.AllocationRow.__table__
        for chunk in _chunked(numbers):
            # Core rows, no ORM identity map: a big provider has 10,000 allocations in one file
            for row in s.connection().execute(
                select(table).where(
                    table.c.municipality_code == municipality_code,
                    table.c.law == law.value,
                    table.c.number.in_(chunk),
                )
            ):
                allocations[row.number] = allocation_from_row(row)  # type: ignore[arg-type]

        products: dict[str, ProductFacts] = {}
        product_ids: dict[int, str] = {}
        for pid, code, unit, crisis in s.execute(
            select(t.ProductRow.id, t.ProductRow.code, t.ProductRow.unit, t.ProductRow.crisis).where(
                t.ProductRow.law == law.value
            )
        ):
            products[code] = ProductFacts(Unit(unit), bool(crisis))
            product_ids[pid] = code
        schedule = TariffSchedule.of(
            Tariff(product_ids[pid], Money(cents), Period(start, end))
            for pid, cents, start, end in s.execute(
                select(
                    t.TariffRow.product_id,
                    t.TariffRow.amount_cents,
                    t.TariffRow.valid_from,
                    t.TariffRow.valid_to,
                )
            )
            if pid in product_ids
        )
        # the provider's own prices (bid prices) where it has them: its contract tariff (TR418)
        schedule = with_own_prices(schedule, CatalogueRepository(s).provider_tariffs(law, provider_agb))

        own = [c for c in self.contract_scopes(provider_agb) if c.law is law]
        years = sorted({line.period.start.year for line in lines})
        own_numbers = {c.contract.number for c in own}
        collectives = [
            cc
            for cc in ContractRepository(self.session).collective_ceilings()
            if cc.year in years and cc.contract_numbers & own_numbers
        ]
        member_numbers = {n for cc in collectives for n in cc.contract_numbers} - own_numbers
        members = (
            [c for c in self.contract_scopes() if c.contract.number in member_numbers]
            if member_numbers
            else []
        )
        contracts = [
            ContractFacts(c.contract.number, c.contract.provider_agb, c.law, c.products, c.contract.valid,
                          c.contract.ceiling, c.contract.ceiling_policy)
            for c in (*own, *members)
        ]  # fmt: skip
        has_ceiling = any(c.ceiling is not None for c in contracts) or bool(collectives)
        # the NZa tariffs, only when an allocation is paid a share of them (the 70% rule)
        nza_based = any(a.nza_percentage is not None for a in allocations.values())
        return DeclarationFacts(
            reference_tariffs=TariffSchedule.of(CatalogueRepository(s).reference_tariffs(law))
            if nza_based
            else TariffSchedule(),
            provider_agb=provider_agb,
            law=law,
            declaration_period=declaration_period,
            allocations=allocations,
            products=products,
            contracts=contracts,
            tariffs=schedule,
            collective_ceilings=collectives,
            prior=self._prior(provider_agb, law, lines),
            usage=Usage.of(self._used(municipality_code, law, numbers)),
            spent=self._ceilings(sorted({c.provider_agb for c in contracts}), years, law)
            if has_ceiling
            else {},
        )

    def _ceilings(
        self, providers: Sequence[str], years: Sequence[int], law: Law
    ) -> dict[tuple[str, str, int], Money]:
        """What was paid (net) per provider, product code and year under the law: the use of the
        providers' contract ceilings and collective ceilings is summed from it in the domain."""
        spent: dict[tuple[str, str, int], int] = defaultdict(int)
        if providers:
            for agb, code, year, cents in self.session.execute(
                select(t.PaymentRow.provider_agb, t.DeclarationLineRow.product_code, t.PaymentRow.year,
                       func.sum(t.PaymentRow.amount_cents))
                .join(t.DeclarationLineRow, t.DeclarationLineRow.id == t.PaymentRow.declaration_line_id)
                .where(t.PaymentRow.provider_agb.in_(providers), t.PaymentRow.year.in_(years),
                       t.PaymentRow.law == law.value)
                .group_by(t.PaymentRow.provider_agb, t.DeclarationLineRow.product_code, t.PaymentRow.year)
            ):  # fmt: skip
                spent[agb, code or "", year] += int(cents or 0)
        return {key: Money(cents) for key, cents in spent.items()}

    def _prior(self, provider_agb: str, law: Law, lines: Sequence[DeclaredLine]) -> dict[str, PriorLine]:
        """Earlier lines by reference (TR314; TR323 compares a credit with its debit on key fields)."""
        refs = sorted(
            {x.reference for x in lines} | {x.previous_reference for x in lines if x.previous_reference}
        )
        prior: dict[str, PriorLine] = {}
        line = t.DeclarationLineRow
        for chunk in _chunked(refs):
            for row in self.session.execute(
                select(line.reference, line.status, line.debit_credit, line.previous_reference, line.client_bsn,
                       line.allocation_number, line.municipality_code, line.category, line.product_code,
                       line.period_start, line.period_end, line.volume, line.unit, line.tariff_cents,
                       line.amount_cents)
                .where(line.provider_agb == provider_agb, line.law == law.value, line.reference.in_(chunk))
            ):  # fmt: skip
                declared = DeclaredLine(
                    reference=row.reference, client_bsn=row.client_bsn, allocation_number=row.allocation_number,
                    provider_agb=provider_agb, municipality_code=row.municipality_code, law=law,
                    category=row.category, product_code=row.product_code,
                    period=Period(row.period_start, row.period_end), volume=row.volume, unit=Unit(row.unit),
                    tariff=Money(row.tariff_cents), amount=Money(row.amount_cents),
                    debit_credit=DebitCredit(row.debit_credit), previous_reference=row.previous_reference,
                )  # fmt: skip
                prior[row.reference] = PriorLine(declared, row.status == LineStatus.APPROVED.value)
        return prior

    def _used(self, municipality_code: str, law: Law, numbers: Sequence[int]) -> list[ApprovedLine]:
        """The approved lines on the declared allocations (TR322, TR369, TR389, TR390 add them up)."""
        found: list[ApprovedLine] = []
        line = t.DeclarationLineRow
        for chunk in _chunked(list(numbers)):
            for number, ref, dc, previous, start, end, category, code, vol, unit, granted in self.session.execute(
                select(line.allocation_number, line.reference, line.debit_credit, line.previous_reference,
                       line.period_start, line.period_end, line.category, line.product_code, line.volume,
                       line.unit, line.granted_cents)
                .where(line.municipality_code == municipality_code, line.law == law.value,
                       line.status == LineStatus.APPROVED.value, line.allocation_number.in_(chunk))
            ):  # fmt: skip
                found.append(ApprovedLine(number, ref, DebitCredit(dc), previous, Period(start, end), category, code,
                                          vol, Unit(unit), Money(granted)))  # fmt: skip
        return found

    def existing_notices(self, keys: Iterable[CeilingKey]) -> set[tuple[str, str, int, int]]:
        wanted = {(k.kind, k.key, k.year) for k in keys}
        if not wanted:
            return set()
        n = t.CeilingNoticeRow
        rows = self.session.execute(
            select(n.ceiling_kind, n.ceiling_key, n.year, n.threshold).where(
                n.ceiling_key.in_(sorted({k for _kind, k, _y in wanted}))
            )
        )
        return {
            (kind, key, year, threshold) for kind, key, year, threshold in rows if (kind, key, year) in wanted
        }

    # -- writing --------------------------------------------------------------------------------------
    def claim_file(self, sha256: str, file_name: str, now: datetime, outcome: str = "processing") -> None:
        """Record the file by its bytes (processed, or refused with ``outcome``): the same bytes
        again are answered with what this file is answered with (see :meth:`add_answer`). A
        concurrent import of the same bytes is held by the locks; the primary key is the belt
        and braces behind them."""
        self.session.execute(
            insert(t.ProcessedFileRow).values(
                sha256=sha256,
                file_name=file_name[:255],
                processed_at=now,
                declaration_id=None,
                outcome=outcome[:200],
                answer_message_id=None,
            )
        )

    def save(
        self,
        *,
        sha256: str,
        head: HeadRow,
        lines: Sequence[DeclaredLine],
        outcomes: Sequence[LineOutcome],
        notices: Sequence[Notice],
        now: datetime,
        outcome: str,
    ) -> int:
        """Write the declaration, its lines with outcomes, one payment per approved line and new
        notices; returns the declaration id. The caller commits once."""
        s = self.session
        granted = Money.sum(o.granted for o in outcomes)
        declaration_id = int(
            s.execute(
                insert(t.DeclarationRow)
                .values(
                    number=head.number, message_id=head.message_id, provider_agb=head.provider_agb,
                    municipality_code=head.municipality_code, law=head.law.value,
                    period_start=head.period.start, period_end=head.period.end, submitted_on=head.submitted_on,
                    total_cents=head.total.cents, granted_cents=granted.cents, status="processed",
                )
                .returning(t.DeclarationRow.id)
            ).scalar_one()
        )  # fmt: skip
        sqlite = s.get_bind().dialect.name == "sqlite"

        def day(value: date | None) -> Any:
            # SQLite keeps dates as ISO text (as SQLAlchemy's Date does there); drivers elsewhere adapt dates
            return value.isoformat() if sqlite and value is not None else value

        def rows() -> Iterable[tuple[Any, ...]]:
            for line, result in zip(lines, outcomes, strict=True):
                if DUPLICATE_REFERENCE in result.return_codes:
                    continue  # the reference belongs to the line declared first; the 325 answers this one
                yield (
                    declaration_id, line.reference, line.client_bsn, line.allocation_number, line.provider_agb,
                    line.municipality_code, line.law.value, line.category, line.product_code,
                    day(line.period.start), day(line.period.end), line.volume, line.unit.value, line.tariff.cents,
                    line.amount.cents, line.debit_credit.value, line.previous_reference, result.status.value,
                    result.granted.cents, ",".join(result.return_codes)[:200],
                )  # fmt: skip

        self._insert_many(LINE_COLUMNS, rows())
        add_payments(s, now, declaration_id)
        self._add_notices(notices, declaration_id, now)
        s.execute(
            t.ProcessedFileRow.__table__.update()  # type: ignore[attr-defined]
            .where(t.ProcessedFileRow.sha256 == sha256)
            .values(declaration_id=declaration_id, outcome=outcome[:200])
        )
        return declaration_id

    def _insert_many(self, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """executemany straight on the driver, in chunks: 100,000 lines without a dict (or
        SQLAlchemy's per-value processing) per row."""
        connection = self.session.connection()
        marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        sql = (f"INSERT INTO declaration_line ({', '.join(columns)}) "  # noqa: S608 - our constant column names
               f"VALUES ({', '.join([marker] * len(columns))})")  # fmt: skip
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= INSERT_CHUNK:
                connection.exec_driver_sql(sql, chunk)
                chunk = []
        if chunk:
            connection.exec_driver_sql(sql, chunk)

    def _add_notices(self, notices: Sequence[Notice], declaration_id: int, now: datetime) -> None:
        if not notices:
            return
        existing = self.existing_notices(n.key for n in notices)
        rows = []
        for notice in dict.fromkeys(notices):
            k = notice.key
            if (k.kind, k.key, k.year, notice.threshold) in existing:
                continue
            rows.append({"ceiling_kind": k.kind, "ceiling_key": k.key, "year": k.year,
                         "threshold": notice.threshold, "reached_at": now, "declaration_id": declaration_id})  # fmt: skip
        if rows:
            bulk_insert(self.session, t.CeilingNoticeRow, rows)

    def add_answer(self, sha256: str, **values: Any) -> int:
        """Put the 325 in the outbox (direction out; status pending until its file is written)
        and link it to the file it answers; returns its message id."""
        message_id = int(
            self.session.execute(
                insert(t.MessageRow).values(**values).returning(t.MessageRow.id)
            ).scalar_one()
        )
        self.session.execute(
            t.ProcessedFileRow.__table__.update()  # type: ignore[attr-defined]
            .where(t.ProcessedFileRow.sha256 == sha256)
            .values(answer_message_id=message_id)
        )
        return message_id


def add_payments(
    session: Session, now: datetime, declaration_id: int | None = None, *, after_line_id: int | None = None
) -> None:
    """One signed payment per approved line without one (of one declaration, or all; with
    ``after_line_id`` only lines stored after it, none of which has one yet): the ledger."""
    line = t.DeclarationLineRow
    year = (func.cast(func.strftime("%Y", line.period_start), Integer) if session.get_bind().dialect.name == "sqlite"
            else func.cast(func.extract("year", line.period_start), Integer))  # fmt: skip
    query = select(line.id, line.municipality_code, line.provider_agb, line.law, year, line.granted_cents,
                   literal(now, DateTime)).where(line.status == LineStatus.APPROVED.value)  # fmt: skip
    if declaration_id is not None:
        query = query.where(line.declaration_id == declaration_id)
    elif after_line_id is not None:
        query = query.where(line.id > after_line_id)
    else:
        query = query.where(
            ~select(t.PaymentRow.id).where(t.PaymentRow.declaration_line_id == line.id).exists()
        )
    session.execute(
        insert(t.PaymentRow).from_select(
            [
                "declaration_line_id",
                "municipality_code",
                "provider_agb",
                "law",
                "year",
                "amount_cents",
                "booked_at",
            ],
            query,
        )
    )


# -- reading the ledger and what is used of ceilings and allocations --------------------------------


class SpendingQueries:
    """Sums over the payments ledger (counts and sums only: no personal data leaves). The
    session's scope (:mod:`.tenancy`) restricts every sum to the reader's municipalities or
    provider; the one read of rows about persons (:meth:`allocations_in`) is logged."""

    def __init__(self, session: Session, log: ProcessingLog) -> None:
        self.session = session
        self.log = log

    def ledger(self, year: int) -> list[tuple[str, str, str, int, int, int]]:
        """(municipality, provider, law, entries, debit cents, credit cents) for payments in ``year``."""
        p = t.PaymentRow
        debit = func.sum(case((p.amount_cents > 0, p.amount_cents), else_=0))
        credit = func.sum(case((p.amount_cents < 0, p.amount_cents), else_=0))
        rows = self.session.execute(
            select(p.municipality_code, p.provider_agb, p.law, func.count(), debit, credit)
            .where(p.year == year)
            .group_by(p.municipality_code, p.provider_agb, p.law)
            .order_by(p.municipality_code, p.provider_agb, p.law)
        )
        return [(m, agb, law, int(n), int(d or 0), int(c or 0)) for m, agb, law, n, d, c in rows]

    def last_year(self) -> int | None:
        """The latest year with payments."""
        return self.session.scalar(select(func.max(t.PaymentRow.year)))

    def used_by_provider_product(
        self, year: int, providers: Collection[str] | None = None
    ) -> dict[tuple[str, str, str], int]:
        """Paid cents per (provider, law, product code) in ``year`` (of ``providers`` only, when given)."""
        p, line = t.PaymentRow, t.DeclarationLineRow
        query = select(p.provider_agb, p.law, line.product_code, func.sum(p.amount_cents)).join(
            line, line.id == p.declaration_line_id
        )
        if providers is not None:
            query = query.where(p.provider_agb.in_(sorted(providers)))
        rows = self.session.execute(
            query.where(p.year == year).group_by(p.provider_agb, p.law, line.product_code)
        )
        return {(agb, law, code or ""): int(c or 0) for agb, law, code, c in rows}

    def used_by_allocation(self, year: int) -> dict[tuple[str, str, int], int]:
        """Paid cents per (municipality, law, allocation number) in ``year``."""
        p, line = t.PaymentRow, t.DeclarationLineRow
        rows = self.session.execute(
            select(p.municipality_code, p.law, line.allocation_number, func.sum(p.amount_cents))
            .join(line, line.id == p.declaration_line_id)
            .where(p.year == year)
            .group_by(p.municipality_code, p.law, line.allocation_number)
        )
        return {(m, law, int(n)): int(c or 0) for m, law, n, c in rows}

    def notices(self, year: int) -> dict[tuple[str, str], list[int]]:
        n = t.CeilingNoticeRow
        found: dict[tuple[str, str], list[int]] = defaultdict(list)
        for kind, key, threshold in self.session.execute(
            select(n.ceiling_kind, n.ceiling_key, n.threshold).where(n.year == year).order_by(n.threshold)
        ):
            found[kind, key].append(int(threshold))
        return found

    def allocations_in(
        self, year: int, municipality_code: str | None, provider_agb: str | None
    ) -> list[Allocation]:
        """Allocations that run for part of ``year`` (no personal data is shown from them)."""
        a = t.AllocationRow
        query = select(a).where(
            a.valid_from <= date(year, 12, 31), (a.valid_to.is_(None)) | (a.valid_to >= date(year, 1, 1))
        )
        if municipality_code:
            query = query.where(a.municipality_code == municipality_code)
        if provider_agb:
            query = query.where(a.provider_agb == provider_agb)
        started = self.log.now()
        found = [
            allocation_from_row(r)
            for r in self.session.scalars(query.order_by(a.municipality_code, a.law, a.number))
        ]
        self.log.record(ActivityKind.SPENDING, "allocation.in_year",
                        [(x.client_bsn, x.law.value) for x in found], started=started)  # fmt: skip
        return found

    def tariffs(self) -> dict[str, TariffSchedule]:
        """Tariff schedules per law."""
        schedules: dict[str, TariffSchedule] = defaultdict(TariffSchedule)
        products = {pid: (law, code) for pid, law, code in self.session.execute(
            select(t.ProductRow.id, t.ProductRow.law, t.ProductRow.code))}  # fmt: skip
        for pid, cents, start, end in self.session.execute(
            select(
                t.TariffRow.product_id, t.TariffRow.amount_cents, t.TariffRow.valid_from, t.TariffRow.valid_to
            )
        ):
            law, code = products[pid]
            schedules[law].add(Tariff(code, Money(cents), Period(start, end)))
        return dict(schedules)
