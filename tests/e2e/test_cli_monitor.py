# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop monitor`` as a user runs it: the concentration on the demo against the Lekstroom
memo and ``report providers``, the coverage of the offer, and a client stop opening a gap."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tests.factories import ALFA, HOUTEN, contract_tiny_provider, load_tiny_region
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.monitoring import TARGET_GROUPS
from zorginkoop.services import monitoring
from zorginkoop.services.providers import set_client_stop

runner = CliRunner()

# Lekstroom 2020, Wmo OZR, excluding Vijfheerenlanden (seed 001, DOMAIN.md)
MEMO_TOTAL = Decimal("6726419")
MEMO_LARGEST_90 = Decimal("6068476")
MEMO_LARGEST_80 = Decimal("5381135")
MEMO_SMALL = Decimal("225645")


def _csv(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def _invoke(*args: str) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def concentration_2020(demo_store_url: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(
        app,
        ["monitor", "concentration", "--year", "2020", "--law", "wmo", "--exclude", "Vijfheerenlanden",
         "--format", "json", "--db", demo_store_url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_concentration_2020_reads_as_the_memo(concentration_2020):
    figures = concentration_2020
    assert figures["providers"] == 49
    assert Decimal(figures["cost_eur"]) == MEMO_TOTAL
    assert figures["holding"] == {"80%": 7, "90%": 12}
    assert figures["small_providers"] == 27
    groups = {g["group"]: g for g in figures["summary"]}
    for label, memo in (
        ("largest providers holding 90%", MEMO_LARGEST_90),
        ("largest providers holding 80%", MEMO_LARGEST_80),
        ("providers with fewer than 7 clients", MEMO_SMALL),
    ):
        assert abs(Decimal(groups[label]["cost_eur"]) - memo) <= memo * Decimal("0.001"), label
    assert groups["smallest providers (the rest)"]["providers"] == 37


def test_concentration_lines_agree_with_report_providers(concentration_2020, demo_store_url):
    report = _invoke(
        "report", "providers", "--year", "2020", "--law", "wmo", "--exclude", "Vijfheerenlanden",
        "--format", "csv", "--db", demo_store_url,
    )  # fmt: skip
    expected = [
        (r["rank"], r["agb"], r["clients"], r["cost_eur"], r["share_pct"], r["cumulative_pct"])
        for r in _csv(report.stdout)  # type: ignore[attr-defined]
    ]
    lines = [
        (str(p["rank"]), p["agb"], str(p["clients"]), p["cost_eur"], p["share_pct"], p["cumulative_pct"])
        for p in concentration_2020["lines"]
    ]
    assert lines == expected
    assert sum(p["small"] for p in concentration_2020["lines"]) == 27


def test_concentration_by_clients_as_csv(demo_store_url):
    result = _invoke(
        "monitor", "concentration", "--year", "2020", "--law", "wmo", "--by", "clients",
        "--format", "csv", "--db", demo_store_url,
    )  # fmt: skip
    rows = _csv(result.stdout)  # type: ignore[attr-defined]
    assert list(rows[0]) == [
        "rank", "agb", "provider", "clients", "cost_eur", "share_pct", "cumulative_pct", "small",
    ]  # fmt: skip
    clients = [int(r["clients"]) for r in rows]
    assert clients == sorted(clients, reverse=True)
    assert rows[-1]["cumulative_pct"] == "100.0"


def test_concentration_refuses_an_unknown_municipality_in_one_line(demo_store_url):
    result = runner.invoke(
        app, ["monitor", "concentration", "--year", "2020", "--exclude", "Atlantis", "--db", demo_store_url]
    )
    assert result.exit_code == 2
    assert "unknown municipality 'Atlantis'" in result.stderr
    assert "Traceback" not in result.output


def test_coverage_2020_wmo_has_no_gap_on_the_demo(demo_store_url):
    result = _invoke("monitor", "coverage", "--on", "2020-06-01", "--format", "json", "--db", demo_store_url)
    rows = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert len(rows) == 5 * 5  # five municipalities, five Wmo target groups
    assert {r["target_group"] for r in rows} == {g.value for g in TARGET_GROUPS[Law.WMO]}
    assert all(r["gap"] is False and r["available"] == len(r["providers"]) >= 1 for r in rows)


def test_coverage_refuses_a_bad_date_in_one_line(demo_store_url):
    result = runner.invoke(app, ["monitor", "coverage", "--on", "1-6-2020", "--db", demo_store_url])
    assert result.exit_code == 2
    assert "not a date in the form YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output


def test_a_client_stop_opens_a_gap_at_once_and_lifting_it_closes_it(demo_store_url, tmp_path):
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    db = f"sqlite:///{copy}"
    rows = json.loads(_invoke("monitor", "coverage", "--on", "2020-06-01", "-f", "json", "--db", db).stdout)  # type: ignore[attr-defined]
    cell = min(rows, key=lambda r: (r["available"], r["municipality"], r["target_group"]))
    minimum = str(cell["available"])  # every provider of the cell is needed
    agb = cell["providers"][0]

    def gaps() -> set[tuple[str, str]]:
        out = _invoke("monitor", "coverage", "--on", "2020-06-01", "--minimum", minimum, "--gaps-only",
                      "-f", "csv", "--db", db)  # fmt: skip
        return {(r["municipality"], r["target_group"]) for r in _csv(out.stdout)}  # type: ignore[attr-defined]

    assert (cell["municipality"], cell["target_group"]) not in gaps()
    said = _invoke("providers", "client-stop", agb, "on", "--db", db)
    assert f"provider {agb}" in said.stdout and "client stop on (was off)" in said.stdout  # type: ignore[attr-defined]
    assert (cell["municipality"], cell["target_group"]) in gaps()
    _invoke("providers", "client-stop", agb, "off", "--db", db)
    assert (cell["municipality"], cell["target_group"]) not in gaps()


def test_client_stop_refuses_an_unknown_provider_in_one_line(demo_store_url):
    result = runner.invoke(app, ["providers", "client-stop", "00000000", "on", "--db", demo_store_url])
    assert result.exit_code == 2
    assert "no provider with AGB code 00000000" in result.stderr


def test_the_only_provider_on_client_stop_is_a_gap_with_the_default_minimum(engine):
    """On SQLite and PostgreSQL: Alfa is the only provider for LVB in Houten."""
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
        contract_tiny_provider(uow, ALFA, date(2020, 1, 1))

    def houten_lvb() -> monitoring.CoverageLine:
        lines = monitoring.coverage_on(UnitOfWork(engine), date(2020, 6, 1))
        return next(
            line
            for line in lines
            if line.municipality_code == HOUTEN
            and line.target_group is TargetGroup.MILD_INTELLECTUAL_DISABILITY
        )

    assert houten_lvb().providers == (ALFA,) and not houten_lvb().gap
    with UnitOfWork(engine) as uow:
        assert set_client_stop(uow, ALFA, True) is False  # it was off
    assert houten_lvb().providers == () and houten_lvb().gap
    # not contracted before the contract starts: a gap whatever the client stop
    with UnitOfWork(engine) as uow:
        set_client_stop(uow, ALFA, False)
    assert monitoring.coverage_on(UnitOfWork(engine), date(2019, 6, 1))[0].gap


def test_a_municipality_scope_sees_its_own_coverage_and_concentration(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
        contract_tiny_provider(uow, ALFA, date(2020, 1, 1))
    scoped = UnitOfWork(engine, scope=Scope.municipality(HOUTEN))
    lines = monitoring.coverage_on(scoped, date(2020, 6, 1))
    assert {line.municipality_code for line in lines} == {HOUTEN}
    whole = monitoring.concentration(UnitOfWork(engine), 2020, Law.WMO)
    own = monitoring.concentration(UnitOfWork(engine, scope=Scope.municipality(HOUTEN)), 2020, Law.WMO)
    assert own.cost < whole.cost
    assert own.cost == monitoring.concentration(UnitOfWork(engine), 2020, Law.WMO, ["Nieuwegein"]).cost
