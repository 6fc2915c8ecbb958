# SPDX-License-Identifier: EUPL-1.2
"""Settings stay honest: every environment variable the product reads is declared once in
settings.py and documented in the README, and every declared setting is read somewhere."""

from __future__ import annotations

import re
from pathlib import Path

from zorginkoop.settings import SETTINGS, Settings

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "zorginkoop"
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV_NAME = re.compile(r"ZORGINKOOP_[A-Z_]+")


def names_read_by_the_product() -> set[str]:
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        if path.name != "settings.py":
            found |= set(ENV_NAME.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_variable_the_product_reads_is_declared_in_settings():
    declared = {s.env for s in SETTINGS}
    assert names_read_by_the_product() - declared == set()


def test_every_setting_is_documented_in_the_readme_configuration_table():
    for setting in SETTINGS:
        assert f"| `{setting.env}` |" in README, f"{setting.env} is not in the README's configuration table"
        assert setting.help.strip(), f"{setting.env} has no description"


def test_every_declared_setting_is_used():
    used = names_read_by_the_product() | {"ZORGINKOOP_DATABASE_URL"}  # read through Settings.from_env
    text = "".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.py") if p.name != "settings.py")
    for setting in SETTINGS:
        assert setting.env in used or f".{setting.name}" in text, f"{setting.env} is declared but never read"


def test_settings_come_from_the_environment_and_options_win():
    settings = Settings.from_env(
        {"ZORGINKOOP_DATABASE_URL": "sqlite:///a.sqlite", "ZORGINKOOP_ACTOR": "rbl"},
        database_url="sqlite:///b.sqlite",
    )
    assert settings.database_url == "sqlite:///b.sqlite"
    assert settings.actor == "rbl"
    assert Settings.from_env({}).database_url == "sqlite:///zorginkoop.sqlite"
