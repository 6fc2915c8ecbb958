# SPDX-License-Identifier: EUPL-1.2
"""Our declarations in ``schema.py`` must say what the official XSDs say (no drift)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from zorginkoop.adapters.istandaarden import codelists, schema
from zorginkoop.domain.codes import Law

XS = "{http://www.w3.org/2001/XMLSchema}"
FACETS = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minInclusive": "min_inclusive",
    "maxInclusive": "max_inclusive",
}


def _local(qname: str | None) -> str | None:
    return qname.split(":")[-1] if qname else None


def _facets(restriction: etree._Element) -> tuple[dict[str, object], list[str]]:
    facets: dict[str, object] = {}
    enums: list[str] = []
    for f in restriction:
        tag = etree.QName(f).localname
        if tag == "enumeration":
            enums.append(f.get("value"))
        elif tag in FACETS:
            value = f.get("value")
            facets[FACETS[tag]] = value if tag == "pattern" else int(value)
    return facets, enums


def _our_facets(t: schema.SimpleType) -> dict[str, object]:
    return {k: getattr(t, k) for k in FACETS.values() if getattr(t, k) is not None}


@pytest.mark.parametrize("law", list(Law))
def test_basisschema_simple_types_match(law: Law, xsd_dirs: dict[Law, Path]) -> None:
    root = etree.parse(str(xsd_dirs[law] / "basisschema.xsd")).getroot()
    seen = set()
    for st in root.findall(f"{XS}simpleType"):
        name = st.get("name")
        seen.add(name)
        ours = schema.SIMPLE_TYPES[name]
        restriction = st.find(f"{XS}restriction")
        assert ours.base == _local(restriction.get("base")), name
        facets, enums = _facets(restriction)
        assert _our_facets(ours) == facets, name
        assert ours.codelist == bool(enums), name
        if enums:
            assert codelists.codes_for(law, name) == tuple(enums), name
    assert seen == set(schema.SIMPLE_TYPES)


@pytest.mark.parametrize("law", list(Law))
def test_basisschema_complex_types_match(law: Law, xsd_dirs: dict[Law, Path]) -> None:
    root = etree.parse(str(xsd_dirs[law] / "basisschema.xsd")).getroot()
    names = set()
    for ct in root.findall(f"{XS}complexType"):
        names.add(ct.get("name"))
        assert _sequence(ct) == _our_sequence(schema.BASIS_TYPES[ct.get("name")]), ct.get("name")
    assert names == set(schema.BASIS_TYPES)
    appinfo = {
        etree.QName(e).localname: e.text
        for e in root.iter()
        if e.text and etree.QName(e).localname.startswith("Basisschema")
    }
    assert appinfo["BasisschemaXsdVersie"] == schema.XSD_VERSIONS[law]


def _sequence(ct: etree._Element) -> list[tuple[str, str, int, int | None]]:
    out = []
    for el in ct.find(f"{XS}sequence").findall(f"{XS}element"):
        typ = _local(el.get("type"))
        if typ is None:  # anonymous restriction: compare the restricted type and its facets
            restriction = el.find(f"{XS}simpleType/{XS}restriction")
            facets, _ = _facets(restriction)
            typ = f"{_local(restriction.get('base'))}{sorted(facets.items())}"
        max_occurs = el.get("maxOccurs", "1")
        out.append(
            (
                el.get("name"),
                typ,
                int(el.get("minOccurs", "1")),
                None if max_occurs == "unbounded" else int(max_occurs),
            )
        )
    return out


def _our_sequence(ct: schema.ComplexType, spec: schema.MessageSpec | None = None):
    out = []
    for f in ct.fields:
        typ = f.type
        local = spec.local_simple_types.get(f.type) if spec else None
        if local is not None:
            typ = f"{local.restricts}{sorted(_our_facets(local).items())}"
        out.append((f.name, typ, f.min_occurs, f.max_occurs))
    return out


@pytest.mark.parametrize("law", list(Law))
@pytest.mark.parametrize("number", schema.MESSAGE_NUMBERS)
def test_message_declaration_matches_xsd(law: Law, number: str, xsd_dirs: dict[Law, Path]) -> None:
    spec = schema.message_spec(law, number)
    xsd = xsd_dirs[law] / f"{spec.name}.xsd"
    root = etree.parse(str(xsd)).getroot()
    assert root.get("targetNamespace") == spec.namespace
    [element] = root.findall(f"{XS}element")
    assert element.get("name") == "Bericht"
    assert _local(element.get("type")) == "Root"
    theirs = {ct.get("name"): _sequence(ct) for ct in root.findall(f"{XS}complexType")}
    if law is Law.WMO and number in ("316", "320"):
        # Made from the iJw XSD in the test; iWmo has no GezagsdragerBekend/Woonplaatsbeginsel.
        dropped = {"316": ("Client", "GezagsdragerBekend"), "320": ("Antwoord", "Woonplaatsbeginsel")}[number]
        theirs[dropped[0]] = [f for f in theirs[dropped[0]] if f[0] != dropped[1]]
        theirs.pop(dropped[1], None)
    ours = {name: _our_sequence(ct, spec) for name, ct in spec.types.items()}
    assert ours == theirs
    versions = {
        etree.QName(e).localname: e.text
        for e in root.iter()
        if etree.QName(e).localname in ("BerichtXsdVersie", "BasisschemaXsdVersie")
    }
    assert versions == {"BerichtXsdVersie": spec.xsd_version, "BasisschemaXsdVersie": spec.xsd_version}


def test_code_list_files_are_complete() -> None:
    for path in codelists.CODELIST_DIR.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["codes"], path
        assert all(c["label"] for c in data["codes"]), path
