# SPDX-License-Identifier: EUPL-1.2
"""Use cases of a tender: create it from its definition file, take bids and scores, evaluate,
make the intended award, finalize it into contracts, and show what the admitted bids cover.

Each function opens the unit of work itself and commits once; a refused step raises
:class:`TenderRefused` with one line per problem and stores nothing. The rules live in
:mod:`zorginkoop.domain.procurement`; here the store's facts are added (known products,
municipalities and providers; the region's current offer).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from zorginkoop.adapters.db.tenders import StoredTender
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import TargetGroup
from zorginkoop.domain.contracts import (
    ContractSpec,
    FrameworkAgreement,
    FrameworkSpec,
    LotSpec,
    ProcurementProcedure,
    contracted_for_law,
)
from zorginkoop.domain.money import Money
from zorginkoop.domain.monitoring import CoverageCell
from zorginkoop.domain.periods import Period, add_months
from zorginkoop.domain.procurement.award import (
    TenderStatus,
    check_final_award,
    check_intended_award,
    contract_plans,
    uniform_tariffs,
)
from zorginkoop.domain.procurement.coverage import additions, bids_coverage
from zorginkoop.domain.procurement.evaluation import Bid, Outcome, check_bid, check_score, evaluate
from zorginkoop.domain.procurement.files import TenderFileError, read_bids, read_scores, read_tender
from zorginkoop.domain.procurement.model import (
    ContractCondition,
    Procedure,
    RequirementKind,
    Tender,
    TenderError,
    TenderLot,
)
from zorginkoop.services import contracts


class TenderRefused(ValueError):
    """A tender step refused; ``problems`` holds one line each. Nothing was stored."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except TenderFileError as exc:
        raise TenderRefused(exc.problems) from None
    except TenderError as exc:
        raise TenderRefused([str(exc)]) from None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _stored(uow: UnitOfWork, code: str) -> StoredTender:
    found = uow.tenders.get(code)
    if found is None:
        known = uow.tenders.codes()
        raise TenderRefused([f"no tender {code!r}" + (f"; tenders: {', '.join(known)}" if known else "")])
    return found


# -- create ----------------------------------------------------------------------------------------


def create_tender(uow: UnitOfWork, text: str, name: str = "tender", now: datetime | None = None) -> Tender:
    """Store the tender defined by ``text`` (TOML). Refused when the file breaks a rule, the code
    is taken, or it names a product or municipality the region does not know."""
    with _refusals():
        tender = read_tender(text, name)
    with uow:
        problems: list[str] = []
        if uow.tenders.exists(tender.code):
            problems.append(f"tender {tender.code} exists already; give the new one another code")
        for lot in tender.lots:
            known = {p.code for p in uow.catalogue.products(lot.law)}
            problems += [
                f"lot {lot.code}: no {lot.law.value} product {p!r} in the catalogue"
                for p in lot.product_codes
                if p not in known
            ]
        municipalities = uow.region.municipality_names()
        for r in tender.requirements:
            if r.kind is RequirementKind.MUNICIPALITIES:
                problems += [
                    f"requirement {r.code}: no municipality {m!r} in the region; known: "
                    + ", ".join(f"{c} ({n})" for c, n in sorted(municipalities.items()))
                    for m in r.accepted
                    if m not in municipalities
                ]
        if problems:
            raise TenderRefused(problems)
        uow.tenders.add(tender, now or _now())
        uow.commit()
    return tender


# -- read ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TenderSummary:
    tender: Tender
    status: TenderStatus
    bids: int
    intended_award_on: date | None
    final_award_on: date | None
    framework_code: str | None


def list_tenders(uow: UnitOfWork) -> list[TenderSummary]:
    with uow:
        result = []
        for code in uow.tenders.codes():
            stored = _stored(uow, code)
            result.append(_summary(uow, stored))
    return result


def _summary(uow: UnitOfWork, stored: StoredTender) -> TenderSummary:
    return TenderSummary(
        stored.tender,
        stored.status,
        len(uow.tenders.bids(stored.tender.code)),
        stored.intended_award_on,
        stored.final_award_on,
        stored.framework_code,
    )


def show_tender(uow: UnitOfWork, code: str) -> TenderSummary:
    with uow:
        return _summary(uow, _stored(uow, code))


# -- bids and scores -------------------------------------------------------------------------------


def submit_bid(
    uow: UnitOfWork, code: str, provider_agb: str, text: str, *, on: date, name: str = "bid"
) -> list[Bid]:
    """Store a provider's bids (one per lot in the file), replacing its earlier bid on a lot.
    Refused outside the registration period, for a lot the tender lacks, after the award, for a
    provider or municipality the region does not know."""
    with _refusals():
        bids = read_bids(text, provider_agb, on, name)
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        problems: list[str] = []
        if stored.status is not TenderStatus.OPEN:
            problems.append(f"tender {code} is {stored.status.value}: it takes no more bids")
        if uow.providers.get(provider_agb) is None:
            problems.append(f"--provider: no provider with AGB code {provider_agb!r} in the region")
        municipalities = uow.region.municipality_names()
        for bid in bids:
            try:
                check_bid(tender, bid, on)
            except TenderError as exc:
                problems.append(str(exc))
            unknown = sorted(m for m in bid.municipalities if m not in municipalities)
            if unknown:
                problems.append(f"lot {bid.lot_code}: no municipality {unknown[0]!r} in the region")
        if problems:
            raise TenderRefused(list(dict.fromkeys(problems)))
        for bid in bids:
            uow.tenders.replace_bid(code, bid)
        uow.commit()
    return bids


def record_scores(
    uow: UnitOfWork, code: str, assessor: str, text: str, *, now: datetime | None = None, name: str = "scores"
) -> int:
    """Store one assessor's scores; refused for a score outside the scale, an unknown bid or
    criterion, or after the intended award. Returns how many were stored."""
    if not assessor.strip():
        raise TenderRefused(["--assessor: give the assessor's name"])
    with _refusals():
        scores = read_scores(text, assessor.strip(), now or _now(), name)
    with uow:
        stored = _stored(uow, code)
        if stored.status is not TenderStatus.OPEN:
            raise TenderRefused([f"tender {code} is {stored.status.value}: its scores are fixed"])
        bids = uow.tenders.bids(code)
        problems = []
        for score in scores:
            try:
                check_score(stored.tender, score, bids)
            except TenderError as exc:
                problems.append(str(exc))
        if problems:
            raise TenderRefused(problems)
        uow.tenders.add_scores(code, scores)
        uow.commit()
    return len(scores)


# -- evaluation and award --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutcomeLine:
    """One bid's outcome with the provider's name and, after the final award, its contract."""

    outcome: Outcome
    provider_name: str
    contract_number: str | None = None

    @property
    def score(self) -> Decimal | None:
        return self.outcome.shown_score


@dataclass(frozen=True, slots=True)
class Evaluation:
    tender: Tender
    status: TenderStatus
    lines: tuple[OutcomeLine, ...]
    fixed: bool
    """True once the intended award fixed the outcomes (then they are read, not computed)."""


def evaluation(uow: UnitOfWork, code: str) -> Evaluation:
    """Every bid's outcome with its reason: computed from bids and scores while the tender is
    open, as the intended award fixed it afterwards."""
    with uow:
        stored = _stored(uow, code)
        names = uow.providers.names()
        if stored.status is TenderStatus.OPEN:
            outcomes = evaluate(stored.tender, uow.tenders.bids(code), uow.tenders.scores(code))
            lines = tuple(OutcomeLine(o, names.get(o.provider_agb, "")) for o in outcomes)
        else:
            lines = tuple(
                OutcomeLine(s.outcome, names.get(s.outcome.provider_agb, ""), s.contract_number)
                for s in uow.tenders.outcomes(code)
            )
    return Evaluation(stored.tender, stored.status, lines, stored.status is not TenderStatus.OPEN)


@dataclass(frozen=True, slots=True)
class IntendedAward:
    tender: Tender
    on: date
    standstill_until: date | None
    lines: tuple[OutcomeLine, ...]


def award(uow: UnitOfWork, code: str, on: date) -> IntendedAward:
    """The intended award (gunningsvoornemen) on ``on``: fixes the evaluation; the standstill
    starts. Refused a second time, before registration closed, or without bids."""
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        outcomes = evaluate(tender, uow.tenders.bids(code), uow.tenders.scores(code))
        with _refusals():
            check_intended_award(tender, stored.status, outcomes, on)
        uow.tenders.record_intended_award(code, on, outcomes)
        names = uow.providers.names()
        uow.commit()
    lines = tuple(OutcomeLine(o, names.get(o.provider_agb, "")) for o in outcomes)
    return IntendedAward(tender, on, tender.standstill_until(on), lines)


@dataclass(frozen=True, slots=True)
class FinalAward:
    tender: Tender
    on: date
    framework_code: str
    contracts: tuple[str, ...]


_PROCEDURES = {
    Procedure.SAS: ProcurementProcedure.SAS,
    Procedure.CLASSIC: ProcurementProcedure.TENDER,
    Procedure.BESTUURLIJK: ProcurementProcedure.BESTUURLIJK,
    # the contract register has no admission procedure of its own (yet): an open house is a tender
    Procedure.OPEN_HOUSE: ProcurementProcedure.TENDER,
}


def finalize(uow: UnitOfWork, code: str, on: date) -> FinalAward:
    """The final award on ``on``, after the standstill: the framework agreement (code = the
    tender's code) with the tender's lots and term, and per admitted bid a contract with the
    lot's ceiling, written through the contract services (:mod:`zorginkoop.services.contracts`).
    Tariffs: under policy uniform one price for every admitted provider: the catalogue's when it
    is the tariff in force on the term's start, put in the catalogue from that day when there is
    none, and each contract's own when the catalogue holds another; under policy bid each
    provider's prices become its own tariffs. TR418 holds declarations against own tariffs.

    Every rule is checked here before anything is written; the framework (and any catalogue
    tariff) is written first, then every contract of the award in one transaction (all or
    none); a finalize cut off in between is run again and picks up what exists."""
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        with _refusals():
            check_final_award(tender, stored.status, stored.intended_award_on, on)
        outcomes = [s.outcome for s in uow.tenders.outcomes(code)]
        plans = contract_plans(tender, outcomes, uow.tenders.bids(code))
        existing = uow.contracts.framework(tender.code)
        problems = []
        if not plans:
            problems.append(f"tender {code}: no bid was admitted, so there is nothing to contract")
        if existing is not None and not _same_framework(existing, tender):
            problems.append(f"a framework agreement {tender.code} exists already and is not this tender's")
        for plan in plans:
            provider = uow.providers.get(plan.provider_agb)
            if provider is None or plan.lot.law not in provider.laws:
                problems.append(
                    f"provider {plan.provider_agb} does not work under the {plan.lot.law.value}: "
                    "no contract can be made (record the law with the provider first)"
                )
        start = tender.term.start
        catalogue = {(law, t.product_code): t for law in {lot.law for lot in tender.lots}
                     for t in uow.catalogue.tariffs(law) if t.valid.contains(start)}  # fmt: skip
        # policy uniform, the same price for the same care: a lot's fixed tariff is the catalogue's
        # when that is the tariff in force on the term's start (its later indexation holds too);
        # where the catalogue has none it becomes the catalogue's from that day; where the
        # catalogue has another (another agreement's price), it is every admitted provider's own
        to_add: list[tuple[TenderLot, str, Money]] = []
        own: dict[str, dict[str, Money]] = {}
        for lot, product, amount in uniform_tariffs(tender):
            current = catalogue.get((lot.law, product))
            if current is None:
                to_add.append((lot, product, amount))
            elif current.amount != amount:
                own.setdefault(lot.code, {})[product] = amount
        # a provider has one own price per product at a time: an earlier contract's own price over
        # the same days (another tender's bid price) is refused here, before anything is written
        numbers = {c.number for c in uow.contracts.contracts()}
        term = _first_term(tender)
        for plan in plans:
            if f"{tender.code}-{plan.lot.code}-{plan.provider_agb}" in numbers:
                continue
            for product in sorted({**own.get(plan.lot.code, {}), **plan.tariffs}):
                pid = uow.catalogue.product_id(plan.lot.law, product)
                for _row, other in uow.catalogue.tariff_rows(pid, plan.provider_agb) if pid is not None else []:
                    replaced = other.valid.end is None and other.valid.start < term.start
                    if other.valid.overlaps(term) and not replaced:
                        problems.append(
                            f"provider {plan.provider_agb} has its own price for {product} from "
                            f"{other.valid.start.isoformat()} ({other.note or 'an earlier contract'}): one own "
                            "price per product at a time; end that contract's price first"
                        )
        if problems:
            raise TenderRefused(list(dict.fromkeys(problems)))
    for lot, product, amount in to_add:
        contracts.add_tariff(uow, lot.law, product, amount, start)
    if existing is None:
        contracts.create_framework(uow, _framework_spec(tender))
    made: dict[tuple[str, str], str] = {}
    to_make = []
    for plan in plans:
        number = f"{tender.code}-{plan.lot.code}-{plan.provider_agb}"
        made[plan.lot.code, plan.provider_agb] = number
        if number not in numbers:
            to_make.append(ContractSpec(
                provider_agb=plan.provider_agb, framework_code=tender.code, lot_code=plan.lot.code,
                tariffs=tuple(sorted({**own.get(plan.lot.code, {}), **plan.tariffs}.items())),
                ceiling=plan.ceiling, number=number,
            ))  # fmt: skip
    contracts.create_contracts(uow, to_make)  # every contract of the award, or none
    with uow:
        uow.tenders.record_final_award(code, on, tender.code, made)
        uow.commit()
    return FinalAward(tender, on, tender.code, tuple(made.values()))


def _first_term(tender: Tender) -> Period:
    """The days of the contracts' first term (open when the term is indefinite)."""
    start = tender.term.start
    if tender.term.years is None:
        return Period(start, None)
    return Period(start, add_months(start, 12 * tender.term.years) - timedelta(days=1))


def _framework_spec(tender: Tender) -> FrameworkSpec:
    return FrameworkSpec(
        code=tender.code,
        name=tender.name,
        procedure=_PROCEDURES[tender.procedure],
        start=tender.term.start,
        initial_years=tender.term.years,
        lots=tuple(LotSpec(lot.code, lot.name, lot.law, lot.product_codes) for lot in tender.lots),
        extensions=tender.term.extensions,
        notice_months=tender.term.notice_months,
    )


def _same_framework(framework: FrameworkAgreement, tender: Tender) -> bool:
    return framework.term.start == tender.term.start and {lot.code for lot in framework.lots} == {
        lot.code for lot in tender.lots
    }


# -- contract conditions during the term -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionCheck:
    """One contract of the tender against one of its conditions in a year."""

    contract_number: str
    provider_agb: str
    provider_name: str
    lot_code: str
    condition: ContractCondition
    active_clients: int
    breached: bool


def check_conditions(uow: UnitOfWork, code: str, year: int) -> list[ConditionCheck]:
    """The tender's contract conditions against ``year``, per contract the final award made.
    Active clients are the distinct clients with approved declaration lines of the provider
    under the lot's law in the year (as ``report providers`` counts them)."""
    with uow:
        stored = _stored(uow, code)
        if stored.status is not TenderStatus.FINAL:
            raise TenderRefused([f"tender {code} has no contracts yet ({stored.status.value})"])
        tender = stored.tender
        laws = {lot.law for lot in tender.lots}
        clients = {
            law: {
                r.key: r.clients
                for r in uow.reports.cost_by_provider(date(year, 1, 1), date(year, 12, 31), law)
            }
            for law in laws
        }
        names = uow.providers.names()
        outcomes = [s for s in uow.tenders.outcomes(code) if s.contract_number is not None]
    checks = []
    for s in outcomes:
        law = tender.lot(s.outcome.lot_code).law
        active = clients[law].get(s.outcome.provider_agb, 0)
        for condition in tender.conditions:
            checks.append(
                ConditionCheck(
                    s.contract_number or "",
                    s.outcome.provider_agb,
                    names.get(s.outcome.provider_agb, ""),
                    s.outcome.lot_code,
                    condition,
                    active,
                    condition.breached(active),
                )
            )
    return checks


# -- coverage --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageRow:
    municipality_code: str
    municipality: str
    target_group: TargetGroup
    providers: tuple[str, ...]
    """AGB codes of the admitted bids covering the cell."""
    gap: bool


@dataclass(frozen=True, slots=True)
class NewcomerAddition:
    provider_agb: str
    provider_name: str
    lot_code: str
    cells: tuple[tuple[str, str], ...]
    """(municipality name, target group) the other admitted bids leave open and this bid fills;
    empty when it adds nothing."""


@dataclass(frozen=True, slots=True)
class TenderCoverage:
    tender: Tender
    day: date
    """The day the region's current offer is taken (the tender's publication or opening)."""
    rows: tuple[CoverageRow, ...]
    additions: tuple[NewcomerAddition, ...]

    @property
    def gaps(self) -> tuple[CoverageRow, ...]:
        return tuple(r for r in self.rows if r.gap)


def tender_coverage(uow: UnitOfWork, code: str, minimum: int = 1) -> TenderCoverage:
    """Per municipality and target group of the tender's law(s), whether the admitted bids
    (evaluated now, or as the intended award fixed them) cover it; a gap where fewer than
    ``minimum`` do. For each admitted bid of a provider new to the region (not contracted under
    the law on the tender's publication or opening day), the cells the other admitted bids leave
    open and it fills (seed 004: new providers only when they add something)."""
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        bids = uow.tenders.bids(code)
        if stored.status is TenderStatus.OPEN:
            admitted = {
                (o.provider_agb, o.lot_code)
                for o in evaluate(tender, bids, uow.tenders.scores(code))
                if o.admitted
            }
        else:
            admitted = {
                (s.outcome.provider_agb, s.outcome.lot_code)
                for s in uow.tenders.outcomes(code)
                if s.outcome.admitted
            }
        municipalities = uow.region.municipality_names()
        names = uow.providers.names()
        day = tender.published or tender.registration.opens
        contracts, frameworks = uow.contracts.contracts(), uow.contracts.frameworks()
        laws = list(dict.fromkeys(lot.law for lot in tender.lots))
        incumbents = {law: contracted_for_law(contracts, frameworks, law, day) for law in laws}
    rows: list[CoverageRow] = []
    found: list[NewcomerAddition] = []
    for law in laws:
        lot_codes = {lot.code for lot in tender.lots if lot.law is law}
        chosen = [b for b in bids if b.lot_code in lot_codes and (b.provider_agb, b.lot_code) in admitted]
        cells = bids_coverage(_merged(chosen), law, municipalities, minimum)
        rows += [_row(c, municipalities) for c in cells]
        merged = _merged(chosen)
        newcomers = {b.provider_agb for b in merged} - incumbents[law]
        for addition in additions(merged, newcomers, law, municipalities):
            lot = next(b.lot_code for b in chosen if b.provider_agb == addition.provider_agb)
            found.append(
                NewcomerAddition(
                    addition.provider_agb,
                    names.get(addition.provider_agb, ""),
                    lot,
                    tuple((municipalities.get(m, m), g.value) for m, g in addition.cells),
                )
            )
    rows.sort(key=lambda r: r.municipality.lower())
    return TenderCoverage(tender, day, tuple(rows), tuple(found))


def _merged(bids: list[Bid]) -> list[Bid]:
    """One bid per provider for coverage: a provider bidding on several lots of a law covers the
    union of what its bids declare."""
    by_agb: dict[str, Bid] = {}
    for bid in bids:
        first = by_agb.get(bid.provider_agb)
        by_agb[bid.provider_agb] = (
            bid
            if first is None
            else replace(
                first,
                municipalities=first.municipalities | bid.municipalities,
                target_groups=first.target_groups | bid.target_groups,
            )
        )
    return list(by_agb.values())


def _row(cell: CoverageCell, municipalities: dict[str, str]) -> CoverageRow:
    return CoverageRow(
        cell.municipality_code,
        municipalities.get(cell.municipality_code, cell.municipality_code),
        cell.target_group,
        cell.providers,
        cell.gap,
    )


def _money(value: Money | None) -> str:
    return "" if value is None else str(value)
