# SPDX-License-Identifier: EUPL-1.2
"""``access allocations --bsn``: a client's allocations with, for Jeugd, who referred the client
(Verwijzer, COD327), in a table, csv and json; Wmo shows none. The read is scoped and logged."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.cli import app
from zorginkoop.cli import output as cli_output

runner = CliRunner()
HOUTEN = "0321"


def _store(demo_store_url: str, tmp_path: Path) -> str:
    copy = tmp_path / "store.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def test_the_client_s_allocations_show_the_referrer_and_the_read_is_logged(
    demo_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _store(demo_store_url, tmp_path)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            bsn, number = connection.execute(
                select(t.AllocationRow.client_bsn, t.AllocationRow.number)
                .where(t.AllocationRow.municipality_code == HOUTEN, t.AllocationRow.law == "jeugd")
                .order_by(t.AllocationRow.number)
                .limit(1)
            ).one()
            connection.execute(
                update(t.AllocationRow)
                .where(t.AllocationRow.municipality_code == HOUTEN, t.AllocationRow.law == "jeugd",
                       t.AllocationRow.number == number)
                .values(referrer_type="02", referrer_name="Dr. Jansen", referrer_agb=None)
            )  # fmt: skip
            wmo_bsn = connection.scalar(
                select(t.AllocationRow.client_bsn)
                .where(t.AllocationRow.municipality_code == HOUTEN, t.AllocationRow.law == "wmo")
                .limit(1)
            )
            before = connection.scalar(select(func.count()).select_from(t.ProcessingLogEntryRow))
        args = ["access", "allocations", "--bsn", bsn, "-m", "Houten", "--db", url]
        piped = runner.invoke(app, [*args, "--format", "table"])
        assert piped.exit_code == 0, piped.output
        assert "Huisarts (Dr. Jansen)" in piped.stdout
        # on an 80-column terminal: it fits
        with monkeypatch.context() as m:
            m.setattr(cli_output, "console", Console(force_terminal=True, width=80, color_system=None))
            table = runner.invoke(app, args, env={"COLUMNS": "80"})
        assert table.exit_code == 0, table.output
        assert max(len(line) for line in table.stdout.splitlines()) <= 80
        assert "Dr. Jansen" in table.stdout or "Jansen" in table.stdout
        rows = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).stdout)))
        own = next(r for r in rows if r["law"] == "jeugd" and r["allocation"] == str(number))
        assert own["referrer"] == "Huisarts (Dr. Jansen)"
        data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
        row = next(r for r in data if r["law"] == "jeugd" and r["allocation"] == number)
        assert row["referrer"] == {"type": "02", "name": "Dr. Jansen", "agb": None}
        with engine.connect() as connection:
            after = connection.scalar(select(func.count()).select_from(t.ProcessingLogEntryRow))
        assert (after or 0) > (before or 0)  # the reads are in the processing log
        wmo_args = ["access", "allocations", "--bsn", wmo_bsn, "-m", "Houten", "--db", url, "--format", "json"]  # fmt: skip
        wmo = json.loads(runner.invoke(app, wmo_args).stdout)
        assert wmo and all(r["referrer"] is None for r in wmo if r["law"] == "wmo")
        # outside the scope: not found, one line, as for an unknown client
        other = runner.invoke(app, ["access", "allocations", "--bsn", bsn, "-m", "Nieuwegein", "--db", url])
        assert other.exit_code != 0 and len(other.stderr.strip().splitlines()) == 1
    finally:
        engine.dispose()
