# SPDX-License-Identifier: EUPL-1.2
"""The API's request and response bodies (Pydantic v2), kept apart from the tables.

Amounts are decimal strings with two decimals (``"2145868.00"``), as the CLI prints them;
municipalities travel as ``{"municipality": name, "cbs_code": code}``; BSNs only in bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zorginkoop.domain.care import Allocation, CareError, Decision, check_bsn
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.services.monitoring import Dashboard, GroupFigure, percent


class ApiModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Token(ApiModel):
    """A bearer token: send it as ``Authorization: Bearer <access_token>``."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="seconds until the token expires")


class Problem(ApiModel):
    """An error: what went wrong, in one line."""

    detail: str


AMOUNT = Field(pattern=r"^-?\d+\.\d{2}$", examples=["2145868.00"], description="euros, two decimals")


# -- shared parts ---------------------------------------------------------------------------------


class MunicipalityRef(ApiModel):
    municipality: str = Field(description="name", examples=["Houten"])
    cbs_code: str = Field(description="CBS code", examples=["0321"])


class LawName(str, Enum):
    wmo = "wmo"
    jeugd = "jeugd"


# -- clients --------------------------------------------------------------------------------------


class ClientSearch(ApiModel):
    """Find one client by BSN (in the body, so it never lands in an access log)."""

    bsn: str = Field(
        pattern=r"^[0-9]{9}$",
        examples=["999990019"],
        description="nine digits that pass the eleven-test (else 422)",
    )

    @field_validator("bsn")
    @classmethod
    def _valid_bsn(cls, value: str) -> str:
        try:
            return check_bsn(value)
        except CareError as exc:
            raise ValueError(str(exc)) from None


class DecisionOut(ApiModel):
    id: str
    law: LawName
    decided_on: date
    valid_from: date
    valid_to: date | None
    product_code: str
    model_id: str | None
    result_areas: list[str]
    support_type: str | None
    intensity: str | None
    monthly_budget_eur: Annotated[str, AMOUNT] | None
    total_budget_eur: Annotated[str, AMOUNT] | None


class ReferrerOut(ApiModel):
    """Who referred the client to youth care (iJw Verwijzer): Jeugd allocations only."""

    type: str = Field(
        pattern=r"^\d{2}$",
        examples=["02"],
        description="COD327 code verwijzer (01 gemeente, 02 huisarts, 03 jeugdarts, 04 gecertificeerde "
        "instelling, 05 medisch specialist, 06 zelfverwijzer, 08 justitie)",
    )
    name: str | None = Field(description="the Verwijzer's Naam, when recorded", examples=["Dr. Jansen"])
    agb: str | None = Field(
        description="the referring doctor's ZorgverlenerCode (AGB), when recorded (types 02-05 only)",
        examples=[None],
    )


class AllocationOut(ApiModel):
    toewijzing_nummer: int
    bsn: str
    provider_agb: str
    municipality: MunicipalityRef
    law: LawName
    category: str
    product_code: str | None
    valid_from: date
    valid_to: date | None
    volume: int | None
    unit: str | None = Field(description="WJ756 code")
    frequency: str | None = Field(description="WMO757 code")
    budget_eur: Annotated[str, AMOUNT] | None
    budget_limit_eur: Annotated[str, AMOUNT] | None
    decision_id: str | None
    reden_wijziging: str | None = Field(description="WMO002/JZ002 code of the last change")
    referrer: ReferrerOut | None = Field(
        description="who referred the client (iJw Verwijzer, COD327); null for a Wmo allocation "
        "or a Jeugd allocation without one recorded"
    )


class ClientOut(ApiModel):
    bsn: str
    family_name: str
    prefix: str
    initials: str
    birth_date: date
    gender: str = Field(description="COD046 code")
    municipality: MunicipalityRef
    decisions: list[DecisionOut]
    allocations: list[AllocationOut]


# -- reports --------------------------------------------------------------------------------------


class CostLineOut(ApiModel):
    municipality: str
    cbs_code: str
    clients: int
    cost_eur: Annotated[str, AMOUNT]


# -- monitoring -----------------------------------------------------------------------------------

SHARE = Field(
    pattern=r"^\d+\.\d$",
    examples=["33.0"],
    description="percent, one decimal; null over fewer than 10 people",
)


class DashboardGroupOut(ApiModel):
    """A part of the year's care: clients, approved cost and its share of the cost."""

    clients: int
    cost_eur: Annotated[str, AMOUNT]
    cost_share_pct: Annotated[str | None, SHARE]


class DashboardProductOut(ApiModel):
    product: str = Field(description="regional product code", examples=["OZR3"])
    name: str
    category: str = Field(description="WMO020 or JZ020 product category")
    unit: str = Field(description="WJ756 unit of the volume")
    clients: int
    cost_eur: Annotated[str, AMOUNT]
    volume: int
    cost_share_pct: Annotated[str | None, SHARE]
    heaviest: bool = Field(description="one of the heaviest products (the dearest third per unit)")


class DashboardYearOut(ApiModel):
    year: int
    clients: int
    cost_eur: Annotated[str, AMOUNT]


class DashboardReferrerOut(ApiModel):
    referrer_type: str | None = Field(
        description="COD327 Code verwijzer (01 gemeente, 02 huisarts, 03 jeugdarts, 04 gecertificeerde "
        "instelling, 05 medisch specialist, 06 zelfverwijzer, 08 justitie); null: no referrer recorded",
        examples=["02"],
    )
    referrer: str = Field(description="the referrer type's Dutch label", examples=["Huisarts"])
    clients: int
    cost_eur: Annotated[str, AMOUNT]
    cost_share_pct: Annotated[str | None, SHARE]


class DashboardOut(ApiModel):
    """A municipality's figures of one year and law: clients and cost as ``GET /reports/costs``,
    per product, the trend up to the year, the heaviest products' share, new and ended clients,
    and for Jeugd the GGZ (JZ020 51, 52, 54) apart from the rest and the figures per referrer
    (COD327). Counts and amounts exact; shares null over fewer than 10 people."""

    municipality: str
    cbs_code: str
    year: int
    law: LawName
    clients: int
    cost_eur: Annotated[str, AMOUNT]
    cost_per_client_eur: Annotated[str | None, AMOUNT]
    new_clients: int = Field(description="clients without an approved line in the year before")
    ended_clients: int = Field(description="clients whose allocations all ended by 31 December")
    trajectories_ended: int = Field(
        description="trajectories (a provider's care with one product) ended in the year"
    )
    average_days: str | None = Field(description="their average duration in days; null under 10 people")
    ended_to_plan_pct: str | None = Field(
        description="percent of them ended according to plan (WMO588 19 / JZ588 31); null under 10 people"
    )
    heaviest_products: list[str]
    heaviest: DashboardGroupOut
    ggz: DashboardGroupOut | None = Field(description="Jeugd only: JZ020 51, 52 and 54")
    other_youth_care: DashboardGroupOut | None = Field(description="Jeugd only: the other categories")
    by_product: list[DashboardProductOut]
    trend: list[DashboardYearOut]
    by_referrer: list[DashboardReferrerOut] | None = Field(
        default=None,
        description="Jeugd only: clients and cost per referrer type of the allocations (COD327 order, "
        "the unrecorded last); a client referred twice by different routes counts under both",
    )


# -- from domain objects --------------------------------------------------------------------------


def amount(value: Money | None) -> str | None:
    return str(value) if value is not None else None


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=d.id, law=LawName(d.law.value), decided_on=d.decided_on, valid_from=d.valid.start,
        valid_to=d.valid.end, product_code=d.product_code, model_id=d.model_id,
        result_areas=list(d.result_areas), support_type=d.support_type, intensity=d.intensity,
        monthly_budget_eur=amount(d.monthly_budget), total_budget_eur=amount(d.total_budget),
    )  # fmt: skip


def allocation_out(a: Allocation, names: Mapping[str, str]) -> AllocationOut:
    return AllocationOut(
        toewijzing_nummer=a.number, bsn=a.client_bsn, provider_agb=a.provider_agb,
        municipality=MunicipalityRef(
            municipality=names.get(a.municipality_code, a.municipality_code), cbs_code=a.municipality_code
        ),
        law=LawName(a.law.value), category=a.category, product_code=a.product_code,
        valid_from=a.valid.start, valid_to=a.valid.end, volume=a.volume,
        unit=a.unit.value if a.unit else None, frequency=a.frequency.value if a.frequency else None,
        budget_eur=amount(a.budget), budget_limit_eur=amount(a.budget_limit), decision_id=a.decision_id,
        reden_wijziging=a.change_reason.value if a.change_reason else None,
        referrer=None if a.referrer is None else ReferrerOut(
            type=a.referrer.type.value, name=a.referrer.name, agb=a.referrer.agb_code
        ),
    )  # fmt: skip


def _share(value: Decimal | None) -> str | None:
    pct = percent(value)
    return None if pct is None else str(pct)


def _group_out(group: GroupFigure | None) -> DashboardGroupOut | None:
    if group is None:
        return None
    return DashboardGroupOut(
        clients=group.clients, cost_eur=str(group.cost), cost_share_pct=_share(group.cost_share)
    )


def dashboard_out(d: Dashboard) -> DashboardOut:
    heaviest = _group_out(d.heaviest)
    assert heaviest is not None
    return DashboardOut(
        municipality=d.municipality, cbs_code=d.municipality_code, year=d.year, law=LawName(d.law.value),
        clients=d.clients, cost_eur=str(d.cost), cost_per_client_eur=amount(d.cost_per_client),
        new_clients=d.new_clients, ended_clients=d.ended_clients, trajectories_ended=d.trajectories_ended,
        average_days=None if d.average_days is None else str(d.average_days),
        ended_to_plan_pct=None if d.ended_to_plan is None else str((d.ended_to_plan * 100).quantize(Decimal("0.1"))),
        heaviest_products=list(d.heaviest_products), heaviest=heaviest,
        ggz=_group_out(d.ggz), other_youth_care=_group_out(d.other_youth_care),
        by_product=[
            DashboardProductOut(
                product=p.product_code, name=p.name, category=p.category, unit=p.unit, clients=p.clients,
                cost_eur=str(p.cost), volume=p.volume, cost_share_pct=_share(p.cost_share), heaviest=p.heaviest,
            )
            for p in d.by_product
        ],
        trend=[DashboardYearOut(year=y.year, clients=y.clients, cost_eur=str(y.cost)) for y in d.trend],
        by_referrer=None if d.law is not Law.JEUGD else [
            DashboardReferrerOut(
                referrer_type=r.referrer_type, referrer=r.label, clients=r.clients, cost_eur=str(r.cost),
                cost_share_pct=_share(r.cost_share),
            )
            for r in d.by_referrer
        ],
    )  # fmt: skip
