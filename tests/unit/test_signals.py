# SPDX-License-Identifier: EUPL-1.2
"""The social team's signals as pure functions, on hand-made cases at their edges."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from zorginkoop.domain.care import Allocation, Client, Gender
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.periods import Period
from zorginkoop.domain.signals import (
    eighteenth_birthday,
    evaluation_window,
    one_family_one_plan,
    transition_18,
)

ON = date(2021, 1, 1)
WMO_AGB, JEUGD_AGB = "11111111", "22222222"


def bsn(serial: int) -> str:
    """A synthetic BSN passing the eleven-test: 9999 + four digits + check digit."""
    for n in range(serial, serial + 50):
        head = f"9999{n:04d}"
        check = sum(int(d) * (9 - i) for i, d in enumerate(head)) % 11
        if check < 10:
            return head + str(check)
    raise AssertionError("no BSN found")


def client(serial: int, birth: date, household: str | None = None) -> Client:
    return Client(bsn(serial), birth, "Jong", "A", Gender.FEMALE, "0321", household_id=household)


_numbers = iter(range(1, 10_000))


def allocation(c: Client, law: Law, start: date, end: date | None, *, agb: str | None = None,
               reason: ChangeReason | None = None) -> Allocation:  # fmt: skip
    return Allocation(
        number=next(_numbers), client_bsn=c.bsn, provider_agb=agb or (WMO_AGB if law is Law.WMO else JEUGD_AGB),
        municipality_code="0321", law=law, category="02" if law is Law.WMO else "45", product_code="P1",
        valid=Period(start, end), allocated_at=datetime(2020, 1, 1), volume=2, unit=Unit.UUR,
        frequency=Frequency.PER_MAAND, change_reason=reason,
    )  # fmt: skip


# -- one family, one plan ---------------------------------------------------------------------


def test_a_household_with_wmo_and_jeugd_at_two_providers_is_shown_with_all_its_allocations() -> None:
    parent, child = client(1, date(1980, 5, 5), "H1"), client(2, date(2010, 6, 6), "H1")
    wmo = allocation(parent, Law.WMO, date(2020, 1, 1), date(2021, 6, 30))
    jeugd = allocation(child, Law.JEUGD, date(2020, 3, 1), date(2021, 3, 31))
    lines = one_family_one_plan({"H1": [(parent, wmo), (child, jeugd)]}, ON)
    assert {(line.household_id, line.allocation.number) for line in lines} == {
        ("H1", wmo.number),
        ("H1", jeugd.number),
    }
    assert {line.allocation.provider_agb for line in lines} == {WMO_AGB, JEUGD_AGB}


def test_a_household_with_only_one_law_is_not_a_family_plan_signal() -> None:
    a, b = client(3, date(1980, 1, 1), "H2"), client(4, date(1982, 1, 1), "H2")
    pairs = [
        (a, allocation(a, Law.WMO, date(2020, 1, 1), None)),
        (b, allocation(b, Law.WMO, date(2020, 1, 1), None)),
    ]
    assert one_family_one_plan({"H2": pairs}, ON) == []


def test_a_household_whose_jeugd_care_ended_before_the_day_is_no_longer_a_family_plan() -> None:
    parent, child = client(5, date(1980, 5, 5), "H3"), client(6, date(2010, 6, 6), "H3")
    wmo = allocation(parent, Law.WMO, date(2020, 1, 1), None)
    ended_yesterday = allocation(child, Law.JEUGD, date(2020, 1, 1), date(2020, 12, 31))
    ends_today = allocation(child, Law.JEUGD, date(2020, 1, 1), ON)
    assert one_family_one_plan({"H3": [(parent, wmo), (child, ended_yesterday)]}, ON) == []
    assert len(one_family_one_plan({"H3": [(parent, wmo), (child, ends_today)]}, ON)) == 2


def test_a_withdrawn_allocation_does_not_make_a_family_plan() -> None:
    parent, child = client(7, date(1980, 5, 5), "H4"), client(8, date(2010, 6, 6), "H4")
    wmo = allocation(parent, Law.WMO, date(2021, 2, 1), None)
    withdrawn = allocation(
        child, Law.JEUGD, date(2021, 2, 1), date(2021, 2, 1), reason=ChangeReason.VERWIJDERD
    )
    assert one_family_one_plan({"H4": [(parent, wmo), (child, withdrawn)]}, ON) == []


# -- 18-/18+ ----------------------------------------------------------------------------------


def test_a_youth_of_17_whose_jeugd_care_ends_the_day_before_18_without_wmo_is_signalled() -> None:
    youth = client(10, date(2003, 6, 15))
    jeugd = allocation(youth, Law.JEUGD, date(2020, 1, 1), date(2021, 6, 14))
    (signal,) = transition_18([youth], [jeugd], ON)
    assert (signal.client.bsn, signal.turns_18, signal.jeugd_ends) == (
        youth.bsn,
        date(2021, 6, 15),
        date(2021, 6, 14),
    )
    assert not signal.wmo_ready and "wonen" in signal.missing


def test_jeugd_care_ending_exactly_on_the_18th_birthday_is_a_transition() -> None:
    youth = client(11, date(2003, 6, 15))
    jeugd = allocation(youth, Law.JEUGD, date(2020, 1, 1), date(2021, 6, 15))
    assert [s.client.bsn for s in transition_18([youth], [jeugd], ON)] == [youth.bsn]


def test_wmo_support_from_the_18th_birthday_means_ready_but_from_the_day_after_it_does_not() -> None:
    youth = client(12, date(2003, 6, 15))
    jeugd = allocation(youth, Law.JEUGD, date(2020, 1, 1), date(2021, 6, 14))
    on_birthday = allocation(youth, Law.WMO, date(2021, 6, 15), date(2022, 6, 14))
    day_after = allocation(youth, Law.WMO, date(2021, 6, 16), date(2022, 6, 14))
    assert transition_18([youth], [jeugd, on_birthday], ON) == []
    assert len(transition_18([youth], [jeugd, day_after], ON)) == 1


def test_wmo_that_ends_before_the_18th_birthday_is_not_ready() -> None:
    youth = client(13, date(2003, 6, 15))
    jeugd = allocation(youth, Law.JEUGD, date(2020, 1, 1), date(2021, 6, 14))
    too_early = allocation(youth, Law.WMO, date(2020, 1, 1), date(2021, 6, 14))
    assert len(transition_18([youth], [jeugd, too_early], ON)) == 1


def test_a_withdrawn_wmo_allocation_is_not_ready() -> None:
    youth = client(14, date(2003, 6, 15))
    jeugd = allocation(youth, Law.JEUGD, date(2020, 1, 1), date(2021, 6, 14))
    withdrawn = allocation(
        youth, Law.WMO, date(2021, 6, 15), date(2021, 6, 15), reason=ChangeReason.VERWIJDERD
    )
    assert len(transition_18([youth], [jeugd, withdrawn], ON)) == 1


def test_the_age_window_is_16_to_23_inclusive() -> None:
    turns_16 = client(20, date(2005, 1, 1))  # 16 today
    almost_16 = client(21, date(2005, 1, 2))  # 15 today
    still_23 = client(22, date(1997, 1, 2))  # 23 today, 24 tomorrow
    turns_24 = client(23, date(1997, 1, 1))  # 24 today
    youths = [turns_16, almost_16, still_23, turns_24]
    # open-ended Jeugd care: the care does not stop by itself at 18, so each is a transition case
    allocations = [allocation(c, Law.JEUGD, date(2019, 1, 1), None) for c in youths]
    signalled = {s.client.bsn for s in transition_18(youths, allocations, ON)}
    assert signalled == {turns_16.bsn, still_23.bsn}


def test_jeugd_care_that_ended_more_than_six_months_before_18_is_not_a_transition() -> None:
    youth = client(30, date(2003, 6, 15))
    six_months_before = allocation(youth, Law.JEUGD, date(2019, 1, 1), date(2020, 12, 15))
    a_day_earlier = allocation(youth, Law.JEUGD, date(2019, 1, 1), date(2020, 12, 14))
    assert len(transition_18([youth], [six_months_before], ON)) == 1
    assert transition_18([youth], [a_day_earlier], ON) == []


def test_a_youth_without_jeugd_care_is_not_signalled() -> None:
    youth = client(31, date(2003, 6, 15))
    assert transition_18([youth], [allocation(youth, Law.WMO, date(2020, 1, 1), date(2020, 6, 30))], ON) == []


def test_the_list_is_ordered_by_the_soonest_18th_birthday() -> None:
    later, sooner = client(32, date(2003, 9, 1)), client(33, date(2003, 2, 1))
    allocations = [allocation(c, Law.JEUGD, date(2020, 1, 1), None) for c in (later, sooner)]
    assert [s.client.bsn for s in transition_18([later, sooner], allocations, ON)] == [sooner.bsn, later.bsn]


def test_born_on_29_february_turns_18_on_1_march_in_a_common_year() -> None:
    assert eighteenth_birthday(date(2004, 2, 29)) == date(2022, 3, 1)
    assert eighteenth_birthday(date(2002, 2, 28)) == date(2020, 2, 28)
    assert eighteenth_birthday(date(2003, 6, 15)) == date(2021, 6, 15)


# -- evaluations due --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "days", "falls_due"),
    [
        (date(2021, 1, 1), 0, True),  # today, window of today only
        (date(2021, 1, 2), 0, False),  # tomorrow is beyond a window of 0 days
        (date(2021, 1, 2), 1, True),  # tomorrow
        (date(2021, 1, 31), 30, True),  # the last day of the window
        (date(2021, 2, 1), 30, False),  # beyond the window
        (date(2020, 12, 31), 30, False),  # yesterday: before the window
    ],
)
def test_an_evaluation_falls_due_inside_the_window_with_both_ends_included(
    due: date, days: int, falls_due: bool
) -> None:
    assert evaluation_window(ON, days).contains(due) is falls_due


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(ValueError, match="-1 days"):
        evaluation_window(ON, -1)
