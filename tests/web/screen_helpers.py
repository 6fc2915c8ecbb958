# SPDX-License-Identifier: EUPL-1.2
"""Shared by the back office's and the provider's page tests and journeys: 323s generated for
the demo (as `declarations generate` writes them), a provider's 305/307 for a demo allocation,
counts of what is stored and of the processing log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import write_message
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.periods import Period
from zorginkoop.services.declaration_generator import generate

MONTH = Period.month(2021, 1)
"""The month the demo's generated declarations are for (its allocations run into 2021)."""


def declarations_for(engine: Engine, folder: Path, provider_agb: str | None = None) -> list[Path]:
    """The 323s providers would send for January 2021 (of one provider when given), as
    ``zorginkoop declarations generate --period 2021-01`` writes them."""
    generate(engine, MONTH, folder)
    files = sorted(folder.glob("*323_*.xml"))
    return [f for f in files if provider_agb is None or f.name.split("_")[1] == provider_agb]


def stored(engine: Engine) -> tuple[int, int, int, int]:
    """(messages, declarations, processed files, payments) in the store."""
    with engine.connect() as c:
        return tuple(  # type: ignore[return-value]
            int(c.scalar(select(func.count()).select_from(table)) or 0)
            for table in (t.MessageRow, t.DeclarationRow, t.ProcessedFileRow, t.PaymentRow)
        )


def log_entries(engine: Engine, actor: str) -> int:
    """Processing-log entries written with ``actor`` (one per data subject per read)."""
    with engine.connect() as c:
        return int(
            c.scalar(
                select(func.count())
                .select_from(t.ProcessingLogEntryRow)
                .where(t.ProcessingLogEntryRow.actor == actor)
            )
            or 0
        )


def _header(a: Allocation, number: str, ident: str, dated: date) -> m.Header:
    return m.Header.for_message(
        a.law,
        number,
        afzender=a.provider_agb,
        ontvanger=a.municipality_code,
        identificatie=ident,
        dagtekening=dated,
    )


def _client(a: Allocation) -> dict[str, object]:
    return dict(bsn=a.client_bsn, geboortedatum=m.Geboortedatum(datum=date(1980, 1, 1)), geslacht="0",
                naam=m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam="Test"), voorletters="T"))  # fmt: skip


def start_message(a: Allocation, ident: str, begin: date) -> bytes:
    """The provider's 305 for a demo allocation: care started on ``begin``."""
    p = m.StartProduct(toewijzing_nummer=a.number, product=m.Product(categorie=a.category, code=a.product_code),
                       toewijzing_ingangsdatum=a.valid.start, begindatum=begin, status_aanlevering="1")  # fmt: skip
    bericht = m.StartZorgbericht(header=_header(a, "305", ident, begin),
                                 client=m.StartClient(**_client(a), start_producten=(p,)))  # type: ignore[arg-type]  # fmt: skip
    return write_message(bericht, law=a.law)


def stop_message(a: Allocation, ident: str, begin: date, end: date, reason: str = "19") -> bytes:
    """The provider's definitive 307 for a demo allocation: care stopped on ``end``."""
    p = m.StopProduct(toewijzing_nummer=a.number, product=m.Product(categorie=a.category, code=a.product_code),
                      toewijzing_ingangsdatum=a.valid.start, begindatum=begin, reden_beeindiging=reason,
                      einddatum=end, status_aanlevering="1")  # fmt: skip
    bericht = m.StopZorgbericht(header=_header(a, "307", ident, end),
                                client=m.StopClient(**_client(a), stop_producten=(p,)))  # type: ignore[arg-type]  # fmt: skip
    return write_message(bericht, law=a.law)
