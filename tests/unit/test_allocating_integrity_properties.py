# SPDX-License-Identifier: EUPL-1.2
"""Property: whatever sequence of allocate / switch / change / end / delete a consultant tries
on one decision, per decided product no two live allocations overlap, together they never
exceed the decision (period, rate, total), and a deleted allocation stays deleted. Every step
either keeps the invariant or is refused (and then changes nothing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zorginkoop.domain.allocating import change_allocation, is_withdrawn
from zorginkoop.domain.allocation_integrity import (
    DecidedKey,
    DecidedProduct,
    check_change,
    check_not_withdrawn,
    integrity_breaches,
    plan_allocation,
)
from zorginkoop.domain.care import Allocation, CareError
from zorginkoop.domain.codes import ChangeReason, Frequency, Law, Unit
from zorginkoop.domain.periods import Period

YEAR = Period(date(2021, 1, 1), date(2021, 12, 31))
DECIDED = (
    DecidedProduct(DecidedKey("B-1", "OZR1"), YEAR, Unit.UUR, Frequency.PER_WEEK, 3),
    DecidedProduct(DecidedKey("B-2", "TWO12"), YEAR, Unit.EUROS, Frequency.TOTAAL, 6720),
)
PROVIDERS = ("11111111", "22222222", "33333333")
AT = datetime(2021, 3, 1, 9, 0)
REASONS = (ChangeReason.VERKORTING, ChangeReason.VERLENGING, ChangeReason.ADMINISTRATIEVE_CORRECTIE,
           ChangeReason.OVERSTAP_AANBIEDER, ChangeReason.VERWIJDERD)  # fmt: skip

days = st.integers(min_value=-20, max_value=385)
allocate = st.tuples(st.just("allocate"), st.sampled_from(PROVIDERS), days, st.booleans())
change = st.tuples(st.just("change"), st.integers(0, 20), st.sampled_from(REASONS), days,
                   st.none() | st.integers(1, 8000), st.integers(0, 1))  # fmt: skip
steps = st.lists(st.one_of(allocate, change), min_size=1, max_size=25)


def _new(decided: DecidedProduct, number: int, agb: str, start: date) -> Allocation:
    return Allocation(
        number=number, client_bsn="999900006", provider_agb=agb, municipality_code="0321", law=Law.WMO,
        category="02", product_code=decided.key.product_code, valid=Period(start, decided.period.end),
        allocated_at=AT, volume=decided.volume, unit=decided.unit, frequency=decided.frequency,
        decision_id=decided.key.decision_id,
    )  # fmt: skip


def _apply(decided: DecidedProduct, state: dict[int, Allocation], step: tuple) -> None:  # type: ignore[type-arg]
    """Apply one step with the domain's rules; a refused step leaves ``state`` as it was."""
    if step[0] == "allocate":
        _, agb, offset, switch = step
        start = YEAR.start + timedelta(days=offset)
        if not decided.period.contains(start):
            return  # the service refuses a start outside the decision before planning
        running = [
            a for a in state.values() if not is_withdrawn(a) and a.valid.overlaps(Period(start, YEAR.end))
        ]
        number = max(state, default=0) + 1
        try:
            plan = plan_allocation(decided, list(state.values()), _new(decided, number, agb, start),
                                   switch_from=running[0].number if switch and running else None, at=AT)  # fmt: skip
        except CareError:
            return
        if plan.ended is not None:
            state[plan.ended.number] = plan.ended
        state[plan.new.number] = plan.new
        return
    _, index, reason, offset, volume, open_lines = step
    if not state:
        return
    current = state[sorted(state)[index % len(state)]]
    end = YEAR.start + timedelta(days=offset)
    try:
        check_not_withdrawn(current)
        changed = change_allocation(current, reason, AT, end=end, volume=volume, keep_end=volume is not None)
        check_change(current, changed, decided=decided, siblings=list(state.values()), open_lines=open_lines)
    except CareError:
        return
    state[changed.number] = changed


@settings(max_examples=300, deadline=None)
@given(decided=st.sampled_from(DECIDED), sequence=steps)
def test_no_sequence_of_steps_makes_live_allocations_overlap_or_exceed_the_decision(
    decided: DecidedProduct,
    sequence: list[tuple],  # type: ignore[type-arg]
) -> None:
    state: dict[int, Allocation] = {}
    deleted: dict[int, Allocation] = {}
    for step in sequence:
        _apply(decided, state, step)
        assert integrity_breaches(decided, state.values()) == [], step
        for number, a in state.items():
            if number in deleted:
                assert a == deleted[number], "a deleted allocation was changed"
            elif is_withdrawn(a):
                deleted[number] = a
    live = [a for a in state.values() if not is_withdrawn(a)]
    if decided.frequency is Frequency.TOTAAL:
        assert sum(a.volume or 0 for a in live) <= 6720
    assert all(a.volume is not None and a.volume <= 3 for a in live) or decided.frequency is Frequency.TOTAAL
    for a in live:
        assert YEAR.covers(a.valid)


def test_the_steps_reach_switches_and_refusals() -> None:
    """Guard against a vacuous property: a plain sequence does switch, refuse and delete."""
    decided = DECIDED[0]
    state: dict[int, Allocation] = {}
    _apply(decided, state, ("allocate", PROVIDERS[0], 0, False))
    _apply(decided, state, ("allocate", PROVIDERS[1], 100, False))  # refused: 1 runs
    assert list(state) == [1]
    _apply(decided, state, ("allocate", PROVIDERS[1], 100, True))  # switch
    assert state[1].change_reason is ChangeReason.OVERSTAP_AANBIEDER and state[2].valid.start == date(
        2021, 4, 11
    )
    _apply(decided, state, ("change", 1, ChangeReason.VERWIJDERD, 0, None, 0))
    assert is_withdrawn(state[2])
    before = dict(state)
    _apply(decided, state, ("change", 1, ChangeReason.ADMINISTRATIEVE_CORRECTIE, 300, None, 0))
    assert state == before
    assert replace(state[1]).valid.end == date(2021, 4, 10)
