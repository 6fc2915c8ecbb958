# SPDX-License-Identifier: EUPL-1.2
"""Typed message models, named as the iStandaarden name them.

Classes carry the standard's Dutch names (``ToegewezenProduct``, ``Prestatie``); each attribute
is the standard's element name in snake case (``ToewijzingNummer`` -> ``toewijzing_nummer``),
so the generic reader and writer in :mod:`.xml` can map them by the declarations in
:mod:`.schema`. List wrappers of the standard (``ToegewezenProducten``, ``RetourCodes``) become
tuples. Dates are :class:`datetime.date`, amounts :class:`~zorginkoop.domain.money.Money` (whole
cents), codes plain strings (checked against the code lists by the validator).

A heen message and its retour message share their classes: the ``retour_codes`` of a class
are empty in the heen message and filled in the retour message (302, 306, 308, 316, 318, 320).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

RetourCodes = tuple[str, ...]


# -- basisschema (CDT_*) ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class BerichtIdentificatie:
    identificatie: str
    dagtekening: date


@dataclass(frozen=True, slots=True, kw_only=True)
class XsdVersie:
    basisschema_xsd_versie: str
    bericht_xsd_versie: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Geboortedatum:
    datum: date
    datum_gebruik: str | None = None  # COD170: 1 dag onbekend, 2 dag+maand, 3 geheel onbekend


@dataclass(frozen=True, slots=True, kw_only=True)
class Achternaam:
    achternaam: str
    voorvoegsel: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VolledigeNaam:
    geslachtsnaam: Achternaam
    partnernaam: Achternaam | None = None
    voornamen: str | None = None
    voorletters: str | None = None
    naam_gebruik: str  # COD700


@dataclass(frozen=True, slots=True, kw_only=True)
class VerkorteNaam:
    geslachtsnaam: Achternaam
    voornamen: str | None = None
    voorletters: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Huis:
    huisnummer: int
    huisletter: str | None = None
    huisnummer_toevoeging: str | None = None
    aanduiding_woonadres: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Adres:
    huis: Huis | None = None
    postcode: str | None = None
    straatnaam: str | None = None
    plaatsnaam: str | None = None
    land_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Telefoon:
    telefoonnummer: str
    landnummer: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Telefoonnummers:
    telefoon01: Telefoon
    telefoon02: Telefoon | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Communicatie:
    vorm: str
    taal: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OpenPeriode:
    begindatum: date | None = None
    einddatum: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GeslotenPeriode:
    begindatum: date
    einddatum: date

    @property
    def period(self) -> Period:
        return Period(self.begindatum, self.einddatum)


@dataclass(frozen=True, slots=True, kw_only=True)
class Omvang:
    volume: int
    eenheid: str  # WJ756
    frequentie: str  # WMO757


@dataclass(frozen=True, slots=True, kw_only=True)
class Product:
    categorie: str  # WMO020 / JZ020
    code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Referentie:
    referentie_nummer: str
    vorig_referentie_nummer: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BedragMetDC:
    bedrag: Money
    debet_credit: str  # COD043: D or C

    @property
    def signed(self) -> Money:
        """The amount with its sign: credit is negative."""
        return -self.bedrag if self.debet_credit == "C" else self.bedrag


@dataclass(frozen=True, slots=True, kw_only=True)
class TotaalBedragMetDC:
    totaal_bedrag: Money
    debet_credit: str

    @property
    def signed(self) -> Money:
        return -self.totaal_bedrag if self.debet_credit == "C" else self.totaal_bedrag


@dataclass(frozen=True, slots=True, kw_only=True)
class Verwijzer:
    type: str  # COD327
    naam: str | None = None
    zorgverlener_code: str | None = None


# -- Header -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Header:
    """The header of every message; the retour fields are set only in retour messages (and
    the declaratie fields only in 325)."""

    bericht_code: str
    bericht_versie: int = 3
    bericht_subversie: int = 2
    afzender: str
    ontvanger: str
    bericht_identificatie: BerichtIdentificatie
    xsd_versie: XsdVersie
    identificatie_retour: str | None = None
    dagtekening_retour: date | None = None
    declaratie_identificatie: BerichtIdentificatie | None = None
    xslt_versie: str | None = None
    xsd_versie_retour: XsdVersie | None = None
    xsd_versie_declaratie: XsdVersie | None = None
    retour_codes: RetourCodes = ()

    @classmethod
    def for_message(
        cls, law: Law, number: str, *, afzender: str, ontvanger: str, identificatie: str, dagtekening: date
    ) -> Header:
        """A heen header with BerichtCode, versions and XsdVersie as the 3.2 XSDs prescribe."""
        from .schema import message_spec

        spec = message_spec(law, number)
        return cls(
            bericht_code=spec.berichtcode,
            afzender=afzender,
            ontvanger=ontvanger,
            bericht_identificatie=BerichtIdentificatie(identificatie=identificatie, dagtekening=dagtekening),
            xsd_versie=XsdVersie(
                basisschema_xsd_versie=spec.xsd_version, bericht_xsd_versie=spec.xsd_version
            ),
        )


# -- 301 / 302 Toewijzing -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    soort: str  # COD757
    adres: Adres | None = None
    organisatie: str | None = None
    telefoon: Telefoonnummers | None = None
    emailadres: str | None = None
    periode: OpenPeriode | None = None
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Relatie:
    nummer: str
    volgorde: int | None = None
    soort: str  # COD472
    geboortedatum: Geboortedatum | None = None
    geslacht: str | None = None
    naam: VolledigeNaam
    contact: Contact
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ToegewezenProduct:
    toewijzing_nummer: int
    referentie_aanbieder: str | None = None
    product: Product | None = None
    toewijzingsdatum: date
    toewijzingstijd: time
    ingangsdatum: date
    einddatum: date | None = None
    reden_wijziging: str | None = None  # WMO002 / JZ002
    omvang: Omvang | None = None
    budget: Money | None = None
    commentaar: str | None = None
    retour_codes: RetourCodes = ()

    @property
    def period(self) -> Period:
        return Period(self.ingangsdatum, self.einddatum)


@dataclass(frozen=True, slots=True, kw_only=True)
class ToewijzingClient:
    """``Client`` of 301/302."""

    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VolledigeNaam
    communicatie: Communicatie | None = None
    juridische_status: str | None = None
    wettelijke_vertegenwoordiging: str | None = None
    commentaar: str | None = None
    relaties: tuple[Relatie, ...] = ()
    contactgegevens: tuple[Contact, ...]
    toegewezen_producten: tuple[ToegewezenProduct, ...]
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Toewijzingbericht:
    """301 Toewijzing (and its retour 302)."""

    header: Header
    client: ToewijzingClient | None


# -- 305 / 306 Start zorg, 307 / 308 Stop zorg -------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class StartProduct:
    toewijzing_nummer: int | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: date | None = None
    begindatum: date
    status_aanlevering: str  # COD467
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StartClient:
    """``Client`` of 305/306."""

    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    start_producten: tuple[StartProduct, ...]
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StartZorgbericht:
    """305 Start zorg (and its retour 306)."""

    header: Header
    client: StartClient | None


@dataclass(frozen=True, slots=True, kw_only=True)
class StopProduct:
    toewijzing_nummer: int | None = None
    product: Product | None = None
    toewijzing_ingangsdatum: date | None = None
    begindatum: date
    reden_beeindiging: str  # WMO588 / JZ588
    einddatum: date
    status_aanlevering: str
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StopClient:
    """``Client`` of 307/308."""

    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    stop_producten: tuple[StopProduct, ...]
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class StopZorgbericht:
    """307 Stop zorg (and its retour 308)."""

    header: Header
    client: StopClient | None


# -- 315 / 316 Verzoek om toewijzing ------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class AangevraagdProduct:
    referentie_aanbieder: str
    beschikking_nummer: int | None = None
    product: Product | None = None
    beschikking_ingangsdatum: date | None = None
    toewijzing_ingangsdatum: date
    toewijzing_einddatum: date | None = None
    omvang: Omvang | None = None
    budget: Money | None = None
    verwijzer: Verwijzer
    raamcontract: str | None = None
    commentaar: str | None = None
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VerzoekToewijzingClient:
    """``Client`` of 315/316. ``gezagsdrager_bekend`` exists in iJw only."""

    bsn: str
    geboortedatum: Geboortedatum
    geslacht: str
    naam: VerkorteNaam
    gezagsdrager_bekend: str | None = None
    commentaar: str | None = None
    aangevraagde_producten: tuple[AangevraagdProduct, ...]
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VerzoekToewijzingbericht:
    """315 Verzoek om toewijzing (and its retour 316)."""

    header: Header
    client: VerzoekToewijzingClient | None


# -- 317 / 318 Verzoek om wijziging -------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class OngewijzigdProduct:
    toewijzing_nummer: int
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class TeWijzigenProduct:
    toewijzing_nummer: int
    gewenste_ingangsdatum: date
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: Money | None = None
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NieuwProduct:
    product: Product | None = None
    gewenste_ingangsdatum: date
    einddatum: date | None = None
    omvang: Omvang | None = None
    budget: Money | None = None
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Verzoek:
    referentie_aanbieder: str
    reden_verzoek: str  # WJ758
    ongewijzigde_producten: tuple[OngewijzigdProduct, ...] = ()
    te_wijzigen_producten: tuple[TeWijzigenProduct, ...] = ()
    nieuwe_producten: tuple[NieuwProduct, ...] = ()
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VerzoekWijzigingClient:
    """``Client`` of 317/318."""

    bsn: str
    verzoek: Verzoek
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class VerzoekWijzigingbericht:
    """317 Verzoek om wijziging (and its retour 318)."""

    header: Header
    client: VerzoekWijzigingClient | None


# -- 319 / 320 Antwoord -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Woonplaatsbeginsel:
    gemeente: str
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Antwoord:
    """``woonplaatsbeginsel`` exists in iJw only."""

    referentie_aanbieder: str
    verzoek_antwoord: str  # WJ760
    reden_afwijzing_verzoek: str | None = None  # WJ759
    woonplaatsbeginsel: Woonplaatsbeginsel | None = None
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Antwoordbericht:
    """319 Antwoordbericht (and its retour 320)."""

    header: Header
    antwoord: Antwoord | None


# -- 323 Declaratie / 325 Declaratie-antwoord ----------------------------------------------------
@dataclass(frozen=True, slots=True, kw_only=True)
class Prestatie:
    product_referentie: Referentie
    toewijzing_nummer: int
    product_categorie: str
    product_code: str
    product_periode: GeslotenPeriode
    geleverd_volume: int
    eenheid: str
    product_tarief: Money | None = None
    ingediend_bedrag: BedragMetDC
    retour_codes: RetourCodes = ()  # 325 only


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaratieClient:
    """``Client`` of 323/325."""

    bsn: str
    prestaties: tuple[Prestatie, ...]
    retour_codes: RetourCodes = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Declaratie:
    declaratie_nummer: str
    declaratie_periode: GeslotenPeriode
    declaratie_dagtekening: date
    totaal_ingediend_bedrag: TotaalBedragMetDC
    clienten: tuple[DeclaratieClient, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Declaratiebericht:
    """323 Declaratie."""

    header: Header
    declaratie: Declaratie


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaratieAntwoord:
    declaratie_nummer: str
    totaal_ingediend_bedrag: TotaalBedragMetDC
    totaal_toegekend_bedrag: TotaalBedragMetDC
    clienten: tuple[DeclaratieClient, ...] = ()
    retour_codes: RetourCodes


@dataclass(frozen=True, slots=True, kw_only=True)
class DeclaratieAntwoordbericht:
    """325 Declaratie-antwoord."""

    header: Header
    declaratie_antwoord: DeclaratieAntwoord | None


Bericht = (
    Toewijzingbericht
    | StartZorgbericht
    | StopZorgbericht
    | VerzoekToewijzingbericht
    | VerzoekWijzigingbericht
    | Antwoordbericht
    | Declaratiebericht
    | DeclaratieAntwoordbericht
)

BERICHT_CLASSES: dict[str, type] = {
    "301": Toewijzingbericht, "302": Toewijzingbericht,
    "305": StartZorgbericht, "306": StartZorgbericht,
    "307": StopZorgbericht, "308": StopZorgbericht,
    "315": VerzoekToewijzingbericht, "316": VerzoekToewijzingbericht,
    "317": VerzoekWijzigingbericht, "318": VerzoekWijzigingbericht,
    "319": Antwoordbericht, "320": Antwoordbericht,
    "323": Declaratiebericht, "325": DeclaratieAntwoordbericht,
}  # fmt: skip
"""The model class of each message number (a heen message and its retour share one)."""
