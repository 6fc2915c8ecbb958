# SPDX-License-Identifier: EUPL-1.2
"""Validation findings and the exception that carries them.

Every finding names the rule it breaks in ``code``:

- ``XML``: the bytes are not a safe, well-formed UTF-8 XML document (DOCTYPE, entities,
  size, depth, encoding, truncation). Nothing further is checked.
- ``XSD``: the structure or a datatype breaks the message XSD (element order, occurrence,
  pattern, length, range, date). We use ``XSD`` rather than a retourcode because the standard
  has none for this: such a message is refused as a whole; ``retourcode`` is then ``0001``
  ("Bericht is afgekeurd om technische redenen"), which a retour message would carry.
- a code list id (``WJ756``, ``WMO020``, ``JZ588``, ...): a code is not in its list
  (in the XSD these are enumerations, so the retourcode is also ``0001``).
- a condition/constraint id (``CS001``, ``CD004``...) or technical rule id (``TR002``, ...)
  with the retourcode the standard assigns to it (WJ001).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ValidationError:
    code: str
    message: str
    path: str = ""
    line: int | None = None
    retourcode: str = "0001"

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        at = f" at {self.path}" if self.path else ""
        return f"[{self.code}] {self.message}{at}{where}"


class MessageError(ValueError):
    """A message could not be read: ``errors`` says why, with rule ids and lines."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        self.errors = tuple(errors)
        first = str(self.errors[0]) if self.errors else "invalid message"
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(first + more)
