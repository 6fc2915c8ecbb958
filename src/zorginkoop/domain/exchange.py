# SPDX-License-Identifier: EUPL-1.2
"""Rules that hold for every incoming message, whatever its type.

The message layer checks one message on its own; these rules need the messages received
before it.
"""

from __future__ import annotations

from collections.abc import Collection

ACCEPTED = "0200"
"""WJ001 0200: geen opmerking (the element is accepted)."""
REJECTED_TECHNICALLY = "0001"
"""WJ001 0001: bericht is afgekeurd om technische redenen."""


def tr056_identification_unique(identification: str, received: Collection[str]) -> tuple[str, ...]:
    """TR056 (9056): a message's Identificatie is unique per message type for the sender.

    ``received`` holds the Identificaties of the earlier messages of the same type (and law)
    from the same sender.
    """
    return ("9056",) if identification in received else ()


def file_name(law_prefix: str, number: str, sender: str, receiver: str, identification: str) -> str:
    """``WMO301_<afzender>_<ontvanger>_<identificatie>.xml``: the name a message is exported as."""
    return f"{law_prefix}{number}_{sender}_{receiver}_{identification}.xml"


def identification(number: str, sequence: int) -> str:
    """Our Identificatie for the ``sequence``-th message ``number`` we send: 12 characters at most
    (LDT_IdentificatieBericht), e.g. ``301000000042``."""
    if not 0 < sequence < 10**9:
        raise ValueError(f"message sequence {sequence} is out of range 1..999999999")
    return f"{number}{sequence:09d}"
