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
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO

from lxml import etree

from .errors import MessageError, ValidationError

DEFAULT_MAX_BYTES = 128 * 1024 * 1024
DEFAULT_MAX_DEPTH = 32  # the deepest 3.2 message nests 9 levels


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits for reading a message; settings ``ZORGINKOOP_MAX_MESSAGE_BYTES`` and
    ``ZORGINKOOP_MAX_MESSAGE_DEPTH`` override the defaults (see :meth:`from_env`)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_bytes=int(os.environ.get("ZORGINKOOP_MAX_MESSAGE_BYTES", DEFAULT_MAX_BYTES)),
            max_depth=int(os.environ.get("ZORGINKOOP_MAX_MESSAGE_DEPTH", DEFAULT_MAX_DEPTH)),
        )


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


def check_utf8(data: bytes) -> None:
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

    def read(self, size: int = -1) -> bytes:
        if self.pending:
            chunk, self.pending = self.pending, b""
        else:
            chunk = self.raw.read(size if size and size > 0 else 65536)
            self.count += len(chunk)
        if self.count > self.max_bytes:
            raise _fail(f"the message is more than the limit of {self.max_bytes:,} bytes")
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
    depth = 0
    try:
        for event, el in etree.iterparse(reader, events=("start", "end"), **_parser_options()):
            if event == "start":
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
