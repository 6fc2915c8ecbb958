# SPDX-License-Identifier: EUPL-1.2
"""Starting the web application or the CLI imports no chart, PDF or DuckDB library: those cost
seconds (Altair alone ~4 s) and are imported where a chart, a PDF or the analytics extract is
made. Each check runs in a fresh interpreter, since this test process may have them loaded."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("altair", "vl_convert", "weasyprint", "duckdb")

PROBE = """
import json, sys
{body}
print("LOADED=" + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""

STARTS = {
    "web app": "import zorginkoop.web.app\nzorginkoop.web.app.create_app",
    "cli --help": (
        "sys.argv = ['zorginkoop', '--help']\n"
        "from zorginkoop.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    ),
    "cli monitor --help": (
        "sys.argv = ['zorginkoop', 'monitor', '--help']\n"
        "from zorginkoop.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    ),
}


@pytest.mark.parametrize("start", sorted(STARTS))
def test_starting_imports_no_chart_pdf_or_duckdb_library(start: str) -> None:
    code = PROBE.format(body=STARTS[start], heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("LOADED=")]
    assert marker, f"{start} did not finish: {done.stderr[-2000:]}"
    assert json.loads(marker[-1].removeprefix("LOADED=")) == [], f"{start} imported them at start"


def test_a_chart_still_imports_what_it_needs() -> None:
    """The lazy imports are there when a chart is drawn (in a fresh interpreter too)."""
    code = (
        "import sys\nfrom zorginkoop.adapters import charts\n"
        "svg = charts.bars([charts.Bar('a', 1)], 'Titel', 'Waarde')\n"
        "assert svg.startswith('<svg') and 'altair' in sys.modules and 'vl_convert' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
