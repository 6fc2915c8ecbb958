# SPDX-License-Identifier: EUPL-1.2
"""Settings, each read from one environment variable and documented where it is declared.

Every command also takes ``--db URL``, which wins over ``ZORGINKOOP_DATABASE_URL``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///zorginkoop.sqlite"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    env: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "ZORGINKOOP_DATABASE_URL",
        DEFAULT_DATABASE_URL,
        "SQLAlchemy URL of the store. Default: a SQLite file zorginkoop.sqlite in the current "
        "directory. Production: postgresql+psycopg://user@host:5432/dbname.",
    ),
    Setting(
        "models_dir",
        "ZORGINKOOP_MODELS_DIR",
        None,
        "Folder with the region's own product model files (*.toml), loaded next to the shipped ones.",
    ),
    Setting(
        "xsd_dir",
        "ZORGINKOOP_XSD_DIR",
        None,
        "Folder with the official iWmo/iJw XSDs; when set, messages are also validated against them.",
    ),
    Setting(
        "max_message_bytes",
        "ZORGINKOOP_MAX_MESSAGE_BYTES",
        str(128 * 1024 * 1024),
        "Largest message file read, in bytes (default 128 MiB: a 323 of 100,000 prestaties is about 95 MB).",
    ),
    Setting(
        "max_message_depth",
        "ZORGINKOOP_MAX_MESSAGE_DEPTH",
        "32",
        "Deepest element nesting read in a message (the deepest iWmo/iJw 3.2 message nests 9 levels).",
    ),
    Setting(
        "end_on_stop",
        "ZORGINKOOP_END_ON_STOP",
        "on",
        "on (default, as in the demo) | off. A provider's definitive stop (307 with a RedenBeeindiging "
        "other than 20) puts the allocation on the stop worklist (`access stops`); on: the region ends "
        "the allocation at the stop date at once and queues the 301; off: the back office ends or "
        "dismisses each item (`access stops end|dismiss ITEM`).",
    ),
    Setting(
        "actor",
        "ZORGINKOOP_ACTOR",
        None,
        "Who is acting, for the processing log of personal data (defaults to the OS user).",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    models_dir: Path | None = None
    xsd_dir: Path | None = None
    max_message_bytes: str = str(128 * 1024 * 1024)
    max_message_depth: str = "32"
    actor: str | None = None
    end_on_stop: str = "on"

    @property
    def ends_on_stop(self) -> bool:
        """ZORGINKOOP_END_ON_STOP as a switch; ValueError (one line) for anything but on/off."""
        return switch(self.end_on_stop, "ZORGINKOOP_END_ON_STOP")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in SETTINGS:
            raw = env.get(setting.env) or setting.default
            if raw is None:
                continue
            values[setting.name] = Path(raw) if setting.name.endswith("_dir") else raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)  # type: ignore[arg-type]


_ON = frozenset({"on", "1", "true", "yes"})
_OFF = frozenset({"off", "0", "false", "no"})


def switch(value: str, env: str) -> bool:
    """A setting that is on or off (on/off, 1/0, true/false, yes/no; any case)."""
    text = value.strip().lower()
    if text in _ON or text in _OFF:
        return text in _ON
    raise ValueError(f"{env}={value!r}: give on or off")
