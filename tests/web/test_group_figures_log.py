# SPDX-License-Identifier: EUPL-1.2
"""Every read of a figure about a group of people leaves one processing-log entry, whatever the
way in (CLI, API, web page): subject type ``GROUP`` with the group's description, the register's
monitoring activity of the figure's law (the survey's for survey results), the reader as actor
and the reader's scope; the privacy officer finds it by activity and actor. A read whose entry
cannot be written fails and shows no figures.

Runs on a writable copy of the demo store with the demo accounts (login = role name)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.log_helpers import log_unavailable
from tests.web_helpers import PASSWORD, log_in
from zorginkoop.adapters.db.repositories import LogEntry
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app as cli
from zorginkoop.domain.access import Scope
from zorginkoop.domain.processing import SUBJECT_TYPE_GROUP
from zorginkoop.services import processing_log, survey

CLI_ACTOR = "cli-reader"
HOUTEN = "0321"


@dataclass(frozen=True)
class Read:
    """One entry point reading a group figure, and the entry it must leave."""

    way: str  # cli | api | web
    login: str  # the web or API account; the CLI reads as CLI_ACTOR
    target: str  # CLI arguments (space separated, ``{round}`` filled in) or a path
    operation: str
    activity: str
    group: str
    scope: str | None = None
    """The scope logged, when it is not the region's (None: any)."""

    @property
    def id(self) -> str:
        return f"{self.way}:{self.target}"


READS = [
    # the CLI
    Read("cli", "", "monitor dashboard -m Houten --year 2020 --law wmo", "monitor.dashboard", "monitoring.wmo",
         "law=wmo;municipality=0321;year=2020", "region"),
    Read("cli", "", "monitor benchmark --year 2020 --law jeugd", "monitor.benchmark", "monitoring.jeugd",
         "law=jeugd;year=2020"),
    Read("cli", "", "monitor concentration --year 2020 --law wmo --exclude Vijfheerenlanden",
         "monitor.concentration", "monitoring.wmo", "exclude=1961;law=wmo;year=2020"),
    Read("cli", "", "monitor coverage --on 2020-06-01 --law wmo", "monitor.coverage", "monitoring.wmo",
         "law=wmo;on=2020-06-01"),
    Read("cli", "", "report costs --year 2020", "report.costs", "monitoring", "year=2020"),
    Read("cli", "", "report providers --year 2020 --law jeugd", "report.providers", "monitoring.jeugd",
         "law=jeugd;year=2020"),
    Read("cli", "", "report concentration --year 2020 --law wmo", "report.concentration", "monitoring.wmo",
         "law=wmo;year=2020"),
    Read("cli", "", "report years --law wmo", "report.years", "monitoring.wmo", "law=wmo;years=all"),
    Read("cli", "", "survey results {round} --by provider", "survey.results", "survey.wmo",
         "by=provider;law=wmo;round={round}"),
    # the API
    Read("api", "beleidsadviseur", "/api/v1/monitor/dashboard?municipality=Houten&year=2020",
         "monitor.dashboard", "monitoring.wmo", "law=wmo;municipality=0321;year=2020", "municipality:0321"),
    Read("api", "contractmanager", "/api/v1/monitor/benchmark?year=2020&law=wmo", "monitor.benchmark",
         "monitoring.wmo", "law=wmo;year=2020"),
    Read("api", "aanbieder", "/api/v1/monitor/benchmark?year=2020&law=wmo", "monitor.benchmark",
         "monitoring.wmo", "law=wmo;year=2020", "provider:"),
    Read("api", "beleidsadviseur", "/api/v1/reports/costs?year=2020&law=wmo", "report.costs", "monitoring.wmo",
         "law=wmo;year=2020", "municipality:0321"),
    Read("api", "beleidsadviseur", "/api/v1/survey/rounds/{round}/results", "survey.results", "survey.wmo",
         "by=municipality;law=wmo;round={round}", "municipality:0321"),
    # the web pages
    Read("web", "beleidsadviseur", "/kerncijfers?jaar=2020&wet=wmo", "report.key_figures", "monitoring.wmo",
         "law=wmo;year=2020", "municipality:0321"),
    Read("web", "beleidsadviseur", "/kerncijfers/jaren?wet=jeugd", "report.key_figures", "monitoring.jeugd",
         "law=jeugd;years=all", "municipality:0321"),
    Read("web", "beleidsadviseur", "/kerncijfers/dashboard?gemeente=0321&jaar=2020&wet=wmo", "monitor.dashboard",
         "monitoring.wmo", "law=wmo;municipality=0321;year=2020", "municipality:0321"),
    Read("web", "beleidsadviseur", "/kerncijfers/enquete/{round}", "survey.results", "survey.wmo",
         "by=municipality;law=wmo;round={round}", "municipality:0321"),
    Read("web", "contractmanager", "/monitoring/benchmark?jaar=2020&wet=wmo", "monitor.benchmark",
         "monitoring.wmo", "law=wmo;year=2020"),
    Read("web", "contractmanager", "/monitoring/concentratie?jaar=2020&wet=wmo", "monitor.concentration",
         "monitoring.wmo", "law=wmo;year=2020"),
    Read("web", "contractmanager", "/monitoring/dekking?op=2020-06-01&wet=wmo", "monitor.coverage",
         "monitoring.wmo", "law=wmo;on=2020-06-01"),
    Read("web", "contractmanager", "/aanbieders/{agb}/accountrapport?kwartaal=2020-Q4", "monitor.account_report",
         "monitoring", "provider={agb};quarter=2020-Q4"),
    Read("web", "aanbieder", "/aanbieder/benchmark?jaar=2020&wet=wmo", "monitor.benchmark", "monitoring.wmo",
         "law=wmo;year=2020", "provider:"),
]  # fmt: skip


@pytest.fixture(scope="module")
def facts(web_store: tuple[str, dict[str, object]], web_engine: Engine) -> dict[str, str]:
    """What the paths need: the demo survey round and the demo provider's AGB code."""
    rounds = survey.list_rounds(UnitOfWork(web_engine, Scope.region(), actor="tests"))
    provider = web_store[1]["aanbieder"]
    return {"round": str(rounds[0].id), "agb": str(provider.provider_agb)}  # type: ignore[attr-defined]


def _groups(engine: Engine) -> list[LogEntry]:
    with UnitOfWork(engine, Scope.region(), actor="tests") as uow:
        return [e for e in uow.log.entries() if e.subject_type == SUBJECT_TYPE_GROUP]


@pytest.fixture(scope="module")
def tokens(web_app: TestClient) -> dict[str, str]:
    found = {}
    for login in ("beleidsadviseur", "contractmanager", "aanbieder"):
        answer = web_app.post("/api/v1/token", data={"username": login, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        found[login] = answer.json()["access_token"]
    return found


@pytest.fixture(scope="module")
def pages(web_app: TestClient) -> Iterator[Callable[[str], TestClient]]:
    """A logged-in browser per account; it answers 500 instead of raising (a failing log)."""
    made: dict[str, TestClient] = {}

    def browser(login: str) -> TestClient:
        if login not in made:
            client = TestClient(web_app.app, raise_server_exceptions=False)
            assert log_in(client, login).status_code == 303
            made[login] = client
        return made[login]

    yield browser
    for client in made.values():
        client.close()


def _read(
    read: Read, facts: dict[str, str], web_store: tuple[str, object], tokens: dict[str, str],
    pages: Callable[[str], TestClient], tmp_path: Path,
) -> tuple[bool, str]:  # fmt: skip
    """Run the read; (whether it answered, what it showed)."""
    target = read.target.format(**facts)
    if read.way == "cli":
        result = CliRunner().invoke(
            cli, [*target.split(), "--db", web_store[0]], env={"ZORGINKOOP_ACTOR": CLI_ACTOR}
        )
        return result.exit_code == 0, result.output
    client = pages(read.login)
    headers = {"Authorization": f"Bearer {tokens[read.login]}"} if read.way == "api" else {}
    answer = client.get(target, headers=headers)
    return answer.status_code == 200, answer.text


@pytest.mark.parametrize("read", READS, ids=[r.id for r in READS])
def test_each_read_of_a_group_figure_leaves_one_entry(
    read: Read, facts, web_store, web_engine: Engine, tokens, pages, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = len(_groups(web_engine))
    answered, shown = _read(read, facts, web_store, tokens, pages, tmp_path)
    assert answered, shown[-2000:]
    new = _groups(web_engine)[before:]
    assert len(new) == 1, [(e.operation, e.subject_id) for e in new]
    (entry,) = new
    actor = CLI_ACTOR if read.way == "cli" else read.login
    assert (entry.operation, entry.activity_id, entry.actor, entry.status) == (
        read.operation, read.activity, actor, "ok"
    )  # fmt: skip
    assert entry.subject_id == read.group.format(**facts)
    if read.scope is not None:
        assert entry.scope.startswith(read.scope), entry.scope
    # the privacy officer finds it by activity and actor
    found = processing_log.search(
        UnitOfWork(web_engine, Scope.region(), actor="privacy"),
        processing_log.Search(actor=actor, activity=read.activity),
    )
    assert entry.span_id in {f.span_id for f in found if f.subject_type == SUBJECT_TYPE_GROUP}


@pytest.mark.parametrize("read", READS, ids=[r.id for r in READS])
def test_a_read_whose_entry_cannot_be_written_fails(
    read: Read, facts, web_store, web_engine: Engine, tokens, pages, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = len(_groups(web_engine))
    with log_unavailable(web_engine):
        answered, shown = _read(read, facts, web_store, tokens, pages, tmp_path)
    assert not answered
    if read.way == "cli":  # one line that names the log, not a concurrent change
        assert "the processing log could not record this read" in shown, shown[-2000:]
    assert "2.145.868" not in shown and "2145868" not in shown  # Houten's Wmo cost: no figures
    assert len(_groups(web_engine)) == before
