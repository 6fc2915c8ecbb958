# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden from the command line (issue 11, scope 4), on a copy of the demo: the
example covenant tender, its tables proposed from 2020's clients and saved with a swap, a meeting
per table, online input from a provider not at a table (one at a table is refused), and two
versions of the covenant showing what changed and from when. Bad input: one line, nothing stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.e2e.test_cli_access import Cli, as_json, runner, scalar
from tests.e2e.test_cli_tenders import EXAMPLES, refused
from zorginkoop.adapters.db import tables as t
from zorginkoop.cli import app

TENDER = "WMO-BA-2016"
TABLES = (t.ConsultationSeatRow, t.ConsultationMeetingRow, t.ConsultationInputRow, t.CovenantAgreementRow)


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("consultation") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture(scope="module")
def cli(store: str) -> Cli:
    return lambda *args: runner.invoke(app, [*args, "--db", store])


def counts(store: str) -> dict[str, int]:
    return {table.__tablename__: scalar(store, select(func.count()).select_from(table)) for table in TABLES}


def test_a_covenant_runs_from_its_tables_to_a_changed_agreement(cli: Cli, store: str, tmp_path: Path) -> None:
    assert cli("tenders", "create", str(EXAMPLES / "bestuurlijk-wmo-2016.toml")).exit_code == 0
    proposed = as_json(cli("tenders", "tables", TENDER, "--year", "2020", "--format", "json"))
    assert [row["table"] for row in proposed] == ["groot"] * 3 + ["middelgroot"] * 3 + ["klein"] * 3
    clients = [row["clients"] for row in proposed]
    assert min(clients[:3]) >= max(clients[3:6]) and min(clients[3:6]) >= max(clients[6:])
    assert counts(store)["consultation_seat"] == 0  # a proposal is not stored
    # the region swaps a small provider for another one and saves its choice
    seated = {row["agb"] for row in proposed}
    other = next(
        row["agb"]
        for row in as_json(cli("report", "providers", "--year", "2020", "--law", "wmo", "--format", "json"))
        if row["agb"] not in seated
    )
    out = proposed[-1]["agb"]
    saved = cli(
        "tenders",
        "tables",
        TENDER,
        "--year",
        "2020",
        "--swap",
        f"{out}={other}",
        "--save",
        "--format",
        "json",
    )
    assert saved.exit_code == 0, saved.output
    chosen = {row["agb"]: row for row in as_json(saved)}
    assert out not in chosen and chosen[other]["reason"].startswith("chosen by ")
    assert counts(store)["consultation_seat"] == 9
    assert {row["agb"] for row in as_json(cli("tenders", "tables", TENDER, "--format", "json"))} == set(
        chosen
    )

    minutes = tmp_path / "notulen.txt"
    minutes.write_text("Afgesproken: één tarief per product, indexatie volgens OVA.", encoding="utf-8")
    for table in ("groot", "middelgroot", "klein"):
        made = cli("tenders", "meeting", TENDER, "--table", table, "--on", "2016-03-10", "--agenda",
                   "Tarieven en indexatie", "--minutes", str(minutes))  # fmt: skip
        assert made.exit_code == 0, made.output
    meetings = as_json(cli("tenders", "meetings", TENDER, "--format", "json"))
    assert len(meetings) == 3 and meetings[0]["minutes"].startswith("Afgesproken")

    # a provider at a table gives its input there; every other one online
    at_table = proposed[0]["agb"]
    before = counts(store)
    refused(
        cli("tenders", "input", TENDER, "--provider", at_table, "--topic", "Tarieven", "--text", "x"),
        "in person",
    )
    assert counts(store) == before
    online = next(
        row["agb"]
        for row in as_json(cli("report", "providers", "--year", "2020", "--law", "wmo", "--format", "json"))
        if row["agb"] not in chosen
    )
    given = cli(
        "tenders",
        "input",
        TENDER,
        "--provider",
        online,
        "--topic",
        "Tarieven",
        "--text",
        "Indexeer per 1 januari.",
    )
    assert given.exit_code == 0, given.output
    listed = as_json(cli("tenders", "inputs", TENDER, "--topic", "Tarieven", "--format", "json"))
    assert [(i["agb"], i["text"]) for i in listed] == [(online, "Indexeer per 1 januari.")]

    # the covenant: version 1, then a change from a later day shows what changed
    first = as_json(cli("tenders", "covenant", TENDER, str(EXAMPLES / "covenant-2016.toml"), "--from", "2016-07-01",
                        "--format", "json"))  # fmt: skip
    assert [(c["article"], c["change"]) for c in first] == [("1", "added"), ("2", "added"), ("3", "added")]
    changed = tmp_path / "covenant-2018.toml"
    changed.write_text(
        (EXAMPLES / "covenant-2016.toml").read_text(encoding="utf-8")
        .replace("twee keer per jaar", "elk kwartaal")
        + '\n[[agreement]]\narticle = "4"\ntext = "Wachttijden worden maandelijks gemeld."\n',
        encoding="utf-8",
    )  # fmt: skip
    second = as_json(
        cli("tenders", "covenant", TENDER, str(changed), "--from", "2018-01-01", "--format", "json")
    )
    assert [(c["version"], c["from"], c["article"], c["change"]) for c in second] == [
        (2, "2018-01-01", "3", "changed"), (2, "2018-01-01", "4", "added"),
    ]  # fmt: skip
    assert "twee keer per jaar" in second[0]["before"] and "elk kwartaal" in second[0]["after"]
    history = as_json(cli("tenders", "covenant-history", TENDER, "--format", "json"))
    assert [c["version"] for c in history] == [1, 1, 1, 2, 2]


def test_bad_consultation_input_is_one_line_and_stores_nothing(cli: Cli, store: str, tmp_path: Path) -> None:
    if cli("tenders", "show", TENDER).exit_code != 0:
        assert cli("tenders", "create", str(EXAMPLES / "bestuurlijk-wmo-2016.toml")).exit_code == 0
    before = counts(store)
    refused(cli("tenders", "tables", "WMO2022"), "bestuurlijk")  # the demo's SAS tender has no tables
    refused(cli("tenders", "tables", "NOPE"), "no tender")
    refused(
        cli("tenders", "meeting", TENDER, "--table", "reusachtig", "--on", "2016-03-10", "--agenda", "x"),
        "table",
    )
    refused(cli("tenders", "tables", TENDER, "--year", "2020", "--swap", "12345678=98214099"), "no seat")
    refused(
        cli("tenders", "input", TENDER, "--provider", "99999999", "--topic", "t", "--text", "x"),
        "no provider",
    )
    broken = tmp_path / "broken.toml"
    broken.write_text('[[agreement]]\narticle = "1"\n', encoding="utf-8")
    refused(cli("tenders", "covenant", TENDER, str(broken), "--from", "2019-01-01"), "article and a text")
    assert counts(store) == before
