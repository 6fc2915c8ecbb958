# SPDX-License-Identifier: EUPL-1.2
"""Streaming reader for large 323 declarations: one Prestatie at a time, in bounded memory.

A monthly declaration of a large provider can hold 100,000 prestaties. :class:`DeclaratieStream`
reads the header and the declaration data first, then yields each Prestatie with the Bsn of
its Client, checked against the declarations (structure, datatypes, code lists) and converted
to a typed :class:`~.models.Prestatie`; handled elements are cleared as it goes, so memory
does not grow with the file.

    with open(path, "rb") as f:
        stream = DeclaratieStream(f)
        stream.header, stream.declaratie_nummer, stream.totaal_ingediend_bedrag
        for item in stream:
            item.bsn, item.prestatie, item.errors
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from lxml import etree

from . import codec
from .errors import MessageError, ValidationError
from .models import GeslotenPeriode, Header, Prestatie, TotaalBedragMetDC
from .safe import Limits, iterparse_safe, namespace_of
from .schema import MessageSpec, spec_for_namespace
from .structure import check_element


@dataclass(frozen=True, slots=True)
class StreamedPrestatie:
    """One Prestatie from the stream; ``prestatie`` is None when ``errors`` make it unreadable."""

    bsn: str
    path: str
    line: int | None
    prestatie: Prestatie | None
    errors: tuple[ValidationError, ...]


_HEAD_TYPES = {
    "DeclaratieNummer": "DeclaratieNummer",
    "DeclaratiePeriode": "CDT_GeslotenPeriode",
    "DeclaratieDagtekening": "LDT_Datum",
    "TotaalIngediendBedrag": "CDT_TotaalBedragMetDC",
}
_HEAD_CLASSES: dict[str, Any] = {
    "DeclaratiePeriode": GeslotenPeriode,
    "TotaalIngediendBedrag": TotaalBedragMetDC,
}


class DeclaratieStream:
    """Iterate over the prestaties of a 323 (iWmo or iJw) from a binary file."""

    spec: MessageSpec
    header: Header
    declaratie_nummer: str
    declaratie_periode: GeslotenPeriode
    declaratie_dagtekening: date
    totaal_ingediend_bedrag: TotaalBedragMetDC

    def __init__(self, source: IO[bytes], limits: Limits | None = None) -> None:
        self._events = iterparse_safe(source, limits)
        self._read_head()

    def _local(self, el: etree._Element) -> str:
        return str(el.tag).rpartition("}")[2]

    def _read_head(self) -> None:
        head: dict[str, Any] = {}
        for event, el in self._events:
            name = self._local(el)
            depth_parent = el.getparent()
            if event == "start" and depth_parent is None:
                spec = spec_for_namespace(namespace_of(el) or "")
                if spec is None or spec.number != "323" or name != "Bericht":
                    raise MessageError(
                        [
                            ValidationError(
                                "XSD",
                                f"expected a 323 declaration (Bericht in a wmo323/jw323 "
                                f"namespace), got {el.tag!s}",
                                "/",
                                el.sourceline,
                            )
                        ]
                    )
                self.spec = spec
            elif (
                event == "end"
                and name == "Header"
                and depth_parent is not None
                and depth_parent.getparent() is None
            ):
                errors = check_element(self.spec, "Header", el, "/Bericht/Header")
                if errors:
                    raise MessageError(errors)
                self.header = codec.read_element(self.spec, "Header", Header, el)
                el.clear()
            elif (
                event == "end"
                and name in _HEAD_TYPES
                and depth_parent is not None
                and self._local(depth_parent) == "Declaratie"
            ):
                path = f"/Bericht/Declaratie/{name}"
                errors = check_element(self.spec, _HEAD_TYPES[name], el, path)
                if errors:
                    raise MessageError(errors)
                st = self.spec.simple_type(_HEAD_TYPES[name])
                if st is not None:
                    head[name] = codec.leaf_value(self.spec, st, el.text or "")
                else:
                    head[name] = codec.read_element(self.spec, _HEAD_TYPES[name], _HEAD_CLASSES[name], el)
            elif event == "start" and name == "Clienten":
                break
        missing = [n for n in ("Header", *_HEAD_TYPES) if n != "Header" and n not in head]
        if not hasattr(self, "header"):
            missing.insert(0, "Header")
        if missing:
            raise MessageError(
                [
                    ValidationError(
                        "XSD", f"the declaration is missing {', '.join(missing)} before Clienten", "/Bericht"
                    )
                ]
            )
        self.declaratie_nummer = head["DeclaratieNummer"]
        self.declaratie_periode = head["DeclaratiePeriode"]
        self.declaratie_dagtekening = head["DeclaratieDagtekening"]
        self.totaal_ingediend_bedrag = head["TotaalIngediendBedrag"]

    def __iter__(self) -> Iterator[StreamedPrestatie]:
        bsn = ""
        client_index = prestatie_index = 0
        for event, el in self._events:
            if event != "end":
                continue
            name = self._local(el)
            if name == "Bsn":  # the first child of each Client
                bsn = el.text or ""
                client_index += 1
                prestatie_index = 0
            elif name == "Prestatie":
                prestatie_index += 1
                path = (
                    f"/Bericht/Declaratie/Clienten/Client[{client_index}]/Prestaties/"
                    f"Prestatie[{prestatie_index}]"
                )
                errors = check_element(self.spec, "Prestatie", el, path)
                prestatie = None if errors else codec.read_element(self.spec, "Prestatie", Prestatie, el)
                yield StreamedPrestatie(bsn, path, el.sourceline, prestatie, tuple(errors))
                el.clear()
                parent = el.getparent()
                if parent is not None:  # drop handled siblings so memory stays flat
                    while el.getprevious() is not None:
                        del parent[0]
            elif name == "Client":
                el.clear()
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
