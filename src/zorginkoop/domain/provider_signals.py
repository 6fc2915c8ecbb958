# SPDX-License-Identifier: EUPL-1.2
"""Signals about providers: what a social team or contract manager notices about a provider (a
compliment, a concern, a complaint), recorded with who and when, held by one municipality.

They feed the contract manager's account meeting with the provider (issue 10, seed 001: "signals
from the social teams"). A signal is a note about the provider, not about a client: the text is
refused when it carries a BSN, so no personal data enters the store through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from zorginkoop.domain.care import check_bsn

MAX_TEXT = 2000
"""The longest note (characters): a signal is a short observation, not a case file."""

_NINE_DIGITS = re.compile(r"(?<!\d)\d{9}(?!\d)")


class SignalKind(str, Enum):
    COMPLIMENT = "compliment"
    CONCERN = "concern"
    COMPLAINT = "complaint"

    @property
    def label_nl(self) -> str:
        return {"compliment": "compliment", "concern": "zorg", "complaint": "klacht"}[self.value]


class SignalError(ValueError):
    """A signal that cannot be recorded as given (empty or too long text, a BSN in it)."""


@dataclass(frozen=True, slots=True)
class ProviderSignal:
    """A recorded signal; ``municipality_code`` None is a signal for the whole region."""

    id: int
    provider_agb: str
    municipality_code: str | None
    kind: SignalKind
    text: str
    recorded_by: str
    recorded_at: datetime


def contains_bsn(text: str) -> bool:
    """Whether ``text`` holds a nine-digit number that passes the BSN eleven test."""
    for found in _NINE_DIGITS.findall(text):
        try:
            check_bsn(found)
        except ValueError:
            continue
        return True
    return False


def checked_text(text: str) -> str:
    """The note as it is stored (stripped); :class:`SignalError` when it is empty, longer than
    :data:`MAX_TEXT` or carries a BSN."""
    note = text.strip()
    if not note:
        raise SignalError("the text is empty: say what was noticed about the provider")
    if len(note) > MAX_TEXT:
        raise SignalError(f"the text has {len(note)} characters; at most {MAX_TEXT}")
    if contains_bsn(note):
        raise SignalError("the text holds a BSN: a signal is about the provider, leave clients out")
    return note
