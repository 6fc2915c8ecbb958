# SPDX-License-Identifier: EUPL-1.2
"""The TOML definition files of tenders, bids and scores, read into domain objects.

Each reader takes the file's text and returns the objects, or raises :class:`TenderFileError`
with one line per problem (``where: what is wrong``), so a user fixes them all at once. The
format is documented in the README (section Procurement) and shipped in ``examples/tenders/``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import partial
from typing import Any, TypeVar

from zorginkoop.domain.codes import Law, TargetGroup
from zorginkoop.domain.money import Money
from zorginkoop.domain.procurement.evaluation import Bid, Score
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
    TenderError,
    TenderLot,
)

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


class TenderFileError(ValueError):
    """A definition file with problems; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class _Reader:
    """Reads values out of TOML tables, noting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def table(self, data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(where, f"{key} must be a table")
            return {}
        return value

    def tables(self, data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(where, f"{key} must be a list of tables ([[{key}]])")
            return []
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"{key} is missing or not a text")
            return ""
        return value.strip()

    def day(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> date | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.problem(where, f"{key} must be a date (YYYY-MM-DD, unquoted)")
            return None
        return value

    def whole(self, data: Mapping[str, Any], key: str, where: str, default: int | None = None) -> int | None:
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(where, f"{key} must be a whole number of 0 or more, got {value!r}")
            return None
        return value

    def number(self, data: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            if isinstance(value, (bool, float)):
                raise InvalidOperation
            found = Decimal(value)
            if not found.is_finite():
                raise InvalidOperation
        except (InvalidOperation, TypeError, ValueError):
            self.problem(where, f'{key} must be a whole number or a quoted decimal like "7.5", got {value!r}')
            return None
        return found

    def euros(self, data: Mapping[str, Any], key: str, where: str) -> Money | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, (bool, float)):
            self.problem(where, f'{key} must be a quoted amount like "48.83", got {value!r}')
            return None
        try:
            return Money.euros(value)
        except (TypeError, ValueError) as exc:
            self.problem(where, f"{key}: {exc}")
            return None

    def names(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(where, f"{key} must be a list of texts")
            return ()
        return tuple(v.strip() for v in value)

    def choice(
        self, data: Mapping[str, Any], key: str, where: str, kind: type[E], default: str | None = None
    ) -> E | None:
        value = data.get(key, default)
        try:
            return kind(value) if isinstance(value, str) else kind("")
        except ValueError:
            self.problem(where, f"{key} must be one of {', '.join(_values(kind))}, got {value!r}")
            return None

    def build(self, where: str, make: Callable[[], T]) -> T | None:
        try:
            return make()
        except (TenderError, ValueError) as exc:
            self.problem(where, str(exc))
            return None

    def done(self) -> None:
        if self.problems:
            raise TenderFileError(self.problems)


def _load(text: str, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TenderFileError([f"{name}: not valid TOML ({exc})"]) from None


def _values(enum: Any) -> list[str]:
    return [e.value for e in enum]


def read_tender(text: str, name: str = "tender") -> Tender:
    """A :class:`Tender` from its TOML definition (see ``examples/tenders/``)."""
    data = _load(text, name)
    r = _Reader()
    head = r.table(data, "tender", name)
    where = f"{name} [tender]"
    code = r.text(head, "code", where)
    procedure = r.choice(head, "procedure", where, Procedure)
    method = r.choice(head, "award_method", where, AwardMethod)
    policy = r.choice(head, "tariff_policy", where, TariffPolicy)
    registration = r.table(head, "registration", where)
    opens = r.day(registration, "opens", f"{where} registration")
    closes = r.day(registration, "closes", f"{where} registration", required=False)
    term_data = r.table(head, "term", where)
    start = r.day(term_data, "start", f"{where} term")
    years = r.whole(term_data, "years", f"{where} term")
    extensions = term_data.get("extensions", [])
    if not isinstance(extensions, list) or not all(isinstance(y, int) and not isinstance(y, bool) and y > 0
                                                    for y in extensions):  # fmt: skip
        r.problem(f"{where} term", "extensions must be a list of whole years, e.g. [1, 1]")
        extensions = []
    notice = r.whole(term_data, "notice_months", f"{where} term", 6)
    scoring = r.table(head, "scoring", where)
    low = r.number(scoring, "low", f"{where} scoring")
    high = r.number(scoring, "high", f"{where} scoring")
    minimum_total = r.number(scoring, "minimum_total", f"{where} scoring")
    scale = r.build(f"{where} scoring", lambda: Scale(low if low is not None else Decimal(0),
                                                      high if high is not None else Decimal(10)))  # fmt: skip
    standstill = r.whole(head, "standstill_days", where, 0)
    published = r.day(head, "published", where, required=False)

    lots: list[TenderLot] = []
    for i, lot in enumerate(r.tables(data, "lot", name), start=1):
        lwhere = f"{name} [[lot]] {lot.get('code', i)}"
        products = []
        for j, p in enumerate(r.tables(lot, "product", lwhere), start=1):
            pwhere = f"{lwhere} product {p.get('code', j)}"
            volume = r.whole(p, "volume", pwhere, 1)
            products.append(
                LotProduct(r.text(p, "code", pwhere), r.euros(p, "tariff_eur", pwhere), volume or 1)
            )
        law = r.choice(lot, "law", lwhere, Law)
        places = lot.get("places")
        if places is not None and (isinstance(places, bool) or not isinstance(places, int) or places < 1):
            r.problem(lwhere, f"places must be a whole number of 1 or more, got {places!r}")
            places = None
        if law is not None:
            lots.append(TenderLot(r.text(lot, "code", lwhere), r.text(lot, "name", lwhere), law, tuple(products),
                                  r.euros(lot, "ceiling_eur", lwhere), places))  # fmt: skip

    requirements = []
    for i, q in enumerate(r.tables(data, "requirement", name), start=1):
        qwhere = f"{name} [[requirement]] {q.get('code', i)}"
        kind = r.choice(q, "kind", qwhere, RequirementKind)
        if kind is None:
            continue
        accepted = r.names(q, "accepted", qwhere)
        qcode, qmin, qtext = r.text(q, "code", qwhere), r.whole(q, "minimum", qwhere), str(q.get("text", ""))
        made = r.build(qwhere, partial(Requirement, qcode, kind, qtext, qmin, accepted))
        if made is not None:
            requirements.append(made)
    remarks = [
        Remark(r.text(m, "code", f"{name} [[remark]] {i}"), str(m.get("text", "")))
        for i, m in enumerate(r.tables(data, "remark", name), start=1)
    ]
    conditions = []
    for i, c in enumerate(r.tables(data, "condition", name), start=1):
        cwhere = f"{name} [[condition]] {i}"
        ckind = r.choice(c, "kind", cwhere, ConditionKind)
        minimum = r.whole(c, "minimum", cwhere)
        if minimum is None:
            r.problem(cwhere, "minimum is missing")
        if ckind is not None and minimum is not None:
            conditions.append(ContractCondition(ckind, minimum, str(c.get("text", ""))))
    criteria = []
    for i, c in enumerate(r.tables(data, "criterion", name), start=1):
        cwhere = f"{name} [[criterion]] {c.get('code', i)}"
        ckind2 = r.choice(c, "kind", cwhere, CriterionKind, default="quality")
        weight = r.whole(c, "weight", cwhere)
        if weight is None:
            r.problem(cwhere, "weight is missing")
        if ckind2 is not None and weight is not None:
            args = (
                r.text(c, "code", cwhere),
                r.text(c, "name", cwhere),
                weight,
                ckind2,
                r.number(c, "minimum", cwhere),
            )
            made_c = r.build(cwhere, partial(Criterion, *args))
            if made_c is not None:
                criteria.append(made_c)
    r.done()
    assert procedure is not None and method is not None and policy is not None and opens is not None
    assert start is not None and scale is not None
    tender = r.build(name, lambda: Tender(
        code=code, name=r.text(head, "name", where), procedure=procedure, award_method=method,
        tariff_policy=policy, lots=tuple(lots), registration=RegistrationPeriod(opens, closes),
        term=ContractTerm(start, years, tuple(extensions), notice if notice is not None else 6),
        requirements=tuple(requirements), remarks=tuple(remarks), conditions=tuple(conditions),
        criteria=tuple(criteria), scale=scale, minimum_total=minimum_total,
        standstill_days=standstill or 0, published=published,
    ))  # fmt: skip
    r.done()
    assert tender is not None
    return tender


def read_bids(text: str, provider_agb: str, submitted: date, name: str = "bid") -> list[Bid]:
    """The bids of one provider: one ``[[bid]]`` table per lot."""
    data = _load(text, name)
    r = _Reader()
    bids = []
    entries = r.tables(data, "bid", name)
    if not entries and not r.problems:
        r.problem(name, "no [[bid]] table")
    for i, b in enumerate(entries, start=1):
        where = f"{name} [[bid]] {b.get('lot', i)}"
        lot = r.text(b, "lot", where)
        prices_table = r.table(b, "prices", where)
        prices = {
            code: m
            for code in prices_table
            if (m := r.euros(prices_table, code, f"{where} prices")) is not None
        }
        groups = []
        for g in r.names(b, "target_groups", where):
            try:
                groups.append(TargetGroup(g))
            except ValueError:
                r.problem(where, f"unknown target group {g!r}; known: {', '.join(_values(TargetGroup))}")
        answers: dict[str, Answer] = {}
        for key, value in r.table(b, "answers", where).items():
            if isinstance(value, (bool, int, str)):
                answers[key] = value
            else:
                r.problem(f"{where} answers", f"{key} must be true/false, a whole number or a text")
        products = r.names(b, "products", where) or tuple(prices)
        bids.append(Bid(provider_agb, lot, submitted, tuple(products), prices,
                        frozenset(r.names(b, "municipalities", where)), frozenset(groups), answers))  # fmt: skip
    lots = [b.lot_code for b in bids]
    if len(set(lots)) != len(lots):
        r.problem(name, "two bids on the same lot")
    r.done()
    return bids


def read_scores(text: str, assessor: str, recorded_at: datetime, name: str = "scores") -> list[Score]:
    """One assessor's scores: one ``[[score]]`` table per provider, lot and criterion."""
    data = _load(text, name)
    r = _Reader()
    scores = []
    entries = r.tables(data, "score", name)
    if not entries and not r.problems:
        r.problem(name, "no [[score]] table")
    for i, s in enumerate(entries, start=1):
        where = f"{name} [[score]] {i}"
        value = r.number(s, "score", where)
        if value is None and "score" not in s:
            r.problem(where, "score is missing")
        consensus = s.get("consensus", False)
        if not isinstance(consensus, bool):
            r.problem(where, "consensus must be true or false")
            consensus = False
        provider = s.get("provider")
        if isinstance(provider, int) and not isinstance(provider, bool):
            r.problem(where, 'provider is the AGB code as a quoted text, e.g. "98000001"')
        agb = r.text(s, "provider", where)
        lot = r.text(s, "lot", where)
        criterion = r.text(s, "criterion", where)
        if value is not None:
            scores.append(Score(agb, lot, criterion, assessor, value, recorded_at, consensus))
    r.done()
    return scores
