# SPDX-License-Identifier: EUPL-1.2
"""A contract manager looks at the demo region: providers, catalogue, contracts, calendar, ceilings."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()


def run_json(*args: str) -> list[dict]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_providers_with_matching_facts(demo_store_url):
    providers = run_json("providers", "list", "--db", demo_store_url)
    wmo = [p for p in providers if "wmo" in p["laws"]]
    assert len(wmo) == 49 + 3  # the 49 OZR providers and 3 newcomers that bid in the 2022 tender
    assert any(p["client_stop"] == "ja" for p in wmo)
    assert sum(1 for p in providers if p["free_practitioner"] == "ja") >= 10


def test_catalogue_has_ozr_with_indexed_tariffs_and_the_85_percent_tariff(demo_store_url):
    products = run_json("catalogue", "products", "--db", demo_store_url)
    assert {"OZR1", "OZR2", "OZR3"} <= {p["code"] for p in products}
    ozr1 = run_json("catalogue", "tariffs", "--product", "OZR1", "--db", demo_store_url)
    amounts = [float(t["tariff_eur"]) for t in ozr1]
    assert amounts == sorted(amounts) and len(amounts) >= 3  # yearly indexation
    on_2020 = run_json("catalogue", "tariffs", "--on", "2020-06-01", "--db", demo_store_url)
    assert len({t["product"] for t in on_2020}) == len(on_2020)  # one tariff per product per day


def test_contracts_calendar_and_the_collective_ceiling(demo_store_url):
    contracts = run_json("contracts", "list", "--db", demo_store_url)
    assert any(c["ceiling_eur"] for c in contracts)
    assert {c["kind"] for c in contracts} == {"alleen-prijs", "prijs-en-volume"}
    calendar = run_json("contracts", "calendar", "--db", demo_store_url)
    assert all(row["decide_by"] < row["term_ends"] for row in calendar if row["decide_by"])
    ceilings = run_json("contracts", "ceilings", "--year", "2020", "--db", demo_store_url)
    assert [(c["amount_eur"], c["contracts"] > 0) for c in ceilings] == [("2300000.00", True)]


def test_unknown_product_says_where_to_look(demo_store_url):
    result = runner.invoke(app, ["catalogue", "tariffs", "--product", "NOPE", "--db", demo_store_url])
    assert result.exit_code == 2
    assert "zorginkoop catalogue products" in result.stderr
