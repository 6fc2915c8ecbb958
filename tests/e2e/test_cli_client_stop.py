# SPDX-License-Identifier: EUPL-1.2
"""`zorginkoop providers client-stop AGB on|off`: the same use case as the contract manager's
switch in the web application."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()


def _stop_of(url: str, agb: str) -> str:
    result = runner.invoke(app, ["providers", "list", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    return next(p["client_stop"] for p in json.loads(result.stdout) if p["agb"] == agb)


def test_the_client_stop_is_switched_on_and_off(demo_store_url: str, tmp_path: Path) -> None:
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    listed = json.loads(runner.invoke(app, ["providers", "list", "--db", url, "--format", "json"]).stdout)
    agb = next(p["agb"] for p in listed if p["client_stop"] == "nee")
    on = runner.invoke(app, ["providers", "client-stop", agb, "on", "--db", url])
    assert on.exit_code == 0 and f"provider {agb}: client stop on (was off)" in on.stdout
    assert _stop_of(url, agb) == "ja"
    off = runner.invoke(app, ["providers", "client-stop", agb, "off", "--db", url])
    assert off.exit_code == 0 and "client stop off (was on)" in off.stdout
    assert _stop_of(url, agb) == "nee"


def test_an_unknown_provider_or_state_is_one_line_and_exit_2(demo_store_url: str) -> None:
    unknown = runner.invoke(app, ["providers", "client-stop", "12345678", "on", "--db", demo_store_url])
    assert unknown.exit_code == 2 and "no provider with AGB code 12345678" in unknown.stderr
    wrong = runner.invoke(app, ["providers", "client-stop", "12345678", "maybe", "--db", demo_store_url])
    assert wrong.exit_code == 2
