# SPDX-License-Identifier: EUPL-1.2
"""The award steps: intended award, standstill, final award, and what the final award contracts.

A tender moves ``open`` -> ``awarded`` (the intended award, gunningsvoornemen) -> ``final``
(definitieve gunning). The standstill (opschortende termijn) runs from the day after the intended
award: 20 days for a classic tender (Aanbestedingswet art. 2.127), as the tender sets for SAS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.evaluation import Bid, Outcome
from zorginkoop.domain.procurement.model import TariffPolicy, Tender, TenderError, TenderLot


class TenderStatus(str, Enum):
    OPEN = "open"
    AWARDED = "awarded"
    """Intended award made, standstill running or run out."""
    FINAL = "final"
    """Final award: the contracts exist."""


def check_intended_award(tender: Tender, status: TenderStatus, outcomes: Iterable[Outcome], on: date) -> None:
    """An intended award may be made once, after registration closed, with bids evaluated."""
    if status is not TenderStatus.OPEN:
        raise TenderError(f"tender {tender.code} is already awarded ({status.value}); an award is made once")
    closes = tender.registration.closes
    if closes is not None and on <= closes:
        raise TenderError(
            f"tender {tender.code}: registration runs until {closes}; award after it, not on {on}"
        )
    if not any(True for _ in outcomes):
        raise TenderError(f"tender {tender.code} has no bids to award")


def check_final_award(tender: Tender, status: TenderStatus, intended: date | None, on: date) -> None:
    """A final award follows an intended award once its standstill has run out."""
    if status is TenderStatus.FINAL:
        raise TenderError(f"tender {tender.code} is already final; its contracts exist")
    if status is not TenderStatus.AWARDED or intended is None:
        raise TenderError(f"tender {tender.code} has no intended award yet (run tenders award first)")
    if not tender.may_finalize(intended, on):
        raise TenderError(
            f"tender {tender.code}: the standstill runs until {tender.standstill_until(intended)}; "
            f"finalize after it, not on {on}"
        )


@dataclass(frozen=True, slots=True)
class ContractPlan:
    """A contract the final award creates: provider, lot, tariffs per product, ceiling."""

    provider_agb: str
    lot: TenderLot
    tariffs: Mapping[str, Money]
    ceiling: Money | None


def contract_plans(tender: Tender, outcomes: Iterable[Outcome], bids: Iterable[Bid]) -> list[ContractPlan]:
    """One plan per admitted bid: no tariffs of its own under policy uniform (the lot's fixed
    tariffs are the catalogue's, the same price for the same care: :func:`uniform_tariffs`) or
    the provider's bid prices (policy bid), and the lot's ceiling."""
    by_key = {(b.provider_agb, b.lot_code): b for b in bids}
    plans = []
    for o in outcomes:
        if not o.admitted:
            continue
        lot = tender.lot(o.lot_code)
        bid = by_key[o.provider_agb, o.lot_code]
        if tender.tariff_policy is TariffPolicy.UNIFORM:
            tariffs: dict[
                str, Money
            ] = {}  # the lot's tariffs hold in the catalogue, for every provider alike
        else:
            tariffs = {code: bid.prices[code] for code in lot.product_codes}
        plans.append(ContractPlan(o.provider_agb, lot, tariffs, lot.ceiling))
    return plans


def uniform_tariffs(tender: Tender) -> list[tuple[TenderLot, str, Money]]:
    """The catalogue tariffs a final award under policy uniform puts in force from the term's
    start: every lot product's fixed tariff (none under policy bid)."""
    if tender.tariff_policy is not TariffPolicy.UNIFORM:
        return []
    return [(lot, p.code, p.tariff) for lot in tender.lots for p in lot.products if p.tariff is not None]
