# SPDX-License-Identifier: EUPL-1.2
"""Figures about fewer than 10 people are hidden, and a total that would give them away too."""

from __future__ import annotations

import pytest

from zorginkoop.domain.disclosure import MIN_PEOPLE, suppressed, total_suppressed


@pytest.mark.parametrize(("people", "hidden"), [(0, False), (1, True), (9, True), (10, False), (363, False)])
def test_a_group_of_fewer_than_10_people_is_hidden(people: int, hidden: bool) -> None:
    assert MIN_PEOPLE == 10
    assert suppressed(people) is hidden


def test_a_total_is_hidden_when_it_would_reveal_the_hidden_groups_by_subtraction() -> None:
    assert total_suppressed([363, 242], 605) is False  # nothing hidden
    assert total_suppressed([363, 4], 367) is True  # total minus 363 gives the 4 away
    assert total_suppressed([363, 4, 5], 372) is True  # the hidden ones together are 9
    assert total_suppressed([363, 6, 5], 374) is False  # together 11: a group that may be shown
    assert total_suppressed([3], 3) is True  # the total itself is about 3 people
