# SPDX-License-Identifier: EUPL-1.2
"""The national code lists the messages use, shipped as data in ``zorginkoop/data/codelists``.

One JSON file per list (``WJ756.json``): its id, name, the basisschema element type it
enumerates (``LDT_Eenheid``), the laws it applies to and its codes with their labels. Files are
checked when loaded: unique codes, non-empty labels, each (law, element) given by one list.
The codes are the enumerations of the 3.2 basisschema (checked against the XSDs by the
conformance tests); labels come from the published code lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from zorginkoop.domain.codes import Law

CODELIST_DIR = Path(str(resources.files("zorginkoop") / "data" / "codelists"))


class CodeListError(ValueError):
    """A shipped code list file is malformed."""


@dataclass(frozen=True, slots=True)
class CodeList:
    id: str
    name: str
    element: str
    laws: frozenset[Law]
    labels: Mapping[str, str]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(self.labels)

    def __contains__(self, code: object) -> bool:
        return code in self.labels

    def label(self, code: str) -> str:
        return self.labels[code]


def _load(path: Path) -> CodeList:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels: dict[str, str] = {}
        for entry in data["codes"]:
            code, label = entry["code"], entry["label"]
            if not isinstance(code, str) or not code or not isinstance(label, str) or not label:
                raise CodeListError(f"{path.name}: code and label must be non-empty text: {entry}")
            if code in labels:
                raise CodeListError(f"{path.name}: code {code!r} appears twice")
            labels[code] = label
        laws = frozenset(Law(x) for x in data["laws"])
        if data["id"] != path.stem:
            raise CodeListError(f"{path.name}: id {data['id']!r} does not match the file name")
        return CodeList(data["id"], data["name"], data["element"], laws, MappingProxyType(labels))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CodeListError):
            raise
        raise CodeListError(f"{path.name}: not a valid code list file: {exc}") from exc


@cache
def all_codelists() -> Mapping[str, CodeList]:
    """Every shipped code list by id, validated."""
    lists = {p.stem: _load(p) for p in sorted(CODELIST_DIR.glob("*.json"))}
    seen: dict[tuple[Law, str], str] = {}
    for cl in lists.values():
        for law in cl.laws:
            key = (law, cl.element)
            if key in seen:
                raise CodeListError(f"{cl.id} and {seen[key]} both enumerate {cl.element} for {law.value}")
            seen[key] = cl.id
    return MappingProxyType(lists)


def codelist(list_id: str) -> CodeList:
    """A code list by its id: ``codelist("WJ756")``."""
    try:
        return all_codelists()[list_id]
    except KeyError:
        raise KeyError(f"no code list {list_id!r} (known: {', '.join(all_codelists())})") from None


@cache
def codelist_for(law: Law, element_type: str) -> CodeList:
    """The code list enumerating basisschema type ``element_type`` under ``law``."""
    for cl in all_codelists().values():
        if cl.element == element_type and law in cl.laws:
            return cl
    raise KeyError(f"no code list for {element_type} ({law.value})")


def codes_for(law: Law, element_type: str) -> tuple[str, ...]:
    return codelist_for(law, element_type).codes
