# SPDX-License-Identifier: EUPL-1.2
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.codes import Frequency, Unit
from zorginkoop.domain.financing import (
    FinancingError,
    allocated_units,
    availability_amount,
    convert_volume,
    effort_amount,
    effort_monthly_rate,
    output_amount,
    task_instalments,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period


def test_three_hours_a_week_at_forty_is_520_a_month():
    assert effort_monthly_rate(3, Frequency.PER_WEEK, Money.euros(40)) == Money.euros("520.00")


def test_monthly_rate_per_day_and_per_month():
    assert effort_monthly_rate(1, Frequency.PER_MAAND, Money.euros("99.99")) == Money.euros("99.99")
    # 2 units a day x 365/12 days x EUR 10 = 608.333... -> 608.33
    assert effort_monthly_rate(2, Frequency.PER_DAG, Money.euros(10)) == Money.euros("608.33")


def test_a_total_over_the_allocation_has_no_monthly_rate():
    with pytest.raises(FinancingError, match="no monthly rate"):
        effort_monthly_rate(10, Frequency.TOTAAL, Money.euros(40))


def test_effort_amount_is_volume_times_tariff_exactly():
    assert effort_amount(16, Money(1500)) == Money(24000)
    with pytest.raises(FinancingError):
        effort_amount(-1, Money(1500))


def test_output_task_and_availability():
    assert output_amount(Money.euros(3000)) == Money.euros(3000)
    assert output_amount(Money.euros(750), months=12) == Money.euros(9000)
    parts = task_instalments(Money.euros(100000), 12)
    assert Money.sum(parts) == Money.euros(100000) and len(parts) == 12
    assert max(parts).cents - min(parts).cents <= 1
    assert availability_amount(4, Money.euros(250), periods=12) == Money.euros(12000)


def test_volume_conversion_between_time_units():
    assert convert_volume(90, Unit.MINUUT, Unit.UUR) == Decimal("1.5")
    assert convert_volume(1, Unit.DAGDEEL, Unit.UUR) == 4
    with pytest.raises(FinancingError):
        convert_volume(1, Unit.EUROS, Unit.UUR)


def test_allocated_units_per_frequency():
    january = Period.month(2021, 1)
    assert allocated_units(3, Frequency.PER_WEEK, january) == 15  # 31 days = 5 started weeks
    assert allocated_units(2, Frequency.PER_DAG, january) == 62
    assert allocated_units(10, Frequency.PER_MAAND, Period(date(2021, 1, 15), date(2021, 3, 1))) == 30
    assert allocated_units(40, Frequency.TOTAAL, january) == 40


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=100_000))
def test_weekly_rate_is_volume_times_tariff_times_13_over_3(volume, tariff_cents):
    rate = effort_monthly_rate(volume, Frequency.PER_WEEK, Money(tariff_cents))
    exact = Decimal(volume * tariff_cents) * 13 / 3
    assert abs(Decimal(rate.cents) - exact) <= Decimal("0.5")
    if volume * tariff_cents % 3 == 0:
        assert rate.cents == volume * tariff_cents * 13 // 3
