# SPDX-License-Identifier: EUPL-1.2
"""Who may see which inhabitants: the scope of a read of personal data.

Each municipality sees only its own inhabitants; a provider only its own clients (those it has
an allocation for); the region's back office sees the region. Every read of personal data is
logged with its scope, actor and purpose (see the processing log in the store).
"""

from __future__ import annotations

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
    code: str | None = None
    """CBS code for a municipality scope, AGB code for a provider scope."""

    def __post_init__(self) -> None:
        if (self.kind is ScopeKind.REGION) != (self.code is None):
            raise ValueError("a region scope has no code; municipality and provider scopes need one")

    @classmethod
    def region(cls) -> Scope:
        return cls(ScopeKind.REGION)

    @classmethod
    def municipality(cls, cbs_code: str) -> Scope:
        return cls(ScopeKind.MUNICIPALITY, cbs_code)

    @classmethod
    def provider(cls, agb_code: str) -> Scope:
        return cls(ScopeKind.PROVIDER, agb_code)

    def __str__(self) -> str:
        return self.kind.value if self.code is None else f"{self.kind.value}:{self.code}"

    @classmethod
    def parse(cls, text: str) -> Scope:
        """``region``, ``municipality:0356`` or ``provider:12345678``."""
        kind, _, code = text.partition(":")
        try:
            scope_kind = ScopeKind(kind)
        except ValueError:
            raise ValueError(
                f"scope must be region, municipality:CBS or provider:AGB, got {text!r}"
            ) from None
        return cls(scope_kind, code or None)
