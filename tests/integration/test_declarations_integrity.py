# SPDX-License-Identifier: EUPL-1.2
"""Integrity with real processes: a killed import leaves all or nothing, two imports of one file
at the same moment pay every line once and give the same answer (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from lxml import etree

from tests.declaration_helpers import counts, many_lines, seed_store, write_323
from zorginkoop.domain.periods import Period

ZORGINKOOP = str(Path(sys.executable).with_name("zorginkoop"))
DECEMBER = Period.month(2021, 12)


def _command(path: Path, out: Path, url: str) -> list[str]:
    return [
        ZORGINKOOP,
        "declarations",
        "process",
        str(path),
        "--out",
        str(out),
        "--db",
        url,
        "--format",
        "csv",
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200"}


def _all_or_nothing(engine, lines: int) -> str:
    found = counts(engine)
    if found["declaration"] == 0:
        assert (found["declaration_line"], found["payment"], found["processed_file"], found["message"]) == (
            0,
            0,
            0,
            0,
        )
        return "nothing"
    assert (found["declaration"], found["declaration_line"], found["payment"]) == (1, lines, lines)
    assert (found["processed_file"], found["message"]) == (1, 1)
    return "all"


def test_a_killed_import_leaves_all_or_nothing_and_a_rerun_completes_exactly_once(
    engine, engine_url, tmp_path
):
    allocations = seed_store(engine, allocations=100)
    lines = many_lines(allocations)
    path = write_323(tmp_path / "in" / "d.xml", lines, period=DECEMBER)
    out = tmp_path / "out"
    rng = random.Random(11)
    seen = set()
    for _ in range(4):
        process = subprocess.Popen(_command(path, out, engine_url), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=_env())  # fmt: skip
        time.sleep(rng.uniform(0.3, 2.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.add(_all_or_nothing(engine, len(lines)))
    for answer in out.glob("*.xml") if out.exists() else []:
        etree.parse(str(answer))  # a 325 on disk is always complete (written by rename)
    done = subprocess.run(
        _command(path, out, engine_url), capture_output=True, text=True, env=_env(), check=False
    )
    assert done.returncode == 0, done.stderr
    assert _all_or_nothing(engine, len(lines)) == "all"
    paid = counts(engine)["paid_cents"]
    again = subprocess.run(
        _command(path, out, engine_url), capture_output=True, text=True, env=_env(), check=False
    )
    assert again.returncode == 0 and ",duplicate," in again.stdout
    assert counts(engine)["paid_cents"] == paid == sum(x.amount.cents for x in lines)
    assert seen  # every kill left a consistent store (asserted above)
    print("states after kills:", sorted(seen))


def test_two_imports_of_one_file_at_the_same_moment_pay_every_line_once(engine, engine_url, tmp_path):
    allocations = seed_store(engine, allocations=100)
    lines = many_lines(allocations)
    path = write_323(tmp_path / "in" / "d.xml", lines, period=DECEMBER)
    runs = [
        subprocess.Popen(
            _command(path, tmp_path / f"out{i}", engine_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
        for i in range(2)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    statuses = sorted(next(row.split(",")[1] for row in stdout.splitlines()[1:2]) for stdout, _ in results)
    assert statuses == ["duplicate", "processed"]
    assert _all_or_nothing(engine, len(lines)) == "all"
    assert counts(engine)["paid_cents"] == sum(x.amount.cents for x in lines)
    # the one that waited answers with the first one's 325, not with a refusal (9056, 9333)
    answers = [p.read_bytes() for i in range(2) for p in (tmp_path / f"out{i}").glob("*.xml")]
    assert len(answers) == 2 and answers[0] == answers[1]
