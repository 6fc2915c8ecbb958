# SPDX-License-Identifier: EUPL-1.2
"""Settings, each read from one environment variable and documented where it is declared.

Every command also takes ``--db URL``, which wins over ``ZORGINKOOP_DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///zorginkoop.sqlite"
DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
DEFAULT_MAX_MESSAGE_DEPTH = 32
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key"
"""The pseudonymisation key outside production; refused when ZORGINKOOP_ENV is not development."""
MAX_MESSAGE_DEPTH = 256
"""libxml2 refuses deeper nesting anyway (``huge_tree`` is off)."""


class SettingError(ValueError):
    """A setting has a value the product cannot use; the message is one line naming it."""


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
        str(DEFAULT_MAX_MESSAGE_BYTES),
        "Largest message file read, in bytes (default 128 MiB: a 323 of 100,000 prestaties is about 95 MB).",
    ),
    Setting(
        "max_message_depth",
        "ZORGINKOOP_MAX_MESSAGE_DEPTH",
        str(DEFAULT_MAX_MESSAGE_DEPTH),
        "Deepest element nesting read in a message (the deepest iWmo/iJw 3.2 message nests 9 levels; "
        f"at most {MAX_MESSAGE_DEPTH}).",
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
    Setting(
        "pseudonym_key",
        "ZORGINKOOP_PSEUDONYM_KEY",
        DEVELOPMENT_PSEUDONYM_KEY,
        "Secret key (at least 32 characters) that pseudonymises the data subject's BSN in the "
        "processing log (HMAC-SHA256). The default works only with ZORGINKOOP_ENV=development (the "
        "default environment); any other environment refuses it. Keep it as long as the log: a "
        "new key makes older entries unfindable by BSN.",
    ),
)


def _whole_number(low: int, high: int, what: str) -> Callable[[str, str], int]:
    def parse(env: str, raw: str) -> int:
        text = raw.strip().replace("_", "")
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            raise SettingError(f"{env}={raw!r}: give {what}, a whole number from {low:,} to {high:,}")
        return int(text)

    return parse


def _database_url(name: str, raw: str) -> str:
    """A SQLAlchemy URL of a store the product runs on (SQLite or PostgreSQL)."""
    scheme = raw.partition("://")[0] if "://" in raw else ""
    backend = scheme.partition("+")[0]
    if backend not in ("sqlite", "postgresql"):
        raise SettingError(
            f"{name}={raw!r} is not a database URL of SQLite or PostgreSQL; give e.g. "
            "sqlite:///zorginkoop.sqlite or postgresql+psycopg://user@host:5432/dbname"
        )
    return raw


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "database_url": _database_url,
    "max_message_bytes": _whole_number(1, 2**40, "the largest message in bytes"),
    "max_message_depth": _whole_number(1, MAX_MESSAGE_DEPTH, "the deepest nesting of elements"),
    "models_dir": lambda _env, raw: Path(raw),
    "xsd_dir": lambda _env, raw: Path(raw),
}


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    models_dir: Path | None = None
    xsd_dir: Path | None = None
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    max_message_depth: int = DEFAULT_MAX_MESSAGE_DEPTH
    actor: str | None = None
    end_on_stop: str = "on"
    pseudonym_key: str = DEVELOPMENT_PSEUDONYM_KEY

    @property
    def ends_on_stop(self) -> bool:
        """ZORGINKOOP_END_ON_STOP as a switch; ValueError (one line) for anything but on/off."""
        return switch(self.end_on_stop, "ZORGINKOOP_END_ON_STOP")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """The settings from the environment, ``overrides`` (command options) winning; raises
        :class:`SettingError` naming the variable or option whose value cannot be used."""
        env = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, object] = {}
        for setting in SETTINGS:
            given = overrides.get(setting.name)
            if given is not None:
                raw, name = str(given), "--db" if setting.name == "database_url" else setting.name
            else:
                raw, name = (env.get(setting.env) or setting.default), setting.env  # type: ignore[assignment]
            if raw is None:
                continue
            parse = _PARSERS.get(setting.name)
            values[setting.name] = parse(name, raw) if parse else raw
        _refuse_default_key(env, str(values.get("pseudonym_key", DEVELOPMENT_PSEUDONYM_KEY)))
        return cls(**values)  # type: ignore[arg-type]


def _refuse_default_key(env: Mapping[str, str], key: str) -> None:
    """The development key outside development, or a short key, is refused (one line)."""
    environment = (env.get("ZORGINKOOP_ENV") or "development").strip().lower()
    if key == DEVELOPMENT_PSEUDONYM_KEY:
        if environment != "development":
            raise SettingError(
                f"ZORGINKOOP_PSEUDONYM_KEY is the development default while ZORGINKOOP_ENV={environment}; "
                "set a secret of at least 32 characters"
            )
    elif len(key) < 32:
        raise SettingError("ZORGINKOOP_PSEUDONYM_KEY is shorter than 32 characters; give a longer secret")


_ON = frozenset({"on", "1", "true", "yes"})
_OFF = frozenset({"off", "0", "false", "no"})


def switch(value: str, env: str) -> bool:
    """A setting that is on or off (on/off, 1/0, true/false, yes/no; any case)."""
    text = value.strip().lower()
    if text in _ON or text in _OFF:
        return text in _ON
    raise ValueError(f"{env}={value!r}: give on or off")
