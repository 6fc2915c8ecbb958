# SPDX-License-Identifier: EUPL-1.2
"""Monitoring indicators, concentration and coverage: examples and properties of the pure
functions in ``domain/monitoring.py``."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ISTANDAARDEN
from zorginkoop.adapters.istandaarden import codelist
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import (
    END_REASONS,
    MIN_PEOPLE,
    TARGET_GROUPS,
    DecisionFact,
    EndKind,
    Measure,
    MonitoringError,
    ProviderSpend,
    Trajectory,
    average_duration,
    coverage,
    duration,
    end_kind,
    ended_early,
    ended_early_share,
    ended_to_plan,
    ended_to_plan_share,
    no_repeat,
    provider_pareto,
    providers_holding,
    rounded_to_five,
    scale_down,
    share_of,
    suppressed_share,
)
from zorginkoop.domain.region import Provider

LIST_OF = {Law.WMO: "WMO588", Law.JEUGD: "JZ588"}
REFERENCE_FILE = {
    Law.WMO: ISTANDAARDEN / "iwmo-3.2" / "codelijsten" / "WMO588_Reden_beeindiging.md",
    Law.JEUGD: ISTANDAARDEN / "ijw-3.2" / "codelijsten" / "JZ588_Reden_beeindiging.md",
}
START = date(2020, 1, 1)


def _trajectory(
    client: str = "c1",
    product: str = "OZR2",
    law: Law = Law.WMO,
    start: date = START,
    end: date | None = date(2020, 6, 30),
    reason: str | None = None,
    provider: str = "11111111",
) -> Trajectory:
    return Trajectory(client, provider, product, law, start, end, reason)


# -- end reasons per law ---------------------------------------------------------------------


@pytest.mark.parametrize("law", [Law.WMO, Law.JEUGD])
def test_the_mapping_holds_every_code_of_the_shipped_code_list(law):
    assert set(END_REASONS[law]) == set(codelist(LIST_OF[law]).codes)


@pytest.mark.parametrize("law", [Law.WMO, Law.JEUGD])
def test_the_mapping_holds_every_code_of_the_reference_code_list(law):
    text = REFERENCE_FILE[law].read_text(encoding="utf-8")
    codes = set(re.findall(r"^\|\s*(\d{2})\s*\|", text, flags=re.MULTILINE))
    assert codes == set(END_REASONS[law])


@pytest.mark.parametrize("law", [Law.WMO, Law.JEUGD])
def test_to_plan_and_early_codes_carry_the_standards_own_labels(law):
    labels = codelist(LIST_OF[law]).labels
    for code, kind in END_REASONS[law].items():
        label = labels[code].lower()
        if kind is EndKind.TO_PLAN:
            assert "volgens plan" in label
        if kind.early:
            assert any(word in label for word in ("eenzijdig", "voortijdig")), label
            assert "externe oorzaak" not in label


def test_according_to_plan_is_19_for_wmo_and_31_for_jeugd():
    assert ended_to_plan(_trajectory(law=Law.WMO, reason="19"))
    assert ended_to_plan(_trajectory(law=Law.JEUGD, product="45A01", reason="31"))
    # WMO588 31 is a move, not 'according to plan'
    assert not ended_to_plan(_trajectory(law=Law.WMO, reason="31"))
    assert end_kind(Law.WMO, "31") is EndKind.MOVED_OR_EXTERNAL
    assert end_kind(Law.JEUGD, "35") is EndKind.MOVED_OR_EXTERNAL


def test_ended_early_is_21_to_23_for_wmo_and_32_to_34_for_jeugd():
    assert [c for c in END_REASONS[Law.WMO] if ended_early(_trajectory(reason=c))] == ["21", "22", "23"]
    jeugd = [c for c in END_REASONS[Law.JEUGD] if ended_early(_trajectory(law=Law.JEUGD, reason=c))]
    assert jeugd == ["32", "33", "34"]


def test_a_code_of_the_other_law_is_refused():
    with pytest.raises(MonitoringError, match="'19' is not in JZ588"):
        _trajectory(law=Law.JEUGD, reason="19")
    with pytest.raises(MonitoringError, match="'32' is not in WMO588"):
        end_kind(Law.WMO, "32")


def test_an_end_reason_needs_an_end_and_an_end_follows_the_start():
    with pytest.raises(MonitoringError, match="needs an end date"):
        _trajectory(end=None, reason="19")
    with pytest.raises(MonitoringError, match="before start"):
        _trajectory(end=START - timedelta(days=1))


laws = st.sampled_from([Law.WMO, Law.JEUGD])


@given(law=laws, data=st.data())
def test_to_plan_and_early_never_both_and_agree_with_the_kind(law, data):
    code = data.draw(st.sampled_from(sorted(END_REASONS[law])))
    t = _trajectory(law=law, reason=code)
    assert not (ended_to_plan(t) and ended_early(t))
    assert ended_to_plan(t) == (END_REASONS[law][code] is EndKind.TO_PLAN)
    assert ended_early(t) == END_REASONS[law][code].early


@given(code=st.text(min_size=1, max_size=3))
def test_a_code_outside_both_lists_is_always_refused(code):
    for law in (Law.WMO, Law.JEUGD):
        if code not in END_REASONS[law]:
            with pytest.raises(MonitoringError):
                end_kind(law, code)


# -- duration, scale-down, no repeat ------------------------------------------------------------


def test_duration_counts_both_ends():
    assert duration(_trajectory(end=START)) == 1
    assert duration(_trajectory(end=date(2020, 12, 31))) == 366
    assert duration(_trajectory(end=None)) is None


@given(days=st.integers(0, 4000))
def test_duration_is_the_days_between_plus_one(days):
    assert duration(_trajectory(end=START + timedelta(days=days))) == days + 1


WEIGHTS = {"OZR1": 1, "OZR2": 2, "OZR3": 3}


def weight(law: Law, product: str) -> int | None:
    return WEIGHTS.get(product) if law is Law.WMO else None


def test_scale_down_is_a_heavier_product_followed_by_a_lighter_one():
    heavy = _trajectory(product="OZR3", end=date(2020, 6, 30))
    lighter = _trajectory(product="OZR2", start=date(2020, 7, 1), end=None)
    heavier = _trajectory(product="OZR3", start=date(2020, 7, 1), end=None)
    assert scale_down(heavy, [heavy, lighter], weight)
    assert not scale_down(heavy, [heavy, heavier], weight)
    # the follower must start within the gap after the end
    late = _trajectory(product="OZR1", start=date(2020, 9, 1), end=None)
    assert not scale_down(heavy, [heavy, late], weight)
    # another client's lighter care is no scale-down of this one
    other = _trajectory(client="c2", product="OZR1", start=date(2020, 7, 1), end=None)
    assert not scale_down(heavy, [heavy, other], weight)
    # a running trajectory has not been scaled down
    running = _trajectory(product="OZR3", end=None)
    assert not scale_down(running, [running, lighter], weight)
    # products without a place in the ordering are not compared
    assert not scale_down(_trajectory(product="X", end=date(2020, 6, 30)), [lighter], weight)


def test_the_first_follower_decides():
    heavy = _trajectory(product="OZR3", end=date(2020, 6, 30))
    first = _trajectory(product="OZR3", start=date(2020, 7, 1), end=date(2020, 7, 5))
    second = _trajectory(product="OZR1", start=date(2020, 7, 6), end=None)
    assert not scale_down(heavy, [heavy, second, first], weight)
    assert scale_down(first, [heavy, second, first], weight)


def test_no_repeat_looks_six_months_past_the_end():
    t = _trajectory(end=date(2020, 6, 30))
    repeat = DecisionFact("c1", Law.WMO, date(2020, 12, 30))
    after = DecisionFact("c1", Law.WMO, date(2021, 1, 1))
    other_law = DecisionFact("c1", Law.JEUGD, date(2020, 8, 1))
    assert no_repeat(t, [repeat], as_of=date(2021, 6, 1)) is False
    assert no_repeat(t, [after, other_law], as_of=date(2021, 6, 1)) is True
    # before the six months are over and without a repeat: not yet known
    assert no_repeat(t, [], as_of=date(2020, 12, 29)) is None
    assert no_repeat(t, [], as_of=date(2020, 12, 30)) is True
    # a repeat already seen is known at once
    assert no_repeat(t, [DecisionFact("c1", Law.WMO, date(2020, 8, 1))], as_of=date(2020, 8, 2)) is False
    assert no_repeat(_trajectory(end=None), [], as_of=date(2030, 1, 1)) is None


# -- shares and suppression ----------------------------------------------------------------------


@given(whole=st.integers(0, 10_000), data=st.data(), people=st.integers(0, 10_000))
def test_a_share_is_between_0_and_1_or_no_value_below_ten_people(whole, data, people):
    part = data.draw(st.integers(0, whole))
    result = suppressed_share(part, whole, people)
    if people < MIN_PEOPLE or whole == 0:
        assert result is None
    else:
        assert result is not None and Decimal(0) <= result <= Decimal(1)
        assert abs(result - Decimal(part) / Decimal(whole)) <= Decimal("0.00005")


def test_a_share_refuses_a_part_larger_than_the_whole():
    with pytest.raises(MonitoringError):
        suppressed_share(3, 2, 20)


ended = st.builds(
    lambda client, reason, days: _trajectory(
        client=f"c{client}", reason=reason, end=START + timedelta(days=days)
    ),
    st.integers(0, 30),
    st.sampled_from(sorted(END_REASONS[Law.WMO])),
    st.integers(0, 800),
)


@settings(max_examples=200)
@given(trajectories=st.lists(ended, max_size=60))
def test_indicator_shares_are_suppressed_below_ten_distinct_clients(trajectories):
    people = len({t.client for t in trajectories})
    for predicate in (ended_to_plan, ended_early):
        result = share_of(trajectories, predicate)
        if people < MIN_PEOPLE:
            assert result is None
        else:
            assert result is not None and 0 <= result <= 1
    average = average_duration(trajectories)
    assert (average is None) == (people < MIN_PEOPLE)


def test_nine_clients_give_no_value_ten_give_a_share():
    nine = [_trajectory(client=f"c{i}", reason="19") for i in range(9)]
    assert share_of(nine, ended_to_plan) is None
    # nine people with two trajectories each are still nine people
    assert share_of(nine + nine, ended_to_plan) is None
    ten = [*nine, _trajectory(client="c9", reason="21")]
    assert share_of(ten, ended_to_plan) == Decimal("0.9")
    assert share_of(ten, ended_early) == Decimal("0.1")


def test_shares_of_ended_leave_running_and_temporarily_ended_care_out():
    to_plan = [_trajectory(client=f"c{i}", reason="19") for i in range(10)]
    running = [_trajectory(client=f"r{i}", end=None) for i in range(5)]
    paused = [_trajectory(client=f"p{i}", reason="20") for i in range(5)]
    early = [_trajectory(client=f"e{i}", reason="22") for i in range(10)]
    everyone = to_plan + running + paused + early
    assert not paused[0].ended and not running[0].ended and early[0].ended
    assert ended_to_plan_share(everyone) == Decimal("0.5")
    assert ended_early_share(everyone) == Decimal("0.5")
    assert ended_to_plan_share(to_plan[:9] + running + paused) is None


@given(count=st.integers(0, 100_000))
def test_counts_leaving_the_region_are_the_nearest_multiple_of_five(count):
    rounded = rounded_to_five(count)
    assert rounded % 5 == 0
    assert abs(rounded - count) <= 2


# -- concentration -----------------------------------------------------------------------------


def spend(costs_and_clients: list[tuple[int, int]]) -> list[ProviderSpend]:
    return [
        ProviderSpend(f"{i:08d}", f"P{i}", clients, Money.euros(cost))
        for i, (cost, clients) in enumerate(costs_and_clients)
    ]


def test_pareto_ranks_and_reads_the_ranking_as_the_memo_does():
    providers = spend([(30, 3), (500, 50), (100, 10), (300, 30), (50, 5), (20, 2)])
    result = provider_pareto(providers)
    assert [line.rank for line in result.lines] == [1, 2, 3, 4, 5, 6]
    assert [line.name for line in result.lines] == ["P1", "P3", "P2", "P4", "P0", "P5"]
    assert [str(line.share_pct) for line in result.lines] == ["50.0", "30.0", "10.0", "5.0", "3.0", "2.0"]
    assert [str(line.cumulative_pct) for line in result.lines][-1] == "100.0"
    assert result.providers_holding(80) == 2 and result.providers_holding(90) == 3
    assert result.small_providers == 3 and result.small_cost == Money.euros(100)
    groups = {g.label: g for g in result.groups()}
    assert groups["smallest providers (the rest)"].providers == 3
    assert str(groups["providers with fewer than 7 clients"].share_pct) == "10.0"


def test_pareto_by_clients_ranks_by_clients():
    providers = spend([(1000, 2), (10, 50)])
    assert [line.name for line in provider_pareto(providers, Measure.CLIENTS).lines] == ["P1", "P0"]
    assert [line.name for line in provider_pareto(providers, Measure.COST).lines] == ["P0", "P1"]


spends = st.lists(st.tuples(st.integers(0, 2_000_000), st.integers(0, 400)), max_size=60)


@given(rows=spends, measure=st.sampled_from(list(Measure)))
def test_pareto_properties(rows, measure):
    providers = spend(rows)
    result = provider_pareto(providers, measure)
    cumulative = [line.cumulative_pct for line in result.lines]
    assert cumulative == sorted(cumulative)
    if result.lines:
        assert cumulative[-1] == Decimal("100.0")
        assert all(Decimal(0) <= line.share_pct <= Decimal(100) for line in result.lines)
    assert 0 <= result.providers_holding(80) <= result.providers_holding(90) <= result.providers
    assert result.small_providers == sum(1 for line in result.lines if line.clients < 7)
    if measure is Measure.COST:
        # the same reading as the memo table's providers_holding
        assert result.providers_holding(90) == providers_holding(providers, 90)


# -- coverage ---------------------------------------------------------------------------------

HOUTEN, LOPIK = "0321", "0331"
PG = TargetGroup.PSYCHOGERIATRIC_SOMATIC


def _provider(agb: str, *, stop: bool = False, capacity: int | None = None, law: Law = Law.WMO) -> Provider:
    return Provider(
        agb,
        f"P{agb}",
        frozenset({law}),
        frozenset({PG}),
        frozenset({HOUTEN}),
        client_stop=stop,
        capacity=capacity,
    )


def test_coverage_lists_every_municipality_and_target_group_of_the_law():
    cells = coverage([_provider("11111111")], [LOPIK, HOUTEN], Law.WMO, {"11111111"}, {})
    assert [(c.municipality_code, c.target_group) for c in cells] == [
        (code, group) for code in (HOUTEN, LOPIK) for group in TARGET_GROUPS[Law.WMO]
    ]
    houten_pg = cells[0]
    assert houten_pg.providers == ("11111111",) and not houten_pg.gap
    assert all(c.gap for c in cells[1:])


def test_a_gap_where_the_only_provider_is_on_client_stop_full_or_not_contracted():
    def houten_pg(providers, contracted, in_care=None):  # type: ignore[no-untyped-def]
        cells = coverage(providers, [HOUTEN], Law.WMO, contracted, in_care or {}, target_groups=[PG])
        return cells[0]

    assert not houten_pg([_provider("11111111")], {"11111111"}).gap
    assert houten_pg([_provider("11111111", stop=True)], {"11111111"}).gap
    assert houten_pg([_provider("11111111", capacity=5)], {"11111111"}, {"11111111": 5}).gap
    assert not houten_pg([_provider("11111111", capacity=5)], {"11111111"}, {"11111111": 4}).gap
    assert houten_pg([_provider("11111111")], set()).gap
    assert houten_pg([_provider("11111111", law=Law.JEUGD)], {"11111111"}).gap


def test_the_minimum_decides_the_gap():
    providers = [_provider("11111111"), _provider("22222222")]
    contracted = {"11111111", "22222222"}
    for minimum, gap in ((0, False), (2, False), (3, True)):
        cell = coverage(providers, [HOUTEN], Law.WMO, contracted, {}, minimum, [PG])[0]
        assert cell.gap is gap
    with pytest.raises(MonitoringError):
        coverage(providers, [HOUTEN], Law.WMO, contracted, {}, -1)


provider_facts = st.lists(
    st.tuples(st.booleans(), st.none() | st.integers(0, 5), st.integers(0, 6), st.booleans()),
    max_size=8,
)


@given(facts=provider_facts, minimum=st.integers(0, 4), data=st.data())
def test_coverage_properties(facts, minimum, data):
    providers = [
        _provider(f"{i + 1:08d}", stop=stop, capacity=cap) for i, (stop, cap, _n, _c) in enumerate(facts)
    ]
    in_care = {p.agb_code: n for p, (_s, _cap, n, _c) in zip(providers, facts, strict=True)}
    contracted = {p.agb_code for p, (*_, c) in zip(providers, facts, strict=True) if c}
    cell = coverage(providers, [HOUTEN], Law.WMO, contracted, in_care, minimum, [PG])[0]
    assert cell.gap == (len(cell.providers) < minimum)
    for p in providers:
        expected = p.agb_code in contracted and p.has_room(in_care[p.agb_code])
        assert (p.agb_code in cell.providers) == expected
    # putting any provider on client stop never adds one
    if providers:
        index = data.draw(st.integers(0, len(providers) - 1))
        stopped = list(providers)
        stopped[index] = _provider(providers[index].agb_code, stop=True, capacity=providers[index].capacity)
        after = coverage(stopped, [HOUTEN], Law.WMO, contracted, in_care, minimum, [PG])[0]
        assert set(after.providers) <= set(cell.providers)
        assert providers[index].agb_code not in after.providers
