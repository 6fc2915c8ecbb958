# SPDX-License-Identifier: EUPL-1.2
"""The official example messages: read, written back XSD-valid and equal in content."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from zorginkoop.adapters.istandaarden.errors import MessageError
from zorginkoop.adapters.istandaarden.messages import read_message, validate_message, write_message
from zorginkoop.adapters.istandaarden.xsd import validate_with_xsd
from zorginkoop.domain.codes import Law

KNOWN_INVALID = {"JW315.xml", "JW318.xml"}
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "istandaarden"


def _examples() -> list[Path]:
    return sorted(REFERENCE.glob("*/examples/*.xml")) if REFERENCE.is_dir() else []


def canonical(data: bytes) -> bytes:
    """Content without layout: C14N 2.0 of the tree without ignorable whitespace."""
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    return etree.tostring(etree.fromstring(data, parser), method="c14n2", strip_text=True)


VALID = [p for p in _examples() if p.name not in KNOWN_INVALID]


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_example_reads_and_writes_back_equal_and_xsd_valid(path: Path, xsd_dirs: dict[Law, Path]) -> None:
    data = path.read_bytes()
    message = read_message(data)
    assert message.spec.name == path.stem
    out = write_message(message.bericht, law=message.law, number=message.number)
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert canonical(out) == canonical(data)
    assert validate_with_xsd(out, xsd_dirs[message.law]) == []
    assert validate_with_xsd(data, xsd_dirs[message.law]) == []


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_example_passes_our_structure_and_code_lists(path: Path) -> None:
    report = validate_message(path.read_bytes(), rules=False)
    assert report.valid, report.errors


def test_jw315_example_is_rejected_for_its_impossible_date(reference: Path, jw_xsd_dir: Path) -> None:
    """JW315.xml as published has ToewijzingEinddatum 2027-06-31: June has 30 days."""
    data = (reference / "ijw-3.2/examples/JW315.xml").read_bytes()
    with pytest.raises(MessageError) as exc:
        read_message(data)
    [first, second] = exc.value.errors
    assert first.code == "XSD"
    assert "ToewijzingEinddatum" in first.message and "'2027-06-31'" in first.message
    assert "not an existing calendar date" in first.message
    assert first.line == 44 and second.line == 66
    lxml_errors = validate_with_xsd(data, jw_xsd_dir)
    assert lxml_errors and all("2027-06-31" in e.message for e in lxml_errors)


def test_jw318_example_is_rejected_for_a_retourcode_outside_retourcodes(
    reference: Path, jw_xsd_dir: Path
) -> None:
    """JW318.xml as published puts a RetourCode directly in Verzoek, not inside RetourCodes
    (and before the product lists, where the XSD expects them)."""
    data = (reference / "ijw-3.2/examples/JW318.xml").read_bytes()
    report = validate_message(data)
    [error] = report.errors
    assert error.code == "XSD" and error.line == 33
    assert error.path == "/Bericht/Client/Verzoek/RetourCode"
    assert "RetourCode" in error.message and "not expected" in error.message
    assert "RetourCodes" in error.message
    lxml_errors = validate_with_xsd(data, jw_xsd_dir)
    assert [e.line for e in lxml_errors] == [33]
    assert "RetourCode': This element is not expected" in lxml_errors[0].message


# The published examples break a few content rules; our validator finds exactly these.
CONTENT_FINDINGS = {
    "JW317.xml": ["CS003"],  # NieuwProduct Einddatum 2024-02-28 before GewensteIngangsdatum 2026-11-01
    "JW323.xml": ["TR101"],  # ReferentieNummer RN004 declared twice
    "WMO317.xml": ["TR380"],  # GewensteIngangsdatum equal to the Dagtekening, not after it
}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_example_content_rules(path: Path) -> None:
    report = validate_message(path.read_bytes())
    assert [e.code for e in report.errors] == CONTENT_FINDINGS.get(path.name, [])
