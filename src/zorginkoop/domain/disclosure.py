# SPDX-License-Identifier: EUPL-1.2
"""Statistical disclosure: which figures about people may be shown.

DOMAIN.md ("Supplier management and monitoring"): figures over fewer than 10 people are
suppressed everywhere, as CBS does for its Beleidsinformatie Jeugd. A figure about a group (its
number of clients, their cost, the cost per client) is shown only when the group counts at least
:data:`MIN_PEOPLE`; otherwise the screen says "< 10".

A total over groups can give a suppressed group away by subtraction (the total minus the groups
shown). :func:`total_suppressed` says when the total must go too: when the suppressed groups
together count fewer than :data:`MIN_PEOPLE` people (complementary suppression). Pure: counts in,
decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable

MIN_PEOPLE = 10
"""The smallest group a figure may be about (CBS: fewer than 10 people is not published)."""


def suppressed(people: int) -> bool:
    """Whether a figure about a group of ``people`` must be hidden (1..9; an empty group has
    no figure about anyone, so 0 is shown as 0)."""
    return 0 < people < MIN_PEOPLE


def total_suppressed(groups: Iterable[int], total_people: int) -> bool:
    """Whether the total over ``groups`` (their sizes) must be hidden: it is about too few people
    itself, or subtracting the groups shown from it would reveal the hidden ones (together fewer
    than :data:`MIN_PEOPLE`)."""
    if suppressed(total_people):
        return True
    hidden = [size for size in groups if suppressed(size)]
    return bool(hidden) and sum(hidden) < MIN_PEOPLE
