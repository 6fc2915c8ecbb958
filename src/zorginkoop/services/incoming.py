# SPDX-License-Identifier: EUPL-1.2
"""Use case: receive one iWmo/iJw 3.2 message a provider sends, whatever the way in.

The provider's API (``POST /api/v1/messages``) and the provider's web upload go through
:func:`zorginkoop.services.provider_channel.receive`, which checks first that the provider
sends in its own name; the back office's web upload goes through :func:`receive_at_region`,
which checks that the message is addressed to a municipality the user works for. Both then
come here (:func:`process`): 305, 307, 315 and 317 through
:func:`zorginkoop.services.exchange.import_message` (as ``messages import``; the retour, 319s
and 301s stored pending in the outbox), 323 through
:func:`zorginkoop.services.declarations.process_message` (as ``declarations process``; the 325
stored pending). One path of processing, whatever the way in.

Bytes that are not a readable message, or not one this way in takes, raise
:class:`NotReceivable` before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from zorginkoop.adapters.db.exchange import StoredMessage
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Limits
from zorginkoop.adapters.istandaarden.envelope import Envelope, read_envelope
from zorginkoop.adapters.istandaarden.errors import MessageError
from zorginkoop.services import analytics, declarations, exchange

PROCESSED = ("305", "307", "315", "317", "323")
"""The provider's messages the region processes and answers (starts, stops, requests,
declarations); its retours 302/320 are recorded by the provider channel."""


class NotReceivable(ValueError):
    """The bytes are not a message this way in takes; nothing was stored. One line."""


class NotTaken(NotReceivable):
    """A readable message of a type this way in does not take; nothing was stored."""


class OutsideScope(NotReceivable):
    """The message is addressed to a municipality the user does not work for; nothing stored."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A message of ours that answers what was received (stored pending in the outbox)."""

    id: int
    message_type: str
    identification: str
    file_name: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Received:
    """What receiving one message came to."""

    message: str
    """e.g. WMO323."""
    status: str
    """processed, rejected (refused as a whole), refused (a 323 refused in its 325), duplicate
    (the same bytes before: the answers of then again), recorded (a 302/320)."""
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """305-317: our RetourCodes other than 0200 per path; 323: the codes given; 302/320: the
    elements the provider refused, with its RetourCodes."""
    answers: list[Answer] = field(default_factory=list)
    """Our retour, 319s, 301s or the 325, in order."""
    answered: StoredMessage | None = None
    """302/320: our 301/319 it answers."""
    summary: str = ""


def read(data: bytes, limits: Limits) -> Envelope:
    """The envelope of ``data`` (its type, Afzender, Ontvanger, Identificatie), or
    :class:`NotReceivable` when the bytes are too large or not a readable message."""
    if len(data) > limits.max_bytes:
        raise NotReceivable(
            f"the message is {len(data):,} bytes, more than the limit of {limits.max_bytes:,} "
            "(ZORGINKOOP_MAX_MESSAGE_BYTES); nothing was stored"
        )
    try:
        return read_envelope(data, limits)
    except MessageError as exc:
        raise NotReceivable(
            f"not a readable iWmo/iJw 3.2 message: {exc.errors[0].message}; nothing was stored"
        ) from None


def process(
    uow: UnitOfWork,
    envelope: Envelope,
    data: bytes,
    name: str,
    now: datetime,
    *,
    limits: Limits,
    end_on_stop: bool = True,
) -> Received:
    """Process a 305, 307, 315, 317 or 323 whose envelope was read and checked; each in one
    transaction, its answers stored pending in the outbox. ``uow`` is not open yet."""
    now = now.replace(tzinfo=None)
    if envelope.number == "323":
        try:
            done = declarations.process_message(
                uow.engine, data, name, now=now, limits=limits, actor=uow.actor
            )
        except declarations.DeclarationFileError as exc:
            raise NotReceivable(str(exc)) from None
        r = done.result
        answers = [] if done.answer_id is None else [_answer(done.answer_id, done.answer_name, done.answer)]
        return Received(envelope.name, r.status, {code: (code,) for code in r.codes}, answers, None, r.note)
    if envelope.number not in PROCESSED:
        raise NotTaken(
            f"a {envelope.name} is not processed here ({', '.join(PROCESSED)}); nothing was stored"
        )
    try:
        outcome = exchange.import_message(uow, data, name, now, end_on_stop=end_on_stop)
    except exchange.UnreadableMessage as exc:
        raise NotReceivable(f"{exc}; nothing was stored") from None
    # the analytics extract follows (never failing the import; a 323 refreshes in declarations)
    analytics.refresh_after_import(uow.engine, uow.settings)
    answers = [
        _answer(o.message_id, o.file_name, o.content) for o in outcome.outgoing if o.message_id is not None
    ]
    return Received(outcome.message, outcome.status, outcome.codes, answers, None, outcome.summary)


def _answer(message_id: int, file_name: str, content: bytes) -> Answer:
    # WMO301_<afzender>_<ontvanger>_<identificatie>.xml (domain.exchange.file_name)
    head, *_, ident = file_name.removesuffix(".xml").split("_")
    return Answer(message_id, head[-3:], ident, file_name, content)


def receive_at_region(
    uow: UnitOfWork,
    data: bytes,
    name: str,
    now: datetime,
    *,
    limits: Limits,
    end_on_stop: bool = True,
) -> Received:
    """The back office takes in one message a provider sent (a file it received otherwise):
    305, 307, 315, 317 or 323, addressed to a municipality in the unit of work's scope, else
    :class:`OutsideScope` and nothing is stored. ``uow`` is not open yet."""
    envelope = read(data, limits)
    if envelope.number not in PROCESSED:
        raise NotTaken(
            f"a {envelope.name} is not a message the region takes in ({', '.join(PROCESSED)}); nothing was stored"
        )
    municipality = envelope.ontvanger.strip()[:4]
    if not uow.scope.sees_municipality(municipality):
        raise OutsideScope(
            f"{envelope.name} {envelope.identificatie}: Ontvanger {envelope.ontvanger} is not a municipality "
            "you work for; nothing was stored"
        )
    return process(uow, envelope, data, name, now, limits=limits, end_on_stop=end_on_stop)
