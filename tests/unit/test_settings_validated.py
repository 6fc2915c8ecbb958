# SPDX-License-Identifier: EUPL-1.2
"""Settings are typed and checked where they are read: a value the product cannot use is one
line naming the variable (the CLI turns it into exit 2)."""

from __future__ import annotations

import pytest

from zorginkoop.adapters.istandaarden.safe import Limits
from zorginkoop.settings import SettingError, Settings


def test_message_limits_are_whole_numbers():
    settings = Settings.from_env(
        {"ZORGINKOOP_MAX_MESSAGE_BYTES": "1_000_000", "ZORGINKOOP_MAX_MESSAGE_DEPTH": "12"}
    )
    assert (settings.max_message_bytes, settings.max_message_depth) == (1_000_000, 12)
    assert Settings.from_env({}).max_message_bytes == 128 * 1024 * 1024


@pytest.mark.parametrize(
    ("env", "value"),
    [("ZORGINKOOP_MAX_MESSAGE_BYTES", v) for v in ("abc", "-5", "0", "1e9", "12.5", "9" * 30)]
    + [("ZORGINKOOP_MAX_MESSAGE_DEPTH", v) for v in ("x", "0", "257")]
    + [("ZORGINKOOP_DATABASE_URL", v) for v in ("not a url", "mysql://h/x", "zorginkoop.sqlite")],
)
def test_a_value_that_cannot_be_used_names_its_variable(env, value):
    with pytest.raises(SettingError, match=env) as caught:
        Settings.from_env({env: value})
    assert "\n" not in str(caught.value)


def test_the_db_option_is_checked_too_and_named_as_an_option():
    with pytest.raises(SettingError, match="--db"):
        Settings.from_env({}, database_url="nonsense")
    assert Settings.from_env({}, database_url="postgresql+psycopg://u@h/db").database_url.startswith(
        "postgresql"
    )


def test_limits_come_from_the_checked_settings(monkeypatch):
    monkeypatch.setenv("ZORGINKOOP_MAX_MESSAGE_BYTES", "5000")
    assert Limits.from_env().max_bytes == 5000
    monkeypatch.setenv("ZORGINKOOP_MAX_MESSAGE_BYTES", "lots")
    with pytest.raises(SettingError):
        Limits.from_env()
