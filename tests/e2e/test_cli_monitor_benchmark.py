# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop monitor benchmark`` on the demo: every figure and its peer median in json and csv,
rounding with --rounded, a table readable at 80 columns, one line for bad input."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from zorginkoop.cli import app
from zorginkoop.cli import output as cli_output


def test_the_cli_gives_every_figure_and_its_peer_median_in_json_and_csv(demo_store_url: str) -> None:
    runner = CliRunner()
    answer = runner.invoke(app, ["monitor", "benchmark", "--year", "2020", "--law", "wmo", "--format", "json", "--db", demo_store_url])  # fmt: skip
    assert answer.exit_code == 0, answer.output
    document = json.loads(answer.stdout)
    first = document["lines"][0]
    assert {"agb", "provider", "clients", "cost_eur", "cost_per_client_eur", "avg_duration_days", "ended",
            "ended_to_plan_share", "goals_reached_share", "no_repeat_share", "scale_down_share",
            "satisfaction", "peer_median"} <= set(first)  # fmt: skip
    assert document["providers"] == len(document["lines"]) == 49
    rounded = runner.invoke(app, ["monitor", "benchmark", "--year", "2020", "--law", "wmo", "--rounded", "--format", "csv", "--db", demo_store_url])  # fmt: skip
    header, *rows = rounded.stdout.splitlines()
    assert "median_ended_to_plan_share" in header
    assert all(int(row.split(",")[2]) % 5 == 0 for row in rows if row.split(",")[2].isdigit())
    bad = runner.invoke(app, ["monitor", "benchmark", "--year", "2020", "--exclude", "Atlantis", "--db", demo_store_url])  # fmt: skip
    assert (
        bad.exit_code == 2
        and bad.stdout == ""
        and "unknown municipality" in bad.output
        and "Traceback" not in bad.output
    )


def test_the_table_fits_80_columns_with_every_value_whole(
    demo_store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_output, "console", Console(force_terminal=True, width=80, color_system=None))
    runner = CliRunner()
    args = ["monitor", "benchmark", "--year", "2020", "--law", "wmo", "--db", demo_store_url]
    document = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    shown = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    for line in document["lines"]:
        for key in ("agb", "clients", "cost_eur", "ended"):
            assert line[key] in shown.stdout, (key, line[key])
    assert "Median of all providers" in shown.stdout and "scale_down_share" in shown.stdout


def test_the_benchmarks_satisfaction_is_the_surveys_score_per_provider(demo_store_url: str) -> None:
    """The demo's 2020 Wmo survey round feeds the benchmark: each provider's satisfaction is its
    score in `survey results --by provider`, empty below 10 respondents in both."""
    runner = CliRunner()
    bench = runner.invoke(app, ["monitor", "benchmark", "--year", "2020", "--law", "wmo", "--format", "json", "--db", demo_store_url])  # fmt: skip
    survey = runner.invoke(app, ["survey", "results", "1", "--by", "provider", "--format", "json", "--db", demo_store_url])  # fmt: skip
    assert bench.exit_code == 0 and survey.exit_code == 0, bench.output + survey.output
    scores = {
        g["provider"]: (g["respondents"], g["satisfaction"]) for g in json.loads(survey.stdout)["groups"]
    }
    lines = {line["agb"]: line["satisfaction"] for line in json.loads(bench.stdout)["lines"]}
    assert sum(1 for value in lines.values() if value is not None) >= 10  # the larger providers have a score
    for agb, value in lines.items():
        respondents, score = scores.get(agb, (0, None))
        assert value == score, agb
        if respondents < 10:
            assert value is None
