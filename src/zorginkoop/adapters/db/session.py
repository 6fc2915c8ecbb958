# SPDX-License-Identifier: EUPL-1.2
"""Engines, sessions and schema migrations for the store (SQLite by default, PostgreSQL in production)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


class StoreError(RuntimeError):
    """The store cannot be reached or is not at the schema this version needs."""


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys on and a busy timeout for concurrent writers."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise StoreError(f"not a database URL: {url!r} ({exc})") from None
    try:
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True)
        engine = create_engine(url, connect_args={"timeout": 30})
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
