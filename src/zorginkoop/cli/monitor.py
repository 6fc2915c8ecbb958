# SPDX-License-Identifier: EUPL-1.2
# ruff: noqa: PLR0917 - Typer commands take their options as parameters
"""``zorginkoop monitor``: supplier monitoring (concentration, coverage, the municipality dashboard,
the provider benchmark)."""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from zorginkoop.adapters import charts
from zorginkoop.cli.common import (
    DB_OPTION,
    checked_year,
    platform_for,
    store_errors,
    unit_of_work,
    writable_folder,
)
from zorginkoop.cli.output import FORMAT_OPTION, OutputFormat, fail, note_line, render
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import BENCHMARK_FIGURES, Measure, ProviderPareto
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

CHART_OPTION = typer.Option(
    None, "--chart", help="also write the Pareto chart (cumulative share by rank) to this SVG file"
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
    chart: Path | None = CHART_OPTION,
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
    if chart is not None:
        _write_chart(chart, charts.concentration(result, year, law.value if law else None))
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


def _write_chart(path: Path, svg: str) -> None:
    if path.suffix.lower() != ".svg":
        fail(f"--chart {path}: the chart is an SVG file, give a name ending in .svg")
    try:
        path.write_text(svg, encoding="utf-8")
    except OSError as exc:
        fail(f"--chart {path}: cannot write the chart ({exc.strerror})")


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


def _share(value: Decimal | None) -> str | None:
    """A share (0-1) as a percentage with one decimal; None (suppressed) stays None."""
    pct = monitoring.percent(value)
    return None if pct is None else str(pct)


def _group(group: monitoring.GroupFigure | None) -> dict[str, Any] | None:
    if group is None:
        return None
    return {"clients": group.clients, "cost_eur": str(group.cost), "cost_share_pct": _share(group.cost_share)}


def dashboard_document(found: monitoring.Dashboard) -> dict[str, Any]:
    """The dashboard as the JSON output gives it (amounts as decimal strings in euros, shares as
    percentages with one decimal, null when suppressed)."""
    return {
        "municipality": found.municipality,
        "cbs_code": found.municipality_code,
        "year": found.year,
        "law": found.law.value,
        "clients": found.clients,
        "cost_eur": str(found.cost),
        "cost_per_client_eur": str(found.cost_per_client) if found.cost_per_client else None,
        "new_clients": found.new_clients,
        "ended_clients": found.ended_clients,
        "trajectories_ended": found.trajectories_ended,
        "average_days": None if found.average_days is None else str(found.average_days),
        "ended_to_plan_pct": _share(found.ended_to_plan),
        "heaviest_products": list(found.heaviest_products),
        "heaviest": _group(found.heaviest),
        "ggz": _group(found.ggz),
        "other_youth_care": _group(found.other_youth_care),
        "by_product": [
            {
                "product": p.product_code,
                "name": p.name,
                "category": p.category,
                "unit": p.unit,
                "clients": p.clients,
                "cost_eur": str(p.cost),
                "volume": p.volume,
                "cost_share_pct": _share(p.cost_share),
                "heaviest": p.heaviest,
            }
            for p in found.by_product
        ],
        "trend": [{"year": y.year, "clients": y.clients, "cost_eur": str(y.cost)} for y in found.trend],
        "by_referrer": None
        if found.law is not Law.JEUGD
        else [
            {
                "referrer_type": r.referrer_type,
                "referrer": r.label,
                "clients": r.clients,
                "cost_eur": str(r.cost),
                "cost_share_pct": _share(r.cost_share),
            }
            for r in found.by_referrer
        ],
    }


PRODUCT_COLUMNS = ["product", "name", "clients", "cost_eur", "volume", "cost_share_pct", "heaviest"]
REFERRER_COLUMNS = ["referrer_type", "referrer", "clients", "cost_eur", "cost_share_pct"]


class DashboardSection(str, Enum):
    """The list ``--format csv`` writes (a CSV holds one table)."""

    product = "product"
    referrer = "referrer"


SECTION_OPTION = typer.Option(
    DashboardSection.product,
    "--section",
    help="the list --format csv writes: product, or referrer (Jeugd: per COD327 referrer type)",
)


@app.command("dashboard")
def dashboard(
    municipality: str = typer.Option(..., "--municipality", "-m", help="municipality name or CBS code"),
    year: int = YEAR_OPTION,
    law: LawChoice = LAW_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
    section: DashboardSection = SECTION_OPTION,
) -> None:
    """A municipality's figures of a year: clients and cost (as `report costs`), per product
    (clients, cost, volume), the trend over the years, the share of the heaviest products, new
    and ended clients, and for Jeugd the GGZ (JZ020 51, 52, 54) apart from the rest and the
    figures per referrer (COD327: Gemeente, Huisarts, ...). Shares over fewer than 10 people
    are left empty."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            found = monitoring.dashboard(uow, municipality, year, Law(law.value))
        except monitoring.MonitoringQueryError as exc:
            fail(f"--municipality: {exc}")
    document = dashboard_document(found)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    products = [
        {
            **p,
            "heaviest": str(p["heaviest"]).lower()
            if fmt is OutputFormat.csv
            else ("ja" if p["heaviest"] else ""),
        }
        for p in document["by_product"]
    ]
    if fmt is OutputFormat.csv:
        if section is DashboardSection.referrer:
            if document["by_referrer"] is None:
                note_line("the Wmo knows no referrer (Verwijzer): ask --section referrer with --law jeugd")
            render(document["by_referrer"] or [], REFERRER_COLUMNS, fmt)
            return
        render(products, PRODUCT_COLUMNS, fmt)
        return
    lists = {"by_product", "trend", "heaviest", "ggz", "other_youth_care", "heaviest_products", "by_referrer"}
    summary = {k: v for k, v in document.items() if k not in lists}
    summary["heaviest_products"] = " ".join(found.heaviest_products) or "-"
    for key in ("heaviest", "ggz", "other_youth_care"):
        group = document[key]
        if group is not None:
            share = f"{group['cost_share_pct']}%" if group["cost_share_pct"] is not None else "< 10 people"
            summary[key] = f"{group['clients']} clients, EUR {group['cost_eur']} ({share} of cost)"
    render(
        [{"figure": k, "value": v} for k, v in summary.items()],
        ["figure", "value"],
        fmt,
        title=f"Dashboard {found.municipality} {year} ({law.value})",
    )
    render(products, PRODUCT_COLUMNS, fmt, title="Per product")
    if document["by_referrer"] is not None:
        render(document["by_referrer"], REFERRER_COLUMNS, fmt, title="Per referrer (COD327)")
    render(document["trend"], ["year", "clients", "cost_eur"], fmt, title="Trend")


REPORT_OUT_OPTION = typer.Option(..., "--out", "-o", help="the folder to write the HTML and PDF into")


@app.command("account-report")
def account_report(
    provider: str = typer.Option(..., "--provider", "-p", help="the provider's AGB code"),
    quarter: str = typer.Option(..., "--quarter", "-q", help="the quarter, e.g. 2020-Q4"),
    out: Path = REPORT_OUT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """A provider's account report for a quarter, as HTML and PDF: clients and cost per quarter,
    durations and end reasons of ended trajectories, ceiling use and the signals recorded about
    it (charts with the same figures in tables)."""
    from zorginkoop.adapters import documents
    from zorginkoop.services import account_report as reporting

    try:
        period = reporting.Quarter.parse(quarter)
    except reporting.QuarterError as exc:
        fail(f"--quarter: {exc}")
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            report = reporting.account_report(uow, provider, period)
        except reporting.AccountReportError as exc:
            fail(str(exc))
    folder = writable_folder(out)
    try:
        written = documents.write_account_report(report, folder)
    except documents.DocumentError as exc:
        fail(str(exc), code=1)
    typer.echo(f"{written.html}\n{written.pdf}")
    note_line(f"{report.title}: {len(report.sections)} sections, PDF rendered in {written.pdf_seconds:.2f} s")


# -- the provider benchmark ----------------------------------------------------------------------

BENCHMARK_COLUMNS = ["agb", "provider", *BENCHMARK_FIGURES]
MEDIAN_COLUMNS = [f"median_{name}" for name in BENCHMARK_FIGURES]
BENCHMARK_TABLE_COLUMNS = ["agb", "provider", "clients", "cost_eur", "ended", "plan_%", "goals_%"]
"""What fits 80 columns; csv and json carry every figure and the peer medians."""


def benchmark_document(found: monitoring.Benchmark) -> dict[str, Any]:
    """The benchmark as the JSON output gives it: every figure of every line with the median of
    the other providers, or, for a provider's own view, its line and its peers' quartiles."""
    lines = [
        {
            "agb": row.line.agb_code,
            "provider": row.line.name,
            **{name: monitoring.figure_text(name, row.line.figure(name)) for name in BENCHMARK_FIGURES},
            "peer_median": {
                name: monitoring.figure_text(name, value) for name, value in row.peer_median.items()
            },
        }
        for row in found.rows
    ]
    document: dict[str, Any] = {
        "year": found.year,
        "law": found.law.value if found.law else None,
        "excluded": list(found.excluded),
        "provider_view": found.provider_view,
        "providers": found.providers,
        "lines": lines,
    }
    if found.median is not None:
        document["median"] = {
            name: monitoring.figure_text(name, value) for name, value in found.median.items()
        }
    if found.peers is not None:
        document["peers"] = {
            name: {
                "peers": spread.peers,
                "first_quartile": monitoring.figure_text(name, spread.first_quartile),
                "median": monitoring.figure_text(name, spread.median),
                "third_quartile": monitoring.figure_text(name, spread.third_quartile),
            }
            for name, spread in found.peers.items()
        }
    return document


@app.command("benchmark")
def benchmark(
    year: int = YEAR_OPTION,
    law: LawChoice | None = ANY_LAW_OPTION,
    exclude: list[str] | None = EXCLUDE_OPTION,
    rounded: bool = typer.Option(
        False, "--rounded", help="round counts and amounts to multiples of 5, as for a provider or an export"
    ),
    fmt: OutputFormat = FORMAT_OPTION,
    db: str | None = DB_OPTION,
) -> None:
    """Per provider: clients and approved cost (as `report providers`), cost per client, the
    trajectories that ended in the year (number, average days, shares ended to plan, goals
    reached, no repeat request within 6 months, scale-down) and satisfaction, each with the
    median of the other providers (csv: median_* columns). Shares over fewer than 10 people are
    left empty. The table shows what fits 80 columns; csv and json carry every figure."""
    with store_errors():
        uow = unit_of_work(platform_for(db))
    with store_errors():
        try:
            found = monitoring.benchmark(
                uow, year, Law(law.value) if law else None, exclude, provider_view=rounded
            )
        except monitoring.MonitoringQueryError as exc:
            fail(f"--exclude: {exc}")
    document = benchmark_document(found)
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is OutputFormat.csv:
        rows = [
            {**line, **{f"median_{k}": v for k, v in line["peer_median"].items()}}
            for line in document["lines"]
        ]
        render(rows, [*BENCHMARK_COLUMNS, *MEDIAN_COLUMNS], fmt)
        return
    table = [
        {
            "agb": line["agb"],
            "provider": line["provider"],
            "clients": line["clients"],
            "cost_eur": line["cost_eur"],
            "ended": line["ended"],
            "plan_%": _share(row.line.ended_to_plan_share),
            "goals_%": _share(row.line.goals_reached_share),
        }
        for line, row in zip(document["lines"], found.rows, strict=True)
    ]
    title = f"Provider benchmark {year}" + (f" ({law.value})" if law else "")
    if found.excluded:
        title += f", without {', '.join(found.excluded)}"
    render(table, BENCHMARK_TABLE_COLUMNS, fmt, title=title)
    median = found.median or {}
    render(
        [
            {
                "figure": name,
                "median": _share(value)
                if name in monitoring.SHARE_FIGURES
                else monitoring.figure_text(name, value),
            }
            for name, value in median.items()
        ],
        ["figure", "median"],
        fmt,
        title="Median of all providers (shares in %)",
    )
