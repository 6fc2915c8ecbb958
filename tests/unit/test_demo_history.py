# SPDX-License-Identifier: EUPL-1.2
"""The demo's delivery history (issue 10): 305/307 with each law's own end reasons, every kind
of end, early ends that shortened the allocation, scale-downs, goals reached at the end
evaluation and repeat requests; indicators that differ between providers; the memo's figures
untouched (tests/unit/test_demo_lekstroom.py)."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from zorginkoop.adapters.model_files import load_models
from zorginkoop.demo.history import HISTORY_END, DeliveryFact
from zorginkoop.demo.lekstroom import OZR_CODES, DemoRegion, build_lekstroom
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import (
    END_REASONS,
    DecisionFact,
    EndKind,
    GoalsReached,
    Trajectory,
    end_kind,
    ended_to_plan_share,
    goals_reached_share,
    no_repeat,
    scale_down,
    share_of,
)
from zorginkoop.domain.product_models import ResultAreaMatrixModel
from zorginkoop.domain.stopping import change_reason_for_stop

WEIGHT = {code: i for i, code in enumerate(OZR_CODES)}


@pytest.fixture(scope="module")
def demo() -> DemoRegion:
    model = load_models()["lekstroom-2022"]
    assert isinstance(model, ResultAreaMatrixModel)
    return build_lekstroom(model_2022=model)


def trajectories(demo: DemoRegion) -> list[Trajectory]:
    """Runs read as the benchmark reads the store: a client's allocations with one provider and
    product, each from the day after the one before; start = the first 305's Begindatum, end and
    end reason = the last current 307 on the run's last allocation, goals = that allocation's."""
    allocations = {(a.municipality_code, a.number): a for a in demo.allocations}
    stops: dict[tuple[str, int], DeliveryFact] = {}
    for fact in demo.deliveries:
        if fact.kind == "stop" and fact.end_reason != "20":
            stops[fact.municipality_code, fact.allocation_number] = fact
    chains: dict[tuple[str, str, Law], list[Allocation]] = defaultdict(list)
    for a in demo.allocations:
        if a.valid.start <= HISTORY_END:
            chains[a.client_bsn, a.provider_agb, a.law].append(a)
    out: list[Trajectory] = []
    for chain in chains.values():
        chain.sort(key=lambda a: a.valid.start)
        runs: list[list[Allocation]] = [[chain[0]]]
        for before, after in itertools.pairwise(chain):
            same = (
                after.product_code == before.product_code
                and after.valid.start == before.valid.end + timedelta(1)
            )  # type: ignore[operator]
            if same:
                runs[-1].append(after)
            else:
                runs.append([after])
        for run in runs:
            last = allocations[run[-1].municipality_code, run[-1].number]
            stop = stops.get((last.municipality_code, last.number))
            assert last.product_code is not None
            out.append(
                Trajectory(
                    client=last.client_bsn, provider_agb=last.provider_agb, product_code=last.product_code,
                    law=last.law, start=run[0].valid.start, end=stop.end_date if stop else None,
                    end_reason=stop.end_reason if stop else None, goals=last.goals_reached,
                )
            )  # fmt: skip
    return out


def test_stops_carry_their_own_laws_codes_and_31_means_moved_in_wmo_but_to_plan_in_jeugd(
    demo: DemoRegion,
) -> None:
    stops = [f for f in demo.deliveries if f.kind == "stop"]
    codes = {law: Counter(f.end_reason for f in stops if f.law is law) for law in Law}
    for law, counted in codes.items():
        assert set(counted) <= set(END_REASONS[law]), law
    assert {"19", "21", "22", "23"} <= set(codes[Law.WMO]) and not {"32", "33", "34", "35"} & set(
        codes[Law.WMO]
    )
    assert {"31", "32", "33", "34", "35"} <= set(codes[Law.JEUGD]) and not {"19", "21", "22", "23"} & set(
        codes[Law.JEUGD]
    )
    assert end_kind(Law.WMO, "31") is EndKind.MOVED_OR_EXTERNAL and codes[Law.WMO]["31"] > 0
    assert end_kind(Law.JEUGD, "31") is EndKind.TO_PLAN
    # Wmo's to-plan ends are 19s, never 31s: a move is not counted as to plan
    moved = [f for f in stops if f.law is Law.WMO and f.end_reason == "31"]
    assert all(end_kind(f.law, f.end_reason) is not EndKind.TO_PLAN for f in moved)  # type: ignore[arg-type]


def test_every_kind_of_end_occurs_under_both_laws(demo: DemoRegion) -> None:
    for law in Law:
        kinds = {end_kind(law, f.end_reason) for f in demo.deliveries if f.kind == "stop" and f.law is law}  # type: ignore[arg-type]
        assert kinds == set(EndKind), (law, set(EndKind) - kinds)


def test_every_stop_refers_to_the_latest_start_and_lies_in_the_history(demo: DemoRegion) -> None:
    latest: dict[tuple[str, int], date] = {}
    for fact in sorted(demo.deliveries, key=lambda f: (f.received_at, f.kind == "stop")):
        key = (fact.municipality_code, fact.allocation_number)
        assert fact.received_at.date() <= HISTORY_END
        if fact.kind == "start":
            latest[key] = fact.start_date
        else:
            assert latest[key] == fact.start_date, fact  # OP155
            assert fact.end_date is not None and fact.start_date <= fact.end_date <= HISTORY_END
    allocations = {(a.municipality_code, a.number): a for a in demo.allocations}
    for fact in demo.deliveries:
        a = allocations[fact.municipality_code, fact.allocation_number]
        assert (a.client_bsn, a.provider_agb, a.law, a.product_code) == (
            fact.client_bsn, fact.provider_agb, fact.law, fact.product_code,
        )  # fmt: skip
        if fact.kind == "stop" and fact.end_reason != "20":
            assert fact.end_date == a.valid.end  # the allocation ends with the care


def test_early_ends_shortened_the_allocation_and_left_an_ended_worklist_item(demo: DemoRegion) -> None:
    allocations = {(a.municipality_code, a.number): a for a in demo.allocations}
    decisions = {d.id: d for d in demo.decisions}
    assert len(demo.ended_stops) > 100
    for item in demo.ended_stops:
        stop = item.stop
        a = allocations[stop.municipality_code, stop.allocation_number]
        assert stop.end_reason is not None and stop.end_date is not None
        assert a.change_reason is change_reason_for_stop(a.law, stop.end_reason)
        assert item.previous_end > stop.end_date == a.valid.end
        assert a.decision_id is not None and decisions[a.decision_id].valid.end >= item.previous_end  # type: ignore[operator]
        assert end_kind(a.law, stop.end_reason) is not EndKind.TO_PLAN


def test_scale_downs_repeats_and_goals_are_there(demo: DemoRegion) -> None:
    found = trajectories(demo)
    by_client: dict[str, list[Trajectory]] = defaultdict(list)
    for tr in found:
        by_client[tr.client].append(tr)

    def weight(law: Law, code: str) -> int | None:
        return WEIGHT.get(code) if law is Law.WMO else None

    downs = [tr for tr in found if scale_down(tr, by_client[tr.client], weight)]
    assert len(downs) >= 30
    assert any(tr.product_code == "OZR3" for tr in downs)
    decisions = [DecisionFact(d.client_bsn, d.law, d.decided_on) for d in demo.decisions]
    per_client: dict[str, list[DecisionFact]] = defaultdict(list)
    for d in decisions:
        per_client[d.client].append(d)
    final = [tr for tr in found if (tr.ended and tr.end_kind is not EndKind.TO_PLAN) or (
        tr.ended and not any(o.start > tr.start for o in by_client[tr.client] if o.law is tr.law))]  # fmt: skip
    answers = Counter(no_repeat(tr, per_client[tr.client], date(2026, 1, 1)) for tr in final)
    assert answers[False] >= 100 and answers[True] > answers[False]
    for law in Law:
        repeats = [
            tr
            for tr in final
            if tr.law is law and no_repeat(tr, per_client[tr.client], date(2026, 1, 1)) is False
        ]
        assert any(tr.end is not None and tr.end.year < 2020 for tr in repeats), (
            law
        )  # a later client became this one
        assert any(tr.end is not None and tr.end.year == 2020 for tr in repeats), law  # a decision for 2021
    goals = Counter(a.goals_reached for a in demo.allocations)
    assert all(goals[g] >= 100 for g in GoalsReached)


def test_indicators_differ_between_providers(demo: DemoRegion) -> None:
    found = [tr for tr in trajectories(demo) if tr.law is Law.WMO]
    by_provider: dict[str, list[Trajectory]] = defaultdict(list)
    for tr in found:
        by_provider[tr.provider_agb].append(tr)
    decisions = [DecisionFact(d.client_bsn, d.law, d.decided_on) for d in demo.decisions]
    per_client: dict[str, list[DecisionFact]] = defaultdict(list)
    for d in decisions:
        per_client[d.client].append(d)
    large = sorted(by_provider, key=lambda agb: -len(by_provider[agb]))[:12]
    to_plan = [ended_to_plan_share(by_provider[agb]) for agb in large]
    goals = [goals_reached_share(by_provider[agb]) for agb in large]
    no_repeats = [
        share_of(
            [t for t in by_provider[agb] if t.ended],
            lambda t: no_repeat(t, per_client[t.client], date(2026, 1, 1)),
        )
        for agb in large
    ]
    for shares in (to_plan, goals, no_repeats):
        values = [s for s in shares if s is not None]
        assert len(values) == 12
        assert Decimal("0.15") <= min(values) and max(values) <= Decimal("1")
        assert max(values) - min(values) >= Decimal("0.08"), values
