# SPDX-License-Identifier: EUPL-1.2
"""The product catalogue and its tariffs.

A product carries its iStandaarden category (WMO020 or JZ020), a regional product code
(LDT_ProductCode: at most five characters), a unit (WJ756), a frequency (WMO757) and the
financing variant it is bought under. The region pays one tariff per product to every provider
("same price for the same care type"); tariffs have validity periods and are indexed yearly.

Some tariffs are derived from a reference tariff (the NZa tariff): contracted free
practitioners 85%, non-contracted providers for new clients 70%, Wmo transition clients about
75%. A derived tariff is rounded to cents once, when it is derived.

One tariff truth: the catalogue prices what a product model names. A decision's budget
(:func:`decision_budget`) and an allocation's budget limit (:func:`allocation_budget_limit`)
are priced with the tariff in force on each month, the same schedule payment checks a declared
tariff against (TR418); a model file's amounts are indicative only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, Unit, category_for
from zorginkoop.domain.financing import allocated_units, effort_monthly_rate
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period, add_months


class CatalogueError(ValueError):
    """A product or tariff that breaks a catalogue rule."""


class NoTariff(CatalogueError):
    """No tariff is valid for the product on the day asked."""


@dataclass(frozen=True, slots=True)
class Product:
    """A product of the regional catalogue."""

    code: str
    law: Law
    category: str
    name: str
    unit: Unit
    frequency: Frequency
    variant: FinancingVariant
    crisis: bool = False

    def __post_init__(self) -> None:
        if not 1 <= len(self.code) <= 5 or not self.code.strip():
            raise CatalogueError(f"product code must be 1-5 characters (LDT_ProductCode), got {self.code!r}")
        try:
            category_for(self.law, self.category)
        except ValueError as exc:
            raise CatalogueError(f"product {self.code}: {exc}") from None


@dataclass(frozen=True, slots=True)
class Tariff:
    """The price of one unit of a product during a period (both ends inclusive)."""

    product_code: str
    amount: Money
    valid: Period
    note: str = ""

    def __post_init__(self) -> None:
        if self.amount.cents < 0:
            raise CatalogueError(f"tariff for {self.product_code} cannot be negative")


def derived_tariff(reference: Money, percentage: Decimal) -> Money:
    """A percentage of a reference tariff, rounded once to cents: 85% of NZa EUR 97.42 = 82.81."""
    if not Decimal(0) <= percentage <= Decimal(100):
        raise CatalogueError(f"a percentage of a tariff must be between 0 and 100, got {percentage}")
    return reference.times(percentage / Decimal(100))


def indexed_tariff(tariff: Tariff, percentage: Decimal, valid: Period) -> Tariff:
    """The tariff raised by a yearly indexation percentage (e.g. 2.75) for a new period."""
    if valid.start <= tariff.valid.start:
        raise CatalogueError("an indexed tariff must start after the tariff it indexes")
    raised = tariff.amount.times(Decimal(1) + percentage / Decimal(100))
    return Tariff(tariff.product_code, raised, valid, note=f"indexed {percentage}%")


@dataclass(slots=True)
class TariffSchedule:
    """All tariffs of a catalogue; at most one valid per product on any day."""

    tariffs: dict[str, list[Tariff]] = field(default_factory=dict)

    @classmethod
    def of(cls, tariffs: Iterable[Tariff]) -> TariffSchedule:
        schedule = cls()
        for tariff in tariffs:
            schedule.add(tariff)
        return schedule

    def add(self, tariff: Tariff) -> None:
        existing = self.tariffs.setdefault(tariff.product_code, [])
        for other in existing:
            if other.valid.overlaps(tariff.valid):
                raise CatalogueError(
                    f"tariffs for {tariff.product_code} overlap: {other.valid} and {tariff.valid}"
                )
        existing.append(tariff)
        existing.sort(key=lambda t: t.valid.start)

    def tariff_on(self, product_code: str, day: date) -> Money:
        for tariff in self.tariffs.get(product_code, ()):
            if tariff.valid.contains(day):
                return tariff.amount
        raise NoTariff(f"no tariff for product {product_code} on {day.isoformat()}")

    def history(self, product_code: str) -> list[Tariff]:
        return list(self.tariffs.get(product_code, ()))


def with_own_prices(catalogue: TariffSchedule, own: Iterable[Tariff]) -> TariffSchedule:
    """A provider's tariff basis: its own prices (bid prices, a contract's tariffs) where it has
    one for a product on a day, the catalogue's tariff on every other day. The catalogue's
    tariffs are cut around the own prices' periods (each part keeps its amount)."""
    own = list(own)
    if not own:
        return catalogue
    merged = TariffSchedule.of(own)
    for code, tariffs in catalogue.tariffs.items():
        mine = merged.history(code)
        for tariff in tariffs:
            for part in _outside(tariff.valid, [t.valid for t in mine]):
                merged.add(Tariff(code, tariff.amount, part, tariff.note))
    return merged


def _outside(period: Period, taken: Sequence[Period]) -> list[Period]:
    """The parts of ``period`` outside every period of ``taken`` (which do not overlap)."""
    parts = [period]
    for other in sorted(taken, key=lambda p: p.start):
        kept: list[Period] = []
        for part in parts:
            if not part.overlaps(other):
                kept.append(part)
                continue
            if part.start < other.start:
                kept.append(Period(part.start, other.start - timedelta(days=1)))
            if other.end is not None and (part.end is None or part.end > other.end):
                kept.append(Period(other.end + timedelta(days=1), part.end))
        parts = kept
    return parts


def indexed_series(base: Tariff, indexation: Mapping[int, Decimal], through: date) -> list[Tariff]:
    """``base`` and one indexed tariff per calendar year after it, through the year of ``through``
    (a contract's latest end, extension years included): every year of a term has its tariff.

    Each year's tariff is the year before raised by ``indexation[year]`` percent, rounded once
    to cents (:func:`indexed_tariff`); a year without a percentage keeps the previous amount.
    ``base`` must end on 31 December of a year (or be open, then it is closed there).
    """
    first = base.valid.start.year if base.valid.end is None else base.valid.end.year
    series = [base if base.valid.end is not None else Tariff(base.product_code, base.amount,
              Period(base.valid.start, date(first, 12, 31)), base.note)]  # fmt: skip
    if series[0].valid.end != date(first, 12, 31):
        raise CatalogueError(
            f"tariff for {base.product_code}: a yearly series starts from a tariff ending 31 December"
        )
    for year in range(first + 1, through.year + 1):
        percentage = indexation.get(year, Decimal(0))
        series.append(indexed_tariff(series[-1], percentage, Period.year(year)))
    return series


def derived_schedule(reference: TariffSchedule, percentage: Decimal) -> TariffSchedule:
    """Every reference (NZa) tariff as ``percentage`` of it, same validity, rounded once each
    (:func:`derived_tariff`): the tariffs of the rule for providers without a contract (70%)."""
    return TariffSchedule.of(
        Tariff(
            t.product_code,
            derived_tariff(t.amount, percentage),
            t.valid,
            note=f"{percentage}% van NZa-tarief {t.amount}",
        )
        for tariffs in reference.tariffs.values()
        for t in tariffs
    )


NON_CONTRACTED_PERCENTAGE = Decimal(70)
"""Lekstroom (seed 000): providers without a contract who take on new clients get 70% of the NZa
tariff."""


def decision_months(start: date, months: int) -> list[Period]:
    """The months of a decision from its first day: month i runs from start + i months up to
    the day before start + i + 1 months (both ends included)."""
    return [Period(add_months(start, i), add_months(start, i + 1) - timedelta(days=1)) for i in range(months)]


@dataclass(frozen=True, slots=True)
class DecisionBudget:
    """What a decision grants, priced with the catalogue: one amount per month of the decision
    (the tariff in force on the month's first day), the add-ons, and their total."""

    product_code: str
    months: tuple[tuple[Period, Money, Money], ...]
    """Per month of the decision: the month, the tariff in force on its first day, its amount."""
    add_ons: Money = field(default_factory=Money.zero)

    @property
    def monthly(self) -> Money:
        """The first month's amount: what the decision grants per month when it starts."""
        return self.months[0][2]

    @property
    def total(self) -> Money:
        return Money.sum(amount for _month, _tariff, amount in self.months) + self.add_ons

    def within(self, period: Period) -> Money:
        """The decision's budget for the part of it inside ``period``: whole months counted in
        full, a month partly inside pro rata its days, rounded once per month (an allocation
        that ends with its contract mid-month)."""
        total = Money.zero()
        for month, _tariff, amount in self.months:
            part = month.intersection(period)
            if part is None:
                continue
            if part == month:
                total += amount
            else:
                total += amount.times(Decimal(part.days()) / Decimal(month.days()))
        return total


def decision_budget(
    schedule: TariffSchedule,
    product_code: str,
    *,
    volume: Decimal | int,
    frequency: Frequency,
    start: date,
    months: int,
    add_ons: Money | None = None,
) -> DecisionBudget:
    """A decision's budget priced with the catalogue (one tariff truth): per month of the
    decision ``volume`` per ``frequency`` x the product's tariff in force on the month's first
    day (indexation included), as the fixed monthly rate (:func:`effort_monthly_rate`: hours per
    week x tariff x 13/3; 1 per month x tariff; a budget factor x tariff), rounded once a month.

    Raises :class:`NoTariff` naming the first month without a tariff: a decision is never
    priced from a model file's amounts."""
    if months < 1:
        raise CatalogueError("a decision runs at least one month")
    priced = []
    for month in decision_months(start, months):
        tariff = schedule.tariff_on(product_code, month.start)
        priced.append((month, tariff, effort_monthly_rate(volume, frequency, tariff)))
    return DecisionBudget(product_code, tuple(priced), add_ons or Money.zero())


def _tariff_segments(
    schedule: TariffSchedule, product_code: str, period: Period
) -> list[tuple[Period, Money]]:
    """``period`` cut where the tariff changes, each part with its tariff; NoTariff on a gap."""
    history = schedule.history(product_code)
    segments: list[tuple[Period, Money]] = []
    day = period.start
    assert period.end is not None
    while day <= period.end:
        current = next((t for t in history if t.valid.contains(day)), None)
        if current is None:
            raise NoTariff(f"no tariff for product {product_code} on {day.isoformat()}")
        end = period.end if current.valid.end is None else min(period.end, current.valid.end)
        segments.append((Period(day, end), current.amount))
        day = end + timedelta(days=1)
    return segments


def allocation_budget_limit(
    schedule: TariffSchedule,
    product_code: str,
    *,
    volume: int,
    unit: Unit,
    frequency: Frequency,
    period: Period,
) -> Money:
    """What approved declarations on an allocation may add up to (TR369): its Omvang over its
    period, counted as TR321/TR322 count volume (:func:`allocated_units`: started weeks, days,
    months touched, or the total), priced with the tariff in force on each part of the period
    (the period is cut where the tariff changes, e.g. at a yearly indexation).

    Euros (unit 83) are their own price: the volume is the budget in whole euros. ``schedule``
    is the provider's tariff basis: the catalogue, or :func:`derived_schedule` (70% of NZa).
    Raises :class:`NoTariff` when a day of the period has no tariff.
    """
    if period.end is None:
        raise CatalogueError(f"an allocation of {product_code} without an end date has no budget limit")
    if unit is Unit.EUROS:
        return Money.euros(allocated_units(volume, frequency, period))
    if frequency is Frequency.TOTAAL:
        # a total within the allocation: the highest tariff of its period bounds what it may cost
        segments = _tariff_segments(schedule, product_code, period)
        return max(amount for _part, amount in segments) * volume
    return Money.sum(
        amount * allocated_units(volume, frequency, part)
        for part, amount in _tariff_segments(schedule, product_code, period)
    )


def missing_tariff_years(
    schedule: TariffSchedule, product_codes: Iterable[str], years: Sequence[int]
) -> list[tuple[str, int]]:
    """(product, year) pairs without a tariff on every day of the year: a contract must have a
    tariff for every year of its term, extension years included, or its lines come back 0611."""
    missing = []
    for code in sorted(product_codes):
        for year in years:
            try:
                _tariff_segments(schedule, code, Period.year(year))
            except NoTariff:
                missing.append((code, year))
    return missing


def line_tariff(
    nza_percentage: Decimal | None,
    product_code: str,
    day: date,
    *,
    contract_tariff: Money | None,
    reference: TariffSchedule,
) -> Money | None:
    """TR418 (0611): the tariff a declared line is held against. An allocation under the rule
    for providers without a contract (``nza_percentage``, e.g. 70) is paid that share of the
    product's NZa tariff on the line's first day (None when there is none); any other allocation
    the contract tariff (None without a contract)."""
    if nza_percentage is None:
        return contract_tariff
    try:
        return derived_tariff(reference.tariff_on(product_code, day), nza_percentage)
    except NoTariff:
        return None
