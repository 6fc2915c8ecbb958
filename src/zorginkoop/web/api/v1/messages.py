# SPDX-License-Identifier: EUPL-1.2
"""A provider's messages: ``POST /api/v1/messages`` sends one iWmo/iJw message,
``GET /api/v1/messages`` lists what the region sent it and it has not acknowledged,
``GET /api/v1/messages/{id}`` gives one as XML, ``POST /api/v1/messages/{id}/ack`` marks it
delivered. Role ``aanbieder`` only; thin routes over :mod:`zorginkoop.services.provider_channel`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from pydantic import Field
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.exchange import StoredMessage
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import Limits
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.provider_channel import OUTBOX_TYPES
from zorginkoop.services import provider_channel as pc
from zorginkoop.web.deps import PlatformDep, require_roles
from zorginkoop.web.schemas import ApiModel, Problem

router = APIRouter(
    tags=["messages"],
    responses={
        401: {"model": Problem, "description": "not signed in, or the token is not valid"},
        403: {"model": Problem, "description": "not a provider's account (role aanbieder)"},
    },
)

Provider = Annotated[User, Depends(require_roles(Role.AANBIEDER))]
XML_TYPES = ("application/xml", "text/xml")
OutboxType = Literal["301", "306", "308", "316", "318", "319", "325"]
assert set(OutboxType.__args__) == set(OUTBOX_TYPES)  # type: ignore[attr-defined]


# -- bodies -------------------------------------------------------------------------------------
class AnswerMessage(ApiModel):
    """A message of ours that answers what was sent: the retour, 319s, 301s or the 325. It also
    waits in the outbox until acknowledged."""

    id: int
    type: str = Field(examples=["325"])
    identification: str
    file_name: str
    href: str = Field(description="where to fetch it as XML")
    xml: str


class AnsweredMessage(ApiModel):
    """Our 301 or 319 a 302 or 320 answers."""

    id: int
    type: str
    identification: str


class MessageOutcome(ApiModel):
    """What sending one message came to."""

    message: str = Field(examples=["WMO323"])
    status: str = Field(
        description="processed, rejected (refused as a whole), refused (a 323 refused in its 325), "
        "duplicate (sent before: the answers of then again), recorded (a 302/320)"
    )
    codes: dict[str, list[str]] = Field(
        description="305-317: our RetourCodes other than 0200 per element; 323: the codes given; "
        "302/320: the elements you refused, with your RetourCodes"
    )
    answers: list[AnswerMessage]
    answered: AnsweredMessage | None = None
    summary: str


class OutboxMessage(ApiModel):
    """A message addressed to the caller that waits to be acknowledged."""

    id: int
    type: str
    law: str
    identification: str
    sender: str
    receiver: str
    dated: date
    created_at: datetime
    file_name: str
    href: str


class Acknowledged(ApiModel):
    id: int
    type: str
    identification: str
    status: str
    exported_at: datetime | None
    exported_by: str | None


# -- routes -------------------------------------------------------------------------------------
def _uow(platform: PlatformDep, user: Provider) -> UnitOfWork:
    """A unit of work reading as the provider (the use cases open and commit it themselves)."""
    return platform.unit_of_work(actor=user.login, scope=user.scope())


ProviderUoW = Annotated[UnitOfWork, Depends(_uow)]
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the message's id, as listed")]


def _refused(exc: pc.ChannelError) -> HTTPException:
    code = {
        pc.NotOwnSender: status.HTTP_403_FORBIDDEN,
        pc.NotAddressed: status.HTTP_404_NOT_FOUND,
        pc.WrongChannel: status.HTTP_409_CONFLICT,
        pc.AlreadyReceived: status.HTTP_409_CONFLICT,
    }.get(type(exc), status.HTTP_400_BAD_REQUEST)
    return HTTPException(code, str(exc).splitlines()[0])


def _href(message_id: int) -> str:
    return f"/api/v1/messages/{message_id}"


@router.post(
    "/messages",
    response_model=MessageOutcome,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses={
        400: {
            "model": Problem,
            "description": "not a readable message we take from a provider; nothing stored",
        },
        403: {
            "model": Problem,
            "description": "sent in another party's name, or not a provider; nothing stored",
        },
        409: {
            "model": Problem,
            "description": "your outbox is delivered as files, or the Identificatie was used",
        },
        415: {"model": Problem, "description": "the body is not application/xml"},
        503: {"model": Problem, "description": "the same message is being processed: send it again"},
    },
)
async def send(request: Request, platform: PlatformDep, user: Provider, uow: ProviderUoW) -> MessageOutcome:
    """Send one iWmo/iJw 3.2 message (305, 307, 315, 317, 323, 302, 320) as the body
    (``Content-Type: application/xml``). Every message is processed within the request: the
    answer is 200 with the outcome and our answers (the retour, 319s and 301s; the 325 for a
    323), which also wait in your outbox until you acknowledge them."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in XML_TYPES:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the message as application/xml")
    data = await request.body()
    settings = platform.settings
    limits = Limits(max_bytes=settings.max_message_bytes, max_depth=settings.max_message_depth)
    assert user.provider_agb is not None  # an aanbieder is tied to its provider
    try:
        got = await run_in_threadpool(
            pc.receive,
            uow,
            user.provider_agb,
            data,
            datetime.now(UTC),
            limits=limits,
            end_on_stop=settings.ends_on_stop,
        )
    except pc.ChannelError as exc:
        raise _refused(exc) from None
    except (IntegrityError, OperationalError):  # another request with the same message at the same moment
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, "the store is busy with this message: send it again"
        ) from None
    return MessageOutcome(
        message=got.message,
        status=got.status,
        codes={path: list(codes) for path, codes in got.codes.items()},
        answers=[
            AnswerMessage(
                id=a.id,
                type=a.message_type,
                identification=a.identification,
                file_name=a.file_name,
                href=_href(a.id),
                xml=a.content.decode("utf-8"),
            )
            for a in got.answers
        ],
        answered=None
        if got.answered is None
        else AnsweredMessage(
            id=got.answered.id, type=got.answered.message_type, identification=got.answered.identification
        ),
        summary=got.summary,
    )


def _listed(m: StoredMessage) -> OutboxMessage:
    return OutboxMessage(
        id=m.id, type=m.message_type, law=m.law.value, identification=m.identification, sender=m.sender,
        receiver=m.receiver, dated=m.dated, created_at=m.created_at, file_name=m.file_name, href=_href(m.id),
    )  # fmt: skip


@router.get(
    "/messages",
    response_model=list[OutboxMessage],
    responses={409: {"model": Problem, "description": "your outbox is delivered as files"}},
)
def outbox(
    user: Provider, uow: ProviderUoW, type: Annotated[list[OutboxType] | None, Query()] = None
) -> list[OutboxMessage]:
    """What the region sent you and you have not acknowledged yet, oldest first (one or more
    ``type``; all when none). Listing changes nothing."""
    assert user.provider_agb is not None
    try:
        return [_listed(m) for m in pc.pending(uow, user.provider_agb, list(type or ()))]
    except pc.ChannelError as exc:
        raise _refused(exc) from None


@router.get(
    "/messages/{message_id}",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {}}, "description": "the message as XML"},
        404: {"model": Problem, "description": "no such message for you"},
        409: {"model": Problem, "description": "your outbox is delivered as files"},
    },
)
def message(message_id: MessageId, user: Provider, uow: ProviderUoW) -> Response:
    """One message addressed to you, as XML (acknowledged or not). Fetching changes nothing."""
    assert user.provider_agb is not None
    try:
        _, content = pc.fetch(uow, user.provider_agb, message_id)
    except pc.ChannelError as exc:
        raise _refused(exc) from None
    return Response(content, media_type="application/xml")


@router.post(
    "/messages/{message_id}/ack",
    response_model=Acknowledged,
    responses={
        404: {"model": Problem, "description": "no such message for you"},
        409: {"model": Problem, "description": "your outbox is delivered as files"},
    },
)
def acknowledge(message_id: MessageId, user: Provider, uow: ProviderUoW) -> Acknowledged:
    """Mark a message delivered (status exported, with when and by whom); it leaves the list.
    Acknowledging it again changes nothing."""
    assert user.provider_agb is not None
    try:
        m = pc.acknowledge(uow, user.provider_agb, message_id, datetime.now(UTC))
    except pc.ChannelError as exc:
        raise _refused(exc) from None
    return Acknowledged(
        id=m.id, type=m.message_type, identification=m.identification, status=m.status,
        exported_at=m.exported_at, exported_by=m.exported_by,
    )  # fmt: skip
