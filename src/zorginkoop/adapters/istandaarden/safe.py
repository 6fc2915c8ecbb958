# SPDX-License-Identifier: EUPL-1.2
"""Safe parsing of messages from outside: no DTD, no entities, no network, bounded size/depth.

Messages come from providers and municipalities we do not control. The parser refuses any
DOCTYPE (so no entity expansion, "billion laughs" or external entity ``file:///etc/passwd``),
never touches the network, refuses bytes that are not UTF-8 (the iStandaarden prescribe UTF-8),
and stops at :attr:`Limits.max_bytes` and :attr:`Limits.max_depth`.

Measured with our writer (pretty-printed): a 323 of 100,000 lines is about 5,100 prestaties
and 4.9 MB; a 323 of 100,000 *prestaties* (10,000 clients) is 1.95 million lines and 95 MB.
The default limit of 128 MB admits both; :class:`~.stream.DeclaratieStream` reads the latter
in about 13 s with a peak RSS of 23 MB. Raise the limit per call for larger files.
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from lxml import etree

from zorginkoop.settings import DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGE_DEPTH, Settings

from .errors import MessageError, ValidationError

DEFAULT_MAX_BYTES = DEFAULT_MAX_MESSAGE_BYTES
DEFAULT_MAX_DEPTH = DEFAULT_MAX_MESSAGE_DEPTH  # the deepest 3.2 message nests 9 levels
MAX_NAMESPACES = 16
"""A message declares two namespaces (the message's and the basisschema's); many more is an
attack on the parser, not a message."""
MAX_ATTRIBUTES = 16
"""An iStandaarden message has no attributes; an element with many is refused as unreadable."""
DOCTYPE = b"<!DOCTYPE"


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits for reading a message; settings ``ZORGINKOOP_MAX_MESSAGE_BYTES`` and
    ``ZORGINKOOP_MAX_MESSAGE_DEPTH`` override the defaults (see :meth:`from_env`)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH

    @classmethod
    def from_env(cls) -> Limits:
        """The limits of ``ZORGINKOOP_MAX_MESSAGE_BYTES`` and ``ZORGINKOOP_MAX_MESSAGE_DEPTH``;
        raises :class:`~zorginkoop.settings.SettingError` (one line) for a value that is not a
        whole number in range."""
        settings = Settings.from_env()
        return cls(max_bytes=settings.max_message_bytes, max_depth=settings.max_message_depth)


def namespace_of(node: etree._Element | str) -> str:
    """The namespace of an element (or attribute name), "" for none. Never raises: a prefix the
    message uses without declaring it stays in the name (libxml2 keeps ``a:b``), where
    ``etree.QName`` would raise ``ValueError``."""
    tag = node if isinstance(node, str) else str(node.tag)
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def local_name(node: etree._Element | str) -> str:
    """The name without its namespace (an undeclared prefix kept, as in ``a:Bericht``); never raises."""
    tag = node if isinstance(node, str) else str(node.tag)
    return tag.rpartition("}")[2] if tag.startswith("{") else tag


def _fail(message: str, line: int | None = None) -> MessageError:
    return MessageError([ValidationError("XML", message, line=line)])


def _parser_options() -> dict[str, bool]:
    return {
        "resolve_entities": False,
        "no_network": True,
        "load_dtd": False,
        "dtd_validation": False,
        "huge_tree": False,
        "remove_comments": False,
    }


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def check_prolog(head: bytes) -> None:
    """Refuse a DOCTYPE: it can only stand in the prolog, before the root element."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        m = _PROLOG_ITEM.match(head, pos)
        if not m:
            break
        pos = m.end()
    if head[pos : pos + 9].upper() == b"<!DOCTYPE":
        raise _fail(
            "a DOCTYPE/DTD is not allowed in an iStandaarden message (entities and "
            "external references are refused)",
            line=head[:pos].count(b"\n") + 1,
        )


def _nul_refused(line: int | None = None) -> MessageError:
    return _fail(
        "the message holds NUL bytes, which XML does not allow (UTF-16 or UTF-32 without a byte "
        "order mark?); iStandaarden messages are UTF-8",
        line=line,
    )


def _doctype_refused(line: int | None = None) -> MessageError:
    return _fail(
        "a DOCTYPE/DTD is not allowed in an iStandaarden message (entities and external references "
        "are refused)",
        line=line,
    )


def check_no_doctype(data: bytes) -> None:
    """Refuse ``<!DOCTYPE`` anywhere in the bytes, however long the prolog before it is."""
    at = data.find(DOCTYPE)
    if at >= 0:
        raise _doctype_refused(data[:at].count(b"\n") + 1)


def check_namespaces_and_attributes(data: bytes) -> None:
    """Refuse more than :data:`MAX_NAMESPACES` namespace declarations in the message or more than
    :data:`MAX_ATTRIBUTES` attributes on one element. Counted exactly (a streaming pass in
    libxml2) only when the bytes could hold that many."""
    if data.count(b"xmlns") <= MAX_NAMESPACES and data.count(b"=") <= MAX_ATTRIBUTES:
        return
    namespaces = 0
    try:
        for event, item in etree.iterparse(
            io.BytesIO(data), events=("start", "start-ns"), **_parser_options()
        ):
            if event == "start-ns":
                namespaces += 1
                if namespaces > MAX_NAMESPACES:
                    raise _fail(f"the message declares more than {MAX_NAMESPACES} namespaces")
            else:
                _check_attribute_count(item)
    except etree.XMLSyntaxError:
        return  # the parse proper says what is wrong


def _check_attribute_count(el: etree._Element) -> None:
    if len(el.attrib) > MAX_ATTRIBUTES:
        raise _fail(
            f"element {local_name(el)} has {len(el.attrib):,} attributes (more than {MAX_ATTRIBUTES})",
            line=el.sourceline,
        )


def check_utf8(data: bytes) -> None:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _nul_refused(data[:nul].count(b"\n") + 1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(
            f"the message is not valid UTF-8 (byte {exc.start}: "
            f"{data[exc.start : exc.start + 1]!r}); iStandaarden messages are UTF-8",
            line=line,
        ) from None
    m = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", data)
    if m and m.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise _fail(
            f"the XML declaration says encoding {m.group(1).decode()!r}; iStandaarden messages are UTF-8",
            line=1,
        )


@cache
def _deeper_than(max_depth: int) -> etree.XPath:
    """An XPath (evaluated in libxml2) for the first element below ``max_depth`` levels."""
    return etree.XPath("(/" + "/".join(["*"] * (max_depth + 1)) + ")[1]")


def _check_depth(root: etree._Element, max_depth: int) -> None:
    found = _deeper_than(max_depth)(root)
    if found:
        raise _fail(f"the document nests deeper than {max_depth} elements", line=found[0].sourceline)


def parse_bytes(data: bytes, limits: Limits | None = None) -> etree._ElementTree:
    """Parse a whole message safely; raises :class:`MessageError` (code ``XML``)."""
    limits = limits or Limits()
    if not isinstance(data, bytes | bytearray):
        raise TypeError("parse_bytes needs bytes (read files in binary mode)")
    if len(data) > limits.max_bytes:
        raise _fail(f"the message is {len(data):,} bytes, more than the limit of {limits.max_bytes:,} bytes")
    if not data.strip():
        raise _fail("the message is empty")
    check_utf8(bytes(data))
    check_prolog(bytes(data[:65536]))
    check_no_doctype(bytes(data))
    check_namespaces_and_attributes(bytes(data))
    parser = etree.XMLParser(**_parser_options())
    try:
        root = etree.fromstring(bytes(data), parser)
    except etree.XMLSyntaxError as exc:
        raise _fail(f"not well-formed XML: {exc.msg}", line=exc.lineno) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise _fail("a DOCTYPE/DTD is not allowed in an iStandaarden message")
    _check_depth(root, limits.max_depth)
    return tree


def read_limited(path: str | os.PathLike[str], limits: Limits | None = None) -> bytes:
    """Read a file, refusing it before reading when it is over the size limit."""
    limits = limits or Limits()
    size = Path(path).stat().st_size
    if size > limits.max_bytes:
        raise _fail(f"{os.fspath(path)} is {size:,} bytes, more than the limit of {limits.max_bytes:,} bytes")
    return Path(path).read_bytes()


class _LimitedSource:
    """A file-like source for iterparse: serves the already-read head, then the rest; refuses
    to read past the byte limit and rejects bytes that are not UTF-8 (checked per chunk)."""

    def __init__(self, raw: IO[bytes], head: bytes, max_bytes: int) -> None:
        self.raw = raw
        self.pending = head
        self.count = len(head)
        self.max_bytes = max_bytes
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.tail = b""
        self.equals = head.count(b"=")
        """'=' signs read so far: attributes need one, so a reader checks attributes only once
        more came than the XML declaration and the root's namespace declarations hold."""

    def read(self, size: int = -1) -> bytes:
        if self.pending:
            chunk, self.pending = self.pending, b""
        else:
            chunk = self.raw.read(size if size and size > 0 else 65536)
            self.count += len(chunk)
            self.equals += chunk.count(b"=")
        if self.count > self.max_bytes:
            raise _fail(f"the message is more than the limit of {self.max_bytes:,} bytes")
        if b"\x00" in chunk:
            raise _nul_refused()
        # a DOCTYPE after a prolog longer than the head check_prolog saw (comments, PIs)
        if DOCTYPE in self.tail + chunk[: len(DOCTYPE)] or DOCTYPE in chunk:
            raise _doctype_refused()
        self.tail = chunk[-(len(DOCTYPE) - 1) :]
        try:
            self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise _fail("the message is not valid UTF-8; iStandaarden messages are UTF-8") from None
        return chunk


def iterparse_safe(source: IO[bytes], limits: Limits | None = None) -> Iterator[tuple[str, etree._Element]]:
    """Stream ``(event, element)`` pairs ('start'/'end') from a binary file with the same
    protections as :func:`parse_bytes`. The caller clears elements it has handled."""
    limits = limits or Limits()
    head = source.read(65536)
    if not head.strip():
        raise _fail("the message is empty")
    check_prolog(head)
    m = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']", head)
    if m and m.group(1).lower() not in (b"utf-8", b"utf8"):
        raise _fail(
            f"the XML declaration says encoding {m.group(1).decode()!r}; iStandaarden messages are UTF-8",
            line=1,
        )
    reader = _LimitedSource(source, head, limits.max_bytes)
    depth = namespaces = 0
    try:
        for event, el in etree.iterparse(reader, events=("start", "end", "start-ns"), **_parser_options()):
            if event == "start-ns":
                namespaces += 1
                if namespaces > MAX_NAMESPACES:
                    raise _fail(f"the message declares more than {MAX_NAMESPACES} namespaces")
                continue
            if event == "start":
                _check_attribute_count(el)
                depth += 1
                if depth > limits.max_depth:
                    raise _fail(
                        f"the document nests deeper than {limits.max_depth} elements", line=el.sourceline
                    )
            else:
                depth -= 1
            yield event, el
    except etree.XMLSyntaxError as exc:
        raise _fail(f"not well-formed XML: {exc.msg}", line=exc.lineno) from None
