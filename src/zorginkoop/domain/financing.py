# SPDX-License-Identifier: EUPL-1.2
"""The financing engine: what a piece of care costs under each financing variant.

The iStandaarden know three uitvoeringsvarianten (inspanningsgericht, outputgericht,
taakgericht); regions also buy capacity as such (beschikbaarheid). Every function here takes
exact inputs (whole units, Money tariffs, Decimal fractions) and rounds **once** to cents with
:data:`zorginkoop.domain.money.ROUNDING`.

- Effort (inspanningsgericht): volume x unit x frequency x tariff. Billed per delivered unit
  (:func:`effort_amount`) or converted to a fixed monthly rate (:func:`effort_monthly_rate`):
  3 h/week at EUR 40 = 3 x 40 x 13/3 = EUR 520.00 a month.
- Output (outputgericht): a price per trajectory (frequency 6, "totaal binnen geldigheidsduur")
  or per month for a product (:func:`output_amount`).
- Task (taakgericht): a lump sum for a task for a target group, paid in instalments
  (:func:`task_instalments`), never per client.
- Availability (beschikbaarheid): capacity (places, beds) x price per place per period,
  owed whether or not the places are used (:func:`availability_amount`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from zorginkoop.domain.codes import FinancingVariant, Frequency, Unit
from zorginkoop.domain.money import Money, round_to_cents
from zorginkoop.domain.periods import Period

MINUTES_PER_UNIT: dict[Unit, int] = {
    Unit.MINUUT: 1,
    Unit.UUR: 60,
    Unit.DAGDEEL: 240,
    Unit.ETMAAL: 1440,
}
"""Time units and their length in minutes (WJ756); used to convert between time units."""


OUTPUT_UNITS = frozenset({Unit.STUKS_OUTPUT, Unit.EUROS})
"""Units of the outputgerichte uitvoeringsvariant (WJ756 82 stuks output, 83 euro's); the others
(minutes, hours, etmaal, dagdeel, 84 stuks inspanning) are inspanningsgericht (IV077 step 1)."""


def base_units(volume: int, unit: Unit) -> int:
    """The one conversion between declared and allocated units: a time unit in minutes (WJ756),
    any other unit as it is. Volumes are compared and summed in these base units, exactly, so
    90 minutes against an allocation in hours count as 90, not as a rounded 2 hours."""
    return volume * MINUTES_PER_UNIT.get(unit, 1)


class FinancingError(ValueError):
    """A calculation that the chosen financing variant does not allow."""


def convert_volume(volume: Decimal | int, from_unit: Unit, to_unit: Unit) -> Decimal:
    """Express a volume of one time unit in another: 90 minutes = 1.5 hours."""
    if from_unit == to_unit:
        return Decimal(volume)
    if from_unit not in MINUTES_PER_UNIT or to_unit not in MINUTES_PER_UNIT:
        raise FinancingError(f"cannot convert {from_unit.label} to {to_unit.label}: not both time units")
    return Decimal(volume) * MINUTES_PER_UNIT[from_unit] / MINUTES_PER_UNIT[to_unit]


def effort_amount(volume: int, tariff: Money) -> Money:
    """Delivered units x tariff per unit, exact (TR346: IngediendBedrag = volume x tariff)."""
    if volume < 0:
        raise FinancingError("a delivered volume cannot be negative")
    return tariff * volume


def effort_monthly_rate(volume: Decimal | int, frequency: Frequency, tariff: Money) -> Money:
    """The fixed monthly rate for an effort indication: volume per frequency x tariff.

    ``effort_monthly_rate(3, Frequency.PER_WEEK, Money.euros(40))`` is EUR 520.00
    (3 x 40 x 13/3). A total over the whole allocation (frequency 6) has no monthly rate.
    """
    per_month = frequency.per_month
    if per_month is None:
        raise FinancingError("a total over the allocation period has no monthly rate")
    if Decimal(volume) < 0:
        raise FinancingError("a volume cannot be negative")
    return Money(round_to_cents(Decimal(volume) * tariff.to_decimal() * per_month))


def effort_budget(volume: int, frequency: Frequency, tariff: Money, period: Period) -> Money:
    """Maximum cost of an effort allocation over a closed period: allocated volume x tariff.

    Per week and per day volumes are counted per started week/day of the period; per month per
    calendar month touched; a total is the volume itself.
    """
    return tariff * allocated_units(volume, frequency, period)


def allocated_units(volume: int, frequency: Frequency, period: Period) -> int:
    """How many units an allocation of ``volume`` per ``frequency`` allows within ``period``.

    Used for TR321/TR322 (volume within the allocated volume): per day x days, per week x
    started weeks (days / 7 rounded up), per month x months touched, total = volume.
    """
    if frequency is Frequency.TOTAAL:
        return volume
    days = period.days()
    if frequency is Frequency.PER_DAG:
        return volume * days
    if frequency is Frequency.PER_WEEK:
        return volume * -(-days // 7)
    return volume * sum(1 for _ in period.months())


def output_amount(price: Money, months: int | None = None) -> Money:
    """Output financing: a trajectory price (months=None) or a monthly price x months."""
    if months is None:
        return price
    if months < 0:
        raise FinancingError("months cannot be negative")
    return price * months


def task_instalments(lump_sum: Money, instalments: int) -> list[Money]:
    """A task-based lump sum paid in equal instalments that add up to the sum exactly."""
    if instalments < 1:
        raise FinancingError("a lump sum needs at least one instalment")
    return lump_sum.allocate([1] * instalments)


def availability_amount(places: int, price_per_place: Money, periods: int = 1) -> Money:
    """Capacity bought as such: places x price per place per period x periods, used or not."""
    if places < 0 or periods < 0:
        raise FinancingError("places and periods cannot be negative")
    return price_per_place * (places * periods)


@dataclass(frozen=True, slots=True)
class MonthlyCost:
    """One month's cost of an arrangement under a financing variant, with how it was reached."""

    variant: FinancingVariant
    amount: Money
    explanation: str


# -- IV077: the volume a ProductPeriode may hold ----------------------------------------------------


def calendar_weeks(period: Period) -> int:
    """IV077: the calendar weeks (Monday to Sunday) a closed period touches, broken weeks included:
    07-10-2025..30-12-2025 touches week 41 up to week 1 of 2026, 13 weeks."""
    if period.end is None:
        raise ValueError("an open period has no number of weeks")
    first_monday = period.start - timedelta(days=period.start.weekday())
    last_sunday = period.end + timedelta(days=6 - period.end.weekday())
    return ((last_sunday - first_monday).days + 1) // 7


def sundays(period: Period) -> int:
    """IV077 (outputgericht): the Sundays within a closed period."""
    if period.end is None:
        raise ValueError("an open period has no number of Sundays")
    first = period.start + timedelta(days=(6 - period.start.weekday()) % 7)
    return 0 if first > period.end else (period.end - first).days // 7 + 1


def _last_broken_week_day(valid: Period) -> date | None:
    """IV076/IV077 (outputgericht): the day whose ProductPeriode carries the allocation's last,
    broken week: its last Sunday when it does not end on a Sunday (its end when it holds no
    Sunday at all); None when it ends on a Sunday or has no end."""
    end = valid.end
    if end is None or end.weekday() == 6:
        return None
    last_sunday = end - timedelta(days=end.weekday() + 1)
    return last_sunday if last_sunday >= valid.start else end


@lru_cache(maxsize=65536)
def volume_in_product_period(  # noqa: PLR0917 - positional: a cache key per allocation shape and period
    volume: int,
    frequency: Frequency,
    unit: Unit,
    valid: Period,
    product_period: Period,
    household_help: bool = False,
) -> int:
    """IV077/IV078, for TR321 (9321): the most an allocation of ``volume`` ``unit`` per ``frequency``
    over ``valid`` allows in one (closed) ProductPeriode, in the allocation's unit.

    - per week, inspanningsgericht: the calendar weeks touching the ProductPeriode within the
      allocation x the weekly volume; Wmo category 01 (huishoudelijke hulp,
      ``household_help``): always 6 x the weekly volume;
    - per week, outputgericht (:data:`OUTPUT_UNITS`): the Sundays in it, plus one week in the
      ProductPeriode of the allocation's last Sunday when the allocation does not end on a Sunday;
    - per day: the days of it within the allocation x the daily volume;
    - per month: the monthly volume, also for a broken month (IV078);
    - total within the allocation: the whole volume (TR322 keeps the sum within it).
    """
    window = valid.intersection(product_period)
    if window is None or window.end is None:
        return 0
    if frequency is Frequency.TOTAAL or frequency is Frequency.PER_MAAND:
        return volume
    if frequency is Frequency.PER_DAG:
        return volume * window.days()
    if unit in OUTPUT_UNITS:
        broken = _last_broken_week_day(valid)
        return volume * (sundays(window) + (1 if broken is not None and window.contains(broken) else 0))
    if household_help:
        return volume * 6
    return volume * calendar_weeks(window)


@lru_cache(maxsize=65536)
def volume_over_allocation(volume: int, frequency: Frequency, valid: Period) -> int | None:
    """IV077/TR322 (9322): the most all ProductPeriodes of an allocation may hold together, in its
    unit: per week the calendar weeks touching the allocation (for output that is its Sundays plus
    the broken last week: the same count), per day its days, per month the months it touches,
    a total the volume. None for an open allocation per day or month (nothing to sum against)."""
    if frequency is Frequency.TOTAAL:
        return volume
    if valid.end is None:
        return None
    if frequency is Frequency.PER_DAG:
        return volume * valid.days()
    if frequency is Frequency.PER_WEEK:
        return volume * calendar_weeks(valid)
    return volume * sum(1 for _ in valid.months())
