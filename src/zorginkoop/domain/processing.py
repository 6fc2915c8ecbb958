# SPDX-License-Identifier: EUPL-1.2
"""The register of processing activities and the processing log's pure parts.

The Logboek Dataverwerkingen standard logs each processing operation per data subject: trace
and span id, operation name, start and end time, status, the processing activity (a reference
into the register the region keeps: purpose and legal basis per activity, AVG art. 30), the data
subject's id, pseudonymised, and its type (BSN), and the actor; no sampling.

The register is data (``data/processing_activities.toml``, shipped for the demo). Code names an
activity by its *kind* (``decision``, ``exchange``, ``declarations`` ...); where the legal basis
differs per law the register holds one activity per law (``decision.wmo``: Wmo 2015 art. 2.3.5;
``decision.jeugd``: Jeugdwet art. 2.3) and :meth:`ActivityRegister.resolve` picks the one for
the data subject's law.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

SUBJECT_TYPE_BSN = "BSN"


class Status(str, Enum):
    """Status of a logged operation (the standard's OK / ERROR)."""

    OK = "ok"
    ERROR = "error"


class ActivityKind(str, Enum):
    """The kinds of processing the code does; each is resolved to a registered activity."""

    DECISION = "decision"
    """Intake, decision (beschikking) and allocation by the municipality."""
    EXCHANGE = "exchange"
    """The iWmo/iJw message exchange with providers (301-325 except declarations)."""
    DECLARATIONS = "declarations"
    """Processing declarations (303/323) and their answers (304/325), the payments ledger."""
    SIGNALS = "signals"
    """Care monitoring signals for the back office (family, 18-/18+, evaluations)."""
    SPENDING = "spending"
    """Exhaustion of ceilings and allocations (control of the purchase)."""
    TEST_DATA = "test-data"
    """Generating test declarations on the demo region."""
    PRIVACY = "privacy"
    """The privacy officer's search in, and a citizen's export of, the processing log."""
    SURVEY = "survey"
    """The client experience survey: drawing clients, inviting them, their answers and results."""


@dataclass(frozen=True, slots=True)
class ProcessingActivity:
    """One entry of the register of processing activities (AVG art. 30)."""

    id: str
    kind: ActivityKind
    name: str
    purpose: str
    legal_basis: str
    law: str | None = None
    """``wmo`` or ``jeugd`` when the legal basis is that law's; None for both."""


class RegisterError(ValueError):
    """The register of processing activities is incomplete or malformed (one line)."""


@dataclass(frozen=True, slots=True)
class ActivityRegister:
    activities: Mapping[str, ProcessingActivity]

    def get(self, activity_id: str) -> ProcessingActivity:
        try:
            return self.activities[activity_id]
        except KeyError:
            raise RegisterError(f"no processing activity {activity_id!r} in the register") from None

    def resolve(self, kind: ActivityKind, law: str | None = None) -> ProcessingActivity:
        """The activity of ``kind`` for ``law`` (its own when registered, else the kind's
        law-independent one)."""
        general = None
        for activity in self.activities.values():
            if activity.kind is kind:
                if law is not None and activity.law == law:
                    return activity
                if activity.law is None:
                    general = activity
        if general is None:
            raise RegisterError(f"the register has no activity for {kind.value!r} (law {law})")
        return general


def parse_register(data: Mapping[str, Any]) -> ActivityRegister:
    """The register from its TOML form (``[[activity]]`` tables); every kind the code uses needs
    a law-independent activity, so no read can go unlogged for want of one."""
    found: dict[str, ProcessingActivity] = {}
    for raw in data.get("activity", []):
        try:
            activity = ProcessingActivity(
                id=str(raw["id"]),
                kind=ActivityKind(raw["kind"]),
                name=str(raw["name"]),
                purpose=str(raw["purpose"]),
                legal_basis=str(raw["legal_basis"]),
                law=str(raw["law"]) if raw.get("law") else None,
            )
        except (KeyError, ValueError) as exc:
            raise RegisterError(f"processing activity {raw.get('id', '?')!r}: {exc}") from None
        if activity.id in found:
            raise RegisterError(f"processing activity {activity.id!r} is registered twice")
        found[activity.id] = activity
    register = ActivityRegister(found)
    for kind in ActivityKind:
        register.resolve(kind)
    return register


def pseudonymise(bsn: str, key: bytes) -> str:
    """The data subject's pseudonym: HMAC-SHA256 of the BSN keyed with the region's secret
    (hex). The same key gives the same pseudonym, so the log can be searched by BSN without
    holding one; without the key a pseudonym cannot be turned back into a BSN by trying all
    10^9 BSNs."""
    return hmac.new(key, bsn.strip().encode("ascii"), hashlib.sha256).hexdigest()


def distinct_subjects(subjects: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """One (BSN, law) per data subject and law, in first-seen order (one entry per subject)."""
    return list(dict.fromkeys(subjects))
