# SPDX-License-Identifier: EUPL-1.2
"""Everything we write validates against the official XSDs and reads back to the same model."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree

from zorginkoop.adapters.istandaarden.messages import read_message, validate_message, write_message
from zorginkoop.adapters.istandaarden.samples import sample_bericht
from zorginkoop.adapters.istandaarden.schema import MESSAGE_NUMBERS, message_spec
from zorginkoop.adapters.istandaarden.xsd import validate_with_xsd
from zorginkoop.domain.codes import Law


@pytest.mark.parametrize("law", list(Law))
@pytest.mark.parametrize("number", MESSAGE_NUMBERS)
def test_written_message_is_xsd_valid_and_reads_back(
    law: Law, number: str, xsd_dirs: dict[Law, Path]
) -> None:
    for seed in range(3):
        bericht = sample_bericht(law, number, random.Random(seed))
        data = write_message(bericht, law=law, number=number)
        assert validate_with_xsd(data, xsd_dirs[law]) == []
        report = validate_message(data)
        assert report.valid, report.errors
        message = read_message(data)
        assert message.spec is message_spec(law, number)
        assert message.bericht == bericht


@pytest.mark.parametrize("law", list(Law))
def test_written_message_has_namespaces_prefixes_and_declaration(law: Law) -> None:
    data = write_message(sample_bericht(law, "301"), law=law)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n")
    root = etree.fromstring(data)
    spec = message_spec(law, "301")
    assert root.nsmap == {spec.prefix: spec.namespace, spec.basis_prefix: spec.basis_namespace}
    header = root[0]
    values = [c.text for c in header[:3]]
    assert values == [spec.berichtcode, "3", "2"]
    xsd = header.find(f"{{{spec.namespace}}}XsdVersie")
    assert [c.text for c in xsd] == [spec.xsd_version, spec.xsd_version]
    assert b"\n    <" in data or b"\n  <" in data  # pretty-printed
