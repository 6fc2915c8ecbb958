# SPDX-License-Identifier: EUPL-1.2
"""The benchmark on a store filled through the real receive path: 305 starts and 307 stops with
end reasons, a 323 with approved lines; read in every scope; sums equal ``report providers`` on
the demo."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from tests.declaration_helpers import ALFA, HOUTEN, line_for, write_323
from tests.stop_helpers import add_jeugd_allocation, seed_with_address, start_message, stop_message
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.monitoring_queries import MonitoringQueries
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import ProviderYear, benchmark_lines
from zorginkoop.domain.periods import Period
from zorginkoop.services import analytics, monitoring, reports
from zorginkoop.services.declarations import process_file
from zorginkoop.services.exchange import import_message
from zorginkoop.settings import Settings

AT = datetime(2021, 7, 1, 9, 0)


def _import(engine: Engine, data: bytes) -> None:
    assert import_message(UnitOfWork(engine), data, "test.xml", AT).status == "processed"


@pytest.fixture
def history(engine: Engine, tmp_path: Path) -> Engine:
    """Twelve clients of ALFA in 2021: all started; 8 stopped to plan (WMO588 19), 2 early by the
    provider (22), 2 still in care; goals reached for 6 of the 10 ended; January declared."""
    made = seed_with_address(engine, 12)
    for i, a in enumerate(made):
        _import(engine, start_message(a, f"S{i}"))
    for i, a in enumerate(made[:10]):
        _import(engine, stop_message(a, f"T{i}", date(2021, 6, 15), "19" if i < 8 else "22"))
    with UnitOfWork(engine) as uow:
        numbers = [a.number for a in made[:6]]
        uow.session.execute(update(t.AllocationRow).where(t.AllocationRow.number.in_(numbers)).values(goals_reached="reached"))  # fmt: skip
        uow.session.execute(update(t.AllocationRow).where(t.AllocationRow.number.in_([a.number for a in made[6:10]])).values(goals_reached="partly"))  # fmt: skip
        uow.commit()
    january = [line_for(a, f"J{a.number}", Period.month(2021, 1), 16) for a in made]
    result = process_file(engine, write_323(tmp_path / "in" / "jan.xml", january, period=Period.month(2021, 1)), tmp_path / "out")  # fmt: skip
    assert result.approved == 12
    return engine


def test_the_benchmark_reads_starts_stops_and_goals_from_the_store(history: Engine) -> None:
    found = monitoring.benchmark(UnitOfWork(history), 2021, Law.WMO, as_of=date(2022, 6, 1))
    (row,) = found.rows
    line = row.line
    assert (line.agb_code, line.clients, line.cost, line.ended) == (ALFA, 12, Money.euros(50 * 16 * 12), 10)
    assert line.ended_to_plan_share == Decimal("0.8000")
    assert line.goals_reached_share == Decimal("0.6000")
    assert line.no_repeat_share == Decimal("1.0000")
    assert line.avg_duration_days == Decimal((date(2021, 6, 15) - date(2021, 1, 4)).days + 1)
    assert line.satisfaction is None  # no survey round in this store
    assert row.peer_median["ended_to_plan_share"] is None  # no other provider to compare with


def test_the_reader_hands_over_pseudonyms_never_a_bsn(history: Engine) -> None:
    with UnitOfWork(history) as uow:
        bsns = {bsn for (bsn,) in uow.session.query(t.ClientRow.bsn)}
        facts = MonitoringQueries(uow.session).trajectory_facts(Law.WMO)
    clients = {f.client for f in facts.trajectories} | {d.client for d in facts.decisions}
    assert len({f.client for f in facts.trajectories}) == 12 and not clients & bsns
    stopped = [f for f in facts.trajectories if f.end_reason is not None]
    assert sorted({f.end_reason for f in stopped}) == ["19", "22"]
    assert {f.start for f in facts.trajectories} == {date(2021, 1, 4)}  # the 305's Begindatum


def test_a_provider_sees_only_its_own_line_rounded_and_a_municipality_its_own(history: Engine) -> None:
    own = monitoring.benchmark(UnitOfWork(history, Scope.provider(ALFA)), 2021, Law.WMO)
    assert own.own == ALFA and own.provider_view and [r.line.agb_code for r in own.rows] == [ALFA]
    assert own.rows[0].line.clients == 10 and own.rows[0].line.ended == 10  # 12 rounded to 10
    assert own.peers is not None and own.peers["clients"].median is None  # no peers to show
    other = monitoring.benchmark(UnitOfWork(history, Scope.provider("99999999")), 2021, Law.WMO)
    assert other.rows == () and other.providers == 1
    elsewhere = monitoring.benchmark(UnitOfWork(history, Scope.municipality("0356")), 2021, Law.WMO)
    assert elsewhere.rows == ()
    mine = monitoring.benchmark(UnitOfWork(history, Scope.municipality(HOUTEN)), 2021, Law.WMO)
    assert [r.line.clients for r in mine.rows] == [12]


def test_an_unknown_municipality_to_leave_out_is_refused(history: Engine) -> None:
    with pytest.raises(monitoring.MonitoringQueryError, match="unknown municipality"):
        monitoring.benchmark(UnitOfWork(history), 2021, Law.WMO, exclude=["Atlantis"])


# -- the demo ------------------------------------------------------------------------------------


@pytest.mark.parametrize("law", [Law.WMO, Law.JEUGD, None])
def test_on_the_demo_the_benchmark_sums_equal_report_providers(demo_store_url: str, law: Law | None) -> None:
    engine = make_engine(demo_store_url)
    try:
        found = monitoring.benchmark(UnitOfWork(engine), 2020, law, exclude=["Vijfheerenlanden"])
        with UnitOfWork(engine) as uow:
            expected = reports.costs_by_provider(uow, 2020, law, ["Vijfheerenlanden"])
    finally:
        engine.dispose()
    assert [(r.line.agb_code, r.line.clients, r.line.cost) for r in found.rows] == [
        (p.agb, p.clients, p.cost) for p in expected
    ]
    assert Money.sum(r.line.cost for r in found.rows) == Money.sum(p.cost for p in expected)
    for row in found.rows:
        small = row.line.clients < 10
        assert (row.line.cost_per_client is None) == small
        if row.line.ended < 10:
            assert row.line.avg_duration_days is None and row.line.scale_down_share is None


def test_code_31_is_read_per_law_to_plan_in_jz588_and_a_move_in_wmo588(engine: Engine) -> None:
    """The same code through the receive path: JZ588 31 ended to plan, WMO588 31 moved."""
    made = seed_with_address(engine, 10)
    youth = [add_jeugd_allocation(engine, a, number=50 + i) for i, a in enumerate(made)]
    for i, a in enumerate([*made, *youth]):
        _import(engine, start_message(a, f"S{i}", begin=date(2021, 1, 4)))
        _import(engine, stop_message(a, f"T{i}", date(2021, 6, 15), "31", begin=date(2021, 1, 4)))
    with UnitOfWork(engine) as uow:
        facts = MonitoringQueries(uow.session).trajectory_facts(None)
    spend = [ProviderYear(ALFA, "Alfa", 10, Money.euros(100))]
    for law, expected in ((Law.JEUGD, Decimal("1.0000")), (Law.WMO, Decimal("0.0000"))):
        trajectories = [f for f in facts.trajectories if f.law is law]
        assert {f.end_reason for f in trajectories} == {"31"}
        (line,) = benchmark_lines(spend, trajectories, (), 2021, date(2022, 6, 1), lambda _law, _code: None)
        assert line.ended_to_plan_share == expected


def test_the_benchmark_from_the_analytics_extract_equals_the_stores(history: Engine, tmp_path: Path) -> None:
    """SQLite and PostgreSQL alike: the extract's ``ended`` facts give the store's figures."""
    path = tmp_path / "extract.duckdb"
    analytics.refresh(history, Settings(analytics_path=path))
    nowhere = Settings(analytics_path=tmp_path / "none" / "extract.duckdb")
    for scope in (Scope.region(), Scope.municipality(HOUTEN)):
        from_extract = monitoring.benchmark(
            UnitOfWork(history, scope=scope, settings=Settings(analytics_path=path)),
            2021,
            Law.WMO,
            as_of=date(2022, 6, 1),
        )
        from_store = monitoring.benchmark(
            UnitOfWork(history, scope=scope, settings=nowhere), 2021, Law.WMO, as_of=date(2022, 6, 1)
        )
        assert (from_extract.source, from_store.source) == ("analytics", "store")
        assert replace(from_extract, source="store") == from_store
        assert from_store.rows[0].line.ended_to_plan_share == Decimal("0.8000")
