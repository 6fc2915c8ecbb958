# SPDX-License-Identifier: EUPL-1.2
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.periods import Period, add_months, age_on, period_of_months


def test_both_ends_are_inclusive():
    january = Period.month(2021, 1)
    assert january.contains(date(2021, 1, 1)) and january.contains(date(2021, 1, 31))
    assert not january.contains(date(2021, 2, 1))
    assert january.days() == 31


def test_open_period_runs_until_further_notice():
    open_period = Period(date(2020, 5, 1))
    assert open_period.contains(date(2030, 1, 1))
    assert open_period.covers(Period.month(2025, 3))
    assert not Period.year(2020).covers(open_period)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2021, 2, 1), date(2021, 1, 31))


def test_parse_month_gives_a_clear_error():
    assert Period.parse_month("2021-01") == Period(date(2021, 1, 1), date(2021, 1, 31))
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.parse_month("januari")


def test_months_are_clipped_to_the_period():
    months = list(Period(date(2020, 12, 15), date(2021, 2, 10)).months())
    assert months == [
        Period(date(2020, 12, 15), date(2020, 12, 31)),
        Period.month(2021, 1),
        Period(date(2021, 2, 1), date(2021, 2, 10)),
    ]


def test_add_months_clips_to_month_end_and_ages_count_birthdays():
    assert add_months(date(2021, 1, 31), 1) == date(2021, 2, 28)
    assert period_of_months(date(2021, 3, 15), 12) == Period(date(2021, 3, 15), date(2022, 3, 14))
    assert age_on(date(2003, 6, 10), date(2021, 6, 9)) == 17
    assert age_on(date(2003, 6, 10), date(2021, 6, 10)) == 18


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@given(days, st.integers(min_value=0, max_value=800))
def test_months_of_a_period_partition_its_days(start, length):
    period = Period(start, start + timedelta(days=length))
    assert sum(m.days() for m in period.months()) == period.days()


@given(days, days, days, days)
def test_intersection_is_covered_by_both(a, b, c, d):
    p, q = Period(min(a, b), max(a, b)), Period(min(c, d), max(c, d))
    both = p.intersection(q)
    assert (both is not None) == p.overlaps(q)
    if both is not None:
        assert p.covers(both) and q.covers(both)
