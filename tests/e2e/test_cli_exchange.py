# SPDX-License-Identifier: EUPL-1.2
"""`messages export --type 301` on the demo writes XSD-valid files; `messages import` refuses junk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import ISTANDAARDEN
from zorginkoop.adapters.istandaarden import validate_message, validate_with_xsd
from zorginkoop.cli import app

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
