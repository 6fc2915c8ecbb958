# SPDX-License-Identifier: EUPL-1.2
"""At the command line: an --out that cannot be written stops `declarations process` and
`messages import` before anything is stored; a 325 whose file cannot be written after the
commit waits in the outbox (exit 2, said in one line) and `messages export --type 325` delivers
it; the same file again gets that same 325."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.declaration_helpers import counts, line_for, seed_store, write_323
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.cli import app

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, object]:
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    return url, engine


def test_process_with_an_out_that_cannot_be_written_stops_before_anything_is_stored(store, tmp_path):
    url, engine = store
    a1, _, _ = seed_store(engine)
    path = write_323(tmp_path / "in" / "d.xml", [line_for(a1, "G1")])
    (tmp_path / "a-file").write_text("not a folder")
    before = counts(engine)
    result = runner.invoke(app, ["declarations", "process", str(path), "--out", str(tmp_path / "a-file" / "out"),
                                 "--db", url])  # fmt: skip
    assert result.exit_code == 2
    assert "--out" in result.output and "nothing was processed" in result.output
    assert "Traceback" not in result.output
    assert counts(engine) == before


def test_a_325_that_cannot_be_written_waits_and_messages_export_delivers_it(store, tmp_path):
    url, engine = store
    a1, a2, _ = seed_store(engine)
    path = write_323(tmp_path / "in" / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2")])
    out = tmp_path / "out"
    name = "WMO325_0321_11111111_325000000001.xml"
    (out / name).mkdir(parents=True)  # the write after the commit fails
    result = runner.invoke(app, ["declarations", "process", str(path), "--out", str(out), "--db", url,
                                 "--format", "csv"])  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "waits in the outbox" in result.output and "messages export --type 325" in result.output
    assert "Traceback" not in result.output
    assert counts(engine)["payment"] == 2

    delivered = runner.invoke(app, ["messages", "export", "--type", "325", "--out", str(tmp_path / "later"),
                                    "--db", url])  # fmt: skip
    assert delivered.exit_code == 0, delivered.output
    assert "1 message(s) 325 exported" in delivered.output
    content = (tmp_path / "later" / name).read_bytes()
    assert b"<iwmo:TotaalBedrag>100000<" in content

    again = runner.invoke(app, ["declarations", "process", str(path), "--out", str(tmp_path / "again"),
                                "--db", url, "--format", "csv"])  # fmt: skip
    assert again.exit_code == 0, again.output
    assert ",duplicate," in again.output
    assert (tmp_path / "again" / name).read_bytes() == content
    assert counts(engine)["payment"] == 2


def test_messages_export_refuses_a_type_the_outbox_does_not_hold(store, tmp_path):
    url, _ = store
    result = runner.invoke(app, ["messages", "export", "--type", "323", "--out", str(tmp_path), "--db", url])
    assert result.exit_code == 2 and "--type 323" in result.output


def test_import_finds_an_unwritable_out_first_and_a_retour_that_cannot_be_written_waits(store, tmp_path):
    from datetime import date

    from sqlalchemy import func, select

    from tests.integration.test_exchange_flow import _allocate, _setup, start
    from zorginkoop.adapters.db import tables as t

    url, engine = store
    _setup(engine)
    number, _ = _allocate(engine)
    message = tmp_path / "in" / "s1.xml"
    message.parent.mkdir()
    message.write_bytes(start("S1", number, date(2021, 7, 5)))

    def stored() -> int:
        with engine.connect() as c:
            return int(c.scalar(select(func.count()).select_from(t.MessageRow)) or 0)

    before = stored()
    (tmp_path / "a-file").write_text("not a folder")
    refused = runner.invoke(app, ["messages", "import", str(message), "--out", str(tmp_path / "a-file" / "x"),
                                  "--db", url])  # fmt: skip
    assert refused.exit_code == 2 and "nothing was processed" in refused.output
    assert stored() == before

    out = tmp_path / "out"
    out.mkdir()
    (out / "WMO306_0321_11111111_306000000001.xml").mkdir()  # the retour's write fails after the commit
    waiting = runner.invoke(app, ["messages", "import", str(message), "--out", str(out), "--db", url])
    assert waiting.exit_code == 2, waiting.output
    assert "waits in the" in waiting.output and "--type 306" in waiting.output
    later = runner.invoke(app, ["messages", "export", "--type", "306", "--out", str(tmp_path / "later"),
                                "--db", url])  # fmt: skip
    assert later.exit_code == 0 and "1 message(s) 306 exported" in later.output
    retour = (tmp_path / "later" / "WMO306_0321_11111111_306000000001.xml").read_bytes()

    again = runner.invoke(app, ["messages", "import", str(message), "--out", str(tmp_path / "again"),
                                "--db", url])  # fmt: skip
    assert again.exit_code == 0, again.output
    assert "9056" in again.output
    assert (tmp_path / "again" / "WMO306_0321_11111111_306000000001.xml").read_bytes() == retour
    assert (tmp_path / "again" / "WMO306_0321_11111111_306000000002.xml").exists()
