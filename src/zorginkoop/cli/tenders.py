# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop tenders``: prepare a tender, take bids and scores, evaluate, award, finalize into
contracts, and show what the admitted bids cover. The definition files are TOML (README,
section Procurement; examples in ``examples/tenders/``)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli.common import DB_OPTION, checked_year, platform_for, store_errors, unit_of_work
from zorginkoop.cli.output import (
    FORMAT_OPTION,
    OutputFormat,
    error_line,
    fail,
    note_line,
    render,
    render_object,
)
from zorginkoop.domain.disclosure import suppressed
from zorginkoop.services import tenders as service
from zorginkoop.services.tenders import TenderRefused

T = TypeVar("T")

app = typer.Typer(
    help="Procurement: tenders (SAS, open house, classic, bestuurlijk), bids, scores, award, contracts.",
    no_args_is_help=True,
)

TENDER = Annotated[str, typer.Argument(help="the tender's code", show_default=False)]
FILE = Annotated[Path, typer.Argument(help="the TOML definition file", show_default=False)]
ON_OPTION = typer.Option(None, "--on", help="the day, YYYY-MM-DD (default: today)", show_default=False)


def _plain(value: Decimal) -> str:
    """A score on the scale or price points, at most two decimals, no trailing zeros."""
    shown = value.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return str(shown.quantize(Decimal(1)) if shown == shown.to_integral_value() else shown.normalize())


def _refused(exc: TenderRefused) -> NoReturn:
    """Each problem on its own line; exit 1 (nothing was stored)."""
    for problem in exc.problems:
        error_line(problem)
    raise typer.Exit(1)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read the file ({getattr(exc, 'strerror', None) or exc})")


def _day(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--on {text!r}: not a date in the form YYYY-MM-DD")


def _uow(db: str | None) -> UnitOfWork:
    with store_errors():
        return unit_of_work(platform_for(db))


def _run(db: str | None, use_case: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``use_case`` on a unit of work of the store: a refusal is its lines and exit 1, a store that
    cannot be used one line and exit 2."""
    uow = _uow(db)
    with store_errors():
        try:
            return use_case(uow, *args, **kwargs)
        except TenderRefused as exc:
            _refused(exc)


@app.command("create")
def create(path: FILE, db: str | None = DB_OPTION) -> None:
    """Create a tender from its TOML definition file."""
    text = _text(path)
    tender = _run(db, service.create_tender, text, path.name)
    lots = ", ".join(f"{lot.code} ({len(lot.products)} products)" for lot in tender.lots)
    note_line(
        f"tender {tender.code} created: {tender.procedure.value}, award on {tender.award_method.value}, lots {lots}"
    )


LIST_COLUMNS = [
    "code",
    "name",
    "procedure",
    "award_method",
    "status",
    "registration",
    "lots",
    "bids",
    "round_of",
]


@app.command("list")
def list_(fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Every tender with its procedure, status and number of bids."""
    uow = _uow(db)
    with store_errors():
        summaries = service.list_tenders(uow)
    rows = [
        {
            "code": s.tender.code,
            "name": s.tender.name,
            "procedure": s.tender.procedure.value,
            "award_method": s.tender.award_method.value,
            "status": s.status.value,
            "registration": _registration(s),
            "lots": [lot.code for lot in s.tender.lots],
            "bids": s.bids,
            "round_of": s.tender.round_of,
        }
        for s in summaries
    ]
    render(rows, LIST_COLUMNS, fmt, title="Tenders")


def _registration(s: service.TenderSummary) -> str:
    r = s.tender.registration
    return f"{r.opens} to {r.closes}" if r.closes else f"from {r.opens} (continuous)"


@app.command("show")
def show(code: TENDER, fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """One tender: procedure, award method, term, lots, requirements, criteria, where it stands."""
    s = _run(db, service.show_tender, code)
    t = s.tender
    term = t.term
    document: dict[str, Any] = {
        "code": t.code,
        "name": t.name,
        "procedure": t.procedure.value,
        "award_method": t.award_method.value,
        "tariff_policy": t.tariff_policy.value,
        "status": s.status.value,
        "published": t.published,
        "registration": _registration(s),
        "term": f"{term.start}, "
        + (f"{term.years} years" if term.years else "indefinite")
        + "".join(f" + {y}" for y in term.extensions),
        "standstill_days": t.standstill_days,
        "intended_award_on": s.intended_award_on,
        "final_award_on": s.final_award_on,
        "framework": s.framework_code,
        "bids": s.bids,
        "round_of": t.round_of,
        "gap": [f"{m} {g.value}" for m, g in sorted(t.gap, key=lambda c: (c[0], c[1].value))],
        "additional_rounds": list(s.rounds),
        "lots": [
            f"{lot.code} {lot.name} ({lot.law.value}): "
            + ", ".join(p.code + (f" {p.tariff}" if p.tariff else "") for p in lot.products)
            + (f"; ceiling {lot.ceiling}" if lot.ceiling else "")
            + (f"; {lot.places} places" if lot.places else "")
            for lot in t.lots
        ],
        "requirements": [f"{r.code}: {r.summary}" for r in t.requirements],
        "remarks": [f"{r.code}: {r.text}" for r in t.remarks],
        "conditions": [f"{c.kind.value} {c.minimum}" for c in t.conditions],
        "criteria": [
            f"{c.code} {c.name} ({c.kind.value}, weight {c.weight}"
            + (f", minimum {c.minimum}" if c.minimum is not None else "")
            + ")"
            for c in t.criteria
        ],
        "scale": f"{t.scale.low} to {t.scale.high}",
        "minimum_total": t.minimum_total,
    }
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    else:
        render_object(document, fmt)


@app.command("bid")
def bid(
    code: TENDER,
    path: FILE,
    provider: str = typer.Option(..., "--provider", help="the bidder's AGB code"),
    on: str | None = ON_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Register a provider's bid (one [[bid]] per lot); a new bid on a lot replaces the earlier one."""
    text, day = _text(path), _day(on)
    bids = _run(db, service.submit_bid, code, provider, text, on=day, name=path.name)
    note_line(f"bid of {provider} on tender {code} stored for lot(s) {', '.join(b.lot_code for b in bids)}")
    for addition in _run(db, service.bid_additions, code, provider):
        cells = (
            "; ".join(f"{m} {g}" for m, g in addition.cells) or "nothing the other admitted bids leave open"
        )
        note_line(f"new to the region: on lot {addition.lot_code} it adds {cells}")


@app.command("score")
def score(
    code: TENDER,
    path: FILE,
    assessor: str = typer.Option(..., "--assessor", help="the assessor's name"),
    db: str | None = DB_OPTION,
) -> None:
    """Record one assessor's scores ([[score]] per provider, lot and criterion; consensus = true
    for a consensus score that overrides the mean)."""
    text = _text(path)
    count = _run(db, service.record_scores, code, assessor, text, name=path.name)
    note_line(f"{count} score(s) of {assessor} on tender {code} stored")


EVALUATION_COLUMNS = [
    "lot",
    "agb",
    "provider",
    "admitted",
    "rank",
    "score",
    "price_eur",
    "reason",
    "criteria",
    "contract",
]


def _outcome_rows(lines: tuple[service.OutcomeLine, ...], fmt: OutputFormat) -> list[dict[str, Any]]:
    rows = []
    for line in lines:
        o = line.outcome
        rows.append(
            {
                "lot": o.lot_code,
                "agb": o.provider_agb,
                "provider": line.provider_name,
                "admitted": o.admitted if fmt is OutputFormat.json else ("true" if o.admitted else "false"),
                "rank": o.rank,
                "score": str(line.score) if line.score is not None else None,
                "price_eur": str(o.price) if o.price is not None else None,
                "reason": o.reason + ("; awaiting admission (tenders admit)" if line.pending else ""),
                "criteria": [f"{k} {_plain(v)}" for k, v in o.criterion_scores.items()],
                "contract": line.contract_number,
            }
        )
    return rows


@app.command("evaluate")
def evaluate(code: TENDER, fmt: OutputFormat = FORMAT_OPTION, db: str | None = DB_OPTION) -> None:
    """Every bid's outcome: admitted true/false, the reason, the score (out of 100) and rank."""
    result = _run(db, service.evaluation, code)
    rows = _outcome_rows(result.lines, fmt)
    columns = EVALUATION_COLUMNS
    admitted = sum(1 for line in result.lines if line.outcome.admitted)
    title = f"Evaluation of {code} ({result.status.value}): {admitted} of {len(rows)} bids admitted"
    render(rows, columns, fmt, title=title)


@app.command("award")
def award(code: TENDER, on: str | None = ON_OPTION, db: str | None = DB_OPTION) -> None:
    """The intended award: fixes the evaluation and starts the standstill. Made once."""
    day = _day(on)
    result = _run(db, service.award, code, day)
    admitted = sum(1 for line in result.lines if line.outcome.admitted)
    until = f"; standstill until {result.standstill_until}" if result.standstill_until else "; no standstill"
    note_line(f"intended award of {code} on {day}: {admitted} of {len(result.lines)} bids admitted{until}")


@app.command("finalize")
def finalize(code: TENDER, on: str | None = ON_OPTION, db: str | None = DB_OPTION) -> None:
    """The final award after the standstill: creates the framework agreement, its lots and the
    admitted providers' contracts with their tariffs, term and extension options."""
    day = _day(on)
    result = _run(db, service.finalize, code, day)
    note_line(
        f"final award of {code} on {day}: framework agreement {result.framework_code}, "
        f"{len(result.contracts)} contract(s): {', '.join(result.contracts)}"
    )


@app.command("additional-round")
def additional_round(  # noqa: PLR0917 - typer options
    code: TENDER,
    closes: str = typer.Option(..., "--closes", help="the last day of the round's registration, YYYY-MM-DD"),
    opens: str | None = typer.Option(
        None, "--opens", help="its first day (default: today)", show_default=False
    ),
    round_code: str | None = typer.Option(
        None, "--code", help="the round's code (default: TENDER-R1, -R2, ...)", show_default=False
    ),
    minimum: int = typer.Option(
        1, "--minimum", min=1, help="fewer admitted bids than this in a cell is a gap"
    ),
    db: str | None = DB_OPTION,
) -> None:
    """An additional round for the coverage gap of an evaluated tender, that gap only: same lots,
    products, tariffs and criteria; its own registration period; bids must serve a gap cell; its
    final award adds contracts under the tender's framework agreement."""
    first, last = _day(opens), _date_option("--closes", closes)
    result = _run(
        db, service.open_additional_round, code, opens=first, closes=last, code=round_code, minimum=minimum
    )
    note_line(
        f"additional round {result.tender.code} of {code} opened, registration {first} to {last}, "
        f"for {len(result.gap)} gap cell(s): "
        + "; ".join(f"{r.municipality} {r.target_group.value}" for r in result.gap)
    )


@app.command("admit")
def admit(
    code: TENDER,
    provider: str = typer.Option(..., "--provider", help="the bidder's AGB code"),
    on: str | None = ON_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Open house: admit one provider's bid on its own after the final award, with its contract
    under the existing framework agreement from the admission day. A bid is decided once."""
    day = _day(on)
    result = _run(db, service.admit, code, provider, day)
    made = ", ".join(line.contract_number or "" for line in result.lines)
    note_line(f"{provider} admitted to {code} on {day}: contract(s) {made}")


def _date_option(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{name} {text!r}: not a date in the form YYYY-MM-DD")


CONDITION_COLUMNS = [
    "contract",
    "agb",
    "provider",
    "lot",
    "condition",
    "minimum",
    "active_clients",
    "breached",
]


@app.command("conditions")
def conditions(
    code: TENDER,
    year: int = typer.Option(..., "--year", "-y", help="the contract year to check", callback=checked_year),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """The tender's contract conditions checked for a year of the term, per contract (e.g. a
    minimum of active clients in the region: no contract for one client). Counts under 10 show
    as "< 10"."""
    checks = _run(db, service.check_conditions, code, year)
    rows = [
        {
            "contract": c.contract_number,
            "agb": c.provider_agb,
            "provider": c.provider_name,
            "lot": c.lot_code,
            "condition": c.condition.kind.value,
            "minimum": c.condition.minimum,
            "active_clients": "< 10" if suppressed(c.active_clients) else c.active_clients,
            "breached": c.breached if fmt is OutputFormat.json else ("yes" if c.breached else "no"),
        }
        for c in checks
    ]
    render(rows, CONDITION_COLUMNS, fmt, title=f"Contract conditions of {code} in {year}")


COVERAGE_COLUMNS = ["municipality", "cbs", "target_group", "providers", "gap"]


@app.command("coverage")
def coverage(
    code: TENDER,
    minimum: int = typer.Option(1, "--minimum", min=0, help="fewer admitted bids than this is a gap"),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Per municipality and target group whether the admitted bids cover it (gaps marked), and
    what each bid from a provider new to the region adds."""
    result = _run(db, service.tender_coverage, code, minimum)
    rows = [
        {
            "municipality": r.municipality,
            "cbs": r.municipality_code,
            "target_group": r.target_group.value,
            "providers": list(r.providers),
            "gap": r.gap if fmt is OutputFormat.json else ("yes" if r.gap else "no"),
        }
        for r in result.rows
    ]
    added = [
        {
            "agb": a.provider_agb,
            "provider": a.provider_name,
            "lot": a.lot_code,
            "adds": [f"{m} {g}" for m, g in a.cells] or "nothing",
        }
        for a in result.additions
    ]
    if fmt is OutputFormat.json:
        document = {"tender": code, "gaps": len(result.gaps), "cells": rows, "newcomers": added}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    render(
        rows,
        COVERAGE_COLUMNS,
        fmt,
        title=f"Coverage of the admitted bids of {code}: {len(result.gaps)} gap(s)",
    )
    if fmt is OutputFormat.table:
        if added:
            render(
                added, ["agb", "provider", "lot", "adds"], fmt, title="New to the region: what each bid adds"
            )
        else:
            note_line("no admitted bid from a provider new to the region")


# -- open contracting data (OCDS) ---------------------------------------------------------------


@app.command("ocds")
def ocds(
    code: TENDER,
    out: Annotated[
        Path, typer.Option("--out", help="the folder the packages are written to (made when missing)")
    ],
    base_url: str = typer.Option(
        "https://example.invalid/ocds",
        "--base-url",
        help="where the region publishes the files: each package's uri is BASE-URL/FILE "
        "(the default's .invalid says: not published yet)",
    ),
    on: str | None = ON_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Open contracting data: an OCDS 1.1.5 release package per stage the tender has reached
    (tender; award; contract), with the lots and awardCriteria extensions. The ocid is
    $ZORGINKOOP_OCID_PREFIX-TENDER. Organisations only: a free practitioner by AGB code."""
    from zorginkoop.cli.common import settings, writable_folder
    from zorginkoop.domain.procurement.ocds import dumps
    from zorginkoop.services.open_contracting import ocds_packages

    if not base_url.startswith(("https://", "http://")):
        fail(f"--base-url {base_url!r}: give an http(s) URL, e.g. https://opendata.lekstroom.nl/ocds")
    prefix = settings(db).ocid_prefix
    day = _day(on)
    packages = _run(db, ocds_packages, code, today=day, prefix=prefix, base_url=base_url)
    folder = writable_folder(out)
    for package in packages:
        path = folder / package.file_name
        try:
            path.write_text(dumps(package.content), encoding="utf-8")
        except OSError as exc:
            fail(f"--out {folder}: cannot write {package.file_name} ({exc.strerror or exc})")
        sys.stdout.write(f"{path}\n")
    stages = ", ".join(p.stage.value for p in packages)
    note_line(f"{len(packages)} OCDS release package(s) of {code} ({stages}) written to {folder}")
