# SPDX-License-Identifier: EUPL-1.2
"""The privacy officer's screens: search the processing log (Logboek Dataverwerkingen) by data
subject, actor, processing activity and period, and download one citizen's entries (AVG art. 15).

The same use cases as ``zorginkoop log search`` / ``export`` and ``POST
/api/v1/processing-log/search`` (services/processing_log.py). The BSN travels only in POST
bodies, never in a URL; the log holds it only as its pseudonym. A search by BSN and an export
are themselves logged for that citizen (activity ``privacy``), as the CLI and the API do.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from zorginkoop.adapters.db.repositories import load_register
from zorginkoop.domain.accounts import Role, User
from zorginkoop.services import processing_log
from zorginkoop.web.deps import PlatformDep
from zorginkoop.web.ui.session import CsrfChecked, require_web_roles
from zorginkoop.web.ui.templating import render

router = APIRouter(include_in_schema=False)

LOG_PATH = "/privacy/verwerkingslog"
PAGE_LIMIT = 500
"""At most this many entries on the page (oldest first); a narrower search shows the rest."""
EXPORT_FORMATS = ("json", "csv")

PrivacyOfficer = Annotated[User, Depends(require_web_roles(Role.PRIVACY))]
Text = Annotated[str, Form()]
"""A form field; every one is checked with a Dutch error of its own (no 422 JSON on a page)."""


def _activities() -> list[tuple[str, str]]:
    register = load_register()
    return [(a.id, f"{a.name} ({a.id})") for a in sorted(register.activities.values(), key=lambda a: a.id)]


def _day(text: str) -> date | None:
    """A date as the date field sends it (``2026-12-02``) or as Dutch users type it (``2-12-2026``)."""
    value = text.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    parts = value.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            return None
    return None


def _bsn_error(bsn: str) -> str | None:
    text = bsn.strip()
    if len(text) == 9 and text.isascii() and text.isdigit():
        return None
    return "Een BSN bestaat uit negen cijfers, bijvoorbeeld 123456782."


def _query(values: dict[str, str]) -> tuple[processing_log.Search | None, dict[str, str]]:
    """The search the form asks for, or the Dutch errors per field."""
    errors: dict[str, str] = {}
    bsn = values["bsn"].strip()
    if bsn and (problem := _bsn_error(bsn)):
        errors["bsn"] = problem
    actor = values["actor"].strip()
    if len(actor) > 200:
        errors["actor"] = "Een gebruikersnaam of systeem heeft hoogstens 200 tekens."
    activity = values["activity"].strip()
    if activity and activity not in load_register().activities:
        errors["activity"] = "Kies een verwerkingsactiviteit uit de lijst."
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        text = values[name].strip()
        days[name] = _day(text) if text else None
        if text and days[name] is None:
            errors[name] = "Geef een datum als dd-mm-jjjj, bijvoorbeeld 2-12-2026."
    since, until = days["since"], days["until"]
    if since and until and since > until:
        errors["until"] = "De einddatum ligt vóór de begindatum. Kies een latere einddatum."
    if errors:
        return None, errors
    return processing_log.Search(bsn or None, actor or None, activity or None, since, until), {}


def _page(request: Request, values: dict[str, str], errors: dict[str, str] | None = None,
          found: list[processing_log.FoundEntry] | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    return render(request, "privacy/log.html", {
        "values": values, "errors": errors or {}, "activities": _activities(), "found": found,
        "limited": found is not None and len(found) >= PAGE_LIMIT, "limit": PAGE_LIMIT,
        "searched_bsn": found is not None and bool(values.get("bsn")),
    }, status_code)  # fmt: skip


EMPTY = {"bsn": "", "actor": "", "activity": "", "since": "", "until": ""}


@router.get(LOG_PATH, response_class=HTMLResponse)
def log_form(request: Request, _user: PrivacyOfficer) -> HTMLResponse:
    return _page(request, dict(EMPTY))


@router.post(LOG_PATH, response_class=HTMLResponse, dependencies=[CsrfChecked])
def log_search(  # noqa: PLR0917 - one parameter per form field
    request: Request,
    platform: PlatformDep,
    user: PrivacyOfficer,
    bsn: Text = "",
    actor: Text = "",
    activity: Text = "",
    since: Text = "",
    until: Text = "",
) -> HTMLResponse:
    """The entries matching every filter given, oldest first; a search by BSN is logged."""
    values = {"bsn": bsn.strip(), "actor": actor, "activity": activity, "since": since, "until": until}
    query, errors = _query(values)
    if query is None:
        return _page(request, values, errors, status_code=400)
    uow = platform.unit_of_work(actor=user.login, scope=user.scope())
    try:
        found = processing_log.search(uow, query, limit=PAGE_LIMIT)
    except processing_log.SearchError:  # the form's checks are the service's; kept as a guard
        return _page(request, values, {"bsn": "Deze zoekvraag kan niet worden beantwoord."}, status_code=400)
    return _page(request, values, found=found)


def _csv(document: dict[str, Any]) -> str:
    out = io.StringIO()
    columns = [f.name for f in fields(processing_log.FoundEntry)]
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(document["entries"])
    return out.getvalue()


@router.post(LOG_PATH + "/export", dependencies=[CsrfChecked])
def log_export(
    request: Request,
    platform: PlatformDep,
    user: PrivacyOfficer,
    bsn: Text = "",
    formaat: Annotated[str, Form(max_length=10)] = "json",
) -> Response:
    """Every entry about one citizen as a download, JSON (as ``zorginkoop log export`` writes it)
    or CSV (one row per entry); the export is logged for that citizen."""
    values = dict(EMPTY, bsn=bsn.strip())
    if problem := _bsn_error(bsn):
        return _page(request, values, {"bsn": problem}, status_code=400)
    if formaat not in EXPORT_FORMATS:
        return _page(request, values, {"bsn": "Kies JSON of CSV als formaat."}, status_code=400)
    document = processing_log.export_for_subject(
        platform.unit_of_work(actor=user.login, scope=user.scope()), bsn.strip()
    )
    name = f"verwerkingslog-inzage-{date.today().isoformat()}.{formaat}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if formaat == "csv":
        return Response(_csv(document), media_type="text/csv; charset=utf-8", headers=headers)
    body = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return Response(body, media_type="application/json", headers=headers)
