# SPDX-License-Identifier: EUPL-1.2
"""``access allocate --referrer``: a referrer the consultant names is read as COD327 and the
Verwijzer rules; bad input is one line and exit 2, before anything is read or stored."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from zorginkoop.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--referrer-name", "Dr. Jansen"], "--referrer-name and --referrer-agb need --referrer"),
        (["--referrer", "07"], "'07' is not a code of ReferrerType"),
        (["--referrer", "gemeente", "--referrer-agb", "01234567"], "CD068"),
        (["--referrer", "huisarts", "--referrer-agb", "123"], "AGB code of 8 digits"),
        (["--referrer", "huisarts", "--referrer-agb", "01234567", "--referrer-name", "Dr. J"], "CD066"),
    ],
)
def test_a_bad_referrer_is_one_line_and_exit_2(demo_store_url: str, options: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        ["access", "allocate", "0321-J0000001", "-m", "Houten", "--model", "lekstroom-ozr", "--provider",
         "12345678", *options, "--db", demo_store_url],
    )  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
