# SPDX-License-Identifier: EUPL-1.2
"""The back office's screens: messages in and out (upload a provider's message and see its
outcome and answers; the outbox per type and provider; retours received), declarations with
their 325s, the payments ledger and the stop worklist. Thin routes over the use cases the
command line and the API call (:mod:`zorginkoop.services.incoming`, ``mailbox``,
``declarations``, ``spending``, ``stops``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Request, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.bootstrap import Platform
from zorginkoop.domain.accounts import Role, User
from zorginkoop.domain.periods import Period
from zorginkoop.services import declarations, incoming, mailbox, spending, stops
from zorginkoop.services.allocations import WorkflowError
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
from zorginkoop.web.ui.session import CsrfChecked, WebUseCaseUnitOfWork, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

BackOffice = Annotated[User, Depends(require_web_roles(Role.BACKOFFICE))]
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
AGB = re.compile(r"\d{8}")
MONTH = re.compile(r"\d{4}-\d{2}")


def _uow(platform: Platform, user: User) -> UnitOfWork:
    """A fresh unit of work as the user (each use case opens and commits its own)."""
    return platform.unit_of_work(actor=user.login, scope=user.scope())


# -- messages -----------------------------------------------------------------------------------
def _messages_page(
    request: Request,
    platform: PlatformDep,
    user: User,
    context: dict[str, object] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    pending = mailbox.outbox_overview(_uow(platform, user))
    retours = mailbox.received(_uow(platform, user), mailbox.RETOUR_TYPES)
    received = mailbox.received(_uow(platform, user), ("305", "307", "315", "317"))
    return render(
        request,
        "backoffice/berichten.html",
        {"pending": pending, "retours": retours, "received": received, "types": TYPE_NL,
         "statuses": STATUS_NL, "errors": {}, **(context or {})},
        status_code,
    )  # fmt: skip


@router.get("/backoffice/berichten", response_class=HTMLResponse)
def messages_page(request: Request, platform: PlatformDep, user: BackOffice) -> HTMLResponse:
    return _messages_page(request, platform, user)


@router.post("/backoffice/berichten", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def upload(
    request: Request,
    platform: PlatformDep,
    user: BackOffice,
    uow: WebUseCaseUnitOfWork,
    bestand: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    """Take in one message a provider sent (305, 307, 315, 317, 323), as ``messages import`` and
    ``declarations process`` do: its outcome and answers, or one Dutch line and nothing stored."""
    limits = limits_of(platform.settings)
    got = await read_upload(bestand, limits)
    error, detail = got.error, None
    outcome = None
    if error is None:
        try:
            received = await run_in_threadpool(
                incoming.receive_at_region, uow, got.data, f"web:{got.name}", datetime.now(UTC),
                limits=limits, end_on_stop=platform.settings.ends_on_stop,
            )  # fmt: skip
            outcome = outcome_view(received)
        except incoming.OutsideScope as exc:
            error, detail = (
                "Dit bericht is niet gericht aan een gemeente waarvoor u werkt. Er is niets opgeslagen.",
                str(exc),
            )
        except incoming.NotTaken as exc:
            error, detail = ("Dit bericht verwerkt de regio niet: stuur een 305, 307, 315, 317 of 323. "
                             "Er is niets opgeslagen."), str(exc)  # fmt: skip
        except incoming.NotReceivable as exc:
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


@router.get("/backoffice/berichten/{message_id}/xml")
def download(message_id: MessageId, _user: BackOffice, uow: WebUseCaseUnitOfWork) -> Response:
    """One message in or out as XML (a 325, a retour, a 301...); 404 outside the user's scope."""
    found = mailbox.message(uow, message_id)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND)
    stored, content = found
    return xml_download(content, stored.file_name.removeprefix("web:").removeprefix("api:").replace(":", "_"))


# -- declarations -------------------------------------------------------------------------------
@router.get("/backoffice/declaraties", response_class=HTMLResponse)
def declarations_page(
    request: Request,
    _user: BackOffice,
    uow: WebUseCaseUnitOfWork,
    aanbieder: str = "",
    periode: str = "",
) -> HTMLResponse:
    """The declarations answered (each 323 file and its 325), per provider and period."""
    errors: dict[str, str] = {}
    agb = aanbieder.strip()
    if agb and not AGB.fullmatch(agb):
        errors["aanbieder"] = "Vul een AGB-code van 8 cijfers in, of laat het veld leeg."
    month = None
    if periode.strip():
        try:
            if not MONTH.fullmatch(periode.strip()):
                raise ValueError(periode)
            month = Period.parse_month(periode.strip())
        except ValueError:
            errors["periode"] = "Vul de periode in als jaar en maand, bijvoorbeeld 2021-01."
    rows = [] if errors else declarations.answered(uow, agb or None, month)
    return render(
        request,
        "backoffice/declaraties.html",
        {"rows": rows, "errors": errors, "aanbieder": aanbieder, "periode": periode, "statuses": STATUS_NL},
        400 if errors else 200,
    )


# -- payments -----------------------------------------------------------------------------------
def _year(text: str, default: int) -> tuple[int, str | None]:
    if not text.strip():
        return default, None
    if text.strip().isdigit() and 2000 <= int(text.strip()) <= 2100:
        return int(text.strip()), None
    return default, "Vul een jaar in van vier cijfers, bijvoorbeeld 2021."


@router.get("/backoffice/betalingen", response_class=HTMLResponse)
def payments_page(request: Request, platform: PlatformDep, user: BackOffice, jaar: str = "") -> HTMLResponse:
    """The payments ledger of a year (by ProductPeriode), as ``declarations ledger``; the
    subtotals per municipality and the total in a table of their own."""
    year, error = _year(jaar, spending.last_paid_year(_uow(platform, user)) or date.today().year)
    book = spending.payments_ledger(_uow(platform, user), year)
    return render(
        request, "backoffice/betalingen.html",
        {"book": book, "year": year, "jaar": jaar or str(year), "errors": {"jaar": error} if error else {}},
        400 if error else 200,
    )  # fmt: skip


# -- the stop worklist --------------------------------------------------------------------------
@router.get("/backoffice/stoplijst", response_class=HTMLResponse)
def stop_worklist(
    request: Request, _user: BackOffice, uow: WebUseCaseUnitOfWork, alles: int = 0, klaar: str = ""
) -> HTMLResponse:
    """The stop worklist: definitive stops (307) whose allocation the municipality ends or keeps."""
    items = stops.stop_items(uow, everything=bool(alles))
    done = {"beeindigd": "De toewijzing is beëindigd; de gewijzigde toewijzing (301) staat klaar.",
            "afgewezen": "De stopmelding is afgehandeld; de toewijzing blijft zoals zij is."}.get(klaar)  # fmt: skip
    return render(
        request, "backoffice/stoplijst.html", {"items": items, "everything": bool(alles), "done": done}
    )


def _decide(request: Request, platform: PlatformDep, user: User, item_id: int, end: bool) -> Response:
    uow = _uow(platform, user)
    try:
        if end:
            stops.end_stop(uow, item_id, datetime.now(UTC))
        else:
            stops.dismiss_stop(uow, item_id, datetime.now(UTC))
    except WorkflowError as exc:
        if "no stop worklist item" in str(exc):
            raise HTTPException(status.HTTP_404_NOT_FOUND) from None
        items = stops.stop_items(_uow(platform, user))
        return render(request, "backoffice/stoplijst.html", {
            "items": items, "everything": False,
            "failure": "Dit kan niet: de stopmelding is al afgehandeld of de toewijzing kan zo niet worden beëindigd.",
            "detail": str(exc),
        }, 400)  # fmt: skip
    return RedirectResponse(
        f"/backoffice/stoplijst?klaar={'beeindigd' if end else 'afgewezen'}", status_code=303
    )


@router.post("/backoffice/stoplijst/{item_id}/beeindigen", dependencies=[CsrfChecked])
def end_allocation(request: Request, platform: PlatformDep, user: BackOffice, item_id: ItemId) -> Response:
    """End the allocation at the stop date; its changed 301 waits in the outbox."""
    return _decide(request, platform, user, item_id, end=True)


@router.post("/backoffice/stoplijst/{item_id}/afwijzen", dependencies=[CsrfChecked])
def keep_allocation(request: Request, platform: PlatformDep, user: BackOffice, item_id: ItemId) -> Response:
    """Keep the allocation as it is (OP279 still limits what is paid on it)."""
    return _decide(request, platform, user, item_id, end=False)
