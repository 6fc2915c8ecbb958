# SPDX-License-Identifier: EUPL-1.2
"""Read, write and validate iWmo 3.2 / iJw 3.2 messages: the entry points of the package.

- :func:`write_message` turns a model (``Toewijzingbericht``...) into pretty-printed UTF-8 XML.
- :func:`read_message` parses bytes safely, checks the structure and returns a typed
  :class:`Message`; it raises :class:`.errors.MessageError` for a message it cannot read.
- :func:`validate_message` runs every layer (XML safety, structure and datatypes, code lists,
  conditions/constraints, technical rules) and returns all findings instead of raising.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from zorginkoop.domain.codes import Law

from . import codec
from .errors import MessageError, ValidationError
from .models import BERICHT_CLASSES, Bericht
from .safe import Limits, parse_bytes, read_limited
from .schema import MessageSpec, message_spec
from .structure import check_structure, identify


@dataclass(frozen=True, slots=True)
class Message:
    """A message read from XML: which one it is and its typed content."""

    spec: MessageSpec
    bericht: Any  # one of models.Bericht, per spec.number (see models.BERICHT_CLASSES)

    @property
    def law(self) -> Law:
        return self.spec.law

    @property
    def number(self) -> str:
        return self.spec.number


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """All findings for one message; ``message`` is set when it could be read."""

    errors: tuple[ValidationError, ...]
    message: Message | None = None
    spec: MessageSpec | None = None
    warnings: tuple[ValidationError, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.errors


def write_message(bericht: Bericht, *, law: Law, number: str | None = None) -> bytes:
    """XML for ``bericht`` as message ``number`` of ``law``.

    ``number`` defaults to the heen message of the model class (a ``Toewijzingbericht`` is a
    301; pass ``"302"`` to write it as the retour message).
    """
    if number is None:
        number = next(n for n, c in BERICHT_CLASSES.items() if isinstance(bericht, c))
    if not isinstance(bericht, BERICHT_CLASSES[number]):
        raise TypeError(
            f"a {type(bericht).__name__} cannot be written as message {number}; "
            f"use {BERICHT_CLASSES[number].__name__}"
        )
    spec = message_spec(law, number)
    return codec.to_bytes(codec.to_tree(spec, bericht))


def parse_message(root: etree._Element) -> tuple[MessageSpec | None, list[ValidationError]]:
    """Identify the message and check its structure and code lists (layers a and b)."""
    spec, errors = identify(root)
    if spec is None:
        return None, errors
    return spec, check_structure(spec, root)


def _to_message(spec: MessageSpec, root: etree._Element) -> Message:
    cls = BERICHT_CLASSES[spec.number]
    return Message(spec, codec.read_element(spec, "Root", cls, root))


def read_message(
    data: bytes | os.PathLike[str] | str,
    *,
    limits: Limits | None = None,
    law: Law | None = None,
    number: str | None = None,
) -> Message:
    """Read a message (bytes, or a path) into typed objects.

    Raises :class:`MessageError` when the bytes are unsafe or not well-formed, when it is not
    an iWmo/iJw 3.2 message (or not the expected ``law``/``number``), or when its structure,
    datatypes or codes break the XSD. Content rules (TR/CD) are not applied: use
    :func:`validate_message` for those.
    """
    if not isinstance(data, bytes | bytearray):
        data = read_limited(Path(data), limits)
    root = parse_bytes(bytes(data), limits).getroot()
    spec, errors = parse_message(root)
    if spec is not None and ((law and spec.law is not law) or (number and spec.number != number)):
        wanted = f"{(law or spec.law).message_prefix}{number or spec.number}"
        errors.insert(
            0,
            ValidationError(
                "XSD", f"expected a {wanted} message, got {spec.name}", "/Bericht", root.sourceline
            ),
        )
    if errors or spec is None:
        raise MessageError(errors)
    return _to_message(spec, root)


def validate_message(
    data: bytes | os.PathLike[str] | str, *, limits: Limits | None = None, rules: bool = True
) -> ValidationReport:
    """Every finding for one message, layer by layer; never raises for bad input.

    Structure errors stop the validation (rules need a readable message). Content rules
    (conditions/constraints and technical rules within the message) run on the typed model.
    """
    try:
        if not isinstance(data, bytes | bytearray):
            data = read_limited(Path(data), limits)
        root = parse_bytes(bytes(data), limits).getroot()
    except MessageError as exc:
        return ValidationReport(exc.errors)
    except OSError as exc:
        return ValidationReport((ValidationError("XML", f"cannot read the file: {exc}"),))
    spec, errors = parse_message(root)
    if spec is None or errors:
        return ValidationReport(tuple(errors), spec=spec)
    message = _to_message(spec, root)
    if rules:
        from .rules import check_rules

        errors.extend(check_rules(message))
    return ValidationReport(tuple(errors), message, spec)
