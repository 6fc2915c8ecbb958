# SPDX-License-Identifier: EUPL-1.2
"""A tender published as open contracting data: OCDS 1.1.5 releases and release packages.

The Open Contracting Data Standard (https://standard.open-contracting.org/1.1/) describes a
contracting process in releases, one per stage; this module writes three of them for a region's
tender, each in a release package of its own:

- ``tender``: the procedure, its lots with their products and values, the award criteria per lot
  (the awardCriteria extension), the registration period and the organisations that registered;
- ``award``: an award per lot and admitted provider, ``pending`` while the standstill runs (the
  intended award) and ``active`` once it is final;
- ``contract``: a contract per award with its period (and the furthest extension as
  ``maxExtentDate``), value, products with their tariffs and status.

Input is plain data (:class:`Publication` and its parts), so the store, a file or a test can
fill it; output is plain dicts and JSON text. Nothing here reads files or the clock.

**Personal data never appear.** Parties are organisations with the roles buyer, procuringEntity,
tenderer and supplier; no contact persons, no addresses, no BSN. A provider that is a natural
person (a free practitioner, ``natural_person=True``) is published by its AGB code only, never
by name: a sole trader's name is personal data (AVG art. 4(1)).

**Amounts** come in as whole cents and go out as ``value.amount`` in EUR with two decimals,
computed in :class:`decimal.Decimal` and written as a JSON number by :func:`dumps`; a float never
enters.

Mapping of the Dutch procedures (:data:`PROCEDURES`) and award methods
(:data:`AWARD_METHODS`) onto the standard's closed code lists ``method`` and ``awardCriteria``
is stated where it is declared, with the reason for each choice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

OCDS_VERSION = "1.1"
"""The package's ``version`` (major.minor); the schema is 1.1.5."""
DEFAULT_OCID_PREFIX = "ocds-zorginkoop-test"
"""A prefix that says it is not registered: a region registers its own with the Open
Contracting Partnership (https://standard.open-contracting.org/1.1/en/schema/identifiers/)."""
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json"
)
AWARD_CRITERIA_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteria_extension/master/extension.json"
EXTENSIONS = (LOTS_EXTENSION, AWARD_CRITERIA_EXTENSION)
CURRENCY = "EUR"
AGB_SCHEME = "NL-AGB"
"""The AGB register (Vektis) has no org-id.guide code; the scheme is named as org-id names its
Dutch registers (``NL-KVK``), so a reader recognises it."""
KVK_SCHEME = "NL-KVK"
_CENT = Decimal("0.01")
_AGB = re.compile(r"[0-9]{8}")
_KVK = re.compile(r"[0-9]{8}")
_PREFIX = re.compile(r"ocds-[a-z0-9][a-z0-9-]*")


class PublicationError(ValueError):
    """Publication input that cannot become valid OCDS (one line naming what and why)."""


class Stage(str, Enum):
    """A stage of the contracting process; each gets its own release (its ``tag``)."""

    TENDER = "tender"
    AWARD = "award"
    CONTRACT = "contract"
    ADMISSION = "admission"
    """An open house's later admission: its award and contract together (tags award, contract)."""

    @property
    def tags(self) -> list[str]:
        return ["award", "contract"] if self is Stage.ADMISSION else [self.value]


@dataclass(frozen=True, slots=True)
class ProcedureMapping:
    """How a Dutch procedure is written in OCDS."""

    method: str
    """OCDS ``procurementMethod`` (closed code list ``method``)."""
    details: str
    """``procurementMethodDetails``: the procedure's Dutch name, then English."""


PROCEDURES: Mapping[str, ProcedureMapping] = {
    # Announced in public; every provider that meets the requirements may register.
    "sas": ProcedureMapping(
        "open",
        "Sociaal-maatschappelijke diensten (SAS), Aanbestedingswet art. 2.39 / "
        "Social and other specific services (SAS, light regime)",
    ),
    # An admission procedure is not a procurement under the Aanbestedingswet, but it is open to
    # every provider that meets the requirements, during the whole term.
    "open-house": ProcedureMapping(
        "open",
        "Open house (toelatingsprocedure) / Open house admission procedure",
    ),
    # The classic tender modelled here is the public procedure (openbare procedure): no
    # preselection, so not `selective`.
    "classic": ProcedureMapping(
        "open",
        "Openbare aanbesteding (beste prijs-kwaliteitverhouding of laagste prijs) / Open procedure",
    ),
    # The covenant is negotiated with providers the region invites to its consultation tables
    # (Wmo 2015 art. 2.6.5, Jeugdwet art. 2.12): OCDS `limited`, the buyer chooses whom it talks to.
    "bestuurlijk": ProcedureMapping(
        "limited",
        "Bestuurlijk aanbesteden (convenant via overlegtafels) / Administrative procurement "
        "(covenant negotiated at consultation tables)",
    ),
}

AWARD_METHODS: Mapping[str, str] = {
    # quality at fixed tariffs: the region sets the price, bids compete on quality only
    "quality": "qualityOnly",
    # best price-quality (EMVI, beste prijs-kwaliteitverhouding): weighted price and quality
    "emvi": "ratedCriteria",
    "lowest-price": "priceOnly",
}


class AwardStatus(str, Enum):
    """OCDS ``awards.status`` as used here."""

    PENDING = "pending"
    """The intended award (gunningsvoornemen): the standstill period is running."""
    ACTIVE = "active"
    """The final award (definitieve gunning), after the standstill."""
    CANCELLED = "cancelled"


class ContractStatus(str, Enum):
    """OCDS ``contracts.status``: pending before its start, active during its term, terminated
    after its end or an early end."""

    PENDING = "pending"
    ACTIVE = "active"
    CANCELLED = "cancelled"
    TERMINATED = "terminated"

    @classmethod
    def on(cls, day: date, start: date, end: date | None) -> ContractStatus:
        """The status of a contract running ``start`` to ``end`` (both included) on ``day``."""
        if day < start:
            return cls.PENDING
        if end is not None and day > end:
            return cls.TERMINATED
        return cls.ACTIVE


@dataclass(frozen=True, slots=True)
class Buyer:
    """The region that buys (buyer and procuring entity)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Tenderer:
    """An organisation that registered (bid). ``natural_person``: a free practitioner or other sole
    trader, published by AGB code only."""

    agb: str
    name: str
    natural_person: bool = False
    kvk: str | None = None

    def __post_init__(self) -> None:
        if not _AGB.fullmatch(self.agb):
            raise PublicationError(f"tenderer AGB code must be 8 digits, got {self.agb!r}")
        if self.kvk is not None and not _KVK.fullmatch(self.kvk):
            raise PublicationError(f"tenderer {self.agb}: KvK number must be 8 digits, got {self.kvk!r}")

    @property
    def party_id(self) -> str:
        return f"{AGB_SCHEME}-{self.agb}"


@dataclass(frozen=True, slots=True)
class Product:
    """A product of a lot: its code, name and unit; ``tariff_cents`` per unit when fixed (or, in
    a contract, the provider's tariff), ``quantity`` the expected units when known."""

    code: str
    name: str
    unit: str = ""
    tariff_cents: int | None = None
    quantity: int | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """An award criterion: ``weight`` points out of 100; ``minimum`` the lowest acceptable score on
    the tender's scale (quality only)."""

    code: str
    name: str
    kind: str
    """``quality`` or ``price`` (the extension's awardCriterionType)."""
    weight: int
    minimum: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("quality", "price", "cost"):
            raise PublicationError(
                f"criterion {self.code}: kind is quality, price or cost, got {self.kind!r}"
            )
        if isinstance(self.minimum, float):
            raise PublicationError(f"criterion {self.code}: a minimum is a Decimal, never a float")


@dataclass(frozen=True, slots=True)
class Lot:
    code: str
    name: str
    products: tuple[Product, ...]
    value_cents: int | None = None
    """The lot's estimated value (all contracts under it, whole term); None when not estimated."""
    description: str = ""

    def __post_init__(self) -> None:
        codes = [p.code for p in self.products]
        if len(set(codes)) != len(codes):
            raise PublicationError(f"lot {self.code}: a product is listed twice")


@dataclass(frozen=True, slots=True)
class Award:
    """An award of ``lot`` to one provider (by AGB code)."""

    lot: str
    supplier: str
    status: AwardStatus
    date: date
    """The day of the intended award (pending) or the final award (active)."""
    value_cents: int | None = None


@dataclass(frozen=True, slots=True)
class Contract:
    """The contract an award became."""

    lot: str
    supplier: str
    status: ContractStatus
    start: date
    end: date | None
    """Last day of the initial term (None: indefinite)."""
    signed: date
    products: tuple[Product, ...] = ()
    """The products with this provider's tariffs."""
    max_end: date | None = None
    """Last day when every extension option is taken."""
    value_cents: int | None = None
    """A ceiling or estimate for the contract; None when there is none."""


@dataclass(frozen=True, slots=True)
class Publication:
    """Everything a tender publishes, as plain data."""

    buyer: Buyer
    code: str
    title: str
    procedure: str
    """``sas``, ``open-house``, ``classic`` or ``bestuurlijk``: see :data:`PROCEDURES`."""
    award_method: str
    """``quality``, ``emvi`` or ``lowest-price``: see :data:`AWARD_METHODS`."""
    published: date
    registration_opens: date
    registration_closes: date | None
    """None: registration stays open (open house)."""
    lots: tuple[Lot, ...]
    description: str = ""
    criteria: tuple[Criterion, ...] = ()
    """Award criteria; they apply to every lot."""
    scale: tuple[Decimal, Decimal] = (Decimal(0), Decimal(10))
    """The scoring scale of quality criteria, both ends included."""
    minimum_total: Decimal | None = None
    """Lowest acceptable total score out of 100."""
    contract_start: date | None = None
    contract_end: date | None = None
    contract_max_end: date | None = None
    standstill_days: int = 0
    tenderers: tuple[Tenderer, ...] = ()
    """Organisations that registered, in any lot."""
    awards: tuple[Award, ...] = ()
    contracts: tuple[Contract, ...] = ()
    cancelled: bool = False
    framework: tuple[str, str] | None = None
    """An additional round: the code and title of the tender whose framework agreement its
    contracts join (published as a related process, relationship ``framework``)."""

    def __post_init__(self) -> None:
        if self.procedure not in PROCEDURES:
            raise PublicationError(
                f"tender {self.code}: procedure {self.procedure!r} unknown; known: {', '.join(PROCEDURES)}"
            )
        if self.award_method not in AWARD_METHODS:
            raise PublicationError(
                f"tender {self.code}: award method {self.award_method!r} unknown; known: {', '.join(AWARD_METHODS)}"
            )
        if not self.lots:
            raise PublicationError(f"tender {self.code}: at least one lot")
        lots = [lot.code for lot in self.lots]
        if len(set(lots)) != len(lots):
            raise PublicationError(f"tender {self.code}: a lot code is used twice")
        if len({c.code for c in self.criteria}) != len(self.criteria):
            raise PublicationError(f"tender {self.code}: a criterion code is used twice")
        agbs = [t.agb for t in self.tenderers]
        if len(set(agbs)) != len(agbs):
            raise PublicationError(f"tender {self.code}: a tenderer is listed twice")
        for award in self.awards:
            self._check_reference("award", award.lot, award.supplier)
        for contract in self.contracts:
            self._check_reference("contract", contract.lot, contract.supplier)
            if (contract.lot, contract.supplier) not in {(a.lot, a.supplier) for a in self.awards}:
                raise PublicationError(
                    f"tender {self.code}: contract for {contract.supplier} in lot {contract.lot} has no award"
                )
        if len({(a.lot, a.supplier) for a in self.awards}) != len(self.awards):
            raise PublicationError(f"tender {self.code}: a provider is awarded the same lot twice")
        if len({(c.lot, c.supplier) for c in self.contracts}) != len(self.contracts):
            raise PublicationError(f"tender {self.code}: a provider has two contracts in the same lot")

    def _check_reference(self, what: str, lot: str, supplier: str) -> None:
        if lot not in {x.code for x in self.lots}:
            raise PublicationError(f"tender {self.code}: {what} for lot {lot!r}, which the tender lacks")
        if supplier not in {t.agb for t in self.tenderers}:
            raise PublicationError(
                f"tender {self.code}: {what} to {supplier}, who is not among the tenderers"
            )

    def tenderer(self, agb: str) -> Tenderer:
        return next(t for t in self.tenderers if t.agb == agb)

    @property
    def stages(self) -> tuple[Stage, ...]:
        """The stages this tender has reached: always the tender; the award once there are awards;
        the contract once there are contracts."""
        reached = [Stage.TENDER]
        if self.awards:
            reached.append(Stage.AWARD)
        if self.contracts:
            reached.append(Stage.CONTRACT)
        return tuple(reached)

    @property
    def admission_days(self) -> tuple[date, ...]:
        """An open house's later admissions: the days of contracts signed after the first, each
        published in a release of its own (other procedures sign their contracts together)."""
        if not self.contracts or self.procedure != "open-house":
            return ()
        first = min(c.signed for c in self.contracts)
        return tuple(sorted({c.signed for c in self.contracts if c.signed > first}))

    def as_of(self, day: date) -> Publication:
        """The publication as it stood on ``day``: the awards and contracts dated on or before it."""
        return replace(
            self,
            awards=tuple(a for a in self.awards if a.date <= day),
            contracts=tuple(c for c in self.contracts if c.signed <= day),
        )


# -- amounts and dates ---------------------------------------------------------------------------
def amount(cents: int) -> Decimal:
    """Whole cents as euros with two decimals, exactly (12345 -> Decimal('123.45'))."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise PublicationError(f"an amount is whole cents (int), got {type(cents).__name__}")
    return (Decimal(cents) * _CENT).quantize(_CENT)


def _plain(number: Decimal) -> str:
    """A Decimal as people write it: 10, not 1E+1."""
    return format(number, "f")


def value(cents: int) -> dict[str, Any]:
    return {"amount": amount(cents), "currency": CURRENCY}


def date_time(day: date, *, end_of_day: bool = False) -> str:
    """A day as an RFC 3339 date-time (OCDS dates are date-times): the start of the day, or its
    last second for the end of a period, in UTC."""
    return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


def period(start: date | None, end: date | None, max_end: date | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if start is not None:
        result["startDate"] = date_time(start)
    if end is not None:
        result["endDate"] = date_time(end, end_of_day=True)
    if max_end is not None:
        result["maxExtentDate"] = date_time(max_end, end_of_day=True)
    return result


def ocid(prefix: str, tender_code: str) -> str:
    """The Open Contracting ID: the registered prefix, a hyphen, the tender's own code."""
    if not _PREFIX.fullmatch(prefix):
        raise PublicationError(
            f"ocid prefix {prefix!r}: give ocds- followed by the region's registered letters and digits "
            f"(e.g. {DEFAULT_OCID_PREFIX})"
        )
    if not tender_code.strip():
        raise PublicationError("a tender code is needed for the ocid")
    return f"{prefix}-{tender_code}"


# -- the parts of a release ---------------------------------------------------------------------
def _buyer_id(buyer: Buyer) -> str:
    return f"buyer-{buyer.code}"


def _buyer_party(buyer: Buyer) -> dict[str, Any]:
    return {"id": _buyer_id(buyer), "name": buyer.name, "roles": ["buyer", "procuringEntity"]}


def _reference(tenderer: Tenderer) -> dict[str, Any]:
    """An organisation reference: its id, and its name unless the tenderer is a natural person."""
    reference: dict[str, Any] = {"id": tenderer.party_id}
    if not tenderer.natural_person:
        reference["name"] = tenderer.name
    return reference


def _tenderer_party(tenderer: Tenderer, suppliers: set[str]) -> dict[str, Any]:
    party = _reference(tenderer)
    if tenderer.kvk is not None and not tenderer.natural_person:
        party["identifier"] = {"scheme": KVK_SCHEME, "id": tenderer.kvk}
        party["additionalIdentifiers"] = [{"scheme": AGB_SCHEME, "id": tenderer.agb}]
    else:
        party["identifier"] = {"scheme": AGB_SCHEME, "id": tenderer.agb}
    party["roles"] = ["tenderer", "supplier"] if tenderer.agb in suppliers else ["tenderer"]
    if tenderer.natural_person:
        party["details"] = {"naturalPerson": True}
    return party


def _item(product: Product, lot: str) -> dict[str, Any]:
    item: dict[str, Any] = {"id": f"{lot}-{product.code}", "description": product.name, "relatedLot": lot}
    item["classification"] = {"scheme": "x_iStandaarden", "id": product.code, "description": product.name}
    if product.quantity is not None:
        item["quantity"] = product.quantity
    unit: dict[str, Any] = {}
    if product.unit:
        unit["name"] = product.unit
    if product.tariff_cents is not None:
        unit["value"] = value(product.tariff_cents)
    if unit:
        item["unit"] = unit
    return item


def _award_criteria(publication: Publication, lot: Lot) -> dict[str, Any] | None:
    """The awardCriteria extension's criteria of a lot: each with its weight in percent (out of
    100) and its minimum score as a ``minimumScore`` threshold. Quality at fixed tariffs adds the
    fixed price as a criterion of weight 0, as the extension's example does."""
    criteria: list[dict[str, Any]] = []
    low, high = publication.scale
    for criterion in publication.criteria:
        numbers: list[dict[str, Any]] = [{"number": criterion.weight, "weight": "percentageExact"}]
        if criterion.minimum is not None:
            numbers.append({"number": criterion.minimum, "threshold": "minimumScore"})
        entry: dict[str, Any] = {"type": criterion.kind, "name": criterion.name, "numbers": numbers}
        if criterion.kind == "quality":
            entry["description"] = f"{criterion.code}: scored on a scale of {_plain(low)} to {_plain(high)}"
        else:
            entry["description"] = f"{criterion.code}: computed from the bid price"
        criteria.append(entry)
    if publication.award_method == "quality" and criteria:
        criteria.append(
            {
                "type": "price",
                "name": "Vaste tarieven / Fixed tariffs",
                "description": "The region fixes the tariff of every product (see the items' unit values).",
                "numbers": [{"number": 0, "weight": "percentageExact"}],
            }
        )
    if publication.award_method == "lowest-price" and not criteria:
        criteria.append(
            {
                "type": "price",
                "name": "Laagste prijs / Lowest price",
                "numbers": [{"number": 100, "weight": "percentageExact"}],
            }
        )
    if not criteria:
        return None
    return {"criteria": criteria}


def _award_criteria_details(publication: Publication) -> str:
    if publication.procedure == "open-house" and not publication.criteria:
        return "Toelating zonder rangschikking: elke aanbieder die aan de eisen voldoet / Admission without ranking"
    parts = []
    if publication.criteria:
        parts.append(
            "Gewogen criteria (punten van 100) / Weighted criteria (points out of 100): "
            + ", ".join(f"{c.name} {c.weight}" for c in publication.criteria)
        )
    if publication.minimum_total is not None:
        parts.append(f"minimaal totaal / minimum total: {_plain(publication.minimum_total)} van 100")
    if publication.award_method == "quality":
        parts.append("vaste tarieven / fixed tariffs")
    return "; ".join(parts) or AWARD_METHODS[publication.award_method]


def _lot(publication: Publication, lot: Lot, status: str) -> dict[str, Any]:
    result: dict[str, Any] = {"id": lot.code, "title": lot.name, "status": status}
    if lot.description:
        result["description"] = lot.description
    if lot.value_cents is not None:
        result["value"] = value(lot.value_cents)
    contract_period = period(
        publication.contract_start, publication.contract_end, publication.contract_max_end
    )
    if contract_period:
        result["contractPeriod"] = contract_period
    criteria = _award_criteria(publication, lot)
    if criteria is not None:
        result["awardCriteria"] = criteria
    return result


def _tender_status(publication: Publication, stage: Stage) -> str:
    if publication.cancelled:
        return "cancelled"
    if stage is Stage.TENDER:
        return "active"
    if publication.awards and all(a.status is AwardStatus.ACTIVE for a in publication.awards):
        # open house keeps admitting during the term: it stays active
        return "active" if publication.registration_closes is None else "complete"
    return "active"


def _tender(publication: Publication, stage: Stage) -> dict[str, Any]:
    mapping = PROCEDURES[publication.procedure]
    status = _tender_status(publication, stage)
    tender: dict[str, Any] = {"id": publication.code, "title": publication.title, "status": status}
    if publication.description:
        tender["description"] = publication.description
    tender["procuringEntity"] = {"id": _buyer_id(publication.buyer), "name": publication.buyer.name}
    tender["procurementMethod"] = mapping.method
    tender["procurementMethodDetails"] = mapping.details
    tender["mainProcurementCategory"] = "services"
    if publication.criteria or publication.procedure != "open-house":
        # an admission without ranking has no award criteria at all
        tender["awardCriteria"] = AWARD_METHODS[publication.award_method]
    tender["awardCriteriaDetails"] = _award_criteria_details(publication)
    tender["submissionMethod"] = ["electronicSubmission"]
    tender["tenderPeriod"] = period(publication.registration_opens, publication.registration_closes)
    contract_period = period(
        publication.contract_start, publication.contract_end, publication.contract_max_end
    )
    if contract_period:
        tender["contractPeriod"] = contract_period
    values = [lot.value_cents for lot in publication.lots]
    if all(v is not None for v in values):
        tender["value"] = value(sum(v for v in values if v is not None))
    items = [_item(p, lot.code) for lot in publication.lots for p in lot.products]
    if items:
        tender["items"] = items
    lot_status = "cancelled" if publication.cancelled else status
    tender["lots"] = [_lot(publication, lot, lot_status) for lot in publication.lots]
    if publication.minimum_total is not None:
        tender["lotDetails"] = {
            "awardCriteriaDetails": f"Minimaal totaal / minimum total score: {_plain(publication.minimum_total)} van 100"
        }
    if publication.tenderers:
        tender["numberOfTenderers"] = len(publication.tenderers)
        tender["tenderers"] = [_reference(t) for t in publication.tenderers]
    return tender


def award_id(award: Award | Contract) -> str:
    return f"{award.lot}-{award.supplier}"


def _award(publication: Publication, award: Award) -> dict[str, Any]:
    lot = next(x for x in publication.lots if x.code == award.lot)
    result: dict[str, Any] = {
        "id": award_id(award),
        "title": f"{lot.name}: {award.supplier}",
        "status": award.status.value,
        "date": date_time(award.date),
        "suppliers": [_reference(publication.tenderer(award.supplier))],
        "relatedLots": [award.lot],
    }
    if award.status is AwardStatus.PENDING and publication.standstill_days:
        result["description"] = (
            f"Voorlopige gunning; opschortende termijn {publication.standstill_days} dagen / "
            f"Intended award; standstill period of {publication.standstill_days} days"
        )
    if award.value_cents is not None:
        result["value"] = value(award.value_cents)
    contract_period = period(
        publication.contract_start, publication.contract_end, publication.contract_max_end
    )
    if contract_period:
        result["contractPeriod"] = contract_period
    return result


def _contract(publication: Publication, contract: Contract) -> dict[str, Any]:
    lot = next(x for x in publication.lots if x.code == contract.lot)
    result: dict[str, Any] = {
        "id": f"contract-{award_id(contract)}",
        "awardID": award_id(contract),
        "title": f"{lot.name}: {contract.supplier}",
        "status": contract.status.value,
        "period": period(contract.start, contract.end, contract.max_end),
        "dateSigned": date_time(contract.signed),
    }
    if contract.value_cents is not None:
        result["value"] = value(contract.value_cents)
    if contract.products:
        result["items"] = [_item(p, contract.lot) for p in contract.products]
    return result


def _stage_date(publication: Publication, stage: Stage) -> date:
    if stage is Stage.TENDER:
        return publication.published
    if stage is Stage.AWARD:
        return max(a.date for a in publication.awards)
    return max(c.signed for c in publication.contracts)


def _as_of_stage(publication: Publication, stage: Stage, day: date | None) -> Publication:
    """The award and contract stages show the first award (an open house's later admissions
    get releases of their own); an admission release shows everything up to its ``day``."""
    if stage is Stage.ADMISSION:
        if day is None or day not in publication.admission_days:
            raise PublicationError(f"tender {publication.code} admitted nobody on {day}")
        return publication.as_of(day)
    if stage is Stage.TENDER or not publication.admission_days:
        return publication
    return publication.as_of(min(c.signed for c in publication.contracts))


def release(
    publication: Publication, stage: Stage, *, prefix: str = DEFAULT_OCID_PREFIX, day: date | None = None
) -> dict[str, Any]:
    """The release of one stage (``day``: the admission day of a :attr:`Stage.ADMISSION`
    release). Each release repeats the parties and the tender as they stand at that stage, so a
    reader of one file sees the whole process so far."""
    if stage is not Stage.ADMISSION and stage not in publication.stages:
        raise PublicationError(f"tender {publication.code} has not reached the {stage.value} stage")
    publication = _as_of_stage(publication, stage, day)
    the_ocid = ocid(prefix, publication.code)
    day = _stage_date(publication, Stage.CONTRACT if stage is Stage.ADMISSION else stage)
    awards = publication.awards if stage is not Stage.TENDER else ()
    suppliers = {a.supplier for a in awards if a.status is not AwardStatus.CANCELLED}
    result: dict[str, Any] = {
        "ocid": the_ocid,
        "id": f"{the_ocid}-{stage.value}-{day.isoformat()}",
        "date": date_time(day),
        "tag": stage.tags,
        "initiationType": "tender",
        "language": "nl",
        "parties": [
            _buyer_party(publication.buyer),
            *(_tenderer_party(t, suppliers) for t in publication.tenderers),
        ],
        "buyer": {"id": _buyer_id(publication.buyer), "name": publication.buyer.name},
        "tender": _tender(publication, stage),
    }
    if publication.framework is not None:
        parent, title = publication.framework
        result["relatedProcesses"] = [
            {"id": "framework", "relationship": ["framework"], "title": title, "scheme": "ocid",
             "identifier": ocid(prefix, parent)}
        ]  # fmt: skip
    if awards:
        result["awards"] = [_award(publication, a) for a in awards]
    if stage in {Stage.CONTRACT, Stage.ADMISSION}:
        result["contracts"] = [_contract(publication, c) for c in publication.contracts]
    return result


@dataclass(frozen=True, slots=True)
class Package:
    """A release package and the name of the file it is written to."""

    stage: Stage
    file_name: str
    content: dict[str, Any] = field(hash=False)


def release_package(
    publication: Publication,
    stage: Stage,
    *,
    prefix: str = DEFAULT_OCID_PREFIX,
    base_url: str = "https://example.invalid/ocds",
    day: date | None = None,
) -> Package:
    """The release package of one stage: the release, the publisher (the region), the two
    extensions, and ``uri`` where it will be published (``base_url`` + file name; the default's
    ``.invalid`` says the region has not said where yet). An admission's file name carries its day."""
    the_release = release(publication, stage, prefix=prefix, day=day)
    suffix = f"{stage.value}-{day.isoformat()}" if stage is Stage.ADMISSION and day else stage.value
    file_name = f"{the_release['ocid']}-{suffix}.json"
    content = {
        "uri": f"{base_url.rstrip('/')}/{file_name}",
        "version": OCDS_VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": the_release["date"],
        "publisher": {"name": publication.buyer.name},
        "releases": [the_release],
    }
    return Package(stage, file_name, content)


def release_packages(
    publication: Publication,
    *,
    prefix: str = DEFAULT_OCID_PREFIX,
    base_url: str = "https://example.invalid/ocds",
) -> tuple[Package, ...]:
    """A package for every stage the tender has reached (tender; award; contract), and one
    per later admission day of an open house."""
    return tuple(
        release_package(publication, s, prefix=prefix, base_url=base_url) for s in publication.stages
    ) + tuple(
        release_package(publication, Stage.ADMISSION, prefix=prefix, base_url=base_url, day=day)
        for day in publication.admission_days
    )


# -- JSON text ---------------------------------------------------------------------------------
def dumps(document: Any, indent: int = 2) -> str:
    """JSON text of a document of dicts, lists, strings, ints, bools, None and Decimals; a Decimal
    is written as the number it is (``Decimal('12.50')`` -> ``12.50``), never through a float."""
    return "".join(_encode(document, indent, 0)) + "\n"


def _encode(node: Any, indent: int, level: int) -> Iterable[str]:
    pad = "\n" + " " * (indent * (level + 1))
    end = "\n" + " " * (indent * level)
    if isinstance(node, Mapping):
        if not node:
            yield "{}"
            return
        yield "{"
        for i, (key, item) in enumerate(node.items()):
            yield ("," if i else "") + pad + json.dumps(str(key), ensure_ascii=False) + ": "
            yield from _encode(item, indent, level + 1)
        yield end + "}"
    elif isinstance(node, Sequence) and not isinstance(node, str):
        if not node:
            yield "[]"
            return
        yield "["
        for i, item in enumerate(node):
            yield ("," if i else "") + pad
            yield from _encode(item, indent, level + 1)
        yield end + "]"
    elif isinstance(node, Decimal):
        if not node.is_finite():
            raise PublicationError(f"not a number for JSON: {node}")
        yield format(node, "f")
    elif isinstance(node, float):
        raise PublicationError("a float has no place in a publication; use Decimal or whole cents")
    else:
        yield json.dumps(node, ensure_ascii=False)
