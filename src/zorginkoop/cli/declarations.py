# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop declarations``: 323 in, adjudicated, 325 out; the payments ledger and ceilings.

``process`` exits 0 when every file was processed and answered (rejected lines are a normal
outcome, and so is a duplicate file that grants nothing) and 2 when a file could not be read or
its 325 could not be written; each such file gets one line on stderr and the other files are
processed all the same. A 325 that could not be written waits in the outbox (``messages
export --type 325``). An ``--out`` that cannot be written is found before anything is stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from zorginkoop.adapters.istandaarden.safe import Limits
from zorginkoop.cli.common import (
    DB_OPTION,
    MAX_YEAR,
    MIN_YEAR,
    checked_year,
    known_municipality,
    known_provider,
    message_limits,
    platform_for,
    store_errors,
    writable_folder,
)
from zorginkoop.cli.output import (
    FORMAT_OPTION,
    TOTALS_OPTION,
    OutputFormat,
    err_console,
    error_line,
    fail,
    note_line,
    render,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.services.declaration_generator import generate as generate_files
from zorginkoop.services.declarations import DeclarationFileError, FileResult, declaration_files, process_file
from zorginkoop.services.outbox import OutputError, check_writable
from zorginkoop.services.spending import (
    EXHAUSTION_COLUMNS,
    LEDGER_COLUMNS,
    ExhaustionLevel,
    Filters,
    ledger_report,
)
from zorginkoop.services.spending import (
    exhaustion as exhaustion_rows,
)

app = typer.Typer(help="Declarations (323 -> 325), payments ledger, ceilings.", no_args_is_help=True)

PROGRESS_FROM_BYTES = 2 * 1024 * 1024
"""Files from this size on get a progress bar (on stderr)."""

SUMMARY_COLUMNS = ("file", "status", "provider", "municipality", "declaration", "lines", "approved", "rejected",
                   "submitted_eur", "granted_eur", "codes")  # fmt: skip


@app.callback()
def declarations() -> None:
    """Declarations (323 -> 325), payments ledger, ceilings."""


def _row(result: FileResult) -> dict[str, object]:
    return {
        "file": result.path.name,
        "status": result.status,
        "provider": result.provider_agb,
        "municipality": result.municipality_code,
        "declaration": result.declaration_number,
        "lines": result.lines,
        "approved": result.approved,
        "rejected": result.rejected,
        "submitted_eur": str(result.submitted),
        "granted_eur": str(result.granted),
        "codes": [f"{code}x{n}" for code, n in sorted(result.codes.items())],
        "answer": str(result.answer) if result.answer else "",
        "note": f"{result.note}; {result.waiting}" if result.waiting else result.note,
    }


@app.command("process")
def process(
    paths: Annotated[
        list[Path], typer.Argument(help="323 files or directories (their *.xml)", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="directory for the 325 answers")],
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    totals: bool = TOTALS_OPTION,
) -> None:
    """Process declarations: adjudicate every prestatie, pay approved lines, write one 325 per file
    (with more than one file, a total row: in csv and json with --totals)."""
    for path in paths:
        if not path.exists():
            fail(f"{path}: no such file or directory")
    files = declaration_files(paths)
    if not files:
        fail(f"no declaration files (*.xml) in {', '.join(str(p) for p in paths)}")
    limits = message_limits()
    try:
        check_writable(out)
    except OutputError as exc:
        fail(f"--out {exc}; nothing was processed")
    platform = platform_for(db)
    results: list[FileResult] = []
    failed = 0
    with store_errors():
        for path in files:
            try:
                results.append(_process_one(platform.engine, path, out, limits))
            except (DeclarationFileError, OutputError) as exc:
                failed += 1
                error_line(str(exc))
    if results:
        rows = [_row(r) for r in results]
        total = [_total(results)] if len(results) > 1 else []
        columns = SUMMARY_COLUMNS if fmt is OutputFormat.table else (*SUMMARY_COLUMNS, "answer", "note")
        render(rows, columns, fmt, title=f"Declarations processed; 325 answers in {out}", totals=total,
               totals_only=totals)  # fmt: skip
        if fmt is OutputFormat.table:
            for r in results:
                if r.status != "processed":
                    note_line(f"{r.path.name}: {r.note}")
    waiting = [r for r in results if r.waiting]
    for r in waiting:
        error_line(f"{r.path.name}: {r.waiting}")
    if failed or waiting:
        raise typer.Exit(2)


def _process_one(engine: Engine, path: Path, out: Path, limits: Limits) -> FileResult:
    size = path.stat().st_size if path.is_file() else 0
    if size < PROGRESS_FROM_BYTES:
        return process_file(engine, path, out, limits=limits)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[lines]:,} lines"),
        TimeElapsedColumn(), console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(escape(path.name), total=size, lines=0)
        return process_file(
            engine,
            path,
            out,
            limits=limits,
            progress=lambda lines, read: bar.update(task, completed=read, lines=lines),
        )


def _total(results: list[FileResult]) -> dict[str, object]:
    codes: dict[str, int] = {}
    for r in results:
        for code, n in r.codes.items():
            codes[code] = codes.get(code, 0) + n
    return {
        "file": f"total ({len(results)} files)", "status": "", "provider": "", "municipality": "", "declaration": "",
        "lines": sum(r.lines for r in results), "approved": sum(r.approved for r in results),
        "rejected": sum(r.rejected for r in results),
        "submitted_eur": str(Money.sum(r.submitted for r in results)),
        "granted_eur": str(Money.sum(r.granted for r in results)),
        "codes": [f"{c}x{n}" for c, n in sorted(codes.items())], "answer": "", "note": "",
    }  # fmt: skip


@app.command("generate")
def generate(
    period: Annotated[str, typer.Option("--period", help="the month to declare, YYYY-MM")],
    out: Annotated[Path, typer.Option("--out", help="directory for the 323 files")],
    db: str | None = DB_OPTION,
    error_rate: Annotated[float, typer.Option("--error-rate", help="share of faulty lines, 0..1")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="random seed for the faulty lines")] = 1,
) -> None:
    """Write the 323s providers would send for the allocations active in a month (test chains, demo)."""
    try:
        month = Period.parse_month(period)
    except ValueError as exc:
        fail(f"--period: {exc}")
    if not MIN_YEAR <= month.start.year <= MAX_YEAR:
        fail(f"--period {period}: give a month from {MIN_YEAR}-01 to {MAX_YEAR}-12")
    if not 0 <= error_rate <= 1:
        fail(f"--error-rate must be between 0 and 1, got {error_rate}")
    platform = platform_for(db)
    writable_folder(out)
    with store_errors():
        files = generate_files(platform.engine, month, out, error_rate=error_rate, seed=seed)
    if not files:
        fail(f"no allocations with a contracted product are active in {period}; nothing to declare")
    lines = sum(f.lines for f in files)
    faults = sum(len(f.faults) for f in files)
    typer.echo(
        f"{len(files)} declarations ({lines:,} prestaties, {faults} faulty) for {period} written to {out}"
    )


@app.command("exhaustion")
def exhaustion(  # noqa: PLR0917 - a Typer command: one parameter per option
    year: Annotated[
        int, typer.Option("--year", help="calendar year of the ProductPeriode", callback=checked_year)
    ],
    provider: Annotated[str | None, typer.Option("--provider", help="only this provider (AGB)")] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", "-m", help="only this municipality (CBS code or name)")
    ] = None,
    by: Annotated[
        ExhaustionLevel, typer.Option("--by", help="ceiling, provider, municipality or allocation")
    ] = (ExhaustionLevel.ceiling),
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """How far ceilings, allocations and municipalities are used by what was paid."""
    platform = platform_for(db)
    if municipality is not None and by in (ExhaustionLevel.ceiling, ExhaustionLevel.provider):
        by = ExhaustionLevel.municipality
    code = known_municipality(platform, municipality) if municipality else None
    agb = known_provider(platform, provider) if provider else None
    with store_errors():
        rows = exhaustion_rows(platform.engine, by, Filters(year, agb, code))
    render(rows, EXHAUSTION_COLUMNS[by], fmt, title=f"Exhaustion {year} by {by.value}")


@app.command("ledger")
def ledger(
    year: Annotated[
        int, typer.Option("--year", help="calendar year of the ProductPeriode", callback=checked_year)
    ],
    db: str | None = DB_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    totals: bool = TOTALS_OPTION,
) -> None:
    """The payments ledger: paid per municipality, provider and law; the subtotal per
    municipality and the total follow in the table, and in csv and json with --totals."""
    platform = platform_for(db)
    with store_errors():
        found = ledger_report(platform.engine, year)
    sums = [*found.subtotals, *([found.total] if found.total is not None else [])]
    render(found.lines, LEDGER_COLUMNS, fmt, title=f"Payments {year}", totals=sums, totals_only=totals)
