# SPDX-License-Identifier: EUPL-1.2
"""A batch survives its worst file (issue 7, point 9), tried on the command line as a hostile
provider would: console markup in provider text, headers that break the standard's rules,
files that are not messages at all, bad settings and out-of-range options."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner, Result

from tests.declaration_helpers import counts, line_for, seed_store, write_323
from zorginkoop.adapters.istandaarden import validate_message, write_message
from zorginkoop.adapters.istandaarden.samples import sample_bericht
from zorginkoop.cli import app
from zorginkoop.domain.codes import Law
from zorginkoop.domain.periods import Period

runner = CliRunner()


def _clean(result: Result) -> None:
    """No traceback: the command ended by its own exit, never by an exception."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def _process(url: str, out: Path, *paths: Path, fmt: str = "table") -> Result:
    result = runner.invoke(app, ["declarations", "process", *map(str, paths), "--out", str(out), "--db", url,
                                 "--format", fmt])  # fmt: skip
    _clean(result)
    return result


def _retour_codes(answer: Path) -> tuple[list[str], list[str]]:
    """(RetourCodes of the Header, RetourCodes of the DeclaratieAntwoord) of a 325."""
    root = etree.parse(str(answer)).getroot()
    header = [c.text or "" for c in root.find("{*}Header").find("{*}RetourCodes")]
    antwoord = root.find("{*}DeclaratieAntwoord")
    declaration = [] if antwoord is None else [c.text or "" for c in antwoord.find("{*}RetourCodes")]
    return header, declaration


def _answer(out: Path) -> Path:
    [answer] = out.glob("*325_*.xml")
    return answer


# -- 1. provider content is never console markup ------------------------------------------------


def test_console_markup_in_a_bsn_a_namespace_and_a_file_name_is_printed_as_it_stands(
    engine, engine_url, tmp_path
):
    a1, *_ = seed_store(engine)
    good = write_323(tmp_path / "in" / "[bold]good[red].xml", [line_for(a1, "G1")])
    bsn = write_323(tmp_path / "in" / "bsn.xml", [line_for(a1, "G2")], number="D2", identification="M2")
    bsn.write_bytes(bsn.read_bytes().replace(f"<wmo323:Bsn>{a1.client_bsn}".encode(), b"<wmo323:Bsn>[/]99"))
    ns = tmp_path / "in" / "ns.xml"
    ns.write_bytes(good.read_bytes().replace(b"http://www.istandaarden.nl/iwmo/3_2/wmo323/schema",
                                             b"[link=http://evil]x[/link][/]"))  # fmt: skip
    result = _process(engine_url, tmp_path / "out", good, bsn, ns)  # the table, as a user sees it
    assert result.exit_code == 2  # ns.xml is not a 323
    assert "Bsn '[/]99' is not a valid BSN" in result.stderr  # refused with 0001, its note as it stands
    assert "{[link=http://evil]x[/link][/]}Bericht" in result.stderr
    again = _process(engine_url, tmp_path / "out-csv", good, fmt="csv")
    assert again.exit_code == 0 and "[bold]good[red].xml,duplicate," in again.stdout
    _clean(_process(engine_url, tmp_path / "out-json", good, fmt="json"))


# -- 2. every declaration whose header can be read gets its 325 ---------------------------------


def _period(data: bytes, begin: str, end: str) -> bytes:
    return data.replace(b"<iwmo:Begindatum>2021-06-01</iwmo:Begindatum>\n      <iwmo:Einddatum>2021-06-30",
                        f"<iwmo:Begindatum>{begin}</iwmo:Begindatum>\n      <iwmo:Einddatum>{end}".encode(), 1)  # fmt: skip


HEADER_CASES = {
    # CS340 (0001): the DeclaratiePeriode is exactly one calendar month; reversed ends are not
    "reversed period": (lambda d: _period(d, "2021-06-30", "2021-06-01"), [], ["0001"], "CS340"),
    "half a month": (lambda d: _period(d, "2021-06-01", "2021-06-15"), [], ["0001"], "CS340"),
    "two months": (lambda d: _period(d, "2021-05-01", "2021-06-30"), [], ["0001"], "CS340"),
    # an impossible date breaks the datatype: refused on technical grounds (0001)
    "impossible date": (lambda d: _period(d, "2021-06-01", "2021-06-31"), [], ["0001"], "not an existing"),
    # TR135 (8848): the Dagtekening lies after today: the header is refused
    "future dagtekening": (
        lambda d: d.replace(b"<iwmo:Dagtekening>2021-07-05", b"<iwmo:Dagtekening>2999-07-05"),
        ["8848"],
        [],
        "TR135",
    ),
    # TR137 (0001): a ProductPeriode that ends before it begins
    "reversed product period": (
        lambda d: d.replace(
            b"<iwmo:Begindatum>2021-06-01</iwmo:Begindatum>\n              <iwmo:Einddatum>2021-06-30",
            b"<iwmo:Begindatum>2021-06-30</iwmo:Begindatum>\n              <iwmo:Einddatum>2021-06-01",
        ),
        [],
        ["0001"],
        "TR137",
    ),
}


@pytest.mark.parametrize("case", HEADER_CASES)
def test_a_declaration_whose_header_can_be_read_is_answered_with_the_standards_code(
    engine, engine_url, tmp_path, case
):
    change, header_codes, declaration_codes, rule = HEADER_CASES[case]
    a1, *_ = seed_store(engine)
    path = write_323(tmp_path / "in" / "d.xml", [line_for(a1, "G1")])
    changed = change(path.read_bytes())
    assert changed != path.read_bytes()
    path.write_bytes(changed)
    before = counts(engine)
    result = _process(engine_url, tmp_path / "out", path, fmt="csv")
    assert result.exit_code == 0, result.output
    assert "d.xml,refused," in result.stdout and rule in result.stdout
    answer = _answer(tmp_path / "out")
    assert validate_message(answer).errors == ()
    header, declaration = _retour_codes(answer)
    assert header == (header_codes or ["0200"])
    assert declaration == declaration_codes
    after = counts(engine)
    # nothing judged or paid: only the file's hash and its refusal, kept so the same bytes get it again
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "message": 1,
        "processed_file": 1,
    }


def test_a_product_period_after_the_declaration_period_is_rejected_9319_on_its_line(
    engine, engine_url, tmp_path
):
    a1, a2, _ = seed_store(engine)
    july = Period.month(2021, 7)
    path = write_323(tmp_path / "in" / "d.xml", [line_for(a1, "G1"), line_for(a2, "G2", july)],
                     dated=date(2021, 8, 5))  # fmt: skip
    result = _process(engine_url, tmp_path / "out", path, fmt="csv")
    assert result.exit_code == 0, result.output
    assert ",processed," in result.stdout and "9319x1" in result.stdout
    root = etree.parse(str(_answer(tmp_path / "out"))).getroot()
    [rejected] = list(root.iter("{*}Prestatie"))
    assert next(rejected.iter("{*}ReferentieNummer")).text == "G2"
    assert [c.text for c in rejected.find("{*}RetourCodes")] == ["9319"]


# -- 3. a file that cannot be read changes nothing and gets one line ----------------------------


def _long_prolog_doctype(data: bytes) -> bytes:
    body = data.split(b"?>", 1)[1]
    return (
        b"<?xml version='1.0' encoding='UTF-8'?>\n"
        + b"<!-- a comment -->\n" * 8000
        + b'<!DOCTYPE b [<!ENTITY a "b">]>'
        + body
    )


def _attributes(data: bytes, header: bytes, element: bytes) -> bytes:
    many = b" ".join(b'a%d="1"' % i for i in range(50_000))
    return data.replace(element, element[:-1] + b" " + many + b">", 1)


def _namespaces(data: bytes, header: bytes, element: bytes) -> bytes:
    many = b" ".join(b'xmlns:n%d="urn:%d"' % (i, i) for i in range(50_000))
    return data.replace(header, header[:-1] + b" " + many + b">", 1)


UNREADABLE = {  # (message, its Header tag, a tag deep inside) -> bytes that are not a message
    "doctype after a long prolog": lambda d, h, e: _long_prolog_doctype(d),
    "utf-16 without a bom": lambda d, h, e: d.decode().encode("utf-16-le"),
    "utf-16 big endian without a bom": lambda d, h, e: d.decode().encode("utf-16-be"),
    "utf-32 without a bom": lambda d, h, e: d.decode().encode("utf-32-le"),
    "huge attribute count": _attributes,
    "huge number of namespaces": _namespaces,
    "not xml": lambda d, h, e: b"PK\x03\x04 a zip file",
    "empty": lambda d, h, e: b"",
    "truncated": lambda d, h, e: d[: len(d) * 2 // 3],
    "binary garbage": lambda d, h, e: random.Random(5).randbytes(4000),
}


def test_unreadable_files_get_one_line_each_and_the_other_files_are_processed(engine, engine_url, tmp_path):
    a1, a2, _ = seed_store(engine)
    inbox = tmp_path / "in"
    write_323(inbox / "0-good.xml", [line_for(a1, "G1")])
    template = write_323(tmp_path / "template.xml", [line_for(a2, "B1")], number="D9", identification="M9")
    for i, (kind, change) in enumerate(UNREADABLE.items(), start=1):
        changed = change(template.read_bytes(), b"<wmo323:Header>", b"<wmo323:ProductCode>")
        assert changed != template.read_bytes(), kind
        (inbox / f"{i}-{kind.replace(' ', '-')}.xml").write_bytes(changed)
    result = _process(engine_url, tmp_path / "out", inbox, fmt="csv")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == len(UNREADABLE)
    for i, kind in enumerate(UNREADABLE, start=1):
        assert sum(f"{i}-{kind.replace(' ', '-')}.xml" in line for line in lines) == 1, kind
    assert "0-good.xml,processed," in result.stdout
    assert counts(engine)["payment"] == 1 and len(list((tmp_path / "out").glob("*325_*.xml"))) == 1


def test_messages_validate_and_import_report_each_unreadable_file_in_one_line(demo_store_url, tmp_path):
    data = write_message(sample_bericht(Law.WMO, "315", random.Random(3)), law=Law.WMO)
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i, (kind, change) in enumerate(UNREADABLE.items(), start=1):
        changed = change(data, b"<wmo315:Header>", b"<wmo315:Client>")
        assert changed != data, kind
        (inbox / f"{i}-{kind.replace(' ', '-')}.xml").write_bytes(changed)
    files = sorted(inbox.glob("*.xml"))
    validated = runner.invoke(app, ["messages", "validate", *map(str, files)])
    _clean(validated)
    assert validated.exit_code == 2
    assert len([line for line in validated.stderr.splitlines() if "not a readable message" in line]) == len(
        files
    )
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    Path(url.removeprefix("sqlite:///")).write_bytes(
        Path(demo_store_url.removeprefix("sqlite:///")).read_bytes()
    )
    out = tmp_path / "out"
    out.mkdir()
    imported = runner.invoke(app, ["messages", "import", str(inbox), "--out", str(out), "--db", url])
    _clean(imported)
    assert imported.exit_code == 2
    for f in files:
        assert sum(f.name in line for line in imported.stderr.splitlines()) == 1, f.name
    assert not list(out.iterdir())


# -- 4. bad settings, stores and options: one line, exit 2 ---------------------------------------


@pytest.mark.parametrize(
    ("env", "value"),
    [
        ("ZORGINKOOP_MAX_MESSAGE_BYTES", "abc"),
        ("ZORGINKOOP_MAX_MESSAGE_BYTES", "-5"),
        ("ZORGINKOOP_MAX_MESSAGE_BYTES", "0"),
        ("ZORGINKOOP_MAX_MESSAGE_DEPTH", "x"),
        ("ZORGINKOOP_MAX_MESSAGE_DEPTH", "100000"),
        ("ZORGINKOOP_DATABASE_URL", "not a url"),
        ("ZORGINKOOP_DATABASE_URL", "mysql://somewhere/x"),
    ],
)
def test_a_bad_setting_ends_in_one_line_naming_it(tmp_path, monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    a_file = tmp_path / "d.xml"
    a_file.write_bytes(b"<x/>")
    for args in (["declarations", "process", str(a_file), "--out", str(tmp_path / "out")],
                 ["messages", "import", str(a_file), "--out", str(tmp_path)]):  # fmt: skip
        result = runner.invoke(app, args)
        _clean(result)
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1 and env in result.stderr, result.stderr
    if env != "ZORGINKOOP_DATABASE_URL":
        validated = runner.invoke(app, ["messages", "validate", str(a_file)])
        assert validated.exit_code == 2 and env in validated.stderr


def test_a_store_in_a_vanished_folder_or_read_only_ends_in_one_line(engine, engine_url, tmp_path):
    a1, *_ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1")])
    gone = f"sqlite:///{tmp_path / 'gone' / 'store.sqlite'}"
    for args in (["declarations", "process", str(path), "--out", str(tmp_path / "out"), "--db", gone],
                 ["declarations", "ledger", "--year", "2021", "--db", gone],
                 ["demo", "--db", gone]):  # fmt: skip
        result = runner.invoke(app, args)
        _clean(result)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.stderr
    if engine.dialect.name == "sqlite":
        read_only = f"sqlite:///file:{engine.url.database}?mode=ro&uri=true"
        before = counts(engine)
        result = _process(read_only, tmp_path / "out", path)
        assert result.exit_code == 2 and "d.xml" in result.stderr and "readonly" in result.stderr
        assert "cannot be written" in result.stderr and "another import" not in result.stderr
        assert counts(engine) == before


@pytest.mark.parametrize(
    "args",
    [
        ["declarations", "generate", "--period", "9999-12"],
        ["declarations", "generate", "--period", "2021-13"],
        ["declarations", "generate", "--period", "2021-01", "--error-rate", "2"],
        ["declarations", "generate", "--period", "2021-01", "--error-rate", "nan"],
        ["declarations", "generate", "--period", "2021-01", "--out", "/proc/no/such/folder"],
        ["declarations", "ledger", "--year", "99999999999999999999"],
        ["declarations", "exhaustion", "--year", "-5"],
        ["report", "costs", "--year", "99999"],
        ["report", "providers", "--year", "0"],
        ["contracts", "ceilings", "--year", "99999999999999999999"],
        ["calc", "monthly-rate", "--volume", "inf", "--tariff", "40"],
        ["calc", "monthly-rate", "--volume", "nan", "--tariff", "40"],
        ["calc", "monthly-rate", "--volume", "1e999999", "--tariff", "40"],
        ["calc", "monthly-rate", "--volume", "3", "--tariff", "-1"],
        ["calc", "monthly-rate", "--volume", "3", "--tariff", "1e30"],
        ["calc", "monthly-rate", "--volume", "99999999999999999999999", "--tariff", "99999999999"],
        ["access", "intake", "lekstroom-ozr", "--months", "12", "--hours", "nan"],
        [
            "models",
            "evaluate",
            "lekstroom-ozr",
            "--months",
            "12",
            "--hours-per-week",
            "3",
            "--start",
            "9999-12-31",
        ],
        ["db", "upgrade", "--revision", "nonsense"],
    ],
    ids=" ".join,
)
def test_an_out_of_range_option_ends_in_one_line_and_exit_2(demo_store_url, tmp_path, args):
    if args[0] in ("declarations", "report", "contracts", "db"):
        args = [*args, "--db", f"sqlite:///{tmp_path / 'store.sqlite'}"]
        Path(tmp_path / "store.sqlite").write_bytes(
            Path(demo_store_url.removeprefix("sqlite:///")).read_bytes()
        )
    if args[:2] == ["declarations", "generate"] and "--out" not in args:
        args = [*args, "--out", str(tmp_path / "gen")]
    result = runner.invoke(app, args)
    _clean(result)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "gen").exists()


def test_a_dagtekening_of_today_is_not_in_the_future(engine, engine_url, tmp_path):
    a1, *_ = seed_store(engine)
    path = write_323(tmp_path / "d.xml", [line_for(a1, "G1")], dated=date.today())
    result = _process(engine_url, tmp_path / "out", path)
    assert result.exit_code == 0
    assert "TR135" not in result.stderr
