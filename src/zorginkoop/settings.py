# SPDX-License-Identifier: EUPL-1.2
"""Settings, each read from one environment variable and documented where it is declared.

Every command also takes ``--db URL``, which wins over ``ZORGINKOOP_DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from zorginkoop.domain.procurement.ocds import DEFAULT_OCID_PREFIX, PublicationError, ocid

DEFAULT_DATABASE_URL = "sqlite:///zorginkoop.sqlite"
DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
DEFAULT_MAX_MESSAGE_DEPTH = 32
DEVELOPMENT_PSEUDONYM_KEY = "development-only-pseudonym-key"
"""The pseudonymisation key outside production; refused when ZORGINKOOP_ENV is not development."""
MAX_MESSAGE_DEPTH = 256
"""libxml2 refuses deeper nesting anyway (``huge_tree`` is off)."""
DEFAULT_TOKEN_MINUTES = 60
DEFAULT_LOGIN_MAX_FAILURES = 5
DEFAULT_LOGIN_WINDOW_MINUTES = 15
ENVIRONMENTS = ("development", "production")
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-not-for-production"  # noqa: S105
"""The secret development runs with when none is set; refused outside development."""
MIN_SECRET_KEY_LENGTH = 32


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
    # -- accounts and the HTTP API -------------------------------------------------------------
    Setting(
        "env",
        "ZORGINKOOP_ENV",
        "development",
        "development (default) | production. In production the secret key must be set to a "
        "secret of its own (at least 32 characters); development runs with a known, unsafe one.",
    ),
    Setting(
        "secret_key",
        "ZORGINKOOP_SECRET_KEY",
        None,
        "Secret the API keys its token hashes with (HMAC-SHA256): only a hash of each bearer token "
        "is stored. Changing it ends every token handed out. Required outside development, e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`.",
    ),
    Setting(
        "token_minutes",
        "ZORGINKOOP_TOKEN_MINUTES",
        str(DEFAULT_TOKEN_MINUTES),
        f"How long an API bearer token is valid, in minutes (default {DEFAULT_TOKEN_MINUTES}).",
    ),
    Setting(
        "login_max_failures",
        "ZORGINKOOP_LOGIN_MAX_FAILURES",
        str(DEFAULT_LOGIN_MAX_FAILURES),
        "Failed logins for one login name within the window after which its logins are refused "
        f"(HTTP 429) until the window has passed (default {DEFAULT_LOGIN_MAX_FAILURES}).",
    ),
    Setting(
        "login_window_minutes",
        "ZORGINKOOP_LOGIN_WINDOW_MINUTES",
        str(DEFAULT_LOGIN_WINDOW_MINUTES),
        f"The window of login throttling, in minutes (default {DEFAULT_LOGIN_WINDOW_MINUTES}).",
    ),
    Setting(
        "oidc_issuer",
        "ZORGINKOOP_OIDC_ISSUER",
        None,
        "OpenID Connect issuer URL of the region's single sign-on (e.g. "
        "https://sso.lekstroom.nl/realms/zorginkoop); its discovery document is at "
        "ISSUER/.well-known/openid-configuration. Optional: local accounts work without it.",
    ),
    Setting(
        "oidc_client_id",
        "ZORGINKOOP_OIDC_CLIENT_ID",
        None,
        "The client id this platform is registered with at the OpenID Connect issuer "
        "(with ZORGINKOOP_OIDC_ISSUER).",
    ),
    # -- open contracting data -----------------------------------------------------------------
    Setting(
        "ocid_prefix",
        "ZORGINKOOP_OCID_PREFIX",
        DEFAULT_OCID_PREFIX,
        "The region's ocid prefix for open contracting data (`tenders ocds`), registered with the "
        "Open Contracting Partnership (ocds- and six letters or digits, e.g. ocds-a1b2c3); every "
        f"tender's ocid is PREFIX-TENDERCODE. The default {DEFAULT_OCID_PREFIX} marks test data.",
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


def _ocid_prefix(name: str, raw: str) -> str:
    try:
        ocid(raw.strip(), "TENDER")
    except PublicationError as exc:
        raise SettingError(f"{name}={raw!r}: {exc}") from None
    return raw.strip()


def _one_of(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    text = raw.strip().lower()
    if text not in allowed:
        raise SettingError(f"{name}={raw!r}: give {' or '.join(allowed)}")
    return text


_PARSERS: dict[str, Callable[[str, str], object]] = {
    "database_url": _database_url,
    "max_message_bytes": _whole_number(1, 2**40, "the largest message in bytes"),
    "max_message_depth": _whole_number(1, MAX_MESSAGE_DEPTH, "the deepest nesting of elements"),
    "token_minutes": _whole_number(1, 60 * 24 * 366, "the minutes a token is valid"),
    "login_max_failures": _whole_number(1, 1000, "the failed logins allowed in the window"),
    "login_window_minutes": _whole_number(1, 60 * 24 * 7, "the minutes of the throttling window"),
    "env": lambda env, raw: _one_of(env, raw, ENVIRONMENTS),
    "ocid_prefix": _ocid_prefix,
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
    env: str = "development"
    secret_key: str | None = None
    token_minutes: int = DEFAULT_TOKEN_MINUTES
    login_max_failures: int = DEFAULT_LOGIN_MAX_FAILURES
    login_window_minutes: int = DEFAULT_LOGIN_WINDOW_MINUTES
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    ocid_prefix: str = DEFAULT_OCID_PREFIX

    def __post_init__(self) -> None:
        # fail fast: a production platform never runs on a secret everybody can read here
        if self.env != "development":
            if self.secret_key is None or self.secret_key == DEVELOPMENT_SECRET_KEY:
                raise SettingError(
                    f"ZORGINKOOP_ENV={self.env}: set ZORGINKOOP_SECRET_KEY to a secret of its own "
                    "(the default secret is for development only)"
                )
            if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
                raise SettingError(
                    f"ZORGINKOOP_SECRET_KEY is too short for {self.env}: "
                    f"give at least {MIN_SECRET_KEY_LENGTH} characters"
                )
        if (self.oidc_issuer is None) != (self.oidc_client_id is None):
            raise SettingError(
                "ZORGINKOOP_OIDC_ISSUER and ZORGINKOOP_OIDC_CLIENT_ID go together: set both or neither"
            )

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
