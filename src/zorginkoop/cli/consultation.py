# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop tenders tables|meeting|meetings|input|inputs|covenant|covenant-history``: bestuurlijk
aanbesteden. The consultation tables (3 large, 3 medium, 3 small providers by their clients in a
reference year, which the user may change), their meetings, every other provider's online input
per topic, and the covenant's versions with what changed and from when."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from zorginkoop.cli.common import DB_OPTION
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, note_line, render
from zorginkoop.cli.tenders import TENDER, _run, _text, app
from zorginkoop.services import consultation as service


def _date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r}: not a date in the form YYYY-MM-DD")


def _swap(text: str) -> tuple[str, str]:
    out, sep, replacement = text.partition("=")
    if not sep or not out.strip() or not replacement.strip():
        fail(f"--swap {text!r}: give SEATED_AGB=NEW_AGB")
    return out.strip(), replacement.strip()


@app.command("tables")
def tables(
    code: TENDER,
    year: Annotated[
        int | None, typer.Option("--year", help="rank providers by their clients in this year")
    ] = None,
    swap: Annotated[
        list[str] | None, typer.Option("--swap", help="SEATED_AGB=NEW_AGB: give a seat to another provider")
    ] = None,
    save: Annotated[bool, typer.Option("--save", help="store the tables as the region's choice")] = False,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Consultation tables for bestuurlijk aanbesteden: 3 large, 3 medium and 3 small providers
    by their clients in a reference year (proposed; the saved choice once saved)."""
    swaps = [_swap(s) for s in swap or []]
    found = _run(db, service.tables, code, year, swaps, save=save)
    rows = [
        {"table": s.table.value, "agb": s.provider.agb, "provider": s.provider.name, "clients": s.provider.clients,
         "reason": s.reason}
        for s in found.seats
    ]  # fmt: skip
    state = "saved" if found.stored else "proposed, not saved (--save)"
    render(rows, ["table", "agb", "provider", "clients", "reason"], fmt,
           f"Consultation tables of {code} by {found.year} clients ({state})")  # fmt: skip
    if save:
        note_line(f"tables of {code} saved: {len(found.seats)} providers at 3 tables")


@app.command("meeting")
def meeting(
    code: TENDER,
    table: Annotated[str, typer.Option("--table", help="groot, middelgroot or klein", show_default=False)],
    on: Annotated[str, typer.Option("--on", help="the meeting's day, YYYY-MM-DD", show_default=False)],
    agenda: Annotated[str, typer.Option("--agenda", help="the agenda", show_default=False)],
    minutes: Annotated[Path | None, typer.Option("--minutes", help="a text file with the minutes")] = None,
    db: str | None = DB_OPTION,
) -> None:
    """Record a meeting of one consultation table with its agenda (and minutes)."""
    day = _date(on, "--on")
    text = _text(minutes) if minutes is not None else ""
    _run(db, service.record_meeting, code, table, day=day, agenda=agenda, minutes=text)
    note_line(f"meeting of the {table} table of {code} on {day} recorded")


@app.command("meetings")
def meetings(code: TENDER, fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """The meetings of the consultation tables, by day."""
    found = _run(db, service.meetings, code)
    rows = [{"day": m.day, "table": m.table.value, "agenda": m.agenda, "minutes": m.minutes} for m in found]
    render(rows, ["day", "table", "agenda", "minutes"], fmt, f"Meetings of {code}")


@app.command("input")
def give_input(
    code: TENDER,
    provider: Annotated[str, typer.Option("--provider", help="the provider's AGB code", show_default=False)],
    topic: Annotated[str, typer.Option("--topic", help="the topic", show_default=False)],
    text: Annotated[str, typer.Option("--text", help="the input", show_default=False)],
    db: str | None = DB_OPTION,
) -> None:
    """A provider's online input on a topic (providers at a table give theirs in person)."""
    _run(db, service.give_input, code, provider, topic=topic, text=text)
    note_line(f"input of {provider} on {topic!r} recorded for {code}")


@app.command("inputs")
def inputs(
    code: TENDER,
    topic: Annotated[str | None, typer.Option("--topic", help="only this topic")] = None,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """The providers' online input, per topic."""
    found = _run(db, service.inputs, code, topic)
    rows = [{"topic": i.topic, "agb": i.provider_agb, "submitted": i.submitted_at.replace(microsecond=0),
             "text": i.text} for i in found]  # fmt: skip
    render(rows, ["topic", "agb", "submitted", "text"], fmt, f"Online input on {code}")


@app.command("covenant")
def covenant(
    code: TENDER,
    path: Annotated[
        Path, typer.Argument(help="TOML file with [[agreement]] article/text", show_default=False)
    ],
    valid_from: Annotated[
        str, typer.Option("--from", help="the day the version holds from", show_default=False)
    ],
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Record a version of the covenant holding from a day; shows what it changed."""
    day = _date(valid_from, "--from")
    text = _text(path)
    step = _run(db, service.set_covenant, code, text, day, name=str(path))
    _changes([step], fmt, f"Covenant of {code}, version {step.version.number} from {day}")
    note_line(f"version {step.version.number} of the covenant of {code} holds from {day}")


@app.command("covenant-history")
def covenant_history(code: TENDER, fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Every version of the covenant: what changed and from when."""
    steps = _run(db, service.covenant_history, code)
    _changes(steps, fmt, f"Covenant of {code}: what changed, from when")


def _changes(steps: list[service.CovenantStep], fmt: OutputFormat, title: str) -> None:
    rows = [
        {"version": s.version.number, "from": c.valid_from, "article": c.article, "change": c.kind.value,
         "before": c.before or "", "after": c.after or ""}
        for s in steps
        for c in s.changes
    ]  # fmt: skip
    render(rows, ["version", "from", "article", "change", "before", "after"], fmt, title)
