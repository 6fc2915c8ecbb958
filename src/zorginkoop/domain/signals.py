# SPDX-License-Identifier: EUPL-1.2
"""Signals for the social team, from the seeds: one family one plan, 18-/18+, evaluations due.

Pure functions over clients and allocations the service read (scoped, logged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from zorginkoop.domain.allocating import is_current, is_withdrawn
from zorginkoop.domain.care import Allocation, Client
from zorginkoop.domain.codes import Law
from zorginkoop.domain.periods import Period, add_months, age_on

BIG_5 = ("ondersteuning", "wonen", "school en werk", "inkomen", "welzijn")
"""The 18-/18+ Big-5 a youth needs arranged before Jeugdwet care ends at 18."""


@dataclass(frozen=True, slots=True)
class FamilyLine:
    household_id: str
    client: Client
    allocation: Allocation


def one_family_one_plan(
    households: Mapping[str, Sequence[tuple[Client, Allocation]]], on: date
) -> list[FamilyLine]:
    """Households with current allocations under both the Jeugdwet and the Wmo: every current
    allocation of such a household, together, so one plan can be made (seeds: one family, one plan)."""
    out: list[FamilyLine] = []
    for household_id, pairs in sorted(households.items()):
        current = [(c, a) for c, a in pairs if is_current(a, on)]
        if {a.law for _, a in current} >= {Law.WMO, Law.JEUGD}:
            out.extend(
                FamilyLine(household_id, c, a)
                for c, a in sorted(current, key=lambda p: (p[0].bsn, p[1].number))
            )
    return out


def eighteenth_birthday(birth_date: date) -> date:
    """The first day on which the client is 18 by :func:`age_on`: for a birth on 29 February
    that is 1 March in a common year (``add_months`` would give 28 February, a day too early)."""
    day = add_months(birth_date, 18 * 12)
    return day if age_on(birth_date, day) >= 18 else day + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TransitionSignal:
    client: Client
    turns_18: date
    jeugd_ends: date | None
    wmo_ready: bool
    missing: str


def transition_18(
    clients: Iterable[Client], allocations: Iterable[Allocation], on: date
) -> list[TransitionSignal]:
    """Youths aged 16-23 on ``on`` with Jeugdwet care that ends at 18 (or already ended) and no
    Wmo support running from their 18th birthday: the 18-/18+ list, soonest 18th birthday first."""
    by_client: dict[str, list[Allocation]] = {}
    for a in allocations:
        by_client.setdefault(a.client_bsn, []).append(a)
    out: list[TransitionSignal] = []
    for c in clients:
        if not 16 <= age_on(c.birth_date, on) <= 23:
            continue
        turns_18 = eighteenth_birthday(c.birth_date)
        # a withdrawn allocation (13) never existed; a one-day allocation shortened (05) did
        mine = [a for a in by_client.get(c.bsn, []) if not is_withdrawn(a)]
        jeugd = [a for a in mine if a.law is Law.JEUGD]
        if not jeugd:
            continue
        ends = [a.valid.end for a in jeugd]
        jeugd_end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        if jeugd_end is not None and jeugd_end < add_months(turns_18, -6):
            continue  # Jeugd care ended well before 18: not a transition at 18
        wmo_ready = any(
            a.law is Law.WMO
            and a.valid.start <= max(turns_18, on)
            and (a.valid.end is None or a.valid.end >= max(turns_18, on))
            for a in mine
        )
        if wmo_ready:
            continue
        out.append(
            TransitionSignal(
                c, turns_18, jeugd_end, False, "Wmo-ondersteuning vanaf 18 (Big-5: " + ", ".join(BIG_5) + ")"
            )
        )
    return sorted(out, key=lambda s: (s.turns_18, s.client.bsn))


def evaluation_window(on: date, days: int) -> Period:
    """The days on which an open evaluation moment counts as falling due: ``on`` up to and
    including ``on + days`` (``days`` = 0: today only)."""
    if days < 0:
        raise ValueError(f"a window of {days} days: give 0 or more days")
    return Period(on, on + timedelta(days=days))


def care_runs_on(due: date, allocations: Iterable[Allocation]) -> bool:
    """Whether an evaluation moment of a decision due on ``due`` is still signalled, given the
    decision's allocations: yes while the decision is not (or no longer) allocated, or one of its
    allocations runs on or after the due date; no once every allocation ended before it (the
    municipality ended it, e.g. on the provider's stop, 307/OP279): there is no care left to
    evaluate. A withdrawn allocation (13) counts as never given."""
    given = [a for a in allocations if not is_withdrawn(a)]
    return not given or any(a.valid.end is None or a.valid.end >= due for a in given)
