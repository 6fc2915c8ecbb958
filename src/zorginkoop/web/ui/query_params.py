# SPDX-License-Identifier: EUPL-1.2
"""Reading the filters of a page's query string (law, year, day) with one Dutch error per field.

Each ``parse_*`` returns the value, or None when the field is empty or wrong; a wrong value
adds its Dutch message to ``errors`` under the field's name, so the page shows it next to the
field (the ``field``/``select`` macros) and answers 400.
"""

from __future__ import annotations

from datetime import date

from zorginkoop.domain.codes import Law

LAW_NAMES_NL = {Law.WMO: "Wmo", Law.JEUGD: "Jeugdwet"}

BOTH = "beide"


def law_options(*, allow_both: bool = True) -> list[tuple[str, str]]:
    """The (value, text) pairs of a law select."""
    options = [(law.value, LAW_NAMES_NL[law]) for law in Law]
    return [*options, (BOTH, "Wmo en Jeugdwet")] if allow_both else options


def parse_law(text: str, errors: dict[str, str], name: str, *, allow_both: bool = True) -> Law | None:
    """``wmo`` or ``jeugd``; empty or ``beide`` (when allowed) is None, both laws."""
    if not text or (allow_both and text == BOTH):
        return None
    try:
        return Law(text)
    except ValueError:
        errors[name] = "Kies Wmo of Jeugdwet." if not allow_both else "Kies Wmo, Jeugdwet of beide."
        return None


def parse_year(text: str, errors: dict[str, str], name: str) -> int | None:
    """A calendar year of four digits (1900-2999)."""
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2999:
        return int(text)
    errors[name] = "Vul een jaartal in van vier cijfers, bijvoorbeeld 2020."
    return None


def parse_day(text: str, errors: dict[str, str], name: str) -> date | None:
    """A date as the date input sends it (``2020-06-01``) or as people write it (``1-6-2020``)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("-")
    if len(parts) == 3 and all(p.isascii() and p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
    errors[name] = "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 1-6-2020."
    return None
