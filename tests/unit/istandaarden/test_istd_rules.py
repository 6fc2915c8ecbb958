# SPDX-License-Identifier: EUPL-1.2
"""Conditions/constraints and technical rules within one message, one finding at a time."""

from __future__ import annotations

import dataclasses
import random
from datetime import date

import pytest

from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import rules
from zorginkoop.adapters.istandaarden.messages import Message, validate_message, write_message
from zorginkoop.adapters.istandaarden.retour import (
    build_declaratie_antwoord,
    build_retour,
    codes_from_errors,
)
from zorginkoop.adapters.istandaarden.samples import sample_bericht, sample_declaratie
from zorginkoop.adapters.istandaarden.schema import message_spec
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money

R = dataclasses.replace


def msg(number: str, bericht: object, law: Law = Law.JEUGD) -> Message:
    return Message(message_spec(law, number), bericht)


def codes(message: Message) -> list[str]:
    return [e.code for e in rules.check_rules(message)]


def toewijzing(**product_changes: object) -> Message:
    b = sample_bericht(Law.JEUGD, "301", random.Random(5))
    [first, *rest] = b.client.toegewezen_producten
    client = R(b.client, toegewezen_producten=(R(first, **product_changes), *rest))
    return msg("301", R(b, client=client))


def test_samples_break_no_rule() -> None:
    for law in Law:
        for number in ("301", "305", "307", "315", "317", "319", "323"):
            assert codes(msg(number, sample_bericht(law, number), law)) == []


def test_cs002_bsn_must_pass_the_eleven_test() -> None:
    b = sample_bericht(Law.JEUGD, "301")
    found = rules.check_rules(msg("301", R(b, client=R(b.client, bsn="123456789"))))
    assert [(e.code, e.path, e.retourcode) for e in found] == [("CS002", "/Bericht/Client/Bsn", "0001")]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"einddatum": date(2025, 1, 1)}, ["CS003"]),
        ({"reden_wijziging": "13"}, ["CS335"]),
        ({"reden_wijziging": "01"}, ["CS336"]),
        ({"budget": Money(1000)}, ["CD077"]),
        ({"omvang": None}, ["CD041"]),
        ({"omvang": m.Omvang(volume=1, eenheid="14", frequentie="1")}, ["CS338"]),
        ({"einddatum": None, "omvang": m.Omvang(volume=3, eenheid="04", frequentie="2")}, ["CD076"]),
        ({"toewijzingsdatum": date(2027, 1, 1)}, ["TR134"]),
    ],
)
def test_toegewezen_product_rules(changes: dict[str, object], expected: list[str]) -> None:
    assert codes(toewijzing(**changes)) == expected


def test_tr302_same_product_with_overlapping_periods() -> None:
    b = sample_bericht(Law.JEUGD, "301", random.Random(5))
    p = b.client.toegewezen_producten[0]
    twin = R(p, toewijzing_nummer=p.toewijzing_nummer + 1)
    found = codes(msg("301", R(b, client=R(b.client, toegewezen_producten=(p, twin)))))
    assert found == ["TR302"]


def test_tr002_and_cs139_geboortedatum() -> None:
    b = sample_bericht(Law.JEUGD, "301")
    old = R(b.client, geboortedatum=m.Geboortedatum(datum=date(1900, 1, 2)))
    assert codes(msg("301", R(b, client=old))) == ["TR002"]
    unknown = R(b.client, geboortedatum=m.Geboortedatum(datum=date(1900, 1, 1), datum_gebruik="3"))
    assert codes(msg("301", R(b, client=unknown))) == []
    wrong = R(b.client, geboortedatum=m.Geboortedatum(datum=date(2001, 5, 6), datum_gebruik="1"))
    assert codes(msg("301", R(b, client=wrong))) == ["CS139"]


def test_contact_rules_tr006_tr061_cd005_cs089() -> None:
    b = sample_bericht(Law.JEUGD, "301")
    contact = b.client.contactgegevens[0]
    bare = R(contact, soort="02", telefoon=None, adres=None)
    assert codes(msg("301", R(b, client=R(b.client, contactgegevens=(bare,))))) == ["TR006"]
    other = R(contact, soort="04")
    assert codes(msg("301", R(b, client=R(b.client, contactgegevens=(other,))))) == ["TR061"]
    assert contact.adres is not None
    foreign = R(contact, adres=R(contact.adres, land_code=None))
    assert codes(msg("301", R(b, client=R(b.client, contactgegevens=(foreign,))))) == ["CD005"]
    bad_postcode = R(contact, adres=R(contact.adres, postcode="12 AB"))
    assert codes(msg("301", R(b, client=R(b.client, contactgegevens=(bad_postcode,))))) == ["CS089"]


def test_tr018_stop_before_start() -> None:
    b = sample_bericht(Law.WMO, "307")
    p = R(b.client.stop_producten[0], einddatum=date(2025, 12, 31))
    assert codes(msg("307", R(b, client=R(b.client, stop_producten=(p,))), Law.WMO)) == ["TR018"]


def test_verzoek_rules_tr352_tr353_tr380() -> None:
    b = sample_bericht(Law.JEUGD, "317")
    empty = R(b.client.verzoek, ongewijzigde_producten=(), nieuwe_producten=())
    assert codes(msg("317", R(b, client=R(b.client, verzoek=empty)))) == ["TR352", "TR353"]
    p = R(b.client.verzoek.nieuwe_producten[0], gewenste_ingangsdatum=date(2026, 5, 6))
    early = R(b.client.verzoek, nieuwe_producten=(p,))
    assert codes(msg("317", R(b, client=R(b.client, verzoek=early)))) == ["TR380"]


def test_antwoord_rules_cd085_tr377_tr409() -> None:
    b = sample_bericht(Law.JEUGD, "319")
    assert codes(msg("319", R(b, antwoord=R(b.antwoord, reden_afwijzing_verzoek=None)))) == ["CD085"]
    assert codes(msg("319", R(b, antwoord=R(b.antwoord, reden_afwijzing_verzoek="8")))) == ["TR377"]
    wpb = R(b.antwoord, woonplaatsbeginsel=m.Woonplaatsbeginsel(gemeente="0344"))
    assert codes(msg("319", R(b, antwoord=wpb))) == ["TR409"]


def test_declaratie_rules() -> None:
    b = sample_declaratie(Law.WMO, random.Random(1), clients=1, per_client=2)
    d = b.declaratie
    wrong_total = R(d, totaal_ingediend_bedrag=m.TotaalBedragMetDC(totaal_bedrag=Money(1), debet_credit="D"))
    assert codes(msg("323", R(b, declaratie=wrong_total), Law.WMO)) == ["TR358"]
    p = d.clienten[0].prestaties[0]
    twice = R(d.clienten[0], prestaties=(p, R(p, product_referentie=m.Referentie(referentie_nummer="X9"))))
    found = codes(msg("323", R(b, declaratie=R(d, clienten=(twice,))), Law.WMO))
    assert "TR416" in found
    credit = R(p, ingediend_bedrag=R(p.ingediend_bedrag, debet_credit="C"))
    found = codes(
        msg("323", R(b, declaratie=R(d, clienten=(R(d.clienten[0], prestaties=(credit,)),))), Law.WMO)
    )
    assert "CD060" in found and "TR358" in found
    no_tarief = R(p, product_tarief=None)
    assert "CD087" in codes(
        msg(
            "323",
            R(
                b,
                declaratie=R(
                    d, clienten=(R(d.clienten[0], prestaties=(no_tarief, d.clienten[0].prestaties[1])),)
                ),
            ),
            Law.WMO,
        )
    )


def test_retour_302_puts_codes_on_the_class_and_0200_elsewhere() -> None:
    b = sample_bericht(Law.WMO, "301", random.Random(5))
    heen = msg("301", R(b, client=R(b.client, bsn="123456789")), Law.WMO)
    report = validate_message(write_message(heen.bericht, law=Law.WMO))
    found = codes_from_errors(report.errors)
    assert found == {"/Bericht/Client/Bsn": ("0001",)}
    retour, number = build_retour(heen, identificatie="R7", dagtekening=date(2026, 5, 7), codes=found)
    assert number == "302"
    assert retour.client.retour_codes == ("0001",)
    assert all(p.retour_codes == ("0200",) for p in retour.client.toegewezen_producten)
    assert retour.header.bericht_code == "415"
    assert retour.header.identificatie_retour == "R7"
    assert retour.header.bericht_identificatie == heen.bericht.header.bericht_identificatie
    assert validate_message(write_message(retour, law=Law.WMO, number="302")).valid


def test_retour_rejected_as_a_whole_has_only_a_header() -> None:
    heen = msg("305", sample_bericht(Law.JEUGD, "305"))
    retour, number = build_retour(
        heen, identificatie="R8", dagtekening=date(2026, 5, 7), codes={"/Bericht/Header": ("8848",)}
    )
    assert number == "306" and retour.client is None
    assert retour.header.retour_codes == ("8848",)
    assert validate_message(write_message(retour, law=Law.JEUGD, number="306")).valid


def test_declaratie_antwoord_325_carries_only_rejected_prestaties() -> None:
    b = sample_declaratie(Law.JEUGD, random.Random(2), clients=2, per_client=2)
    ref = b.declaratie.clienten[1].prestaties[0].product_referentie.referentie_nummer
    antwoord = build_declaratie_antwoord(
        msg("323", b),
        identificatie="A1",
        dagtekening=date(2026, 5, 8),
        toegekend=Money(100),
        rejected={ref: ("0611",)},
    )
    [client] = antwoord.declaratie_antwoord.clienten
    assert [p.retour_codes for p in client.prestaties] == [("0611",)]
    assert antwoord.header.afzender == b.header.ontvanger
    assert antwoord.header.declaratie_identificatie == b.header.bericht_identificatie
    assert validate_message(write_message(antwoord, law=Law.JEUGD)).valid
