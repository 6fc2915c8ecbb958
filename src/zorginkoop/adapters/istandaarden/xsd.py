# SPDX-License-Identifier: EUPL-1.2
"""Optional validation against the official XSDs, from a folder the user points to.

The product does not ship or need the XSDs (its own declarations are in :mod:`.schema`). A
user who has the official files can add this check: pass the folder, or set
``ZORGINKOOP_XSD_DIR``. The folder holds ``basisschema.xsd`` and ``WMO301.xsd`` / ``JW301.xsd``
etc.; for a law with both present, put them in sub-folders ``iwmo`` and ``ijw`` (or the
published names ``iwmo-3.2/xsd`` and ``ijw-3.2/xsd``). The XSDs import the basisschema by
relative path, so each is loaded with its own folder as base.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from lxml import etree

from zorginkoop.domain.codes import Law

from .errors import MessageError, ValidationError
from .safe import Limits, parse_bytes
from .structure import identify

XSD_DIR_SETTING = "ZORGINKOOP_XSD_DIR"
"""Setting: folder with the official iWmo/iJw 3.2 XSDs, for the optional XSD check."""


def xsd_dir_from_env() -> Path | None:
    value = os.environ.get(XSD_DIR_SETTING)
    return Path(value) if value else None


def find_xsd(xsd_dir: Path, law: Law, name: str) -> Path | None:
    """The XSD file ``name`` (``WMO301.xsd``) for ``law`` under ``xsd_dir``."""
    sub = ("iwmo", "iwmo-3.2/xsd", "wmo") if law is Law.WMO else ("ijw", "ijw-3.2/xsd", "jw")
    for folder in (xsd_dir, *(xsd_dir / s for s in sub)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


@cache
def _schema(path: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def validate_with_xsd(
    xml_bytes: bytes, xsd_dir: str | os.PathLike[str] | None = None, limits: Limits | None = None
) -> list[ValidationError]:
    """Validate with lxml against the official XSD of the message; findings have code ``XSD``.

    The message is parsed with the same protections as everywhere else. Returns the findings
    (empty when valid). Raises :class:`FileNotFoundError` when no XSD folder is given or set,
    or the folder lacks the message's XSD.
    """
    folder = Path(xsd_dir) if xsd_dir is not None else xsd_dir_from_env()
    if folder is None:
        raise FileNotFoundError(f"no XSD folder given and {XSD_DIR_SETTING} is not set")
    try:
        tree = parse_bytes(xml_bytes, limits)
    except MessageError as exc:
        return list(exc.errors)
    spec, errors = identify(tree.getroot())
    if spec is None:
        return errors
    path = find_xsd(folder, spec.law, f"{spec.name}.xsd")
    if path is None:
        raise FileNotFoundError(f"{spec.name}.xsd not found in {folder}")
    schema = _schema(path.resolve())
    if schema.validate(tree):
        return []
    return [ValidationError("XSD", e.message, line=e.line) for e in schema.error_log]
