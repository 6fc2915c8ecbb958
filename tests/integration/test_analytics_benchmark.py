# SPDX-License-Identifier: EUPL-1.2
"""The provider benchmark read from the analytics extract equals the benchmark read from the
store, figure for figure (suppression and rounding included), in every scope, for either law
and both, with and without excluded municipalities; and the extract's trajectory tables
(``ended``, ``mixed_trajectory``) hold the same facts after an incremental refresh as after a
full rebuild."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from zorginkoop.adapters.analytics import extract
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import analytics, monitoring
from zorginkoop.settings import Settings

HOUTEN, LOPIK = "0321", "0331"
NOWHERE = Path("/nonexistent/analytics.duckdb")
AS_OF = date(2022, 1, 1)


@pytest.fixture(scope="module")
def demo_extract(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    engine = make_engine(demo_store_url)
    path = tmp_path_factory.mktemp("analytics-benchmark") / "demo.duckdb"
    analytics.refresh(engine, Settings(analytics_path=path))
    return engine, path


def _both(engine: Engine, path: Path, scope: Scope, **asked: object) -> tuple[object, object]:
    def read(where: Path) -> monitoring.Benchmark:
        uow = UnitOfWork(engine, scope=scope, settings=Settings(analytics_path=where))
        return monitoring.benchmark(uow, as_of=AS_OF, satisfaction=lambda *_: {}, **asked)  # type: ignore[arg-type]

    from_extract, from_store = read(path), read(NOWHERE)
    assert (from_extract.source, from_store.source) == ("analytics", "store")
    return replace(from_extract, source="store"), from_store


@pytest.mark.parametrize(
    ("year", "law", "exclude"),
    [
        (2020, Law.WMO, []),
        (2020, Law.JEUGD, []),
        (2020, None, []),
        (2019, Law.WMO, []),
        (2020, Law.WMO, ["Vijfheerenlanden"]),
        (2019, Law.JEUGD, ["Houten", "Lopik"]),
    ],
)
def test_the_regions_benchmark_from_the_extract_equals_the_stores(demo_extract, year, law, exclude) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    from_extract, from_store = _both(engine, path, Scope.region(), year=year, law=law, exclude=exclude)
    assert from_extract == from_store
    assert from_store.rows  # type: ignore[attr-defined]
    ended = [row.line.ended for row in from_store.rows]  # type: ignore[attr-defined]
    assert sum(ended) > 0 and any(row.line.ended_to_plan_share is not None for row in from_store.rows)  # type: ignore[attr-defined]


@pytest.mark.parametrize("provider_view", [False, True])
def test_a_municipalitys_benchmark_from_the_extract_equals_the_stores(demo_extract, provider_view) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    for codes in ({HOUTEN}, {HOUTEN, LOPIK}):
        scope = Scope.municipalities(codes)
        from_extract, from_store = _both(
            engine, path, scope, year=2020, law=Law.WMO, provider_view=provider_view
        )
        assert from_extract == from_store


def test_a_providers_own_benchmark_from_the_extract_equals_the_stores(demo_extract) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo_extract
    region = monitoring.benchmark(
        UnitOfWork(engine, settings=Settings(analytics_path=NOWHERE)), 2020, Law.WMO
    )
    largest = region.rows[0].line.agb_code
    from_extract, from_store = _both(engine, path, Scope.provider(largest), year=2020, law=Law.WMO)
    assert from_extract == from_store


def test_clients_of_several_municipalities_are_decided_again_for_part_of_the_region(
    demo_store_url: str, tmp_path: Path
) -> None:
    """A client whose care moves from Houten to Lopik: the whole region reads the stored facts,
    a reader of Houten alone decides that client's trajectories again over Houten's facts."""
    store = tmp_path / "store.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), store)
    engine = make_engine(f"sqlite:///{store}")
    A = t.AllocationRow
    with engine.begin() as connection:
        houten = connection.execute(
            A.__table__.select().where(A.municipality_code == HOUTEN, A.law == "wmo").order_by(A.id).limit(40)
        ).all()
        # twenty allocations given to other Houten clients, ten of them moved to Lopik: clients of two places
        for row in houten[:20]:
            connection.execute(
                update(A).where(A.id == row.id).values(client_bsn=houten[20 + row.id % 20].client_bsn)
            )
        for row in houten[:10]:
            connection.execute(
                update(A).where(A.id == row.id).values(municipality_code=LOPIK, number=A.number + 10**12)
            )
    path = tmp_path / "extract.duckdb"
    analytics.refresh(engine, Settings(analytics_path=path))
    with extract.read_only(path) as con:
        found = con.execute("SELECT count(*) FROM mixed_trajectory").fetchone()
    assert found is not None and found[0] > 0
    for scope in (Scope.region(), Scope.municipalities({HOUTEN}), Scope.municipalities({LOPIK})):
        for year in (2019, 2020, 2021):
            from_extract, from_store = _both(engine, path, scope, year=year, law=Law.WMO)
            assert from_extract == from_store
    for municipality in (HOUTEN, LOPIK):
        for year in (2020, 2021):
            dashboard = monitoring.dashboard(
                UnitOfWork(engine, settings=Settings(analytics_path=path)), municipality, year, Law.WMO
            )
            assert dashboard.source == "analytics"
            assert replace(dashboard, source="store") == monitoring.dashboard(
                UnitOfWork(engine, settings=Settings(analytics_path=NOWHERE)), municipality, year, Law.WMO
            )
