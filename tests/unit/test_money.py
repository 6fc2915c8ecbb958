# SPDX-License-Identifier: EUPL-1.2
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.money import Money

cents = st.integers(min_value=-(10**12), max_value=10**12)


def test_euros_are_exact_cents():
    assert Money.euros("520.00") == Money(52000)
    assert Money.euros(40) == Money(4000)
    assert Money.euros(Decimal("1226965.41")).cents == 122696541


def test_floats_never_become_money():
    with pytest.raises(TypeError):
        Money.euros(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100).times(0.85)  # type: ignore[arg-type]


def test_sub_cent_amounts_must_be_rounded_explicitly():
    with pytest.raises(ValueError, match="fractions of a cent"):
        Money.euros("40.001")
    assert Money.of(Decimal("40.005")) == Money(4001)
    assert Money.of(Decimal("-40.005")) == Money(-4001)


def test_half_cents_round_away_from_zero():
    assert Money(1).times(Decimal("0.5")) == Money(1)
    assert Money(-1).times(Decimal("0.5")) == Money(-1)
    assert Money(9742).times(Decimal("0.85")) == Money(8281)  # 82.807 -> 82.81


def test_formatting():
    assert str(Money(52000)) == "520.00"
    assert str(Money(-305)) == "-3.05"
    assert Money(795338441).format_nl() == "€ 7.953.384,41"


@given(cents, cents)
def test_addition_is_exact_and_commutative(a, b):
    assert Money(a) + Money(b) == Money(b) + Money(a) == Money(a + b)
    assert (Money(a) + Money(b)) - Money(b) == Money(a)


@given(
    cents,
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=20).filter(lambda w: sum(w) > 0),
)
def test_allocation_loses_and_creates_nothing(amount, weights):
    parts = Money(amount).allocate(weights)
    assert Money.sum(parts) == Money(amount)
    assert len(parts) == len(weights)
    for part, weight in zip(parts, weights, strict=True):
        if weight == 0:
            assert part.is_zero()


@given(cents)
def test_decimal_round_trip(amount):
    assert Money.euros(Money(amount).to_decimal()) == Money(amount)
    assert Money.euros(str(Money(amount))) == Money(amount)


@given(cents, st.decimals(min_value=0, max_value=100, places=4))
def test_times_rounds_once_to_the_nearest_cent(amount, factor):
    exact = Decimal(amount) * factor
    assert abs(Decimal(Money(amount).times(factor).cents) - exact) <= Decimal("0.5")
