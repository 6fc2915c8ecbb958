# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the monitoring figures from the analytics extract (DuckDB) against pandas.

Uses the store of ``--db`` (e.g. a region built with ``zorginkoop demo --scale N``) or builds
the plain Lekstroom demo in a temporary SQLite store, prints the number of declared lines,
builds the analytics extract (``--analytics PATH``, default beside a SQLite store; timed) and
then, in one run:

1. each named query of the dashboard and the concentration on one open read-only connection,
   ``--runs`` times: p50 and p95;
2. the services as the CLI, web and API call them (``monitoring.dashboard``,
   ``monitoring.concentration`` and ``monitoring.benchmark`` when another branch has added it):
   p50 and p95, freshness check and connection included;
3. the same figures from a pandas script over the same store: read with SQL what the figure
   needs (approved lines, filtered by municipality, law and years as such a script would), then
   ``groupby``; ``--pandas-runs`` times; each result is checked against DuckDB's;
4. the ratio pandas / DuckDB per figure, and the peak resident memory after the DuckDB part and
   after the pandas part.

Goal (issue 10): every dashboard and benchmark figure p95 < 300 ms and at least 10 times faster
than pandas at 10 million declared lines.

Usage: python benchmarks/bench_monitor.py [--db URL] [--analytics PATH] [--runs 30]
           [--pandas-runs 3] [--municipality CODE] [--year YEAR] [--no-refresh] [--no-pandas]
"""

from __future__ import annotations

import argparse
import inspect
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from zorginkoop.adapters.analytics.queries import Figures, figures
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import END_REASONS, GGZ_CATEGORIES, EndKind
from zorginkoop.services import analytics, monitoring
from zorginkoop.settings import Settings

GOAL_P95_MS = 300.0
GOAL_RATIO = 10.0


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return p50 * 1000, p95 * 1000


def _timed(run: Callable[[], Any], times: int) -> tuple[list[float], Any]:
    samples, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = run()
        samples.append(time.perf_counter() - started)
    return samples, result


def _progress(row: dict[str, Any]) -> None:
    """One line as each measurement ends (a run at 10 million lines takes a while)."""
    p50, p95 = row["duck"]
    pandas = f", pandas p50 {row['pandas'][0]:.0f} ms" if "pandas" in row else ""
    print(f"  {row['law']} {row['figure']}: p50 {p50:.1f} ms, p95 {p95:.1f} ms{pandas}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the figures: DuckDB's named query and the pandas script of each -----------------------------


@dataclass(frozen=True)
class Figure:
    name: str
    duck: Callable[[Figures], Any]
    panda: Callable[[Engine], Any] | None


def _figures(municipality: str, year: int, law: Law, heaviest: list[str]) -> list[Figure]:
    import pandas as pd

    asked = {"municipality": municipality, "year": year, "law": law.value}
    to_plan = [code for code, kind in END_REASONS[law].items() if kind is EndKind.TO_PLAN]
    lines = t.DeclarationLineRow.__table__

    def read(engine: Engine, *columns: str, years: tuple[int, int] = (year, year), **where: Any) -> Any:
        query = select(*(lines.c[c] for c in columns)).where(
            lines.c.status == "approved",
            lines.c.period_start >= date(years[0], 1, 1),
            lines.c.period_start <= date(years[1], 12, 31),
            *(lines.c[k] == v for k, v in where.items()),
        )
        with engine.connect() as connection:
            return pd.read_sql(query, connection)

    def pair(row: tuple[Any, ...]) -> tuple[int, int]:
        return int(row[0]), int(row[1])

    def p_totals(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "granted_cents", municipality_code=municipality, law=law.value)
        return int(df.client_bsn.nunique()), int(df.granted_cents.sum())

    def p_trend(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "granted_cents", "period_start", years=(1900, year),
                  municipality_code=municipality, law=law.value)  # fmt: skip
        df["year"] = pd.to_datetime(df.period_start).dt.year
        g = df.groupby("year").agg(clients=("client_bsn", "nunique"), cents=("granted_cents", "sum"))
        return [(int(y), int(r.clients), int(r.cents)) for y, r in g.sort_index().iterrows()]

    def p_by_product(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "granted_cents", "volume", "product_code", municipality_code=municipality,
                  law=law.value)  # fmt: skip
        df["product_code"] = df.product_code.fillna("")
        g = df.groupby("product_code").agg(
            clients=("client_bsn", "nunique"), cents=("granted_cents", "sum"), volume=("volume", "sum")
        )
        return sorted((str(p), int(r.clients), int(r.cents), int(r.volume)) for p, r in g.iterrows())

    def p_heaviest(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "granted_cents", "product_code", municipality_code=municipality,
                  law=law.value)  # fmt: skip
        df = df[df.product_code.isin(heaviest)]
        return int(df.client_bsn.nunique()), int(df.granted_cents.sum())

    def p_ggz(engine: Engine) -> Any:
        df = read(
            engine, "client_bsn", "granted_cents", "category", municipality_code=municipality, law=law.value
        )
        df = df[df.category.isin(sorted(GGZ_CATEGORIES))]
        return int(df.client_bsn.nunique()), int(df.granted_cents.sum())

    def p_new(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "period_start", years=(year - 1, year), municipality_code=municipality,
                  law=law.value)  # fmt: skip
        df["year"] = pd.to_datetime(df.period_start).dt.year
        before = set(df[df.year == year - 1].client_bsn)
        return int(df[(df.year == year) & ~df.client_bsn.isin(before)].client_bsn.nunique())

    def p_ended(engine: Engine) -> Any:
        df = read(engine, "client_bsn", municipality_code=municipality, law=law.value)
        a = t.AllocationRow.__table__
        with engine.connect() as connection:
            allocations = pd.read_sql(
                select(a.c.client_bsn, a.c.valid_to).where(
                    a.c.municipality_code == municipality, a.c.law == law.value
                ),
                connection,
            )
        ends = pd.to_datetime(allocations.valid_to)
        running = set(allocations[ends.isna() | (ends > pd.Timestamp(year, 12, 31))].client_bsn)
        return int(df[~df.client_bsn.isin(running)].client_bsn.nunique())

    def p_by_provider(engine: Engine) -> Any:
        df = read(engine, "client_bsn", "granted_cents", "provider_agb", law=law.value)
        g = df.groupby("provider_agb").agg(clients=("client_bsn", "nunique"), cents=("granted_cents", "sum"))
        return sorted((str(p), int(r.clients), int(r.cents)) for p, r in g.iterrows())

    found = [
        Figure("municipality_totals", lambda f: pair(f.one("municipality_totals", **asked)), p_totals),
        Figure(
            "trend", lambda f: [(int(y), int(c), int(s)) for y, c, s in f.rows("trend", **asked)], p_trend
        ),
        Figure(
            "by_product",
            lambda f: sorted(
                (str(p), int(c), int(s), int(v)) for p, c, s, v in f.rows("by_product", **asked)
            ),
            p_by_product,
        ),
        Figure(
            "totals_of_products",
            lambda f: pair(f.one("totals_of_products", **asked, products=heaviest)),
            p_heaviest,
        ),
        Figure("new_clients", lambda f: int(f.one("new_clients", **asked)[0]), p_new),
        Figure("ended_clients", lambda f: int(f.one("ended_clients", **asked)[0]), p_ended),
        Figure("ended_trajectories", lambda f: f.one("ended_trajectories", **asked, to_plan=to_plan), None),
        Figure(
            "cost_by_provider",
            lambda f: sorted(
                (str(a), int(c), int(s))
                for a, _n, c, s in f.rows("cost_by_provider", year=year, law=law.value, exclude=[])
            ),
            p_by_provider,
        ),
    ]
    if law is Law.JEUGD:
        found.insert(
            4,
            Figure(
                "totals_of_categories",
                lambda f: pair(f.one("totals_of_categories", **asked, categories=sorted(GGZ_CATEGORIES))),
                p_ggz,
            ),
        )
    return found


def _heaviest(engine: Engine, settings: Settings, municipality: str, year: int, law: Law) -> list[str]:
    return list(
        monitoring.dashboard(UnitOfWork(engine, settings=settings), municipality, year, law).heaviest_products
    )


def _benchmark_call(engine: Engine, settings: Settings, year: int, law: Law) -> Callable[[], Any] | None:
    """``monitoring.benchmark`` when this version has it (another branch adds it)."""
    function = getattr(monitoring, "benchmark", None)
    if function is None:
        return None
    parameters = inspect.signature(function).parameters
    kwargs: dict[str, Any] = {}
    if "law" in parameters:
        kwargs["law"] = law
    return lambda: function(UnitOfWork(engine, settings=settings), year, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLAlchemy URL of an existing store (default: build the demo)")
    parser.add_argument("--analytics", type=Path, help="the extract's file (default: beside a SQLite store)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--pandas-runs", type=int, default=3)
    parser.add_argument("--municipality", help="CBS code (default: the one with the most lines)")
    parser.add_argument("--year", type=int, help="default: the latest year with approved lines")
    parser.add_argument("--no-refresh", action="store_true", help="use the extract as it is")
    parser.add_argument("--no-pandas", action="store_true")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it comes

    folder = tempfile.mkdtemp(prefix="bench-monitor-")
    if args.db:
        url = args.db
        engine = make_engine(url)
    else:
        from zorginkoop.services.demo import build_demo

        url = f"sqlite:///{folder}/demo.sqlite"
        engine = make_engine(url)
        started = time.perf_counter()
        build_demo(engine, seed=2020)
        print(f"built the demo in {time.perf_counter() - started:.1f} s")
    settings = Settings(database_url=url, analytics_path=args.analytics)
    L = t.DeclarationLineRow
    with engine.connect() as connection:
        lines = int(connection.scalar(select(func.count()).select_from(L)) or 0)
        per_municipality = connection.execute(
            select(L.municipality_code, func.count())
            .group_by(L.municipality_code)
            .order_by(func.count().desc())
        ).all()
        latest = connection.scalar(select(func.max(L.period_start)).where(L.status == "approved"))
    municipality = args.municipality or per_municipality[0][0]
    year = args.year or (latest.year if isinstance(latest, date) else date.fromisoformat(str(latest)).year)
    print(f"store: {url}")
    print(
        f"declared lines: {lines:,} (municipality {municipality}: {dict(per_municipality)[municipality]:,})"
    )

    if not args.no_refresh:
        started = time.perf_counter()
        done = analytics.refresh(engine, settings)
        print(
            f"analytics {'build' if done.full else 'refresh'}: {time.perf_counter() - started:.1f} s -> {done.path}"
        )
        started = time.perf_counter()
        again = analytics.refresh(engine, settings)
        print(
            f"incremental refresh with nothing new: {time.perf_counter() - started:.2f} s ({again.path.stat().st_size / 2**20:.0f} MiB)"
        )
    path = analytics.extract_path(settings, engine)
    assert path is not None
    if not analytics.status(engine, settings).fresh:
        raise SystemExit("the extract is behind the store: run without --no-refresh")
    print(f"peak RSS after the refresh: {_peak_rss_mb():,.0f} MiB")

    rows: list[dict[str, Any]] = []
    for law in (Law.WMO, Law.JEUGD):
        heaviest = _heaviest(engine, settings, municipality, year, law)
        found = _figures(municipality, year, law, heaviest)
        with figures(path, Scope.region()) as f:
            for figure in found:
                samples, result = _timed(lambda figure=figure: figure.duck(f), args.runs)
                rows.append({"law": law.value, "figure": figure.name, "duck": _ms(samples), "result": result,
                             "figure_obj": figure})  # fmt: skip
                _progress(rows[-1])
        for name, call in (
            ("service: dashboard", lambda law=law: monitoring.dashboard(UnitOfWork(engine, settings=settings), municipality, year, law)),
            ("service: concentration", lambda law=law: monitoring.concentration(UnitOfWork(engine, settings=settings), year, law)),
        ):  # fmt: skip
            samples, result = _timed(call, args.runs)
            source = getattr(result, "source", "analytics")
            rows.append({"law": law.value, "figure": f"{name} ({source})", "duck": _ms(samples)})
            _progress(rows[-1])
        bench = _benchmark_call(engine, settings, year, law)
        if bench is not None:
            samples, _result = _timed(bench, max(3, args.runs // 3))
            rows.append({"law": law.value, "figure": "service: benchmark", "duck": _ms(samples)})
    duck_rss = _peak_rss_mb()

    if not args.no_pandas:
        for row in rows:
            figure = row.get("figure_obj")
            if figure is None or figure.panda is None:
                continue
            samples, result = _timed(lambda figure=figure: figure.panda(engine), args.pandas_runs)
            row["pandas"] = _ms(samples)
            row["same"] = result == row["result"]
            _progress(row)
    pandas_rss = _peak_rss_mb()

    print(f"\nmunicipality {municipality}, year {year}; DuckDB {args.runs} runs, pandas {args.pandas_runs} runs "
          f"(pandas: SQL read of the figure's lines + groupby)")  # fmt: skip
    print(f"{'law':6} {'figure':38} {'p50 ms':>9} {'p95 ms':>9} {'pandas p50':>11} {'ratio':>7} {'same':>5}")
    misses = []
    for row in rows:
        p50, p95 = row["duck"]
        pandas = row.get("pandas")
        ratio = pandas[0] / p50 if pandas else None
        print(f"{row['law']:6} {row['figure']:38} {p50:9.1f} {p95:9.1f} "
              f"{(f'{pandas[0]:11.1f}' if pandas else ' ' * 11)} {(f'{ratio:7.1f}' if ratio else ' ' * 7)} "
              f"{row.get('same', '')!s:>5}")  # fmt: skip
        if p95 >= GOAL_P95_MS:
            misses.append(f"{row['law']} {row['figure']}: p95 {p95:.0f} ms")
        if ratio is not None and ratio < GOAL_RATIO:
            misses.append(f"{row['law']} {row['figure']}: only {ratio:.1f}x pandas")
        if row.get("same") is False:
            misses.append(f"{row['law']} {row['figure']}: pandas gives another figure")
    print(f"\npeak RSS: {duck_rss:,.0f} MiB after the DuckDB part, {pandas_rss:,.0f} MiB after pandas")
    print(f"goal: p95 < {GOAL_P95_MS:.0f} ms and >= {GOAL_RATIO:.0f}x pandas at 10 million lines")
    print("missed: " + ("; ".join(misses) if misses else "none"))


if __name__ == "__main__":
    main()
