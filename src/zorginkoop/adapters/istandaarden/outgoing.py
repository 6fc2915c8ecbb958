# SPDX-License-Identifier: EUPL-1.2
"""Messages the municipality sends, built from domain objects: 301 Toewijzing and 319 Antwoord.

The mapping between the domain (``Allocation``, ``Client``) and the standard's classes lives
here, at the message boundary; the workflow decides *which* allocations go in a 301 (OP087).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from zorginkoop.domain.care import Allocation, Client
from zorginkoop.domain.codes import Law

from . import models as m
from .messages import write_message


def toegewezen_product(a: Allocation) -> m.ToegewezenProduct:
    omvang = (
        m.Omvang(volume=a.volume, eenheid=a.unit.value, frequentie=a.frequency.value)
        if a.volume is not None and a.unit is not None and a.frequency is not None
        else None
    )
    return m.ToegewezenProduct(
        toewijzing_nummer=a.number,
        referentie_aanbieder=a.provider_reference,
        product=m.Product(categorie=a.category, code=a.product_code),
        toewijzingsdatum=a.allocated_at.date(),
        toewijzingstijd=a.allocated_at.time().replace(microsecond=0),
        ingangsdatum=a.valid.start,
        einddatum=a.valid.end,
        reden_wijziging=a.change_reason.value if a.change_reason else None,
        omvang=omvang,
        # CD078: a Budget only when no Omvang is given; the allocation's budget limit (TR369)
        # stays in the store and is never sent
        budget=a.budget if omvang is None else None,
        commentaar=a.comment or None,
    )


def toewijzing_client(
    client: Client,
    *,
    street: str,
    house_number: int,
    postcode: str,
    city: str,
    house_letter: str | None,
    phone: str | None,
    allocations: Sequence[Allocation],
) -> m.ToewijzingClient:
    contact = m.Contact(
        soort="01",  # COD757 01: BRP-adres (TR061)
        adres=m.Adres(
            huis=m.Huis(huisnummer=house_number, huisletter=house_letter),
            postcode=postcode,
            straatnaam=street,
            plaatsnaam=city,
            land_code="NL",
        ),
        telefoon=(
            m.Telefoonnummers(telefoon01=m.Telefoon(telefoonnummer=phone, landnummer="0031"))
            if phone
            else None
        ),
    )
    return m.ToewijzingClient(
        bsn=client.bsn,
        geboortedatum=m.Geboortedatum(datum=client.birth_date),
        geslacht=client.gender.value,
        naam=m.VolledigeNaam(
            geslachtsnaam=m.Achternaam(achternaam=client.family_name, voorvoegsel=client.prefix or None),
            # LDT_Voorletters holds letters only: "K.B." is sent as "KB"
            voorletters="".join(ch for ch in client.initials if ch.isalpha()) or None,
            naam_gebruik="1",  # COD700 1: eigen naam
        ),
        contactgegevens=(contact,),
        toegewezen_producten=tuple(
            toegewezen_product(a) for a in sorted(allocations, key=lambda a: a.number)
        ),
    )


def toewijzingbericht(
    law: Law,
    *,
    municipality_code: str,
    provider_agb: str,
    identificatie: str,
    dagtekening: date,
    client: m.ToewijzingClient,
) -> bytes:
    header = m.Header.for_message(
        law,
        "301",
        afzender=municipality_code,
        ontvanger=provider_agb,
        identificatie=identificatie,
        dagtekening=dagtekening,
    )
    return write_message(m.Toewijzingbericht(header=header, client=client), law=law)


def antwoordbericht(
    law: Law,
    *,
    municipality_code: str,
    provider_agb: str,
    identificatie: str,
    dagtekening: date,
    referentie_aanbieder: str,
    verzoek_antwoord: str,
    reden_afwijzing: str | None = None,
) -> bytes:
    """319: the answer to a 315 or 317 (WJ760 VerzoekAntwoord, WJ759 RedenAfwijzingVerzoek)."""
    header = m.Header.for_message(
        law,
        "319",
        afzender=municipality_code,
        ontvanger=provider_agb,
        identificatie=identificatie,
        dagtekening=dagtekening,
    )
    antwoord = m.Antwoord(
        referentie_aanbieder=referentie_aanbieder,
        verzoek_antwoord=verzoek_antwoord,
        reden_afwijzing_verzoek=reden_afwijzing,
    )
    return write_message(m.Antwoordbericht(header=header, antwoord=antwoord), law=law)


def allocated_at_now(now: datetime) -> datetime:
    """Toewijzingsdatum and -tijd are given to the second."""
    return now.replace(microsecond=0, tzinfo=None)
