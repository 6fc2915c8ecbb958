# SPDX-License-Identifier: EUPL-1.2
"""The dashboard's ended trajectories of a year: a re-allocation is not an end, only ends inside
the year count, a temporary stop is not an end, and the figures are empty under 10 people."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import Trajectory, ended_in_year


def _ended(client: str, start: date, end: date, reason: str | None, law: Law = Law.WMO) -> Trajectory:
    return Trajectory(client, "98000001", "OZR1", law, start, end, reason)


def test_ten_ends_in_the_year_give_the_average_and_the_share_to_plan() -> None:
    year = [_ended(f"c{i}", date(2020, 1, 1), date(2020, 1, 1) + timedelta(days=9 + i), "19" if i < 7 else "21")
            for i in range(10)]  # fmt: skip
    outside = [
        _ended("x", date(2019, 1, 1), date(2019, 12, 31), "19"),
        _ended("y", date(2020, 3, 1), date(2021, 1, 1), "19"),
    ]
    temporary = [_ended("z", date(2020, 1, 1), date(2020, 5, 1), "20")]
    found = ended_in_year(year + outside + temporary, 2020)
    assert found.ended == 10
    assert found.average_days == Decimal("14.5")  # 10..19 days, start and end counted
    assert found.ended_to_plan == Decimal("0.7000")


def test_a_re_allocation_is_not_an_end_and_jeugd_reads_its_own_codes() -> None:
    first = _ended("a", date(2019, 6, 1), date(2019, 12, 31), None, Law.JEUGD)  # ran out, re-allocated
    second = _ended("a", date(2020, 1, 1), date(2020, 6, 30), "31", Law.JEUGD)  # JZ588 31: to plan
    others = [_ended(f"b{i}", date(2020, 1, 1), date(2020, 2, 1), "32", Law.JEUGD) for i in range(9)]
    found = ended_in_year([first, second, *others], 2020)
    assert found.ended == 10
    assert found.ended_to_plan == Decimal("0.1000")
    assert found.average_days is not None and found.average_days > Decimal(32)  # the joined one from 2019


def test_fewer_than_ten_people_leave_the_figures_empty_but_count_the_ends() -> None:
    found = ended_in_year([_ended(f"c{i}", date(2020, 1, 1), date(2020, 2, 1), "19") for i in range(9)], 2020)
    assert (found.ended, found.average_days, found.ended_to_plan) == (9, None, None)
