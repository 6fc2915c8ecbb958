# SPDX-License-Identifier: EUPL-1.2
"""The provider's (aanbieder's) screens, scoped to its own AGB code: its allocations in force and
its clients, sending a message and fetching the answers addressed to it, its declarations and
the use of its contract ceilings. The same use cases as the API's ``/api/v1/allocations``,
``/api/v1/clients/search`` and ``/api/v1/messages`` (:mod:`zorginkoop.services.clients`,
:mod:`zorginkoop.services.provider_channel`), and ``declarations``/``spending``."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.provider_channel import OUTBOX_TYPES, DeliveryChannel
from zorginkoop.services import clients, declarations, spending
from zorginkoop.services import provider_channel as pc
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui.messages_nl import (
    STATUS_NL,
    TYPE_NL,
    UNREADABLE_NL,
    limits_of,
    outcome_view,
    read_upload,
    xml_download,
)
from zorginkoop.web.ui.session import CsrfChecked, WebUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

ProviderUser = Annotated[User, Depends(require_web_roles(Role.AANBIEDER))]
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")

FILES_CHANNEL_NL = (
    "Uw berichten lopen via bestanden (het landelijke berichtenverkeer): u ontvangt ze daar en "
    "verstuurt ze daar. Wilt u ze hier ophalen en versturen, vraag de regio dan uw kanaal om te zetten naar de API."
)


def _uow(platform: Platform, user: User) -> UnitOfWork:
    """A fresh unit of work as the provider (each use case opens and commits its own)."""
    return platform.unit_of_work(actor=user.login, scope=user.scope())


def _agb(user: User) -> str:
    assert user.provider_agb is not None  # an aanbieder is tied to its provider
    return user.provider_agb


# -- allocations and clients --------------------------------------------------------------------
@router.get("/aanbieder/toewijzingen", response_class=HTMLResponse)
def allocations_page(request: Request, user: ProviderUser, uow: WebUnitOfWork, op: str = "") -> HTMLResponse:
    """The provider's allocations in force on a day (default today) with their clients."""
    errors: dict[str, str] = {}
    day = date.today()
    if op.strip():
        try:
            if not DAY.fullmatch(op.strip()):
                raise ValueError(op)
            day = date.fromisoformat(op.strip())
        except ValueError:
            errors["op"] = "Vul een datum in als jaar-maand-dag, bijvoorbeeld 2020-12-01."
    rows = [] if errors else clients.allocations_with_clients(uow, day, _agb(user))
    uow.commit()  # the processing-log entries of this read
    last = None if rows or errors else uow.allocations.last_day_in_force(day, _agb(user))
    return render(
        request, "provider/toewijzingen.html",
        {"rows": rows, "day": day, "op": op or day.isoformat(), "errors": errors, "last_day": last},
        400 if errors else 200,
    )  # fmt: skip


@router.post("/aanbieder/client", response_class=HTMLResponse, dependencies=[CsrfChecked])
def client_page(
    request: Request,
    _user: ProviderUser,
    uow: WebUnitOfWork,
    bsn: Annotated[str, Form(max_length=20)] = "",
) -> HTMLResponse:
    """One of the provider's clients with the decisions and allocations it may see; a client
    without an allocation to this provider is 404, like an unknown BSN (POST: no BSN in URLs)."""
    if not re.fullmatch(r"\d{9}", bsn.strip()):
        return render(
            request,
            "provider/client.html",
            {"found": None, "errors": {"bsn": "Vul een BSN van 9 cijfers in."}},
            400,
        )
    found = clients.client_file(uow, bsn.strip())
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, "Deze cliënt heeft geen toewijzing aan u, of bestaat niet."
        )
    uow.commit()  # the processing-log entries of this read
    return render(request, "provider/client.html", {"found": found, "errors": {}})


# -- messages -----------------------------------------------------------------------------------
def _messages_page(
    request: Request, platform: PlatformDep, user: User, context: dict[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    context = dict(context or {})
    kind = str(context.get("kind") or "")
    errors = dict(context.pop("errors", None) or {})  # type: ignore[call-overload]
    try:
        pending = pc.pending(_uow(platform, user), _agb(user), [kind] if kind else [])
        on_files = False
    except pc.WrongChannel:
        pending, on_files = [], True
    except pc.UnusableMessage:  # a type the outbox does not hold
        pending, on_files, status_code = [], False, 400
        errors["soort"] = "Kies een soort bericht uit de lijst."
    return render(request, "provider/berichten.html", {
        "pending": pending, "on_files": on_files, "files_channel": FILES_CHANNEL_NL, "types": TYPE_NL,
        "kinds": [(k, f"{k} {TYPE_NL[k]}") for k in OUTBOX_TYPES], "kind": kind, "errors": errors, **context,
    }, status_code)  # fmt: skip


@router.get("/aanbieder/berichten", response_class=HTMLResponse)
def messages_page(
    request: Request, platform: PlatformDep, user: ProviderUser, bevestigd: int = 0, soort: str = ""
) -> HTMLResponse:
    """What the region sent the provider and it has not acknowledged (of one type), and sending a message."""
    acknowledged = bevestigd if bevestigd > 0 else None
    return _messages_page(request, platform, user, {"acknowledged": acknowledged, "kind": soort.strip()[:3]})


@router.post("/aanbieder/berichten", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def send(
    request: Request,
    platform: PlatformDep,
    user: ProviderUser,
    bestand: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Send one message (305, 307, 315, 317, 323, 302, 320) as ``POST /api/v1/messages`` does:
    only in the provider's own name (else one Dutch line and nothing stored)."""
    settings = platform.settings
    limits = limits_of(settings)
    got = await read_upload(bestand, limits)
    error, detail, outcome = got.error, None, None
    if error is None:
        try:
            received = await run_in_threadpool(
                pc.receive, _uow(platform, user), _agb(user), got.data, datetime.now(UTC),
                limits=limits, end_on_stop=settings.ends_on_stop,
            )  # fmt: skip
            outcome = outcome_view(received)
        except pc.NotOwnSender as exc:
            error = (f"U kunt alleen berichten versturen met uw eigen AGB-code {_agb(user)} als afzender. "
                     "Er is niets opgeslagen.")  # fmt: skip
            detail = str(exc)
        except pc.WrongChannel as exc:
            error, detail = FILES_CHANNEL_NL + " Er is niets opgeslagen.", str(exc)
        except pc.AlreadyReceived as exc:
            error = "Een bericht met deze Identificatie is al eerder ontvangen, met andere inhoud. Er is niets opgeslagen."
            detail = str(exc)
        except pc.ChannelError as exc:
            error, detail = UNREADABLE_NL, str(exc)
        except (IntegrityError, OperationalError):
            error = "Dit bericht wordt op dit moment al verwerkt. Probeer het over enkele seconden opnieuw."
    if error is not None:
        return _messages_page(
            request,
            platform,
            user,
            {"errors": {"bestand": error}, "detail": detail, "file_name": got.name},
            400,
        )
    return _messages_page(request, platform, user, {"outcome": outcome, "file_name": got.name})


def _refused(exc: pc.ChannelError) -> HTTPException:
    if isinstance(exc, pc.WrongChannel):
        return HTTPException(status.HTTP_409_CONFLICT, FILES_CHANNEL_NL)
    return HTTPException(status.HTTP_404_NOT_FOUND)


@router.get("/aanbieder/berichten/{message_id}/xml")
def download(message_id: MessageId, platform: PlatformDep, user: ProviderUser) -> Response:
    """One message addressed to the provider as XML, as ``GET /api/v1/messages/{id}``; fetching
    changes nothing (acknowledge it to mark it received)."""
    try:
        stored, content = pc.fetch(_uow(platform, user), _agb(user), message_id)
    except pc.ChannelError as exc:
        raise _refused(exc) from None
    return xml_download(content, stored.file_name)


@router.post("/aanbieder/berichten/{message_id}/bevestigen", dependencies=[CsrfChecked])
def acknowledge(message_id: MessageId, platform: PlatformDep, user: ProviderUser) -> Response:
    """Mark a message received, as ``POST /api/v1/messages/{id}/ack``: it leaves the list."""
    try:
        pc.acknowledge(_uow(platform, user), _agb(user), message_id, datetime.now(UTC))
    except pc.ChannelError as exc:
        raise _refused(exc) from None
    return RedirectResponse(f"/aanbieder/berichten?bevestigd={message_id}", status_code=303)


# -- declarations and ceilings ------------------------------------------------------------------
@router.get("/aanbieder/declaraties", response_class=HTMLResponse)
def declarations_page(
    request: Request, platform: PlatformDep, user: ProviderUser, jaar: str = ""
) -> HTMLResponse:
    """The provider's declarations with their 325s, and how far its contract ceilings are used."""
    errors: dict[str, str] = {}
    default = spending.last_paid_year(_uow(platform, user)) or date.today().year
    year = default
    if jaar.strip():
        if jaar.strip().isdigit() and 2000 <= int(jaar.strip()) <= 2100:
            year = int(jaar.strip())
        else:
            errors["jaar"] = "Vul een jaar in van vier cijfers, bijvoorbeeld 2021."
    rows = declarations.answered(_uow(platform, user), _agb(user))
    ceilings = spending.contract_ceilings(_uow(platform, user), year, _agb(user))
    with _uow(platform, user) as uow:
        channel = uow.messages.delivery_channel(_agb(user))
    return render(request, "provider/declaraties.html", {
        "rows": rows, "ceilings": ceilings, "year": year, "jaar": jaar or str(year), "errors": errors,
        "statuses": STATUS_NL, "on_files": channel != DeliveryChannel.API.value, "files_channel": FILES_CHANNEL_NL,
    }, 400 if errors else 200)  # fmt: skip
