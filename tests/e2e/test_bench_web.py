# SPDX-License-Identifier: EUPL-1.2
"""``benchmarks/bench_web.py`` as a smoke test: 2 clients for 2 s against a served copy of the
demo store; it runs, measures every page without errors and prints its figures. No timing is
asserted (the machine is shared)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_web.py"


def test_the_web_benchmark_runs_and_prints_p50_and_p95_per_page(demo_store_url: str, tmp_path: Path) -> None:
    store = tmp_path / "bench.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), store)
    done = subprocess.run(
        [sys.executable, str(BENCH), "--seconds", "2", "--clients", "2", "--workers", "1", "--db", f"sqlite:///{store}"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("page "))
    assert lines[header].split()[1:] == ["requests", "errors", "req/s", "p50", "ms", "p95", "ms", "p50", "x",
                                         "p95", "x"]  # fmt: skip
    rows = {}
    for line in lines[header + 1 :]:
        if line.startswith("total "):
            break
        name, *figures = line.rsplit(None, 7)
        rows[name] = figures
    for page in ("GET /toegankelijkheid", "GET /static/app.css", "GET /login", "GET /start (consulent)",
                 "GET /privacy/verwerkingslog (privacy)", "POST /privacy/verwerkingslog (BSN)",
                 "GET /beheer/gebruikers (beheerder)"):  # fmt: skip
        assert page in rows, (page, done.stdout)
        requests, errors = int(rows[page][0]), int(rows[page][1])
        assert requests > 0 and errors == 0, (page, rows[page])
        assert float(rows[page][3]) > 0 and float(rows[page][4]) > 0  # p50 and p95 in ms
    total = next(line for line in lines if line.startswith("total "))
    assert "requests/s" in total and total.endswith(" 0 errors")
    assert "worst p95" in done.stdout
