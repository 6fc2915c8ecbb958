# SPDX-License-Identifier: EUPL-1.2
"""The envelope of a message: which message it is and who sends it to whom, read from its
Header alone (streaming, with the protections of :mod:`.safe`), before anything else is done
with it. Used to refuse a message sent in another party's name without reading all of it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from zorginkoop.domain.codes import Law

from .errors import MessageError, ValidationError
from .safe import Limits, iterparse_safe, local_name, namespace_of
from .schema import spec_for_namespace


@dataclass(frozen=True, slots=True)
class Envelope:
    law: Law
    number: str
    """The message type: 301 ... 325."""
    name: str
    """e.g. WMO323, JW302."""
    afzender: str
    ontvanger: str
    identificatie: str


def read_envelope(data: bytes, limits: Limits | None = None) -> Envelope:
    """The message type, Afzender, Ontvanger and Identificatie of ``data``; raises
    :class:`MessageError` when the bytes are unsafe, not XML, not an iWmo/iJw 3.2 message or
    have no readable header."""
    spec = None
    fields: dict[str, str] = {}
    path: list[str] = []
    for event, el in iterparse_safe(io.BytesIO(data), limits):
        name = local_name(el)
        if event == "start":
            if spec is None:
                spec = spec_for_namespace(namespace_of(el) or "")
                if spec is None or name != "Bericht":
                    break
            path.append(name)
            continue
        in_header = path[-2:-1] == ["Header"] and name in ("Afzender", "Ontvanger")
        if in_header or (path[-3:-1] == ["Header", "BerichtIdentificatie"] and name == "Identificatie"):
            fields[name] = (el.text or "").strip()
        path.pop()
        if name == "Header":
            break
    if spec is None:
        raise MessageError([ValidationError("XSD", "not an iWmo 3.2 or iJw 3.2 message", "/Bericht")])
    missing = [f for f in ("Afzender", "Ontvanger", "Identificatie") if not fields.get(f)]
    if missing:
        raise MessageError(
            [ValidationError("XSD", f"the Header has no {', '.join(missing)}", "/Bericht/Header")]
        )
    return Envelope(
        spec.law,
        spec.number,
        f"{spec.law.message_prefix}{spec.number}",
        fields["Afzender"],
        fields["Ontvanger"],
        fields["Identificatie"],
    )


def retour_codes(data: bytes, limits: Limits | None = None) -> dict[str, tuple[str, ...]]:
    """Every RetourCode of a retour message by the path of the element it judges (e.g.
    ``/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]``; a first element has no
    ``[1]``), in document order."""
    found: dict[str, tuple[str, ...]] = {}
    path: list[str] = []
    counts: list[dict[str, int]] = [{}]
    for event, el in iterparse_safe(io.BytesIO(data), limits):
        name = local_name(el)
        if event == "start":
            n = counts[-1][name] = counts[-1].get(name, 0) + 1
            path.append(f"{name}[{n}]")
            counts.append({})
            continue
        counts.pop()
        path.pop()
        if name == "RetourCode":
            kept = path[:-1] if path and path[-1].startswith("RetourCodes[") else path
            owner = "/" + "/".join(p.removesuffix("[1]") for p in kept)
            found[owner] = (*found.get(owner, ()), (el.text or "").strip())
    return found
