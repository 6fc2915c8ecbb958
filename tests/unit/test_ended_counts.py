# SPDX-License-Identifier: EUPL-1.2
"""The counts the analytics extract adds up: the counts of two disjoint sets of clients add up
to the counts of their union, and the figures decided from counts are those decided from the
trajectories (the extract's path and the store's path meet here)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import (
    DecisionFact,
    EndedFact,
    GoalsReached,
    Trajectory,
    average_duration,
    ended_counts,
    ended_facts,
    ended_in_year,
    ended_in_year_of,
    ended_to_plan_share,
)

START = date(2020, 1, 1)
WEIGHTS = {"A": 3, "B": 2, "C": 1}


def _weight(_law: Law, code: str) -> int | None:
    return WEIGHTS.get(code)


trajectories = st.lists(
    st.builds(
        lambda client, provider, product, start, days, reason, goals: Trajectory(
            f"c{client}",
            provider,
            product,
            Law.WMO,
            START + timedelta(days=start),
            None if days is None else START + timedelta(days=start + days),
            None if days is None else reason,
            goals,
        ),
        st.integers(0, 14),
        st.sampled_from(["P1", "P2"]),
        st.sampled_from(["A", "B", "C", "D"]),
        st.integers(0, 500),
        st.none() | st.integers(0, 300),
        st.none() | st.sampled_from(["19", "20", "21", "31"]),
        st.none() | st.sampled_from(list(GoalsReached)),
    ),
    max_size=40,
)
decisions = st.lists(
    st.builds(
        lambda client, day: DecisionFact(f"c{client}", Law.WMO, START + timedelta(days=day)),
        st.integers(0, 14),
        st.integers(0, 900),
    ),
    max_size=20,
)


def _in_2020(facts: list[EndedFact]) -> list[EndedFact]:
    return [f for f in facts if f.trajectory.end is not None and f.trajectory.end.year == 2020]


@settings(max_examples=150, deadline=None)
@given(trajectories, decisions)
def test_counts_of_disjoint_clients_add_up(found: list[Trajectory], decided: list[DecisionFact]) -> None:
    as_of = date(2021, 3, 1)
    odd = {t.client for t in found if int(t.client[1:]) % 2}
    facts = _in_2020(ended_facts(found, decided))
    whole = ended_counts(facts, as_of, _weight)
    part = [f for f in facts if f.trajectory.client in odd]
    rest = [f for f in facts if f.trajectory.client not in odd]
    assert ended_counts(part, as_of, _weight) + ended_counts(rest, as_of, _weight) == whole


@settings(max_examples=150, deadline=None)
@given(trajectories)
def test_the_dashboards_figures_from_counts_are_those_from_trajectories(found: list[Trajectory]) -> None:
    counts = ended_counts(_in_2020(ended_facts(found, [])), date(2021, 3, 1), _weight)
    from_trajectories = ended_in_year(found, 2020, minimum=2)
    assert ended_in_year_of(counts, minimum=2) == from_trajectories
    ended = [f.trajectory for f in _in_2020(ended_facts(found, []))]
    assert from_trajectories.average_days == average_duration(ended, minimum=2)
    assert from_trajectories.ended_to_plan == ended_to_plan_share(ended, minimum=2)
