# SPDX-License-Identifier: EUPL-1.2
"""A provider's channel to the region: what it may send, and how its outbox is delivered.

The iStandaarden exchange assumes one delivery per message: a provider's system receives each
message of the municipality once (the national exchange, VECOZO/GGK, delivers files). The
region also offers an HTTP API; a provider uses one of the two at a time, so one outbox is
never drained twice. These rules are pure: the service layer asks them, the store holds the
channel per provider.
"""

from __future__ import annotations

from enum import Enum

RECEIVED_FROM_PROVIDER = ("305", "307", "315", "317", "323", "302", "320")
"""What a provider sends us: starts and stops (305/307), requests (315/317), declarations
(323) and its retours on our allocations (302, on a 301) and answers (320, on a 319)."""

OUTBOX_TYPES = ("301", "306", "308", "316", "318", "319", "325")
"""What the region sends a provider: allocations (301), retours (306/308/316/318), answers to
requests (319) and to declarations (325)."""

ANSWERED_BY_RETOUR = {"302": "301", "320": "319"}
"""A provider's retour and the message of ours it answers (IdentificatieRetour)."""


class DeliveryChannel(str, Enum):
    """How a provider's outbox is delivered."""

    FILES = "files"
    """``zorginkoop messages export`` writes files (the national exchange); the default."""
    API = "api"
    """The provider's system fetches ``GET /api/v1/messages`` and acknowledges each message."""


def sending_party(message_type: str, afzender: str, ontvanger: str) -> str:
    """The party that sends a message we receive from a provider, by its header.

    A heen message (305, 307, 315, 317, 323) names it as Afzender (Afzender_AgbCode, RS036:
    8 digits). A retour (302 on our 301, 320 on our 319) copies Afzender and Ontvanger
    unchanged from the heen message (IV028), so its sender is the Ontvanger there."""
    return ontvanger if message_type in ANSWERED_BY_RETOUR else afzender


def sender_is_own(message_type: str, afzender: str, ontvanger: str, provider_agb: str) -> bool:
    """A provider sends only as itself: the sending party of the header (see
    :func:`sending_party`) is the provider's own AGB code."""
    own = provider_agb.strip()
    return bool(own) and sending_party(message_type, afzender, ontvanger).strip() == own


def may_deliver(channel: DeliveryChannel, via: DeliveryChannel) -> bool:
    """A message of a provider may be delivered (marked exported) only through the provider's
    current channel: the other channel neither lists nor delivers it."""
    return channel is via
