# SPDX-License-Identifier: EUPL-1.2
"""The analytics layer against the demo: every figure read from the extract's named queries
equals the same figure read from the store; the extract holds no BSN; an incremental refresh
equals a full rebuild; every query keeps to the reader's scope."""

from __future__ import annotations

import fcntl
import shutil
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, update

from zorginkoop.adapters.analytics import extract
from zorginkoop.adapters.analytics.queries import QUERIES, figures, scoped
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services import analytics, monitoring
from zorginkoop.services.declaration_generator import generate, month_of
from zorginkoop.services.declarations import process_file
from zorginkoop.settings import Settings

HOUTEN, NIEUWEGEIN, LOPIK = "0321", "0356", "0331"
NOWHERE = Path("/nonexistent/analytics.duckdb")


@pytest.fixture(scope="module")
def demo_extract(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    """The demo store (not changed) and an extract of it built in a folder of its own."""
    engine = make_engine(demo_store_url)
    path = tmp_path_factory.mktemp("analytics") / "demo.duckdb"
    analytics.refresh(engine, Settings(analytics_path=path))
    return engine, path


def _uow(engine: Engine, path: Path, scope: Scope | None = None) -> UnitOfWork:
    return UnitOfWork(engine, scope=scope, settings=Settings(analytics_path=path))


def test_the_extract_is_fresh_after_a_refresh_and_says_what_it_holds(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    found = analytics.status(engine, Settings(analytics_path=path))
    assert found.fresh and found.behind == {}
    rows = dict(found.rows)
    assert rows["line"] == 78_739  # the demo's approved lines
    assert rows["municipality"] == 5


@pytest.mark.parametrize(
    ("municipality", "law"), [(HOUTEN, Law.WMO), (HOUTEN, Law.JEUGD), (LOPIK, Law.JEUGD)]
)
def test_every_dashboard_figure_from_the_extract_equals_the_store(demo_extract, municipality, law) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    from_extract = monitoring.dashboard(_uow(engine, path), municipality, 2020, law)
    from_store = monitoring.dashboard(_uow(engine, NOWHERE), municipality, 2020, law)
    assert (from_extract.source, from_store.source) == ("analytics", "store")
    assert replace(from_extract, source="store") == from_store


def test_houten_wmo_2020_from_the_extract_is_the_memos(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    figures_ = monitoring.dashboard(_uow(engine, path), "Houten", 2020, Law.WMO)
    assert figures_.source == "analytics"
    assert (figures_.clients, figures_.cost) == (363, Money.euros("2145868"))


def test_the_concentration_from_the_extract_is_the_memos_and_the_stores(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    from_extract = monitoring.concentration(_uow(engine, path), 2020, Law.WMO, ["Vijfheerenlanden"])
    from_store = monitoring.concentration(_uow(engine, NOWHERE), 2020, Law.WMO, ["Vijfheerenlanden"])
    assert from_extract == from_store
    assert from_extract.providers == 49
    assert from_extract.cost == Money.euros("6726419")
    assert from_extract.providers_holding(90) == 12
    assert from_extract.providers_holding(80) == 7
    # and without a law or exclusion, and for Jeugd
    for law in (None, Law.JEUGD):
        assert monitoring.concentration(_uow(engine, path), 2019, law) == monitoring.concentration(
            _uow(engine, NOWHERE), 2019, law
        )


def test_report_costs_figures_from_the_extract_equal_the_store(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    with _uow(engine, NOWHERE) as uow:
        store_rows = uow.reports.cost_by_municipality(*_year(2020), Law.WMO)
        store_total = uow.reports.distinct_clients(*_year(2020), None)
    with figures(path, Scope.region()) as f:
        rows = f.rows("cost_by_municipality", year=2020, law="wmo")
        total = f.one("distinct_clients", year=2020, law=None)[0]
    assert [(r.key, r.name, r.clients, r.cost.cents) for r in store_rows] == [
        (code, name, clients, int(cents)) for code, name, clients, cents in rows
    ]
    assert total == store_total


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# -- scope ----------------------------------------------------------------------------------------


def test_every_named_query_carries_the_scope() -> None:
    for query in QUERIES.values():
        assert "{scope:" in query.sql, f"{query.name} reads without the scope"
        sql, params = scoped(query.sql, Scope.municipality(HOUTEN))
        assert "{scope" not in sql and params == {"scope_codes": [HOUTEN]}


def test_a_municipality_adviser_sees_only_its_municipalities_figures(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    scope = Scope.municipalities([HOUTEN, LOPIK])
    with figures(path, scope) as f:
        codes = {row[0] for row in f.rows("cost_by_municipality", year=2020, law=None)}
        other = f.one("municipality_totals", municipality=NIEUWEGEIN, year=2020, law="wmo")
    assert codes == {HOUTEN, LOPIK}
    assert other == (0, 0)  # another municipality's lines are not there for this reader
    with pytest.raises(monitoring.OutsideScope):
        monitoring.dashboard(_uow(engine, path, Scope.municipality(HOUTEN)), "Nieuwegein", 2020)
    # the concentration within a scope: the scoped store's figures
    one = Scope.municipality(HOUTEN)
    assert monitoring.concentration(_uow(engine, path, one), 2020, Law.WMO) == monitoring.concentration(
        _uow(engine, NOWHERE, one), 2020, Law.WMO
    )
    whole = monitoring.concentration(_uow(engine, path), 2020, Law.WMO)
    assert monitoring.concentration(_uow(engine, path, one), 2020, Law.WMO).cost < whole.cost


def test_a_provider_sees_only_its_own_care(demo_extract) -> None:  # type: ignore[no-untyped-def]
    _engine, path = demo_extract
    with figures(path, Scope.region()) as f:
        agb = f.rows("cost_by_provider", year=2020, law="wmo", exclude=[])[0][0]
    with figures(path, Scope.provider(agb)) as f:
        rows = f.rows("cost_by_provider", year=2020, law=None, exclude=[])
    assert [row[0] for row in rows] == [agb]


# -- no BSN leaves the store ----------------------------------------------------------------------


def test_no_bsn_of_the_store_is_in_the_extract_file(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    with engine.connect() as connection:
        bsns = set(connection.scalars(select(t.ClientRow.bsn)))
        bsns |= set(connection.scalars(select(t.DeclarationLineRow.client_bsn).distinct()))
    content = path.read_bytes()
    assert len(bsns) > 5000
    assert not [bsn for bsn in bsns if bsn.encode() in content]


def test_the_extract_has_no_column_that_could_hold_a_bsn(demo_extract) -> None:  # type: ignore[no-untyped-def]
    _engine, path = demo_extract
    with extract.read_only(path) as con:
        columns = con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
        client_types = {
            kind for (kind,) in con.execute(
                "SELECT data_type FROM information_schema.columns WHERE column_name = 'client'"
            ).fetchall()
        }  # fmt: skip
    assert not [c for c in columns if "bsn" in c[1].lower()]
    assert client_types == {"BIGINT"}  # a keyed hash, never the 9 digits


def test_the_pseudonym_is_keyed() -> None:
    one = extract.Pseudonymiser(extract.extract_key("k" * 32))
    other = extract.Pseudonymiser(extract.extract_key("x" * 32))
    assert one("999114372") == one("999114372") != other("999114372")
    assert one.fingerprint != other.fingerprint


def test_a_refresh_needs_a_place_for_the_extract_of_a_store_without_a_file() -> None:
    engine = make_engine("sqlite://")
    with pytest.raises(analytics.AnalyticsError, match="ZORGINKOOP_ANALYTICS_PATH"):
        analytics.refresh(engine, Settings())


def test_the_extract_lives_beside_a_sqlite_store_unless_set(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'regio.sqlite'}")
    assert analytics.extract_path(Settings(), engine) == tmp_path / "regio.analytics.duckdb"
    assert analytics.extract_path(Settings(analytics_path=NOWHERE), engine) == NOWHERE


# -- refresh --------------------------------------------------------------------------------------


def _contents(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    # through the extract's own reader: DuckDB keeps one instance per path in a process, and
    # the reader opens it again when a refresh has replaced the file
    with extract.read_only(path) as con:
        return {
            name: sorted(con.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in (*extract.TABLES, *extract.DERIVED)  # the derived tables too
        }


@pytest.fixture
def demo_copy(demo_store_url: str, tmp_path: Path) -> tuple[Engine, Path]:
    """A copy of the demo store to write to, with an extract beside it (where imports find it)."""
    source = Path(demo_store_url.removeprefix("sqlite:///"))
    store = tmp_path / "store.sqlite"
    shutil.copy(source, store)
    engine = make_engine(f"sqlite:///{store}")
    analytics.refresh(engine, Settings())
    path = tmp_path / "store.analytics.duckdb"
    assert path.exists()
    return engine, path


def test_an_import_refreshes_the_extract_and_the_increment_equals_a_full_rebuild(
    demo_copy, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_copy
    before = dict(analytics.status(engine, Settings()).rows)["line"]
    files = generate(engine, month_of("2021-01"), tmp_path / "in")
    wmo = next(f for f in files if f.municipality_code == HOUTEN and f.law is Law.WMO)
    process_file(engine, wmo.path, tmp_path / "out")  # the hook refreshes the extract
    found = analytics.status(engine, Settings())
    assert found.fresh
    assert dict(found.rows)["line"] == before + wmo.lines
    rebuilt = tmp_path / "rebuilt.duckdb"
    analytics.refresh(engine, Settings(analytics_path=rebuilt), full=True)
    assert _contents(path) == _contents(rebuilt)
    with _uow(engine, path) as uow:
        dashboard = monitoring.dashboard(uow, HOUTEN, 2021, Law.WMO)
    assert dashboard.source == "analytics"
    assert replace(dashboard, source="store") == monitoring.dashboard(
        _uow(engine, NOWHERE), HOUTEN, 2021, Law.WMO
    )


def test_changed_allocations_are_read_again(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_copy
    A = t.AllocationRow
    with engine.begin() as connection:
        first, second = connection.scalars(select(A.id).order_by(A.id).limit(2)).all()
        connection.execute(update(A).where(A.id == first).values(goals_reached="partly"))
        connection.execute(update(A).where(A.id == second).values(valid_to=_year(2020)[1]))
    done = analytics.refresh(engine, Settings())
    assert not done.full and dict(done.added)["trajectory"] == 2
    assert dict(done.added)["ended"] > 0  # the trajectory facts decided again
    again = analytics.refresh(engine, Settings())
    assert "ended" not in dict(again.added)  # nothing changed: the facts stand
    rebuilt = tmp_path / "rebuilt.duckdb"
    analytics.refresh(engine, Settings(analytics_path=rebuilt), full=True)
    assert _contents(path) == _contents(rebuilt)


def test_a_stale_extract_is_not_read_and_a_failed_refresh_never_fails_the_import(
    demo_copy, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_copy
    with engine.begin() as connection:
        line = connection.execute(select(t.DeclarationLineRow).limit(1)).mappings().one()
        connection.execute(
            t.DeclarationLineRow.__table__.insert().values({**line, "id": None, "reference": "X-1"})
        )
    assert not analytics.status(engine, Settings()).fresh
    assert monitoring.dashboard(UnitOfWork(engine, settings=Settings()), HOUTEN, 2020).source == "store"
    with (path.parent / f".{path.name}.lock").open("a") as lock:  # another refresh is running
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert analytics.refresh_after_import(engine, Settings()) is None
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert "analytics refresh after import failed" in caplog.text
    assert monitoring.dashboard(UnitOfWork(engine, settings=Settings()), HOUTEN, 2020).source == "store"
    done = analytics.refresh(engine, Settings())  # the next refresh catches up
    assert not done.full and dict(done.added)["line"] == 1
    assert monitoring.dashboard(UnitOfWork(engine, settings=Settings()), HOUTEN, 2020).source == "analytics"


def test_an_unreadable_extract_is_built_anew(demo_copy) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_copy
    path.write_bytes(b"not a duckdb file")
    done = analytics.refresh(engine, Settings())
    assert done.full and analytics.status(engine, Settings()).fresh


# -- a property: whatever the BSNs, none of them reaches the extract --------------------------------


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite store to copy (migrating once is what takes the time)."""
    from zorginkoop.adapters.db.session import upgrade

    path = tmp_path_factory.mktemp("empty") / "empty.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _store_with_clients(engine: Engine, bsns: list[str]) -> None:
    """One municipality and provider; per BSN a client, a decision, an allocation with a 307
    stop and an approved declared line."""
    day, now = date(2020, 3, 1), datetime(2020, 3, 1, 12)
    with engine.begin() as c:
        c.execute(t.RegionRow.__table__.insert(), [{"code": "R", "name": "Regio"}])
        c.execute(
            t.MunicipalityRow.__table__.insert(),
            [{"code": HOUTEN, "region_code": "R", "name": "Houten", "inhabitants": 1}],
        )
        c.execute(t.ProviderRow.__table__.insert(), [{"agb_code": "11111111", "name": "Alfa", "laws": "wmo"}])
        c.execute(t.MessageRow.__table__.insert(), [_message_row(now)])
        c.execute(t.DeclarationRow.__table__.insert(), [{
            "id": 1, "number": "D1", "message_id": "M1", "provider_agb": "11111111", "municipality_code": HOUTEN,
            "law": "wmo", "period_start": day, "period_end": day, "submitted_on": day, "total_cents": 0,
        }])  # fmt: skip
        for n, bsn in enumerate(bsns, start=1):
            c.execute(t.ClientRow.__table__.insert(), [{
                "bsn": bsn, "birth_date": date(1950, 1, 1), "family_name": "X", "initials": "X", "gender": "1",
                "municipality_code": HOUTEN,
            }])  # fmt: skip
            c.execute(t.DecisionRow.__table__.insert(), [{
                "id": f"B{n}", "client_bsn": bsn, "municipality_code": HOUTEN, "law": "wmo", "decided_on": day,
                "valid_from": day, "product_code": "OZR1",
            }])  # fmt: skip
            c.execute(t.AllocationRow.__table__.insert(), [{
                "number": n, "municipality_code": HOUTEN, "law": "wmo", "client_bsn": bsn, "provider_agb": "11111111",
                "category": "02", "product_code": "OZR1", "valid_from": day, "valid_to": None, "allocated_at": now,
                "decision_id": f"B{n}", "goals_reached": "reached",
            }])  # fmt: skip
            c.execute(t.DeliveryEventRow.__table__.insert(), [{
                "kind": "stop", "municipality_code": HOUTEN, "law": "wmo", "allocation_number": n, "client_bsn": bsn,
                "provider_agb": "11111111", "start_date": day, "end_date": date(2020, 6, 30), "end_reason": "19",
                "status": "1", "current": True, "message_id": 1, "received_at": now,
            }])  # fmt: skip
            c.execute(t.DeclarationLineRow.__table__.insert(), [{
                "declaration_id": 1, "reference": f"R{n}", "client_bsn": bsn, "allocation_number": n,
                "provider_agb": "11111111", "municipality_code": HOUTEN, "law": "wmo", "category": "02",
                "product_code": "OZR1", "period_start": day, "period_end": day, "volume": 4, "unit": "04",
                "tariff_cents": 5000, "amount_cents": 20000, "debit_credit": "D", "status": "approved",
                "granted_cents": 20000,
            }])  # fmt: skip


def _message_row(now: datetime) -> dict[str, Any]:
    columns = {c.name: c for c in t.MessageRow.__table__.columns}
    row: dict[str, Any] = {"id": 1}
    for name, column in columns.items():
        if name == "id" or column.nullable or column.default is not None or column.server_default is not None:
            continue
        python = column.type.python_type
        if python.__name__ in ("datetime", "date"):
            row[name] = now if python.__name__ == "datetime" else now.date()
        else:
            row[name] = b"" if python is bytes else ("1" if python is str else 1)
    return row


BSN = (
    st.integers(10_000_000, 99_999_999)
    .map(lambda n: str(n) + str(sum(int(d) * w for d, w in zip(str(n), range(9, 1, -1), strict=True)) % 11))
    .filter(lambda b: len(b) == 9)
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bsns=st.lists(BSN, min_size=1, max_size=30, unique=True))
def test_no_bsn_reaches_the_extract_whatever_the_bsns(
    empty_store: Path, tmp_path: Path, bsns: list[str]
) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one store per example
    store = folder / "store.sqlite"
    shutil.copy(empty_store, store)
    engine = make_engine(f"sqlite:///{store}")
    try:
        _store_with_clients(engine, bsns)
        done = analytics.refresh(engine, Settings())
        assert dict(done.added)["line"] == len(bsns) and dict(done.added)["trajectory"] == len(bsns)
        content = (folder / "store.analytics.duckdb").read_bytes()
        assert [b for b in bsns if b.encode() in content] == []
        with figures(folder / "store.analytics.duckdb", Scope.region()) as f:
            ended = f.one("ended_trajectories", municipality=HOUTEN, year=2020, law="wmo", to_plan=["19"])
        assert ended[0] == len(bsns) and ended[1] == len(bsns) and ended[3] == len(bsns)
    finally:
        engine.dispose()


def test_the_extract_of_either_store_gives_the_stores_figures(engine: Engine, tmp_path: Path) -> None:
    """SQLite and PostgreSQL alike (the ``engine`` fixture runs both where PostgreSQL is set)."""
    bsns = ["999114372", "999114384", "999114396", "123456782", "111222333"]
    _store_with_clients(engine, bsns)
    path = tmp_path / "extract.duckdb"
    done = analytics.refresh(engine, Settings(analytics_path=path))
    assert dict(done.added)["line"] == len(bsns)
    assert [b for b in bsns if b.encode() in path.read_bytes()] == []
    from_extract = monitoring.concentration(_uow(engine, path), 2020, Law.WMO)
    from_store = monitoring.concentration(_uow(engine, NOWHERE), 2020, Law.WMO)
    assert from_extract == from_store and from_extract.clients == len(bsns)
    with figures(path, Scope.region()) as f:
        assert f.one("ended_trajectories", municipality=HOUTEN, year=2020, law="wmo", to_plan=["19"])[
            3
        ] == len(bsns)
