# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop report``: the figures a policy memo quotes."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TypeVar

import typer

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli.common import DB_OPTION, checked_year, platform_for, store_errors, unit_of_work
from zorginkoop.cli.output import FORMAT_OPTION, TOTALS_OPTION, OutputFormat, fail, render
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import ConcentrationLine
from zorginkoop.services import reports

T = TypeVar("T")

app = typer.Typer(help="Reports: cost and clients per municipality and provider.", no_args_is_help=True)


class LawChoice(str, Enum):
    wmo = "wmo"
    jeugd = "jeugd"


YEAR_OPTION = typer.Option(..., "--year", "-y", help="calendar year, e.g. 2020", callback=checked_year)
LAW_OPTION = typer.Option(None, "--law", help="wmo or jeugd (default: both)")
EXCLUDE_OPTION = typer.Option(
    None, "--exclude", help="leave out a municipality (name or CBS code); repeatable"
)


def _law(choice: LawChoice | None) -> Law | None:
    return Law(choice.value) if choice is not None else None


def _query(db: str | None, question: Callable[[UnitOfWork], T]) -> T:
    """Ask the store one question; a report error or a store that refuses (the read's log entry
    cannot be written) becomes one clear line."""
    with store_errors(), unit_of_work(platform_for(db)) as uow:
        try:
            return question(uow)
        except reports.ReportError as exc:
            fail(str(exc))


@app.command("costs")
def costs(
    year: int = YEAR_OPTION,
    law: LawChoice | None = LAW_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
    totals: bool = TOTALS_OPTION,
) -> None:
    """Clients and approved cost per municipality; the table ends with the total row (csv and
    json give it with --totals; clients are counted once across the region)."""
    lines, total = _query(db, lambda uow: reports.read_costs(uow, year, _law(law)))
    rows = [
        {"municipality": line.municipality, "clients": line.clients, "cost_eur": str(line.cost)}
        for line in lines
    ]
    sums = [{"municipality": "total", "clients": total.clients, "cost_eur": str(total.cost)}]
    title = f"Approved cost {year}" + (f" ({law.value})" if law else "")
    render(rows, ["municipality", "clients", "cost_eur"], fmt, title=title, totals=sums, totals_only=totals)


@app.command("providers")
def providers(
    year: int = YEAR_OPTION,
    law: LawChoice | None = LAW_OPTION,
    exclude: list[str] | None = EXCLUDE_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Clients and approved cost per provider, largest first, with shares."""
    lines = _query(db, lambda uow: reports.read_providers(uow, year, _law(law), exclude))
    rows = [
        {
            "rank": p.rank,
            "agb": p.agb,
            "provider": p.provider,
            "clients": p.clients,
            "cost_eur": str(p.cost),
            "share_pct": p.share_pct,
            "cumulative_pct": p.cumulative_pct,
        }
        for p in lines
    ]
    columns = ["rank", "agb", "provider", "clients", "cost_eur", "share_pct", "cumulative_pct"]
    render(rows, columns, fmt, title=f"Providers {year}")


@app.command("concentration")
def concentration(
    year: int = YEAR_OPTION,
    law: LawChoice | None = LAW_OPTION,
    exclude: list[str] | None = EXCLUDE_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
    totals: bool = TOTALS_OPTION,
) -> None:
    """How spending is spread over providers: the largest holding 90% and 80%, the small tail;
    the table ends with all providers together (csv and json give that row with --totals)."""
    result = _query(db, lambda uow: reports.read_concentration(uow, year, _law(law), exclude))

    def row(line: ConcentrationLine) -> dict[str, object]:
        return {"group": line.label, "providers": line.providers, "cost_eur": str(line.cost),
                "share_pct": str(line.share_pct)}  # fmt: skip

    rows = [row(line) for line in (*result.largest, result.smallest_rest, result.small_providers)]
    render(rows, ["group", "providers", "cost_eur", "share_pct"], fmt, title=f"Provider concentration {year}",
           totals=[row(result.total)], totals_only=totals)  # fmt: skip


@app.command("years")
def years(
    law: LawChoice | None = LAW_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Clients and approved cost per year: the trend."""
    rows = [
        {"year": year, "clients": clients, "cost_eur": str(cost)}
        for year, clients, cost in _query(db, lambda uow: reports.read_years(uow, _law(law)))
    ]
    render(rows, ["year", "clients", "cost_eur"], fmt, title="Approved cost per year")
