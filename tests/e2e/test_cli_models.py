# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop models``: list the models and weigh an intake, as a consultant would type it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zorginkoop.adapters.model_files import MODELS_DIR_ENV, shipped_models_dir
from zorginkoop.cli import app

runner = CliRunner()

MATRIX_ARGS = [
    "models", "evaluate", "lekstroom-2022",
    "--areas", "zelfzorg-gezondheid,regelvermogen-structuur",
    "--type", "ontwikkelen", "--intensity", "plus", "--months", "12",
]  # fmt: skip


def test_list_shows_the_shipped_models_as_json() -> None:
    result = runner.invoke(app, ["models", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"lekstroom-ozr", "lekstroom-2022", "twente"}
    assert rows["lekstroom-2022"]["products"] == 18
    assert rows["lekstroom-2022"]["kind"] == "result-area-matrix"
    assert rows["twente"]["valid_from"] == "2023-01-01"


def test_list_as_csv_and_table() -> None:
    csv_result = runner.invoke(app, ["models", "list", "--format", "csv"])
    assert csv_result.stdout.splitlines()[0] == "id,name,kind,region,products,valid_from"
    assert runner.invoke(app, ["models", "list"]).exit_code == 0


def test_evaluate_prints_the_indication_as_json() -> None:
    result = runner.invoke(app, [*MATRIX_ARGS, "--format", "json", "--start", "2024-01-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "lekstroom-2022"
    assert data["product_code"] == "02O12"
    assert data["monthly_tariff_eur"] == "465.00"
    assert data["months"] == 12
    assert data["total_eur"] == "5580.00"
    assert [m["month"] for m in data["evaluation_moments"]] == [6, 12]
    assert data["evaluation_moments"][-1]["date"] == "2024-12-31"
    assert data["explanation"] and all(isinstance(step, str) for step in data["explanation"])


def test_aggravating_circumstances_raise_the_intensity() -> None:
    result = runner.invoke(
        app, [*MATRIX_ARGS, "--aggravating", "verminderd-regelvermogen", "--format", "json"]
    )
    assert json.loads(result.stdout)["product_code"] == "02O13"


def test_evaluate_hourly_and_twente_models() -> None:
    ozr = runner.invoke(
        app,
        ["models", "evaluate", "lekstroom-ozr", "--intensity", "gemiddeld", "--hours-per-week", "3",
         "--months", "6", "--format", "json"],
    )  # fmt: skip
    assert ozr.exit_code == 0, ozr.output
    assert json.loads(ozr.stdout)["monthly_tariff_eur"] == "678.21"  # 3 x 52.17 x 13/3
    twente = runner.invoke(
        app,
        ["models", "evaluate", "twente", "--type", "behouden", "--need", "participatie", "--intensity", "2",
         "--bandwidth", "hoog", "--module", "vervoer", "--module", "gezinsondersteuning", "--months", "12",
         "--format", "json"],
    )  # fmt: skip
    assert twente.exit_code == 0, twente.output
    data = json.loads(twente.stdout)
    # 425.00 x 1.15 = 488.75 a month; x 12 = 5865.00; + vervoer 12 x 95 + 650 once
    assert data["monthly_tariff_eur"] == "488.75"
    assert data["total_eur"] == "7655.00"


def refused(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_administratie_financien_alone_exits_2_with_the_reason() -> None:
    line = refused(
        ["models", "evaluate", "lekstroom-2022", "--areas", "administratie-financien", "--type", "behouden",
         "--intensity", "gemiddeld", "--months", "12", "--format", "json"]
    )  # fmt: skip
    assert "area-only-with-another" in line
    assert "only together with another result area" in line


def test_ontwikkelen_for_30_months_exits_2() -> None:
    args = [*MATRIX_ARGS[:-2], "--months", "30", "--format", "json"]
    line = refused(args)
    assert "months-above-maximum" in line and "24" in line


def test_behouden_for_61_months_exits_2() -> None:
    args = [
        "models", "evaluate", "lekstroom-2022", "--areas", "zelfzorg-gezondheid", "--type", "behouden",
        "--intensity", "gemiddeld", "--months", "61", "--format", "json",
    ]  # fmt: skip
    line = refused(args)
    assert "months-above-maximum" in line and "60" in line


def test_unknown_model_exits_2_listing_the_known_ids() -> None:
    line = refused(["models", "evaluate", "nope", "--months", "3"])
    assert "lekstroom-2022" in line and "twente" in line and "lekstroom-ozr" in line


def test_models_dir_from_the_environment_adds_a_region_model(tmp_path: Path) -> None:
    text = (shipped_models_dir() / "lekstroom-ozr.toml").read_text(encoding="utf-8")
    (tmp_path / "regio-oost-ozr.toml").write_text(
        text.replace('id = "lekstroom-ozr"', 'id = "regio-oost-ozr"')
    )
    result = runner.invoke(app, ["models", "list", "--format", "json"], env={MODELS_DIR_ENV: str(tmp_path)})
    assert result.exit_code == 0, result.output
    assert "regio-oost-ozr" in {row["id"] for row in json.loads(result.stdout)}


def test_a_broken_models_dir_exits_2_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "kapot.toml").write_text('id = "kapot"\n')
    line = refused(["models", "list", "--models-dir", str(tmp_path)])
    assert "kapot.toml: name: is missing" in line
