# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop survey`` on a copy of the demo: create, invite (e-mails and letters with links),
list and results in every format; bad input is one line and exit 2, nothing stored."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("survey-cli") / "store.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _run(store: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["survey", *args, "--db", store])
    return result.exit_code, result.stdout, result.stderr


def _rounds(store: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = _run(store, "list", "--format", "json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_round_from_create_to_results(store: str, tmp_path: Path) -> None:
    own = tmp_path / "eigen.toml"
    own.write_text('[[question]]\nid = "vervoer"\ntext = "Het vervoer kwam op tijd."\n', encoding="utf-8")
    code, out, err = _run(store, "create", "--year", "2020", "--law", "jeugd", "-m", "Houten", "--sample", "20",
                          "--questions", str(own), "--format", "json")  # fmt: skip
    assert code == 0, err
    (made,) = json.loads(out)
    assert made["drawn"] == 20 and made["questions"] == 8 and made["for_procurement"] is False
    folder = tmp_path / "uit"
    code, out, err = _run(store, "invite", str(made["round"]), "--out", str(folder),
                          "--base-url", "https://enquete.lekstroom.example")  # fmt: skip
    assert code == 0, err
    files = [*folder.glob("*.eml"), *(folder / "brieven").glob("*.txt")]
    assert len(files) == 20 and "round" in out
    assert all("https://enquete.lekstroom.example/enquete/" in f.read_text(encoding="utf-8") for f in files)
    code, out, _ = _run(store, "invite", str(made["round"]), "--out", str(folder))
    assert code == 0 and "0 e-mails and 0 letters" in out  # nobody is invited twice
    code, out, err = _run(store, "results", str(made["round"]), "--format", "csv")
    assert code == 0, err
    (houten,) = csv.DictReader(io.StringIO(out))
    assert houten["municipality"] == "0321" and houten["invited"] == "20" and houten["respondents"] == "0"
    assert "q:vervoer" in houten
    code, out, err = _run(store, "results", str(made["round"]))
    assert code == 0 and "not for procurement" in err


def test_the_demo_round_per_provider_shows_no_values_under_10(store: str) -> None:
    code, out, err = _run(store, "results", "1", "--by", "provider", "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["round"]["law"] == "wmo" and document["min_respondents"] == 10
    groups = document["groups"]
    assert sum(g["respondents"] for g in groups) == document["respondents"]
    for g in groups:
        assert (g["satisfaction"] is None) == (g["respondents"] < 10)
        if g["satisfaction"] is not None:
            assert 0 <= float(g["satisfaction"]) <= 1
    code, out, _ = _run(store, "results", "1", "--by", "provider")
    assert code == 0 and "< 10" in out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["create", "--year", "2020", "--sample", "0"], "--sample"),
        (["create", "--year", "2020", "-m", "Atlantis"], "unknown municipality"),
        (["create", "--year", "1999"], "no clients"),
        (["create", "--year", "2020", "--questions", "/nonexistent.toml"], "cannot read"),
        (["results", "999"], "no survey round 999"),
        (["invite", "999", "--out", "/tmp/zk-survey-never"], "no survey round 999"),
        (["invite", "1", "--out", "/tmp/zk-survey-never", "--base-url", "ftp://x"], "--base-url"),
    ],
)
def test_bad_input_is_one_line_and_nothing_is_stored(store: str, args: list[str], says: str) -> None:
    before = _rounds(store)
    code, _out, err = _run(store, *args)
    assert code == 2
    assert says in err and "Traceback" not in err
    assert _rounds(store) == before


def test_a_questions_file_that_is_not_a_questionnaire_is_refused(store: str, tmp_path: Path) -> None:
    bad = tmp_path / "fout.toml"
    bad.write_text('[[question]]\nid = "toegang-snel"\ntext = "Dubbel"\n', encoding="utf-8")
    code, _out, err = _run(store, "create", "--year", "2020", "--questions", str(bad))
    assert code == 2 and "toegang-snel" in err
    bad.write_text("niet = [toml", encoding="utf-8")
    code, _out, err = _run(store, "create", "--year", "2020", "--questions", str(bad))
    assert code == 2 and "not valid TOML" in err
