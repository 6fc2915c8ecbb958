# SPDX-License-Identifier: EUPL-1.2
"""The CLI as a user runs it: reports, calc, db, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from tests.factories import load_tiny_region
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    return url


def test_monthly_rate_of_three_hours_a_week_at_forty():
    result = runner.invoke(
        app,
        ["calc", "monthly-rate", "--volume", "3", "--unit", "uur", "--frequency", "week", "--tariff", "40"],
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == "520.00"


def test_monthly_rate_refuses_bad_numbers_with_one_line():
    result = runner.invoke(app, ["calc", "monthly-rate", "--volume", "drie", "--tariff", "40"])
    assert result.exit_code == 2
    assert "--volume must be a number" in result.stderr
    assert "Traceback" not in result.output


def test_costs_report_as_csv_has_data_rows_and_the_total_row_behind_totals(store_url):
    args = ["report", "costs", "--year", "2020", "--law", "wmo", "--format", "csv", "--db", store_url]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        {"municipality": "Houten", "clients": "1", "cost_eur": "1100.00"},
        {"municipality": "Nieuwegein", "clients": "2", "cost_eur": "700.00"},
    ]
    totals = runner.invoke(app, [*args, "--totals"])
    assert list(csv.DictReader(io.StringIO(totals.stdout))) == [
        {"municipality": "total", "clients": "3", "cost_eur": "1800.00"}
    ]


def test_providers_report_as_json_excluding_a_municipality(store_url):
    result = runner.invoke(
        app,
        [
            "report",
            "providers",
            "--year",
            "2020",
            "--exclude",
            "Houten",
            "--format",
            "json",
            "--db",
            store_url,
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [(r["agb"], r["provider"], r["clients"], r["cost_eur"]) for r in rows] == [
        ("11111111", "Alfa Zorg", 1, "400.00"),
        ("22222222", "Beta Begeleiding", 1, "300.00"),
    ]


def test_unknown_municipality_is_a_clear_error(store_url):
    result = runner.invoke(
        app, ["report", "providers", "--year", "2020", "--exclude", "Utrecht", "--db", store_url]
    )
    assert result.exit_code == 2
    assert "unknown municipality 'Utrecht'" in result.stderr


def test_a_store_without_schema_is_refused_with_what_to_do(tmp_path):
    result = runner.invoke(
        app, ["report", "costs", "--year", "2020", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}"]
    )
    assert result.exit_code == 2
    assert "zorginkoop db upgrade" in result.stderr


def test_an_unreachable_database_is_one_clear_line():
    result = runner.invoke(
        app, ["report", "costs", "--year", "2020", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"]
    )
    assert result.exit_code == 2
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.output


def test_db_upgrade_and_current(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    result = runner.invoke(app, ["db", "current", "--db", url])
    assert result.exit_code == 0
    assert "needed" in result.stdout


def test_a_refused_commit_is_one_clear_line(capsys):
    import typer
    from sqlalchemy.exc import IntegrityError

    from zorginkoop.cli.common import store_errors

    with pytest.raises(typer.Exit) as raised, store_errors():
        raise IntegrityError("INSERT INTO allocation ...", {}, Exception("UNIQUE constraint failed"))
    assert raised.value.exit_code == 2
    assert "another change to the same records came first" in capsys.readouterr().err
