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
    latin1 = VALID_301.replace(b"<jw301:Client>", "<jw301:Client><!-- Müller -->".encode(
        "latin-1"), 1)
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
