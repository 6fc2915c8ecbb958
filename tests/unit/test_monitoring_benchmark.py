# SPDX-License-Identifier: EUPL-1.2
"""The provider benchmark's rules: trajectories ending in the year, suppression under 10 people,
rounding for provider views, peer medians and quartiles, and end reasons read per law."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import (
    BENCHMARK_FIGURES,
    BenchmarkLine,
    DecisionFact,
    GoalsReached,
    ProviderYear,
    Trajectory,
    benchmark_lines,
    join_continuations,
    median,
    peer_medians,
    peer_spread,
    provider_view,
    quartiles,
)

AS_OF = date(2022, 1, 1)
WEIGHTS = {"OZR3": 3, "OZR2": 2, "OZR1": 1}


def weight(_law: Law, code: str) -> int | None:
    return WEIGHTS.get(code)


def ended(client: str, agb: str = "A", *, law: Law = Law.WMO, reason: str | None = "19",
          goals: GoalsReached | None = None, product: str = "OZR2", days: int = 100) -> Trajectory:  # fmt: skip
    start = date(2020, 1, 1)
    return Trajectory(client, agb, product, law, start, start + timedelta(days=days - 1), reason, goals)


def lines_for(trajectories: list[Trajectory], decisions: tuple[DecisionFact, ...] = (), **providers: int) -> dict[str, BenchmarkLine]:  # fmt: skip
    spend = [
        ProviderYear(agb, f"Zorg {agb}", clients, Money.euros(1000 * clients))
        for agb, clients in providers.items()
    ]
    made = benchmark_lines(spend, trajectories, decisions, 2020, AS_OF, weight)
    return {line.agb_code: line for line in made}


def test_figures_of_ten_people_are_shown_and_of_nine_are_no_value() -> None:
    ten = [ended(f"c{i}", reason="19" if i < 7 else "22", goals=GoalsReached.REACHED if i < 5 else GoalsReached.NOT) for i in range(10)]  # fmt: skip
    nine = [ended(f"d{i}", "B") for i in range(9)]
    lines = lines_for([*ten, *nine], A=10, B=9)
    a, b = lines["A"], lines["B"]
    assert (a.ended, a.ended_to_plan_share, a.goals_reached_share) == (
        10,
        Decimal("0.7000"),
        Decimal("0.5000"),
    )
    assert a.avg_duration_days == Decimal("100.0") and a.no_repeat_share == Decimal("1.0000")
    assert a.cost_per_client == Money.euros(1000)
    assert b.ended == 9  # a count stays a count
    assert (b.ended_to_plan_share, b.goals_reached_share, b.avg_duration_days, b.no_repeat_share,
            b.scale_down_share, b.cost_per_client) == (None,) * 6  # fmt: skip


def test_an_end_without_a_reason_is_not_judged_against_the_plan() -> None:
    judged = [ended(f"c{i}", reason="19") for i in range(10)]
    unknown = [ended(f"u{i}", reason=None) for i in range(5)]
    assert lines_for([*judged, *unknown], A=15)["A"].ended_to_plan_share == Decimal("1.0000")


def test_end_reasons_are_read_per_law_19_and_31_are_to_plan_but_31_is_a_move_in_the_wmo() -> None:
    wmo_moves = [ended(f"w{i}", "W", reason="31") for i in range(10)]
    jeugd_plan = [ended(f"j{i}", "J", law=Law.JEUGD, reason="31") for i in range(10)]
    wmo_plan = [ended(f"p{i}", "P", reason="19") for i in range(10)]
    lines = lines_for([*wmo_moves, *jeugd_plan, *wmo_plan], W=10, J=10, P=10)
    assert lines["W"].ended_to_plan_share == Decimal("0.0000")
    assert lines["J"].ended_to_plan_share == Decimal("1.0000")
    assert lines["P"].ended_to_plan_share == Decimal("1.0000")


def test_a_temporary_stop_and_an_end_in_another_year_are_not_ended_in_the_year() -> None:
    temporary = ended("t", reason="20")
    later = Trajectory("l", "A", "OZR2", Law.WMO, date(2020, 6, 1), date(2021, 3, 1), "19")
    running = Trajectory("r", "A", "OZR2", Law.WMO, date(2020, 6, 1))
    assert lines_for([temporary, later, running], A=3)["A"].ended == 0


def test_a_re_allocation_continues_the_trajectory_and_a_stop_with_a_reason_ends_it() -> None:
    first = Trajectory("c", "A", "OZR2", Law.WMO, date(2019, 1, 1), date(2019, 12, 31))
    second = Trajectory(
        "c", "A", "OZR2", Law.WMO, date(2020, 1, 1), date(2020, 6, 30), "19", GoalsReached.PARTLY
    )
    (joined,) = join_continuations([second, first])
    assert (joined.start, joined.end, joined.end_reason, joined.goals) == (
        date(2019, 1, 1), date(2020, 6, 30), "19", GoalsReached.PARTLY)  # fmt: skip
    stopped = Trajectory("c", "A", "OZR2", Law.WMO, date(2019, 1, 1), date(2019, 12, 31), "19")
    assert len(join_continuations([stopped, second])) == 2
    other_product = Trajectory("c", "A", "OZR3", Law.WMO, date(2020, 1, 1), date(2020, 6, 30))
    assert len(join_continuations([first, other_product])) == 2


def test_scale_down_and_repeat_requests_count_per_client() -> None:
    heavy = [ended(f"c{i}", product="OZR3") for i in range(10)]
    lighter = [Trajectory(f"c{i}", "B", "OZR1", Law.WMO, date(2020, 4, 15)) for i in range(4)]
    repeats = tuple(DecisionFact(f"c{i}", Law.WMO, date(2020, 5, 1)) for i in range(3))
    line = lines_for([*heavy, *lighter], repeats, A=10)["A"]
    assert line.scale_down_share == Decimal("0.4000")
    assert line.no_repeat_share == Decimal("0.7000")


def test_a_provider_view_rounds_counts_and_amounts_to_five_and_keeps_shares() -> None:
    line = BenchmarkLine("A", "Zorg A", 12, Money.euros("1234.56"), Money.euros("102.88"), Decimal("90.5"), 13,
                         Decimal("0.5"), None, Decimal("0.25"), Decimal(0), None)  # fmt: skip
    shown = provider_view(line)
    assert (shown.clients, shown.ended) == (10, 15)
    assert (shown.cost, shown.cost_per_client) == (Money.euros(1235), Money.euros(105))
    assert (shown.ended_to_plan_share, shown.no_repeat_share, shown.avg_duration_days) == (
        Decimal("0.5"), Decimal("0.25"), Decimal("90.5"))  # fmt: skip


def _line(agb: str, clients: int, share: Decimal | None) -> BenchmarkLine:
    return BenchmarkLine(
        agb, agb, clients, Money(clients * 100), None, None, clients, share, None, None, None, None
    )


def test_the_peer_median_leaves_out_the_provider_itself_and_providers_without_a_value() -> None:
    lines = [_line("A", 10, Decimal("0.9")), _line("B", 20, Decimal("0.5")), _line("C", 30, None), _line("D", 40, Decimal("0.1"))]  # fmt: skip
    medians = peer_medians(lines, "A")
    assert medians["clients"] == Decimal(30) and medians["ended_to_plan_share"] == Decimal("0.3")
    assert medians["satisfaction"] is None
    assert set(medians) == set(BENCHMARK_FIGURES)


def test_a_provider_sees_its_peers_as_rounded_quartiles_and_nothing_below_three_peers() -> None:
    lines = [_line(agb, n, None) for agb, n in (("A", 11), ("B", 23), ("C", 31), ("D", 47), ("E", 52))]
    spread = peer_spread(lines, "A")["clients"]
    assert (spread.peers, spread.first_quartile, spread.median, spread.third_quartile) == (
        4, Decimal(25), Decimal(40), Decimal(50))  # fmt: skip
    assert peer_spread(lines[:3], "A")["clients"].median is None  # two peers: one's figure would show


values = st.lists(st.decimals(min_value=0, max_value=10_000, places=2), min_size=1, max_size=60)


@given(values)
def test_the_median_is_the_statistics_median_and_lies_between_min_and_max(found: list[Decimal]) -> None:
    middle = median(found)
    assert middle == statistics.median(found)
    assert middle is not None and min(found) <= middle <= max(found)
    q1, q2, q3 = quartiles(found) or (None, None, None)
    assert q1 is not None and q3 is not None and min(found) <= q1 <= q2 == middle <= q3 <= max(found)


@given(
    st.lists(
        st.tuples(st.integers(0, 500), st.one_of(st.none(), st.decimals(0, 1, places=4))),
        min_size=1,
        max_size=30,
    )
)
def test_each_peer_median_is_the_median_of_the_others_with_a_value(providers: list[tuple[int, Decimal | None]]) -> None:  # fmt: skip
    lines = [_line(f"P{i}", clients, share) for i, (clients, share) in enumerate(providers)]
    for line in lines:
        others = [other for other in lines if other is not line]
        medians = peer_medians(lines, line.agb_code)
        shares = [o.ended_to_plan_share for o in others if o.ended_to_plan_share is not None]
        assert medians["ended_to_plan_share"] == (statistics.median(shares) if shares else None)
        assert medians["clients"] == (
            statistics.median([Decimal(o.clients) for o in others]) if others else None
        )
