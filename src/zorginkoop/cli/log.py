# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop log``: the privacy officer's search in the processing log and a citizen's export.

The log holds one entry per operation and data subject (Logboek Dataverwerkingen), the BSN
pseudonymised with ZORGINKOOP_PSEUDONYM_KEY; ``--bsn`` is pseudonymised the same way before the
search. A search by BSN and an export are themselves logged (activity ``privacy``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from zorginkoop.cli.common import DB_OPTION, platform_for, store_errors, unit_of_work
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, note_line, render
from zorginkoop.domain.processing import RegisterError
from zorginkoop.services import processing_log as service

app = typer.Typer(help="The processing log of personal data: search it, export a citizen's entries.")


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r}: give a date as YYYY-MM-DD")


@app.command("search")
def search(  # noqa: PLR0917 - a Typer command: one parameter per option
    bsn: Annotated[str | None, typer.Option("--bsn", help="the data subject's BSN")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="who read (login or system)")] = None,
    activity: Annotated[
        str | None, typer.Option("--activity", help="processing activity id from the register")
    ] = None,
    since: Annotated[str | None, typer.Option("--from", help="first day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--to", help="last day, YYYY-MM-DD (inclusive)")] = None,
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Entries matching every filter given, oldest first."""
    query = service.Search(bsn, actor, activity, _day(since, "--from"), _day(until, "--to"))
    platform = platform_for(db)
    with store_errors():
        try:
            found = service.search(unit_of_work(platform), query)
        except (service.SearchError, RegisterError) as exc:
            fail(str(exc))
    render([f.as_dict() for f in found], service.COLUMNS, fmt, title=f"Processing log ({len(found)} entries)")
    if len(found) >= service.SEARCH_LIMIT:
        note_line(f"the first {service.SEARCH_LIMIT:,} entries; narrow the search for the rest")


@app.command("export")
def export(
    bsn: Annotated[str, typer.Option("--bsn", help="the citizen's BSN")],
    out: Annotated[Path, typer.Option("--out", help="JSON file to write")],
    db: str | None = DB_OPTION,
) -> None:
    """Every entry about one citizen as a JSON file (AVG art. 15: inzage)."""
    platform = platform_for(db)
    with store_errors():
        try:
            document = service.export_for_subject(unit_of_work(platform), bsn)
        except service.SearchError as exc:
            fail(str(exc))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        fail(f"--out {out}: cannot be written ({exc.strerror or exc})")
    note_line(f"{document['count']} entries written to {out}")
