# SPDX-License-Identifier: EUPL-1.2
"""``zorginkoop signals`` and ``zorginkoop monitor account-report`` as a user runs them on a copy
of the demo: a signal recorded with who and when, scoped to its municipality; the account report
of one of the 12 largest providers written as HTML and PDF, its figures those of
``report providers``; the concentration's Pareto chart as an SVG file."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.cli import app
from zorginkoop.domain.access import Scope
from zorginkoop.services import provider_signals
from zorginkoop.services.account_report import eur

runner = CliRunner()
HOUTEN = "0321"


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    copy = tmp_path_factory.mktemp("account") / "demo.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def _run(*args: str, env: dict[str, str] | None = None) -> object:
    return runner.invoke(app, list(args), env=env)


@pytest.fixture(scope="module")
def largest(store: str) -> dict[str, str]:
    """The largest provider of 2020 (both laws) as ``report providers`` gives it."""
    result = _run("report", "providers", "--year", "2020", "--format", "csv", "--db", store)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert int(rows[0]["rank"]) == 1
    return rows[0]


def test_a_signal_is_recorded_with_who_and_when_and_listed(store, largest):
    agb = largest["agb"]
    result = _run(
        "signals", "note", "--provider", agb, "--text", "Wachttijd loopt op", "--municipality", "Houten",
        "--kind", "complaint", "--db", store, env={"ZORGINKOOP_ACTOR": "wijkteam-houten"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"complaint about {agb} for {HOUTEN}, by wijkteam-houten" in result.stdout
    listed = _run("signals", "list", "--provider", agb, "--format", "csv", "--db", store)
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["kind"], r["municipality"], r["recorded_by"], r["text"]) for r in rows][:1] == [
        ("complaint", HOUTEN, "wijkteam-houten", "Wachttijd loopt op")
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["recorded_at"])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--provider", "99999999", "--text", "x"], "no provider with AGB code"),
        (["--provider", "{agb}", "--text", "  "], "the text is empty"),
        (["--provider", "{agb}", "--text", "BSN 111222333"], "holds a BSN"),
        (["--provider", "{agb}", "--text", "x", "--municipality", "Utrecht"], "unknown municipality"),
        (["--provider", "{agb}", "--text", "x", "--kind", "praise"], "praise"),
    ],
)
def test_a_bad_signal_is_one_line_and_stores_nothing(store, largest, args, says):
    before = _run("signals", "list", "--provider", largest["agb"], "--format", "csv", "--db", store).stdout
    result = _run("signals", "note", *[a.format(agb=largest["agb"]) for a in args], "--db", store)
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output
    assert (
        _run("signals", "list", "--provider", largest["agb"], "--format", "csv", "--db", store).stdout
        == before
    )


def test_signals_are_scoped_to_their_municipality_and_never_read_by_a_provider(store, largest):
    agb = largest["agb"]
    engine = make_engine(store)
    try:
        provider_signals.note_signal(
            UnitOfWork(engine, Scope.municipality("0353"), actor="ijsselstein"), agb, "Goede samenwerking",
            kind=provider_signals.SignalKind.COMPLIMENT,
        )  # fmt: skip
        provider_signals.note_signal(
            UnitOfWork(engine, Scope.municipality(HOUTEN), actor="houten"), agb, "Let op"
        )
        houten = provider_signals.signals_of(UnitOfWork(engine, Scope.municipality(HOUTEN)), agb)
        region = provider_signals.signals_of(UnitOfWork(engine, Scope.region()), agb)
        assert houten and {s.municipality_code for s in houten} == {HOUTEN}
        assert {"0353", HOUTEN} <= {s.municipality_code for s in region}
        with pytest.raises(provider_signals.SignalError):
            provider_signals.note_signal(
                UnitOfWork(engine, Scope.municipality(HOUTEN)), agb, "x", municipality="0353"
            )
        with pytest.raises(provider_signals.SignalError):
            provider_signals.signals_of(UnitOfWork(engine, Scope.provider(agb)), agb)
    finally:
        engine.dispose()


def test_the_account_report_of_the_largest_provider_is_written_as_html_and_pdf(store, largest, tmp_path):
    agb = largest["agb"]
    _run(
        "signals",
        "note",
        "--provider",
        agb,
        "--text",
        "Snelle start bij spoed",
        "--kind",
        "compliment",
        "--db",
        store,
    )
    result = _run(
        "monitor",
        "account-report",
        "--provider",
        agb,
        "--quarter",
        "2020-Q4",
        "--out",
        str(tmp_path),
        "--db",
        store,
    )
    assert result.exit_code == 0, result.output
    html_path = tmp_path / f"accountrapport-{agb}-2020-Q4.html"
    pdf_path = tmp_path / f"accountrapport-{agb}-2020-Q4.pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([html_path.name, pdf_path.name])
    html = html_path.read_text(encoding="utf-8")
    # the year's figures are those of report providers
    from decimal import Decimal

    from zorginkoop.domain.money import Money

    cost = eur(Money.of(Decimal(largest["cost_eur"])))
    year_row = re.search(r"heel 2020</th>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>", html)
    assert year_row, html[:2000]
    assert year_row.group(1).replace(".", "") == largest["clients"]
    assert year_row.group(2) == cost
    assert largest["provider"] in html and "4e kwartaal 2020" in html
    assert html.count('role="img"') >= 3  # the quarters, durations and end reasons as charts
    assert "Snelle start bij spoed" in html
    # the PDF is a real PDF with the same text, the provider and period on every page
    reader = PdfReader(pdf_path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert "Accountrapport" in text and cost in text and "Snelle start bij spoed" in text
    for page in reader.pages:
        assert f"{largest['provider']} (AGB {agb}), 4e kwartaal 2020" in page.extract_text()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--provider", "99999999", "--quarter", "2020-Q4"], "no provider with AGB code"),
        (["--provider", "{agb}", "--quarter", "2020-Q5"], "--quarter"),
    ],
)
def test_a_bad_account_report_request_is_one_line_and_writes_nothing(store, largest, tmp_path, args, says):
    out = tmp_path / "out"
    result = _run(
        "monitor",
        "account-report",
        *[a.format(agb=largest["agb"]) for a in args],
        "--out",
        str(out),
        "--db",
        store,
    )
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_the_concentration_writes_its_pareto_chart(store, tmp_path):
    chart = tmp_path / "pareto.svg"
    result = _run(
        "monitor", "concentration", "--year", "2020", "--law", "wmo", "--exclude", "Vijfheerenlanden",
        "--chart", str(chart), "--db", store,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<svg ") and 'role="img"' in svg[:400]
    assert "49 aanbieders" in svg and "27 aanbieders met minder dan 7 cliënten" in svg
    bad = _run(
        "monitor", "concentration", "--year", "2020", "--chart", str(tmp_path / "x.png"), "--db", store
    )
    assert bad.exit_code == 2 and "SVG" in bad.output


def test_the_written_files_name_nothing_outside_the_folder(tmp_path: Path):
    assert not any(tmp_path.iterdir())
