# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: the provider benchmark (`zorginkoop monitor benchmark`) on the demo region.

Prints per law and reader (the region, a provider's own view) the median and p95 wall time of
:func:`zorginkoop.services.monitoring.benchmark` over ``--runs`` runs, and apart the time of the
store read (trajectory facts) and of the pure domain (benchmark lines), so it shows where the
time goes. Builds the demo in a temporary folder unless ``--db`` names a store.

Usage: python benchmarks/bench_benchmark.py [--db URL] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from zorginkoop.adapters.db.monitoring_queries import MonitoringQueries
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import ProviderYear, benchmark_lines
from zorginkoop.services import monitoring, reports
from zorginkoop.services.demo import build_demo

YEAR = 2020
LARGEST_WMO = "98214099"


def measure(label: str, runs: int, func: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    print(f"{label:<52} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="a store with the demo (default: build one in a temporary folder)")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    url = args.db
    if url is None:
        path = Path(tempfile.mkdtemp()) / "demo.sqlite"
        url = f"sqlite:///{path}"
        build_demo(make_engine(url), seed=2020)
    engine = make_engine(url)
    for law in (Law.WMO, Law.JEUGD, None):
        name = law.value if law else "both"
        measure(f"benchmark {YEAR} {name}, region", args.runs,
                lambda law=law: monitoring.benchmark(UnitOfWork(engine), YEAR, law))  # fmt: skip
    measure(f"benchmark {YEAR} wmo, a provider's own view", args.runs,
            lambda: monitoring.benchmark(UnitOfWork(engine, Scope.provider(LARGEST_WMO)), YEAR, Law.WMO))  # fmt: skip

    def read() -> tuple[object, object]:
        with UnitOfWork(engine) as uow:
            return reports.costs_by_provider(uow, YEAR, Law.WMO), MonitoringQueries(
                uow.session
            ).trajectory_facts(Law.WMO)

    measure("  of which the store read (wmo)", args.runs, read)
    spend, facts = read()
    providers = [ProviderYear(p.agb, p.provider, p.clients, p.cost) for p in spend]  # type: ignore[attr-defined]
    measure("  of which the domain (wmo)", args.runs,
            lambda: benchmark_lines(providers, facts.trajectories, facts.decisions, YEAR, date.today(),  # type: ignore[attr-defined]
                                    lambda _law, _code: None))  # fmt: skip
    print(f"trajectories read (wmo): {len(facts.trajectories)}, decisions: {len(facts.decisions)}")  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
