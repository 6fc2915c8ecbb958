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
from decimal import Decimal

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
