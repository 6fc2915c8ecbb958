# SPDX-License-Identifier: EUPL-1.2
"""A stored tender as open contracting data (OCDS 1.1.5): the store's facts gathered into a
:class:`~zorginkoop.domain.procurement.ocds.Publication`, written by the pure writer in
:mod:`zorginkoop.domain.procurement.ocds`.

What the store gives, and what each stage publishes:

- the tender: its definition (procedure, award method, lots with their products and fixed
  tariffs, criteria with weights and minimum scores, the registration period, the contract term
  with its extension options) and every provider that bid, as a tenderer;
- the award: one award per admitted bid, ``pending`` from the intended award on, ``active``
  from the final award on (dated that day);
- the contract: the contract each admitted bid became, its period as the store holds it now
  (an end recorded later shows), the products with this provider's tariffs (the lot's fixed
  tariffs, or its bid prices), a value where the contract has a yearly ceiling (the ceiling times
  the years of the initial term), and its status on the day of publication.

An additional round is a contracting process of its own that names its parent's (relatedProcesses,
relationship ``framework``): its contracts join the parent's framework agreement. An open house's
later admission is published as a release of its own (tags award and contract, dated the
admission day) holding every award and contract so far.

Never published: assessors, scores, the reasons a bid was refused, answers, and the name of a
provider that is a natural person (a free practitioner: AGB code only).
"""

from __future__ import annotations

from datetime import date

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.contracts import Contract as StoredContract
from zorginkoop.domain.procurement.award import TenderStatus
from zorginkoop.domain.procurement.model import ContractTerm, TariffPolicy, Tender
from zorginkoop.domain.procurement.ocds import (
    Award,
    AwardStatus,
    Buyer,
    Contract,
    ContractStatus,
    Criterion,
    Lot,
    Package,
    Product,
    Publication,
    PublicationError,
    Tenderer,
    release_packages,
)
from zorginkoop.domain.region import Provider
from zorginkoop.services.tenders import TenderRefused


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


def _term_ends(term: ContractTerm) -> tuple[date | None, date | None]:
    """Last day of the initial term and last day with every extension taken (None: indefinite)."""
    if term.years is None:
        return None, None
    end = date.fromordinal(_add_years(term.start, term.years).toordinal() - 1)
    latest = date.fromordinal(_add_years(term.start, term.years + sum(term.extensions)).toordinal() - 1)
    return end, latest


def publication(uow: UnitOfWork, code: str, today: date) -> Publication:
    """The publication of tender ``code`` as it stands on ``today`` (contract statuses)."""
    with uow:
        stored = uow.tenders.get(code)
        if stored is None:
            known = uow.tenders.codes()
            raise TenderRefused([f"no tender {code!r}" + (f"; tenders: {', '.join(known)}" if known else "")])
        region = uow.region.get()
        if region is None:
            raise TenderRefused(["the store has no region yet (zorginkoop region load, or zorginkoop demo)"])
        tender = stored.tender
        bids = uow.tenders.bids(code)
        outcomes = uow.tenders.outcomes(code) if stored.status is not TenderStatus.OPEN else []
        providers = {p.agb_code: p for p in uow.providers.all()}
        products = {
            (law, p.code): p for law in {lot.law for lot in tender.lots} for p in uow.catalogue.products(law)
        }
        contracts: dict[str, StoredContract] = {c.number: c for c in uow.contracts.contracts()}
        parent = uow.tenders.get(stored.tender.round_of) if stored.tender.round_of else None
    term_end, latest_end = _term_ends(tender.term)

    lots = tuple(
        Lot(
            lot.code,
            lot.name,
            tuple(
                Product(
                    p.code,
                    known.name if known else p.code,
                    known.unit.label if known else "",
                    p.tariff.cents if p.tariff else None,
                    # the expected units weigh bid prices; 1 is the definition's default, not an estimate
                    p.volume if p.volume > 1 else None,
                )
                for p in lot.products
                for known in [products.get((lot.law, p.code))]
            ),
            None,  # a tender definition carries no estimated value
            f"{lot.law.value}: {len(lot.products)} product(en)",
        )
        for lot in tender.lots
    )
    bidders = sorted({b.provider_agb for b in bids})
    tenderers = tuple(_tenderer(agb, providers.get(agb)) for agb in bidders)
    admitted = [s for s in outcomes if s.outcome.admitted]
    final = stored.status is TenderStatus.FINAL and stored.final_award_on is not None
    awards: list[Award] = []
    for s in admitted:
        day = s.decided_on or (stored.final_award_on if final else stored.intended_award_on)
        if day is None:
            continue
        status = AwardStatus.ACTIVE if final else AwardStatus.PENDING
        awards.append(Award(s.outcome.lot_code, s.outcome.provider_agb, status, day))
    bid_prices = {(b.lot_code, b.provider_agb): b.prices for b in bids}
    published_contracts: list[Contract] = []
    for s in admitted if final else []:
        number = s.contract_number
        found = contracts.get(number) if number else None
        signed = s.decided_on or stored.final_award_on
        if found is None or signed is None:
            continue
        lot_code, agb = s.outcome.lot_code, s.outcome.provider_agb
        if tender.tariff_policy is TariffPolicy.UNIFORM:
            tariffs = {p.code: p.tariff.cents for p in tender.lot(lot_code).products if p.tariff}
        else:
            tariffs = {c: m.cents for c, m in bid_prices.get((lot_code, agb), {}).items()}
        start, end = found.valid.start, found.valid.end
        max_end = latest_end if latest_end is not None and (end is None or latest_end >= end) else None
        value = found.ceiling.cents * tender.term.years if found.ceiling and tender.term.years else None
        published_contracts.append(
            Contract(
                lot_code,
                agb,
                ContractStatus.on(today, start, end),
                start,
                end,
                signed,
                tuple(
                    Product(p.code, p.name, p.unit, tariffs.get(p.code))
                    for p in next(x for x in lots if x.code == lot_code).products
                ),
                max_end,
                value,
            )
        )
    try:
        return Publication(
            buyer=Buyer(region.code, region.name),
            code=tender.code,
            title=tender.name,
            procedure=tender.procedure.value,
            award_method=tender.award_method.value,
            published=tender.published or tender.registration.opens,
            registration_opens=tender.registration.opens,
            registration_closes=tender.registration.closes,
            lots=lots,
            description=_description(tender),
            criteria=tuple(
                Criterion(c.code, c.name, c.kind.value, c.weight, c.minimum) for c in tender.criteria
            ),
            scale=(tender.scale.low, tender.scale.high),
            minimum_total=tender.minimum_total,
            contract_start=tender.term.start,
            contract_end=term_end,
            contract_max_end=latest_end,
            standstill_days=tender.standstill_days,
            tenderers=tenderers,
            awards=tuple(awards),
            contracts=tuple(published_contracts),
            framework=(parent.tender.code, parent.tender.name) if parent is not None else None,
        )
    except PublicationError as exc:
        raise TenderRefused([str(exc)]) from None


def _tenderer(agb: str, provider: Provider | None) -> Tenderer:
    if provider is None:  # a bid is only taken from a provider the region knows
        return Tenderer(agb, f"AGB {agb}")
    return Tenderer(agb, provider.name, natural_person=provider.free_practitioner)


def _description(tender: Tender) -> str:
    term = tender.term
    if term.years is None:
        length = "onbepaalde tijd / indefinite"
    else:
        options = " + ".join(str(y) for y in term.extensions)
        length = f"{term.years} jaar" + (f" + {options} (verlengingsopties)" if options else "")
    laws = ", ".join(sorted({lot.law.value for lot in tender.lots}))
    return f"{laws}; looptijd / term: {length} vanaf {term.start.isoformat()}"


def ocds_packages(
    uow: UnitOfWork, code: str, *, today: date, prefix: str, base_url: str = "https://example.invalid/ocds"
) -> tuple[Package, ...]:
    """A release package per stage tender ``code`` has reached (tender; award; contract)."""
    found = publication(uow, code, today)
    try:
        return release_packages(found, prefix=prefix, base_url=base_url)
    except PublicationError as exc:
        raise TenderRefused([str(exc)]) from None
