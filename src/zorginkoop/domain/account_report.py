# SPDX-License-Identifier: EUPL-1.2
"""The account report's pure parts: quarters, duration bands and end reasons read per law.

The contract manager prepares a provider's quarterly account meeting (accountgesprek, seed 001)
from one report; what a quarter is, how durations are banded and how end reasons are grouped
is decided here, once, without the store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import MIN_PEOPLE, EndKind, end_kind

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")

QUARTERS_SHOWN = 8
"""The report shows the clients and cost of this many quarters, ending with the chosen one."""

ENDED_WINDOW_QUARTERS = 4
"""Durations and end reasons are read over the trajectories that ended in this many quarters,
ending with the chosen one (a rolling year: a quarter alone is often under 10 people)."""


class QuarterError(ValueError):
    """A quarter not written as YYYY-Qn."""


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4 or not 1900 <= self.year <= 9999:
            raise QuarterError(f"no quarter {self.year}-Q{self.number}")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2020-Q4`` (also ``2020Q4``, ``2020-q4``)."""
        found = _QUARTER.match(text)
        if found is None:
            raise QuarterError(f"{text!r} is not a quarter: write it as YYYY-Qn, e.g. 2020-Q4")
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter (included)."""
        return date(self.year, 3 * self.number, 31 if self.number in {1, 4} else 30)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label_nl(self) -> str:
        return f"{self.number}e kwartaal {self.year}"

    def shifted(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def last(self, count: int) -> list[Quarter]:
        """``count`` quarters ending with this one, oldest first."""
        return [self.shifted(-k) for k in range(count - 1, -1, -1)]


DURATION_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("korter dan 3 maanden", 1, 91),
    ("3 tot 6 maanden", 92, 182),
    ("6 tot 12 maanden", 183, 365),
    ("1 tot 2 jaar", 366, 730),
    ("2 jaar of langer", 731, None),
)
"""(label, first day, last day or None) of each band of trajectory duration, days counted with
start and end included (as :func:`zorginkoop.domain.monitoring.duration`)."""


def duration_days(start: date, end: date) -> int:
    return (end - start).days + 1


def duration_band(days: int) -> str:
    for label, low, high in DURATION_BANDS:
        if days >= low and (high is None or days <= high):
            return label
    raise ValueError(f"a duration is at least one day, got {days}")


def banded(durations: Iterable[int]) -> list[tuple[str, int]]:
    """How many trajectories fall in each band, every band listed (zero included)."""
    counts = Counter(duration_band(d) for d in durations)
    return [(label, counts.get(label, 0)) for label, _low, _high in DURATION_BANDS]


def average_days(durations: Iterable[int], people: int, minimum: int = MIN_PEOPLE) -> Decimal | None:
    """The average duration (one decimal), None over fewer than ``minimum`` people."""
    days = list(durations)
    if not days or people < minimum:
        return None
    return (Decimal(sum(days)) / Decimal(len(days))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


END_KIND_NL: dict[EndKind | None, str] = {
    EndKind.TO_PLAN: "volgens plan",
    EndKind.EARLY_BY_CLIENT: "voortijdig, door de cliënt",
    EndKind.EARLY_BY_PROVIDER: "voortijdig, door de aanbieder",
    EndKind.EARLY_IN_AGREEMENT: "voortijdig, in overleg",
    EndKind.MOVED_OR_EXTERNAL: "verhuizing of externe oorzaak",
    EndKind.DIED: "overlijden",
    EndKind.TEMPORARY: "tijdelijk beëindigd",
    EndKind.BY_MUNICIPALITY: "door de gemeente",
    EndKind.CHANGE_REQUEST: "na een wijzigingsverzoek",
    EndKind.OTHER_PROVIDER: "naar een andere aanbieder",
    EndKind.OTHER_DOMAIN: "naar een ander domein",
    None: "geen reden gemeld (toewijzing liep af)",
}
"""The end reasons as the report names them, in this order; None: no 307 with a reason."""


def end_reasons(reasons: Iterable[tuple[Law, str | None]]) -> list[tuple[str, int]]:
    """Trajectories per kind of end, read per law (WMO588 31 is a move, JZ588 31 to plan: the
    code means nothing without its law); every kind that occurs, in :data:`END_KIND_NL` order."""
    counts = Counter(None if code is None else end_kind(law, code) for law, code in reasons)
    return [(label, counts[kind]) for kind, label in END_KIND_NL.items() if counts.get(kind)]
