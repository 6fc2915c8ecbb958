# SPDX-License-Identifier: EUPL-1.2
"""The demo's delivery history as the store holds it, read the way the benchmark reads it:
305/307 as the receive path leaves them (a processed message each, its delivery event, an ended
stop worklist item where the stop ended the allocation early), goals reached on the allocation;
and ``demo --scale 2``: twice the region, the memo's figures twice, nothing paid twice."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import validate_message
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import (
    END_REASONS,
    GoalsReached,
    Trajectory,
    ended_early_share,
    ended_to_plan_share,
    goals_reached_share,
)
from zorginkoop.services import reports


@pytest.fixture(scope="module")
def store(demo_store_url: str) -> Engine:
    return make_engine(demo_store_url)


def trajectories(engine: Engine) -> list[Trajectory]:
    """The benchmark's reading of the store: a trajectory is a run of a client's allocations
    with one provider and product, each starting the day after the one before (care goes on, no
    307 between them); its start is the run's first allocation's start (its 305), its end and
    end reason the current 307 (kind 'stop', reason not 20) on the run's last allocation, goals
    that allocation's ``goals_reached``."""
    a, e = t.AllocationRow, t.DeliveryEventRow
    with engine.connect() as connection:
        stops = {
            (m, law, n): (end, reason)
            for m, law, n, end, reason in connection.execute(
                select(e.municipality_code, e.law, e.allocation_number, e.end_date, e.end_reason).where(
                    e.kind == "stop", e.current.is_(True), e.end_reason != "20"
                )
            )
        }
        rows = connection.execute(
            select(a.municipality_code, a.law, a.number, a.client_bsn, a.provider_agb, a.product_code,
                   a.valid_from, a.valid_to, a.goals_reached)
            .where(a.valid_from <= date(2020, 12, 31))
            .order_by(a.client_bsn, a.provider_agb, a.law, a.valid_from)
        ).all()  # fmt: skip
    out: list[Trajectory] = []
    run: list = []  # type: ignore[type-arg]

    def close() -> None:
        first, last = run[0], run[-1]
        stop = stops.get((last.municipality_code, last.law, last.number))
        out.append(
            Trajectory(
                client=last.client_bsn, provider_agb=last.provider_agb, product_code=last.product_code,
                law=Law(last.law), start=first.valid_from, end=stop[0] if stop else None,
                end_reason=stop[1] if stop else None,
                goals=GoalsReached(last.goals_reached) if last.goals_reached else None,
            )
        )  # fmt: skip

    for row in rows:
        if run and (
            (row.client_bsn, row.provider_agb, row.law, row.product_code)
            == (run[-1].client_bsn, run[-1].provider_agb, run[-1].law, run[-1].product_code)
            and row.valid_from == run[-1].valid_to + timedelta(days=1)
        ):
            run.append(row)
            continue
        if run:
            close()
        run = [row]
    close()
    return out


def test_every_delivery_event_has_its_processed_message_and_every_stop_its_start(store: Engine) -> None:
    e, m = t.DeliveryEventRow, t.MessageRow
    with store.connect() as connection:
        events = connection.execute(
            select(e.kind, e.law, e.end_reason, m.message_type, m.direction, m.status, e.client_bsn, m.content)
            .join(m, m.id == e.message_id)
        ).all()  # fmt: skip
        starts = set(
            connection.execute(
                select(e.municipality_code, e.law, e.allocation_number, e.start_date).where(e.kind == "start")
            ).all()
        )
        stops = connection.execute(
            select(e.municipality_code, e.law, e.allocation_number, e.start_date).where(e.kind == "stop")
        ).all()
    assert len(events) > 10_000
    for kind, law, reason, message_type, direction, status, _bsn, _content in events:
        assert (message_type, direction, status) == ("305" if kind == "start" else "307", "in", "processed")
        assert (reason is None) == (kind == "start")
        assert reason is None or reason in END_REASONS[Law(law)]
    assert all(tuple(s) in starts for s in stops)  # OP155: a stop refers to its start
    for _k, _l, _r, _t, _d, _s, bsn, content in events[:: len(events) // 25]:
        report = validate_message(content)
        assert report.message is not None and not report.errors, report.errors
        assert bsn.encode() in content


def test_early_stops_ended_their_allocation_on_the_stop_date(store: Engine) -> None:
    w, a = t.StopWorklistRow, t.AllocationRow
    with store.connect() as connection:
        items = connection.execute(
            select(w.status, w.proposed_end, w.previous_end, w.change_reason, a.valid_to, a.change_reason)
            .join(a, (a.municipality_code == w.municipality_code) & (a.law == w.law)
                  & (a.number == w.allocation_number))
        ).all()  # fmt: skip
    assert len(items) > 100
    for status, proposed, previous, reason, valid_to, allocation_reason in items:
        assert status == "ended"
        assert valid_to == proposed < previous
        assert allocation_reason == reason


def test_indicators_over_the_store_are_plausible_and_differ_between_providers(store: Engine) -> None:
    found = trajectories(store)
    by_provider: dict[tuple[Law, str], list[Trajectory]] = defaultdict(list)
    for tr in found:
        by_provider[tr.law, tr.provider_agb].append(tr)
    for law in Law:
        ranked = sorted((k for k in by_provider if k[0] is law), key=lambda k: -len(by_provider[k]))[:8]
        to_plan = [ended_to_plan_share(by_provider[k]) for k in ranked]
        early = [ended_early_share(by_provider[k]) for k in ranked]
        goals = [goals_reached_share(by_provider[k]) for k in ranked]
        for shares, low, high in ((to_plan, "0.3", "0.95"), (early, "0.03", "0.5"), (goals, "0.1", "0.9")):
            values = [s for s in shares if s is not None]
            assert len(values) == len(ranked), law
            assert Decimal(low) <= min(values) and max(values) <= Decimal(high), (law, values)
            assert max(values) - min(values) >= Decimal("0.05"), (law, values)


@pytest.mark.slow
def test_scale_two_doubles_the_region_and_nothing_is_paid_twice(tmp_path: Path, store: Engine) -> None:
    from zorginkoop.services.demo import build_demo

    engine = make_engine(f"sqlite:///{tmp_path / 'scaled.sqlite'}")
    summary = build_demo(engine, seed=2020, scale=2)
    line, c, p = t.DeclarationLineRow, t.ClientRow, t.ProviderRow
    count = select(func.count())
    with store.connect() as one, engine.connect() as two:
        lines = [x.scalar(count.select_from(line)) for x in (one, two)]
        clients = [x.scalar(count.select_from(c)) for x in (one, two)]
        providers = [x.scalar(count.select_from(p)) for x in (one, two)]
        events = [x.scalar(count.select_from(t.DeliveryEventRow)) for x in (one, two)]
        # nothing paid twice: one payment per approved line, approved sums within each allocation
        unpaid = two.scalar(
            count.select_from(line).where(
                line.status == "approved",
                ~select(t.PaymentRow.id).where(t.PaymentRow.declaration_line_id == line.id).exists(),
            )
        )
        a = t.AllocationRow
        over = two.execute(
            select(a.number)
            .join(line, (line.municipality_code == a.municipality_code) & (line.law == a.law)
                  & (line.allocation_number == a.number) & (line.client_bsn == a.client_bsn))
            .group_by(a.id, a.number, a.budget_limit_cents)
            .having(func.sum(line.granted_cents) > a.budget_limit_cents)
        ).all()  # fmt: skip
    assert summary.lines == lines[1] and 1.9 * lines[0] <= lines[1] <= 2.1 * lines[0]
    assert 1.9 * clients[0] <= clients[1] <= 2.1 * clients[0]
    assert 1.9 * events[0] <= events[1] <= 2.1 * events[0]
    assert providers[1] == providers[0]
    assert unpaid == 0 and over == []
    with UnitOfWork(engine) as uow:
        rows, total = reports.costs_by_municipality(uow, 2020, Law.WMO)
    houten = next(r for r in rows if r.municipality == "Houten")
    assert (houten.clients, houten.cost.cents) == (2 * 363, 2 * 2_145_868_00)
    assert total.clients == 2 * 1877
    engine.dispose()
