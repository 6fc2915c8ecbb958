# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop analytics refresh | status | queries`` on a copy of the demo, and the monitor
commands giving the same figures from the extract as from the store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_with_extract(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo store with its extract built beside it by the command."""
    store = tmp_path_factory.mktemp("cli-analytics") / "demo.sqlite"
    shutil.copy(Path(demo_store_url.removeprefix("sqlite:///")), store)
    url = f"sqlite:///{store}"
    done = runner.invoke(app, ["analytics", "refresh", "--format", "json", "--db", url])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["full"] is True and document["written"]["line"] == 78_739
    assert Path(document["path"]) == store.with_name("demo.analytics.duckdb")
    return url


def test_status_says_the_extract_is_fresh_and_what_it_holds(demo_with_extract: str) -> None:
    done = runner.invoke(app, ["analytics", "status", "--format", "json", "--db", demo_with_extract])
    assert done.exit_code == 0, done.output
    status = json.loads(done.stdout)
    assert status["exists"] is True and status["fresh"] is True
    assert status["rows"]["line"] == 78_739 and status["behind"] == {}


def test_a_second_refresh_adds_nothing(demo_with_extract: str) -> None:
    done = runner.invoke(app, ["analytics", "refresh", "--format", "json", "--db", demo_with_extract])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["full"] is False
    assert (document["written"]["line"], document["written"]["trajectory"]) == (0, 0)


def test_the_monitor_commands_give_the_memos_figures_from_the_extract(demo_with_extract: str) -> None:
    done = runner.invoke(
        app,
        [
            "monitor",
            "dashboard",
            "-m",
            "Houten",
            "--year",
            "2020",
            "--format",
            "json",
            "--db",
            demo_with_extract,
        ],
    )
    assert done.exit_code == 0, done.output
    dashboard = json.loads(done.stdout)
    assert (dashboard["clients"], dashboard["cost_eur"]) == (363, "2145868.00")
    done = runner.invoke(
        app,
        ["monitor", "concentration", "--year", "2020", "--law", "wmo", "--exclude", "Vijfheerenlanden",
         "--format", "json", "--db", demo_with_extract],
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    concentration = json.loads(done.stdout)
    assert (concentration["providers"], concentration["cost_eur"]) == (49, "6726419.00")
    assert concentration["holding"]["90%"] == 12


def test_a_store_without_a_file_needs_the_setting_in_one_line(tmp_path: Path) -> None:
    done = runner.invoke(app, ["analytics", "status", "--db", "sqlite://"])
    assert done.exit_code != 0
    assert "Traceback" not in done.output


def test_the_named_queries_are_listed() -> None:
    done = runner.invoke(app, ["analytics", "queries", "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert "cost_by_provider" in done.stdout and "municipality_totals" in done.stdout
