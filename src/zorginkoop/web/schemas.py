# SPDX-License-Identifier: EUPL-1.2
"""The API's request and response bodies (Pydantic v2), kept apart from the tables.

Amounts are decimal strings with two decimals (``"2145868.00"``), as the CLI prints them;
municipalities travel as ``{"municipality": name, "cbs_code": code}``; BSNs only in bodies.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zorginkoop.domain.care import Allocation, CareError, Decision, check_bsn
from zorginkoop.domain.money import Money


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
    )  # fmt: skip
