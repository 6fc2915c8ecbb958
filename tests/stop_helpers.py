# SPDX-License-Identifier: EUPL-1.2
"""A contracted allocation with an address on file, and the provider's 305/307 files for it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from tests.declaration_helpers import ALFA, HOUTEN, seed_store
from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import write_message
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import Frequency, Law, Unit
from zorginkoop.domain.periods import Period

START = date(2021, 1, 4)
"""The Begindatum of care the provider reports (the allocation runs 2021-01-01..2022-06-30)."""


def seed_with_address(engine: Engine, allocations: int = 1) -> list[Allocation]:
    """:func:`seed_store` plus a BRP address for every client (a 301 carries it, TR061)."""
    made = seed_store(engine, allocations)
    with UnitOfWork(engine) as uow:
        uow.workflow.add_contacts(
            {a.client_bsn: ClientContact("Lekdijk", 7, "3991AB", "Houten") for a in made}
        )
        uow.commit()
    return made


def add_jeugd_allocation(engine: Engine, wmo: Allocation, number: int = 50) -> Allocation:
    """A Jeugdwet allocation (45A01, hours per month, 2021) for the client of ``wmo``, at ALFA."""
    a = Allocation(number=number, client_bsn=wmo.client_bsn, provider_agb=ALFA, municipality_code=HOUTEN,
                   law=Law.JEUGD, category="45", product_code="45A01", valid=Period(date(2021, 1, 1), date(2021, 12, 31)),
                   allocated_at=datetime(2020, 12, 1, 9, 0), volume=8, unit=Unit.UUR, frequency=Frequency.PER_MAAND)  # fmt: skip
    with UnitOfWork(engine) as uow:
        uow.allocations.add_all([a])
        uow.commit()
    return a


def _header(law: Law, number: str, ident: str, dated: date) -> m.Header:
    return m.Header.for_message(
        law, number, afzender=ALFA, ontvanger=HOUTEN, identificatie=ident, dagtekening=dated
    )


def _product(a: Allocation) -> m.Product:
    return m.Product(categorie=a.category, code=a.product_code)


def _client(a: Allocation) -> dict[str, object]:
    return dict(bsn=a.client_bsn, geboortedatum=m.Geboortedatum(datum=date(1980, 1, 1)), geslacht="0",
                naam=m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam="Test"), voorletters="T"))  # fmt: skip


def start_message(a: Allocation, ident: str, begin: date = START) -> bytes:
    """A 305 reporting care started on ``begin`` (StatusAanlevering 1)."""
    p = m.StartProduct(toewijzing_nummer=a.number, product=_product(a),
                       toewijzing_ingangsdatum=a.valid.start, begindatum=begin, status_aanlevering="1")  # fmt: skip
    bericht = m.StartZorgbericht(
        header=_header(a.law, "305", ident, begin), client=m.StartClient(**_client(a), start_producten=(p,))
    )  # type: ignore[arg-type]
    return write_message(bericht, law=a.law)


def stop_message(
    a: Allocation, ident: str, end: date, reason: str = "19", *, status: str = "1", begin: date = START
) -> bytes:
    """A 307 reporting care stopped on ``end`` (status 1), or removing that report (status 3)."""
    p = m.StopProduct(toewijzing_nummer=a.number, product=_product(a),
                      toewijzing_ingangsdatum=a.valid.start, begindatum=begin, reden_beeindiging=reason,
                      einddatum=end, status_aanlevering=status)  # fmt: skip
    bericht = m.StopZorgbericht(
        header=_header(a.law, "307", ident, end), client=m.StopClient(**_client(a), stop_producten=(p,))
    )  # type: ignore[arg-type]
    return write_message(bericht, law=a.law)
