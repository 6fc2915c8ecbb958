# SPDX-License-Identifier: EUPL-1.2
"""Benchmark: how long the account report takes, per step, on the demo region.

Builds the Lekstroom demo (seed 2020) in a temporary SQLite store (or uses ``--db``), then makes
the 2020-Q4 account report of the largest provider ``--rounds`` times and prints, per step, the
median and the slowest: reading the figures and building the sections with their charts
(vl-convert), rendering the HTML (Jinja2) and rendering the PDF (WeasyPrint). The first round
includes vl-convert's and WeasyPrint's start-up and is reported apart.

Usage: python benchmarks/bench_account_report.py [--rounds 5] [--db URL] [--provider AGB]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from zorginkoop.adapters import documents
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.services import account_report, reports
from zorginkoop.services.demo import build_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default=None)
    parser.add_argument("--provider", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(folder) / 'demo.sqlite'}"
            engine = make_engine(url)
            build_demo(engine, seed=2020)
        else:
            engine = make_engine(url)
        with UnitOfWork(engine, Scope.region(), actor="bench") as uow:
            agb = args.provider or reports.costs_by_provider(uow, 2020, None)[0].agb
        steps: dict[str, list[float]] = {"figures and charts": [], "html": [], "pdf": []}
        for _ in range(args.rounds):
            started = time.perf_counter()
            report = account_report.account_report(
                UnitOfWork(engine, Scope.region(), actor="bench"), agb, "2020-Q4"
            )
            built = time.perf_counter()
            html = documents.account_report_html(report)
            rendered = time.perf_counter()
            pdf = documents.html_to_pdf(html)
            done = time.perf_counter()
            steps["figures and charts"].append(built - started)
            steps["html"].append(rendered - built)
            steps["pdf"].append(done - rendered)
        engine.dispose()
    print(f"account report of {agb}, 2020-Q4: {len(pdf):,} bytes of PDF, {args.rounds} rounds")
    for name, times in steps.items():
        later = times[1:] or times
        print(
            f"  {name:<20} first {times[0] * 1000:8.0f} ms   median after {statistics.median(later) * 1000:8.0f} ms"
            f"   slowest after {max(later) * 1000:8.0f} ms"
        )


if __name__ == "__main__":
    main()
