# SPDX-License-Identifier: EUPL-1.2
"""The product catalogue and its tariffs.

A product carries its iStandaarden category (WMO020 or JZ020), a regional product code
(LDT_ProductCode: at most five characters), a unit (WJ756), a frequency (WMO757) and the
financing variant it is bought under. The region pays one tariff per product to every provider
("same price for the same care type"); tariffs have validity periods and are indexed yearly.

Some tariffs are derived from a reference tariff (the NZa tariff): contracted free
practitioners 85%, non-contracted providers for new clients 70%, Wmo transition clients about
75%. A derived tariff is rounded to cents once, when it is derived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, Unit, category_for
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


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
