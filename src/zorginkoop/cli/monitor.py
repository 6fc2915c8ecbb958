# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop monitor``: supplier monitoring (concentration, coverage)."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import Enum
from typing import Any

import typer

from zorginkoop.cli.common import DB_OPTION, checked_year, platform_for, store_errors, unit_of_work
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, render
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import Measure, ProviderPareto
from zorginkoop.services import monitoring

app = typer.Typer(
    help="Supplier monitoring: provider concentration and coverage of the offer (dekkend aanbod).",
    no_args_is_help=True,
)


class LawChoice(str, Enum):
    wmo = "wmo"
    jeugd = "jeugd"


class MeasureChoice(str, Enum):
    cost = "cost"
    clients = "clients"


YEAR_OPTION = typer.Option(..., "--year", "-y", help="calendar year, e.g. 2020", callback=checked_year)
EXCLUDE_OPTION = typer.Option(
    None, "--exclude", help="leave out a municipality (name or CBS code); repeatable"
)
ANY_LAW_OPTION = typer.Option(None, "--law", help="wmo or jeugd (default: both)")
LAW_OPTION = typer.Option(LawChoice.wmo, "--law", help="wmo or jeugd")
MEASURE_OPTION = typer.Option(
    MeasureChoice.cost, "--by", help="rank by approved cost (as the Lekstroom memo does) or by clients"
)

PROVIDER_COLUMNS = ["rank", "agb", "provider", "clients", "cost_eur", "share_pct", "cumulative_pct", "small"]
SUMMARY_COLUMNS = ["group", "providers", "clients", "cost_eur", "share_pct"]


def _summary(result: ProviderPareto) -> list[dict[str, Any]]:
    return [
        {
            "group": g.label,
            "providers": g.providers,
            "clients": g.clients,
            "cost_eur": str(g.cost),
            "share_pct": str(g.share_pct),
        }
        for g in result.groups()
    ]


@app.command("concentration")
def concentration(
    year: int = YEAR_OPTION,
    law: LawChoice | None = ANY_LAW_OPTION,
    exclude: list[str] | None = EXCLUDE_OPTION,
    by: MeasureChoice = MEASURE_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Providers ranked by approved cost (or clients) in a year, with share and cumulative share,
    how many of the largest hold 80% and 90%, and the small tail (fewer than 7 clients)."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            result = monitoring.concentration(
                uow, year, Law(law.value) if law else None, exclude, Measure(by.value)
            )
        except monitoring.MonitoringQueryError as exc:
            fail(str(exc))
    providers = [
        {
            "rank": line.rank,
            "agb": line.agb_code,
            "provider": line.name,
            "clients": line.clients,
            "cost_eur": str(line.cost),
            "share_pct": str(line.share_pct),
            "cumulative_pct": str(line.cumulative_pct),
            "small": line.small if fmt is OutputFormat.json else ("ja" if line.small else "nee"),
        }
        for line in result.lines
    ]
    title = f"Provider concentration {year}" + (f" ({law.value})" if law else "") + f", by {by.value}"
    if fmt is OutputFormat.json:
        document = {
            "year": year,
            "law": law.value if law else None,
            "measure": by.value,
            "excluded": exclude or [],
            "providers": result.providers,
            "clients": result.clients,
            "cost_eur": str(result.cost),
            "holding": {f"{percent}%": n for percent, n in result.holding},
            "small_providers": result.small_providers,
            "small_clients": result.small_clients,
            "small_cost_eur": str(result.small_cost),
            "summary": _summary(result),
            "lines": providers,
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif fmt is OutputFormat.csv:
        render(providers, PROVIDER_COLUMNS, fmt)
    else:
        render(providers, PROVIDER_COLUMNS, fmt, title=title)
        render(_summary(result), SUMMARY_COLUMNS, fmt, title="As the memo reads it")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--on {text!r}: not a date in the form YYYY-MM-DD")


@app.command("coverage")
def coverage(
    on: str = typer.Option(..., "--on", help="the day to check, YYYY-MM-DD"),
    law: LawChoice = LAW_OPTION,
    minimum: int = typer.Option(
        1, "--minimum", min=0, help="fewer available providers than this is a gap (default 1)"
    ),
    gaps_only: bool = typer.Option(False, "--gaps-only", help="show only the gaps"),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Coverage of the offer (dekkend aanbod) per municipality and target group: the providers
    contracted on the day that serve it, have no client stop and have room; a gap where fewer
    than --minimum are left."""
    day = _day(on)
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            lines = monitoring.coverage_on(uow, day, Law(law.value), minimum)
        except monitoring.MonitoringQueryError as exc:
            fail(str(exc))
    rows = [
        {
            "municipality": line.municipality,
            "cbs": line.municipality_code,
            "target_group": line.target_group.value,
            "available": line.available,
            "gap": line.gap if fmt is OutputFormat.json else str(line.gap).lower(),
            "providers": list(line.providers) if fmt is OutputFormat.json else " ".join(line.providers),
        }
        for line in lines
        if line.gap or not gaps_only
    ]
    columns = ["municipality", "cbs", "target_group", "available", "gap", "providers"]
    if fmt is OutputFormat.table:
        columns = columns[:-1]  # the AGB codes make the table unreadable; csv and json carry them
    gaps = sum(1 for line in lines if line.gap)
    render(
        rows,
        columns,
        fmt,
        title=f"Coverage {law.value} on {day.isoformat()} (minimum {minimum}): {gaps} gaps",
    )

