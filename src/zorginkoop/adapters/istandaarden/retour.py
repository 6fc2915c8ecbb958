# SPDX-License-Identifier: EUPL-1.2
"""Build the retour message for a received message: 302, 306, 308, 316, 318, 320 and 325.

A retour message repeats the heen message and gives every class its RetourCodes (WJ001):
the codes found for it, or ``0200`` (geen opmerking). Codes are given per path, the same paths
the validator reports (``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]``); a
finding on an element inside a class (``.../ToegewezenProduct[2]/Einddatum``) goes to that
class. Codes on ``/Bericht`` or ``/Bericht/Header`` reject the whole message: the retour then
holds only its header with those codes (as the published JW302 example shows).

The header keeps the heen message's Afzender, Ontvanger, BerichtIdentificatie and XsdVersie;
IdentificatieRetour and DagtekeningRetour identify the retour itself, XsdVersieRetour is the
XSD version we write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from zorginkoop.domain.money import Money

from . import codec
from .errors import ValidationError
from .messages import Message
from .models import (
    BerichtIdentificatie,
    DeclaratieAntwoord,
    DeclaratieAntwoordbericht,
    Declaratiebericht,
    DeclaratieClient,
    Header,
    Prestatie,
    TotaalBedragMetDC,
    XsdVersie,
)
from .schema import HEEN_OF, MessageSpec, message_spec

GEEN_OPMERKING = "0200"
TECHNISCH_AFGEKEURD = "0001"


def codes_from_errors(errors: Iterable[ValidationError]) -> dict[str, tuple[str, ...]]:
    """RetourCodes per path from validation findings (their ``retourcode``)."""
    out: dict[str, list[str]] = {}
    for e in errors:
        codes = out.setdefault(e.path or "/Bericht", [])
        if e.retourcode not in codes:
            codes.append(e.retourcode)
    return {k: tuple(v) for k, v in out.items()}


def _owner(path: str, class_paths: Sequence[str]) -> str:
    """The deepest class path that contains ``path``."""
    best = "/Bericht"
    for cp in class_paths:
        if (path == cp or path.startswith(cp + "/")) and len(cp) > len(best):
            best = cp
    return best


def _class_paths(spec: MessageSpec, type_name: str, obj: Any, path: str, out: list[str]) -> None:
    if "retour_codes" in {f.name for f in dataclasses.fields(obj)}:
        out.append(path)
    for slot in codec.plan(spec, type_name, obj.__class__):
        if slot.cls is None or slot.ctype is None or slot.ctype.basis:
            continue
        value = getattr(obj, slot.attr)
        if value is None:
            continue
        if slot.wrapper:
            for i, item in enumerate(value, 1):
                _class_paths(spec, slot.ctype.name, item, f"{path}/{slot.element}/{slot.wrapper}[{i}]", out)
        elif slot.repeats:
            for i, item in enumerate(value, 1):
                _class_paths(spec, slot.ctype.name, item, f"{path}/{slot.element}[{i}]", out)
        else:
            _class_paths(spec, slot.ctype.name, value, f"{path}/{slot.element}", out)


def _with_codes(
    spec: MessageSpec, type_name: str, obj: Any, path: str, codes: Mapping[str, tuple[str, ...]]
) -> Any:
    changes: dict[str, Any] = {}
    for slot in codec.plan(spec, type_name, obj.__class__):
        if slot.cls is None or slot.ctype is None or slot.ctype.basis:
            continue
        value = getattr(obj, slot.attr)
        if value is None:
            continue
        if slot.wrapper or slot.repeats:
            item_path = f"{path}/{slot.element}/{slot.wrapper}" if slot.wrapper else f"{path}/{slot.element}"
            changes[slot.attr] = tuple(
                _with_codes(spec, slot.ctype.name, item, f"{item_path}[{i}]", codes)
                for i, item in enumerate(value, 1)
            )
        else:
            changes[slot.attr] = _with_codes(spec, slot.ctype.name, value, f"{path}/{slot.element}", codes)
    if "retour_codes" in {f.name for f in dataclasses.fields(obj)}:
        changes["retour_codes"] = codes.get(path) or (GEEN_OPMERKING,)
    return dataclasses.replace(obj, **changes)


def build_retour(
    heen: Message,
    *,
    identificatie: str,
    dagtekening: date,
    codes: Mapping[str, Sequence[str]] | None = None,
    xslt_versie: str | None = None,
) -> tuple[Any, str]:
    """The retour bericht for ``heen`` (301, 305, 307, 315, 317, 319) and its number.

    Write it with ``write_message(bericht, law=heen.law, number=number)``.
    """
    if heen.number not in HEEN_OF or heen.number == "323":
        raise ValueError(f"no retour message for {heen.spec.name}; for 323 use build_declaratie_antwoord")
    number = HEEN_OF[heen.number]
    retour_spec = message_spec(heen.law, number)
    given: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (codes or {}).items()}
    h = heen.bericht.header
    header_codes = given.get("/Bericht", ()) + given.get("/Bericht/Header", ())
    header = dataclasses.replace(
        h,
        bericht_code=retour_spec.berichtcode,
        identificatie_retour=identificatie,
        dagtekening_retour=dagtekening,
        xslt_versie=xslt_versie,
        xsd_versie_retour=XsdVersie(
            basisschema_xsd_versie=retour_spec.xsd_version, bericht_xsd_versie=retour_spec.xsd_version
        ),
        retour_codes=tuple(dict.fromkeys(header_codes)),
    )
    body_field = next(f.name for f in dataclasses.fields(heen.bericht) if f.name != "header")
    if header_codes:  # rejected as a whole: only the header goes back
        return dataclasses.replace(heen.bericht, header=header, **{body_field: None}), number
    paths: list[str] = []
    _class_paths(retour_spec, "Root", heen.bericht, "/Bericht", paths)
    owned: dict[str, tuple[str, ...]] = {}
    for path, found in given.items():
        owner = _owner(path, [p for p in paths if p != "/Bericht"])
        owned[owner] = tuple(dict.fromkeys(owned.get(owner, ()) + found))
    bericht = _with_codes(retour_spec, "Root", heen.bericht, "/Bericht", owned)
    return dataclasses.replace(bericht, header=header), number


def build_declaratie_antwoord(
    declaratie: Message,
    *,
    identificatie: str,
    dagtekening: date,
    toegekend: Money,
    rejected: Mapping[str, Sequence[str]] | None = None,
    header_codes: Sequence[str] = (GEEN_OPMERKING,),
    declaratie_codes: Sequence[str] = (GEEN_OPMERKING,),
    xslt_versie: str | None = None,
) -> DeclaratieAntwoordbericht:
    """The 325 answer to a 323: only the rejected prestaties go back (TR342), each with its
    RetourCodes; ``rejected`` maps ProductReferentie ReferentieNummer to codes.
    ``toegekend`` is the total approved amount (TotaalToegekendBedrag)."""
    if declaratie.number != "323":
        raise ValueError(f"a 325 answers a 323, not a {declaratie.spec.name}")
    spec = message_spec(declaratie.law, "325")
    d: Declaratiebericht = declaratie.bericht
    rejected = rejected or {}
    h = d.header
    header = Header(
        bericht_code=spec.berichtcode,
        afzender=h.ontvanger,
        ontvanger=h.afzender,
        bericht_identificatie=BerichtIdentificatie(identificatie=identificatie, dagtekening=dagtekening),
        xsd_versie=XsdVersie(basisschema_xsd_versie=spec.xsd_version, bericht_xsd_versie=spec.xsd_version),
        declaratie_identificatie=h.bericht_identificatie,
        xslt_versie=xslt_versie,
        xsd_versie_declaratie=h.xsd_versie,
        retour_codes=tuple(header_codes),
    )
    clienten = []
    for client in d.declaratie.clienten:
        prestaties: list[Prestatie] = [
            dataclasses.replace(p, retour_codes=tuple(rejected[p.product_referentie.referentie_nummer]))
            for p in client.prestaties
            if p.product_referentie.referentie_nummer in rejected
        ]
        if prestaties:
            clienten.append(
                DeclaratieClient(bsn=client.bsn, prestaties=tuple(prestaties), retour_codes=(GEEN_OPMERKING,))
            )
    antwoord = DeclaratieAntwoord(
        declaratie_nummer=d.declaratie.declaratie_nummer,
        totaal_ingediend_bedrag=d.declaratie.totaal_ingediend_bedrag,
        totaal_toegekend_bedrag=TotaalBedragMetDC(
            totaal_bedrag=abs(toegekend), debet_credit="C" if toegekend.cents < 0 else "D"
        ),
        clienten=tuple(clienten),
        retour_codes=tuple(declaratie_codes),
    )
    return DeclaratieAntwoordbericht(header=header, declaratie_antwoord=antwoord)
