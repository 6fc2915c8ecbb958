# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop messages validate``: JSON and table output, exit codes 0/1/2."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from zorginkoop.adapters.istandaarden import write_message
from zorginkoop.adapters.istandaarden.samples import sample_bericht
from zorginkoop.cli.messages import app
from zorginkoop.domain.codes import Law

runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good.xml"
    good.write_bytes(write_message(sample_bericht(Law.WMO, "301", random.Random(2)), law=Law.WMO))
    bad = tmp_path / "bad.xml"
    bad.write_bytes(good.read_bytes().replace(b"<iwmo:Eenheid>04", b"<iwmo:Eenheid>99"))
    return good, bad


def test_valid_file_exits_0_with_json(tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    result = runner.invoke(app, ["validate", str(good), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"file": str(good), "valid": True, "errors": []}]


def test_invalid_file_exits_1_and_lists_codes(tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    result = runner.invoke(app, ["validate", str(good), str(bad), "--format", "json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert [r["valid"] for r in out] == [True, False]
    assert out[1]["errors"][0]["code"] == "WJ756"
    assert "message" in out[1]["errors"][0]


def test_table_output(tmp_path: Path) -> None:
    _, bad = _files(tmp_path)
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 1
    assert "WJ756" in result.stdout and "invalid" in result.stdout


def test_missing_file_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.xml")])
    assert result.exit_code == 2
    assert "no such file" in result.output
    assert "Traceback" not in result.output


def test_hostile_file_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    f = tmp_path / "x.xml"
    f.write_bytes(b'<!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><a>&e;</a>')
    result = runner.invoke(app, ["validate", str(f), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)[0]["errors"][0]["code"] == "XML"
    assert f"{f}: not a readable message: a DOCTYPE" in result.stderr
