# SPDX-License-Identifier: EUPL-1.2
"""The structure of the iWmo 3.2 and iJw 3.2 messages, declared in code.

These declarations are our own reading of the published XSDs (basisschema.xsd and one XSD per
message). The product never reads an XSD at run time: the reader, writer and structural
validator are driven by what is declared here. ``tests/unit/istandaarden/test_schema_drift.py``
parses the official XSDs and fails when a name, order, occurrence or facet differs, so these
declarations cannot drift from the standard.

Notation of a sequence: ``"Name:Type"`` is a required element, ``"Name:Type?"`` optional,
``"Name:Type+"`` one or more. ``CDT_*``/``LDT_*`` types live in the basisschema namespace;
other complex types are local to a message.

Enumerations are not repeated here: a simple type with ``codelist=True`` takes its codes from
the code list files in ``zorginkoop/data/codelists`` (see :mod:`.codelists`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Literal

from zorginkoop.domain.codes import Law

Base = Literal["string", "integer", "date", "time"]


@dataclass(frozen=True, slots=True)
class SimpleType:
    """An XSD simple type: a restriction of a built-in type with its facets.

    ``restricts`` names a basisschema type whose facets also apply (an anonymous restriction
    such as the BerichtCode of a message header).
    """

    name: str
    base: Base
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_inclusive: int | None = None
    max_inclusive: int | None = None
    codelist: bool = False
    restricts: str | None = None
    money: bool = False  # an amount in whole euro cents (read as zorginkoop Money)


@dataclass(frozen=True, slots=True)
class Field:
    """One element in a sequence."""

    name: str
    type: str  # name of a SimpleType or ComplexType
    min_occurs: int = 1
    max_occurs: int | None = 1  # None: unbounded

    @property
    def repeats(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1


@dataclass(frozen=True, slots=True)
class ComplexType:
    name: str
    fields: tuple[Field, ...]
    basis: bool = False  # declared in basisschema: its child elements use the basis namespace

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def list_item(self) -> Field | None:
        """The repeated element when this type only wraps a list (``ToegewezenProducten``)."""
        if len(self.fields) == 1 and self.fields[0].repeats:
            return self.fields[0]
        return None


def seq(spec: str) -> tuple[Field, ...]:
    """Parse the compact notation ``"Bsn:LDT_BurgerServicenummer Relaties:Relaties?"``."""
    fields = []
    for token in spec.split():
        name, typ = token.split(":")
        lo: int = 1
        hi: int | None = 1
        if typ.endswith("?"):
            typ, lo = typ[:-1], 0
        elif typ.endswith("+"):
            typ, hi = typ[:-1], None
        fields.append(Field(name, typ, lo, hi))
    return tuple(fields)


# --------------------------------------------------------------------------------------------
# basisschema: simple types (LDT_*). Identical in iWmo and iJw except the enumerations of
# ProductCategorie and RedenBeeindiging, which come from per-law code lists.
_NONBLANK = r".*[^\s].*"
_S = SimpleType
SIMPLE_TYPES: Mapping[str, SimpleType] = MappingProxyType({t.name: t for t in (
    _S("LDT_AanduidingWoonadres", "string", max_length=2, codelist=True),
    _S("LDT_AdresSoort", "string", max_length=2, codelist=True),
    _S("LDT_AgbCode", "string", min_length=1, max_length=8, pattern="[0-9]{8}"),
    _S("LDT_Bedrag", "integer", min_inclusive=0, max_inclusive=99999999, money=True),
    _S("LDT_BerichtCode", "string", min_length=1, max_length=3),
    _S("LDT_BerichtSubversie", "integer", min_inclusive=0, max_inclusive=99),
    _S("LDT_BerichtVersie", "integer", min_inclusive=0, max_inclusive=99),
    _S("LDT_Budget", "integer", min_inclusive=0, max_inclusive=99999999, money=True),
    _S("LDT_BurgerServicenummer", "string", min_length=1, max_length=9, pattern="[0-9]{9}"),
    _S("LDT_Commentaar", "string", min_length=1, pattern=r"([.\s]*\S+[.\s]*)+"),
    _S("LDT_Communicatievorm", "string", max_length=1, codelist=True),
    _S("LDT_Datum", "date", pattern="[^:Z]*"),
    _S("LDT_DatumGebruik", "string", max_length=1, codelist=True),
    _S("LDT_DebetCredit", "string", max_length=1, codelist=True),
    _S("LDT_Eenheid", "string", max_length=2, codelist=True),
    _S("LDT_Emailadres", "string", min_length=1, max_length=80, pattern=_NONBLANK),
    _S("LDT_Frequentie", "string", max_length=1, codelist=True),
    _S("LDT_Gemeente", "string", min_length=1, pattern="[0-9]{4}"),
    _S("LDT_Geslacht", "string", max_length=1, codelist=True),
    _S("LDT_Huisletter", "string", min_length=1, max_length=1, pattern=_NONBLANK),
    _S("LDT_Huisnummer", "integer", min_inclusive=0, max_inclusive=99999),
    _S("LDT_HuisnummerToevoeging", "string", min_length=1, max_length=4, pattern=_NONBLANK),
    _S("LDT_IdentificatieBericht", "string", min_length=1, max_length=12, pattern=_NONBLANK),
    _S("LDT_IdentificatieDeclaratie", "string", min_length=1, max_length=12),
    _S("LDT_JaNee", "string", max_length=1, codelist=True),
    _S("LDT_JuridischeStatus", "string", max_length=2, codelist=True),
    _S("LDT_LandCode", "string", max_length=2, codelist=True),
    _S("LDT_Landnummer", "string", min_length=1, max_length=4, pattern=_NONBLANK),
    _S("LDT_Naam", "string", min_length=1, max_length=200, pattern=_NONBLANK),
    _S("LDT_NaamGebruik", "string", max_length=1, codelist=True),
    _S("LDT_NaamVerwijzer", "string", min_length=1, max_length=64, pattern=_NONBLANK),
    _S("LDT_Nummer", "integer", min_inclusive=0, max_inclusive=999999999),
    _S("LDT_Organisatienaam", "string", min_length=1, max_length=35, pattern=_NONBLANK),
    _S("LDT_Persoonsid", "string", min_length=1, max_length=20, pattern=_NONBLANK),
    _S("LDT_Plaatsnaam", "string", min_length=1, max_length=80, pattern=_NONBLANK),
    _S("LDT_Postcode", "string", min_length=1, max_length=8, pattern=_NONBLANK),
    _S("LDT_ProductCategorie", "string", max_length=2, codelist=True),
    _S("LDT_ProductCode", "string", min_length=1, max_length=5, pattern=_NONBLANK),
    _S("LDT_RedenAfwijzingVerzoek", "string", max_length=2, codelist=True),
    _S("LDT_RedenBeeindiging", "string", max_length=2, codelist=True),
    _S("LDT_RedenVerzoek", "string", max_length=1, codelist=True),
    _S("LDT_RedenWijziging", "string", max_length=2, codelist=True),
    _S("LDT_Referentie", "string", min_length=1, max_length=36, pattern=_NONBLANK),
    _S("LDT_ReferentieNummer", "string", min_length=1, max_length=20),
    _S("LDT_RelatieVolgorde", "integer", min_inclusive=0, max_inclusive=99),
    _S("LDT_RetourCode", "string", max_length=4, codelist=True),
    _S("LDT_SoortRelatie", "string", max_length=2, codelist=True),
    _S("LDT_StatusAanlevering", "string", max_length=1, codelist=True),
    _S("LDT_Straatnaam", "string", min_length=1, max_length=24, pattern=_NONBLANK),
    _S("LDT_Taal", "string", min_length=1, max_length=25, pattern=_NONBLANK),
    _S("LDT_Telefoonnummer", "string", min_length=1, max_length=15, pattern="[0-9]*"),
    _S("LDT_Tijd", "time", pattern="[^Z+-]+"),
    _S("LDT_TotaalBedrag", "integer", min_inclusive=0, max_inclusive=999999999999, money=True),
    _S("LDT_TypeVerwijzer", "string", max_length=2, codelist=True),
    _S("LDT_Versie", "string", min_length=1,
       pattern=r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"),
    _S("LDT_VerzoekAntwoord", "string", max_length=1, codelist=True),
    _S("LDT_Volume", "integer", min_inclusive=0, max_inclusive=99999999),
    _S("LDT_Voorletters", "string", min_length=1, max_length=6, pattern="([a-zA-ZÀ-ỳ])+"),
    _S("LDT_Voorvoegsel", "string", min_length=1, max_length=10, pattern=_NONBLANK),
    _S("LDT_WettelijkeVertegenwoordiging", "string", max_length=2, codelist=True),
)})  # fmt: skip

# basisschema: complex types (CDT_*)
_C = ComplexType
BASIS_TYPES: Mapping[str, ComplexType] = MappingProxyType({t.name: t for t in (
    _C("CDT_Achternaam", seq("Achternaam:LDT_Naam Voorvoegsel:LDT_Voorvoegsel?"), True),
    _C("CDT_Adres", seq("Huis:CDT_Huis? Postcode:LDT_Postcode? Straatnaam:LDT_Straatnaam? "
                        "Plaatsnaam:LDT_Plaatsnaam? LandCode:LDT_LandCode?"), True),
    _C("CDT_BedragMetDC", seq("Bedrag:LDT_Bedrag DebetCredit:LDT_DebetCredit"), True),
    _C("CDT_BerichtIdentificatie",
       seq("Identificatie:LDT_IdentificatieBericht Dagtekening:LDT_Datum"), True),
    _C("CDT_Communicatie", seq("Vorm:LDT_Communicatievorm Taal:LDT_Taal?"), True),
    _C("CDT_Geboortedatum", seq("Datum:LDT_Datum DatumGebruik:LDT_DatumGebruik?"), True),
    _C("CDT_GeslotenPeriode", seq("Begindatum:LDT_Datum Einddatum:LDT_Datum"), True),
    _C("CDT_Huis", seq("Huisnummer:LDT_Huisnummer Huisletter:LDT_Huisletter? "
                       "HuisnummerToevoeging:LDT_HuisnummerToevoeging? "
                       "AanduidingWoonadres:LDT_AanduidingWoonadres?"), True),
    _C("CDT_Omvang", seq("Volume:LDT_Volume Eenheid:LDT_Eenheid Frequentie:LDT_Frequentie"), True),
    _C("CDT_OpenPeriode", seq("Begindatum:LDT_Datum? Einddatum:LDT_Datum?"), True),
    _C("CDT_Product", seq("Categorie:LDT_ProductCategorie Code:LDT_ProductCode?"), True),
    _C("CDT_Referentie", seq("ReferentieNummer:LDT_ReferentieNummer "
                             "VorigReferentieNummer:LDT_ReferentieNummer?"), True),
    _C("CDT_Telefoon", seq("Telefoonnummer:LDT_Telefoonnummer Landnummer:LDT_Landnummer"), True),
    _C("CDT_Telefoonnummers", seq("Telefoon01:CDT_Telefoon Telefoon02:CDT_Telefoon?"), True),
    _C("CDT_TotaalBedragMetDC",
       seq("TotaalBedrag:LDT_TotaalBedrag DebetCredit:LDT_DebetCredit"), True),
    _C("CDT_VerkorteNaam", seq("Geslachtsnaam:CDT_Achternaam Voornamen:LDT_Naam? "
                               "Voorletters:LDT_Voorletters?"), True),
    _C("CDT_Verwijzer", seq("Type:LDT_TypeVerwijzer Naam:LDT_NaamVerwijzer? "
                            "ZorgverlenerCode:LDT_AgbCode?"), True),
    _C("CDT_VolledigeNaam", seq("Geslachtsnaam:CDT_Achternaam Partnernaam:CDT_Achternaam? "
                                "Voornamen:LDT_Naam? Voorletters:LDT_Voorletters? "
                                "NaamGebruik:LDT_NaamGebruik"), True),
    _C("CDT_XsdVersie", seq("BasisschemaXsdVersie:LDT_Versie BerichtXsdVersie:LDT_Versie"), True),
)})  # fmt: skip


# --------------------------------------------------------------------------------------------
# Messages. Berichtcodes from COD002 (VECOZO) as fixed by the pattern in each message XSD.
BERICHTCODES: Mapping[Law, Mapping[str, str]] = MappingProxyType({
    Law.WMO: MappingProxyType({
        "301": "414", "302": "415", "305": "418", "306": "419", "307": "420", "308": "421",
        "315": "444", "316": "445", "317": "480", "318": "481", "319": "482", "320": "483",
        "323": "484", "325": "485"}),
    Law.JEUGD: MappingProxyType({
        "301": "436", "302": "437", "305": "438", "306": "439", "307": "440", "308": "441",
        "315": "446", "316": "447", "317": "486", "318": "487", "319": "488", "320": "489",
        "323": "490", "325": "491"}),
})  # fmt: skip

XSD_VERSIONS: Mapping[Law, str] = MappingProxyType({Law.WMO: "1.0.0", Law.JEUGD: "0.1.0"})
"""BerichtXsdVersie and BasisschemaXsdVersie from the appinfo of the 3.2 XSDs (min = max)."""

RETOUR_OF: Mapping[str, str] = MappingProxyType(
    {"302": "301", "306": "305", "308": "307", "316": "315", "318": "317", "320": "319", "325": "323"}
)
HEEN_OF: Mapping[str, str] = MappingProxyType({v: k for k, v in RETOUR_OF.items()})
MESSAGE_NUMBERS: tuple[str, ...] = (
    "301", "302", "305", "306", "307", "308", "315", "316", "317", "318", "319", "320", "323",
    "325",
)  # fmt: skip

# The header: the municipality sends 301, 319 and 325, the provider 305, 307, 315, 317 and
# 323. A retour message (302 ... 320) keeps the Afzender and Ontvanger types of its heen
# message, as the XSDs declare it.
_FROM_MUNICIPALITY = "Afzender:LDT_Gemeente Ontvanger:LDT_AgbCode"
_FROM_PROVIDER = "Afzender:LDT_AgbCode Ontvanger:LDT_Gemeente"
_HEADER_START = "BerichtCode:BerichtCode BerichtVersie:BerichtVersie BerichtSubversie:BerichtSubversie"
_HEADER_END = "BerichtIdentificatie:CDT_BerichtIdentificatie XsdVersie:CDT_XsdVersie"
_RETOUR_HEADER = (
    "IdentificatieRetour:LDT_IdentificatieBericht DagtekeningRetour:LDT_Datum "
    "XsltVersie:LDT_Versie? XsdVersieRetour:CDT_XsdVersie RetourCodes:RetourCodes?"
)

_CLIENT_PERSOON_KORT = (
    "Bsn:LDT_BurgerServicenummer Geboortedatum:CDT_Geboortedatum Geslacht:LDT_Geslacht Naam:CDT_VerkorteNaam"
)

# Heen messages (iJw spelling; iWmo differs only where _WMO_WITHOUT says so).
_HEEN: dict[str, tuple[str, dict[str, str]]] = {
    "301": (_FROM_MUNICIPALITY, {
        "Root": "Header:Header Client:Client",
        "Client": "Bsn:LDT_BurgerServicenummer Geboortedatum:CDT_Geboortedatum "
                  "Geslacht:LDT_Geslacht Naam:CDT_VolledigeNaam Communicatie:CDT_Communicatie? "
                  "JuridischeStatus:LDT_JuridischeStatus? "
                  "WettelijkeVertegenwoordiging:LDT_WettelijkeVertegenwoordiging? "
                  "Commentaar:LDT_Commentaar? Relaties:Relaties? Contactgegevens:Contactgegevens "
                  "ToegewezenProducten:ToegewezenProducten",
        "Relaties": "Relatie:Relatie+",
        "Relatie": "Nummer:LDT_Persoonsid Volgorde:LDT_RelatieVolgorde? Soort:LDT_SoortRelatie "
                   "Geboortedatum:CDT_Geboortedatum? Geslacht:LDT_Geslacht? "
                   "Naam:CDT_VolledigeNaam Contact:Contact",
        "Contact": "Soort:LDT_AdresSoort Adres:CDT_Adres? Organisatie:LDT_Organisatienaam? "
                   "Telefoon:CDT_Telefoonnummers? Emailadres:LDT_Emailadres? "
                   "Periode:CDT_OpenPeriode?",
        "Contactgegevens": "Contact:Contact+",
        "ToegewezenProducten": "ToegewezenProduct:ToegewezenProduct+",
        "ToegewezenProduct": "ToewijzingNummer:LDT_Nummer ReferentieAanbieder:LDT_Referentie? "
                             "Product:CDT_Product? Toewijzingsdatum:LDT_Datum "
                             "Toewijzingstijd:LDT_Tijd Ingangsdatum:LDT_Datum "
                             "Einddatum:LDT_Datum? RedenWijziging:LDT_RedenWijziging? "
                             "Omvang:CDT_Omvang? Budget:LDT_Budget? Commentaar:LDT_Commentaar?",
    }),
    "305": (_FROM_PROVIDER, {
        "Root": "Header:Header Client:Client",
        "Client": _CLIENT_PERSOON_KORT + " StartProducten:StartProducten",
        "StartProducten": "StartProduct:StartProduct+",
        "StartProduct": "ToewijzingNummer:LDT_Nummer? Product:CDT_Product? "
                        "ToewijzingIngangsdatum:LDT_Datum? Begindatum:LDT_Datum "
                        "StatusAanlevering:LDT_StatusAanlevering",
    }),
    "307": (_FROM_PROVIDER, {
        "Root": "Header:Header Client:Client",
        "Client": _CLIENT_PERSOON_KORT + " StopProducten:StopProducten",
        "StopProducten": "StopProduct:StopProduct+",
        "StopProduct": "ToewijzingNummer:LDT_Nummer? Product:CDT_Product? "
                       "ToewijzingIngangsdatum:LDT_Datum? Begindatum:LDT_Datum "
                       "RedenBeeindiging:LDT_RedenBeeindiging Einddatum:LDT_Datum "
                       "StatusAanlevering:LDT_StatusAanlevering",
    }),
    "315": (_FROM_PROVIDER, {
        "Root": "Header:Header Client:Client",
        "Client": _CLIENT_PERSOON_KORT + " GezagsdragerBekend:LDT_JaNee? "
                  "Commentaar:LDT_Commentaar? AangevraagdeProducten:AangevraagdeProducten",
        "AangevraagdeProducten": "AangevraagdProduct:AangevraagdProduct+",
        "AangevraagdProduct": "ReferentieAanbieder:LDT_Referentie BeschikkingNummer:LDT_Nummer? "
                              "Product:CDT_Product? BeschikkingIngangsdatum:LDT_Datum? "
                              "ToewijzingIngangsdatum:LDT_Datum ToewijzingEinddatum:LDT_Datum? "
                              "Omvang:CDT_Omvang? Budget:LDT_Budget? Verwijzer:CDT_Verwijzer "
                              "Raamcontract:LDT_JaNee? Commentaar:LDT_Commentaar?",
    }),
    "317": (_FROM_PROVIDER, {
        "Root": "Header:Header Client:Client",
        "Client": "Bsn:LDT_BurgerServicenummer Verzoek:Verzoek",
        "Verzoek": "ReferentieAanbieder:LDT_Referentie RedenVerzoek:LDT_RedenVerzoek "
                   "OngewijzigdeProducten:OngewijzigdeProducten? "
                   "TeWijzigenProducten:TeWijzigenProducten? NieuweProducten:NieuweProducten?",
        "OngewijzigdeProducten": "OngewijzigdProduct:OngewijzigdProduct+",
        "OngewijzigdProduct": "ToewijzingNummer:LDT_Nummer",
        "TeWijzigenProducten": "TeWijzigenProduct:TeWijzigenProduct+",
        "TeWijzigenProduct": "ToewijzingNummer:LDT_Nummer GewensteIngangsdatum:LDT_Datum "
                             "Einddatum:LDT_Datum? Omvang:CDT_Omvang? Budget:LDT_Budget?",
        "NieuweProducten": "NieuwProduct:NieuwProduct+",
        "NieuwProduct": "Product:CDT_Product? GewensteIngangsdatum:LDT_Datum "
                        "Einddatum:LDT_Datum? Omvang:CDT_Omvang? Budget:LDT_Budget?",
    }),
    "319": (_FROM_MUNICIPALITY, {
        "Root": "Header:Header Antwoord:Antwoord",
        "Antwoord": "ReferentieAanbieder:LDT_Referentie VerzoekAntwoord:LDT_VerzoekAntwoord "
                    "RedenAfwijzingVerzoek:LDT_RedenAfwijzingVerzoek? "
                    "Woonplaatsbeginsel:Woonplaatsbeginsel?",
        "Woonplaatsbeginsel": "Gemeente:LDT_Gemeente",
    }),
    "323": (_FROM_PROVIDER, {
        "Root": "Header:Header Declaratie:Declaratie",
        "Declaratie": "DeclaratieNummer:DeclaratieNummer DeclaratiePeriode:CDT_GeslotenPeriode "
                      "DeclaratieDagtekening:LDT_Datum "
                      "TotaalIngediendBedrag:CDT_TotaalBedragMetDC Clienten:Clienten",
        "Clienten": "Client:Client+",
        "Client": "Bsn:LDT_BurgerServicenummer Prestaties:Prestaties",
        "Prestaties": "Prestatie:Prestatie+",
        "Prestatie": "ProductReferentie:CDT_Referentie ToewijzingNummer:LDT_Nummer "
                     "ProductCategorie:LDT_ProductCategorie ProductCode:LDT_ProductCode "
                     "ProductPeriode:CDT_GeslotenPeriode GeleverdVolume:LDT_Volume "
                     "Eenheid:LDT_Eenheid ProductTarief:LDT_Bedrag? "
                     "IngediendBedrag:CDT_BedragMetDC",
    }),
}  # fmt: skip

# 325 is not a copy of 323 with RetourCodes: its header refers to the declaration and it
# carries TotaalToegekendBedrag instead of the period and dagtekening.
_325: dict[str, str] = {
    "Root": "Header:Header DeclaratieAntwoord:DeclaratieAntwoord?",
    "Header": f"{_HEADER_START} {_FROM_MUNICIPALITY} {_HEADER_END} "
              "DeclaratieIdentificatie:CDT_BerichtIdentificatie XsltVersie:LDT_Versie? "
              "XsdVersieDeclaratie:CDT_XsdVersie RetourCodes:RetourCodes",
    "RetourCodes": "RetourCode:LDT_RetourCode+",
    "DeclaratieAntwoord": "DeclaratieNummer:LDT_IdentificatieDeclaratie "
                          "TotaalIngediendBedrag:CDT_TotaalBedragMetDC "
                          "TotaalToegekendBedrag:CDT_TotaalBedragMetDC Clienten:Clienten? "
                          "RetourCodes:RetourCodes",
    "Clienten": "Client:Client+",
    "Client": "Bsn:LDT_BurgerServicenummer Prestaties:Prestaties RetourCodes:RetourCodes",
    "Prestaties": "Prestatie:Prestatie+",
    "Prestatie": _HEEN["323"][1]["Prestatie"] + " RetourCodes:RetourCodes",
}  # fmt: skip

_WMO_WITHOUT: dict[str, tuple[str, str]] = {
    # iWmo has no GezagsdragerBekend (315/316) and no Woonplaatsbeginsel (319/320).
    "315": ("Client", "GezagsdragerBekend"),
    "319": ("Antwoord", "Woonplaatsbeginsel"),
}


@dataclass(frozen=True, slots=True, eq=False)
class MessageSpec:
    """One message type of one law: its namespace, root sequence and local types.

    One instance per message type (see :func:`message_spec`): compared and hashed by identity.
    """

    law: Law
    number: str
    berichtcode: str
    types: Mapping[str, ComplexType]
    local_simple_types: Mapping[str, SimpleType] = field(default_factory=dict)

    @property
    def standard(self) -> str:
        return "iwmo" if self.law is Law.WMO else "ijw"

    @property
    def prefix(self) -> str:
        """The conventional prefix of the message namespace: ``wmo301`` / ``jw301``."""
        return f"{'wmo' if self.law is Law.WMO else 'jw'}{self.number}"

    @property
    def namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standard}/3_2/{self.prefix}/schema"

    @property
    def basis_prefix(self) -> str:
        return self.standard

    @property
    def basis_namespace(self) -> str:
        return f"http://www.istandaarden.nl/{self.standard}/3_2/basisschema/schema"

    @property
    def name(self) -> str:
        """``WMO301`` / ``JW301``."""
        return f"{self.law.message_prefix}{self.number}"

    @property
    def is_retour(self) -> bool:
        return self.number in RETOUR_OF

    @property
    def xsd_version(self) -> str:
        return XSD_VERSIONS[self.law]

    def complex_type(self, name: str) -> ComplexType | None:
        return self.types.get(name) or BASIS_TYPES.get(name)

    def simple_type(self, name: str) -> SimpleType | None:
        return self.local_simple_types.get(name) or SIMPLE_TYPES.get(name)


def _with_retour_codes(heen: dict[str, str], parties: str) -> dict[str, str]:
    """A retour message: the heen message with RetourCodes on every class (not on the pure
    list wrappers), the body optional and a header that refers to the heen message."""
    out: dict[str, str] = {}
    for name, spec in heen.items():
        fields = seq(spec)
        if name == "Root":
            head, body = spec.split()
            out[name] = f"{head} {body}?"
        elif len(fields) == 1 and fields[0].repeats:
            out[name] = spec
        else:
            out[name] = f"{spec} RetourCodes:RetourCodes"
    out["Header"] = f"{_HEADER_START} {parties} {_HEADER_END} {_RETOUR_HEADER}"
    out["RetourCodes"] = "RetourCode:LDT_RetourCode+"
    return out


def _drop(spec: str, element: str) -> str:
    return " ".join(t for t in spec.split() if t.split(":")[0] != element)


@cache
def message_spec(law: Law, number: str) -> MessageSpec:
    """The declaration of message ``number`` ("301" ... "325") of ``law``."""
    if number not in MESSAGE_NUMBERS:
        raise KeyError(f"not an iWmo/iJw 3.2 message: {number!r}")
    heen_number = RETOUR_OF.get(number, number)
    if number == "325":
        types = dict(_325)
    else:
        parties, heen = _HEEN[heen_number]
        heen = dict(heen)
        if law is Law.WMO and heen_number in _WMO_WITHOUT:
            owner, element = _WMO_WITHOUT[heen_number]
            heen[owner] = _drop(heen[owner], element)
            heen = {k: v for k, v in heen.items() if k != element}
        if number in RETOUR_OF:
            types = _with_retour_codes(heen, parties)
        else:
            types = dict(heen)
            types["Header"] = f"{_HEADER_START} {parties} {_HEADER_END}"
    code = BERICHTCODES[law][number]
    local = {
        "BerichtCode": SimpleType("BerichtCode", "string", pattern=code, restricts="LDT_BerichtCode"),
        "BerichtVersie": SimpleType("BerichtVersie", "integer", pattern="3",
                                    restricts="LDT_BerichtVersie"),
        "BerichtSubversie": SimpleType("BerichtSubversie", "integer", pattern="2",
                                       restricts="LDT_BerichtSubversie"),
    }  # fmt: skip
    if number == "323":
        local["DeclaratieNummer"] = SimpleType(
            "DeclaratieNummer",
            "string",
            pattern="([a-zA-Z0-9])+",
            restricts="LDT_IdentificatieDeclaratie",
        )
    return MessageSpec(
        law=law,
        number=number,
        berichtcode=code,
        types=MappingProxyType({k: ComplexType(k, seq(v)) for k, v in types.items()}),
        local_simple_types=MappingProxyType(local),
    )


def all_specs() -> list[MessageSpec]:
    return [message_spec(law, n) for law in Law for n in MESSAGE_NUMBERS]


def spec_for_namespace(namespace: str) -> MessageSpec | None:
    """The message whose namespace is ``namespace`` (None for anything else)."""
    for spec in all_specs():
        if spec.namespace == namespace:
            return spec
    return None
