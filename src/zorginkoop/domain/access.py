# SPDX-License-Identifier: EUPL-1.2
"""Who may see which inhabitants: the scope of a read of personal data.

Three kinds of scope: the region's back office sees the region; a municipality scope sees the
inhabitants of one or more municipalities (CBS codes); a provider scope sees only its own
clients (those it has an allocation for, AGB code). The store applies a scope in one place
(``adapters/db/tenancy.py``) to every read of a table with personal data, and every read of
personal data is logged per data subject (see :mod:`zorginkoop.domain.processing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class ScopeKind(str, Enum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    PROVIDER = "provider"


@dataclass(frozen=True, slots=True)
class Scope:
    """The part of the region a reader may see."""

    kind: ScopeKind
    codes: frozenset[str] = frozenset()
    """CBS codes for a municipality scope (one or more), the one AGB code for a provider scope."""

    def __post_init__(self) -> None:
        if self.kind is ScopeKind.REGION and self.codes:
            raise ValueError("a region scope has no codes")
        if self.kind is ScopeKind.MUNICIPALITY and not self.codes:
            raise ValueError("a municipality scope needs at least one CBS code")
        if self.kind is ScopeKind.PROVIDER and len(self.codes) != 1:
            raise ValueError("a provider scope has exactly one AGB code")
        if any(not code for code in self.codes):
            raise ValueError("a scope code is never empty")

    @classmethod
    def region(cls) -> Scope:
        return cls(ScopeKind.REGION)

    @classmethod
    def municipality(cls, cbs_code: str) -> Scope:
        return cls(ScopeKind.MUNICIPALITY, frozenset({cbs_code}))

    @classmethod
    def municipalities(cls, cbs_codes: Iterable[str]) -> Scope:
        return cls(ScopeKind.MUNICIPALITY, frozenset(cbs_codes))

    @classmethod
    def provider(cls, agb_code: str) -> Scope:
        return cls(ScopeKind.PROVIDER, frozenset({agb_code}))

    @property
    def code(self) -> str | None:
        """The one code of a provider scope or a single-municipality scope; else None."""
        return next(iter(self.codes)) if len(self.codes) == 1 else None

    def sees_municipality(self, cbs_code: str) -> bool:
        """Whether data held by municipality ``cbs_code`` is visible (not for a provider scope:
        a provider sees only its own clients, whatever municipality)."""
        if self.kind is ScopeKind.REGION:
            return True
        return self.kind is ScopeKind.MUNICIPALITY and cbs_code in self.codes

    def sees(self, municipality_code: str, provider_agb: str) -> bool:
        """Whether a row held by ``municipality_code`` about care by ``provider_agb`` is visible."""
        if self.kind is ScopeKind.REGION:
            return True
        if self.kind is ScopeKind.MUNICIPALITY:
            return municipality_code in self.codes
        return provider_agb in self.codes

    def __str__(self) -> str:
        if self.kind is ScopeKind.REGION:
            return "region"
        return f"{self.kind.value}:{','.join(sorted(self.codes))}"

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``region``, ``municipality:0356``, ``municipality:0356,0321`` or ``provider:12345678``."""
        kind, _, code = text.partition(":")
        try:
            scope_kind = ScopeKind(kind)
        except ValueError:
            raise ValueError(
                f"scope must be region, municipality:CBS[,CBS...] or provider:AGB, got {text!r}"
            ) from None
        return cls(scope_kind, frozenset(c.strip() for c in code.split(",") if c.strip()))
