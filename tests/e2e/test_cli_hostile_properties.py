# SPDX-License-Identifier: EUPL-1.2
"""Property: whatever a provider sends, ``declarations process`` answers every file it can read
with a 325, gives every other file one line, never shows a traceback, and exits 0 or 2."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.declaration_helpers import JUNE, line_for, seed_store, write_323
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.cli import app
from zorginkoop.domain.periods import Period

runner = CliRunner()
_serial = itertools.count(1)

SNIPPETS = [
    b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"[bold red]", b"[/]", b"[link=http://x]", b"\x00", b"\xff\xfe",
    b"<evil/>", b' a="1"', b"&amp;", b"&unknown;", b"]]>", b"<![CDATA[x]]>", b"<!-- c -->", b"2021-02-30",
    b"2021-06-31", b"9999-12-31", b"0000-01-01", b"<?pi x?>", b"\xe2\x82", "€[/]".encode(), b"-1", b"99999999999999",
]  # fmt: skip
DATE = re.compile(rb"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """A store with three allocations and a valid 323 of four lines to mutate."""
    folder = tmp_path_factory.mktemp("hostile-property")
    url = f"sqlite:///{folder / 'store.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    a1, a2, a3 = seed_store(engine)
    lines = [
        line_for(a1, "P1"),
        line_for(a2, "P2"),
        line_for(a3, "P3"),
        line_for(a1, "P4", Period.month(2021, 5)),
    ]
    template = write_323(folder / "template.xml", lines, period=JUNE).read_bytes()
    engine.dispose()
    return url, template


@st.composite
def hostile_file(draw: st.DrawFn, template: bytes) -> bytes:
    """A valid 323 made unique, then mutated as a hostile provider might; or random bytes."""
    serial = draw(st.integers(1, 10**9))  # a new DeclaratieNummer, Identificatie and references
    data = template.replace(b">D1<", f">D{serial}<".encode()).replace(b">M1<", f">M{serial}<".encode())
    data = data.replace(b">P", f">Q{serial}x".encode())
    kind = draw(st.sampled_from(["valid", "flip", "truncate", "insert", "date", "text", "delete", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    for _ in range(draw(st.integers(1, 3)) if kind != "valid" else 0):
        at = draw(st.integers(0, len(data)))
        if kind == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from(SNIPPETS)) + data[at:]
        elif kind == "date":
            dates = list(DATE.finditer(data))
            match = dates[draw(st.integers(0, len(dates) - 1))] if dates else None
            if match:
                year, month, day = (
                    draw(st.integers(1, 9999)),
                    draw(st.integers(0, 13)),
                    draw(st.integers(0, 32)),
                )
                data = data[: match.start()] + b"%04d-%02d-%02d" % (year, month, day) + data[match.end() :]
        elif kind == "text":
            texts = list(re.finditer(rb">([^<>\n]+)<", data))
            match = texts[draw(st.integers(0, len(texts) - 1))] if texts else None
            if match:
                new = draw(st.text(max_size=30)).encode("utf-8", "surrogatepass")
                data = data[: match.start(1)] + new + data[match.end(1) :]
        elif kind == "delete":
            end = draw(st.integers(at, min(len(data), at + 200)))
            data = data[:at] + data[end:]
    return data


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_file_is_answered_or_named_in_one_line_and_nothing_crashes(
    store: tuple[str, bytes], tmp_path: Path, data: st.DataObject
) -> None:
    url, template = store
    inbox = tmp_path / f"in{next(_serial)}"
    inbox.mkdir()
    files = []
    for i in range(data.draw(st.integers(1, 4), label="files")):
        path = inbox / f"f{i:02d}-x.xml"
        path.write_bytes(data.draw(hostile_file(template), label=path.name))
        files.append(path)
    out = tmp_path / f"out{next(_serial)}"
    result = runner.invoke(app, ["declarations", "process", str(inbox), "--out", str(out), "--db", url,
                                 "--format", "csv"])  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    rows = {
        r["file"]: r for r in csv.DictReader(io.StringIO(result.stdout)) if not r["file"].startswith("total")
    }
    for path in files:
        named = [line for line in errors if f"{path}:" in line]
        if path.name in rows:  # read: answered with a 325 (processed, duplicate or refused)
            assert not named, named
            row = rows[path.name]
            assert row["status"] in ("processed", "duplicate", "refused"), row
            assert Path(row["answer"]).is_file(), row
            event(f"answered: {row['status']}")
        else:  # not read: one line naming the file
            assert len(named) == 1, (path.name, result.stderr)
            event("one line: " + ("unreadable" if "not a readable" in named[0] else "refused before reading"))
    assert len(errors) == len(files) - len(rows)
    assert result.exit_code == (2 if errors else 0)
