# SPDX-License-Identifier: EUPL-1.2
"""Rules on the header and declaration data of a 323, judged before any Prestatie.

OP090x4: every declaration received is answered with a 325. When the header and declaration
data can be read but break a rule of the standard, the 325 refuses the header (its RetourCodes
on the Header) or the whole declaration (on DeclaratieAntwoord) with the standard's code, the
prestaties are not judged, and nothing is stored. These rules take plain dates, so a period
whose ends are reversed is judged here instead of failing to become a
:class:`~zorginkoop.domain.periods.Period`.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Level(str, Enum):
    """Where the 325 carries the code: on the Header (the message is refused) or on the
    DeclaratieAntwoord (the declaration is refused)."""

    HEADER = "header"
    DECLARATION = "declaration"


@dataclass(frozen=True, slots=True)
class HeaderFinding:
    """A rule the header or declaration data breaks, with its WJ001 retourcode."""

    rule: str
    code: str
    level: Level
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


TECHNICAL = "0001"
"""WJ001 0001: Bericht is afgekeurd om technische redenen."""
DAGTEKENING_IN_FUTURE = "8848"
"""WJ001 8848: Dagtekening moet gelijk zijn aan of voor de systeemdatum liggen (TR135)."""


def tr135_dagtekening_not_in_future(dagtekening: date, today: date) -> list[HeaderFinding]:
    """TR135 (8848): the Dagtekening of the BerichtIdentificatie is an existing date that does
    not lie in the future (after the receiver's system date). Refuses the header."""
    if dagtekening > today:
        return [HeaderFinding("TR135", DAGTEKENING_IN_FUTURE, Level.HEADER,
                              f"Dagtekening {dagtekening} lies after today ({today})")]  # fmt: skip
    return []


def cs340_one_calendar_month(begin: date, end: date) -> list[HeaderFinding]:
    """CS340 (0001): the DeclaratiePeriode is exactly one whole calendar month (the first to the
    last day of one month). A period whose ends are reversed is not one either. Refuses the
    declaration."""
    last = calendar.monthrange(begin.year, begin.month)[1]
    if begin.day == 1 and end == date(begin.year, begin.month, last):
        return []
    if end < begin:
        detail = f"DeclaratiePeriode ends ({end}) before it begins ({begin})"
    else:
        detail = f"DeclaratiePeriode {begin}..{end} is not exactly one calendar month"
    return [HeaderFinding("CS340", TECHNICAL, Level.DECLARATION, detail)]


def tr137_period_not_after_dagtekening(end: date, dagtekening: date) -> list[HeaderFinding]:
    """TR137 (0001): the Einddatum of the DeclaratiePeriode is not after the Dagtekening of the
    message (a month is declared once it is over). Refuses the declaration."""
    if end > dagtekening:
        return [HeaderFinding("TR137", TECHNICAL, Level.DECLARATION,
                              f"DeclaratiePeriode ends ({end}) after the Dagtekening {dagtekening}")]  # fmt: skip
    return []


def header_findings(begin: date, end: date, dagtekening: date, today: date) -> list[HeaderFinding]:
    """Every header rule of a 323 that needs no stored data: TR135 on the header, then CS340
    and TR137 on the DeclaratiePeriode (``dagtekening`` is the header's BerichtIdentificatie
    Dagtekening)."""
    return [
        *tr135_dagtekening_not_in_future(dagtekening, today),
        *cs340_one_calendar_month(begin, end),
        *tr137_period_not_after_dagtekening(end, dagtekening),
    ]


def unreadable_content(detail: str, rule: str = "XSD") -> HeaderFinding:
    """The header was read but something after it breaks the message's XSD (a datatype, an
    element out of place, an impossible date): the message is refused on technical grounds
    (0001) as a whole, which the 325 says on the declaration. ``rule`` names what was broken:
    ``XSD``, a code list id, or a technical rule such as TR137 (a ProductPeriode that ends
    before it begins)."""
    return HeaderFinding(rule, TECHNICAL, Level.DECLARATION, detail)


def refusal_codes(findings: Sequence[HeaderFinding]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(header codes, declaration codes) for a 325 refusing on ``findings``, each code once, in
    the order found. Empty header codes mean the header is accepted (0200 in the 325)."""
    header = tuple(dict.fromkeys(f.code for f in findings if f.level is Level.HEADER))
    declaration = tuple(dict.fromkeys(f.code for f in findings if f.level is Level.DECLARATION))
    return header, declaration


def system_date(now_utc: datetime) -> date:
    """The receiver's system date (TR135) for a naive UTC moment: the date in the Netherlands
    (so a message dated just after midnight there is not in the future); UTC+2 where the
    time zone database is missing."""
    moment = now_utc.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date()
    except ZoneInfoNotFoundError:
        return (moment + timedelta(hours=2)).date()
