# SPDX-License-Identifier: EUPL-1.2
"""A small store with contracted allocations, and 323 files against it, for declaration tests."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.adapters.istandaarden.samples import bsn as random_bsn
from zorginkoop.domain.care import Allocation, Client, Gender
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import (
    CeilingPolicy,
    CollectiveCeiling,
    Contract,
    FrameworkAgreement,
    Lot,
    ProcurementProcedure,
    Term,
)
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine
from zorginkoop.domain.financing import calendar_weeks
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Municipality, Provider, Region

HOUTEN = "0321"
ALFA = "11111111"
TARIFF = Money.euros("50.00")
JUNE = Period.month(2021, 6)
"""The default declaration period and month of a line."""
PRODUCTS = (
    Product("OZR1", Law.WMO, "02", "Stimuleren", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT),
    Product("SPOED", Law.WMO, "17", "Spoedopvang", Unit.ETMAAL, Frequency.PER_WEEK, FinancingVariant.EFFORT,
            crisis=True),
)  # fmt: skip


def seed_store(
    engine: Engine,
    allocations: int = 3,
    *,
    ceiling: Money | None = None,
    policy: CeilingPolicy = CeilingPolicy.SIGNAL,
    collective: Money | None = None,
) -> list[Allocation]:
    """One municipality, provider ALFA contracted for OZR1 and SPOED (EUR 50 an hour or night)
    from 2021, ``allocations`` clients with 4 h/week OZR1 for 2021-01-01..2022-06-30 (78 weeks:
    312 hours)."""
    rng = random.Random(7)
    clients: list[Client] = []
    seen: set[str] = set()
    while len(clients) < allocations:
        bsn = random_bsn(rng)
        if bsn not in seen:
            seen.add(bsn)
            clients.append(Client(bsn, date(1980, 1, 1), "Test", "T", Gender.UNKNOWN, HOUTEN))
    made = [
        Allocation(
            number=i,
            client_bsn=c.bsn,
            provider_agb=ALFA,
            municipality_code=HOUTEN,
            law=Law.WMO,
            category="02",
            product_code="OZR1",
            valid=Period(date(2021, 1, 1), date(2022, 6, 30)),
            allocated_at=datetime(2020, 12, 1, 9, 0),
            volume=4,
            unit=Unit.UUR,
            frequency=Frequency.PER_WEEK,
        )
        for i, c in enumerate(clients, start=1)
    ]
    term = Term(date(2021, 1, 1), 5)
    lot = Lot("OZR", "Ondersteuning", Law.WMO, frozenset({"OZR1", "SPOED"}))
    contract = Contract("C-ALFA", ALFA, "FW", "OZR", term.period, ceiling=ceiling, ceiling_policy=policy)
    with UnitOfWork(engine) as uow:
        uow.region.add(Region("test", "Test", (Municipality(HOUTEN, "Houten", 50_000),)))
        uow.providers.add_all([Provider(ALFA, "Alfa", frozenset({Law.WMO}),
                                        frozenset({TargetGroup.COMPLEX_PROBLEMS}), frozenset({HOUTEN}))])  # fmt: skip
        ids = uow.catalogue.add_products(PRODUCTS)
        by_code = {code: pid for (_law, code), pid in ids.items()}
        uow.catalogue.add_tariffs(
            [Tariff(p.code, TARIFF, Period(date(2021, 1, 1))) for p in PRODUCTS], by_code
        )
        uow.contracts.add_frameworks(
            [FrameworkAgreement("FW", "Test", ProcurementProcedure.TENDER, term, (lot,))], by_code
        )
        uow.contracts.add_contracts([contract])
        if collective is not None:
            uow.contracts.add_collective_ceilings(
                [CollectiveCeiling("COLL", "Collectief", collective, 2021, frozenset({"C-ALFA"}), policy)]
            )
        uow.clients.add_all(clients)
        uow.allocations.add_all(made)
        uow.commit()
    return made


def line_for(
    a: Allocation, reference: str, month: Period = JUNE, hours: int = 10, **changes: object
) -> DeclaredLine:
    line = DeclaredLine(
        reference=reference, client_bsn=a.client_bsn, allocation_number=a.number, provider_agb=ALFA,
        municipality_code=HOUTEN, law=Law.WMO, category="02", product_code="OZR1", period=month, volume=hours,
        unit=Unit.UUR, tariff=TARIFF, amount=TARIFF * hours,
    )  # fmt: skip
    return replace(line, **changes)  # type: ignore[arg-type]


def credit_of(line: DeclaredLine, reference: str) -> DeclaredLine:
    return replace(
        line, reference=reference, debit_credit=DebitCredit.CREDIT, previous_reference=line.reference
    )


def write_323(path: Path, lines: list[DeclaredLine], *, number: str = "D1", identification: str = "M1",
              period: Period = JUNE, dated: date | None = None) -> Path:  # fmt: skip
    clients: dict[str, list[DeclaredLine]] = {}
    for line in lines:
        clients.setdefault(line.client_bsn, []).append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        # dated after the declaration period, as a provider sends it (TR137)
        dated = dated or (period.end or period.start) + timedelta(days=5)
        write_declaratie(f, law=Law.WMO, afzender=ALFA, ontvanger=HOUTEN, identificatie=identification,
                         dagtekening=dated, number=number, period=period, clients=list(clients.items()))  # fmt: skip
    return path


def many_lines(allocations: list[Allocation], prefix: str = "R") -> list[DeclaredLine]:
    """Twelve months of 2021 for every allocation (declaration period December): 16 hours a
    month stays within 4 h/week."""
    return [
        line_for(a, f"{prefix}{a.number}-{m:02d}", Period.month(2021, m), 16)
        for a in allocations
        for m in range(1, 13)
    ]


def counts(engine: Engine) -> dict[str, int]:
    """Rows in the tables declaration processing writes."""
    tables = {
        "declaration": t.DeclarationRow, "declaration_line": t.DeclarationLineRow, "payment": t.PaymentRow,
        "processed_file": t.ProcessedFileRow, "ceiling_notice": t.CeilingNoticeRow, "message": t.MessageRow,
    }  # fmt: skip
    with engine.connect() as c:
        found = {
            name: int(c.scalar(select(func.count()).select_from(row)) or 0) for name, row in tables.items()
        }
        found["paid_cents"] = int(
            c.scalar(select(func.coalesce(func.sum(t.PaymentRow.amount_cents), 0))) or 0
        )
    return found


def max_hours(month: Period) -> int:
    """What 4 h/week allows in a month (IV077): 4 x the calendar weeks the month touches."""
    return 4 * calendar_weeks(month)
