# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop monitor dashboard`` on the demo: Houten's 2020 Wmo figures are the memo's and
those of ``report costs``; per product, trend, heaviest products, new and ended clients, Jeugd
GGZ apart, all checked against the store read independently."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.cli.monitor import REFERRER_COLUMNS
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.services import monitoring

runner = CliRunner()


def _dashboard(demo_store_url: str, *args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(
        app, ["monitor", "dashboard", *args, "--year", "2020", "--format", "json", "--db", demo_store_url]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _report_costs(demo_store_url: str, law: str) -> dict[str, dict[str, str]]:
    result = runner.invoke(
        app, ["report", "costs", "--year", "2020", "--law", law, "--format", "csv", "--db", demo_store_url]
    )
    assert result.exit_code == 0, result.output
    return {r["municipality"]: r for r in csv.DictReader(io.StringIO(result.stdout))}


def _lines(demo_store_url: str, sql: str, *params: object) -> list[tuple]:  # type: ignore[type-arg]
    with sqlite3.connect(demo_store_url.removeprefix("sqlite:///")) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def houten_wmo(demo_store_url: str) -> dict:  # type: ignore[type-arg]
    return _dashboard(demo_store_url, "-m", "Houten", "--law", "wmo")


def test_houten_2020_wmo_is_the_memo_and_report_costs(houten_wmo, demo_store_url):
    assert houten_wmo["clients"] == 363
    assert houten_wmo["cost_eur"] == "2145868.00"
    report = _report_costs(demo_store_url, "wmo")["Houten"]
    assert (houten_wmo["clients"], houten_wmo["cost_eur"]) == (int(report["clients"]), report["cost_eur"])


def test_municipality_by_cbs_code_gives_the_same_dashboard(houten_wmo, demo_store_url):
    assert _dashboard(demo_store_url, "-m", "0321") == houten_wmo  # Wmo is the default law


def test_products_add_up_to_the_year_and_match_the_store(houten_wmo, demo_store_url):
    products = houten_wmo["by_product"]
    assert {p["product"] for p in products} == {"OZR1", "OZR2", "OZR3"}
    assert sum(Decimal(p["cost_eur"]) for p in products) == Decimal(houten_wmo["cost_eur"])
    stored = {
        code: (clients, volume)
        for code, clients, volume in _lines(
            demo_store_url,
            "select product_code, count(distinct client_bsn), sum(volume) from declaration_line "
            "where status = 'approved' and law = 'wmo' and municipality_code = '0321' "
            "and period_start between '2020-01-01' and '2020-12-31' group by product_code",
        )
    }
    assert {p["product"]: (p["clients"], p["volume"]) for p in products} == stored
    assert max(p["clients"] for p in products) <= houten_wmo["clients"] <= sum(p["clients"] for p in products)


def test_trend_equals_report_costs_of_each_year(houten_wmo, demo_store_url):
    assert [y["year"] for y in houten_wmo["trend"]] == [2018, 2019, 2020]
    for year in houten_wmo["trend"]:
        result = runner.invoke(
            app,
            ["report", "costs", "--year", str(year["year"]), "--law", "wmo", "--format", "csv", "--db", demo_store_url],
        )  # fmt: skip
        row = {r["municipality"]: r for r in csv.DictReader(io.StringIO(result.stdout))}["Houten"]
        assert (year["clients"], year["cost_eur"]) == (int(row["clients"]), row["cost_eur"])


def test_heaviest_wmo_product_is_ozr3_and_its_share_is_of_the_cost(houten_wmo):
    assert houten_wmo["heaviest_products"] == ["OZR3"]
    ozr3 = next(p for p in houten_wmo["by_product"] if p["product"] == "OZR3")
    assert ozr3["heaviest"] is True
    heaviest = houten_wmo["heaviest"]
    assert (heaviest["clients"], heaviest["cost_eur"]) == (ozr3["clients"], ozr3["cost_eur"])
    share = Decimal(heaviest["cost_eur"]) / Decimal(houten_wmo["cost_eur"]) * 100
    assert Decimal(heaviest["cost_share_pct"]) == share.quantize(Decimal("0.1"))
    assert houten_wmo["ggz"] is None and houten_wmo["other_youth_care"] is None


def test_new_and_ended_clients_match_the_store_read_independently(houten_wmo, demo_store_url):
    def clients(year: int) -> set[str]:
        rows = _lines(
            demo_store_url,
            "select distinct client_bsn from declaration_line where status = 'approved' and law = 'wmo' "
            "and municipality_code = '0321' and period_start between ? and ?",
            f"{year}-01-01", f"{year}-12-31",
        )  # fmt: skip
        return {bsn for (bsn,) in rows}

    running = {
        bsn
        for (bsn,) in _lines(
            demo_store_url,
            "select client_bsn from allocation where law = 'wmo' and municipality_code = '0321' "
            "and (valid_to is null or valid_to > '2020-12-31')",
        )
    }
    assert houten_wmo["new_clients"] == len(clients(2020) - clients(2019))
    assert houten_wmo["ended_clients"] == len(clients(2020) - running)
    assert 0 < houten_wmo["new_clients"] < houten_wmo["clients"]
    assert 0 < houten_wmo["ended_clients"] < houten_wmo["clients"]


def test_jeugd_shows_ggz_apart_from_the_rest(demo_store_url):
    figures = _dashboard(demo_store_url, "-m", "Nieuwegein", "--law", "jeugd")
    report = _report_costs(demo_store_url, "jeugd")["Nieuwegein"]
    assert (figures["clients"], figures["cost_eur"]) == (int(report["clients"]), report["cost_eur"])
    ggz, other = figures["ggz"], figures["other_youth_care"]
    assert Decimal(ggz["cost_eur"]) + Decimal(other["cost_eur"]) == Decimal(figures["cost_eur"])
    ggz_products = {p["product"] for p in figures["by_product"] if p["category"] in {"51", "52", "54"}}
    assert ggz_products == {"54001", "54002"}
    assert Decimal(ggz["cost_eur"]) == sum(
        Decimal(p["cost_eur"]) for p in figures["by_product"] if p["product"] in ggz_products
    )
    assert Decimal(ggz["cost_share_pct"]) + Decimal(other["cost_share_pct"]) == Decimal("100.0")
    assert max(ggz["clients"], other["clients"]) <= figures["clients"] <= ggz["clients"] + other["clients"]
    # verblijf met behandeling (per etmaal) and the dearest third of the hourly products
    assert figures["heaviest_products"] == ["43A01", "45A02", "54001"]


def test_a_share_over_fewer_than_ten_clients_is_empty_but_counts_stay_exact(demo_store_url):
    figures = _dashboard(demo_store_url, "-m", "Houten", "--law", "jeugd")
    small = [p for p in figures["by_product"] if p["clients"] < 10]
    assert small, "the demo has Houten youth products with fewer than 10 clients"
    for product in small:
        assert product["cost_share_pct"] is None
        assert product["clients"] > 0 and Decimal(product["cost_eur"]) > 0


def test_csv_and_table_formats(demo_store_url):
    result = runner.invoke(
        app,
        ["monitor", "dashboard", "-m", "Houten", "--year", "2020", "--format", "csv", "--db", demo_store_url],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["product"] for r in rows] == ["OZR2", "OZR3", "OZR1"]
    assert rows[1]["heaviest"] == "true"
    table = runner.invoke(
        app, ["monitor", "dashboard", "-m", "Houten", "--year", "2020", "--db", demo_store_url]
    )
    assert table.exit_code == 0, table.output
    assert "2145868.00" in table.stdout and "OZR3" in table.stdout and "Trend" in table.stdout


def test_jeugd_by_referrer_in_json_csv_and_table_adds_up_to_the_totals(demo_store_url):
    figures = _dashboard(demo_store_url, "-m", "Lopik", "--law", "jeugd")
    referrers = figures["by_referrer"]
    assert [r["referrer_type"] for r in referrers] == sorted(r["referrer_type"] for r in referrers)
    assert sum(r["clients"] for r in referrers) == figures["clients"]
    assert sum(Decimal(r["cost_eur"]) for r in referrers) == Decimal(figures["cost_eur"])
    for r in referrers:
        assert (r["cost_share_pct"] is None) == (r["clients"] < 10)
    args = ["monitor", "dashboard", "-m", "Lopik", "--year", "2020", "--law", "jeugd", "--db", demo_store_url]
    as_csv = runner.invoke(app, [*args, "--format", "csv", "--section", "referrer"])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["referrer_type"], r["referrer"], int(r["clients"])) for r in rows] == [
        (r["referrer_type"], r["referrer"], r["clients"]) for r in referrers
    ]
    table = runner.invoke(app, args)
    assert table.exit_code == 0 and "Per referrer (COD327)" in table.stdout and "Huisarts" in table.stdout
    assert _dashboard(demo_store_url, "-m", "Lopik", "--law", "wmo")["by_referrer"] is None
    wmo = runner.invoke(
        app, [*args[:-4], "--law", "wmo", "--db", demo_store_url, "-f", "csv", "--section", "referrer"]
    )
    assert wmo.exit_code == 0 and wmo.stdout.strip() == ",".join(REFERRER_COLUMNS)  # the header only
    assert "Wmo knows no referrer" in wmo.stderr


def test_unknown_municipality_is_one_line_and_exit_2(demo_store_url):
    result = runner.invoke(
        app, ["monitor", "dashboard", "-m", "Utrecht", "--year", "2020", "--db", demo_store_url]
    )
    assert result.exit_code == 2
    assert "unknown municipality 'Utrecht'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_an_adviser_of_another_municipality_does_not_see_houten(demo_store_url):
    engine = make_engine(demo_store_url)
    try:
        with pytest.raises(monitoring.OutsideScope):
            monitoring.dashboard(UnitOfWork(engine, Scope.municipality("0353")), "Houten", 2020, Law.WMO)
        own = monitoring.dashboard(UnitOfWork(engine, Scope.municipality("0321")), "Houten", 2020, Law.WMO)
        assert (own.clients, str(own.cost)) == (363, "2145868.00")
    finally:
        engine.dispose()
