# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: building the Lekstroom demo region (goal: under 60 s on a 2-core machine).

Prints, in one run:
- generation of the region in memory (pure domain, no store);
- `build_demo` end to end on SQLite (generation + migrations + every row written);
- a baseline: the same number of declared-line rows written with the plain sqlite3 driver's
  executemany into a table of the same shape, so the store's overhead shows as a ratio;
- `build_demo` on PostgreSQL when ZORGINKOOP_BENCH_POSTGRES_URL is set.

``--scale N`` builds the region N times larger (``demo --scale``), as the analytics benchmark
needs (some 10 million declared lines), and prints the declared lines and lines per second; the
in-memory and raw baselines are those of one copy.

Usage: python benchmarks/bench_demo.py [--seed N] [--scale N]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.demo.lekstroom import build_lekstroom
from zorginkoop.services.demo import build_demo, model_2022

GOAL_SECONDS = 60.0


def timed(label: str, func):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"{label:<48} {elapsed:8.2f} s")
    return result, elapsed


def raw_sqlite_baseline(rows: list[tuple[object, ...]], path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE line (id INTEGER PRIMARY KEY, declaration_id INT, reference TEXT, client_bsn TEXT, "
        "allocation_number INT, provider_agb TEXT, municipality_code TEXT, law TEXT, category TEXT, product_code TEXT, "
        "period_start DATE, period_end DATE, volume INT, unit TEXT, tariff_cents INT, amount_cents INT, "
        "debit_credit TEXT, status TEXT, granted_cents INT, UNIQUE (provider_agb, law, reference))"
    )
    with connection:
        connection.executemany("INSERT INTO line VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--scale", type=int, default=1, help="N copies of the region's care")
    args = parser.parse_args()

    demo, generate_s = timed(
        "generate region in memory", lambda: build_lekstroom(args.seed, model_2022=model_2022())
    )
    lines = [line for d in demo.declarations for line in d.lines]
    print(
        f"  {len(demo.clients):,} clients, {len(demo.allocations):,} allocations, {len(lines):,} declared lines"
    )

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        summary, sqlite_s = timed(
            f"build_demo on SQLite (generate + write all, scale {args.scale})",
            lambda: build_demo(engine, seed=args.seed, scale=args.scale),
        )
        engine.dispose()
        print(
            f"  {summary.clients:,} clients, {summary.lines:,} declared lines, {summary.lines / sqlite_s:,.0f} lines/s"
        )

        rows = [
            (1, ln.reference, ln.client_bsn, ln.allocation_number, ln.provider_agb, ln.municipality_code, ln.law.value,
             ln.category, ln.product_code, ln.period.start.isoformat(), ln.period.end.isoformat() if ln.period.end else None,
             ln.volume, ln.unit.value, ln.tariff.cents, ln.amount.cents, ln.debit_credit.value, "approved", ln.amount.cents)
            for ln in lines
        ]  # fmt: skip
        _, raw_s = timed(
            "baseline: raw sqlite3 executemany of the lines",
            lambda: raw_sqlite_baseline(rows, Path(tmp) / "raw.sqlite"),
        )

    write_s = sqlite_s - generate_s
    print(f"store write time (build_demo minus generation)    {write_s:8.2f} s")
    print(f"ratio store write / raw line insert               {write_s / raw_s:8.2f} x")
    print(
        f"goal: build_demo under {GOAL_SECONDS:.0f} s -> {'met' if sqlite_s < GOAL_SECONDS else 'NOT met'} ({sqlite_s:.1f} s)"
    )

    pg_url = os.environ.get("ZORGINKOOP_BENCH_POSTGRES_URL")
    if pg_url:
        engine = make_engine(pg_url)
        summary, pg_s = timed(
            f"build_demo on PostgreSQL (scale {args.scale})",
            lambda: build_demo(engine, seed=args.seed, scale=args.scale),
        )
        print(f"  {summary.lines:,} declared lines, {summary.lines / pg_s:,.0f} lines/s")
        print(f"ratio PostgreSQL / SQLite                         {pg_s / sqlite_s:8.2f} x")
    else:
        print(
            "PostgreSQL: set ZORGINKOOP_BENCH_POSTGRES_URL to include it (it replaces the demo region there)"
        )


if __name__ == "__main__":
    main()
