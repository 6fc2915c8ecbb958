# SPDX-License-Identifier: EUPL-1.2
"""Stop of care (307): what the municipality does with its allocation when a provider stops.

OP279: the provider declares within the allocation's period, so the allocation's period is
the limit of what is paid. A 307 does not change that period by itself: the municipality
decides whether to end the allocation, and tells the provider with a 301 (OP033x1: every change
goes out in a new message). A stop with a definitive reason (WMO588/JZ588, anything but 20
"tijdelijk beeindigd") puts the allocation on the back office's stop worklist with a proposed end
at the stop's Einddatum; the region may end it at once (setting ``ZORGINKOOP_END_ON_STOP``).

The 301 carries the RedenWijziging the standard pairs with the stop reason. The pairing is
data, read from the code lists' own columns: WMO588's "Reden wijziging toewijzing" column and
WMO002's "Reden beeindiging (WMO307)" column (iWmo 3.2), and JZ588's and JZ002's (iJw 3.2).
Where they pair none ("nvt"), iWmo uses 05 (herbeoordeling: verkorting) and iJw 14: JZ002 says
of 14 "Ook indien een aanbieder een definitief stopbericht stuurt en de gemeente beslist om de
toewijzing in te trekken, wordt deze code gebruikt."

A stop removed later (StatusAanlevering 3 on the same logical key, OP033) takes away the reason
for an end it caused: the allocation's previous end comes back with RedenWijziging 14
(administratieve correctie; 01 may no longer be used, CS336), unless the allocation was changed
again since, which the back office then sees on the worklist.

Pure functions, no store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from zorginkoop.domain.allocating import change_allocation, is_withdrawn
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import ChangeReason, Law
from zorginkoop.domain.delivery import TEMPORARY_END
from zorginkoop.domain.periods import Period

CHANGE_REASON_FOR_STOP: dict[Law, dict[str, ChangeReason]] = {
    # WMO588 column "Reden wijziging toewijzing" / WMO002 column "Reden beeindiging (WMO307)"
    Law.WMO: {
        "02": ChangeReason.CLIENT_OVERLEDEN,  # 02 overlijden
        "31": ChangeReason.VERHUIZING,  # 31 verhuizing naar een andere gemeente
        "36": ChangeReason.VERKORTING,  # 36 geinitieerd door de gemeente: 03;05;08;10;11, 05 fits a shorter allocation
        "37": ChangeReason.INITIATIEF_AANBIEDER,  # 37 in verband met wijzigingsverzoek
        "38": ChangeReason.OVERSTAP_AANBIEDER,  # 38 overstap naar andere aanbieder
        "39": ChangeReason.UITSTROOM_ANDER_DOMEIN,  # 39 uitstroom naar ander domein
    },
    # JZ588 column "Reden wijziging toewijzing" / JZ002 column "Reden beeindiging"
    Law.JEUGD: {
        "02": ChangeReason.CLIENT_OVERLEDEN,  # 02 overlijden
        "35": ChangeReason.VERHUIZING,  # 35 voortijdig afgesloten, externe oorzaak (verhuizing)
        "36": ChangeReason.VERKORTING,  # 36 geinitieerd door de gemeente: 03, 05, 08, 10, 11
        "37": ChangeReason.INITIATIEF_AANBIEDER,  # 37 in verband met wijzigingsverzoek
        "38": ChangeReason.OVERSTAP_AANBIEDER,  # 38 overstap naar andere aanbieder
        "39": ChangeReason.UITSTROOM_ANDER_DOMEIN,  # 39 uitstroom naar ander domein
    },
}
"""Per law, the RedenWijziging the code lists pair with a RedenBeeindiging."""

UNPAIRED_CHANGE_REASON: dict[Law, ChangeReason] = {
    Law.WMO: ChangeReason.VERKORTING,
    Law.JEUGD: ChangeReason.ADMINISTRATIEVE_CORRECTIE,  # JZ002 code 14: "definitief stopbericht"
}
"""The RedenWijziging for a definitive stop reason the code lists pair with none (19, 21-23 in
iWmo; 31-34 in iJw)."""

RESTORE_REASON = ChangeReason.ADMINISTRATIEVE_CORRECTIE
"""WMO002/JZ002 14: the end set on a stop that the provider removed was an error to correct."""


class StopStatus(str, Enum):
    """Where an item of the stop worklist stands."""

    OPEN = "open"
    """Waits for the back office: end the allocation or dismiss the stop."""
    ENDED = "ended"
    """The allocation was ended at the stop date (a 301 went out)."""
    DISMISSED = "dismissed"
    """The back office keeps the allocation as it is."""
    WITHDRAWN = "withdrawn"
    """The provider removed the stop before the allocation was ended, or after it was changed again."""
    RESTORED = "restored"
    """The provider removed the stop; the end it caused was undone (a 301 went out)."""


def is_definitive(end_reason: str | None) -> bool:
    """WMO588/JZ588: every RedenBeeindiging but 20 (tijdelijk beeindigd) ends care for good."""
    return end_reason is not None and end_reason != TEMPORARY_END


def change_reason_for_stop(law: Law, end_reason: str) -> ChangeReason:
    """The RedenWijziging of the 301 that ends an allocation on a stop with ``end_reason``
    (WMO588/WMO002, JZ588/JZ002; see the module's docstring)."""
    return CHANGE_REASON_FOR_STOP[law].get(end_reason, UNPAIRED_CHANGE_REASON[law])


@dataclass(frozen=True, slots=True)
class StopProposal:
    """An allocation to end because its provider stopped the care for good."""

    allocation_number: int
    proposed_end: date
    """The stop's Einddatum: the last day of care."""
    previous_end: date | None
    """The allocation's end before the stop: what a removed stop restores."""
    reason: ChangeReason
    """The RedenWijziging for the 301 ending it."""


def stop_proposal(
    allocation: Allocation, stop_end: date | None, end_reason: str | None
) -> StopProposal | None:
    """What a stop (307, StatusAanlevering 1) proposes for its allocation, or None when it asks
    nothing of the municipality: a temporary stop (20), a stop without Einddatum, a withdrawn
    allocation (13), an allocation that already ends on or before the stop date, or a stop date
    before the allocation's start (nothing to end within it). OP279: the proposed end is the
    stop's Einddatum, the last day of care that may be declared."""
    if not is_definitive(end_reason) or stop_end is None or is_withdrawn(allocation):
        return None
    assert end_reason is not None
    end = allocation.valid.end
    if (end is not None and end <= stop_end) or stop_end < allocation.valid.start:
        return None
    return StopProposal(allocation.number, stop_end, end, change_reason_for_stop(allocation.law, end_reason))


def ended_on_stop(allocation: Allocation, proposal: StopProposal, at: datetime) -> Allocation:
    """The allocation ended at the stop date with the proposal's RedenWijziging (OP033x1:
    "intrekken", a shorter period); raises CareError when the allocation no longer allows it."""
    return change_allocation(allocation, proposal.reason, at, end=proposal.proposed_end)


def still_as_ended(allocation: Allocation, proposed_end: date, reason: ChangeReason) -> bool:
    """Whether the allocation still has the end a stop gave it (nobody changed it since)."""
    return allocation.valid.end == proposed_end and allocation.change_reason is reason


def restored_after_removed_stop(
    allocation: Allocation, previous_end: date | None, at: datetime
) -> Allocation:
    """The allocation with the end it had before the removed stop, RedenWijziging 14
    (OP033x1: "oprekken", a longer period again; the reference of a request is not repeated,
    TR379)."""
    return replace(
        allocation,
        valid=Period(allocation.valid.start, previous_end),
        change_reason=RESTORE_REASON,
        allocated_at=at,
        provider_reference=None,
    )
