# SPDX-License-Identifier: EUPL-1.2
"""Shared fixtures.

Store tests run on SQLite always, and on PostgreSQL when ``ZORGINKOOP_TEST_POSTGRES_URL`` is
set (``.ci/run`` sets it). When it is set and the server cannot be reached, the tests fail:
they never skip silently in CI. Each PostgreSQL test session works in a schema of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from zorginkoop.adapters.db.session import make_engine, upgrade

POSTGRES_URL_ENV = "ZORGINKOOP_TEST_POSTGRES_URL"
REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
ISTANDAARDEN = SHARED / "reference" / "istandaarden"


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A PostgreSQL URL with a private schema for this test session (dropped afterwards)."""
    base = postgres_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {POSTGRES_URL_ENV} to run these tests")
    schema = f"zk_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        pytest.fail(f"{POSTGRES_URL_ENV} is set but PostgreSQL cannot be reached: {exc}", pytrace=False)
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _empty_all_tables(engine: Engine) -> None:
    from zorginkoop.adapters.db.tables import Base

    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture(scope="session")
def _postgres_engine(postgres_server_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_server_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty store: SQLite in a temp file, or PostgreSQL (skipped when not configured)."""
    if request.param == "sqlite":
        sqlite_engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        upgrade(sqlite_engine)
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        pg: Engine = request.getfixturevalue("_postgres_engine")
        _empty_all_tables(pg)
        yield pg


@pytest.fixture
def engine_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def demo_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store with the Lekstroom demo region (seed 2020), built once per test worker.

    Tests must not change it; copy it (``shutil.copy``) for tests that write.
    """
    from zorginkoop.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    build_demo(engine, seed=2020)
    engine.dispose()
    return f"sqlite:///{path}"
