# SPDX-License-Identifier: EUPL-1.2
"""A provider's requests: for an allocation (315, VOT) and for a change (317, VOW).

Cross-message rules (each returns WJ001 retourcodes, empty when it holds) and the region's
policy for answering. The standard answers a request in one of two ways: a 319 Antwoord
(WJ760 1 afgewezen with a WJ759 reason, or 2 in onderzoek), or a 301 that grants it and
carries the request's ReferentieAanbieder (TR379). A request stays open until one of the two
(TR374).

Granting policy (automatic, documented in the README):

1. the client is an inhabitant of the receiving municipality, else refused 5 (andere gemeente);
2. under the Jeugdwet the client is under 18 on the requested start, else refused 9
   (leeftijdsgrens bereikt);
3. every requested product has a code that exists in the region's catalogue for the law,
   else refused 4 (past niet binnen contract);
4. the provider serves the municipality and holds a contract on the start date for a lot with
   that product (the rule of ``domain.contracts.contracted_providers``, as for an allocation),
   else refused 3 (geen contract);
5. a request without a product code (category only) is put in onderzoek (2): a consultant decides;
6. so is a request for a client whose address is not on file: the granting 301 must carry it
   (TR061), so the consultant records it first (``zorginkoop access client``).
Otherwise it is granted: allocations with the requested period and volume go out in a 301.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum

REFUSED = "1"
"""WJ760 1: verzoek afgewezen."""
IN_INVESTIGATION = "2"
"""WJ760 2: aanvraag in onderzoek."""


class RefusalReason(str, Enum):
    """WJ759 Reden afwijzing verzoek (the ones this policy uses)."""

    NO_CONTRACT = "3"
    NOT_IN_CONTRACT = "4"
    OTHER_MUNICIPALITY = "5"
    AGE_LIMIT = "9"


def tr347_reference_unique(reference: str, used: bool) -> tuple[str, ...]:
    """TR347 (9347): ReferentieAanbieder is unique for the provider within the law."""
    del reference
    return ("9347",) if used else ()


def tr374_no_open_request(open_references: Collection[str]) -> tuple[str, ...]:
    """TR374 (9374): a request may be sent only when no request of the same provider for the
    same client is still being handled (not refused and not granted by a 301)."""
    return ("9374",) if open_references else ()


def tr349_all_current_listed(
    current_numbers: Collection[int], listed_numbers: Collection[int]
) -> tuple[str, ...]:
    """TR349 (9349): a 317 lists every current allocation of the client (at this provider) as
    OngewijzigdProduct or TeWijzigenProduct."""
    return ("9349",) if set(current_numbers) - set(listed_numbers) else ()


def tr350_unchanged_is_current(number: int, current_numbers: Collection[int]) -> tuple[str, ...]:
    """TR350 (9350): every OngewijzigdProduct refers to a current allocation by ToewijzingNummer."""
    return () if number in current_numbers else ("9350",)


def tr351_to_change_is_current(number: int, current_numbers: Collection[int]) -> tuple[str, ...]:
    """TR351 (9351): every TeWijzigenProduct refers to a current allocation by ToewijzingNummer."""
    return () if number in current_numbers else ("9351",)


def tr357_backdated_change_whole_period(
    desired: date, dagtekening: date, original_start: date | None
) -> tuple[str, ...]:
    """TR357 (9357): a GewensteIngangsdatum on or before the Dagtekening equals the Ingangsdatum
    of the original allocation: a change that does not lie ahead holds for the whole period."""
    if desired <= dagtekening and desired != original_start:
        return ("9357",)
    return ()


@dataclass(frozen=True, slots=True)
class RequestedProduct:
    """What the provider asks for, as the policy needs it."""

    category: str
    product_code: str | None
    start: date


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What the store knows about a request's parties, gathered by the service."""

    inhabitant: bool
    client_age_on_start: int | None
    is_youth_care: bool
    provider_serves_municipality: bool
    known_products: frozenset[str]
    contracted_products: frozenset[str]
    address_on_file: bool = True


@dataclass(frozen=True, slots=True)
class RequestDecision:
    granted: bool
    answer: str | None = None
    """WJ760 code when not granted."""
    reason: RefusalReason | None = None

    @property
    def label(self) -> str:
        if self.granted:
            return "toegewezen"
        if self.answer == IN_INVESTIGATION:
            return "in onderzoek"
        return f"afgewezen ({self.reason.value if self.reason else ''})"


def decide_request(products: Sequence[RequestedProduct], facts: RequestFacts) -> RequestDecision:
    """The region's policy for a 315/317 (see the module docstring)."""
    if not facts.inhabitant:
        return RequestDecision(False, REFUSED, RefusalReason.OTHER_MUNICIPALITY)
    if facts.is_youth_care and facts.client_age_on_start is not None and facts.client_age_on_start >= 18:
        return RequestDecision(False, REFUSED, RefusalReason.AGE_LIMIT)
    coded = [p for p in products if p.product_code]
    if any(p.product_code not in facts.known_products for p in coded):
        return RequestDecision(False, REFUSED, RefusalReason.NOT_IN_CONTRACT)
    if not facts.provider_serves_municipality or any(
        p.product_code not in facts.contracted_products for p in coded
    ):
        return RequestDecision(False, REFUSED, RefusalReason.NO_CONTRACT)
    if len(coded) != len(products) or not facts.address_on_file:
        return RequestDecision(False, IN_INVESTIGATION)
    return RequestDecision(True)
