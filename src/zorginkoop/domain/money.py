# SPDX-License-Identifier: EUPL-1.2
"""Money as a whole number of euro cents.

The iStandaarden carry every amount in whole euro cents (LDT_Bedrag), so the product does too.
Arithmetic between amounts is exact. Where a calculation needs more precision than a cent
(a tariff times a fraction of a week, a percentage of a reference tariff), it is done in
:class:`decimal.Decimal` and rounded **once**, at the end, with the rule stated here:

    ROUNDING = ROUND_HALF_UP, applied to cents: halves are rounded away from zero
    (commercial rounding, as Dutch municipal finance does it).

A float never enters: constructing Money from a float raises TypeError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ROUNDING = ROUND_HALF_UP
_CENT = Decimal("0.01")


def round_to_cents(euros: Decimal) -> int:
    """Round an amount in euros to whole cents with the product's one rounding rule."""
    return int((euros / _CENT).quantize(Decimal(1), rounding=ROUNDING))


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount in whole euro cents. Immutable, comparable, hashable."""

    cents: int

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise TypeError(f"Money needs whole cents as int, got {type(self.cents).__name__}")

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def euros(cls, value: str | int | Decimal) -> Money:
        """Exact euros: ``Money.euros("520.00")``. Refuses sub-cent amounts and floats."""
        if isinstance(value, float):
            raise TypeError("amounts are never floats; pass a str or Decimal")
        try:
            amount = Decimal(value) if not isinstance(value, Decimal) else value
        except InvalidOperation as exc:
            raise ValueError(f"not an amount in euros: {value!r}") from exc
        if not amount.is_finite():
            raise ValueError(f"not an amount in euros: {value!r}")
        cents = amount * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{value!r} has fractions of a cent; round it explicitly with Money.of()")
        return cls(int(cents))

    @classmethod
    def of(cls, euros: Decimal) -> Money:
        """Euros with any precision, rounded to cents with :data:`ROUNDING`."""
        if isinstance(euros, float):
            raise TypeError("amounts are never floats; pass a Decimal")
        return cls(round_to_cents(Decimal(euros)))

    @classmethod
    def sum(cls, amounts: Iterable[Money]) -> Money:
        return cls(sum((a.cents for a in amounts), 0))

    # -- arithmetic ---------------------------------------------------------------------------
    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.cents - other.cents)

    def __neg__(self) -> Money:
        return Money(-self.cents)

    def __abs__(self) -> Money:
        return Money(abs(self.cents))

    def __mul__(self, factor: int) -> Money:
        """Exact multiplication by a whole number (a volume of units)."""
        if isinstance(factor, bool) or not isinstance(factor, int):
            return NotImplemented
        return Money(self.cents * factor)

    __rmul__ = __mul__

    def times(self, factor: Decimal | int) -> Money:
        """Multiply by any exact factor and round once to cents (e.g. 0.85 of a tariff)."""
        if isinstance(factor, float):
            raise TypeError("factors are never floats; pass a Decimal")
        return Money(round_to_cents(self.to_decimal() * Decimal(factor)))

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to ``weights`` that add up to exactly this amount.

        Largest-remainder method: nothing is lost or created by the split.
        """
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise ValueError("allocate needs non-negative weights with a positive sum")
        total = sum(weights)
        sign = -1 if self.cents < 0 else 1
        magnitude = abs(self.cents)
        shares = [magnitude * w // total for w in weights]
        remainders = sorted(range(len(weights)), key=lambda i: (-(magnitude * weights[i] % total), i))
        for i in remainders[: magnitude - sum(shares)]:
            shares[i] += 1
        return [Money(sign * s) for s in shares]

    # -- views --------------------------------------------------------------------------------
    def to_decimal(self) -> Decimal:
        """Euros as an exact Decimal with two places."""
        return (Decimal(self.cents) / 100).quantize(_CENT)

    def is_zero(self) -> bool:
        return self.cents == 0

    def __bool__(self) -> bool:
        return self.cents != 0

    def __str__(self) -> str:
        """Plain euros with two decimals and a point: ``520.00``, ``-3.05``."""
        return f"{self.to_decimal():.2f}"

    def format_nl(self) -> str:
        """Dutch notation for people: ``€ 7.953.384,41``."""
        sign = "-" if self.cents < 0 else ""
        whole, cents = divmod(abs(self.cents), 100)
        grouped = f"{whole:,}".replace(",", ".")
        return f"{sign}€ {grouped},{cents:02d}"
