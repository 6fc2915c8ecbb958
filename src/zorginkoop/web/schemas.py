# SPDX-License-Identifier: EUPL-1.2
"""The API's request and response bodies (Pydantic v2), kept apart from the tables.

Amounts are decimal strings with two decimals (``"2145868.00"``), as the CLI prints them;
municipalities travel as ``{"municipality": name, "cbs_code": code}``; BSNs only in bodies.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
