# SPDX-License-Identifier: EUPL-1.2
"""Periods of days and calendar months.

Every :class:`Period` includes both its first and its last day, as the iStandaarden do for
Ingangsdatum/Einddatum and Begindatum/Einddatum of a ProductPeriode. An open end (no last day)
means "until further notice".
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """Days from ``start`` to ``end``, both inclusive; ``end=None`` is open-ended."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """``"2021-01"`` -> January 2021. Raises ValueError with the expected form."""
        try:
            year_s, month_s = text.split("-")
            return cls.month(int(year_s), int(month_s))
        except (ValueError, calendar.IllegalMonthError) as exc:
            raise ValueError(f"not a month in the form YYYY-MM: {text!r}") from exc

    @property
    def is_open(self) -> bool:
        return self.end is None

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def covers(self, other: Period) -> bool:
        """True when every day of ``other`` lies within this period."""
        if not self.contains(other.start):
            return False
        if other.end is None:
            return self.end is None
        return self.contains(other.end)

    def overlaps(self, other: Period) -> bool:
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    def intersection(self, other: Period) -> Period | None:
        if not self.overlaps(other):
            return None
        start = max(self.start, other.start)
        ends = [e for e in (self.end, other.end) if e is not None]
        return Period(start, min(ends) if ends else None)

    def days(self) -> int:
        if self.end is None:
            raise ValueError("an open period has no number of days")
        return (self.end - self.start).days + 1

    def months(self) -> Iterator[Period]:
        """The calendar months this (closed) period touches, each clipped to the period."""
        if self.end is None:
            raise ValueError("an open period has no end month")
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            clipped = Period.month(year, month).intersection(self)
            assert clipped is not None
            yield clipped
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def is_whole_month(self) -> bool:
        return self.end is not None and self == Period.month(self.start.year, self.start.month)

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat() if self.end else ''}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def period_of_months(start: date, months: int) -> Period:
    """``months`` whole months from ``start``: 2021-03-15 + 12 -> 2021-03-15..2022-03-14."""
    if months < 1:
        raise ValueError("a period needs at least one month")
    return Period(start, add_months(start, months) - timedelta(days=1))


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (1 if before_birthday else 0)
