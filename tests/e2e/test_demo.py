# SPDX-License-Identifier: EUPL-1.2
"""The foundation's acceptance: the demo region reproduces the Lekstroom memo's 2020 figures
through the CLI forms a user types."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()

MEMO_2020 = {
    "Houten": (363, Decimal("2145868")),
    "IJsselstein": (242, Decimal("1066805")),
    "Lopik": (66, Decimal("306677")),
    "Nieuwegein": (886, Decimal("3207069")),
    "Vijfheerenlanden": (320, Decimal("1226965.41")),
    "total": (1877, Decimal("7953384.41")),
}


def within(value: Decimal, target: Decimal, share: Decimal) -> bool:
    return abs(value - target) <= target * share


def test_costs_2020_wmo_reproduce_the_memo(demo_store_url):
    args = ["report", "costs", "--year", "2020", "--law", "wmo", "--format", "csv", "--db", demo_store_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    totals = runner.invoke(app, [*args, "--totals"])
    assert totals.exit_code == 0, totals.output
    rows = list(csv.DictReader(io.StringIO(result.stdout))) + list(csv.DictReader(io.StringIO(totals.stdout)))
    assert list(rows[0]) == ["municipality", "clients", "cost_eur"]
    figures = {r["municipality"]: (int(r["clients"]), Decimal(r["cost_eur"])) for r in rows}
    assert set(figures) == set(MEMO_2020)
    for name, (clients, cost) in MEMO_2020.items():
        assert figures[name][0] == clients, name
        assert abs(figures[name][1] - cost) <= 1, name


def test_providers_without_vijfheerenlanden_reproduce_the_memo(demo_store_url):
    result = runner.invoke(
        app,
        [
            "report",
            "providers",
            "--year",
            "2020",
            "--law",
            "wmo",
            "--exclude",
            "Vijfheerenlanden",
            "--format",
            "csv",
            "--db",
            demo_store_url,
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"agb", "provider", "clients", "cost_eur"} <= set(rows[0])
    costs = sorted((Decimal(r["cost_eur"]) for r in rows), reverse=True)
    assert len(rows) == 49
    assert abs(sum(costs) - Decimal("6726419")) <= 4
    assert within(sum(costs[:12]), Decimal("6068476"), Decimal("0.005"))
    assert within(sum(costs[:7]), Decimal("5381135"), Decimal("0.005"))
    assert within(sum(costs[12:]), Decimal("657945"), Decimal("0.005"))
    small = [Decimal(r["cost_eur"]) for r in rows if int(r["clients"]) < 7]
    assert len(small) == 27
    assert within(sum(small), Decimal("225645"), Decimal("0.005"))


def test_concentration_table_reads_like_the_memo(demo_store_url):
    args = ["report", "concentration", "--year", "2020", "--law", "wmo", "--exclude", "Vijfheerenlanden",
            "--format", "json", "--db", demo_store_url]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    providers = [row["providers"] for row in json.loads(result.stdout)]
    assert providers == [12, 7, 37, 27]
    everyone = runner.invoke(app, [*args, "--totals"])
    assert [(row["group"], row["providers"]) for row in json.loads(everyone.stdout)] == [
        ("all providers", 49)
    ]


def test_costs_rise_2018_to_2020_and_nothing_is_declared_after_2020(demo_store_url):
    result = runner.invoke(
        app, ["report", "years", "--law", "wmo", "--format", "json", "--db", demo_store_url]
    )
    assert result.exit_code == 0, result.output
    years = {row["year"]: Decimal(row["cost_eur"]) for row in json.loads(result.stdout)}
    assert list(years) == [2018, 2019, 2020]
    assert years[2018] < years[2019] < years[2020]


def test_jeugd_is_reported_apart(demo_store_url):
    result = runner.invoke(
        app,
        ["report", "costs", "--year", "2020", "--law", "jeugd", "--format", "json", "--db", demo_store_url,
         "--totals"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (total,) = json.loads(result.stdout)
    assert total["municipality"] == "total" and Decimal(total["cost_eur"]) > 0


def test_demo_command_builds_replaces_and_shows_the_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = runner.invoke(app, ["demo", "--db", url, "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert "1877" in first.stdout and "7953384.41" in first.stdout
    again = runner.invoke(app, ["demo", "--db", url])  # an earlier demo is replaced, not doubled
    assert again.exit_code == 0, again.output
    result = runner.invoke(
        app,
        ["report", "costs", "--year", "2020", "--law", "wmo", "--format", "json", "--db", url, "--totals"],
    )
    assert json.loads(result.stdout)[-1]["clients"] == 1877


@pytest.mark.parametrize("args", [["--seed", "x"], ["--db", "nonsense://"]])
def test_demo_refuses_bad_options_with_one_line(args, tmp_path):
    result = runner.invoke(app, ["demo", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
