# SPDX-License-Identifier: EUPL-1.2
"""Engines, sessions and schema migrations for the store (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


class StoreError(RuntimeError):
    """The store cannot be reached or is not at the schema this version needs."""


POOL_SIZE = 20
"""Connections an engine keeps open (per process): at least the requests one server process
serves at once (the benchmark's 20 clients), so none waits for a connection or opens its own."""
POOL_OVERFLOW = 20
"""Connections opened on top of the pool under a burst, closed again when returned."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout for concurrent writers."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from None
    try:
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
        if parsed.database in (None, "", ":memory:"):
            engine = create_engine(url, connect_args={"timeout": 30})
        else:
            engine = create_engine(
                url, connect_args={"timeout": 30}, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW
            )
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"cannot use database URL {parsed.render_as_string()}: {exc}") from None

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


LOCK_ORDER = ("tender", "tariff", "provider", "contract", "collective", "numbering", "delivery")
"""The kinds of lock, in the order they are taken: what a transaction holds is never waited
for by one that holds a lock further down this list, so two transactions cannot deadlock."""


def lock_id(key: str) -> int:
    """The PostgreSQL advisory lock (a signed 64-bit number) for a lock key such as
    ``numbering:0321:wmo`` (the key the allocation workflow uses for its numbering too)."""
    digest = hashlib.blake2b(f"zorginkoop:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_order(key: str) -> tuple[int, str]:
    kind = key.split(":", 1)[0]
    if kind not in LOCK_ORDER:
        raise ValueError(f"unknown kind of lock {kind!r} in {key!r}; one of {', '.join(LOCK_ORDER)}")
    return LOCK_ORDER.index(kind), key


class Serialiser:
    """Serialises the transactions that share a running sum until the transaction ends.

    PostgreSQL: transaction-level advisory locks (``pg_advisory_xact_lock``), taken in one
    fixed order (:data:`LOCK_ORDER`, then by key) and before the running sums are read; a lock
    that would break the order is refused (a programming error, not a wait that could
    deadlock). SQLite: the database's write lock, taken when the transaction begins
    (``BEGIN IMMEDIATE``): one writer at a time, and what it reads is what it writes against.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.held: list[tuple[int, str]] = []

    def lock(self, keys: Iterable[str]) -> None:
        wanted = sorted({lock_order(k) for k in keys} - set(self.held))
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            self._sqlite_write_lock()
        elif dialect == "postgresql":
            if wanted and self.held and wanted[0] < self.held[-1]:
                raise RuntimeError(
                    f"lock {wanted[0][1]} taken after {self.held[-1][1]}: locks are taken in one order"
                )
            for order in wanted:
                self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_id(order[1])})
        self.held.extend(wanted)

    def _sqlite_write_lock(self) -> None:
        connection = self.session.connection()
        dbapi = connection.connection.dbapi_connection
        if dbapi is not None and not dbapi.in_transaction:
            # the driver opens transactions itself only before a write; this one begins now,
            # holding the write lock (waiting for it up to the busy timeout)
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load (the demo): PostgreSQL gets ``VACUUM (ANALYZE)`` of the store's tables,
    so the planner knows their sizes and covering indexes are read without visiting the table.
    Autovacuum does this in time where it is on; without it the cost report planned a nested
    loop over 14,000 lines it estimated at 1 row and read the table for each. SQLite plans
    these queries well without statistics and gets nothing."""
    if engine.dialect.name != "postgresql":
        return
    from zorginkoop.adapters.db.tables import Base

    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM (ANALYZE) {names}")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    return script.get_current_head()


def require_current_schema(engine: Engine) -> None:
    """Refuse to work on a store whose schema is older or newer than this version's."""
    try:
        current = current_revision(engine)
    except Exception as exc:
        raise StoreError(
            f"cannot reach the database: {exc.__class__.__name__}: {exc}".splitlines()[0]
        ) from None
    head = head_revision()
    if current != head:
        raise StoreError(
            f"the database schema is at {current or 'nothing'}, this version needs {head}; "
            "run `zorginkoop db upgrade` (or `zorginkoop demo` for a new demo region)"
        )
