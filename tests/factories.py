# SPDX-License-Identifier: EUPL-1.2
"""A tiny, fully known region for store and report tests."""

from __future__ import annotations

from datetime import date, datetime

from zorginkoop.domain.care import Allocation, Client, Gender
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, Lot, ProcurementProcedure, Term
from zorginkoop.domain.declarations import Declaration, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Municipality, Provider, Region

HOUTEN, NIEUWEGEIN = "0321", "0356"
ALFA, BETA = "11111111", "22222222"
# Valid synthetic BSNs (eleven-test): the first is the standard's own example.
BSN_A, BSN_B, BSN_C = "999900006", "999900018", "999900031"

REGION = Region(
    "test-region",
    "Testregio",
    (Municipality(HOUTEN, "Houten", 50_000), Municipality(NIEUWEGEIN, "Nieuwegein", 63_000)),
)
PROVIDERS = (
    Provider(
        ALFA,
        "Alfa Zorg",
        frozenset({Law.WMO}),
        frozenset({TargetGroup.MILD_INTELLECTUAL_DISABILITY}),
        frozenset({HOUTEN, NIEUWEGEIN}),
    ),
    Provider(
        BETA,
        "Beta Begeleiding",
        frozenset({Law.WMO}),
        frozenset({TargetGroup.COMPLEX_PROBLEMS}),
        frozenset({NIEUWEGEIN}),
        client_stop=True,
    ),
)
PRODUCT = Product(
    "OZR1", Law.WMO, "02", "Stimuleren en toezicht", Unit.UUR, Frequency.PER_WEEK, FinancingVariant.EFFORT
)
TARIFF = Tariff("OZR1", Money.euros("50.00"), Period(date(2020, 1, 1)))
CLIENTS = (
    Client(BSN_A, date(1967, 8, 13), "Wit", "T", Gender.MALE, HOUTEN, household_id="H1", prefix="de"),
    Client(BSN_B, date(1980, 1, 2), "Jansen", "J", Gender.FEMALE, NIEUWEGEIN, household_id="H2"),
    Client(BSN_C, date(1990, 3, 4), "Bakker", "B", Gender.UNKNOWN, NIEUWEGEIN, household_id="H2"),
)


def _allocation(number: int, bsn: str, agb: str, municipality: str) -> Allocation:
    return Allocation(
        number=number,
        client_bsn=bsn,
        provider_agb=agb,
        municipality_code=municipality,
        law=Law.WMO,
        category="02",
        product_code="OZR1",
        valid=Period(date(2020, 1, 1), date(2021, 6, 30)),
        allocated_at=datetime(2019, 12, 1, 9, 30),
        volume=4,
        unit=Unit.UUR,
        frequency=Frequency.PER_WEEK,
    )


ALLOCATIONS = (
    _allocation(1, BSN_A, ALFA, HOUTEN),
    _allocation(2, BSN_B, ALFA, NIEUWEGEIN),
    _allocation(3, BSN_C, BETA, NIEUWEGEIN),
)


def _line(ref: str, allocation: Allocation, month: int, hours: int) -> DeclaredLine:
    return DeclaredLine(
        reference=ref,
        client_bsn=allocation.client_bsn,
        allocation_number=allocation.number,
        provider_agb=allocation.provider_agb,
        municipality_code=allocation.municipality_code,
        law=Law.WMO,
        category="02",
        product_code="OZR1",
        period=Period.month(2020, month),
        volume=hours,
        unit=Unit.UUR,
        tariff=Money.euros(50),
        amount=Money.euros(50) * hours,
    )


# Houten: client A, 10 h + 12 h with Alfa = EUR 1,100. Nieuwegein: B 8 h (Alfa) = 400, C 6 h (Beta) = 300,
# plus one rejected line for C (7 h) that is no cost.
DECLARATIONS = (
    Declaration("D1", "M1", ALFA, HOUTEN, Law.WMO, Period.month(2020, 1), date(2020, 2, 3),
                (_line("A-1", ALLOCATIONS[0], 1, 10), _line("A-2", ALLOCATIONS[0], 2, 12))),
    Declaration("D2", "M2", ALFA, NIEUWEGEIN, Law.WMO, Period.month(2020, 1), date(2020, 2, 3),
                (_line("B-1", ALLOCATIONS[1], 1, 8),)),
    Declaration("D3", "M3", BETA, NIEUWEGEIN, Law.WMO, Period.month(2020, 1), date(2020, 2, 4),
                (_line("C-1", ALLOCATIONS[2], 1, 6), _line("C-2", ALLOCATIONS[2], 2, 7))),
)  # fmt: skip
OUTCOMES = {
    (d.provider_agb, line.reference): LineOutcome(
        line.reference,
        LineStatus.REJECTED if line.reference == "C-2" else LineStatus.APPROVED,
        Money.zero() if line.reference == "C-2" else line.amount,
        ("0611",) if line.reference == "C-2" else (),
    )
    for d in DECLARATIONS
    for line in d.lines
}


def load_tiny_region(uow) -> None:  # type: ignore[no-untyped-def]
    uow.region.add(REGION)
    uow.providers.add_all(PROVIDERS)
    ids = uow.catalogue.add_products([PRODUCT])
    uow.catalogue.add_tariffs([TARIFF], {code: pid for (_law, code), pid in ids.items()})
    uow.clients.add_all(CLIENTS)
    uow.allocations.add_all(ALLOCATIONS)
    uow.declarations.add_processed(DECLARATIONS, OUTCOMES)
    uow.commit()


def contract_tiny_provider(uow, agb: str = ALFA, start: date = date(2020, 1, 1)) -> None:  # type: ignore[no-untyped-def]
    """A framework with one lot holding PRODUCT and a contract for ``agb`` from ``start``: an
    allocation goes only to a provider contracted for its product. Call after load_tiny_region."""
    from sqlalchemy import select

    from zorginkoop.adapters.db import tables as t

    pid = uow.session.scalar(select(t.ProductRow.id).where(t.ProductRow.code == PRODUCT.code))
    lot = Lot("L1", "Begeleiding", Law.WMO, frozenset({PRODUCT.code}))
    framework = FrameworkAgreement("FW", "Wmo", ProcurementProcedure.SAS, Term(start, 4), (lot,))
    uow.contracts.add_frameworks([framework], {PRODUCT.code: pid})
    uow.contracts.add_contracts([Contract("C1", agb, "FW", "L1", Period(start, None))])
    uow.commit()
