# SPDX-License-Identifier: EUPL-1.2
"""iWmo 3.2 / iJw 3.2 message layer: typed models, writing, safe reading and validation.

Public API (everything a workflow needs):

- :func:`write_message` (model -> XML bytes), :func:`read_message` (bytes/path -> :class:`Message`),
  :func:`validate_message` (bytes/path -> :class:`ValidationReport` with every finding);
- :class:`DeclaratieStream` for large 323 declarations;
- :func:`build_retour` (302 ... 320 for a received message) and
  :func:`build_declaratie_antwoord` (325 for a 323), :func:`codes_from_errors`;
- :func:`validate_with_xsd` for the optional check against the official XSDs;
- the models in :mod:`.models` (``Toewijzingbericht``, ``ToegewezenProduct``, ``Prestatie``...),
  the code lists in :mod:`.codelists`, the declarations in :mod:`.schema`.

The structure is declared in :mod:`.schema` from the published XSDs; no XSD is read at run time.
"""

from __future__ import annotations

from .codelists import CodeList, codelist, codelist_for
from .errors import MessageError, ValidationError
from .messages import Message, ValidationReport, read_message, validate_message, write_message
from .retour import build_declaratie_antwoord, build_retour, codes_from_errors
from .safe import Limits
from .schema import MESSAGE_NUMBERS, MessageSpec, message_spec
from .stream import DeclaratieStream, StreamedPrestatie
from .xsd import validate_with_xsd

__all__ = [
    "MESSAGE_NUMBERS",
    "CodeList",
    "DeclaratieStream",
    "Limits",
    "Message",
    "MessageError",
    "MessageSpec",
    "StreamedPrestatie",
    "ValidationError",
    "ValidationReport",
    "build_declaratie_antwoord",
    "build_retour",
    "codelist",
    "codelist_for",
    "codes_from_errors",
    "message_spec",
    "read_message",
    "validate_message",
    "validate_with_xsd",
    "write_message",
]
