# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop tenders additional-round`` and ``tenders admit`` end to end on a copy of the
demo store: a round for the gap of WMO2022 (none at one provider per cell: one line, nothing
stored; five cells at thirteen), shown both ways by ``list`` and ``show``, a newcomer's bid
reporting what it adds; the open house admits a late bid once. Refusals are one line, exit 1,
nothing stored."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.e2e.test_cli_access import Cli, runner
from tests.e2e.test_cli_tenders import unchanged
from zorginkoop.cli import app

NEWCOMER = "98990011"


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("rounds") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    return lambda *args: runner.invoke(app, [*args, "--db", store])


def bid_file(tmp_path: Path, municipalities: str, products: list[str]) -> str:
    path = tmp_path / "bid.toml"
    path.write_text(
        f'[[bid]]\nlot = "IB"\nproducts = {json.dumps(products)}\nmunicipalities = [{municipalities}]\n'
        'target_groups = ["lvb"]\n[bid.answers]\nE1 = 25\nE2 = "HKZ"\nE3 = true\n',
        encoding="utf-8",
    )
    return str(path)


def test_an_additional_round_for_the_gap_from_the_command_line(cli: Cli, store: str, tmp_path: Path) -> None:
    args = ("tenders", "additional-round", "WMO2022", "--opens", "2022-03-01", "--closes", "2022-03-31")
    unchanged(store, cli(*args), "there is no gap")
    bad = cli("tenders", "additional-round", "WMO2022", "--closes", "eind maart")
    assert bad.exit_code == 2 and bad.stderr.strip().splitlines() == [
        "error: --closes 'eind maart': not a date in the form YYYY-MM-DD"
    ]
    opened = cli(*args, "--minimum", "13")
    assert opened.exit_code == 0, opened.output
    assert (
        "additional round WMO2022-R1 of WMO2022 opened" in opened.output and "5 gap cell(s)" in opened.output
    )
    listed = {row["code"]: row for row in json.loads(cli("tenders", "list", "--format", "json").stdout)}
    assert listed["WMO2022-R1"]["round_of"] == "WMO2022" and listed["WMO2022"]["round_of"] is None
    shown = json.loads(cli("tenders", "show", "WMO2022", "--format", "json").stdout)
    assert shown["additional_rounds"] == ["WMO2022-R1"]
    round_shown = json.loads(cli("tenders", "show", "WMO2022-R1", "--format", "json").stdout)
    assert round_shown["round_of"] == "WMO2022" and len(round_shown["gap"]) == 5
    products = [line.split(" ")[0] for line in round_shown["lots"][0].split(": ", 1)[1].split(", ")]
    unchanged(
        store,
        cli("tenders", "bid", "WMO2022-R1", bid_file(tmp_path, '"0356"', products), "--provider", NEWCOMER,
            "--on", "2022-03-10"),
        "serves none of those cells",
    )  # fmt: skip
    placed = cli("tenders", "bid", "WMO2022-R1", bid_file(tmp_path, '"0356", "1961"', products),
                 "--provider", NEWCOMER, "--on", "2022-03-10")  # fmt: skip
    assert placed.exit_code == 0, placed.output
    assert "new to the region: on lot IB it adds Vijfheerenlanden lvb" in placed.output
    unchanged(store, cli("tenders", "admit", "WMO2022", "--provider", NEWCOMER, "--on", "2022-03-10"),
              "admission one by one is for an open house")  # fmt: skip


def test_the_open_house_admits_a_late_bid_once(cli: Cli, store: str, tmp_path: Path) -> None:
    code = "JGGZ-OH-2023"
    assert cli("tenders", "award", code, "--on", "2022-11-01").exit_code == 0
    assert cli("tenders", "finalize", code, "--on", "2022-11-01").exit_code == 0
    rows = json.loads(cli("tenders", "evaluate", code, "--format", "json").stdout)
    refused_bid = next(r["agb"] for r in rows if not r["admitted"])
    unchanged(store, cli("tenders", "admit", code, "--provider", refused_bid, "--on", "2023-03-06"),
              "a bid is admitted once")  # fmt: skip
    late_file = tmp_path / "late.toml"
    late_file.write_text(
        '[[bid]]\nlot = "GGZ"\nproducts = ["54002"]\nmunicipalities = ["0321"]\ntarget_groups = ["jeugd-ggz"]\n'
        '[bid.answers]\nE1 = "BIG-register"\nE2 = 12\n',
        encoding="utf-8",
    )
    late = "75990826"  # a Jeugd provider of the demo that did not register before the award
    placed = cli("tenders", "bid", code, str(late_file), "--provider", late, "--on", "2023-03-01")
    assert placed.exit_code == 0, placed.output
    pending = [
        r for r in json.loads(cli("tenders", "evaluate", code, "--format", "json").stdout) if r["agb"] == late
    ]
    assert [(r["admitted"], r["contract"]) for r in pending] == [(True, None)]
    admitted = cli("tenders", "admit", code, "--provider", late, "--on", "2023-03-06")
    assert admitted.exit_code == 0, admitted.output
    assert f"contract(s) {code}-GGZ-{late}" in admitted.output
    unchanged(store, cli("tenders", "admit", code, "--provider", late, "--on", "2023-03-07"),
              "a bid is admitted once")  # fmt: skip
    shown = [
        r for r in json.loads(cli("tenders", "evaluate", code, "--format", "json").stdout) if r["agb"] == late
    ]
    assert [(r["admitted"], r["contract"], r["reason"]) for r in shown] == [
        (True, f"{code}-GGZ-{late}", "admitted on 2023-03-06")
    ]
