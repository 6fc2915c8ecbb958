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

A figure about a group of people (the dashboard, the benchmark, a report's counts and sums) names
no one, yet it is computed from their data: each read of one leaves one entry whose subject is the
group (:class:`Group`, type ``GROUP``). The standard allows this: a log line refers to zero or one
data subjects, and ``data_subject_id_type`` says what kind of identifier ``data_subject_id`` holds
(``BSN``, a staff number, or a type the register defines). A BSN search never finds a group entry;
the privacy officer finds them by activity (``monitoring``) and actor.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

SUBJECT_TYPE_BSN = "BSN"
SUBJECT_TYPE_GROUP = "GROUP"
"""The subject of a group figure: ``subject_id`` describes the group (:class:`Group`)."""

GROUP_ID_LENGTH = 200
"""The longest group description stored; a longer one keeps its start and a hash of the whole."""


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
    MONITORING = "monitoring"
    """Figures about groups of clients (counts, sums, shares) to steer policy and purchase."""


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


@dataclass(frozen=True, slots=True)
class Group:
    """The people a group figure is about, as the processing log names them: ``key=value`` parts
    joined by ``;`` in key order (``law=wmo;municipality=0321;year=2020``). The scope the figure
    was read under is logged beside it, so the group says only what the reader chose."""

    parts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, **parts: object) -> Group:
        """A group from its parts; None and an empty list are left out, a list or set becomes
        its sorted items joined by ``,``, an enum its value, anything else its text."""
        found = []
        for key, value in sorted(parts.items()):
            if value is None or (isinstance(value, (list, tuple, set, frozenset)) and not value):
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                text = ",".join(sorted(_text(v) for v in value))
            else:
                text = _text(value)
            found.append((key, text.replace(";", ",")))
        return cls(tuple(found))

    @property
    def law(self) -> str | None:
        return dict(self.parts).get("law")

    @property
    def subject_id(self) -> str:
        """The description as ``subject_id`` stores it: at most :data:`GROUP_ID_LENGTH`
        characters (a longer one is cut and ends in ``~`` and 16 hex digits of its SHA-256)."""
        text = ";".join(f"{key}={value}" for key, value in self.parts) or "all"
        if len(text) <= GROUP_ID_LENGTH:
            return text
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        return text[: GROUP_ID_LENGTH - 17] + "~" + digest


def _text(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


def distinct_subjects(subjects: Iterable[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """One (BSN, law) per data subject and law, in first-seen order (one entry per subject)."""
    return list(dict.fromkeys(subjects))
