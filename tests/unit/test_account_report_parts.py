# SPDX-License-Identifier: EUPL-1.2
"""The account report's pure parts: quarters, duration bands, end reasons read per law, and
the rules of a signal's text."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.account_report import (
    DURATION_BANDS,
    Quarter,
    QuarterError,
    average_days,
    banded,
    duration_band,
    end_reasons,
)
from zorginkoop.domain.codes import Law
from zorginkoop.domain.provider_signals import MAX_TEXT, SignalError, checked_text, contains_bsn

quarters = st.builds(Quarter, st.integers(1950, 2100), st.integers(1, 4))


def test_a_quarter_is_read_as_written_and_refused_otherwise():
    q = Quarter.parse("2020-Q4")
    assert (q.year, q.number, q.label, q.label_nl) == (2020, 4, "2020-Q4", "4e kwartaal 2020")
    assert Quarter.parse(" 2021q1 ") == Quarter(2021, 1)
    for bad in ("2020-Q5", "2020", "Q4-2020", "", "20-Q1"):
        with pytest.raises(QuarterError):
            Quarter.parse(bad)


@given(quarters, st.integers(1, 12))
def test_the_quarters_shown_follow_each_other_without_gaps(q, count):
    shown = q.last(count)
    assert len(shown) == count and shown[-1] == q
    for before, after in itertools.pairwise(shown):
        assert before.end + timedelta(days=1) == after.start


@given(quarters)
def test_four_quarters_cover_their_year(q):
    year = [Quarter(q.year, n) for n in range(1, 5)]
    assert year[0].start.timetuple().tm_yday == 1
    assert sum((x.end - x.start).days + 1 for x in year) == (year[3].end - year[0].start).days + 1


@given(st.lists(st.integers(1, 5000), max_size=50))
def test_every_duration_falls_in_exactly_one_band(days):
    counted = banded(days)
    assert [label for label, _ in counted] == [label for label, _, _ in DURATION_BANDS]
    assert sum(n for _, n in counted) == len(days)
    for d in days:
        assert sum(1 for label, low, high in DURATION_BANDS if low <= d <= (high or d)) == 1
        duration_band(d)


def test_the_average_duration_is_hidden_under_ten_people():
    assert average_days([100, 200], people=9) is None
    assert str(average_days([100, 201], people=10)) == "150.5"


def test_end_reason_31_means_a_move_under_the_wmo_and_according_to_plan_under_the_jeugdwet():
    counted = dict(end_reasons([(Law.WMO, "31"), (Law.JEUGD, "31"), (Law.WMO, "19"), (Law.WMO, None)]))
    assert counted == {
        "volgens plan": 2,
        "verhuizing of externe oorzaak": 1,
        "geen reden gemeld (toewijzing liep af)": 1,
    }


def test_a_signal_text_is_refused_when_empty_too_long_or_holding_a_bsn():
    assert checked_text("  Wachttijd loopt op  ") == "Wachttijd loopt op"
    assert contains_bsn("cliënt 111222333 belde") and not contains_bsn("factuur 123456789 en 1234567890")
    for bad in ("   ", "x" * (MAX_TEXT + 1), "BSN 111222333 klaagt"):
        with pytest.raises(SignalError):
            checked_text(bad)
