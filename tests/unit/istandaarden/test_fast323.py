# SPDX-License-Identifier: EUPL-1.2
"""The fast 323 reader: reads what the writer writes, agrees with the exact reader, refuses junk."""

from __future__ import annotations

import io
import random
from datetime import date

import pytest
from stdnum.nl import bsn as stdnum_bsn

from zorginkoop.adapters.istandaarden import DeclaratieStream, MessageError, validate_message, write_message
from zorginkoop.adapters.istandaarden.fast323 import FastDeclaratie, bsn_valid, write_declaratie
from zorginkoop.adapters.istandaarden.samples import sample_declaratie
from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

JAN = Period.month(2021, 1)


def _line(ref: str, **extra: object) -> DeclaredLine:
    values: dict[str, object] = dict(
        reference=ref, client_bsn="999900006", allocation_number=7, provider_agb="11111111",
        municipality_code="0321", law=Law.WMO, category="02", product_code="OZR1", period=JAN, volume=3,
        unit=Unit.UUR, tariff=Money(5000), amount=Money(15000),
    )  # fmt: skip
    values.update(extra)
    return DeclaredLine(**values)  # type: ignore[arg-type]


def _written(lines: list[DeclaredLine]) -> bytes:
    out = io.BytesIO()
    write_declaratie(out, law=Law.WMO, afzender="11111111", ontvanger="0321", identificatie="M1",
                     dagtekening=date(2021, 2, 5), number="D1", period=JAN,
                     clients=[("999900006", lines)])  # fmt: skip
    return out.getvalue()


def test_what_the_writer_writes_is_a_valid_323_and_reads_back_the_same():
    lines = [_line("R1"), _line("R2", debit_credit=DebitCredit.CREDIT, previous_reference="R0")]
    data = _written(lines)
    assert validate_message(data).errors == ()
    reader = FastDeclaratie(io.BytesIO(data))
    assert (reader.head.number, reader.head.provider_agb, reader.head.municipality_code) == (
        "D1",
        "11111111",
        "0321",
    )
    assert reader.head.signed_total == Money(0)  # one debit and one credit of 150.00
    assert [r.line for r in reader] == lines


def test_the_fast_reader_agrees_with_the_exact_streaming_reader():
    data = write_message(sample_declaratie(Law.JEUGD, random.Random(3), clients=5, per_client=4, month=(2021, 3)),
                         law=Law.JEUGD)  # fmt: skip
    exact = [(s.bsn, s.prestatie) for s in DeclaratieStream(io.BytesIO(data))]
    fast = list(FastDeclaratie(io.BytesIO(data)))
    assert len(fast) == len(exact) == 20
    for read, (bsn, p) in zip(fast, exact, strict=True):
        assert read.line.client_bsn == bsn
        assert read.line.reference == p.product_referentie.referentie_nummer
        assert read.line.allocation_number == p.toewijzing_nummer
        assert read.line.amount == p.ingediend_bedrag.bedrag and read.line.tariff == p.product_tarief
        assert read.line.period == Period(p.product_periode.begindatum, p.product_periode.einddatum)


def test_another_namespace_prefix_reads_the_same():
    data = _written([_line("R1")]).replace(b"wmo323:", b"d:").replace(b"xmlns:wmo323", b"xmlns:d")
    assert [r.line.reference for r in FastDeclaratie(io.BytesIO(data))] == ["R1"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((b"<wmo323:Eenheid>04<", b"<wmo323:Eenheid>99<"), "Eenheid"),
        ((b"<wmo323:GeleverdVolume>3<", b"<wmo323:GeleverdVolume>-3<"), "GeleverdVolume"),
        ((b"<wmo323:Bsn>999900006<", b"<wmo323:Bsn>999900007<"), "eleven-test"),
        ((b"<wmo323:ProductCategorie>02<", b"<wmo323:ProductCategorie>45<"), "ProductCategorie"),
    ],
)
def test_a_bad_value_refuses_the_file_with_the_element_named(change, message):
    data = _written([_line("R1")]).replace(*change)
    with pytest.raises(MessageError) as caught:
        list(FastDeclaratie(io.BytesIO(data)))
    assert message in str(caught.value.errors[0].message) + str(caught.value.errors[0].path)


def test_the_eleven_test_matches_stdnum():
    rng = random.Random(5)
    for _ in range(20000):
        value = f"{rng.randint(0, 999_999_999):09d}"
        assert bsn_valid(value) == stdnum_bsn.is_valid(value), value
    assert not bsn_valid("99990000６")  # a full-width digit is not a digit of a BSN


def test_a_root_element_whose_namespace_prefix_is_not_declared_is_refused_not_a_crash():
    # a mangled xmlns: the parser keeps "wmo323:Bericht" as the element's name (found by the
    # hostile-file property test: it used to end in a ValueError from lxml)
    data = _written([_line("R1")]).replace(b"xmlns:wmo323=", b"x2021-02-30mlns:wmo323=", 1)
    with pytest.raises(MessageError) as caught:
        list(FastDeclaratie(io.BytesIO(data)))
    assert "not declared" in caught.value.errors[0].message
