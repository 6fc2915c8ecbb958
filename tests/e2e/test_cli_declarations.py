# SPDX-License-Identifier: EUPL-1.2
"""The chain a new user tries: demo -> declarations generate -> process (325s) -> process again
(nothing granted) -> faulty lines come back with their codes; ledger and exhaustion."""

from __future__ import annotations

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tests.conftest import ISTANDAARDEN
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.istandaarden import validate_message, validate_with_xsd
from zorginkoop.cli import app
from zorginkoop.domain.periods import Period
from zorginkoop.services.declaration_generator import FAULTS, generate

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("declarations") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _csv(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def _rejected(answer: Path) -> dict[str, list[str]]:
    root = etree.parse(str(answer)).getroot()
    return {
        next(p.iter("{*}ReferentieNummer")).text: [c.text for c in p.find("{*}RetourCodes")]
        for p in root.iter("{*}Prestatie")
    }


def _ledger_total(db: str) -> str:
    result = runner.invoke(
        app, ["declarations", "ledger", "--year", "2021", "--db", db, "--format", "csv", "--totals"]
    )
    assert result.exit_code == 0, result.output
    return _csv(result.output)[-1]["paid_eur"]


def test_generate_process_and_process_again(demo_db: str, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    made = runner.invoke(
        app, ["declarations", "generate", "--period", "2021-01", "--out", str(inbox), "--db", demo_db]
    )
    assert made.exit_code == 0, made.output
    assert "declarations (" in made.output and "0 faulty" in made.output
    files = sorted(inbox.glob("*.xml"))
    assert len(files) > 100

    first = runner.invoke(app, ["declarations", "process", str(inbox), "--out", str(out), "--db", demo_db,
                                "--format", "csv"])  # fmt: skip
    assert first.exit_code == 0, first.output
    rows = _csv(first.output)  # data rows only: one per file, the total row is not among them
    assert len(rows) == len(files) and {r["status"] for r in rows} == {"processed"}
    assert all(r["approved"] == r["lines"] and r["rejected"] == "0" for r in rows)
    granted = sum(Decimal(r["granted_eur"]) for r in rows)
    assert granted == sum(Decimal(r["submitted_eur"]) for r in rows)
    answers = sorted(out.glob("*325_*.xml"))
    assert len(answers) == len(files)
    for answer in answers:
        assert validate_message(answer).errors == (), answer.name
        if ISTANDAARDEN.is_dir():
            assert validate_with_xsd(answer.read_bytes(), ISTANDAARDEN) == [], answer.name
    assert Decimal(_ledger_total(demo_db)) == granted

    second = runner.invoke(app, ["declarations", "process", str(inbox), "--out", str(tmp_path / "out2"),
                                 "--db", demo_db, "--format", "csv"])  # fmt: skip
    assert second.exit_code == 0, second.output
    rows = _csv(second.output)
    again = rows.pop()
    assert {r["status"] for r in rows} == {"duplicate"}
    assert again["granted_eur"] == "0.00" and again["approved"] == "0"
    assert Decimal(_ledger_total(demo_db)) == granted
    # the same bytes get the answer they got the first time, not "every line 8021"
    again_answers = sorted((tmp_path / "out2").glob("*.xml"))
    assert [a.name for a in again_answers] == [a.name for a in answers]
    assert all(a.read_bytes() == (out / a.name).read_bytes() for a in again_answers)


def test_faulty_lines_come_back_with_their_codes(demo_db: str, tmp_path: Path) -> None:
    inbox, out = tmp_path / "in", tmp_path / "out"
    made = runner.invoke(app, ["declarations", "generate", "--period", "2021-02", "--out", str(inbox),
                               "--error-rate", "0.05", "--seed", "5", "--db", demo_db])  # fmt: skip
    assert made.exit_code == 0, made.output
    # the same generation again, in Python, tells which lines were made faulty and how
    expected = generate(
        make_engine(demo_db), Period.month(2021, 2), tmp_path / "again", error_rate=0.05, seed=5
    )
    faults = {(f.path.name, ref): kind for f in expected for ref, kind in f.faults.items()}
    assert len(faults) > 20 and {kind for kind in faults.values()} == set(FAULTS)

    result = runner.invoke(app, ["declarations", "process", str(inbox), "--out", str(out), "--db", demo_db,
                                 "--format", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    by_file = {Path(r["file"]).name: r for r in rows}
    for (name, ref), kind in faults.items():
        answer = Path(by_file[name]["answer"])
        codes = _rejected(answer).get(ref)
        assert codes is not None and FAULTS[kind] in codes, (name, ref, kind, codes)
    assert sum(int(r["rejected"]) for r in rows) >= len(faults)


def test_an_unreadable_file_is_one_error_line_and_exit_2_while_the_rest_is_processed(
    demo_db: str, tmp_path: Path
):
    inbox = tmp_path / "in"
    runner.invoke(
        app, ["declarations", "generate", "--period", "2021-03", "--out", str(inbox), "--db", demo_db]
    )
    (inbox / "zz_junk.xml").write_bytes(b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")
    result = runner.invoke(app, ["declarations", "process", str(inbox), "--out", str(tmp_path / "out"),
                                 "--db", demo_db, "--format", "csv"])  # fmt: skip
    assert result.exit_code == 2
    assert "zz_junk.xml: refused" in result.output and "DOCTYPE" in result.output
    assert "Traceback" not in result.output
    missing = runner.invoke(
        app, ["declarations", "process", str(tmp_path / "nope.xml"), "--out", str(tmp_path)]
    )
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_ledger_and_exhaustion_on_the_demo_history(demo_db: str) -> None:
    ledger = runner.invoke(
        app, ["declarations", "ledger", "--year", "2020", "--db", demo_db, "--format", "csv"]
    )
    assert ledger.exit_code == 0, ledger.output
    rows = _csv(ledger.output)  # data rows only: no subtotal or total among them
    assert rows and all(r["provider_agb"] and r["municipality"] != "total" for r in rows)
    sums = runner.invoke(
        app, ["declarations", "ledger", "--year", "2020", "--db", demo_db, "--format", "csv", "--totals"]
    )
    totals = _csv(sums.output)
    assert totals[-1]["municipality"] == "total" and float(totals[-1]["paid_eur"]) > 7_953_384
    assert Decimal(totals[-1]["paid_eur"]) == sum(Decimal(r["paid_eur"]) for r in rows)
    assert [t["provider"] for t in totals[:-1]] == ["(all providers)"] * (len(totals) - 1)
    ceilings = runner.invoke(
        app, ["declarations", "exhaustion", "--year", "2020", "--db", demo_db, "--format", "csv"]
    )
    assert ceilings.exit_code == 0, ceilings.output
    collective = [r for r in _csv(ceilings.output) if r["kind"] == "collective"]
    assert collective and collective[0]["ceiling_eur"] == "2300000.00"
    assert 0 < float(collective[0]["used_pct"]) <= 100
    houten = runner.invoke(app, ["declarations", "exhaustion", "--year", "2020", "-m", "Houten", "--by",
                                 "allocation", "--db", demo_db, "--format", "csv"])  # fmt: skip
    assert houten.exit_code == 0, houten.output
    assert {r["municipality"] for r in _csv(houten.output)} == {"Houten"}
