# SPDX-License-Identifier: EUPL-1.2
"""Use cases of a tender: create it from its definition file, take bids and scores, evaluate,
make the intended award, finalize it into contracts, and show what the admitted bids cover;
after the award, an additional round for a coverage gap and an open house's admission of a late
bid on its own.

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

from zorginkoop.adapters.db.tenders import StoredOutcome, StoredTender
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import TargetGroup
from zorginkoop.domain.contracts import (
    ContractError,
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
from zorginkoop.domain.procurement.rounds import (
    additional_round,
    admission_start,
    admitted_reason,
    check_admission,
    check_gap_bid,
    gap_cells,
    gap_filled,
    round_code,
    with_round_bids,
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
    rounds: tuple[str, ...] = ()
    """The additional rounds opened on this tender (its ``round_of`` names the parent)."""


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
        tuple(uow.tenders.rounds_of(stored.tender.code)),
    )


def show_tender(uow: UnitOfWork, code: str) -> TenderSummary:
    with uow:
        return _summary(uow, _stored(uow, code))


# -- bids and scores -------------------------------------------------------------------------------


def _admitted_in_family(uow: UnitOfWork, tender: Tender) -> dict[tuple[str, str], str]:
    """For an additional round: (lot, AGB) -> the tender (its parent, or another round of it)
    that admitted the provider to the lot already; empty for any other tender."""
    if tender.round_of is None:
        return {}
    found: dict[tuple[str, str], str] = {}
    for other in (tender.round_of, *uow.tenders.rounds_of(tender.round_of)):
        if other == tender.code:
            continue
        for s in uow.tenders.outcomes(other):
            if s.outcome.admitted:
                found.setdefault((s.outcome.lot_code, s.outcome.provider_agb), other)
    return found


def submit_bid(
    uow: UnitOfWork, code: str, provider_agb: str, text: str, *, on: date, name: str = "bid"
) -> list[Bid]:
    """Store a provider's bids (one per lot in the file), replacing its earlier bid on a lot.
    Refused outside the registration period, for a lot the tender lacks, after the award (an
    open house takes bids during its whole registration period, but never replaces a bid it
    decided), for a provider or municipality the region does not know; in an additional round
    also for a bid that serves no gap cell, or of a provider admitted to the lot already."""
    with _refusals():
        bids = read_bids(text, provider_agb, on, name)
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        problems: list[str] = []
        # an open house admits during its whole registration period, also after its award
        continuous = tender.procedure is Procedure.OPEN_HOUSE
        if stored.status is not TenderStatus.OPEN and not continuous:
            problems.append(f"tender {code} is {stored.status.value}: it takes no more bids")
        if uow.providers.get(provider_agb) is None:
            problems.append(f"--provider: no provider with AGB code {provider_agb!r} in the region")
        municipalities = uow.region.municipality_names()
        decided = {(s.outcome.lot_code, s.outcome.provider_agb): s for s in uow.tenders.outcomes(code)}
        admitted_elsewhere = _admitted_in_family(uow, tender)
        for bid in bids:
            try:
                check_bid(tender, bid, on)
                check_gap_bid(tender, bid)
            except TenderError as exc:
                problems.append(str(exc))
            if continuous and (bid.lot_code, provider_agb) in decided:
                found = decided[bid.lot_code, provider_agb]
                problems.append(
                    f"tender {code}: the bid of {provider_agb} on lot {bid.lot_code} was decided already "
                    f"({'admitted' if found.outcome.admitted else 'not admitted'}); it cannot be replaced"
                )
            elsewhere = admitted_elsewhere.get((bid.lot_code, provider_agb))
            if elsewhere is not None:
                problems.append(
                    f"provider {provider_agb} is admitted to lot {bid.lot_code} in tender {elsewhere} already; "
                    "an additional round is for providers that are not"
                )
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
    decided_on: date | None = None
    """An open house's admission of the bid on its own, after the final award."""
    pending: bool = False
    """An open house's late bid, evaluated but not decided yet (``tenders admit``)."""

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
            stored_outcomes = uow.tenders.outcomes(code)
            lines = tuple(
                OutcomeLine(s.outcome, names.get(s.outcome.provider_agb, ""), s.contract_number, s.decided_on)
                for s in stored_outcomes
            )
            lines += tuple(
                OutcomeLine(o, names.get(o.provider_agb, ""), pending=True)
                for o in _pending(stored, uow.tenders.bids(code), stored_outcomes)
            )
    return Evaluation(stored.tender, stored.status, lines, stored.status is not TenderStatus.OPEN)


def _pending(stored: StoredTender, bids: list[Bid], decided: list[StoredOutcome]) -> list[Outcome]:
    """An open house's bids that came in after its intended award, evaluated on their own and
    not decided yet (``tenders admit`` decides them)."""
    if stored.tender.procedure is not Procedure.OPEN_HOUSE or stored.status is TenderStatus.OPEN:
        return []
    done = {(s.outcome.lot_code, s.outcome.provider_agb) for s in decided}
    late = [b for b in bids if (b.lot_code, b.provider_agb) not in done]
    return evaluate(stored.tender, late, [])


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

    The whole award (catalogue tariffs, framework, contracts, the tender's outcome) is one
    transaction, all or none, checked under a lock on the tender: a second finalize of the same
    tender at the same moment waits for the first and is then refused as already final (nothing
    is made twice). A framework or contract that exists already (made by hand, or by a run of
    an earlier version cut off in between) is picked up, not made again."""
    with uow:
        _serialise_tender(uow, code)
        stored = _stored(uow, code)
        tender = stored.tender
        # the lots' products' tariffs, read and written here, under their locks (after the tender's)
        contracts.serialise_tariffs(uow, {(lot.law, p) for lot in tender.lots for p in lot.product_codes})
        with _refusals():
            check_final_award(tender, stored.status, stored.intended_award_on, on)
        outcomes = [s.outcome for s in uow.tenders.outcomes(code)]
        plans = contract_plans(tender, outcomes, uow.tenders.bids(code))
        framework_code, contract_start = _framework_of(uow, tender), None
        existing = uow.contracts.framework(framework_code)
        problems = []
        if not plans:
            problems.append(f"tender {code}: no bid was admitted, so there is nothing to contract")
        if tender.round_of is not None:
            # an additional round's contracts join its parent's agreement from the final award on
            contract_start = admission_start(tender, on)
            if existing is None:
                problems.append(
                    f"tender {code} is an additional round of {tender.round_of}, which has no framework "
                    f"agreement yet: finalize {tender.round_of} first"
                )
        if existing is not None and not _same_framework(existing, tender):
            problems.append(f"a framework agreement {framework_code} exists already and is not this tender's")
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
                for _row, other in (
                    uow.catalogue.tariff_rows(pid, plan.provider_agb) if pid is not None else []
                ):
                    replaced = other.valid.end is None and other.valid.start < term.start
                    if other.valid.overlaps(term) and not replaced:
                        problems.append(
                            f"provider {plan.provider_agb} has its own price for {product} from "
                            f"{other.valid.start.isoformat()} ({other.note or 'an earlier contract'}): one own "
                            "price per product at a time; end that contract's price first"
                        )
        if problems:
            raise TenderRefused(list(dict.fromkeys(problems)))
        made: dict[tuple[str, str], str] = {}
        to_make = []
        for plan in plans:
            number = f"{tender.code}-{plan.lot.code}-{plan.provider_agb}"
            made[plan.lot.code, plan.provider_agb] = number
            if number not in numbers:
                to_make.append(ContractSpec(
                    provider_agb=plan.provider_agb, framework_code=framework_code, lot_code=plan.lot.code,
                    start=contract_start,
                    tariffs=tuple(sorted({**own.get(plan.lot.code, {}), **plan.tariffs}.items())),
                    ceiling=plan.ceiling, number=number,
                ))  # fmt: skip
        with _contract_rules():
            for lot, product, amount in to_add:
                contracts.write_tariff(uow, lot.law, product, amount, start)
            if existing is None:
                contracts.write_framework(uow, _framework_spec(tender))
            contracts.write_contracts(uow, to_make)
        uow.tenders.record_final_award(code, on, framework_code, made)
        uow.commit()
    return FinalAward(tender, on, framework_code, tuple(made.values()))


def _serialise_tender(uow: UnitOfWork, code: str) -> None:
    """Hold the tender's lock until the transaction ends, before its state is read: a final
    award, an admission or an additional round is decided by one process at a time, and the
    next one checks against what the first one stored (PostgreSQL: an advisory lock on the
    tender; SQLite: the write lock)."""
    uow.serialise([f"tender:{code}"])


@contextmanager
def _contract_rules() -> Iterator[None]:
    """A contract or catalogue rule broken while the award is written: refused, nothing stored."""
    try:
        yield
    except (ContractError, contracts.CatalogueError) as exc:
        raise TenderRefused([str(exc)]) from None


def _framework_of(uow: UnitOfWork, tender: Tender) -> str:
    """The framework agreement a tender's contracts go under: its own (code = the tender's), or
    for an additional round its parent's."""
    if tender.round_of is None:
        return tender.code
    parent = _stored(uow, tender.round_of)
    return parent.framework_code or parent.tender.code


# -- after the award: an additional round for a gap; an open house's admission ---------------------


@dataclass(frozen=True, slots=True)
class RoundOpened:
    tender: Tender
    gap: tuple[CoverageRow, ...]
    """The gap cells the round is for, with the municipality's name."""


def open_additional_round(
    uow: UnitOfWork,
    parent_code: str,
    *,
    opens: date,
    closes: date,
    code: str | None = None,
    minimum: int = 1,
    now: datetime | None = None,
) -> RoundOpened:
    """An additional round of ``parent_code`` for the gap its admitted bids (and its earlier
    rounds' admitted bids) leave, registration ``opens`` .. ``closes``; a cell with fewer than
    ``minimum`` providers is a gap. Refused before the
    parent's evaluation is fixed (its intended award), while another round of it is still open,
    when there is no gap, for a round of a round or an open house, or when ``code`` is taken.
    Checked and stored under the parent's lock: a second round opened at the same moment waits
    and is then refused while the first is open."""
    found = tender_coverage(uow, parent_code, minimum)
    with uow:
        _serialise_tender(uow, parent_code)
        stored = _stored(uow, parent_code)
        parent = stored.tender
        if stored.status is TenderStatus.OPEN and parent.round_of is None:
            raise TenderRefused([
                f"tender {parent_code} is not evaluated yet: its gaps are known once the intended award "
                "fixed the evaluation (tenders award)"
            ])  # fmt: skip
        siblings = uow.tenders.rounds_of(parent_code)
        still_open = [r for r in siblings if _stored(uow, r).status is TenderStatus.OPEN]
        if still_open:
            raise TenderRefused([
                f"the additional round {still_open[0]} of {parent_code} is still open; award it before "
                "opening another"
            ])  # fmt: skip
        with _refusals():
            the_code = code or round_code(parent_code, uow.tenders.codes())
            tender = additional_round(parent, the_code, gap_cells(_cells(found)), opens, closes)
        if uow.tenders.exists(tender.code):
            raise TenderRefused([f"tender {tender.code} exists already; give the round another --code"])
        uow.tenders.add(tender, now or _now())
        uow.commit()
    return RoundOpened(tender, found.gaps)


def _cells(found: TenderCoverage) -> list[CoverageCell]:
    return [CoverageCell(r.municipality_code, r.target_group, r.providers, r.minimum) for r in found.rows]


@dataclass(frozen=True, slots=True)
class Admission:
    tender: Tender
    on: date
    lines: tuple[OutcomeLine, ...]
    """One per lot the provider bid on: admitted with its contract, or not with the reason."""


def admit(uow: UnitOfWork, code: str, provider_agb: str, on: date) -> Admission:
    """An open house's admission of one provider's bid(s) after its final award, on ``on``: each
    bid is evaluated on its own; one that meets every requirement gets its contract under the
    existing framework agreement from ``on`` (or the term's start when later), the contracts
    made already untouched. Refused for another procedure, before the final award, without a
    bid of the provider, outside the registration period, and a second time (a bid is decided
    once). A bid that fails a requirement is refused with the reason and nothing is stored: the
    provider may send a corrected bid.

    One transaction under the tender's lock (as :func:`finalize`): a second admission of the same
    bid at the same moment waits and is then refused as decided already."""
    with uow:
        _serialise_tender(uow, code)
        stored = _stored(uow, code)
        tender = stored.tender
        decided = {(s.outcome.lot_code, s.outcome.provider_agb): s for s in uow.tenders.outcomes(code)}
        bids = [b for b in uow.tenders.bids(code) if b.provider_agb == provider_agb]
        problems: list[str] = []
        if not bids:
            problems.append(f"tender {code} has no bid of {provider_agb!r}")
        for bid in bids:
            before = decided.get((bid.lot_code, provider_agb))
            try:
                check_admission(
                    tender, on, final=stored.status is TenderStatus.FINAL,
                    admitted_before=(before.decided_on or stored.intended_award_on) if before else None,
                )  # fmt: skip
            except TenderError as exc:
                problems.append(str(exc))
            if bid.submitted > on:
                problems.append(
                    f"the bid of {provider_agb} came in on {bid.submitted}: admit it from then on"
                )
        if problems:
            raise TenderRefused(list(dict.fromkeys(problems)))
        outcomes = evaluate(tender, bids, [])
        refused = [o for o in outcomes if not o.admitted]
        if refused:
            raise TenderRefused([f"lot {o.lot_code}: not admitted: {o.reason}" for o in refused])
        framework_code = stored.framework_code or tender.code
        numbers = {c.number for c in uow.contracts.contracts()}
        plans = contract_plans(tender, outcomes, bids)
        names = uow.providers.names()
        specs = [
            ContractSpec(
                provider_agb=p.provider_agb, framework_code=framework_code, lot_code=p.lot.code,
                start=admission_start(tender, on), tariffs=tuple(sorted(p.tariffs.items())), ceiling=p.ceiling,
                number=f"{tender.code}-{p.lot.code}-{p.provider_agb}",
            )
            for p in plans
        ]  # fmt: skip
        with _contract_rules():  # every contract of the admission with its record, or none
            contracts.write_contracts(uow, [c for c in specs if c.number not in numbers])
        for o, spec in zip(outcomes, specs, strict=True):
            uow.tenders.record_admission(code, replace(o, reason=admitted_reason(on)), on, spec.number)
        uow.commit()
    lines = tuple(
        OutcomeLine(replace(o, reason=admitted_reason(on)), names.get(provider_agb, ""), spec.number, on)
        for o, spec in zip(outcomes, specs, strict=True)
    )
    return Admission(tender, on, lines)


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
    minimum: int = 1


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
    ``minimum`` do. The admitted bids of the tender's additional rounds count in the gap cells
    they fill. For an additional round itself: its gap cells only, with its own admitted bids.
    For each admitted bid of a provider new to the region (not contracted under the law on the
    tender's publication or opening day), the cells the other admitted bids leave open and it
    fills (seed 004: new providers only when they add something)."""
    with uow:
        stored = _stored(uow, code)
        tender = stored.tender
        bids = uow.tenders.bids(code)
        admitted = _admitted(uow, stored, bids)
        rounds: list[tuple[Bid, frozenset[tuple[str, TargetGroup]]]] = []
        for r in uow.tenders.rounds_of(code):
            found = _stored(uow, r)
            if found.status is TenderStatus.OPEN:
                continue  # a round counts once its evaluation is fixed, as the parent's does
            fixed = _admitted(uow, found, uow.tenders.bids(r))
            rounds += [
                (b, found.tender.gap) for b in uow.tenders.bids(r) if (b.provider_agb, b.lot_code) in fixed
            ]
        municipalities = uow.region.municipality_names()
        names = uow.providers.names()
        day = tender.published or tender.registration.opens
        contracts, frameworks = uow.contracts.contracts(), uow.contracts.frameworks()
        laws = list(dict.fromkeys(lot.law for lot in tender.lots))
        incumbents = {law: contracted_for_law(contracts, frameworks, law, day) for law in laws}
    rows: list[CoverageRow] = []
    found_additions: list[NewcomerAddition] = []
    for law in laws:
        lot_codes = {lot.code for lot in tender.lots if lot.law is law}
        chosen = [b for b in bids if b.lot_code in lot_codes and (b.provider_agb, b.lot_code) in admitted]
        merged = _merged(chosen)
        if tender.round_of is not None:
            # a round's bids count in its gap cells only
            cells = with_round_bids(
                bids_coverage([], law, municipalities, minimum), [(b, tender.gap) for b in merged]
            )
            cells = [c for c in cells if (c.municipality_code, c.target_group) in tender.gap]
        else:
            cells = with_round_bids(
                bids_coverage(merged, law, municipalities, minimum),
                [(b, gap) for b, gap in rounds if b.lot_code in lot_codes],
            )
        rows += [_row(c, municipalities) for c in cells]
        newcomers = {b.provider_agb for b in merged} - incumbents[law]
        if tender.round_of is not None:
            additions_found = [(b.provider_agb, tuple(sorted(gap_filled(tender, b)))) for b in merged
                               if b.provider_agb in newcomers]  # fmt: skip
        else:
            additions_found = [
                (a.provider_agb, a.cells) for a in additions(merged, newcomers, law, municipalities)
            ]
        for agb, filled in additions_found:
            lot = next(b.lot_code for b in chosen if b.provider_agb == agb)
            found_additions.append(
                NewcomerAddition(
                    agb,
                    names.get(agb, ""),
                    lot,
                    tuple((municipalities.get(m, m), g.value) for m, g in filled),
                )
            )
    rows.sort(key=lambda r: r.municipality.lower())
    return TenderCoverage(tender, day, tuple(rows), tuple(found_additions))


def bid_additions(uow: UnitOfWork, code: str, provider_agb: str, minimum: int = 1) -> list[NewcomerAddition]:
    """What the bid(s) of ``provider_agb`` add to coverage when it is new to the region (not
    contracted under the lot's law on the tender's publication or opening day), whether or not
    it is admitted yet: per lot, the cells it declares that the other admitted bids leave open
    (in an additional round: the gap cells it serves). Empty for a provider the region has."""
    found = tender_coverage(uow, code, minimum)
    with uow:
        tender = found.tender
        contracts, frameworks = uow.contracts.contracts(), uow.contracts.frameworks()
        bids = [b for b in uow.tenders.bids(code) if b.provider_agb == provider_agb]
        names = uow.providers.names()
    open_without = {
        (r.municipality_code, r.target_group): r.municipality
        for r in found.rows
        if len(set(r.providers) - {provider_agb}) < r.minimum
    }
    result = []
    for bid in bids:
        law = tender.lot(bid.lot_code).law
        if provider_agb in contracted_for_law(contracts, frameworks, law, found.day):
            continue
        filled = sorted(
            (open_without[m, g], g.value) for m in bid.municipalities for g in bid.target_groups
            if (m, g) in open_without
        )  # fmt: skip
        result.append(
            NewcomerAddition(provider_agb, names.get(provider_agb, ""), bid.lot_code, tuple(filled))
        )
    return result


def _admitted(uow: UnitOfWork, stored: StoredTender, bids: list[Bid]) -> set[tuple[str, str]]:
    """(AGB, lot) of the admitted bids: evaluated now while the tender is open, as the intended
    award (and an open house's later admissions) fixed them afterwards."""
    if stored.status is TenderStatus.OPEN:
        outcomes = evaluate(stored.tender, bids, uow.tenders.scores(stored.tender.code))
        return {(o.provider_agb, o.lot_code) for o in outcomes if o.admitted}
    return {
        (s.outcome.provider_agb, s.outcome.lot_code)
        for s in uow.tenders.outcomes(stored.tender.code)
        if s.outcome.admitted
    }


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
        cell.minimum,
    )


def _money(value: Money | None) -> str:
    return "" if value is None else str(value)
