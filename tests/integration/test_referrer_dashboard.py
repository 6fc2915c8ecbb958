# SPDX-License-Identifier: EUPL-1.2
"""The Jeugd dashboard by referrer (COD327) on the demo: every Jeugd allocation has a referrer,
no Wmo allocation has one; per municipality the referrers' clients and cost add up to the Jeugd
totals; the extract's figures equal the store's; the region's mix is the demo's intended one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services import analytics, monitoring
from zorginkoop.settings import Settings

MUNICIPALITIES = (
    "0321",
    "0353",
    "0331",
    "0356",
    "1961",
)  # Houten, IJsselstein, Lopik, Nieuwegein, Vijfheerenlanden
NOWHERE = Path("/nonexistent/analytics.duckdb")


@pytest.fixture(scope="module")
def demo(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    engine = make_engine(demo_store_url)
    path = tmp_path_factory.mktemp("referrer") / "demo.duckdb"
    analytics.refresh(engine, Settings(analytics_path=path))
    return engine, path


def _dashboard(engine: Engine, path: Path, code: str, law: Law = Law.JEUGD) -> monitoring.Dashboard:
    return monitoring.dashboard(UnitOfWork(engine, settings=Settings(analytics_path=path)), code, 2020, law)


def test_every_jeugd_allocation_of_the_demo_has_a_referrer_and_no_wmo_one_has(demo) -> None:  # type: ignore[no-untyped-def]
    engine, _path = demo
    A = t.AllocationRow
    with engine.connect() as connection:
        found = dict(
            connection.execute(
                select(A.law, func.count()).where(A.referrer_type.is_not(None)).group_by(A.law)
            ).all()
        )
        jeugd = connection.scalar(select(func.count()).select_from(A).where(A.law == "jeugd"))
        # one referrer per client: a client's repeat decision came by the same route
        per_client = connection.execute(
            select(A.client_bsn, func.count(func.distinct(A.referrer_type)))
            .where(A.law == "jeugd")
            .group_by(A.client_bsn)
        ).all()
    assert found == {"jeugd": jeugd}
    assert {n for _bsn, n in per_client} == {1}


@pytest.mark.parametrize("code", MUNICIPALITIES)
def test_the_referrers_add_up_to_the_jeugd_totals_in_the_store_and_the_extract(demo, code: str) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo
    from_store = _dashboard(engine, NOWHERE, code)
    from_extract = _dashboard(engine, path, code)
    assert (from_store.source, from_extract.source) == ("store", "analytics")
    assert from_store.by_referrer == from_extract.by_referrer
    assert from_store.by_referrer, "the demo's Jeugd care has referrers"
    assert sum(r.clients for r in from_store.by_referrer) == from_store.clients
    assert Money.sum(r.cost for r in from_store.by_referrer) == from_store.cost
    assert all(r.referrer_type is not None for r in from_store.by_referrer)  # none unknown in the demo
    for r in from_store.by_referrer:
        assert (r.cost_share is None) == (r.clients < 10)


def test_the_wmo_dashboard_has_no_referrers(demo) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo
    assert _dashboard(engine, path, "0321", Law.WMO).by_referrer == ()
    assert _dashboard(engine, NOWHERE, "0321", Law.WMO).by_referrer == ()


def test_the_demo_region_mix_is_mostly_the_social_team_and_the_gp(demo) -> None:  # type: ignore[no-untyped-def]
    engine, path = demo
    clients: Counter[str] = Counter()
    for code in MUNICIPALITIES:
        for r in _dashboard(engine, path, code).by_referrer:
            clients[r.label] += r.clients
    whole = sum(clients.values())
    share = {label: n / whole for label, n in clients.items()}
    assert 0.38 <= share["Gemeente"] <= 0.48
    assert 0.33 <= share["Huisarts"] <= 0.42
    assert {"Jeugdarts", "Medisch specialist", "Gecertificeerde instelling"} <= set(share)


def test_a_changed_referrer_is_read_again_and_the_increment_equals_a_full_rebuild(
    demo_store_url: str, tmp_path: Path
) -> None:
    import shutil

    from sqlalchemy import update

    from zorginkoop.adapters.analytics import extract

    store = tmp_path / "store.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), store)
    engine = make_engine(f"sqlite:///{store}")
    path = tmp_path / "store.analytics.duckdb"
    analytics.refresh(engine, Settings(analytics_path=path))
    A = t.AllocationRow
    with engine.begin() as connection:
        first = connection.scalar(
            select(A.id).where(A.law == "jeugd", A.referrer_type == "01").order_by(A.id)
        )
        connection.execute(
            update(A).where(A.id == first).values(referrer_type="03", referrer_name="JGZ Houten")
        )
    done = analytics.refresh(engine, Settings(analytics_path=path))
    assert not done.full and dict(done.added)["trajectory"] == 1
    rebuilt = tmp_path / "rebuilt.duckdb"
    analytics.refresh(engine, Settings(analytics_path=rebuilt), full=True)
    with extract.read_only(path) as con:
        increment = sorted(con.execute("SELECT * FROM trajectory").fetchall(), key=repr)
    with extract.read_only(rebuilt) as con:
        full = sorted(con.execute("SELECT * FROM trajectory").fetchall(), key=repr)
    assert increment == full
    engine.dispose()
