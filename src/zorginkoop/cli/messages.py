# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop messages``: iWmo/iJw 3.2 messages at the command line.

``messages validate FILE...`` checks each file with every layer (safe XML, structure and
datatypes, code lists, conditions/constraints, technical rules) and optionally against the
official XSDs. Exit code 0 when every file is valid, 1 when some file is invalid, 2 for usage
errors (such as a missing file).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from zorginkoop.adapters.istandaarden import Limits, validate_message, validate_with_xsd
from zorginkoop.adapters.istandaarden.xsd import XSD_DIR_SETTING
from zorginkoop.cli.output import console, fail

app = typer.Typer(
    help="iWmo 3.2 / iJw 3.2 messages (301 ... 325): validate files.", no_args_is_help=True
)


@app.callback()
def messages() -> None:
    """iWmo 3.2 / iJw 3.2 messages (301 ... 325)."""


class ValidateFormat(str, Enum):
    table = "table"
    json = "json"


def _result(path: Path, xsd_dir: Path | None, limits: Limits) -> dict[str, Any]:
    data = path.read_bytes() if path.stat().st_size <= limits.max_bytes else None
    if data is None:
        report_errors = validate_message(path, limits=limits).errors
        message_name = None
    else:
        report = validate_message(data, limits=limits)
        report_errors = report.errors
        message_name = report.spec.name if report.spec else None
    errors = [{"code": e.code, "message": e.message, "path": e.path, "line": e.line}
              for e in report_errors]
    if xsd_dir is not None and data is not None and not any(e["code"] == "XML" for e in errors):
        try:
            for e in validate_with_xsd(data, xsd_dir, limits):
                errors.append({"code": "XSD", "message": f"official XSD: {e.message}",
                               "path": "", "line": e.line})
        except FileNotFoundError as exc:
            fail(str(exc))
    return {"file": str(path), "message": message_name, "valid": not errors, "errors": errors}


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="message files (XML)", show_default=False)],
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="table or json")] = (
        ValidateFormat.table
    ),
    xsd_dir: Annotated[Path | None, typer.Option(
        "--xsd-dir", envvar=XSD_DIR_SETTING,
        help=f"also validate with the official XSDs in this folder [env: {XSD_DIR_SETTING}]",
    )] = None,
) -> None:
    """Validate message files: structure, code lists, conditions and technical rules."""
    for path in files:
        if not path.is_file():
            fail(f"{path}: no such file")
    if xsd_dir is not None and not xsd_dir.is_dir():
        fail(f"{xsd_dir}: no such folder (--xsd-dir)")
    limits = Limits.from_env()
    results = [_result(path, xsd_dir, limits) for path in files]
    if fmt is ValidateFormat.json:
        out = [{"file": r["file"], "valid": r["valid"],
                "errors": [{"code": e["code"], "message": e["message"], "path": e["path"],
                            "line": e["line"]} for e in r["errors"]]} for r in results]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        table = Table(title="Message validation")
        for column in ("file", "message", "valid", "code", "line", "finding"):
            table.add_column(column)
        for r in results:
            status = "[green]valid[/]" if r["valid"] else "[red]invalid[/]"
            if not r["errors"]:
                table.add_row(r["file"], r["message"] or "", status, "", "", "")
            for i, e in enumerate(r["errors"]):
                where = f" at {e['path']}" if e["path"] else ""
                table.add_row(r["file"] if i == 0 else "", (r["message"] or "") if i == 0 else "",
                              status if i == 0 else "", e["code"],
                              str(e["line"] or ""), e["message"] + where)
        console.print(table)
    raise typer.Exit(0 if all(r["valid"] for r in results) else 1)
