# SPDX-License-Identifier: EUPL-1.2
"""Fast streaming reader for 323 declarations: straight to domain :class:`DeclaredLine` objects.

:class:`~.stream.DeclaratieStream` checks every element against the generic declarations and
builds a typed model per Prestatie: exact, but 100,000 prestaties take about 13 s. Declaration
intake needs the same checks at a fraction of the cost, so this reader

- lets libxml2 filter the events (``iterparse(tag=...)``) to the few elements it handles,
- reads the children of a Prestatie by position and compares their tags,
- checks the datatypes that matter (dates, integers in range, lengths), the code lists
  (ProductCategorie, Eenheid, DebetCredit) and the BSN (nine digits, eleven-test), and
- clears each Client and deletes handled siblings, so memory stays flat.

Anything unusual in a Prestatie falls back to the exact checker (:func:`.structure.check_element`)
so the error message is the standard one. Any error refuses the whole file
(:class:`.errors.MessageError`): a declaration is processed whole or not at all.

The same protections as :func:`.safe.iterparse_safe` apply: no DTD or entities, no network,
UTF-8 only, a byte limit. libxml2 itself caps nesting at 256 levels (``huge_tree`` is off).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import IO

from lxml import etree

from zorginkoop.domain.codes import Law, Unit
from zorginkoop.domain.declaration_header import HeaderFinding, header_findings, unreadable_content
from zorginkoop.domain.declarations import DebitCredit, DeclaredLine
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

from . import codec
from . import models as m
from .codelists import codelist_for
from .errors import MessageError, ValidationError
from .messages import Message, write_message
from .models import GeslotenPeriode, Header, TotaalBedragMetDC
from .retour import build_declaratie_antwoord
from .safe import (
    MAX_ATTRIBUTES,
    MAX_NAMESPACES,
    Limits,
    _LimitedSource,
    _parser_options,
    check_prolog,
    local_name,
    namespace_of,
)
from .schema import MessageSpec, spec_for_namespace
from .structure import check_element

_HEAD = ("DeclaratieNummer", "DeclaratiePeriode", "DeclaratieDagtekening", "TotaalIngediendBedrag")
_HEAD_TYPES = {
    "DeclaratieNummer": "DeclaratieNummer",
    "DeclaratiePeriode": "CDT_GeslotenPeriode",
    "DeclaratieDagtekening": "LDT_Datum",
    "TotaalIngediendBedrag": "CDT_TotaalBedragMetDC",
}
_UNITS = {u.value: u for u in Unit}
_TAG = attrgetter("tag")
_ATTRIB = attrgetter("attrib")
_TEXT = attrgetter("text")
_CACHE_LIMIT = 4096
"""Distinct ProductPeriodes and amounts kept per file (memory stays bounded)."""
_LENIENT = frozenset({"DeclaratiePeriode", "DeclaratieDagtekening"})
"""Declaration data the 325 does not repeat: when it breaks its datatype (an impossible date)
the declaration is still answered, refused with 0001, instead of being unreadable."""
_PLACEHOLDER = GeslotenPeriode(begindatum=date.min, einddatum=date.min)


class _Bad(Exception):
    """The fast path saw something unusual; the exact checker gives the message."""


def _fail(message: str, path: str = "/Bericht", line: int | None = None) -> MessageError:
    return MessageError([ValidationError("XSD", message, path, line)])


@dataclass(frozen=True, slots=True)
class DeclarationHead:
    """The header and declaration data of a 323, read before the first Client."""

    spec: MessageSpec
    header: Header
    number: str
    period: GeslotenPeriode
    dated: date
    total: TotaalBedragMetDC
    findings: tuple[HeaderFinding, ...] = ()
    """What the reader found wrong in the declaration data it could still answer (an impossible
    date in DeclaratiePeriode or DeclaratieDagtekening: ``period``/``dated`` are then
    placeholders), or in the content after the head (see :meth:`refused`)."""

    def refused(self, error: MessageError) -> DeclarationHead:
        """This head with ``error`` (found after the head was read) as a finding: the
        declaration is answered with a 325 refusing it (0001) instead of being unreadable."""
        first = error.errors[0]
        where = f" at {first.path}" if first.path and first.path != "/Bericht" else ""
        line = f" (line {first.line})" if first.line else ""
        finding = unreadable_content(f"{first.message}{where}{line}", first.code)
        return dataclasses.replace(self, findings=(*self.findings, finding))

    def header_findings(self, today: date) -> list[HeaderFinding]:
        """Every reason to refuse this declaration that needs no stored data: what the reader
        found, else TR135, CS340 and TR137 (:mod:`zorginkoop.domain.declaration_header`)."""
        if self.findings:
            return list(self.findings)
        dagtekening = self.header.bericht_identificatie.dagtekening
        return header_findings(self.period.begindatum, self.period.einddatum, dagtekening, today)

    @property
    def law(self) -> Law:
        return self.spec.law

    @property
    def provider_agb(self) -> str:
        return self.header.afzender

    @property
    def municipality_code(self) -> str:
        return self.header.ontvanger

    @property
    def identification(self) -> str:
        return self.header.bericht_identificatie.identificatie

    @property
    def signed_total(self) -> Money:
        return -self.total.totaal_bedrag if self.total.debet_credit == "C" else self.total.totaal_bedrag


@dataclass(frozen=True, slots=True)
class ReadLine:
    """One Prestatie as a domain line; ``tariff_given`` is False when ProductTarief was absent
    (the line then carries tariff 0 and fails TR418)."""

    line: DeclaredLine
    tariff_given: bool
    source_line: int | None


class FastDeclaratie:
    """Read a 323 (iWmo or iJw) from a binary file: ``head`` at once, then iterate the lines.

    ``bytes_read`` tells how far the parser got (for a progress bar).
    """

    head: DeclarationHead

    def __init__(self, source: IO[bytes], limits: Limits | None = None) -> None:
        limits = limits or Limits()
        first = source.read(65536)
        if not first.strip():
            raise MessageError([ValidationError("XML", "the message is empty")])
        check_prolog(first)
        m = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", first)
        if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
            raise MessageError([ValidationError(
                "XML", f"the XML declaration says encoding {m.group(1).decode()!r}; "
                "iStandaarden messages are UTF-8", line=1)])  # fmt: skip
        self._reader = _LimitedSource(source, first, limits.max_bytes)
        # '=' before the Header: the XML declaration and the root's namespace declarations (the
        # root's and the Header's attributes are checked apart); any more may be an attribute
        header = first.find(b"Header")
        self._plain_equals = first[:header].count(b"=") if header >= 0 else 0
        tags = [f"{{*}}{name}" for name in ("Header", *_HEAD, "Bsn", "Prestatie", "Client")]
        self._namespaces = 0
        self._events = etree.iterparse(
            self._reader, events=("end", "start-ns"), tag=tags, **_parser_options()
        )
        self._root: etree._Element | None = None
        self._read_head()

    @property
    def bytes_read(self) -> int:
        return self._reader.count

    # -- head ----------------------------------------------------------------------------------
    def _next(self) -> etree._Element | None:
        try:
            event, el = next(self._events)
            while event == "start-ns":  # a namespace declaration (a message has two)
                self._namespaces += 1
                if self._namespaces > MAX_NAMESPACES:
                    raise MessageError([ValidationError(
                        "XML", f"the message declares more than {MAX_NAMESPACES} namespaces")])  # fmt: skip
                event, el = next(self._events)
        except StopIteration:
            return None
        except etree.XMLSyntaxError as exc:
            raise MessageError(
                [ValidationError("XML", f"not well-formed XML: {exc.msg}", line=exc.lineno)]
            ) from None
        return el

    def _check_root(self, el: etree._Element) -> None:
        root = el.getroottree().getroot()
        try:
            q = etree.QName(root)
        except ValueError:  # a prefix with no namespace declared for it: libxml2 keeps it in the name
            raise _fail(
                f"the root element {str(root.tag)[:60]!r} uses a namespace prefix that is not declared"
            ) from None
        spec = spec_for_namespace(q.namespace or "")
        if spec is None or spec.number != "323" or q.localname != "Bericht":
            raise _fail(f"expected a 323 declaration (Bericht in a wmo323/jw323 namespace), got {q.text}")
        _guard_attributes(root, deep=False)
        self._root = root
        self.spec = spec
        self._ns = f"{{{spec.namespace}}}"
        self._basis = f"{{{spec.basis_namespace}}}"
        self._shape_cache = self._shapes()
        self._categories = frozenset(codelist_for(spec.law, "LDT_ProductCategorie").codes)

    def _read_head(self) -> None:
        values: dict[str, object] = {}
        findings: list[HeaderFinding] = []
        header: Header | None = None
        while True:
            el = self._next()
            if el is None:
                raise _fail("the file ends before the first Client of the declaration")
            if self._root is None:
                self._check_root(el)
            name = str(el.tag).rpartition("}")[2]
            if not str(el.tag).startswith(self._ns):
                raise _fail(f"element {el.tag} is not in the namespace of the message", line=el.sourceline)
            _guard_attributes(el)
            if name == "Header":
                errors = check_element(self.spec, "Header", el, "/Bericht/Header")
                if errors:
                    raise MessageError(errors)
                header = codec.read_element(self.spec, "Header", Header, el)
            elif name in _HEAD_TYPES:
                path = f"/Bericht/Declaratie/{name}"
                errors = check_element(self.spec, _HEAD_TYPES[name], el, path)
                if errors and name in _LENIENT:
                    # answered with a 325 (0001) all the same: the 325 does not repeat it
                    findings.append(
                        unreadable_content(f"{errors[0].message} at {errors[0].path}", errors[0].code)
                    )
                    values[name] = _PLACEHOLDER if name == "DeclaratiePeriode" else date.min
                    continue
                if errors:
                    raise MessageError(errors)
                st = self.spec.simple_type(_HEAD_TYPES[name])
                if st is not None:
                    values[name] = codec.leaf_value(self.spec, st, el.text or "")
                else:
                    cls = GeslotenPeriode if name == "DeclaratiePeriode" else TotaalBedragMetDC
                    values[name] = codec.read_element(self.spec, _HEAD_TYPES[name], cls, el)
            elif name == "Bsn":
                self._pending_bsn = el
                break
            else:
                raise _fail(f"unexpected {name} before the declaration data", line=el.sourceline)
        missing = [n for n in _HEAD if n not in values]
        if header is None:
            missing.insert(0, "Header")
        if missing:
            raise _fail(f"the declaration is missing {', '.join(missing)} before Clienten")
        assert header is not None
        self.head = DeclarationHead(
            spec=self.spec,
            header=header,
            number=str(values["DeclaratieNummer"]),
            period=values["DeclaratiePeriode"],  # type: ignore[arg-type]
            dated=values["DeclaratieDagtekening"],  # type: ignore[arg-type]
            total=values["TotaalIngediendBedrag"],  # type: ignore[arg-type]
            findings=tuple(findings),
        )
        self._law, self._agb, self._gemeente = self.spec.law, header.afzender, header.ontvanger
        self._periods: dict[tuple[str, str], Period] = {}
        self._amounts: dict[int, Money] = {}

    # -- lines ---------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[ReadLine]:
        ns = self._ns
        t_bsn, t_prestatie, t_client = ns + "Bsn", ns + "Prestatie", ns + "Client"
        el: etree._Element | None = self._pending_bsn
        bsn = ""
        client_index = prestatie_index = 0
        while el is not None:
            tag = el.tag
            if tag == t_prestatie:
                prestatie_index += 1
                yield self._prestatie(el, bsn, client_index, prestatie_index)
                previous = el.getprevious()
                if previous is not None:  # drop the handled sibling so memory stays flat
                    parent = el.getparent()
                    while previous is not None:
                        if previous.tag != t_prestatie:
                            path = _prestatie_path(client_index, prestatie_index)
                            raise _fail(
                                f"unexpected element {previous.tag} in Prestaties", path, previous.sourceline
                            )
                        del parent[0]
                        previous = el.getprevious()
                el.clear()
            elif tag == t_bsn:
                client_index += 1
                prestatie_index = 0
                bsn = self._bsn(el, f"/Bericht/Declaratie/Clienten/Client[{client_index}]/Bsn")
            elif tag == t_client:
                self._check_client(el, client_index)
                parent = el.getparent()
                el.clear()
                if parent is not None:
                    while (previous := el.getprevious()) is not None:
                        if previous.tag != t_client:
                            raise _fail(
                                f"unexpected element {previous.tag} in Clienten", line=previous.sourceline
                            )
                        del parent[0]
            else:
                raise _fail(f"unexpected element {tag} after the declaration data", line=el.sourceline)
            el = self._next()
        self._check_end()

    def _bsn(self, el: etree._Element, path: str) -> str:
        value = el.text or ""
        if not bsn_valid(value):
            raise _fail(
                f"Bsn {value!r} is not a valid BSN (nine digits passing the eleven-test)", path, el.sourceline
            )
        return value

    def _check_client(self, el: etree._Element, index: int) -> None:
        kids = list(el)
        ns = self._ns
        for node in (el, *kids):
            _guard_attributes(node, deep=False)
        if len(kids) != 2 or kids[0].tag != ns + "Bsn" or kids[1].tag != ns + "Prestaties":
            raise _fail("a Client holds a Bsn and Prestaties, nothing else",
                        f"/Bericht/Declaratie/Clienten/Client[{index}]", el.sourceline)  # fmt: skip

    def _check_end(self) -> None:
        root = self._root
        assert root is not None
        ns = self._ns
        kids = [k.tag for k in root]
        if kids != [ns + "Header", ns + "Declaratie"]:
            raise _fail("the Bericht holds a Header and a Declaratie, nothing else")
        declaratie = root[1]
        for node in (declaratie, declaratie[-1]) if len(declaratie) else (declaratie,):
            _guard_attributes(node, deep=False)
        names = [k.tag for k in declaratie]
        if names != [ns + n for n in (*_HEAD, "Clienten")]:
            raise _fail("the Declaratie holds DeclaratieNummer, DeclaratiePeriode, DeclaratieDagtekening, "
                        "TotaalIngediendBedrag and Clienten, in that order", "/Bericht/Declaratie")  # fmt: skip

    def _prestatie(self, el: etree._Element, bsn: str, client_index: int, index: int) -> ReadLine:
        try:
            return self._prestatie_fast(el, bsn)
        except (_Bad, ValueError, IndexError, KeyError):
            path = _prestatie_path(client_index, index)
            _guard_attributes(el)
            errors = check_element(self.spec, "Prestatie", el, path)
            if errors:
                raise MessageError(errors) from None
            begin, end = (
                el.findtext(f"{self._ns}ProductPeriode/{self._basis}{n}") for n in ("Begindatum", "Einddatum")
            )
            if begin and end and end.strip() < begin.strip():
                raise MessageError([ValidationError(
                    "TR137", f"ProductPeriode ends ({end.strip()}) before it begins ({begin.strip()})",
                    f"{path}/ProductPeriode", el.sourceline)]) from None  # fmt: skip
            raise _fail("the Prestatie could not be read (a value outside what the standard allows)",
                        path, el.sourceline) from None  # fmt: skip

    def _shapes(self) -> dict[tuple[str, ...], tuple[bool, bool]]:
        """The four tag sequences of a Prestatie and its descendants (with or without
        VorigReferentieNummer and ProductTarief), each with (has vorig, has tarief)."""
        ns, b = self._ns, self._basis
        shapes = {}
        for vorig in (False, True):
            for tarief in (False, True):
                tags = [ns + "Prestatie", ns + "ProductReferentie", b + "ReferentieNummer"]
                tags += [b + "VorigReferentieNummer"] if vorig else []
                tags += [
                    ns + n for n in ("ToewijzingNummer", "ProductCategorie", "ProductCode", "ProductPeriode")
                ]
                tags += [b + "Begindatum", b + "Einddatum", ns + "GeleverdVolume", ns + "Eenheid"]
                tags += [ns + "ProductTarief"] if tarief else []
                tags += [ns + "IngediendBedrag", b + "Bedrag", b + "DebetCredit"]
                shapes[tuple(tags)] = (vorig, tarief)
        return shapes

    def _prestatie_fast(self, el: etree._Element, bsn: str) -> ReadLine:
        nodes = list(el.iter())  # the Prestatie and all its descendants, in document order
        shape = self._shape_cache.get(tuple(map(_TAG, nodes)))
        if shape is None or (self._reader.equals > self._plain_equals and any(map(len, map(_ATTRIB, nodes)))):
            raise _Bad  # unusual, or with attributes (xsi: ones too): the exact checker decides
        vorig, tarief = shape
        texts = list(map(_TEXT, nodes))
        # positions: 0 Prestatie, 1 ProductReferentie, 2 ReferentieNummer, [3 Vorig], then fixed
        i = 4 if vorig else 3
        reference = texts[2] or ""
        previous = (texts[3] or "") if vorig else None
        if not 1 <= len(reference) <= 20 or (previous is not None and not 1 <= len(previous) <= 20):
            raise _Bad
        category, product_code = texts[i + 1] or "", texts[i + 2] or ""
        if category not in self._categories or not 1 <= len(product_code) <= 5 or not product_code.strip():
            raise _Bad
        unit = _UNITS[texts[i + 7] or ""]
        tariff = _int(texts[i + 8], 99_999_999) if tarief else 0
        j = i + 9 if tarief else i + 8
        dc = texts[j + 2]
        line = DeclaredLine(
            reference=reference,
            client_bsn=bsn,
            allocation_number=_int(texts[i], 999_999_999),
            provider_agb=self._agb,
            municipality_code=self._gemeente,
            law=self._law,
            category=category,
            product_code=product_code,
            period=self._period(texts[i + 4] or "", texts[i + 5] or ""),
            volume=_int(texts[i + 6], 99_999_999),
            unit=unit,
            tariff=self._money(tariff),
            amount=self._money(_int(texts[j + 1], 99_999_999)),
            debit_credit=DebitCredit.DEBIT if dc == "D" else DebitCredit.CREDIT if dc == "C" else _bad(),
            previous_reference=previous,
        )
        return ReadLine(line, tarief, el.sourceline)

    def _period(self, begin: str, end: str) -> Period:
        """The ProductPeriode; the lines of a declaration share a few months, so each distinct
        period is checked and built once (Period is immutable)."""
        period = self._periods.get((begin, end))
        if period is None:
            start, last = _date(begin), _date(end)
            if last < start:
                raise _Bad
            period = Period(start, last)
            if len(self._periods) < _CACHE_LIMIT:
                self._periods[begin, end] = period
        return period

    def _money(self, cents: int) -> Money:
        """Tariffs and amounts repeat: one immutable Money per distinct value (up to a limit)."""
        money = self._amounts.get(cents)
        if money is None:
            money = Money(cents)
            if len(self._amounts) < _CACHE_LIMIT:
                self._amounts[cents] = money
        return money


_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _guard_attributes(el: etree._Element, *, deep: bool = True) -> None:
    """Refuse an element with attributes: a huge number makes the file unreadable (``XML``),
    a few break the XSD."""
    for node in el.iter() if deep else (el,):
        attributes = node.attrib
        if len(attributes) > MAX_ATTRIBUTES:
            raise MessageError([ValidationError(
                "XML", f"element {local_name(node)} has {len(attributes):,} attributes "
                f"(more than {MAX_ATTRIBUTES})", line=node.sourceline)])  # fmt: skip
        if not deep and any(namespace_of(a) != _XSI for a in attributes):
            raise _fail(f"element {local_name(node)} may not have attributes", line=node.sourceline)


def _prestatie_path(client_index: int, index: int) -> str:
    return f"/Bericht/Declaratie/Clienten/Client[{client_index}]/Prestaties/Prestatie[{index}]"


def bsn_valid(value: str) -> bool:
    """Nine ASCII digits passing the eleven-test (weights 9..2 and -1), as stdnum's BSN check,
    without its generic overhead (10,000 clients per file)."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and value != "000000000"


def _int(text: str | None, maximum: int) -> int:
    if text is None or not text.isdigit() or len(text) > 12:
        raise _Bad
    value = int(text)
    if value > maximum:
        raise _Bad
    return value


def _date(text: str) -> date:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise _Bad
    return date.fromisoformat(text)


def _bad() -> DebitCredit:
    raise _Bad


# -- writing ------------------------------------------------------------------------------------


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_declaratie(
    out: IO[bytes],
    *,
    law: Law,
    afzender: str,
    ontvanger: str,
    identificatie: str,
    dagtekening: date,
    number: str,
    period: Period,
    clients: Iterator[tuple[str, list[DeclaredLine]]] | list[tuple[str, list[DeclaredLine]]],
) -> Money:
    """Write a 323 line by line, in the layout of :func:`.messages.write_message`, without
    holding the message in memory (the generator and the benchmark write 100,000 prestaties).

    ``clients`` is an iterable of (Bsn, lines); the lines are read twice (for the total, then the
    body), so pass a list when the iterable is a generator. Returns TotaalIngediendBedrag.
    """
    clients = list(clients)
    total = Money.sum(line.signed_amount for _bsn, lines in clients for line in lines)
    spec = spec_for_namespace(f"http://www.istandaarden.nl/{law.standard.lower()}/3_2/"
                              f"{law.message_prefix.lower()}323/schema")  # fmt: skip
    assert spec is not None and period.end is not None
    p, bp = spec.prefix, spec.basis_prefix
    w = out.write
    w((f"<?xml version='1.0' encoding='UTF-8'?>\n"
       f'<{p}:Bericht xmlns:{p}="{spec.namespace}" xmlns:{bp}="{spec.basis_namespace}">\n'
       f"  <{p}:Header>\n    <{p}:BerichtCode>{spec.berichtcode}</{p}:BerichtCode>\n"
       f"    <{p}:BerichtVersie>3</{p}:BerichtVersie>\n    <{p}:BerichtSubversie>2</{p}:BerichtSubversie>\n"
       f"    <{p}:Afzender>{afzender}</{p}:Afzender>\n    <{p}:Ontvanger>{ontvanger}</{p}:Ontvanger>\n"
       f"    <{p}:BerichtIdentificatie>\n      <{bp}:Identificatie>{_esc(identificatie)}</{bp}:Identificatie>\n"
       f"      <{bp}:Dagtekening>{dagtekening.isoformat()}</{bp}:Dagtekening>\n    </{p}:BerichtIdentificatie>\n"
       f"    <{p}:XsdVersie>\n      <{bp}:BasisschemaXsdVersie>{spec.xsd_version}</{bp}:BasisschemaXsdVersie>\n"
       f"      <{bp}:BerichtXsdVersie>{spec.xsd_version}</{bp}:BerichtXsdVersie>\n    </{p}:XsdVersie>\n"
       f"  </{p}:Header>\n  <{p}:Declaratie>\n    <{p}:DeclaratieNummer>{_esc(number)}</{p}:DeclaratieNummer>\n"
       f"    <{p}:DeclaratiePeriode>\n      <{bp}:Begindatum>{period.start.isoformat()}</{bp}:Begindatum>\n"
       f"      <{bp}:Einddatum>{period.end.isoformat()}</{bp}:Einddatum>\n    </{p}:DeclaratiePeriode>\n"
       f"    <{p}:DeclaratieDagtekening>{dagtekening.isoformat()}</{p}:DeclaratieDagtekening>\n"
       f"    <{p}:TotaalIngediendBedrag>\n      <{bp}:TotaalBedrag>{abs(total.cents)}</{bp}:TotaalBedrag>\n"
       f"      <{bp}:DebetCredit>{'C' if total.cents < 0 else 'D'}</{bp}:DebetCredit>\n"
       f"    </{p}:TotaalIngediendBedrag>\n    <{p}:Clienten>\n").encode())  # fmt: skip
    for bsn, lines in clients:
        parts = [f"      <{p}:Client>\n        <{p}:Bsn>{bsn}</{p}:Bsn>\n        <{p}:Prestaties>\n"]
        for x in lines:
            assert x.period.end is not None
            vorig = (f"              <{bp}:VorigReferentieNummer>{_esc(x.previous_reference)}"
                     f"</{bp}:VorigReferentieNummer>\n") if x.previous_reference else ""  # fmt: skip
            parts.append(
                f"          <{p}:Prestatie>\n            <{p}:ProductReferentie>\n"
                f"              <{bp}:ReferentieNummer>{_esc(x.reference)}</{bp}:ReferentieNummer>\n{vorig}"
                f"            </{p}:ProductReferentie>\n"
                f"            <{p}:ToewijzingNummer>{x.allocation_number}</{p}:ToewijzingNummer>\n"
                f"            <{p}:ProductCategorie>{x.category}</{p}:ProductCategorie>\n"
                f"            <{p}:ProductCode>{_esc(x.product_code or '')}</{p}:ProductCode>\n"
                f"            <{p}:ProductPeriode>\n              <{bp}:Begindatum>{x.period.start.isoformat()}"
                f"</{bp}:Begindatum>\n              <{bp}:Einddatum>{x.period.end.isoformat()}</{bp}:Einddatum>\n"
                f"            </{p}:ProductPeriode>\n"
                f"            <{p}:GeleverdVolume>{x.volume}</{p}:GeleverdVolume>\n"
                f"            <{p}:Eenheid>{x.unit.value}</{p}:Eenheid>\n"
                # CD087: no ProductTarief for a volume in euros (Eenheid 83)
                + (
                    ""
                    if x.unit is Unit.EUROS
                    else f"            <{p}:ProductTarief>{x.tariff.cents}</{p}:ProductTarief>\n"
                )
                + f"            <{p}:IngediendBedrag>\n              <{bp}:Bedrag>{x.amount.cents}</{bp}:Bedrag>\n"
                f"              <{bp}:DebetCredit>{x.debit_credit.value}</{bp}:DebetCredit>\n"
                f"            </{p}:IngediendBedrag>\n          </{p}:Prestatie>\n"
            )
        parts.append(f"        </{p}:Prestaties>\n      </{p}:Client>\n")
        w("".join(parts).encode())
    w(f"    </{p}:Clienten>\n  </{p}:Declaratie>\n</{p}:Bericht>\n".encode())
    return total


# -- the answer (325) ------------------------------------------------------------------------------


def prestatie_model(read: ReadLine) -> m.Prestatie:
    """The Prestatie of the 323 again, from the line read (for the 325)."""
    x = read.line
    assert x.period.end is not None
    return m.Prestatie(
        product_referentie=m.Referentie(
            referentie_nummer=x.reference, vorig_referentie_nummer=x.previous_reference
        ),
        toewijzing_nummer=x.allocation_number,
        product_categorie=x.category,
        product_code=x.product_code or "",
        product_periode=m.GeslotenPeriode(begindatum=x.period.start, einddatum=x.period.end),
        geleverd_volume=x.volume,
        eenheid=x.unit.value,
        product_tarief=x.tariff if read.tariff_given else None,
        ingediend_bedrag=m.BedragMetDC(bedrag=x.amount, debet_credit=x.debit_credit.value),
    )


def declaratie_antwoord(
    head: DeclarationHead,
    rejected: Iterable[tuple[ReadLine, Sequence[str]]],
    *,
    identificatie: str,
    dagtekening: date,
    toegekend: Money,
    header_codes: Sequence[str] = ("0200",),
    declaratie_codes: Sequence[str] = ("0200",),
    with_antwoord: bool = True,
) -> bytes:
    """The 325 for a declaration read with :class:`FastDeclaratie`: only the rejected prestaties,
    grouped per client, each with its RetourCodes (OP304, TR342), and the totals submitted and
    granted. ``with_antwoord=False`` leaves out DeclaratieAntwoord (the header is refused)."""
    by_client: dict[str, list[m.Prestatie]] = {}
    codes: dict[str, Sequence[str]] = {}
    for read, line_codes in rejected:
        by_client.setdefault(read.line.client_bsn, []).append(prestatie_model(read))
        codes[read.line.reference] = line_codes
    bericht = m.Declaratiebericht(
        header=head.header,
        declaratie=m.Declaratie(
            declaratie_nummer=head.number,
            declaratie_periode=head.period,
            declaratie_dagtekening=head.dated,
            totaal_ingediend_bedrag=head.total,
            clienten=tuple(m.DeclaratieClient(bsn=b, prestaties=tuple(p)) for b, p in by_client.items()),
        ),
    )
    antwoord = build_declaratie_antwoord(
        Message(head.spec, bericht), identificatie=identificatie, dagtekening=dagtekening, toegekend=toegekend,
        rejected=codes, header_codes=header_codes, declaratie_codes=declaratie_codes,
    )  # fmt: skip
    if not with_antwoord:
        antwoord = dataclasses.replace(antwoord, declaratie_antwoord=None)
    return write_message(antwoord, law=head.law, number="325")
