# SPDX-License-Identifier: EUPL-1.2
"""The register of processing activities, the pseudonym of a BSN, the pseudonymisation key
setting and the scope kinds: the pure parts of the tenancy layer and the processing log."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.adapters.db.repositories import load_register
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.processing import ActivityKind, RegisterError, parse_register, pseudonymise
from zorginkoop.settings import DEVELOPMENT_PSEUDONYM_KEY, SettingError, Settings

KEY = b"k" * 32


def test_the_shipped_register_has_an_activity_with_purpose_and_legal_basis_for_every_kind() -> None:
    register = load_register()
    for kind in ActivityKind:
        activity = register.resolve(kind)
        assert activity.purpose and activity.legal_basis, kind


def test_a_decision_resolves_to_its_laws_legal_basis() -> None:
    register = load_register()
    assert "Wmo 2015 art. 2.3.5" in register.resolve(ActivityKind.DECISION, "wmo").legal_basis
    assert "Jeugdwet art. 2.3" in register.resolve(ActivityKind.DECISION, "jeugd").legal_basis
    assert register.resolve(ActivityKind.SIGNALS, "wmo").id == "signals"  # no law of its own: the general one


def test_a_register_without_an_activity_for_a_kind_is_refused() -> None:
    with pytest.raises(RegisterError, match="no activity for 'privacy'"):
        parse_register({"activity": [
            {"id": k.value, "kind": k.value, "name": "n", "purpose": "p", "legal_basis": "b"}
            for k in ActivityKind if k is not ActivityKind.PRIVACY
        ]})  # fmt: skip
    with pytest.raises(RegisterError, match="registered twice"):
        parse_register(
            {
                "activity": [{"id": "x", "kind": "decision", "name": "n", "purpose": "p", "legal_basis": "b"}]
                * 2
            }
        )


@given(st.from_regex(r"[0-9]{9}", fullmatch=True), st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_the_pseudonym_is_the_same_for_the_same_bsn_and_key_and_differs_otherwise(a: str, b: str) -> None:
    assert pseudonymise(a, KEY) == pseudonymise(a, KEY)
    assert (pseudonymise(a, KEY) == pseudonymise(b, KEY)) == (a == b)
    assert pseudonymise(a, KEY) != pseudonymise(a, b"other" * 8)
    assert a not in pseudonymise(a, KEY) and len(pseudonymise(a, KEY)) == 64


def test_the_development_key_is_refused_outside_development() -> None:
    assert Settings.from_env({}).pseudonym_key == DEVELOPMENT_PSEUDONYM_KEY
    production = {"ZORGINKOOP_ENV": "production", "ZORGINKOOP_SECRET_KEY": "k" * 40}  # the API's own secret
    with pytest.raises(SettingError, match="ZORGINKOOP_PSEUDONYM_KEY is the development default"):
        Settings.from_env(production)
    with pytest.raises(SettingError, match="shorter than 32"):
        Settings.from_env({**production, "ZORGINKOOP_PSEUDONYM_KEY": "short"})
    secret = "s" * 40
    assert Settings.from_env({**production, "ZORGINKOOP_PSEUDONYM_KEY": secret}).pseudonym_key == secret


def test_scopes_of_each_kind_parse_and_print() -> None:
    assert Scope.parse("region") == Scope.region()
    assert Scope.parse("municipality:0356,0321") == Scope.municipalities(["0321", "0356"])
    assert str(Scope.municipalities(["0356", "0321"])) == "municipality:0321,0356"
    assert Scope.parse("provider:12345678").code == "12345678"
    assert Scope.municipalities(["0321", "0356"]).code is None
    for bad in ("nation", "municipality", "provider:1,2", "region:0356"):
        with pytest.raises(ValueError):
            Scope.parse(bad)
    assert Scope(ScopeKind.PROVIDER, frozenset({"1"})).sees("0321", "1")
    assert not Scope.municipality("0321").sees("0356", "1")
