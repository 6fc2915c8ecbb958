# SPDX-License-Identifier: EUPL-1.2
"""Options and helpers shared by the commands that use the store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.session import StoreError, make_engine, require_current_schema
from zorginkoop.cli.output import fail
from zorginkoop.settings import Settings

DB_OPTION = typer.Option(
    None,
    "--db",
    help="Database URL (default: $ZORGINKOOP_DATABASE_URL or sqlite:///zorginkoop.sqlite).",
    show_default=False,
)


def settings(db: str | None = None) -> Settings:
    return Settings.from_env(database_url=db)


def engine_for(db: str | None, *, require_schema: bool = True) -> Engine:
    """An engine for the chosen store; with ``require_schema`` it must be migrated to head."""
    url = settings(db).database_url
    try:
        engine = make_engine(url)
        if require_schema:
            require_current_schema(engine)
    except StoreError as exc:
        fail(str(exc))
    return engine


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a lost connection, a missing schema or a concurrent change into one clear line.

    A use case commits once, so when the store refuses the commit nothing of it was stored."""
    try:
        yield
    except StoreError as exc:
        fail(str(exc))
    except IntegrityError as exc:
        fail(
            "the store refused the change because another change to the same records came first "
            f"({exc.orig.__class__.__name__}); nothing was stored, run the command again"
        )
    except OperationalError as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        fail(f"the database could not complete the change ({first}); nothing was stored, try again")
