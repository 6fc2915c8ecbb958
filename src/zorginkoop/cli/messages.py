# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop messages``: iWmo/iJw 3.2 messages at the command line.

``messages validate FILE...`` checks each file with every layer (safe XML, structure and
datatypes, code lists, conditions/constraints, technical rules) and optionally against the
official XSDs. Exit code 0 when every file is valid, 1 when some file is invalid, 2 for usage
errors (such as a missing file) and when some file is not a readable message at all (not XML, a
DOCTYPE, not UTF-8...; one line each on stderr).
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.session import StoreError
from zorginkoop.adapters.istandaarden import Limits, validate_message, validate_with_xsd
from zorginkoop.adapters.istandaarden.xsd import XSD_DIR_SETTING
from zorginkoop.cli.common import (
    DB_OPTION,
    message_limits,
    platform_for,
    settings,
    store_error_message,
    store_errors,
    unit_of_work,
)
from zorginkoop.cli.output import OutputFormat, console, error_line, fail, plain, render

app = typer.Typer(
    help="iWmo 3.2 / iJw 3.2 messages (301 ... 325): validate, import, export.", no_args_is_help=True
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
    errors = [{"code": e.code, "message": e.message, "path": e.path, "line": e.line} for e in report_errors]
    if xsd_dir is not None and data is not None and not any(e["code"] == "XML" for e in errors):
        try:
            for e in validate_with_xsd(data, xsd_dir, limits):
                errors.append(
                    {"code": "XSD", "message": f"official XSD: {e.message}", "path": "", "line": e.line}
                )
        except FileNotFoundError as exc:
            fail(str(exc))
    return {"file": str(path), "message": message_name, "valid": not errors, "errors": errors}


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="message files (XML)", show_default=False)],
    fmt: Annotated[ValidateFormat, typer.Option("--format", "-f", help="table or json")] = (
        ValidateFormat.table
    ),
    xsd_dir: Annotated[
        Path | None,
        typer.Option(
            "--xsd-dir",
            envvar=XSD_DIR_SETTING,
            help=f"also validate with the official XSDs in this folder [env: {XSD_DIR_SETTING}]",
        ),
    ] = None,
) -> None:
    """Validate message files: structure, code lists, conditions and technical rules."""
    for path in files:
        if not path.is_file():
            fail(f"{path}: no such file")
    if xsd_dir is not None and not xsd_dir.is_dir():
        fail(f"{xsd_dir}: no such folder (--xsd-dir)")
    limits = message_limits()
    results = [_result(path, xsd_dir, limits) for path in files]
    if fmt is ValidateFormat.json:
        out = [
            {
                "file": r["file"],
                "valid": r["valid"],
                "errors": [
                    {"code": e["code"], "message": e["message"], "path": e["path"], "line": e["line"]}
                    for e in r["errors"]
                ],
            }
            for r in results
        ]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        rows: list[dict[str, Any]] = []
        for r in results:
            status = "valid" if r["valid"] else "invalid"
            if not r["errors"]:
                rows.append({"file": r["file"], "message": r["message"], "valid": status})
            for i, e in enumerate(r["errors"]):  # findings quote the file's content: printed as they stand
                where = f" at {e['path']}" if e["path"] else ""
                rows.append({
                    "file": r["file"] if i == 0 else "", "message": r["message"] if i == 0 else "",
                    "valid": status if i == 0 else "", "code": e["code"], "line": e["line"],
                    "finding": e["message"] + where,
                })  # fmt: skip
        render(rows, ["file", "message", "valid", "code", "line", "finding"], OutputFormat.table,
               title="Message validation")  # fmt: skip
    # a file that is not a readable message at all (not XML, a DOCTYPE, not UTF-8...): one line each
    unreadable = [r for r in results if r["errors"] and r["errors"][0]["code"] == "XML"]
    for r in unreadable:
        error_line(f"{r['file']}: not a readable message: {r['errors'][0]['message']}")
    raise typer.Exit(2 if unreadable else 0 if all(r["valid"] for r in results) else 1)


def _writable(out: Path) -> None:
    """--out must take files before anything is stored (created when missing)."""
    from zorginkoop.services.outbox import OutputError, check_writable

    try:
        check_writable(out)
    except OutputError as exc:
        fail(f"--out {exc}; nothing was processed")


@app.command("export")
def export(
    message_type: Annotated[
        str, typer.Option("--type", help="message type to export: 301, 306, 308, 316, 318, 319 or 325")
    ],
    out: Annotated[Path, typer.Option("--out", help="folder to write the files to")],
    db: str | None = DB_OPTION,
) -> None:
    """Write the outbox's pending messages of one type to files and mark them exported (each
    only after its file is written). Answers that could not be written when they were made
    (by `declarations process` or `messages import`) wait here too."""
    from datetime import UTC, datetime

    from zorginkoop.services.allocations import ExportedFile, export_outbox
    from zorginkoop.services.outbox import OUTPUT_TYPES, write_atomically

    if message_type not in OUTPUT_TYPES:
        fail(f"--type {message_type}: the outbox holds {', '.join(OUTPUT_TYPES)}")
    _writable(out)
    platform = platform_for(db)

    def write(f: ExportedFile) -> None:
        write_atomically(out / f.file_name, f.content)

    with store_errors():
        try:
            files = export_outbox(unit_of_work(platform), message_type, datetime.now(UTC), write)
        except OSError as exc:
            fail(
                f"{out}: cannot write a message ({exc.strerror or exc}); the messages written before it "
                "are marked exported, the rest waits in the outbox"
            )
    console.print(plain(f"{len(files)} message(s) {message_type} exported to {out}"), highlight=False)


def _read_incoming(path: Path, limits: Limits) -> bytes:
    """The file's bytes, or UnreadableMessage naming the file and why (too large, no access)."""
    from zorginkoop.services.exchange import UnreadableMessage

    try:
        if path.stat().st_size > limits.max_bytes:
            raise UnreadableMessage(f"{path}: larger than {limits.max_bytes} bytes; not processed")
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableMessage(f"{path}: cannot read the file ({exc.strerror or exc})") from None


@app.command("import")
def import_(
    path: Annotated[
        Path, typer.Argument(help="a message file (XML) or a folder of them", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="folder for the retour and answer messages")] = Path(),
    db: str | None = DB_OPTION,
) -> None:
    """Process incoming 305/307/315/317 messages; write the retours (306/308/316/318), 319s and
    301s (granted requests) to --out. Refusals are a normal outcome (exit 0)."""
    from datetime import UTC, datetime

    from zorginkoop.services.exchange import UnreadableMessage, import_message
    from zorginkoop.services.outbox import deliver

    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".xml")
    elif path.is_file():
        files = [path]
    else:
        fail(f"{path}: no such file or folder")
    _writable(out)
    platform = platform_for(db)
    limits = message_limits()
    try:
        end_on_stop = settings(db).ends_on_stop
    except ValueError as exc:
        fail(str(exc))
    rows: list[dict[str, Any]] = []
    unreadable = 0
    waiting: list[str] = []
    for f in files:
        # every file in its own transaction; one that cannot be read changes nothing and does
        # not stop the others: it is reported in one line and the exit code says so at the end
        try:
            data = _read_incoming(f, limits)
            outcome = import_message(
                unit_of_work(platform), data, f.name, datetime.now(UTC), end_on_stop=end_on_stop
            )
        except UnreadableMessage as exc:
            unreadable += 1
            error_line(str(exc))
            continue
        except (StoreError, IntegrityError, OperationalError) as exc:  # this file only: the batch goes on
            unreadable += 1
            error_line(f"{f}: {store_error_message(exc)}")
            continue
        shown: list[str] = []
        for o in outcome.outgoing:
            if o.message_id is None:
                continue
            with store_errors():
                delivery = deliver(platform.engine, o.message_id, out / o.file_name, o.content)
            if delivery.written:
                shown.append(o.file_name)
            elif delivery.via_api:
                shown.append(f"{o.file_name} (API channel: not written)")
            else:
                kind = o.file_name.split("_", 1)[0][-3:]
                waiting.append(f"{delivery.reason}; it waits in the outbox: "
                               f"run `zorginkoop messages export --type {kind} --out DIR`")  # fmt: skip
                shown.append(o.file_name)
        codes = [f"{p.rsplit('/', 1)[-1]}: {','.join(c)}" for p, c in outcome.codes.items()] or ["0200"]
        rows.append({"file": f.name, "message": outcome.message, "status": outcome.status, "retour codes": codes,
                     "written": shown})  # fmt: skip
    # once per batch: the analytics extract follows the imports (never fails them)
    from zorginkoop.services.analytics import refresh_after_import

    refresh_after_import(platform.engine, platform.settings)
    render(rows, ["file", "message", "status", "retour codes", "written"], OutputFormat.table,
           title="Messages processed")  # fmt: skip
    for line in waiting:
        error_line(line)
    if unreadable:
        fail(f"{unreadable} of {len(files)} file(s) could not be read; the others were processed")
    if waiting:
        raise typer.Exit(2)
