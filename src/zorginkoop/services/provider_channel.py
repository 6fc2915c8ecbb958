# SPDX-License-Identifier: EUPL-1.2
"""Use cases of a provider's channel to the region: send a message, list, fetch and acknowledge
what the region sent it, and switch the channel its outbox is delivered on.

Receiving (:func:`receive`) takes the bytes of one iWmo/iJw 3.2 message from a provider:

- the sending party of its header must be the provider itself (Afzender; for a retour the
  Ontvanger, IV028): else :class:`NotOwnSender` and nothing is stored;
- 305, 307, 315, 317 and 323 go through :func:`zorginkoop.services.incoming.process` (as the
  back office's upload does): :func:`zorginkoop.services.exchange.import_message` for the first
  four (the retour, 319s and 301s stored pending in the outbox),
  :func:`zorginkoop.services.declarations.process_message` for a 323 (the 325 stored pending);
- 302 and 320 (the provider's retours on our 301 and 319) are stored in the inbox, linked to the
  outgoing message they answer (by its Identificatie, IdentificatieRetour), with their
  RetourCodes: the elements the provider refused are listed in the outcome and the row's summary;
- bytes that are not a readable message raise :class:`UnusableMessage` before anything is stored.

Every message is answered within the request: there is no asynchronous path (a 323 of 50,000
lines is processed in a few seconds, see the README's declaration benchmark).

Delivering: a provider's outbox is delivered through one channel at a time
(:class:`~zorginkoop.domain.provider_channel.DeliveryChannel`): files (``messages export``) or the
API. Listing, fetching and acknowledging refuse a provider on the files channel
(:class:`WrongChannel`), ``messages export`` leaves the messages of providers on the API channel;
acknowledging, exporting and switching take the provider's delivery lock, so one message is
delivered once whatever runs at the same time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from zorginkoop.adapters.db.exchange import StoredMessage
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Limits, validate_message
from zorginkoop.adapters.istandaarden.envelope import Envelope, retour_codes
from zorginkoop.domain.exchange import ACCEPTED
from zorginkoop.domain.provider_channel import (
    ANSWERED_BY_RETOUR,
    OUTBOX_TYPES,
    RECEIVED_FROM_PROVIDER,
    DeliveryChannel,
    may_deliver,
    sender_is_own,
    sending_party,
)
from zorginkoop.services import incoming
from zorginkoop.services.incoming import Received


class ChannelError(ValueError):
    """A request the provider channel refuses; the message is one line for the caller."""


class UnusableMessage(ChannelError):
    """The bytes are not a message we can take from this provider; nothing was stored."""


class NotOwnSender(ChannelError):
    """The message is sent in another party's name; nothing was stored."""


class WrongChannel(ChannelError):
    """The provider's outbox is delivered on the other channel."""


class NotAddressed(ChannelError):
    """No such message addressed to the provider (existence does not leak)."""


class AlreadyReceived(ChannelError):
    """TR056: this Identificatie was received before with other content; nothing was stored."""


def receive(
    uow: UnitOfWork,
    provider_agb: str,
    data: bytes,
    now: datetime,
    *,
    limits: Limits | None = None,
    end_on_stop: bool = True,
) -> Received:
    """Take one message from ``provider_agb``; see the module docstring."""
    limits = limits or Limits.from_env()
    try:
        envelope = incoming.read(data, limits)
    except incoming.NotReceivable as exc:
        raise UnusableMessage(str(exc)) from None
    if envelope.number not in RECEIVED_FROM_PROVIDER:
        raise UnusableMessage(
            f"a {envelope.name} is not a message a provider sends ({', '.join(RECEIVED_FROM_PROVIDER)}); "
            "nothing was stored"
        )
    if not sender_is_own(envelope.number, envelope.afzender, envelope.ontvanger, provider_agb):
        party = "Ontvanger" if envelope.number in ANSWERED_BY_RETOUR else "Afzender"
        raise NotOwnSender(
            f"{envelope.name} {envelope.identificatie}: {party} "
            f"{sending_party(envelope.number, envelope.afzender, envelope.ontvanger)} is not your AGB code "
            f"{provider_agb}; a provider sends only in its own name; nothing was stored"
        )
    _require_channel(uow, provider_agb)
    now = now.replace(tzinfo=None)
    name = f"api:{envelope.name}:{envelope.identificatie}"
    if envelope.number in ANSWERED_BY_RETOUR:
        return _retour(uow, envelope, provider_agb, data, name, now, limits)
    try:
        return incoming.process(uow, envelope, data, name, now, limits=limits, end_on_stop=end_on_stop)
    except incoming.NotReceivable as exc:
        raise UnusableMessage(str(exc)) from None


def _retour(  # noqa: PLR0917
    uow: UnitOfWork,
    envelope: Envelope,
    provider_agb: str,
    data: bytes,
    name: str,
    now: datetime,
    limits: Limits,
) -> Received:
    """302/320: store the provider's retour in the inbox against our 301/319 it answers."""
    report = validate_message(data, limits=limits, rules=False)
    if report.message is None or report.errors:
        first = report.errors[0] if report.errors else None
        raise UnusableMessage(f"{envelope.name}: not a readable retour message: {first}; nothing was stored")
    header = report.message.bericht.header
    answered_type = ANSWERED_BY_RETOUR[envelope.number]
    # IV028: a retour keeps the heen message's header (its BerichtIdentificatie is our 301/319's)
    # and names itself in IdentificatieRetour
    municipality, answers_ident = envelope.afzender, envelope.identificatie
    ident = header.identificatie_retour or ""
    refused = {
        path: codes for path, codes in retour_codes(data, limits).items() if any(c != ACCEPTED for c in codes)
    }
    summary = "; ".join(f"{p}: {','.join(c)}" for p, c in refused.items()) or ACCEPTED
    with uow:
        earlier = uow.messages.received_message(provider_agb, envelope.law, envelope.number, ident)
        if earlier is not None:
            if earlier[1] != data:
                raise AlreadyReceived(
                    f"{envelope.name} {ident} was received before with other content (TR056: the "
                    "Identificatie is unique per message type); nothing was stored"
                )
            answered = _stored(uow, _answered_by(uow, earlier[0]), provider_agb)
            return Received(
                envelope.name, "duplicate", refused, [], answered, "received before: recorded then"
            )
        target = uow.messages.sent(municipality, provider_agb, envelope.law, answered_type, answers_ident)
        if target is None:
            raise UnusableMessage(
                f"{envelope.name} {ident}: it answers {envelope.law.message_prefix}{answered_type} "
                f"{answers_ident}, which {municipality} did not send to {provider_agb}; nothing was stored"
            )
        uow.messages.add(
            direction="in", law=envelope.law.value, message_type=envelope.number, identification=ident,
            sender=provider_agb, receiver=municipality[:8], dated=header.dagtekening_retour or header.bericht_identificatie.dagtekening,
            municipality_code=municipality[:4], provider_agb=provider_agb, status="recorded", created_at=now,
            exported_at=None, in_reply_to=target, file_name=name[-255:], content=data, summary=summary,
        )  # fmt: skip
        answered = _stored(uow, target, provider_agb)
        try:
            uow.commit()
        except IntegrityError:  # the same Identificatie at the same moment: the other one won
            raise AlreadyReceived(
                f"{envelope.name} {ident} was received at the same moment; nothing was stored"
            ) from None
    return Received(envelope.name, "recorded", refused, [], answered, summary)


def _answered_by(uow: UnitOfWork, inbox_id: int) -> int:
    """The outgoing message an inbox retour was recorded against."""
    return uow.messages.in_reply_to(inbox_id) or 0


def _stored(uow: UnitOfWork, message_id: int, provider_agb: str) -> StoredMessage | None:
    found = uow.messages.outgoing_to(message_id, provider_agb)
    return None if found is None else found[0]


# -- the outbox ---------------------------------------------------------------------------------


def _require_channel(uow: UnitOfWork, provider_agb: str) -> None:
    with uow:
        channel = uow.messages.delivery_channel(provider_agb)
    if channel is None:
        raise WrongChannel(f"provider {provider_agb} is not a provider of this region")
    if not may_deliver(DeliveryChannel(channel), DeliveryChannel.API):
        raise WrongChannel(
            f"provider {provider_agb} exchanges messages as files (messages export); the region switches it "
            f"with `zorginkoop providers channel {provider_agb} api`"
        )


def check_types(types: Sequence[str]) -> tuple[str, ...]:
    """The outbox types asked for (all when none), or :class:`UnusableMessage`."""
    wrong = [x for x in types if x not in OUTBOX_TYPES]
    if wrong:
        raise UnusableMessage(f"type {wrong[0]}: the outbox holds {', '.join(OUTBOX_TYPES)}")
    return tuple(types) or OUTBOX_TYPES


def pending(uow: UnitOfWork, provider_agb: str, types: Sequence[str] = ()) -> list[StoredMessage]:
    """What is addressed to the provider and not yet acknowledged, oldest first. Changes
    nothing (no status, no log row: the list holds no personal data, only ids and types)."""
    wanted = check_types(types)
    _require_channel(uow, provider_agb)
    with uow:
        return uow.messages.addressed_to(provider_agb, wanted)


def fetch(uow: UnitOfWork, provider_agb: str, message_id: int) -> tuple[StoredMessage, bytes]:
    """One message addressed to the provider and its XML; :class:`NotAddressed` otherwise. The
    read of the clients in it is logged; its status does not change."""
    _require_channel(uow, provider_agb)
    with uow:
        found = uow.messages.outgoing_to(message_id, provider_agb)
        if found is None:
            raise NotAddressed(f"message {message_id}: no such message for provider {provider_agb}")
        message, content = found  # the repository logged each client the content names
        uow.commit()
    return message, content


def acknowledge(uow: UnitOfWork, provider_agb: str, message_id: int, now: datetime) -> StoredMessage:
    """Mark one message delivered (status exported, when and by whom: the unit of work's actor).
    Acknowledging it again changes nothing and answers as before; a message of another provider
    is :class:`NotAddressed`."""
    _require_channel(uow, provider_agb)
    with uow:
        uow.serialise([f"delivery:{provider_agb}"])
        if uow.messages.outgoing_to(message_id, provider_agb) is None:
            raise NotAddressed(f"message {message_id}: no such message for provider {provider_agb}")
        if uow.messages.delivery_channel(provider_agb) != DeliveryChannel.API.value:
            raise WrongChannel(f"provider {provider_agb} was switched to files; nothing was acknowledged")
        uow.messages.acknowledge(message_id, provider_agb, now.replace(tzinfo=None), uow.actor)
        found = uow.messages.outgoing_to(message_id, provider_agb)
        uow.commit()
    assert found is not None
    return found[0]


def switch_channel(uow: UnitOfWork, provider_agb: str, channel: DeliveryChannel) -> DeliveryChannel:
    """Set the channel the provider's outbox is delivered on; returns the one it was on. Waits
    for an export or acknowledgement of the provider that is running."""
    with uow:
        uow.serialise([f"delivery:{provider_agb}"])
        before = uow.messages.delivery_channel(provider_agb)
        if before is None:
            raise ChannelError(f"provider {provider_agb}: no such provider (see `zorginkoop providers list`)")
        uow.messages.set_delivery_channel(provider_agb, channel.value)
        uow.commit()
    return DeliveryChannel(before)
