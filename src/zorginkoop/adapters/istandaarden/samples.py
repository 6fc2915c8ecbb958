# SPDX-License-Identifier: EUPL-1.2
"""Sample messages that pass every check: for tests, demos and benchmarks.

``sample_bericht(law, number, rng)`` builds a varied, valid message of any of the 14 types;
the same ``rng`` seed gives the same message. BSNs pass the eleven-test, codes come from the
code lists, dates respect the conditions (CS003, TR134, TR380 ...).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money

from . import models as m
from .messages import Message
from .retour import build_declaratie_antwoord, build_retour
from .schema import message_spec

GEMEENTE = "0384"
AGB = "42420001"
DAGTEKENING = date(2026, 5, 6)
_SURNAMES = (
    "Jansen",
    "de Vries",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Dekker",
    "Brouwer",
    "Öztürk",
)


def bsn(rng: random.Random) -> str:
    """A random BSN that passes the eleven-test."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        if digits[0] == 0:
            continue
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def _header(law: Law, number: str, rng: random.Random) -> m.Header:
    spec = message_spec(law, number)
    gemeente_sends = spec.number in ("301", "319", "325")
    return m.Header.for_message(
        law,
        number,
        afzender=GEMEENTE if gemeente_sends else AGB,
        ontvanger=AGB if gemeente_sends else GEMEENTE,
        identificatie=f"B{rng.randint(1, 10**9):09d}",
        dagtekening=DAGTEKENING,
    )


def _category(law: Law, rng: random.Random) -> str:
    return rng.choice(("01", "02", "03", "07")) if law is Law.WMO else rng.choice(("43", "44", "45", "46"))


def _product(law: Law, rng: random.Random) -> m.Product:
    cat = _category(law, rng)
    return m.Product(categorie=cat, code=f"{cat}A{rng.randint(10, 99)}")


def _geboortedatum(rng: random.Random) -> m.Geboortedatum:
    return m.Geboortedatum(datum=date(rng.randint(1940, 2020), rng.randint(1, 12), rng.randint(1, 28)))


def _omvang(rng: random.Random) -> m.Omvang:
    return m.Omvang(volume=rng.randint(1, 40), eenheid="04", frequentie=rng.choice(("2", "4")))


def _client_301(law: Law, rng: random.Random) -> m.ToewijzingClient:
    products = []
    start = date(2026, 1, 1)
    for i in range(rng.randint(1, 3)):
        begin = start + timedelta(days=200 * i)
        products.append(
            m.ToegewezenProduct(
                toewijzing_nummer=rng.randint(1, 999_999_999),
                product=_product(law, rng),
                toewijzingsdatum=DAGTEKENING - timedelta(days=rng.randint(0, 30)),
                toewijzingstijd=time(rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)),
                ingangsdatum=begin,
                einddatum=begin + timedelta(days=rng.randint(30, 180)),
                omvang=_omvang(rng),
                commentaar=rng.choice((None, "Toewijzing na keukentafelgesprek")),
            )
        )
    contact = m.Contact(
        soort="01",
        adres=m.Adres(
            huis=m.Huis(huisnummer=rng.randint(1, 400), huisletter=rng.choice((None, "A"))),
            postcode=f"{rng.randint(1000, 9999)}{rng.choice(('AB', 'XY', 'KL'))}",
            straatnaam=rng.choice(("Dorpsstraat", "Kerkweg", "Stationsplein")),
            plaatsnaam=rng.choice(("Houten", "Lopik", "Nieuwegein")),
            land_code="NL",
        ),
        telefoon=m.Telefoonnummers(telefoon01=m.Telefoon(telefoonnummer="0301234567", landnummer="0031")),
    )
    return m.ToewijzingClient(
        bsn=bsn(rng),
        geboortedatum=_geboortedatum(rng),
        geslacht=rng.choice(("0", "1", "2")),
        naam=m.VolledigeNaam(
            geslachtsnaam=m.Achternaam(achternaam=rng.choice(_SURNAMES)),
            voorletters=rng.choice(("J", "AB", "M")),
            naam_gebruik="1",
        ),
        contactgegevens=(contact,),
        toegewezen_producten=tuple(products),
    )


def _naam_kort(rng: random.Random) -> m.VerkorteNaam:
    return m.VerkorteNaam(geslachtsnaam=m.Achternaam(achternaam=rng.choice(_SURNAMES)), voorletters="J")


def sample_bericht(law: Law, number: str, rng: random.Random | None = None) -> Any:
    """A valid message of ``number`` for ``law`` (retours built from a sample heen message)."""
    rng = rng or random.Random(0)  # noqa: S311 - sample data, not secrets
    header = _header(law, number, rng)  # unused for retours, which copy their heen header
    if number == "301":
        return m.Toewijzingbericht(header=header, client=_client_301(law, rng))
    if number == "305":
        return m.StartZorgbericht(
            header=header,
            client=m.StartClient(
                bsn=bsn(rng),
                geboortedatum=_geboortedatum(rng),
                geslacht="1",
                naam=_naam_kort(rng),
                start_producten=(
                    m.StartProduct(
                        toewijzing_nummer=rng.randint(1, 99999),
                        product=_product(law, rng),
                        toewijzing_ingangsdatum=date(2026, 1, 1),
                        begindatum=date(2026, 1, 5),
                        status_aanlevering="1",
                    ),
                ),
            ),
        )
    if number == "307":
        reden = "20" if law is Law.JEUGD else "19"
        return m.StopZorgbericht(
            header=header,
            client=m.StopClient(
                bsn=bsn(rng),
                geboortedatum=_geboortedatum(rng),
                geslacht="2",
                naam=_naam_kort(rng),
                stop_producten=(
                    m.StopProduct(
                        toewijzing_nummer=rng.randint(1, 99999),
                        product=_product(law, rng),
                        toewijzing_ingangsdatum=date(2026, 1, 1),
                        begindatum=date(2026, 1, 5),
                        reden_beeindiging=reden,
                        einddatum=date(2026, 4, 30),
                        status_aanlevering="1",
                    ),
                ),
            ),
        )
    if number == "315":
        return m.VerzoekToewijzingbericht(
            header=header,
            client=m.VerzoekToewijzingClient(
                bsn=bsn(rng),
                geboortedatum=_geboortedatum(rng),
                geslacht="0",
                naam=_naam_kort(rng),
                aangevraagde_producten=(
                    m.AangevraagdProduct(
                        referentie_aanbieder=f"REF{rng.randint(1, 99999)}",
                        product=_product(law, rng),
                        toewijzing_ingangsdatum=date(2026, 6, 1),
                        toewijzing_einddatum=date(2026, 12, 31),
                        omvang=_omvang(rng),
                        verwijzer=m.Verwijzer(type="01"),
                    ),
                ),
            ),
        )
    if number == "317":
        return m.VerzoekWijzigingbericht(
            header=header,
            client=m.VerzoekWijzigingClient(
                bsn=bsn(rng),
                verzoek=m.Verzoek(
                    referentie_aanbieder=f"VOW{rng.randint(1, 99999)}",
                    reden_verzoek="1",
                    ongewijzigde_producten=(m.OngewijzigdProduct(toewijzing_nummer=10071),),
                    nieuwe_producten=(
                        m.NieuwProduct(
                            product=_product(law, rng),
                            gewenste_ingangsdatum=date(2026, 7, 1),
                            einddatum=date(2026, 12, 31),
                            omvang=_omvang(rng),
                        ),
                    ),
                ),
            ),
        )
    if number == "319":
        return m.Antwoordbericht(
            header=header,
            antwoord=m.Antwoord(
                referentie_aanbieder=f"REF{rng.randint(1, 99999)}",
                verzoek_antwoord="1",
                reden_afwijzing_verzoek="1",
            ),
        )
    if number == "323":
        return sample_declaratie(law, rng, clients=rng.randint(1, 3), per_client=2)
    heen_number = {
        "302": "301",
        "306": "305",
        "308": "307",
        "316": "315",
        "318": "317",
        "320": "319",
        "325": "323",
    }[number]
    heen = Message(message_spec(law, heen_number), sample_bericht(law, heen_number, rng))
    if number == "325":
        first = heen.bericht.declaratie.clienten[0].prestaties[0]
        return build_declaratie_antwoord(
            heen,
            identificatie="A1",
            dagtekening=DAGTEKENING,
            toegekend=Money(0),
            rejected={first.product_referentie.referentie_nummer: ("0611",)},
            header_codes=("0200",),
            declaratie_codes=("0200",),
        )
    bericht, _ = build_retour(heen, identificatie="R1", dagtekening=DAGTEKENING)
    return bericht


def sample_declaratie(
    law: Law, rng: random.Random, *, clients: int, per_client: int, month: tuple[int, int] = (2026, 4)
) -> m.Declaratiebericht:
    """A 323 with ``clients`` x ``per_client`` prestaties in one month."""
    year, mon = month
    periode = m.GeslotenPeriode(
        begindatum=date(year, mon, 1), einddatum=(date(year + mon // 12, mon % 12 + 1, 1) - timedelta(days=1))
    )
    total = 0
    clienten = []
    ref = 0
    for _ in range(clients):
        prestaties = []
        for _ in range(per_client):
            ref += 1
            volume = rng.randint(1, 60)
            tarief = rng.randint(1000, 9000)
            total += volume * tarief
            prestaties.append(
                m.Prestatie(
                    product_referentie=m.Referentie(referentie_nummer=f"R{ref}"),
                    toewijzing_nummer=ref,
                    product_categorie=_category(law, rng),
                    product_code=f"P{rng.randint(1000, 9999)}",
                    product_periode=periode,
                    geleverd_volume=volume,
                    eenheid="04",
                    product_tarief=Money(tarief),
                    ingediend_bedrag=m.BedragMetDC(bedrag=Money(volume * tarief), debet_credit="D"),
                )
            )
        clienten.append(m.DeclaratieClient(bsn=bsn(rng), prestaties=tuple(prestaties)))
    return m.Declaratiebericht(
        header=_header(law, "323", rng),
        declaratie=m.Declaratie(
            declaratie_nummer=f"D{rng.randint(1, 10**6)}",
            declaratie_periode=periode,
            declaratie_dagtekening=DAGTEKENING,
            totaal_ingediend_bedrag=m.TotaalBedragMetDC(totaal_bedrag=Money(total), debet_credit="D"),
            clienten=tuple(clienten),
        ),
    )
