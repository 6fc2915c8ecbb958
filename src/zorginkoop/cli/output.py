# SPDX-License-Identifier: EUPL-1.2
"""Report output shared by every CLI command: ``--format table|csv|json``.

Text from outside (file names, BSNs, namespaces, references, notes from a provider's message)
is never read as Rich console markup: tables get their cells and error lines their message as
plain :class:`~rich.text.Text`, so ``[bold]`` or ``[/]`` in a message prints as it stands.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping, Sequence
from enum import Enum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json")

console = Console()
err_console = Console(stderr=True)


def render(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: OutputFormat,
    title: str | None = None,
) -> None:
    """Print ``rows`` (dicts with at least ``columns``) in the chosen format to stdout."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([{c: r.get(c) for c in columns} for r in rows], indent=2, default=str))
        sys.stdout.write("\n")
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else r.get(c) for c in columns])
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(title=plain(title) if title is not None else None)
        for c in columns:
            table.add_column(plain(c), justify="right" if _numeric(rows, c) else "left")
        for r in rows:
            table.add_row(*[plain("" if r.get(c) is None else str(r.get(c))) for c in columns])
        console.print(table)


def render_object(obj: Mapping[str, Any], fmt: OutputFormat) -> None:
    """Print one result object: JSON object, two-column CSV, or a key/value table."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(obj, indent=2, default=str) + "\n")
    else:
        render([{"field": k, "value": v} for k, v in obj.items()], ["field", "value"], fmt)


def plain(text: object) -> Text:
    """``text`` as it stands: never read as console markup."""
    return Text(str(text))


def error_line(message: str) -> None:
    """One line ``error: message`` on stderr; ``message`` is printed as it stands."""
    err_console.print(
        Text.assemble(("error:", "bold red"), " ", str(message)), highlight=False, soft_wrap=True
    )


def note_line(message: str) -> None:
    """One plain line on stderr, printed as it stands."""
    err_console.print(plain(message), highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Stop with one clear line on stderr and a non-zero exit code, never a traceback."""
    error_line(message)
    raise typer.Exit(code)


def _numeric(rows: Sequence[Mapping[str, Any]], column: str) -> bool:
    return bool(rows) and all(
        isinstance(r.get(column), int | float) or _looks_numeric(r.get(column)) for r in rows
    )


def _looks_numeric(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True
