# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop access evaluate``: the consultant records the end evaluation of an ended
allocation (goals reached, partly, not); bad input is one line and changes nothing; another
municipality's allocation is not found; the write is in the processing log."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.cli import app

runner = CliRunner()


def test_evaluate_records_the_goals_once_ended_and_refuses_the_rest(
    demo_store_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "store.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    a = t.AllocationRow
    with engine.connect() as connection:
        # a number Lopik does not have (numbers are per municipality): there it is not found
        lopik_max = connection.scalar(select(func.max(a.number)).where(a.municipality_code == "0331"))
        number, law = connection.execute(
            select(a.number, a.law)
            .where(
                a.municipality_code == "0321",
                a.valid_to < date(2020, 1, 1),
                a.goals_reached.is_(None),
                a.number > lopik_max,
            )
            .order_by(a.number)
            .limit(1)
        ).one()
        running = connection.scalar(
            select(a.number).where(
                a.municipality_code == "0321", a.law == "wmo", a.valid_from > date(2021, 1, 1)
            )
        )

    def goals() -> str | None:
        with engine.connect() as connection:
            return connection.scalar(
                select(a.goals_reached).where(a.municipality_code == "0321", a.law == law, a.number == number)
            )

    base = ["access", "evaluate", str(number), "-m", "Houten", "--law", law, "--db", url]
    done = runner.invoke(app, [*base, "--goals", "partly", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["goals_reached"] == "partly"
    assert goals() == "partly"
    with engine.connect() as connection:
        assert "allocation.end_evaluation" in set(
            connection.scalars(select(t.ProcessingLogEntryRow.operation))
        )
    for args in (
        [*base, "--goals", "maybe"],
        ["access", "evaluate", str(number), "-m", "Lopik", "--law", law, "--db", url, "--goals", "not"],
        [*base, "--goals", "not", "--on", "2017-01-01"],
        ["access", "evaluate", str(running), "-m", "Houten", "--law", "wmo", "--db", url, "--goals", "not",
         "--on", "2021-01-02"],
    ):  # fmt: skip
        refused = runner.invoke(app, args)
        assert refused.exit_code in (1, 2), refused.output
        assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) == 1
    assert goals() == "partly"
    engine.dispose()
