# SPDX-License-Identifier: EUPL-1.2
"""Hostile and broken inputs are refused with a clear reason, never a crash or a hang."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from zorginkoop.adapters.istandaarden.errors import MessageError
from zorginkoop.adapters.istandaarden.messages import read_message, validate_message, write_message
from zorginkoop.adapters.istandaarden.safe import Limits
from zorginkoop.adapters.istandaarden.samples import sample_bericht
from zorginkoop.adapters.istandaarden.stream import DeclaratieStream
from zorginkoop.adapters.istandaarden.xsd import validate_with_xsd
from zorginkoop.domain.codes import Law

VALID_301 = write_message(sample_bericht(Law.JEUGD, "301", random.Random(1)), law=Law.JEUGD)
BODY = VALID_301.split(b"?>", 1)[1]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE Bericht [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
""" + BODY.replace(b"<jw301:Bsn>", b"<jw301:Bsn>&xxe;", 1)


def _reject(data: bytes, code: str, *words: str) -> None:
    report = validate_message(data)
    assert not report.valid
    first = report.errors[0]
    assert first.code == code, report.errors
    for w in words:
        assert w.lower() in first.message.lower(), first.message
    with pytest.raises(MessageError):
        read_message(data)


def test_billion_laughs_is_refused_before_expansion() -> None:
    _reject(BILLION_LAUGHS, "XML", "DOCTYPE")


def test_external_entity_is_refused() -> None:
    _reject(XXE, "XML", "DOCTYPE")
    assert b"root:" not in repr(validate_message(XXE)).encode()


def test_plain_dtd_is_refused() -> None:
    data = b'<?xml version="1.0"?>\n<!DOCTYPE Bericht SYSTEM "http://example.org/x.dtd">\n' + BODY
    _reject(data, "XML", "DOCTYPE")


def test_doctype_after_comment_is_refused() -> None:
    _reject(b"<!-- hi -->\n<!DOCTYPE x []>" + BODY, "XML", "DOCTYPE")


def test_truncated_file_is_refused() -> None:
    _reject(VALID_301[: len(VALID_301) // 2], "XML", "well-formed")


def test_empty_file_is_refused() -> None:
    _reject(b"", "XML", "empty")


def test_wrong_namespace_is_refused() -> None:
    data = VALID_301.replace(b"ijw/3_2/jw301/schema", b"ijw/3_1/jw301/schema")
    _reject(data, "XSD", "namespace")


def test_wrong_root_is_refused() -> None:
    data = VALID_301.replace(b"jw301:Bericht", b"jw301:Berichten")
    _reject(data, "XSD", "root element must be Bericht")


def test_bad_bsn_fails_the_eleven_test() -> None:
    bericht = sample_bericht(Law.JEUGD, "301", random.Random(1))
    data = VALID_301.replace(bericht.client.bsn.encode(), b"123456789", 1)
    report = validate_message(data)
    assert [e.code for e in report.errors] == ["CS002"]
    assert report.errors[0].path == "/Bericht/Client/Bsn"
    assert "eleven-test" in report.errors[0].message


def test_unknown_code_names_its_code_list() -> None:
    data = VALID_301.replace(b"<ijw:Eenheid>04</ijw:Eenheid>", b"<ijw:Eenheid>99</ijw:Eenheid>")
    report = validate_message(data)
    assert report.errors[0].code == "WJ756"
    assert "'99' is not a code of WJ756" in report.errors[0].message
    assert report.errors[0].line is not None


def test_missing_required_element_is_named() -> None:
    start = VALID_301.index(b"<jw301:Geslacht>")
    end = VALID_301.index(b"</jw301:Geslacht>") + len(b"</jw301:Geslacht>")
    report = validate_message(VALID_301[:start] + VALID_301[end:])
    [error] = report.errors
    assert error.code == "XSD" and "Geslacht" in error.message


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    limits = Limits(max_bytes=1000)
    report = validate_message(VALID_301, limits=limits)
    assert report.errors[0].code == "XML" and "limit" in report.errors[0].message
    path = tmp_path / "big.xml"
    path.write_bytes(VALID_301)
    with pytest.raises(MessageError, match="limit"):
        read_message(path, limits=limits)


def test_excessive_depth_is_refused() -> None:
    deep = b"<a>" * 5000 + b"</a>" * 5000
    report = validate_message(deep)
    assert report.errors[0].code == "XML"
    shallow_limit = validate_message(VALID_301, limits=Limits(max_depth=4))
    assert "deeper than 4" in shallow_limit.errors[0].message


def test_non_utf8_garbage_is_refused() -> None:
    _reject(b"\xff\xfe\x00garbage\x80\x81", "XML", "UTF-8")
    latin1 = VALID_301.replace(b"<jw301:Client>", "<jw301:Client><!-- Müller -->".encode("latin-1"), 1)
    _reject(latin1, "XML", "UTF-8")


def test_declared_other_encoding_is_refused() -> None:
    data = b'<?xml version="1.0" encoding="ISO-8859-1"?>' + BODY
    _reject(data, "XML", "encoding")


def test_text_where_elements_belong_is_refused() -> None:
    data = VALID_301.replace(b"<jw301:Client>", b"<jw301:Client>hello", 1)
    assert validate_message(data).errors[0].code == "XSD"


def test_attribute_is_refused() -> None:
    data = VALID_301.replace(b"<jw301:Client>", b'<jw301:Client foo="bar">', 1)
    assert "attribute" in validate_message(data).errors[0].message


def test_xsd_check_refuses_hostile_input_too(jw_xsd_dir: Path) -> None:
    errors = validate_with_xsd(XXE, jw_xsd_dir)
    assert errors and errors[0].code == "XML"


def test_stream_refuses_doctype_and_garbage() -> None:
    with pytest.raises(MessageError, match="DOCTYPE"):
        DeclaratieStream(io.BytesIO(BILLION_LAUGHS))
    with pytest.raises(MessageError, match="323"):
        DeclaratieStream(io.BytesIO(VALID_301))
    with pytest.raises(MessageError):
        list(DeclaratieStream(io.BytesIO(b"<a>\xff\xfe</a>")))


# -- issue 7, point 9: whatever stands before or around the message --------------------------------

LONG_PROLOG = b"<?xml version='1.0' encoding='UTF-8'?>\n" + b"<!-- a comment -->\n" * 8000


def _323() -> bytes:
    from datetime import date

    from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
    from zorginkoop.domain.codes import Unit
    from zorginkoop.domain.declarations import DeclaredLine
    from zorginkoop.domain.money import Money
    from zorginkoop.domain.periods import Period

    line = DeclaredLine(
        reference="R1", client_bsn="999900006", allocation_number=7, provider_agb="11111111",
        municipality_code="0321", law=Law.WMO, category="02", product_code="OZR1", period=Period.month(2021, 1),
        volume=3, unit=Unit.UUR, tariff=Money(5000), amount=Money(15000),
    )  # fmt: skip
    out = io.BytesIO()
    write_declaratie(out, law=Law.WMO, afzender="11111111", ontvanger="0321", identificatie="M1",
                     dagtekening=date(2021, 2, 5), number="D1", period=Period.month(2021, 1),
                     clients=[("999900006", [line])])  # fmt: skip
    return out.getvalue()


def _every_reader_refuses(data: bytes, *words: str) -> None:
    """validate_message, DeclaratieStream and the fast 323 reader all refuse ``data`` as not a
    readable message (code XML), naming why."""
    from zorginkoop.adapters.istandaarden.fast323 import FastDeclaratie

    report = validate_message(data)
    assert report.errors and report.errors[0].code == "XML", report.errors
    for w in words:
        assert w.lower() in report.errors[0].message.lower(), report.errors[0].message
    for reader in (DeclaratieStream, FastDeclaratie):
        with pytest.raises(MessageError) as caught:
            list(reader(io.BytesIO(data)))
        assert caught.value.errors[0].code == "XML", (reader, caught.value)


def test_doctype_after_a_prolog_longer_than_the_first_read_is_refused() -> None:
    body = _323().split(b"?>", 1)[1]
    _every_reader_refuses(LONG_PROLOG + b'<!DOCTYPE b [<!ENTITY a "b">]>' + body, "DOCTYPE")


def test_doctype_split_over_two_reads_is_refused() -> None:
    body = _323().split(b"?>", 1)[1]
    pad = b"<!--" + b"x" * (65536 - 4 - 4 - len(b"<?xml version='1.0' encoding='UTF-8'?>\n")) + b"-->"
    data = b"<?xml version='1.0' encoding='UTF-8'?>\n" + pad + b"<!DOCTYPE b []>" + body
    assert data[65530:65540].count(b"<") == 1  # the DOCTYPE starts a few bytes before 64 KiB
    _every_reader_refuses(data, "DOCTYPE")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_or_utf32_without_a_byte_order_mark_is_refused(encoding: str) -> None:
    _every_reader_refuses(_323().decode().encode(encoding), "NUL")


def test_a_huge_number_of_namespaces_is_refused() -> None:
    many = b" ".join(b'xmlns:n%d="urn:%d"' % (i, i) for i in range(20_000))
    _every_reader_refuses(
        _323().replace(b"<wmo323:ProductCode>", b"<wmo323:ProductCode " + many + b">"), "namespaces"
    )


@pytest.mark.parametrize("element", [b"<wmo323:Header>", b"<wmo323:ProductCode>", b"<wmo323:Clienten>"])
def test_a_huge_attribute_count_on_one_element_is_refused(element: bytes) -> None:
    many = b" ".join(b'a%d="1"' % i for i in range(20_000))
    _every_reader_refuses(_323().replace(element, element[:-1] + b" " + many + b">", 1), "attributes")


def test_a_stray_attribute_inside_a_prestatie_breaks_the_xsd_in_the_fast_reader_too() -> None:
    from zorginkoop.adapters.istandaarden.fast323 import FastDeclaratie

    data = _323().replace(b"<wmo323:ProductCode>", b'<wmo323:ProductCode x="1">', 1)
    assert validate_message(data).errors[0].code == "XSD"
    with pytest.raises(MessageError, match="attribute") as caught:
        list(FastDeclaratie(io.BytesIO(data)))
    assert caught.value.errors[0].code == "XSD"


def test_a_reversed_declaration_period_is_a_cs340_finding_not_a_crash() -> None:
    data = _323().replace(b"<iwmo:Begindatum>2021-01-01</iwmo:Begindatum>\n      <iwmo:Einddatum>2021-01-31",
                          b"<iwmo:Begindatum>2021-01-31</iwmo:Begindatum>\n      <iwmo:Einddatum>2021-01-01", 1)  # fmt: skip
    assert data != _323()
    # CS340: one whole calendar month; TR137: an Einddatum on or after the Begindatum
    assert {e.code for e in validate_message(data).errors} == {"CS340", "TR137"}


def test_an_xsi_schema_location_on_the_root_is_still_a_readable_323() -> None:
    from zorginkoop.adapters.istandaarden.fast323 import FastDeclaratie

    xsi = b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x x.xsd" '
    data = _323().replace(b"<wmo323:Bericht ", b"<wmo323:Bericht " + xsi, 1)
    assert validate_message(data).errors == ()
    assert len(list(FastDeclaratie(io.BytesIO(data)))) == 1


@pytest.mark.parametrize(
    "where", [b"jw301:Bericht", b"jw301:Header", b"jw301:Client"], ids=["root", "header", "body"]
)
def test_a_prefix_used_without_its_declaration_is_one_named_error_everywhere(where: bytes) -> None:
    """libxml2 keeps an undeclared prefix in the element's name (``zz:Header``); reading the
    envelope, the message and the 323 stream each refuse it as a MessageError, never a crash."""
    from zorginkoop.adapters.istandaarden.envelope import read_envelope

    data = VALID_301.replace(where, b"zz:" + where.split(b":")[1])
    with pytest.raises(MessageError):
        read_message(data)
    if where != b"jw301:Client":  # the envelope is read up to the end of the Header only
        with pytest.raises(MessageError):
            read_envelope(data)
    assert not validate_message(data).valid
    declaration = _323()
    prefix = declaration.split(b"Bericht", 1)[0].rsplit(b"<", 1)[1]  # e.g. b"jw323:" or b""
    broken = declaration.replace(b"<" + prefix + b"Header", b"<zz:Header", 1).replace(
        b"</" + prefix + b"Header", b"</zz:Header", 1
    )
    assert broken != declaration
    with pytest.raises(MessageError):
        list(DeclaratieStream(io.BytesIO(broken)))
