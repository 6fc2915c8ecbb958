# SPDX-License-Identifier: EUPL-1.2
"""Accounts in the domain: roles tied to what they may see; login throttling; settings that
refuse a default secret outside development."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from zorginkoop.domain.access import Scope
from zorginkoop.domain.accounts import AccountError, LoginPolicy, Role, User
from zorginkoop.settings import DEVELOPMENT_SECRET_KEY, SettingError, Settings
from zorginkoop.web.security import signing_key

NOW = datetime(2026, 12, 2, 12, 0)


def test_each_role_sees_what_it_is_tied_to() -> None:
    assert User.create("anna", "consulent", ["0321"]).scope() == Scope.municipality("0321")
    assert User.create("alfa", "aanbieder", provider_agb="11111111").scope() == Scope.provider("11111111")
    assert User.create("pien", "privacy").scope() == Scope.region()
    assert User.create("henk", Role.BEHEERDER).scope() == Scope.region()
    several = User.create("bea", "beleidsadviseur", ["0356", "0321"])
    assert several.scopes() == (Scope.municipality("0321"), Scope.municipality("0356"))


@pytest.mark.parametrize(
    ("role", "municipalities", "provider", "says"),
    [
        ("consulent", [], None, "tied to one or more municipalities"),
        ("consulent", ["0321"], "11111111", "no --provider"),
        ("aanbieder", [], None, "tied to one provider"),
        ("aanbieder", ["0321"], "11111111", "no --municipality"),
        ("privacy", ["0321"], None, "sees the whole region"),
        ("consulent", ["321"], None, "CBS code of four digits"),
        ("aanbieder", [], "1234", "AGB code of eight digits"),
        ("koning", [], None, "give one of consulent"),
    ],
)
def test_an_account_that_cannot_be_is_refused_in_one_line(role, municipalities, provider, says) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AccountError, match=says) as refused:
        User.create("x1", role, municipalities, provider)
    assert "\n" not in str(refused.value)


def test_a_login_of_odd_characters_is_refused() -> None:
    with pytest.raises(AccountError, match="login"):
        User.create("anna smit", "privacy")


def test_five_failures_within_fifteen_minutes_block_until_the_oldest_leaves_the_window() -> None:
    policy = LoginPolicy()
    failures = [NOW - timedelta(minutes=m) for m in (14, 10, 5, 2, 1)]
    assert policy.blocked_until(failures[1:], NOW) is None  # four
    assert policy.blocked_until(failures, NOW) == NOW + timedelta(minutes=1)
    assert policy.blocked_until(failures, NOW + timedelta(minutes=1)) is None
    # failures older than the window do not count
    assert policy.blocked_until([NOW - timedelta(minutes=16)] * 10, NOW) is None
    # more than five: blocked until enough have left the window
    many = [NOW - timedelta(minutes=m) for m in (14, 13, 12, 3, 2, 1)]
    assert policy.blocked_until(many, NOW) == NOW - timedelta(minutes=13) + timedelta(minutes=15)


def test_production_refuses_a_missing_default_or_short_secret() -> None:
    with pytest.raises(SettingError, match="ZORGINKOOP_SECRET_KEY"):
        Settings.from_env({"ZORGINKOOP_ENV": "production"})
    with pytest.raises(SettingError, match="development only"):
        Settings.from_env({"ZORGINKOOP_ENV": "production", "ZORGINKOOP_SECRET_KEY": DEVELOPMENT_SECRET_KEY})
    with pytest.raises(SettingError, match="at least 32"):
        Settings.from_env({"ZORGINKOOP_ENV": "production", "ZORGINKOOP_SECRET_KEY": "short"})
    good = Settings.from_env({"ZORGINKOOP_ENV": "production", "ZORGINKOOP_SECRET_KEY": "s" * 40})
    assert signing_key(good) == b"s" * 40
    assert Settings.from_env({}).env == "development"
    assert signing_key(Settings.from_env({})) == DEVELOPMENT_SECRET_KEY.encode()


def test_account_settings_are_checked_in_one_line() -> None:
    with pytest.raises(SettingError, match="ZORGINKOOP_ENV='staging'"):
        Settings.from_env({"ZORGINKOOP_ENV": "staging"})
    with pytest.raises(SettingError, match="ZORGINKOOP_TOKEN_MINUTES"):
        Settings.from_env({"ZORGINKOOP_TOKEN_MINUTES": "0"})
    with pytest.raises(SettingError, match="go together"):
        Settings.from_env({"ZORGINKOOP_OIDC_ISSUER": "https://sso.example.nl/realms/regio"})
    oidc = Settings.from_env(
        {
            "ZORGINKOOP_OIDC_ISSUER": "https://sso.example.nl/realms/regio",
            "ZORGINKOOP_OIDC_CLIENT_ID": "zorginkoop",
        }
    )
    assert oidc.oidc_client_id == "zorginkoop"
