# SPDX-License-Identifier: EUPL-1.2
"""The tender store: tenders with their lots, questions and criteria; bids; scores; outcomes.

Tenders hold no personal data (bidders are organisations, assessors are staff named by the
region), so reads leave no processing-log entry. Repositories never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.award import TenderStatus
from zorginkoop.domain.procurement.evaluation import Bid, Outcome, Score
from zorginkoop.domain.procurement.model import (
    Answer,
    AwardMethod,
    ConditionKind,
    ContractCondition,
    ContractTerm,
    Criterion,
    CriterionKind,
    LotProduct,
    Procedure,
    RegistrationPeriod,
    Remark,
    Requirement,
    RequirementKind,
    Scale,
    TariffPolicy,
    Tender,
    TenderLot,
)

REMARK = "remark"
"""``tender_question.kind`` of a non-binding remark."""


@dataclass(frozen=True, slots=True)
class StoredTender:
    """A tender with where it stands."""

    tender: Tender
    status: TenderStatus
    created_at: datetime
    intended_award_on: date | None
    final_award_on: date | None
    framework_code: str | None


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    outcome: Outcome
    contract_number: str | None
    decided_on: date | None = None
    """An open house's admission of this bid on its own (after the final award); None for the
    outcomes the intended award fixed."""


def _csv(values: Iterable[str]) -> str:
    return ",".join(sorted(values))


def _split(text: str) -> list[str]:
    return [v for v in text.split(",") if v]


def _encode(answer: Answer) -> tuple[str, str]:
    if isinstance(answer, bool):
        return "bool", "true" if answer else "false"
    if isinstance(answer, int):
        return "int", str(answer)
    return "str", answer


def _decode(kind: str, value: str) -> Answer:
    if kind == "bool":
        return value == "true"
    if kind == "int":
        return int(value)
    return value


class TenderRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- tenders ---------------------------------------------------------------------------------
    def exists(self, code: str) -> bool:
        return self.session.get(t.TenderRow, code) is not None

    def add(self, tender: Tender, created_at: datetime) -> None:
        s = self.session
        s.add(
            t.TenderRow(
                code=tender.code,
                name=tender.name,
                procedure=tender.procedure.value,
                award_method=tender.award_method.value,
                tariff_policy=tender.tariff_policy.value,
                status=TenderStatus.OPEN.value,
                published=tender.published,
                registration_opens=tender.registration.opens,
                registration_closes=tender.registration.closes,
                term_start=tender.term.start,
                term_years=tender.term.years,
                term_extensions=",".join(str(y) for y in tender.term.extensions),
                notice_months=tender.term.notice_months,
                scale_low=tender.scale.low,
                scale_high=tender.scale.high,
                minimum_total=tender.minimum_total,
                standstill_days=tender.standstill_days,
                created_at=created_at,
                round_of=tender.round_of,
                gap_cells="\n".join(sorted(f"{m}:{g.value}" for m, g in tender.gap)),
            )
        )
        s.flush()
        for i, lot in enumerate(tender.lots):
            s.add(
                t.TenderLotRow(
                    tender_code=tender.code,
                    code=lot.code,
                    position=i,
                    name=lot.name,
                    law=lot.law.value,
                    ceiling_cents=lot.ceiling.cents if lot.ceiling else None,
                    places=lot.places,
                )
            )
        s.flush()
        for lot in tender.lots:
            for i, p in enumerate(lot.products):
                s.add(
                    t.TenderLotProductRow(
                        tender_code=tender.code,
                        lot_code=lot.code,
                        product_code=p.code,
                        position=i,
                        tariff_cents=p.tariff.cents if p.tariff else None,
                        volume=p.volume,
                    )
                )
        for i, r in enumerate(tender.requirements):
            s.add(
                t.TenderQuestionRow(
                    tender_code=tender.code,
                    code=r.code,
                    position=i,
                    kind=r.kind.value,
                    text=r.text,
                    minimum=r.minimum,
                    accepted="\n".join(r.accepted),
                )
            )
        for i, m in enumerate(tender.remarks, start=len(tender.requirements)):
            s.add(
                t.TenderQuestionRow(
                    tender_code=tender.code,
                    code=m.code,
                    position=i,
                    kind=REMARK,
                    text=m.text,
                    minimum=None,
                    accepted="",
                )
            )
        for i, c in enumerate(tender.conditions):
            s.add(
                t.TenderConditionRow(
                    tender_code=tender.code, position=i, kind=c.kind.value, minimum=c.minimum, text=c.text
                )
            )
        for i, k in enumerate(tender.criteria):
            s.add(
                t.TenderCriterionRow(
                    tender_code=tender.code,
                    code=k.code,
                    position=i,
                    name=k.name,
                    kind=k.kind.value,
                    weight=k.weight,
                    minimum=k.minimum,
                )
            )
        s.flush()

    def codes(self) -> list[str]:
        return list(self.session.scalars(select(t.TenderRow.code).order_by(t.TenderRow.code)))

    def rounds_of(self, code: str) -> list[str]:
        """The additional rounds of tender ``code``, by code."""
        return list(
            self.session.scalars(
                select(t.TenderRow.code).where(t.TenderRow.round_of == code).order_by(t.TenderRow.code)
            )
        )

    def get(self, code: str) -> StoredTender | None:
        row = self.session.get(t.TenderRow, code)
        if row is None:
            return None
        s = self.session
        products: dict[str, list[LotProduct]] = {}
        for p in s.scalars(
            select(t.TenderLotProductRow)
            .where(t.TenderLotProductRow.tender_code == code)
            .order_by(t.TenderLotProductRow.lot_code, t.TenderLotProductRow.position)
        ):
            tariff = Money(p.tariff_cents) if p.tariff_cents is not None else None
            products.setdefault(p.lot_code, []).append(LotProduct(p.product_code, tariff, p.volume))
        lots = tuple(
            TenderLot(
                lot.code,
                lot.name,
                Law(lot.law),
                tuple(products.get(lot.code, ())),
                Money(lot.ceiling_cents) if lot.ceiling_cents is not None else None,
                lot.places,
            )
            for lot in s.scalars(
                select(t.TenderLotRow)
                .where(t.TenderLotRow.tender_code == code)
                .order_by(t.TenderLotRow.position)
            )
        )
        questions = list(
            s.scalars(
                select(t.TenderQuestionRow)
                .where(t.TenderQuestionRow.tender_code == code)
                .order_by(t.TenderQuestionRow.position)
            )
        )
        requirements = tuple(
            Requirement(
                q.code,
                RequirementKind(q.kind),
                q.text,
                q.minimum,
                tuple(a for a in q.accepted.split("\n") if a),
            )
            for q in questions
            if q.kind != REMARK
        )
        remarks = tuple(Remark(q.code, q.text) for q in questions if q.kind == REMARK)
        conditions = tuple(
            ContractCondition(ConditionKind(c.kind), c.minimum, c.text)
            for c in s.scalars(
                select(t.TenderConditionRow)
                .where(t.TenderConditionRow.tender_code == code)
                .order_by(t.TenderConditionRow.position)
            )
        )
        criteria = tuple(
            Criterion(c.code, c.name, c.weight, CriterionKind(c.kind), _dec(c.minimum))
            for c in s.scalars(
                select(t.TenderCriterionRow)
                .where(t.TenderCriterionRow.tender_code == code)
                .order_by(t.TenderCriterionRow.position)
            )
        )
        tender = Tender(
            code=row.code,
            name=row.name,
            procedure=Procedure(row.procedure),
            award_method=AwardMethod(row.award_method),
            tariff_policy=TariffPolicy(row.tariff_policy),
            lots=lots,
            registration=RegistrationPeriod(row.registration_opens, row.registration_closes),
            term=ContractTerm(
                row.term_start,
                row.term_years,
                tuple(int(y) for y in _split(row.term_extensions)),
                row.notice_months,
            ),
            requirements=requirements,
            remarks=remarks,
            conditions=conditions,
            criteria=criteria,
            scale=Scale(_plain(Decimal(row.scale_low)), _plain(Decimal(row.scale_high))),
            minimum_total=_dec(row.minimum_total),
            standstill_days=row.standstill_days,
            published=row.published,
            round_of=row.round_of,
            gap=frozenset(
                (m, TargetGroup(g))
                for m, _, g in (line.partition(":") for line in row.gap_cells.splitlines())
            ),
        )
        return StoredTender(
            tender,
            TenderStatus(row.status),
            row.created_at,
            row.intended_award_on,
            row.final_award_on,
            row.framework_code,
        )

    # -- bids ------------------------------------------------------------------------------------
    def has_bid(self, code: str, lot: str, agb: str) -> bool:
        return self.session.get(t.TenderBidRow, (code, lot, agb)) is not None

    def replace_bid(self, code: str, bid: Bid) -> None:
        """Store ``bid``, replacing the provider's earlier bid on the lot (registration still open)."""
        key = (
            t.TenderBidRow.tender_code == code,
            t.TenderBidRow.lot_code == bid.lot_code,
            t.TenderBidRow.provider_agb == bid.provider_agb,
        )
        for table in (t.TenderBidPriceRow, t.TenderBidAnswerRow, t.TenderScoreRow):
            self.session.execute(
                delete(table).where(
                    table.tender_code == code,
                    table.lot_code == bid.lot_code,
                    table.provider_agb == bid.provider_agb,
                )
            )
        self.session.execute(delete(t.TenderBidRow).where(*key))
        self.session.add(
            t.TenderBidRow(
                tender_code=code,
                lot_code=bid.lot_code,
                provider_agb=bid.provider_agb,
                submitted_on=bid.submitted,
                products=_csv(bid.products),
                municipalities=_csv(bid.municipalities),
                target_groups=_csv(g.value for g in bid.target_groups),
            )
        )
        self.session.flush()
        for product, price in sorted(bid.prices.items()):
            self.session.add(
                t.TenderBidPriceRow(
                    tender_code=code,
                    lot_code=bid.lot_code,
                    provider_agb=bid.provider_agb,
                    product_code=product,
                    price_cents=price.cents,
                )
            )
        for question, answer in sorted(bid.answers.items()):
            kind, value = _encode(answer)
            self.session.add(
                t.TenderBidAnswerRow(
                    tender_code=code,
                    lot_code=bid.lot_code,
                    provider_agb=bid.provider_agb,
                    question_code=question,
                    value_type=kind,
                    value=value,
                )
            )
        self.session.flush()

    def bids(self, code: str) -> list[Bid]:
        s = self.session
        prices: dict[tuple[str, str], dict[str, Money]] = {}
        for p in s.scalars(select(t.TenderBidPriceRow).where(t.TenderBidPriceRow.tender_code == code)):
            prices.setdefault((p.lot_code, p.provider_agb), {})[p.product_code] = Money(p.price_cents)
        answers: dict[tuple[str, str], dict[str, Answer]] = {}
        for a in s.scalars(select(t.TenderBidAnswerRow).where(t.TenderBidAnswerRow.tender_code == code)):
            answers.setdefault((a.lot_code, a.provider_agb), {})[a.question_code] = _decode(
                a.value_type, a.value
            )
        return [
            Bid(
                b.provider_agb,
                b.lot_code,
                b.submitted_on,
                tuple(_split(b.products)),
                prices.get((b.lot_code, b.provider_agb), {}),
                frozenset(_split(b.municipalities)),
                frozenset(TargetGroup(g) for g in _split(b.target_groups)),
                answers.get((b.lot_code, b.provider_agb), {}),
            )
            for b in s.scalars(
                select(t.TenderBidRow)
                .where(t.TenderBidRow.tender_code == code)
                .order_by(t.TenderBidRow.lot_code, t.TenderBidRow.provider_agb)
            )
        ]

    # -- scores ----------------------------------------------------------------------------------
    def add_scores(self, code: str, scores: Iterable[Score]) -> None:
        for sc in scores:
            self.session.add(
                t.TenderScoreRow(
                    tender_code=code,
                    lot_code=sc.lot_code,
                    provider_agb=sc.provider_agb,
                    criterion_code=sc.criterion_code,
                    assessor=sc.assessor,
                    value=sc.value,
                    consensus=sc.consensus,
                    recorded_at=sc.recorded_at,
                )
            )
        self.session.flush()

    def scores(self, code: str) -> list[Score]:
        return [
            Score(
                r.provider_agb,
                r.lot_code,
                r.criterion_code,
                r.assessor,
                _plain(Decimal(r.value)),
                r.recorded_at,
                r.consensus,
            )
            for r in self.session.scalars(
                select(t.TenderScoreRow)
                .where(t.TenderScoreRow.tender_code == code)
                .order_by(t.TenderScoreRow.id)
            )
        ]

    # -- award -----------------------------------------------------------------------------------
    def record_intended_award(self, code: str, on: date, outcomes: Iterable[Outcome]) -> None:
        for o in outcomes:
            self.session.add(_outcome_row(code, o))
        self.session.execute(
            update(t.TenderRow)
            .where(t.TenderRow.code == code)
            .values(status=TenderStatus.AWARDED.value, intended_award_on=on)
        )
        self.session.flush()

    def outcomes(self, code: str) -> list[StoredOutcome]:
        rows = self.session.scalars(select(t.TenderOutcomeRow).where(t.TenderOutcomeRow.tender_code == code))
        result = [
            StoredOutcome(
                Outcome(
                    r.provider_agb,
                    r.lot_code,
                    r.admitted,
                    r.reason,
                    _dec(r.score),
                    {
                        k: _plain(Decimal(v))
                        for k, _, v in (line.partition("=") for line in r.criteria.splitlines())
                    },
                    Money(r.price_cents) if r.price_cents is not None else None,
                    r.rank,
                ),
                r.contract_number,
                r.decided_on,
            )
            for r in rows
        ]
        return sorted(
            result,
            key=lambda x: (
                x.outcome.lot_code,
                not x.outcome.admitted,
                x.outcome.rank or 0,
                x.outcome.provider_agb,
            ),
        )

    def record_admission(self, code: str, outcome: Outcome, on: date, contract_number: str | None) -> None:
        """An open house's decision on one bid after its final award (admitted: its contract)."""
        self.session.add(
            _outcome_row(code, outcome, criteria="", contract_number=contract_number, decided_on=on)
        )
        self.session.flush()

    def record_final_award(
        self, code: str, on: date, framework_code: str, contracts: dict[tuple[str, str], str]
    ) -> None:
        """``contracts``: (lot code, AGB) -> contract number."""
        for (lot, agb), number in contracts.items():
            self.session.execute(
                update(t.TenderOutcomeRow)
                .where(
                    t.TenderOutcomeRow.tender_code == code,
                    t.TenderOutcomeRow.lot_code == lot,
                    t.TenderOutcomeRow.provider_agb == agb,
                )
                .values(contract_number=number)
            )
        self.session.execute(
            update(t.TenderRow)
            .where(t.TenderRow.code == code)
            .values(status=TenderStatus.FINAL.value, final_award_on=on, framework_code=framework_code)
        )
        self.session.flush()


def _dec(value: Decimal | None) -> Decimal | None:
    return None if value is None else _plain(Decimal(value))


def _plain(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and without an exponent (10, not 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _outcome_row(code: str, o: Outcome, **more: Any) -> t.TenderOutcomeRow:
    """The stored form of one bid's outcome (``more``: columns set apart from the outcome's)."""
    columns: dict[str, Any] = {
        "tender_code": code,
        "lot_code": o.lot_code,
        "provider_agb": o.provider_agb,
        "admitted": o.admitted,
        "reason": o.reason,
        "score": o.score,
        "rank": o.rank,
        "price_cents": o.price.cents if o.price else None,
        "criteria": "\n".join(f"{k}={v}" for k, v in o.criterion_scores.items()),
    }
    return t.TenderOutcomeRow(**{**columns, **more})
