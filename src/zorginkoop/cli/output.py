# SPDX-License-Identifier: EUPL-1.2
"""Report output shared by every CLI command: ``--format table|csv|json``.

What a user reads is never cut: identifiers (AGB, CBS codes, product codes, model ids),
amounts, numbers and dates are printed whole in every format and at every width.

- ``table`` on a terminal: a table as wide as the terminal (``COLUMNS``). A column whose cells
  are single words (codes, amounts, dates) keeps its full width; text columns (names, notes,
  lists) wrap between words. When even that does not fit, each row is printed as a record: one
  ``key: value`` line per column, a blank line between rows.
- ``table`` to a pipe or a file: plain aligned columns (two spaces apart, numbers right-aligned),
  no box drawing and no width limit, so ``| grep`` and ``| less -S`` see whole lines.
- ``csv`` and ``json`` carry data rows only. A command with totals (subtotals, a grand total)
  prints them in the table after a rule line; in csv and json they appear only with
  ``--totals``, which prints the total rows instead of the data rows (same columns). A
  list-valued field is a JSON list; csv joins its items with ``;``, tables with ``"; "``.

Text from outside (file names, BSNs, namespaces, references, notes from a provider's message)
is never read as Rich console markup: tables get their cells and error lines their message as
plain :class:`~rich.text.Text`, so ``[bold]`` or ``[/]`` in a message prints as it stands.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn

import typer
from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_OPTION = typer.Option(OutputFormat.table, "--format", "-f", help="table, csv or json")
TOTALS_OPTION = typer.Option(
    False,
    "--totals",
    help="print the total rows instead of the data rows (csv and json carry data rows only)",
)

console = Console()
err_console = Console(stderr=True)

LIST_SEPARATOR = "; "
"""Between the items of a list-valued field in tables (JSON keeps the list)."""
CSV_LIST_SEPARATOR = ";"
"""Between the items of a list-valued field in csv (split on it; items never contain it)."""
PLAIN_GAP = "  "
"""Between the columns of the plain (piped) table."""


Row = Mapping[str, Any]


def render(
    rows: Sequence[Row],
    columns: Sequence[str],
    fmt: OutputFormat,
    title: str | None = None,
    *,
    totals: Sequence[Row] = (),
    totals_only: bool = False,
) -> None:
    """Print ``rows`` (dicts with at least ``columns``) in the chosen format to stdout.

    ``totals`` are summary rows (subtotals, a grand total) with the same columns: a table shows
    them after the data rows; csv and json show them only with ``totals_only`` (``--totals``),
    and then instead of the data rows."""
    if totals_only:
        rows, totals = totals, ()
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps([{c: _json_value(r.get(c)) for c in columns} for r in rows], indent=2,
                                    default=str, ensure_ascii=False))  # fmt: skip
        sys.stdout.write("\n")
    elif fmt is OutputFormat.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([cell_text(r.get(c), CSV_LIST_SEPARATOR) for c in columns])
        sys.stdout.write(buffer.getvalue())
    else:
        body = [[cell_text(r.get(c)) for c in columns] for r in rows]
        summary = [[cell_text(r.get(c)) for c in columns] for r in totals]
        right = [_numeric([*body, *summary], i) for i in range(len(columns))]
        if not console.is_terminal:
            _print_plain(list(columns), body, summary, right, title)
            return
        widths = _fit_widths(list(columns), [*body, *summary], console.width)
        if widths is None:
            _print_records(list(columns), body, summary, title, console.width)
        else:
            _print_table(list(columns), body, summary, right=right, widths=widths, title=title)


def render_object(obj: Mapping[str, Any], fmt: OutputFormat) -> None:
    """Print one result object: JSON object, two-column CSV, or a key/value table."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps({k: _json_value(v) for k, v in obj.items()}, indent=2, default=str,
                                    ensure_ascii=False) + "\n")  # fmt: skip
    else:
        render([{"field": k, "value": v} for k, v in obj.items()], ["field", "value"], fmt)


def cell_text(value: Any, separator: str = LIST_SEPARATOR) -> str:
    """``value`` as one csv or table cell: a list's items joined with ``separator``, a mapping
    as ``key value, key value``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {cell_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return separator.join(cell_text(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, Enum):
        return value.value
    return value


# -- tables ---------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else [""]


def _width(text: str) -> int:
    return max((cell_len(line) for line in _lines(text)), default=0)


def _whole(cells: Sequence[str]) -> bool:
    """A column of single words (codes, identifiers, amounts, dates) is never broken."""
    return all(not any(ch.isspace() for ch in cell) for cell in cells)


def _longest_word(cells: Sequence[str]) -> int:
    return max((cell_len(word) for cell in cells for word in cell.split()), default=0)


BORDER_PER_COLUMN = 3
"""A boxed column's padding (one space each side) and its right border."""
MIN_HEADER = 4
"""A header may fold to this width (``free_practitioner`` in a yes/no column); data never does."""


def _fit_widths(columns: list[str], rows: list[list[str]], width: int) -> list[int] | None:
    """Column widths that fit ``width`` with every single-word cell whole, or None (record view).

    Word columns keep their natural width; text columns get at least their longest word and
    share what is left in proportion to what they would still need."""
    n = len(columns)
    room = width - 1 - BORDER_PER_COLUMN * n
    cells = [[row[i] for row in rows] for i in range(n)]
    natural = [max([_width(columns[i]), *(_width(c) for c in cells[i])]) for i in range(n)]
    if sum(natural) <= room:
        return natural
    minimum = []
    for i in range(n):
        data = max((_width(c) for c in cells[i]), default=0) if _whole(cells[i]) else _longest_word(cells[i])
        minimum.append(max(data, min(_width(columns[i]), MIN_HEADER), 1))
    spare = room - sum(minimum)
    if spare < 0:
        return None
    widths = list(minimum)
    # first whole headers over word columns (cheap: a few characters each), narrowest first
    for i in sorted((i for i in range(n) if _whole(cells[i])), key=lambda i: natural[i] - minimum[i]):
        grow = min(natural[i] - widths[i], spare)
        widths[i] += grow
        spare -= grow
    # then the text columns share the rest in proportion to what they still need
    need = [natural[i] - widths[i] for i in range(n)]
    total_need = sum(need)
    if total_need:
        for i in range(n):
            widths[i] += need[i] * spare // total_need
    leftover = room - sum(widths)
    for i in sorted(range(n), key=lambda i: natural[i] - widths[i], reverse=True):
        if leftover <= 0:
            break
        if widths[i] < natural[i]:
            widths[i] += 1
            leftover -= 1
    return widths


def _print_table(
    columns: list[str],
    body: list[list[str]],
    summary: list[list[str]],
    *,
    right: list[bool],
    widths: list[int],
    title: str | None,
) -> None:
    table = Table(title=plain(title) if title is not None else None, box=box.HEAVY_HEAD)
    for name, is_right, w in zip(columns, right, widths, strict=True):
        table.add_column(Text(name, overflow="fold"), justify="right" if is_right else "left", width=w,
                         overflow="fold")  # fmt: skip
    for i, cells in enumerate(body):
        table.add_row(*map(plain, cells), end_section=bool(summary) and i == len(body) - 1)
    for cells in summary:
        table.add_row(*map(plain, cells))
    console.print(table, crop=False)


def _print_plain(
    columns: list[str], body: list[list[str]], summary: list[list[str]], right: list[bool], title: str | None
) -> None:
    """Aligned columns without box drawing or a width limit (output to a pipe or a file)."""
    rows = [columns, *body, *summary]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(columns))]
    out: list[str] = []
    if title:
        out.append(title)

    def emit(cells: list[str]) -> None:
        parts = [_lines(c) for c in cells]
        for k in range(max(len(p) for p in parts)):
            texts = []
            for i, p in enumerate(parts):
                text = p[k] if k < len(p) else ""
                pad = " " * (widths[i] - cell_len(text))
                texts.append(pad + text if right[i] else text + pad)
            out.append(PLAIN_GAP.join(texts).rstrip())

    emit(columns)
    out.append(PLAIN_GAP.join("-" * w for w in widths))
    for cells in body:
        emit(cells)
    if summary:
        out.append(PLAIN_GAP.join("-" * w for w in widths))
        for cells in summary:
            emit(cells)
    sys.stdout.write("\n".join(out) + "\n")


def _print_records(
    columns: list[str], body: list[list[str]], summary: list[list[str]], title: str | None, width: int
) -> None:
    """One ``key: value`` block per row; long values wrap under themselves, words stay whole
    unless a single word is wider than the terminal."""
    key_width = max(cell_len(c) for c in columns) + 1
    value_width = max(width - key_width - 1, 20)
    out: list[str] = []
    if title:
        out.append(title)
    for index, cells in enumerate([*body, *summary]):
        if out:
            out.append("")
        if summary and index == len(body):
            out.append("-" * min(width, key_width + 20))
            out.append("")
        for name, text in zip(columns, cells, strict=True):
            wrapped: list[str] = []
            for line in _lines(text):
                wrapped.extend(
                    textwrap.wrap(line, value_width, break_on_hyphens=False, break_long_words=True) or [""]
                )
            label = f"{name}:".ljust(key_width)
            out.append(f"{label} {wrapped[0]}".rstrip())
            out.extend(" " * (key_width + 1) + more for more in wrapped[1:])
    sys.stdout.write("\n".join(out) + "\n")


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


def _numeric(rows: Sequence[Sequence[str]], index: int) -> bool:
    values = [r[index] for r in rows if r[index] != ""]
    return bool(values) and all(_looks_numeric(v) for v in values)


def _looks_numeric(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
