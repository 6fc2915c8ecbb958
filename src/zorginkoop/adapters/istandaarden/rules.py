# SPDX-License-Identifier: EUPL-1.2
"""Layers (c) and (d): conditions/constraints (CD/CS) and technical rules (TR) within one message.

Each rule is a small pure function over the typed message returning its findings; its id is in
its docstring and in every finding (retourcode 0001, as the standard assigns to all of them).
Rules that need other messages or stored state (TR019, TR056, TR063, TR071, TR074, TR304,
TR307, TR308, TR314, TR318, TR319, TR321, TR322, TR323, TR326, TR332, TR333, TR338-TR341,
TR347, TR349-TR351, TR355, TR357, TR359-TR361, TR365-TR367, TR369, TR373-TR375, TR379,
TR382, TR384, TR385, TR387-TR390, TR411-TR415, TR418: "berichtoverstijgend") and rules on
external lists (TR135 system date, TR346, TR378 CBS gemeentecode, TR381 product code) belong
to the workflow that holds allocations and earlier messages, not to this layer.

CS015 (BerichtSubversie 2), CS025 (BerichtVersie 3) and CS319 (DeclaratieNummer letters and
digits) are enforced by the XSD patterns in the structure layer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from zorginkoop.domain.declaration_header import cs340_one_calendar_month

from .errors import ValidationError
from .messages import Message
from .models import (
    AangevraagdProduct,
    Adres,
    Contact,
    Geboortedatum,
    Header,
    NieuwProduct,
    Omvang,
    TeWijzigenProduct,
    ToegewezenProduct,
    VolledigeNaam,
)

Rule = Callable[[Message], Iterable[ValidationError]]
_END_2020 = date(2020, 12, 31)


def _err(code: str, message: str, path: str) -> ValidationError:
    return ValidationError(code, message, path, None, "0001")


def _dagtekening(m: Message) -> date:
    header: Header = m.bericht.header
    return header.bericht_identificatie.dagtekening


def _client(m: Message) -> Any:
    return getattr(m.bericht, "client", None)


def _items(parent: str, wrapper: str, item: str, values: tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    for i, value in enumerate(values, 1):
        yield f"{parent}/{wrapper}/{item}[{i}]", value


def _products(m: Message) -> Iterator[tuple[str, Any]]:
    """Every product-like class of the message with its path."""
    c = _client(m)
    if c is None:
        return
    base = "/Bericht/Client"
    if m.number in ("301", "302"):
        yield from _items(base, "ToegewezenProducten", "ToegewezenProduct", c.toegewezen_producten)
    elif m.number in ("315", "316"):
        yield from _items(base, "AangevraagdeProducten", "AangevraagdProduct", c.aangevraagde_producten)
    elif m.number in ("317", "318"):
        v = f"{base}/Verzoek"
        yield from _items(v, "TeWijzigenProducten", "TeWijzigenProduct", c.verzoek.te_wijzigen_producten)
        yield from _items(v, "NieuweProducten", "NieuwProduct", c.verzoek.nieuwe_producten)


def _prestaties(m: Message) -> Iterator[tuple[str, Any]]:
    body = getattr(m.bericht, "declaratie", None) or getattr(m.bericht, "declaratie_antwoord", None)
    if body is None:
        return
    root = "/Bericht/Declaratie" if m.number == "323" else "/Bericht/DeclaratieAntwoord"
    for ci, client in enumerate(body.clienten, 1):
        for pi, p in enumerate(client.prestaties, 1):
            yield f"{root}/Clienten/Client[{ci}]/Prestaties/Prestatie[{pi}]", p


def _persons(m: Message) -> Iterator[tuple[str, Any]]:
    """(path, object) for every Client and Relatie with a Geboortedatum/Naam."""
    c = _client(m)
    if c is None or not hasattr(c, "geboortedatum"):
        return
    yield "/Bericht/Client", c
    yield from _items("/Bericht/Client", "Relaties", "Relatie", getattr(c, "relaties", ()))


def _contacts(m: Message) -> Iterator[tuple[str, Contact]]:
    c = _client(m)
    if c is None or not hasattr(c, "contactgegevens"):
        return
    yield from _items("/Bericht/Client", "Contactgegevens", "Contact", c.contactgegevens)
    for path, r in _items("/Bericht/Client", "Relaties", "Relatie", c.relaties):
        yield f"{path}/Contact", r.contact


def _start(p: Any) -> date | None:
    if isinstance(p, ToegewezenProduct):
        return p.ingangsdatum
    if isinstance(p, AangevraagdProduct):
        return p.toewijzing_ingangsdatum
    start: date = p.gewenste_ingangsdatum
    return start


def _end(p: Any) -> date | None:
    end: date | None = p.toewijzing_einddatum if isinstance(p, AangevraagdProduct) else p.einddatum
    return end


# -- conditions and constraints -----------------------------------------------------------------
def cs002_bsn_eleven_test(m: Message) -> Iterator[ValidationError]:
    """CS002: every Bsn passes the eleven-test (elfproef)."""
    paths: list[tuple[str, str]] = []
    c = _client(m)
    if c is not None:
        paths.append(("/Bericht/Client/Bsn", c.bsn))
    body = getattr(m.bericht, "declaratie", None) or getattr(m.bericht, "declaratie_antwoord", None)
    if body is not None:
        root = "/Bericht/Declaratie" if m.number == "323" else "/Bericht/DeclaratieAntwoord"
        paths += [(f"{root}/Clienten/Client[{i}]/Bsn", cl.bsn) for i, cl in enumerate(body.clienten, 1)]
    for path, value in paths:
        if not stdnum_bsn.is_valid(value):
            yield _err("CS002", f"Bsn {value} does not pass the eleven-test", path)


def cs003_end_not_before_start(m: Message) -> Iterator[ValidationError]:
    """CS003: an Einddatum is on or after the Begindatum/Ingangsdatum of its period."""
    for path, p in _products(m):
        start, end = _start(p), _end(p)
        if start and end and end < start:
            yield _err("CS003", f"Einddatum {end} lies before the start {start}", path)
    for path, contact in _contacts(m):
        per = contact.periode
        if per and per.begindatum and per.einddatum and per.einddatum < per.begindatum:
            yield _err(
                "CS003", f"Periode ends {per.einddatum} before it starts {per.begindatum}", f"{path}/Periode"
            )


def cs050_naamgebruik(m: Message) -> Iterator[ValidationError]:
    """CS050: with a Partnernaam, NaamGebruik is 1, 2, 3 or 4; without, 1 or 6."""
    for path, person in _persons(m):
        naam = person.naam
        if not isinstance(naam, VolledigeNaam):
            continue
        allowed = ("1", "2", "3", "4") if naam.partnernaam else ("1", "6")
        if naam.naam_gebruik not in allowed:
            yield _err(
                "CS050",
                f"NaamGebruik {naam.naam_gebruik} is not allowed "
                f"{'with' if naam.partnernaam else 'without'} a Partnernaam "
                f"(allowed: {', '.join(allowed)})",
                f"{path}/Naam",
            )


def cs058_status_aanlevering(m: Message) -> Iterator[ValidationError]:
    """CS058: StatusAanlevering of a StartProduct/StopProduct is 1 (eerste aanlevering) or 3
    (verwijderen aanlevering)."""
    c = _client(m)
    if c is None:
        return
    for attr, wrapper, item in (
        ("start_producten", "StartProducten", "StartProduct"),
        ("stop_producten", "StopProducten", "StopProduct"),
    ):
        for path, p in _items("/Bericht/Client", wrapper, item, getattr(c, attr, ())):
            if p.status_aanlevering not in ("1", "3"):
                yield _err(
                    "CS058",
                    f"StatusAanlevering {p.status_aanlevering} is not 1 or 3",
                    f"{path}/StatusAanlevering",
                )


def cs139_geboortedatum(m: Message) -> Iterator[ValidationError]:
    """CS139: DatumGebruik and Datum agree: 3 -> 1900-01-01, 2 -> 01-01 of the year,
    1 -> the first of the month."""
    for path, person in _persons(m):
        g: Geboortedatum | None = person.geboortedatum
        if g is None or g.datum_gebruik is None:
            continue
        d, use = g.datum, g.datum_gebruik
        wrong = (
            (use == "3" and d != date(1900, 1, 1))
            or (use == "2" and (d.month, d.day) != (1, 1))
            or (use == "1" and d.day != 1)
        )
        if wrong:
            yield _err(
                "CS139", f"Geboortedatum {d} does not agree with DatumGebruik {use}", f"{path}/Geboortedatum"
            )


def cs318_naamgebruik_6_not_for_client(m: Message) -> Iterator[ValidationError]:
    """CS318: the Client's NaamGebruik is not 6 (niet-natuurlijk persoon)."""
    c = _client(m)
    if (
        c is not None
        and isinstance(c.naam if hasattr(c, "naam") else None, VolledigeNaam)
        and c.naam.naam_gebruik == "6"
    ):
        yield _err(
            "CS318",
            "NaamGebruik 6 (niet-natuurlijk persoon) is not allowed for the Client",
            "/Bericht/Client/Naam",
        )


def cs335_cs336_reden_wijziging(m: Message) -> Iterator[ValidationError]:
    """CS335: RedenWijziging 13 (verwijderd) only when Ingangsdatum equals Einddatum.
    CS336: RedenWijziging 01 (administratieve correctie, vervallen) is not used."""
    for path, p in _products(m):
        if not isinstance(p, ToegewezenProduct):
            continue
        if p.reden_wijziging == "13" and p.einddatum != p.ingangsdatum:
            yield _err(
                "CS335",
                "RedenWijziging 13 (verwijderd) needs Einddatum equal to Ingangsdatum",
                f"{path}/RedenWijziging",
            )
        if p.reden_wijziging == "01":
            yield _err("CS336", "RedenWijziging 01 (vervallen) may not be used", f"{path}/RedenWijziging")


def cs338_cs343_frequentie(m: Message) -> Iterator[ValidationError]:
    """CS338 (301, 317) / CS343 (315): with Eenheid 14, 16, 83 or 84 and an Einddatum after
    2020-12-31 or none, Frequentie is 2, 4 or 6."""
    for path, p in _products(m):
        omvang: Omvang | None = p.omvang
        end = _end(p)
        if omvang is None or omvang.eenheid not in ("14", "16", "83", "84"):
            continue
        if (end is None or end > _END_2020) and omvang.frequentie not in ("2", "4", "6"):
            code = "CS343" if isinstance(p, AangevraagdProduct) else "CS338"
            yield _err(
                code,
                f"Frequentie {omvang.frequentie} is not allowed with Eenheid "
                f"{omvang.eenheid} (allowed: 2, 4, 6)",
                f"{path}/Omvang",
            )


def cd_omvang_budget(m: Message) -> Iterator[ValidationError]:
    """CD041: Omvang is filled when Product has a Code. CD077/CD078: Omvang and Budget
    exclude each other. CD075: Einddatum is filled when Budget is. CD076: Einddatum is filled
    when Frequentie is 2 (per week). CD079: Product is filled when Budget is empty.
    CD080/CD095/CD096: without a product Code and with an Einddatum after 2020-12-31 or none,
    Omvang stays empty."""
    for path, p in _products(m):
        product = getattr(p, "product", None)
        end = _end(p)
        if product is not None and product.code and p.omvang is None:
            yield _err("CD041", "Omvang is required when Product has a Code", path)
        if p.omvang is not None and p.budget is not None:
            yield _err("CD077", "Omvang must be empty when Budget is filled", f"{path}/Omvang")
        if p.budget is not None and end is None:
            yield _err("CD075", "Einddatum is required when Budget is filled", path)
        if p.omvang is not None and p.omvang.frequentie == "2" and end is None:
            yield _err("CD076", "Einddatum is required when Frequentie is 2 (per week)", path)
        if (
            p.budget is None
            and hasattr(p, "product")
            and product is None
            and not isinstance(p, TeWijzigenProduct)
        ):
            yield _err("CD079", "Product is required when Budget is empty", path)
        if (
            hasattr(p, "product")
            and (product is None or not product.code)
            and p.omvang is not None
            and (end is None or end > _END_2020)
        ):
            code = {ToegewezenProduct: "CD080", AangevraagdProduct: "CD095", NieuwProduct: "CD096"}.get(
                type(p)
            )
            if code:
                yield _err(
                    code,
                    "Omvang must be empty without a product Code when the "
                    "Einddatum is after 2020-12-31 or empty",
                    f"{path}/Omvang",
                )


def cd043_beschikking(m: Message) -> Iterator[ValidationError]:
    """CD043: BeschikkingIngangsdatum is filled exactly when BeschikkingNummer is."""
    for path, p in _products(m):
        if isinstance(p, AangevraagdProduct) and (p.beschikking_nummer is None) != (
            p.beschikking_ingangsdatum is None
        ):
            yield _err(
                "CD043", "BeschikkingIngangsdatum must be filled exactly when BeschikkingNummer is", path
            )


def cd066_cd068_verwijzer(m: Message) -> Iterator[ValidationError]:
    """CD066/CD067: for Verwijzer type 02-05, Naam is empty with a ZorgverlenerCode and filled
    without. CD068: other types have no ZorgverlenerCode."""
    for path, p in _products(m):
        if not isinstance(p, AangevraagdProduct):
            continue
        v = p.verwijzer
        if v.type in ("02", "03", "04", "05"):
            if v.zorgverlener_code and v.naam:
                yield _err(
                    "CD066", "Verwijzer Naam must be empty with a ZorgverlenerCode", f"{path}/Verwijzer"
                )
            if not v.zorgverlener_code and not v.naam:
                yield _err(
                    "CD067", "Verwijzer Naam is required without a ZorgverlenerCode", f"{path}/Verwijzer"
                )
        elif v.zorgverlener_code:
            yield _err(
                "CD068", f"Verwijzer type {v.type} may not have a ZorgverlenerCode", f"{path}/Verwijzer"
            )


def cd_adres(m: Message) -> Iterator[ValidationError]:
    """CD005: LandCode is filled exactly when Postcode is. CD025: with LandCode NL, Huis is
    filled. CD034: with Soort 01 (BRP) or 03 (verblijf), Postcode is filled. CS089: with
    LandCode NL, Postcode is a Dutch postcode (1234AB). CD009: Periode only for Soort 04."""
    import re

    for path, contact in _contacts(m):
        a: Adres | None = contact.adres
        if a is not None:
            if (a.postcode is None) != (a.land_code is None):
                yield _err("CD005", "LandCode must be filled exactly when Postcode is", f"{path}/Adres")
            if a.land_code == "NL" and a.huis is None:
                yield _err("CD025", "Huis is required for an address in NL", f"{path}/Adres")
            if a.land_code == "NL" and a.postcode and not re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", a.postcode):
                yield _err(
                    "CS089",
                    f"Postcode {a.postcode!r} is not a Dutch postcode (1234AB)",
                    f"{path}/Adres/Postcode",
                )
        if contact.soort in ("01", "03") and (a is None or a.postcode is None):
            yield _err(
                "CD034", f"Postcode is required for an address of Soort {contact.soort}", f"{path}/Adres"
            )
        if contact.periode is not None and contact.soort != "04":
            yield _err("CD009", "Periode is only allowed for Soort 04 (tijdelijk adres)", f"{path}/Periode")


def cd007_taal(m: Message) -> Iterator[ValidationError]:
    """CD007: Taal is filled exactly when Communicatie Vorm is 1 (tolk taal)."""
    c = _client(m)
    com = getattr(c, "communicatie", None)
    if com is not None and (com.vorm == "1") != (com.taal is not None):
        yield _err(
            "CD007", "Taal must be filled exactly when Vorm is 1 (tolk taal)", "/Bericht/Client/Communicatie"
        )


def cd085_cd086_afwijzing(m: Message) -> Iterator[ValidationError]:
    """CD085: RedenAfwijzingVerzoek is filled when VerzoekAntwoord is 1 (afgewezen).
    CD086: and empty when VerzoekAntwoord is 2 (in onderzoek)."""
    a = getattr(m.bericht, "antwoord", None)
    if a is None:
        return
    if a.verzoek_antwoord == "1" and a.reden_afwijzing_verzoek is None:
        yield _err(
            "CD085", "RedenAfwijzingVerzoek is required when the request is refused", "/Bericht/Antwoord"
        )
    if a.verzoek_antwoord == "2" and a.reden_afwijzing_verzoek is not None:
        yield _err(
            "CD086",
            "RedenAfwijzingVerzoek must be empty when the request is under investigation",
            "/Bericht/Antwoord/RedenAfwijzingVerzoek",
        )


def prestatie_rules(m: Message) -> Iterator[ValidationError]:
    """CD060: VorigReferentieNummer is filled exactly for a credit. CD087: ProductTarief is
    filled exactly when Eenheid is not 83. CS325: an amount of 0 is Debet. CS337: the
    ProductPeriode ends in the month it starts. CS339: with Eenheid 83, IngediendBedrag equals
    GeleverdVolume. CS100: periods start on or after 2021-01-01."""
    for path, p in _prestaties(m):
        credit = p.ingediend_bedrag.debet_credit == "C"
        if credit != (p.product_referentie.vorig_referentie_nummer is not None):
            yield _err(
                "CD060",
                "VorigReferentieNummer must be filled exactly for a credit Prestatie",
                f"{path}/ProductReferentie",
            )
        if (p.eenheid != "83") != (p.product_tarief is not None):
            yield _err("CD087", "ProductTarief must be filled exactly when Eenheid is not 83", path)
        if p.ingediend_bedrag.bedrag.cents == 0 and credit:
            yield _err("CS325", "an amount of 0 must be Debet", f"{path}/IngediendBedrag")
        per = p.product_periode
        if (per.begindatum.year, per.begindatum.month) != (per.einddatum.year, per.einddatum.month):
            yield _err("CS337", "ProductPeriode must end in the month it starts", f"{path}/ProductPeriode")
        if p.eenheid == "83" and p.ingediend_bedrag.bedrag.cents != p.geleverd_volume:
            yield _err(
                "CS339",
                "with Eenheid 83 IngediendBedrag must equal GeleverdVolume",
                f"{path}/IngediendBedrag",
            )
        if per.begindatum < date(2021, 1, 1):
            yield _err("CS100", "ProductPeriode must start on or after 2021-01-01", f"{path}/ProductPeriode")


def declaratie_rules(m: Message) -> Iterator[ValidationError]:
    """CS340: DeclaratiePeriode is exactly one calendar month. CS100: on or after 2021-01-01.
    CS325: a TotaalBedrag of 0 is Debet."""
    d = getattr(m.bericht, "declaratie", None)
    if d is None:
        return
    per = d.declaratie_periode
    for finding in cs340_one_calendar_month(per.begindatum, per.einddatum):  # also when reversed
        yield _err(
            "CS340",
            f"DeclaratiePeriode must be exactly one calendar month ({finding.detail})",
            "/Bericht/Declaratie/DeclaratiePeriode",
        )
    if per.begindatum < date(2021, 1, 1):
        yield _err(
            "CS100",
            "DeclaratiePeriode must start on or after 2021-01-01",
            "/Bericht/Declaratie/DeclaratiePeriode",
        )
    if d.totaal_ingediend_bedrag.totaal_bedrag.cents == 0 and d.totaal_ingediend_bedrag.debet_credit == "C":
        yield _err("CS325", "an amount of 0 must be Debet", "/Bericht/Declaratie/TotaalIngediendBedrag")


# -- technical rules (xslt level, within one message) -------------------------------------------
def tr002_geboortedatum_120_jaar(m: Message) -> Iterator[ValidationError]:
    """TR002: Geboortedatum is at most 120 years before the Dagtekening, unless unknown
    (DatumGebruik 3 with 1900-01-01)."""
    dag = _dagtekening(m)
    for path, person in _persons(m):
        g = person.geboortedatum
        if g is None or (g.datum_gebruik == "3" and g.datum == date(1900, 1, 1)):
            continue
        try:
            limit = dag.replace(year=dag.year - 120)
        except ValueError:  # 29 February
            limit = dag.replace(year=dag.year - 120, day=28)
        if g.datum < limit:
            yield _err(
                "TR002",
                f"Geboortedatum {g.datum} is more than 120 years before the Dagtekening {dag}",
                f"{path}/Geboortedatum",
            )


def tr006_contact_telefoon_of_adres(m: Message) -> Iterator[ValidationError]:
    """TR006: a Contact has a Telefoon, and/or Huis and Postcode."""
    for path, contact in _contacts(m):
        a = contact.adres
        if contact.telefoon is None and not (a and a.huis and a.postcode):
            yield _err("TR006", "Contact needs a Telefoon or an Adres with Huis and Postcode", path)


def tr018_einddatum_na_begindatum(m: Message) -> Iterator[ValidationError]:
    """TR018: in a StopProduct the Einddatum is on or after the Begindatum."""
    c = _client(m)
    for path, p in _items(
        "/Bericht/Client", "StopProducten", "StopProduct", getattr(c, "stop_producten", ()) if c else ()
    ):
        if p.einddatum < p.begindatum:
            yield _err(
                "TR018", f"Einddatum {p.einddatum} lies before Begindatum {p.begindatum}", f"{path}/Einddatum"
            )


def tr061_client_adres(m: Message) -> Iterator[ValidationError]:
    """TR061: the Client has a Contact of Soort 01 (BRP), 02 (correspondentie) or 03
    (verblijf)."""
    c = _client(m)
    if (
        c is not None
        and hasattr(c, "contactgegevens")
        and not any(x.soort in ("01", "02", "03") for x in c.contactgegevens)
    ):
        yield _err(
            "TR061", "the Client needs a Contact of Soort 01, 02 or 03", "/Bericht/Client/Contactgegevens"
        )


def tr101_no_duplicates(m: Message) -> Iterator[ValidationError]:
    """TR101: no duplicate lines: the logical key of each class is unique within its parent
    (ToewijzingNummer, ReferentieAanbieder, Bsn, ProductReferentie ...)."""
    keys: list[tuple[str, Any]] = []
    c = _client(m)
    if m.number in ("301", "302") and c is not None:
        keys += [("ToegewezenProduct", p.toewijzing_nummer) for p in c.toegewezen_producten]
    if m.number in ("305", "306", "307", "308") and c is not None:
        items = getattr(c, "start_producten", ()) or getattr(c, "stop_producten", ())
        keys += [
            ("product", (p.toewijzing_nummer, p.product, p.begindatum, p.status_aanlevering)) for p in items
        ]
    body = getattr(m.bericht, "declaratie", None) or getattr(m.bericht, "declaratie_antwoord", None)
    if body is not None:
        keys += [("Client", cl.bsn) for cl in body.clienten]
        keys += [("Prestatie", p.product_referentie.referentie_nummer) for _, p in _prestaties(m)]
    for (kind, key), n in Counter(keys).items():
        if n > 1:
            yield _err("TR101", f"{kind} with key {key} occurs {n} times", "/Bericht")


def tr134_dates_not_after_dagtekening(m: Message) -> Iterator[ValidationError]:
    """TR134: Geboortedatum, Toewijzingsdatum and the Begindatum of a start are not after the
    Dagtekening of the message."""
    dag = _dagtekening(m)
    for path, person in _persons(m):
        if person.geboortedatum and person.geboortedatum.datum > dag:
            yield _err("TR134", "Geboortedatum lies after the Dagtekening", f"{path}/Geboortedatum")
    for path, p in _products(m):
        if isinstance(p, ToegewezenProduct) and p.toewijzingsdatum > dag:
            yield _err("TR134", "Toewijzingsdatum lies after the Dagtekening", f"{path}/Toewijzingsdatum")


def tr137_productperiode(m: Message) -> Iterator[ValidationError]:
    """TR137: the Einddatum of a ProductPeriode/DeclaratiePeriode is on or after its
    Begindatum and not after the Dagtekening."""
    dag = _dagtekening(m)
    for path, p in _prestaties(m):
        per = p.product_periode
        if per.einddatum < per.begindatum or per.einddatum > dag:
            yield _err(
                "TR137",
                f"ProductPeriode Einddatum {per.einddatum} must lie between "
                f"{per.begindatum} and the Dagtekening {dag}",
                f"{path}/ProductPeriode",
            )
    d = getattr(m.bericht, "declaratie", None)
    if d is not None:
        per = d.declaratie_periode
        if per.einddatum < per.begindatum or per.einddatum > dag:
            yield _err(
                "TR137",
                "DeclaratiePeriode Einddatum must lie between its Begindatum and the Dagtekening",
                "/Bericht/Declaratie/DeclaratiePeriode",
            )


def _overlap_rule(code: str, m: Message, products: list[tuple[str, Any]]) -> Iterator[ValidationError]:
    spans = []
    for path, p in products:
        if isinstance(p, ToegewezenProduct) and p.reden_wijziging == "13":
            continue  # deleted allocations (Einddatum = Ingangsdatum, reason 13) do not count
        product = p.product
        key = (product.categorie, product.code) if product else None
        spans.append((path, key, _start(p), _end(p)))
    for i, (path, key, start, end) in enumerate(spans):
        for other_path, okey, ostart, oend in spans[:i]:
            same = (
                key is None
                or okey is None
                or key == okey
                or ((key[1] is None or okey[1] is None) and key[0] == okey[0])
            )
            overlaps = (end is None or ostart is None or ostart <= end) and (
                oend is None or start is None or start <= oend
            )
            if same and overlaps:
                yield _err(code, f"the same product occurs with an overlapping period as {other_path}", path)


def tr302_tr386_tr410_overlap(m: Message) -> Iterator[ValidationError]:
    """TR302 (301), TR386 (315), TR410 (317 NieuwProduct): a product occurs more than once
    only with periods that do not overlap (by code, else category, else any)."""
    products = list(_products(m))
    if m.number in ("301", "302"):
        yield from _overlap_rule("TR302", m, products)
    elif m.number in ("315", "316"):
        yield from _overlap_rule("TR386", m, products)
    elif m.number in ("317", "318"):
        yield from _overlap_rule("TR410", m, [(a, p) for a, p in products if isinstance(p, NieuwProduct)])


def tr315_tr316_tr416_credit(m: Message) -> Iterator[ValidationError]:
    """TR315: VorigReferentieNummer is unique in the message. TR316: a debit is not credited
    in the same message. TR416: one debit per ProductPeriode, category, code and
    ToewijzingNummer."""
    prestaties = list(_prestaties(m))
    refs = {p.product_referentie.referentie_nummer for _, p in prestaties}
    vorige = Counter(
        p.product_referentie.vorig_referentie_nummer
        for _, p in prestaties
        if p.product_referentie.vorig_referentie_nummer
    )
    debits: Counter[tuple[Any, ...]] = Counter()
    for path, p in prestaties:
        vorig = p.product_referentie.vorig_referentie_nummer
        if vorig and vorige[vorig] > 1:
            yield _err(
                "TR315", f"VorigReferentieNummer {vorig} occurs more than once", f"{path}/ProductReferentie"
            )
        if vorig and vorig in refs:
            yield _err(
                "TR316",
                f"Prestatie {vorig} is credited in the message that declares it",
                f"{path}/ProductReferentie",
            )
        if p.ingediend_bedrag.debet_credit == "D":
            client = path.rsplit("/Prestaties", 1)[0]
            key = (client, p.product_periode, p.product_categorie, p.product_code, p.toewijzing_nummer)
            debits[key] += 1
            if debits[key] == 2:
                yield _err(
                    "TR416",
                    "a second debit Prestatie for the same ProductPeriode, product and ToewijzingNummer",
                    path,
                )


def tr335_five_years(m: Message) -> Iterator[ValidationError]:
    """TR335: the Einddatum of a ProductPeriode is at most 5 years before the
    DeclaratieDagtekening."""
    d = getattr(m.bericht, "declaratie", None)
    if d is None:
        return
    dag = d.declaratie_dagtekening
    limit = date(dag.year - 5, dag.month, 28 if (dag.month, dag.day) == (2, 29) else dag.day)
    for path, p in _prestaties(m):
        if p.product_periode.einddatum < limit:
            yield _err(
                "TR335",
                "ProductPeriode ends more than 5 years before the DeclaratieDagtekening",
                f"{path}/ProductPeriode",
            )


def tr352_tr353_verzoek(m: Message) -> Iterator[ValidationError]:
    """TR352: a Verzoek om wijziging has an OngewijzigdProduct or TeWijzigenProduct.
    TR353: it has a TeWijzigenProduct or NieuwProduct."""
    c = _client(m)
    if m.number not in ("317", "318") or c is None:
        return
    v = c.verzoek
    if not v.ongewijzigde_producten and not v.te_wijzigen_producten:
        yield _err(
            "TR352", "the Verzoek needs an OngewijzigdProduct or TeWijzigenProduct", "/Bericht/Client/Verzoek"
        )
    if not v.te_wijzigen_producten and not v.nieuwe_producten:
        yield _err(
            "TR353", "the Verzoek needs a TeWijzigenProduct or NieuwProduct", "/Bericht/Client/Verzoek"
        )


def tr358_totaal(m: Message) -> Iterator[ValidationError]:
    """TR358: TotaalIngediendBedrag is the sum of the IngediendBedrag of all Prestaties
    (debit added, credit subtracted)."""
    d = getattr(m.bericht, "declaratie", None)
    if d is None:
        return
    total = sum(p.ingediend_bedrag.signed.cents for _, p in _prestaties(m))
    declared = d.totaal_ingediend_bedrag.signed.cents
    if total != declared:
        yield _err(
            "TR358",
            f"TotaalIngediendBedrag {declared} is not the sum of the "
            f"Prestaties {total} (cents, credit negative)",
            "/Bericht/Declaratie/TotaalIngediendBedrag",
        )


def tr377_tr409_woonplaatsbeginsel(m: Message) -> Iterator[ValidationError]:
    """TR377: with RedenAfwijzingVerzoek 8, Woonplaatsbeginsel is present (iJw). TR409:
    otherwise it is absent."""
    a = getattr(m.bericht, "antwoord", None)
    if a is None or m.law.value != "jeugd":
        return
    if a.reden_afwijzing_verzoek == "8" and a.woonplaatsbeginsel is None:
        yield _err(
            "TR377", "Woonplaatsbeginsel is required with RedenAfwijzingVerzoek 8", "/Bericht/Antwoord"
        )
    if a.reden_afwijzing_verzoek != "8" and a.woonplaatsbeginsel is not None:
        yield _err(
            "TR409",
            "Woonplaatsbeginsel is only allowed with RedenAfwijzingVerzoek 8",
            "/Bericht/Antwoord/Woonplaatsbeginsel",
        )


def tr380_gewenste_ingangsdatum(m: Message) -> Iterator[ValidationError]:
    """TR380: the GewensteIngangsdatum of a NieuwProduct lies after the Dagtekening."""
    dag = _dagtekening(m)
    for path, p in _products(m):
        if isinstance(p, NieuwProduct) and p.gewenste_ingangsdatum <= dag:
            yield _err(
                "TR380", "GewensteIngangsdatum must lie after the Dagtekening", f"{path}/GewensteIngangsdatum"
            )


def tr383_referentie_uniek(m: Message) -> Iterator[ValidationError]:
    """TR383: ReferentieAanbieder is unique per AangevraagdProduct in the message."""
    counts = Counter(p.referentie_aanbieder for _, p in _products(m) if isinstance(p, AangevraagdProduct))
    for ref, n in counts.items():
        if n > 1:
            yield _err(
                "TR383",
                f"ReferentieAanbieder {ref} occurs {n} times",
                "/Bericht/Client/AangevraagdeProducten",
            )


RULES: tuple[Rule, ...] = (
    cs002_bsn_eleven_test, cs003_end_not_before_start, cs050_naamgebruik,
    cs058_status_aanlevering, cs139_geboortedatum, cs318_naamgebruik_6_not_for_client,
    cs335_cs336_reden_wijziging, cs338_cs343_frequentie, cd_omvang_budget, cd043_beschikking,
    cd066_cd068_verwijzer, cd_adres, cd007_taal, cd085_cd086_afwijzing, prestatie_rules,
    declaratie_rules, tr002_geboortedatum_120_jaar, tr006_contact_telefoon_of_adres,
    tr018_einddatum_na_begindatum, tr061_client_adres, tr101_no_duplicates,
    tr134_dates_not_after_dagtekening, tr137_productperiode, tr302_tr386_tr410_overlap,
    tr315_tr316_tr416_credit, tr335_five_years, tr352_tr353_verzoek, tr358_totaal,
    tr377_tr409_woonplaatsbeginsel, tr380_gewenste_ingangsdatum, tr383_referentie_uniek,
)  # fmt: skip
"""Every content rule; each applies itself only to the messages it concerns."""

RULE_IDS: tuple[str, ...] = (
    "CS002", "CS003", "CS050", "CS058", "CS100", "CS139", "CS318", "CS325", "CS335", "CS336",
    "CS337", "CS338", "CS339", "CS340", "CS343", "CD005", "CD007", "CD009", "CD025", "CD034",
    "CD041", "CD043", "CD060", "CD066", "CD067", "CD068", "CD075", "CD076", "CD077", "CD078",
    "CD079", "CD080", "CD085", "CD086", "CD087", "CD095", "CD096", "CS089", "TR002", "TR006",
    "TR018", "TR061", "TR101", "TR134", "TR137", "TR302", "TR315", "TR316", "TR335", "TR352",
    "TR353", "TR358", "TR377", "TR380", "TR383", "TR386", "TR409", "TR410", "TR416",
)  # fmt: skip


RETOUR_325_RULES: tuple[Rule, ...] = (cs002_bsn_eleven_test, prestatie_rules)
"""325 carries the rejected Prestaties with their own conditions (CD060, CD087, CS325 ...)."""


def check_rules(message: Message) -> list[ValidationError]:
    """All CD/CS/TR findings for a structurally valid message.

    The rules concern heen messages. A retour message 302 ... 320 repeats the content of its
    heen message with RetourCodes, so only its structure is checked; 325 has its own rules.
    """
    if message.number == "325":
        rules = RETOUR_325_RULES
    elif message.spec.is_retour:
        rules = ()
    else:
        rules = RULES
    return [e for rule in rules for e in rule(message)]
