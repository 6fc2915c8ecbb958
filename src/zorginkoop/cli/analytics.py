# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop analytics``: the pseudonymised extract the monitoring figures are read from."""

from __future__ import annotations

from typing import Any

import typer

from zorginkoop.adapters.analytics.queries import QUERIES
from zorginkoop.cli.common import DB_OPTION, platform_for, store_errors
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render, render_object
from zorginkoop.services import analytics

app = typer.Typer(
    help="The analytics extract: a pseudonymised DuckDB copy of the store the monitoring figures "
    "(monitor dashboard, monitor concentration) are read from when it is up to date.",
    no_args_is_help=True,
)


@app.command("refresh")
def refresh(
    full: bool = typer.Option(False, "--full", help="build the extract anew instead of adding what changed"),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Bring the extract up to the store: new approved lines, new decisions and changed
    allocations since the last refresh (--full: everything, into a new file swapped in at the
    end). BSNs are replaced by keyed hashes while reading; none is written to the extract."""
    platform = platform_for(db)
    with store_errors():
        try:
            done = analytics.refresh(platform.engine, platform.settings, full=full)
        except analytics.AnalyticsError as exc:
            fail(str(exc), 1)
    rows = [{"table": name, "rows_written": count} for name, count in done.added]
    title = f"{'Built' if done.full else 'Refreshed'} {done.path} in {done.seconds:.1f} s"
    if fmt is OutputFormat.json:
        render_object(
            {
                "path": str(done.path),
                "full": done.full,
                "seconds": round(done.seconds, 3),
                "written": dict(done.added),
            },
            fmt,
        )
    else:
        render(rows, ["table", "rows_written"], fmt, title=title)


@app.command("status")
def status(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Where the extract is, when it was built and refreshed, its rows per table, and whether
    it is up to date with the store (fresh) or how many rows it is behind."""
    platform = platform_for(db)
    with store_errors():
        try:
            found = analytics.status(platform.engine, platform.settings)
        except analytics.AnalyticsError as exc:
            fail(str(exc), 1)
    document: dict[str, Any] = {
        "path": str(found.path),
        "exists": found.exists,
        "fresh": found.fresh,
        "built_at": found.built_at.isoformat() if found.built_at else None,
        "refreshed_at": found.refreshed_at.isoformat() if found.refreshed_at else None,
        "behind": found.behind if found.exists else None,
    }
    if fmt is OutputFormat.json:
        document["rows"] = dict(found.rows)
        render_object(document, fmt)
        return
    for name, count in found.rows:
        document[f"rows.{name}"] = count
    if not found.exists:
        document["hint"] = "run `zorginkoop analytics refresh` to build it"
    elif not found.fresh:
        document["hint"] = (
            "behind the store: run `zorginkoop analytics refresh` (figures are read from the store meanwhile)"
        )
    render_object(document, fmt)


@app.command("queries")
def queries(fmt: OutputFormat = FORMAT_OPTION) -> None:
    """The named queries of the analytics layer: one per figure."""
    render([{"query": q.name, "figure": q.figure} for q in QUERIES.values()], ["query", "figure"], fmt)
