# SPDX-License-Identifier: EUPL-1.2
"""A provider's tariff basis: its own price (bid price) on the days it has one, the catalogue's
tariff on every other day, never both and never a gap the catalogue did not have."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.catalogue import NoTariff, Tariff, TariffSchedule, with_own_prices
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period

START = date(2021, 1, 1)


def _periods(cuts: list[int], open_end: bool) -> list[Period]:
    """Consecutive non-overlapping periods from day offsets (gaps where two cuts are 2+ apart)."""
    days = sorted(set(cuts))
    periods = []
    for i in range(0, len(days) - 1, 2):
        periods.append(Period(START + timedelta(days[i]), START + timedelta(days[i + 1])))
    if open_end and periods:
        last = periods[-1]
        periods[-1] = Period(last.start, None)
    return periods


def _on(schedule: TariffSchedule, day: date) -> Money | None:
    try:
        return schedule.tariff_on("OZR1", day)
    except NoTariff:
        return None


@given(
    st.lists(st.integers(0, 800), min_size=2, max_size=8),
    st.booleans(),
    st.lists(st.integers(0, 800), max_size=6),
    st.booleans(),
)
def test_own_prices_win_on_their_days_and_the_catalogue_holds_elsewhere(
    catalogue_cuts: list[int], catalogue_open: bool, own_cuts: list[int], own_open: bool
) -> None:
    catalogue = [
        Tariff("OZR1", Money(5000 + i), p) for i, p in enumerate(_periods(catalogue_cuts, catalogue_open))
    ]
    own = [Tariff("OZR1", Money(4000 + i), p) for i, p in enumerate(_periods(own_cuts, own_open))]
    merged = with_own_prices(TariffSchedule.of(catalogue), own)
    for offset in range(0, 820, 3):
        day = START + timedelta(offset)
        mine = next((t.amount for t in own if t.valid.contains(day)), None)
        theirs = next((t.amount for t in catalogue if t.valid.contains(day)), None)
        assert _on(merged, day) == (mine if mine is not None else theirs)


def test_without_own_prices_the_catalogue_is_the_basis() -> None:
    catalogue = TariffSchedule.of([Tariff("OZR1", Money(5000), Period(START))])
    assert with_own_prices(catalogue, []) is catalogue
