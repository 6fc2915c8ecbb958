# SPDX-License-Identifier: EUPL-1.2
"""`messages export --type 301` on the demo writes XSD-valid files; `messages import` refuses junk;
a provider's 307 ends its allocation (stop worklist, 301, 9308 after the end) on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tests.conftest import ISTANDAARDEN
from tests.declaration_helpers import HOUTEN, line_for, write_323
from tests.stop_helpers import seed_with_address, start_message, stop_message
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import read_message, validate_message, validate_with_xsd
from zorginkoop.cli import app
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.periods import Period
from zorginkoop.services.allocations import queue_current_allocations

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_db(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the session's demo store (export marks its 301s): no second demo build."""
    copy = tmp_path_factory.mktemp("exchange") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def test_demo_301s_export_as_valid_files(demo_db: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["messages", "export", "--type", "301", "--out", str(tmp_path), "--db", demo_db]
    )
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*301_*.xml"))
    assert len(files) > 1000 and "exported" in result.output
    for f in files[:: max(1, len(files) // 50)]:
        assert validate_message(f.read_bytes()).valid, f.name
        if (ISTANDAARDEN / "iwmo-3.2" / "xsd").is_dir():
            assert validate_with_xsd(f.read_bytes(), ISTANDAARDEN) == [], f.name
    again = runner.invoke(
        app, ["messages", "export", "--type", "301", "--out", str(tmp_path), "--db", demo_db]
    )
    assert "0 message(s)" in again.output


def test_import_of_an_unreadable_file_fails_with_one_line(demo_db: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"<not-a-message/>")
    result = runner.invoke(app, ["messages", "import", str(junk), "--out", str(tmp_path), "--db", demo_db])
    assert result.exit_code == 2
    assert "junk.xml" in result.output and "Traceback" not in result.output


# -- stop care (307): the worklist, the region's end, 9308 after it, a removed stop -------------


def _run(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _stop_store(engine_url: str, tmp_path: Path) -> tuple[Allocation, Path]:
    """The factories' allocation (2021-01-01..2022-06-30) with its first 301 exported and the
    provider's start of care imported."""
    engine = make_engine(engine_url)
    (a,) = seed_with_address(engine)
    with UnitOfWork(engine) as uow:
        assert queue_current_allocations(uow, date(2021, 1, 1), datetime(2021, 1, 1, 9, 0)) == 1
        uow.commit()
    engine.dispose()
    first = tmp_path / "301-first"
    assert "1 message(s)" in _run(
        "messages", "export", "--type", "301", "--out", str(first), "--db", engine_url
    )
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "start.xml").write_bytes(start_message(a, "S1"))
    _run("messages", "import", str(inbox / "start.xml"), "--out", str(tmp_path), "--db", engine_url)
    return a, inbox


def _exported_301(engine_url: str, out: Path, number: int) -> tuple[str | None, date | None]:
    _run("messages", "export", "--type", "301", "--out", str(out), "--db", engine_url)
    (f,) = sorted(out.glob("*301_*.xml"))
    content = f.read_bytes()
    assert validate_message(content).valid
    if (ISTANDAARDEN / "iwmo-3.2" / "xsd").is_dir():
        assert validate_with_xsd(content, ISTANDAARDEN) == []
    (p,) = [
        p for p in read_message(content).bericht.client.toegewezen_producten if p.toewijzing_nummer == number
    ]
    return p.reden_wijziging, p.einddatum


def _worklist(engine_url: str, *extra: str, env: dict[str, str] | None = None) -> list[dict[str, str]]:
    out = _run("access", "stops", "-m", HOUTEN, "--format", "csv", "--db", engine_url, *extra, env=env)
    return list(csv.DictReader(io.StringIO(out)))


def test_a_307_file_ends_the_allocation_with_a_301_and_a_323_after_the_stop_gets_9308(
    engine_url: str, tmp_path: Path
) -> None:
    a, inbox = _stop_store(engine_url, tmp_path)
    (inbox / "stop.xml").write_bytes(stop_message(a, "T1", date(2021, 6, 15), "19"))
    imported = _run("messages", "import", str(inbox / "stop.xml"), "--out", str(tmp_path), "--db", engine_url)
    assert "WMO307" in imported and "0200" in imported

    assert _worklist(engine_url) == []  # ended at once (the default): nothing open
    (item,) = _worklist(engine_url, "--all")
    assert (item["status"], item["proposed_end"], item["reden_wijziging"]) == ("ended", "2021-06-15", "05")
    assert _exported_301(engine_url, tmp_path / "301-end", a.number) == ("05", date(2021, 6, 15))

    july = write_323(tmp_path / "323" / "july.xml", [line_for(a, "J1", Period.month(2021, 7), hours=4)],
                     period=Period.month(2021, 7), identification="M7", number="D7")  # fmt: skip
    _run("declarations", "process", str(july), "--out", str(tmp_path / "325"), "--db", engine_url)
    (answer,) = (tmp_path / "325").glob("*.xml")
    root = etree.parse(str(answer)).getroot()
    codes = [c.text for p in root.iter("{*}Prestatie") for c in p.find("{*}RetourCodes")]
    assert "9308" in codes and "0200" not in codes

    # the provider removes its stop: the previous end comes back with RedenWijziging 14
    (inbox / "unstop.xml").write_bytes(stop_message(a, "T2", date(2021, 6, 15), "19", status="3"))
    _run("messages", "import", str(inbox / "unstop.xml"), "--out", str(tmp_path), "--db", engine_url)
    (item,) = _worklist(engine_url, "--all")
    assert item["status"] == "restored"
    assert _exported_301(engine_url, tmp_path / "301-restore", a.number) == ("14", date(2022, 6, 30))


def test_with_end_on_stop_off_the_back_office_ends_or_dismisses_from_the_worklist(
    engine_url: str, tmp_path: Path
) -> None:
    off = {"ZORGINKOOP_END_ON_STOP": "off"}
    a, inbox = _stop_store(engine_url, tmp_path)
    (inbox / "stop.xml").write_bytes(stop_message(a, "T1", date(2021, 6, 15), "02"))
    _run("messages", "import", str(inbox / "stop.xml"), "--out", str(tmp_path), "--db", engine_url, env=off)
    (item,) = _worklist(engine_url)
    assert (item["status"], item["reden_beeindiging"], item["reden_wijziging"]) == ("open", "02", "02")
    assert "0 message(s)" in _run("messages", "export", "--type", "301", "--out", str(tmp_path / "none"),
                                  "--db", engine_url)  # fmt: skip

    refused = runner.invoke(app, ["access", "stops", "end", item["item"], "-m", "0356", "--db", engine_url])
    assert refused.exit_code == 2 and "unknown municipality '0356'" in refused.output  # not this region's
    ended = _run("access", "stops", "end", item["item"], "-m", HOUTEN, "--db", engine_url, "--format", "json")
    assert '"ended"' in ended
    assert _worklist(engine_url) == []
    assert _exported_301(engine_url, tmp_path / "301-end", a.number) == ("02", date(2021, 6, 15))
    again = runner.invoke(app, ["access", "stops", "dismiss", item["item"], "-m", HOUTEN, "--db", engine_url])
    assert again.exit_code == 2 and "not open" in again.output and "Traceback" not in again.output


def test_a_bad_end_on_stop_setting_is_one_line_and_changes_nothing(engine_url: str, tmp_path: Path) -> None:
    a, inbox = _stop_store(engine_url, tmp_path)
    (inbox / "stop.xml").write_bytes(stop_message(a, "T1", date(2021, 6, 15), "19"))
    result = runner.invoke(app, ["messages", "import", str(inbox / "stop.xml"), "--out", str(tmp_path),
                                 "--db", engine_url], env={"ZORGINKOOP_END_ON_STOP": "maybe"})  # fmt: skip
    assert result.exit_code == 2 and "ZORGINKOOP_END_ON_STOP" in result.output
    assert "Traceback" not in result.output
    assert _worklist(engine_url, "--all") == []
    listing = runner.invoke(app, ["access", "stops", "--db", engine_url])
    assert listing.exit_code == 2 and "--municipality" in listing.output
