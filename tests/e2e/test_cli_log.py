# SPDX-License-Identifier: EUPL-1.2
"""The CLI's reads of personal data under a municipality scope (``-m``) against the other
municipality leak nothing and each leaves its log entries; the privacy officer's ``log search``
and a citizen's ``log export``; the log survives ``zorginkoop demo``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from tests.integration.test_tenancy_matrix import FIXED, A, B, C, H, K, N, _strings, build
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.repositories import LogFilter
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.domain.access import Scope

runner = CliRunner()
READS = {
    "family": ["access", "signals", "family", "--on", "2021-01-15"],
    "transition": ["access", "signals", "transition-18", "--on", "2021-01-15"],
    "evaluations": ["access", "signals", "evaluations", "--on", "2021-01-15", "--days", "365"],
    "stops": ["access", "stops", "--all"],
    "outside-lines": ["access", "outside-lines", "--all"],
}


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, Engine]:
    url = f"sqlite:///{tmp_path / 'matrix.sqlite'}"
    engine = make_engine(url)
    build(engine, FIXED)
    return url, engine


@pytest.mark.parametrize("municipality", [H, N])
@pytest.mark.parametrize("command", list(READS))
def test_a_cli_read_under_one_municipality_shows_none_of_the_other_and_is_logged(
    store: tuple[str, Engine], command: str, municipality: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = store
    actor = f"cli-{command}-{municipality}"
    monkeypatch.setenv("ZORGINKOOP_ACTOR", actor)
    result = runner.invoke(app, [*READS[command], "-m", municipality, "--format", "json", "--db", url])
    assert result.exit_code == 0, result.output
    seen = set(_strings(json.loads(result.stdout))) & FIXED.everyone()
    own = FIXED.visible(Scope.municipality(municipality))
    assert seen <= own, f"{command} -m {municipality} leaked {seen - own}"
    with UnitOfWork(engine) as uow:
        logged = {e.subject_id for e in uow.log.search(LogFilter(actor=actor))}
        assert {uow.log.pseudonym(b) for b in seen} <= logged


def test_the_cli_reads_show_each_municipality_its_own_people(store: tuple[str, Engine]) -> None:
    url, _ = store
    for municipality, own in ((H, {A, K}), (N, {B, C})):
        seen: set[str] = set()
        for args in READS.values():
            result = runner.invoke(app, [*args, "-m", municipality, "--format", "json", "--db", url])
            seen |= set(_strings(json.loads(result.stdout))) & FIXED.everyone()
        assert seen == own


def test_recording_an_address_for_another_municipalitys_client_is_refused_and_reveals_nothing(
    store: tuple[str, Engine],
) -> None:
    url, _ = store
    args = ["access", "client", "--bsn", B, "-m", H, "--street", "Dorpsstraat", "--house-number", "1",
            "--postcode", "1234AB", "--city", "Houten", "--db", url]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "Jansen" not in result.output and "Naam" not in result.output


def test_log_search_by_bsn_and_export_for_one_citizen(store: tuple[str, Engine], tmp_path: Path) -> None:
    url, engine = store
    runner.invoke(app, [*READS["family"], "-m", H, "--format", "json", "--db", url])
    result = runner.invoke(app, ["log", "search", "--bsn", A, "--format", "json", "--db", url])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    with UnitOfWork(engine) as uow:
        pseudonym = uow.log.pseudonym(A)
    assert rows and {r["subject_id"] for r in rows} == {pseudonym}
    assert A not in result.stdout
    assert {r["activity_id"] for r in rows} == {"signals"}
    result = runner.invoke(app, ["log", "search", "--activity", "signals", "--from", "2000-01-01",
                                 "--to", "2999-12-31", "--format", "csv", "--db", url])  # fmt: skip
    assert result.exit_code == 0 and result.stdout.count("\n") >= 3
    out = tmp_path / "inzage.json"
    result = runner.invoke(app, ["log", "export", "--bsn", A, "--out", str(out), "--db", url])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text("utf-8"))
    assert document["subject_id"] == pseudonym and document["count"] == len(rows) + 1  # + the search
    assert {e["legal_basis"] for e in document["entries"]} >= {
        "Wmo 2015 art. 2.3.2 en 5.1.1; Jeugdwet art. 2.3 en 7.4.0"
    }


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["log", "search", "--bsn", "12345"], "not nine digits"),
        (["log", "search", "--activity", "marketing"], "no processing activity 'marketing'"),
        (["log", "search", "--from", "2021-02-30"], "--from"),
        (["log", "search", "--from", "2021-03-01", "--to", "2021-02-01"], "the period is empty"),
        (["log", "export", "--bsn", "abc", "--out", "x.json"], "not nine digits"),
    ],
)
def test_a_bad_log_search_is_one_line_and_exit_2(
    store: tuple[str, Engine], args: list[str], words: str
) -> None:
    url, _ = store
    result = runner.invoke(app, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0]


def test_the_processing_log_survives_a_demo_rebuild(
    demo_store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("ZORGINKOOP_ACTOR", "consulent-houten")
    assert runner.invoke(app, [*READS["family"], "-m", H, "--db", url]).exit_code == 0
    engine = make_engine(url)

    def entries() -> list[tuple[str, str, str]]:
        with engine.connect() as c:
            e = t.ProcessingLogEntryRow
            return [tuple(r) for r in c.execute(select(e.actor, e.operation, e.subject_id).order_by(e.id))]

    before = entries()
    assert any(actor == "consulent-houten" for actor, _, _ in before)
    assert runner.invoke(app, ["demo", "--db", url]).exit_code == 0
    after = entries()
    assert after[: len(before)] == before and len(after) > len(before)
    with engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(t.ClientRow)) > 0
