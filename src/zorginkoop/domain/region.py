# SPDX-License-Identifier: EUPL-1.2
"""The region, its municipalities and the providers it contracts.

Several municipalities buy together as a region; each still decides for its own inhabitants.
A provider is known by its AGB code (LDT_AgbCode, 8 digits) and carries the facts the social
team uses when matching a client: target groups, the municipalities it serves (delivery area),
a client stop, capacity and waiting time.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass, field

from zorginkoop.domain.codes import Law, TargetGroup

_CBS_CODE = re.compile(r"[0-9]{4}")
_AGB_CODE = re.compile(r"[0-9]{8}")


class RegionError(ValueError):
    """A municipality, provider or region that breaks a rule of the standard or the domain."""


@dataclass(frozen=True, slots=True)
class Municipality:
    """A municipality: its CBS code (LDT_Gemeente, four digits), name and inhabitants."""

    code: str
    name: str
    inhabitants: int

    def __post_init__(self) -> None:
        if not _CBS_CODE.fullmatch(self.code):
            raise RegionError(f"CBS municipality code must be four digits, got {self.code!r}")
        if self.inhabitants < 0:
            raise RegionError(f"{self.name}: inhabitants cannot be negative")


@dataclass(frozen=True, slots=True)
class Region:
    """Municipalities buying together, e.g. Lekstroom (5), Alkmaar (7), Twente (14)."""

    code: str
    name: str
    municipalities: tuple[Municipality, ...]

    def __post_init__(self) -> None:
        codes = [m.code for m in self.municipalities]
        if len(set(codes)) != len(codes):
            raise RegionError(f"region {self.name} lists a municipality twice")

    def municipality(self, code_or_name: str) -> Municipality:
        """Look a municipality up by CBS code or (case-insensitive) name."""
        wanted = code_or_name.strip().lower()
        for m in self.municipalities:
            if m.code == wanted or m.name.lower() == wanted:
                return m
        known = ", ".join(f"{m.name} ({m.code})" for m in self.municipalities)
        raise RegionError(f"no municipality {code_or_name!r} in {self.name}; known: {known}")

    @property
    def inhabitants(self) -> int:
        return sum(m.inhabitants for m in self.municipalities)


@dataclass(frozen=True, slots=True)
class Provider:
    """A care provider (aanbieder) as the region knows it."""

    agb_code: str
    name: str
    laws: frozenset[Law]
    target_groups: frozenset[TargetGroup]
    municipalities_served: frozenset[str]
    client_stop: bool = False
    capacity: int | None = None
    """Maximum number of clients in care at once; None when the contract sets no maximum."""
    waiting_weeks: int = 0
    free_practitioner: bool = False
    """A free-practicing professional (vrijgevestigde), e.g. under the collective ceiling."""
    tags: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not _AGB_CODE.fullmatch(self.agb_code):
            raise RegionError(f"AGB code must be eight digits, got {self.agb_code!r}")
        if self.capacity is not None and self.capacity < 0:
            raise RegionError(f"{self.name}: capacity cannot be negative")
        if self.waiting_weeks < 0:
            raise RegionError(f"{self.name}: waiting time cannot be negative")

    def serves(self, municipality_code: str, target_group: TargetGroup | None = None) -> bool:
        """Delivers in the municipality (and to the target group, when one is asked)."""
        if municipality_code not in self.municipalities_served:
            return False
        return target_group is None or target_group in self.target_groups

    def has_room(self, clients_in_care: int) -> bool:
        """Accepts a new client: no client stop and, when capped, below capacity."""
        if self.client_stop:
            return False
        return self.capacity is None or clients_in_care < self.capacity


@dataclass(frozen=True, slots=True)
class ProviderMatch:
    """A provider that may be chosen for an allocation, with what the consultant should see."""

    provider: Provider
    clients_in_care: int

    @property
    def waiting_weeks(self) -> int:
        return self.provider.waiting_weeks


def eligible_providers(
    providers: list[Provider],
    municipality_code: str,
    target_group: TargetGroup | None,
    law: Law,
    clients_in_care: dict[str, int],
    *,
    contracted: Set[str] | None = None,
) -> list[ProviderMatch]:
    """Providers that serve the municipality and target group under ``law``, are not on client
    stop and have capacity; shortest waiting time first, then fewest clients, then name.

    ``contracted`` narrows them to the AGB codes contracted for the product on the day care
    begins (``domain.contracts.contracted_providers``); None when no product is asked for.
    """
    matches = [
        ProviderMatch(p, clients_in_care.get(p.agb_code, 0))
        for p in providers
        if law in p.laws
        and (contracted is None or p.agb_code in contracted)
        and p.serves(municipality_code, target_group)
        and p.has_room(clients_in_care.get(p.agb_code, 0))
    ]
    return sorted(matches, key=lambda m: (m.waiting_weeks, m.clients_in_care, m.provider.name))
