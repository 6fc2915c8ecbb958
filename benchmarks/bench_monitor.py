# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the monitoring figures from the analytics extract (DuckDB) against pandas.

Uses the store of ``--db`` (e.g. a region built with ``zorginkoop demo --scale N``) or builds
the plain Lekstroom demo in a temporary SQLite store, prints the number of declared lines,
builds the analytics extract (``--analytics PATH``, default beside a SQLite store; timed) and
then, in one run:

1. each named query of the dashboard and the concentration on one open read-only connection,
   ``--runs`` times: p50 and p95;
2. the services as the CLI, web and API call them (``monitoring.dashboard``,
   ``monitoring.concentration`` and ``monitoring.benchmark``, which says whether it read the
   extract): p50 and p95, freshness check, connection and the survey's satisfaction included;
3. the same figures from a pandas script over the same store: read with SQL what the figure
   needs (approved lines, filtered by municipality, law and years as such a script would), then
   ``groupby``; ``--pandas-runs`` times; each result is checked against DuckDB's;
   the benchmark's pandas script is :func:`pandas_benchmark` (its lines checked equal to the
   service's, satisfaction aside);
4. the ratio pandas / DuckDB per figure, and the peak resident memory after the DuckDB part and
   after the pandas part.

A store of 10 million lines: ``--db sqlite:///tmp/ten-million.sqlite --build-copies 127`` builds
the demo there and copies its care (lines, allocations, 305/307, decisions; each copy its own
clients) to 127 copies in all (about 25 minutes on a shared 2-core machine), then stops; run
the benchmark on it with ``--db`` (the first run builds the extract; later ones ``--no-refresh``).

Goal (issue 10): every dashboard and benchmark figure p95 < 300 ms and at least 10 times faster
than pandas at 10 million declared lines.

Usage: python benchmarks/bench_monitor.py [--db URL] [--analytics PATH] [--runs 30]
           [--pandas-runs 3] [--municipality CODE] [--year YEAR] [--no-refresh] [--no-pandas]
           [--build-copies N]
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
from dataclasses import dataclass, replace
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


def _figures(municipality: str, year: int, law: Law, heaviest: list[str], engine: Engine) -> list[Figure]:
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
    weights = _weights(engine, year, law)
    ended = {"year": year, "laws": [law.value], "as_of": date.today(), "weighed": [f"{law.value} {c}" for c, _ in weights] or ["-"],
             "weights": [w for _, w in weights] or [0]}  # fmt: skip
    found += [
        Figure(
            "cost_by_provider_of_region",
            lambda f: sorted(
                (str(a), int(c), int(s))
                for a, _n, c, s in f.rows("cost_by_provider_of_region", year=year, law=law.value)
            ),
            p_by_provider,
        ),
        Figure(
            "trend_of_municipality",
            lambda f: [(int(y), int(c), int(s)) for y, c, s in f.rows("trend_of_municipality", **asked)],
            p_trend,
        ),
        Figure(
            "by_product_of_municipality",
            lambda f: sorted(
                (str(p), int(c), int(s), int(v))
                for p, c, s, v in f.rows("by_product_of_municipality", **asked)
            ),
            p_by_product,
        ),
        Figure(
            "dashboard_totals (one scan)",
            lambda f: tuple(
                int(v)
                for v in f.one(
                    "dashboard_totals",
                    **asked,
                    products=heaviest or ["(none)"],
                    categories=sorted(GGZ_CATEGORIES),
                )
            ),
            None,
        ),
        Figure(
            "ended_by_provider (benchmark)",
            lambda f: sorted(f.rows("ended_by_provider", **ended, whole=True, municipalities=[])),
            None,
        ),
        Figure(
            "ended_counts (dashboard)",
            lambda f: f.one("ended_counts", **ended, whole=False, municipalities=[municipality]),
            None,
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


def _weights(engine: Engine, year: int, law: Law) -> list[tuple[str, int]]:
    """The tariffs per unit the benchmark's scale-down compares (as ``monitoring.benchmark``)."""
    with UnitOfWork(engine) as uow:
        found = {
            tariff.product_code: tariff.amount.cents
            for tariff in uow.catalogue.tariffs(law)
            if tariff.valid.contains(date(year, 1, 1))
        }
    return sorted(found.items())


def pandas_benchmark(engine: Engine, year: int, law: Law, as_of: date) -> list[Any]:
    """The provider benchmark as a pandas script computes it from the same store: clients and
    cost per provider by ``groupby`` over the approved lines; the trajectories from allocations
    and their current 305/307 (the latest per allocation and kind, by ``groupby``/``merge``); the
    per-client rules (re-allocations joined, the scale-down follower, the no-repeat window) by
    the domain's functions over the frame's rows, as the store path decides them; the counts
    per provider by ``groupby``; shares and suppression by the domain (``benchmark_lines_of``).
    Satisfaction is left out (no survey in the store read)."""
    import pandas as pd

    from zorginkoop.domain.money import Money
    from zorginkoop.domain.monitoring import (
        END_REASONS as REASONS,
    )
    from zorginkoop.domain.monitoring import (
        DecisionFact,
        GoalsReached,
        ProviderYear,
        Trajectory,
        benchmark_lines_of,
        ended_counts,
        ended_facts,
    )
    from zorginkoop.services.monitoring import product_weight

    L, A, E, D = (
        x.__table__ for x in (t.DeclarationLineRow, t.AllocationRow, t.DeliveryEventRow, t.DecisionRow)
    )
    with engine.connect() as connection:
        lines = pd.read_sql(
            select(L.c.provider_agb, L.c.client_bsn, L.c.granted_cents).where(
                L.c.status == "approved", L.c.law == law.value,
                L.c.period_start >= date(year, 1, 1), L.c.period_start <= date(year, 12, 31),
            ),
            connection,
        )  # fmt: skip
        names = pd.read_sql(select(t.ProviderRow.agb_code, t.ProviderRow.name), connection)
        allocations = pd.read_sql(
            select(A.c.id, A.c.municipality_code, A.c.number, A.c.client_bsn, A.c.provider_agb, A.c.product_code,
                   A.c.category, A.c.valid_from, A.c.valid_to, A.c.goals_reached).where(A.c.law == law.value),
            connection,
        )  # fmt: skip
        events = pd.read_sql(
            select(E.c.id, E.c.municipality_code, E.c.allocation_number, E.c.kind, E.c.start_date, E.c.end_date,
                   E.c.end_reason).where(E.c.law == law.value, E.c.status == "1", E.c.current.is_(True)),
            connection,
        )  # fmt: skip
        decisions = pd.read_sql(
            select(D.c.client_bsn, D.c.decided_on).where(D.c.law == law.value), connection
        )
    spend = lines.groupby("provider_agb").agg(
        clients=("client_bsn", "nunique"), cents=("granted_cents", "sum")
    )
    spend = spend.join(names.set_index("agb_code"), how="inner")
    providers = [
        ProviderYear(str(a), str(r["name"]), int(r.clients), Money(int(r.cents))) for a, r in spend.iterrows()
    ]
    key = ["municipality_code", "allocation_number"]
    events = events.sort_values("id")
    starts = events[events.kind == "start"].groupby(key).last()[["start_date"]]
    stops = (
        events[(events.kind == "stop") & events.end_date.notna()]
        .groupby(key)
        .last()[["end_date", "end_reason"]]
    )
    frame = allocations.rename(columns={"number": "allocation_number"}).sort_values("id")
    frame = frame.join(starts, on=key).join(stops, on=key)
    known = set(REASONS[law])
    trajectories = []
    for row in frame.itertuples(index=False):
        start = row.start_date if isinstance(row.start_date, date) else row.valid_from
        if isinstance(row.end_date, date):
            end, reason = row.end_date, row.end_reason if row.end_reason in known else None
        else:
            end, reason = (row.valid_to if isinstance(row.valid_to, date) else None), None
        if end is not None and end < start:
            end = start
        trajectories.append(Trajectory(
            row.client_bsn, row.provider_agb, row.product_code if isinstance(row.product_code, str) else row.category,
            law, start, end, reason,
            GoalsReached(row.goals_reached) if isinstance(row.goals_reached, str) and row.goals_reached else None,
        ))  # fmt: skip
    facts = [
        f for f in ended_facts(trajectories, [DecisionFact(c, law, d) for c, d in decisions.itertuples(index=False)])
        if f.trajectory.end is not None and f.trajectory.end.year == year
    ]  # fmt: skip
    weights = product_weight((law, code, cents) for code, cents in _weights(engine, year, law))
    by_provider = pd.DataFrame({"agb": [f.trajectory.provider_agb for f in facts], "i": range(len(facts))})
    counts = {
        str(agb): ended_counts([facts[i] for i in group.i], as_of, weights)
        for agb, group in by_provider.groupby("agb")
    }
    return benchmark_lines_of(providers, counts)


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
    # the benchmark as the region reads it, the survey's satisfaction read from the store too
    return lambda: function(UnitOfWork(engine, settings=settings), year, **kwargs)


_COPIED = {
    "declaration_line": {"client_bsn": "client_bsn || '#{k}'", "reference": "reference || '#{k}'",
                         "allocation_number": "allocation_number + {k} * 1000000000000"},
    "allocation": {"client_bsn": "client_bsn || '#{k}'", "number": "number + {k} * 1000000000000",
                   "decision_id": "decision_id || '#{k}'"},
    "delivery_event": {"client_bsn": "client_bsn || '#{k}'",
                       "allocation_number": "allocation_number + {k} * 1000000000000"},
    "decision": {"client_bsn": "client_bsn || '#{k}'", "id": "id || '#{k}'"},
}  # fmt: skip
"""What a copy changes so it is other care: the client (a BSN with the copy's suffix), the
allocation numbers, line references and decision ids; everything else (dates, products,
providers, amounts, end reasons, goals) as the demo has it."""


def build_copies(path: Path, copies: int) -> None:
    """The plain demo in the SQLite file ``path`` with its care stored ``copies`` times in all
    (lines, allocations, 305/307 events, decisions; each copy its own clients): ``demo --scale``
    generates every copy anew and takes hours for 10 million lines, SQL copies take minutes."""
    import sqlite3

    from zorginkoop.services.demo import build_demo

    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{path}")
    build_demo(engine, seed=2020)
    engine.dispose()
    print(f"built the demo in {time.perf_counter() - started:.1f} s")
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    for table, changed in _COPIED.items():
        columns = [
            c.name
            for c in t.Base.metadata.tables[table].columns
            if not (c.name == "id" and table != "decision")
        ]
        for k in range(1, copies):
            values = ", ".join(changed.get(c, c).format(k=k) for c in columns)
            original = "instr(client_bsn, '#') = 0"  # the demo's own rows, not an earlier copy
            con.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table} WHERE {original}"
            )
            if k % 10 == 0 or k == copies - 1:
                con.commit()
                print(f"  {table}: copy {k + 1} of {copies} ({time.perf_counter() - started:.0f} s)")
    con.commit()
    con.execute("ANALYZE")
    con.close()


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
    parser.add_argument(
        "--build-copies", type=int, metavar="N",
        help="build the demo into the SQLite file of --db with its care copied to N copies in all, and stop "
        "(127 copies: 10 million lines)",
    )  # fmt: skip
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress as it comes
    if args.build_copies:
        if not args.db or not args.db.startswith("sqlite:///"):
            raise SystemExit("--build-copies needs --db sqlite:///FILE (a file that does not exist yet)")
        build_copies(Path(args.db.removeprefix("sqlite:///")), args.build_copies)
        return

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
        found = _figures(municipality, year, law, heaviest, engine)
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
            samples, result = _timed(bench, args.runs)
            source = getattr(result, "source", "store")
            lines = [replace(row.line, satisfaction=None) for row in result.rows]
            rows.append({"law": law.value, "figure": f"service: benchmark ({source})", "duck": _ms(samples),
                         "result": lines, "figure_obj": Figure("benchmark", lambda f: None,
                         lambda engine, law=law: pandas_benchmark(engine, year, law, date.today()))})  # fmt: skip
            _progress(rows[-1])
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
