# SPDX-License-Identifier: EUPL-1.2
"""The CLI stays readable (issue 9, point 3): at 80 columns, in a pipe and on a terminal, every
identifier, code and amount a table prints is whole; a pipe gets no box drawing; csv and json
carry data rows only (totals behind ``--totals``), lists as lists; an unknown municipality,
provider or product is one line and exit 2, never an empty table."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from zorginkoop.cli import app
from zorginkoop.cli import output as cli_output

runner = CliRunner()

BOX_DRAWING = re.compile("[\u2500-\u257f]")
"""─│┃━┏┓┗┛┡┩╇ and the rest of the Unicode box-drawing block."""
ELLIPSIS = "\u2026"


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the demo: the access commands log their reads (the processing log is written)."""
    source = Path(demo_store_url.removeprefix("sqlite:///"))
    copy = tmp_path_factory.mktemp("readable") / "demo.sqlite"
    shutil.copy(source, copy)
    return f"sqlite:///{copy}"


TABLE_COMMANDS: list[list[str]] = [
    ["providers", "list"],
    ["catalogue", "products"],
    ["catalogue", "tariffs", "--on", "2020-06-01"],
    ["contracts", "list"],
    ["contracts", "calendar"],
    ["contracts", "ceilings"],
    ["models", "list"],
    ["report", "costs", "--year", "2020"],
    ["report", "providers", "--year", "2020"],
    ["report", "concentration", "--year", "2020", "--law", "wmo"],
    ["report", "years"],
    ["declarations", "ledger", "--year", "2020"],
    ["declarations", "exhaustion", "--year", "2020"],
    ["declarations", "exhaustion", "--year", "2020", "--by", "provider"],
    ["declarations", "exhaustion", "--year", "2020", "--by", "municipality"],
    ["access", "providers", "-m", "0321"],
    ["access", "providers", "-m", "Houten", "--law", "jeugd"],
    ["access", "signals", "family", "-m", "0356", "--on", "2021-01-01"],
    ["access", "signals", "transition-18", "-m", "0356", "--on", "2021-01-01"],
    ["access", "signals", "evaluations", "-m", "0356", "--on", "2021-01-01", "--days", "60"],
    ["access", "outside-lines", "-m", "0321"],
    ["access", "stops", "-m", "0321"],
    ["users", "list"],
    ["log", "search", "--activity", "signals"],
    ["models", "evaluate", "twente", "--type", "ontwikkelen", "--need", "zelfredzaamheid", "--intensity", "2",
     "--bandwidth", "hoog", "--months", "12", "--start", "2023-03-01", "--module", "vervoer"],
    ["access", "intake", "lekstroom-2022", "--areas", "zelfzorg-gezondheid,regelvermogen-structuur",
     "--type", "ontwikkelen", "--months", "12", "--start", "2024-01-01"],
]  # fmt: skip

NO_STORE = {"models", "calc"}


def _args(command: list[str], store: str) -> list[str]:
    if command[0] in NO_STORE or command[:2] == ["access", "intake"]:
        return command
    return [*command, "--db", store]


def _invoke(args: list[str], columns: int = 80) -> Result:
    return runner.invoke(app, args, env={"COLUMNS": str(columns)})


def _json_rows(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else [data]


def _words(value: Any, nested: bool = False) -> Iterator[str]:
    """Every word a table must print whole for ``value``: a list's items; of a mapping inside a
    field (an add-on, an evaluation moment, told in a line of its own), its codes, dates and
    amounts (the words with a digit)."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _words(item, nested=True)
    elif isinstance(value, list):
        for item in value:
            yield from _words(item, nested)
    else:
        yield from (w for w in str(value).split() if not nested or any(ch.isdigit() for ch in w))


@pytest.fixture(params=["pipe", "terminal"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """``pipe``: output to a pipe (CliRunner's stdout is no terminal); ``terminal``: an
    80-column terminal (Rich forced to a terminal, without colour codes)."""
    if request.param == "terminal":
        monkeypatch.setattr(cli_output, "console", Console(force_terminal=True, width=80, color_system=None))
    return str(request.param)


@pytest.mark.parametrize("command", TABLE_COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_every_value_of_a_table_is_printed_whole_at_80_columns(store: str, command: list[str], mode: str):
    args = _args(command, store)
    truth = _json_rows(_invoke([*args, "--format", "json"]))
    shown = _invoke(args)
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert ELLIPSIS not in text
    missing = sorted({word for row in truth for value in row.values() for word in _words(value)
                      if word not in text})  # fmt: skip
    assert missing == [], f"cut or missing in {mode} output: {missing[:10]}"
    if mode == "pipe":
        assert not BOX_DRAWING.search(text), "a pipe gets no box drawing"
    else:
        widest = max((len(line) for line in text.splitlines()), default=0)
        assert widest <= 80, f"a line of {widest} characters on an 80-column terminal"


def test_identifiers_of_the_issue_are_whole_in_a_pipe_and_on_a_terminal(store: str, mode: str):
    providers = _json_rows(_invoke(["providers", "list", "--db", store, "--format", "json"]))
    agbs = {p["agb"] for p in providers}
    assert len(agbs) > 40 and all(re.fullmatch(r"\d{8}", agb) for agb in agbs)
    table = _invoke(["providers", "list", "--db", store]).stdout
    assert agbs <= set(re.findall(r"\b\d{8}\b", table))
    ledger = _invoke(
        ["declarations", "ledger", "--year", "2020", "--db", store, "--format", "json", "--totals"]
    )
    total = _json_rows(ledger)[-1]["paid_eur"]
    assert re.search(rf"(?<![\d.]){re.escape(total)}(?![\d.])", _invoke(["declarations", "ledger", "--year",
                     "2020", "--db", store]).stdout)  # fmt: skip
    models = {m["id"] for m in _json_rows(_invoke(["models", "list", "--format", "json"]))}
    assert {"lekstroom-2022", "lekstroom-ozr", "twente"} <= models
    listed = _invoke(["models", "list"]).stdout
    assert all(re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", listed) for m in models)


def test_a_table_too_wide_for_the_terminal_becomes_one_record_per_row(monkeypatch: pytest.MonkeyPatch):
    narrow = Console(force_terminal=True, width=80, color_system=None)
    monkeypatch.setattr(cli_output, "console", narrow)
    records = _invoke(["models", "list"]).stdout
    assert re.search(r"^id:\s+lekstroom-2022$", records, re.MULTILINE)
    assert re.search(r"^valid_from:\s+2022-01-01$", records, re.MULTILINE)
    wide = Console(force_terminal=True, width=160, color_system=None)
    monkeypatch.setattr(cli_output, "console", wide)
    table = _invoke(["models", "list"]).stdout
    assert "┃ id" in table and "lekstroom-2022" in table and not re.search(r"^id:", table, re.MULTILINE)


def test_a_piped_table_is_aligned_plain_columns(store: str):
    text = _invoke(["report", "costs", "--year", "2020", "--db", store]).stdout
    lines = text.splitlines()
    assert lines[0] == "Approved cost 2020"
    assert lines[1].split() == ["municipality", "clients", "cost_eur"]
    assert set(lines[2]) <= {"-", " "}
    assert lines[-1].split()[0] == "total"  # the total follows the data rows after a rule line
    assert set(lines[-2]) <= {"-", " "}
    ends = {len(line) for line in lines[3:-2]}
    assert len(ends) == 1, "amounts are right-aligned in one column"


# -- csv and json: data rows only ----------------------------------------------------------------

TOTALS_COMMANDS = [
    (["report", "costs", "--year", "2020"], "municipality", {"total"}),
    (["report", "concentration", "--year", "2020"], "group", {"all providers"}),
    (["declarations", "ledger", "--year", "2020"], "provider", {"(all providers)", ""}),
]


@pytest.mark.parametrize(
    ("command", "key", "total_values"), TOTALS_COMMANDS, ids=[" ".join(c[:2]) for c, _, _ in TOTALS_COMMANDS]
)
def test_csv_and_json_carry_data_rows_and_totals_only_behind_the_flag(store, command, key, total_values):
    args = [*command, "--db", store]
    rows = _json_rows(_invoke([*args, "--format", "json"]))
    totals = _json_rows(_invoke([*args, "--format", "json", "--totals"]))
    assert rows and totals
    assert not [r for r in rows if r[key] in total_values or r.get("municipality") == "total"]
    assert all(t[key] in total_values for t in totals)
    table_rows = list(csv.DictReader(io.StringIO(_invoke([*args, "--format", "csv"]).stdout)))
    assert [r[key] for r in table_rows] == [str(r[key]) for r in rows]


def test_list_valued_fields_are_lists_in_json_and_joined_with_semicolons_in_csv(store: str):
    listed = _json_rows(_invoke(["providers", "list", "--db", store, "--format", "json"]))
    assert all(isinstance(p[k], list) for p in listed for k in ("laws", "target_groups", "municipalities"))
    several = next(p for p in listed if len(p["municipalities"]) > 1)
    rows = list(
        csv.DictReader(io.StringIO(_invoke(["providers", "list", "--db", store, "--format", "csv"]).stdout))
    )
    row = next(r for r in rows if r["agb"] == several["agb"])
    assert row["municipalities"].split(";") == several["municipalities"]


# -- unknown names: exit 2, one line ---------------------------------------------------------------

UNKNOWN = [
    (["access", "providers", "-m", "9999"], "unknown municipality '9999'"),
    (["access", "providers", "-m", "Atlantis"], "unknown municipality 'Atlantis'"),
    (["access", "signals", "family", "-m", "9999"], "unknown municipality"),
    (["access", "signals", "transition-18", "-m", "9999"], "unknown municipality"),
    (["access", "signals", "evaluations", "-m", "9999"], "unknown municipality"),
    (["access", "outside-lines", "-m", "9999"], "unknown municipality"),
    (["access", "contract-ends", "-m", "9999"], "unknown municipality"),
    (["access", "stops", "-m", "9999"], "unknown municipality"),
    (["access", "stops", "end", "1", "-m", "9999"], "unknown municipality"),
    (["access", "change", "1", "-m", "9999", "--reason", "13"], "unknown municipality"),
    (["access", "client", "--bsn", "999900006", "-m", "9999", "--street", "Lekdijk", "--house-number", "7",
      "--postcode", "3991AB", "--city", "Houten"], "unknown municipality"),
    (["access", "decide", "lekstroom-ozr", "--bsn", "999900006", "-m", "9999", "--start", "2021-07-01",
      "--months", "6", "--product", "OZR1", "--hours", "3"], "unknown municipality"),
    (["access", "providers", "-m", "0321", "--product", "NOPE"], "unknown product 'NOPE'"),
    (["access", "allocate", "X", "-m", "0321", "--model", "lekstroom-ozr", "--provider", "12345678"],
     "unknown provider '12345678'"),
    (["contracts", "list", "--provider", "12345678"], "unknown provider '12345678'"),
    (["catalogue", "tariffs", "--product", "NOPE"], "unknown product 'NOPE'"),
    (["declarations", "exhaustion", "--year", "2020", "--provider", "12345678"], "unknown provider"),
    (["declarations", "exhaustion", "--year", "2020", "-m", "Atlantis"], "unknown municipality"),
    (["report", "providers", "--year", "2020", "--exclude", "Atlantis"], "unknown municipality"),
    (["report", "concentration", "--year", "2020", "--exclude", "9999"], "unknown municipality"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "message"), UNKNOWN, ids=lambda v: " ".join(v[:4]) if isinstance(v, list) else ""
)
def test_an_unknown_municipality_provider_or_product_is_one_line_and_exit_2(store, command, message):
    result = runner.invoke(app, [*command, "--db", store])
    assert result.exit_code == 2, result.output
    assert result.stdout == "", "no (empty) table"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr


def test_a_known_product_without_tariffs_that_day_is_an_empty_list_not_an_error(store: str):
    result = runner.invoke(app, ["catalogue", "tariffs", "--product", "OZR1", "--on", "1990-01-01", "--db", store,
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0 and json.loads(result.stdout) == []


# -- access intake: dates and every input of the models ----------------------------------------------


def test_access_intake_prints_evaluation_moments_as_dates():
    args = ["access", "intake", "lekstroom-2022", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen",
            "--months", "12", "--start", "2024-01-01"]  # fmt: skip
    table = _invoke(args).stdout
    assert "2024-06-30 (month 6); 2024-12-31 (month 12, final)" in table
    assert "{" not in table and "EvaluationMoment" not in table and "'month'" not in table
    (data,) = _json_rows(_invoke([*args, "--format", "json"]))
    assert data["evaluation_moments"] == [
        {"month": 6, "date": "2024-06-30", "final": False},
        {"month": 12, "date": "2024-12-31", "final": True},
    ]
    assert isinstance(data["explanation"], list) and isinstance(data["add_ons"], list)


def test_access_intake_without_a_start_dates_the_moments_from_today():
    (data,) = _json_rows(_invoke(["access", "intake", "lekstroom-ozr", "--product", "OZR1", "--hours", "3",
                                  "--months", "6", "--format", "json"]))  # fmt: skip
    assert data["start"] is not None and all(m["date"] for m in data["evaluation_moments"])


def test_access_intake_takes_twentes_need_bandwidth_and_modules():
    base = ["access", "intake", "twente", "--type", "ontwikkelen", "--need", "zelfredzaamheid", "--intensity", "2",
            "--months", "12", "--start", "2023-03-01", "--format", "json"]  # fmt: skip
    (middle,) = _json_rows(_invoke(base))
    (high,) = _json_rows(_invoke([*base, "--bandwidth", "hoog", "--module", "vervoer"]))
    assert middle["product_code"] == high["product_code"] == "TWO12"
    assert middle["monthly_tariff_eur"] == "560.00" and high["monthly_tariff_eur"] == "644.00"
    assert [a["module"] for a in high["add_ons"]] == ["vervoer"]
    other = _invoke([*base[:6], "regie-en-structuur", *base[7:]])
    assert _json_rows(other)[0]["product_code"] == "TWO22"


def test_access_intake_takes_aggravating_circumstances():
    base = ["access", "intake", "lekstroom-2022", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen",
            "--months", "12", "--start", "2024-01-01", "--format", "json"]  # fmt: skip
    (plain,) = _json_rows(_invoke(base))
    (raised,) = _json_rows(_invoke([*base, "--aggravating", "zorgmijding"]))
    assert (plain["intensity"], raised["intensity"]) == ("gemiddeld", "plus")
    refused = _invoke([*base, "--aggravating", "onbekend"])
    assert refused.exit_code == 2 and "unknown aggravating circumstance" in refused.stderr
