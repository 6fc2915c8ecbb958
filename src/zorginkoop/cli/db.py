# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop db``: schema migrations of the store."""

from __future__ import annotations

import typer
from alembic.util import CommandError

from zorginkoop.adapters.db import session as db_session
from zorginkoop.cli.common import DB_OPTION, platform_for, store_errors
from zorginkoop.cli.output import fail

app = typer.Typer(help="Schema migrations of the store.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(db: str | None = DB_OPTION, revision: str = typer.Option("head", help="target revision")) -> None:
    """Migrate the store's schema to the newest (or the given) revision."""
    engine = platform_for(db, require_schema=False).engine
    with store_errors():
        try:
            db_session.upgrade(engine, revision)
        except CommandError as exc:  # an unknown --revision
            fail(f"--revision {revision}: {str(exc).splitlines()[0]}")
        typer.echo(f"schema at {db_session.current_revision(engine)}")


@app.command("current")
def current(db: str | None = DB_OPTION) -> None:
    """Show the store's schema revision and the one this version needs."""
    engine = platform_for(db, require_schema=False).engine
    with store_errors():
        typer.echo(
            f"store: {db_session.current_revision(engine) or 'empty'}; needed: {db_session.head_revision()}"
        )
