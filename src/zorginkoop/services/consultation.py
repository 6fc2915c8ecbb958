# SPDX-License-Identifier: EUPL-1.2
"""Bestuurlijk aanbesteden (:mod:`zorginkoop.domain.procurement.consultation`) as use cases: the
consultation tables proposed from a reference year's clients and chosen, their meetings, the
online input of every other provider per topic, and the covenant's versions with what changed.
CLI (``zorginkoop tenders tables|meeting|meetings|input|inputs|covenant|covenant-history``) and
the provider portal call these."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.procurement.consultation import (
    Agreement,
    Change,
    CovenantVersion,
    Meeting,
    ProviderInput,
    ProviderSize,
    Seat,
    TableSize,
    changes,
    check_online_input,
    next_version,
    propose_tables,
    swap_seat,
)
from zorginkoop.domain.procurement.model import Procedure, TenderError
from zorginkoop.services import reports
from zorginkoop.services.tenders import TenderRefused, _now, _refusals, _stored


def _bestuurlijk(uow: UnitOfWork, code: str) -> Law | None:
    """The tender's law (None when its lots span both), refused unless it is bestuurlijk."""
    tender = _stored(uow, code).tender
    if tender.procedure is not Procedure.BESTUURLIJK:
        raise TenderRefused(
            [
                f"tender {code} is a {tender.procedure.value} procedure: consultation tables are for bestuurlijk aanbesteden"
            ]
        )
    laws = {lot.law for lot in tender.lots}
    return laws.pop() if len(laws) == 1 else None


@dataclass(frozen=True, slots=True)
class Tables:
    tender_code: str
    year: int
    seats: tuple[Seat, ...]
    stored: bool
    """True: the region's choice as saved; False: the system's proposal, not yet saved."""


def tables(
    uow: UnitOfWork,
    code: str,
    year: int | None = None,
    swaps: Sequence[tuple[str, str]] = (),
    *,
    save: bool = False,
) -> Tables:
    """The consultation tables: the saved choice, or (with ``year``, or when none is saved) the
    proposal by clients in ``year`` (default: the latest year with figures) with ``swaps``
    (seated AGB, replacement AGB) applied; ``save`` stores it as the region's choice."""
    with uow:
        law = _bestuurlijk(uow, code)
        saved_year, saved = uow.consultation.seats(code)
        if year is None and not swaps and not save and saved:
            assert saved_year is not None
            return Tables(code, saved_year, saved, True)
        if year is None:
            years = [y for y, _clients, _cost in reports.costs_by_year(uow, law)]
            if not years:
                raise TenderRefused(["no year with declared care to rank providers by; give --year"])
            year = years[-1]
        sizes = {p.agb: p for p in _sizes(uow, year, law)}
        with _refusals():
            seats = propose_tables(sizes.values(), year)
            for out, replacement in swaps:
                provider = sizes.get(replacement)
                if provider is None:
                    known = uow.providers.get(replacement)
                    if known is None:
                        raise TenderError(f"no provider with AGB code {replacement!r} in the region")
                    provider = ProviderSize(known.agb_code, known.name, 0)
                seats = swap_seat(seats, out, provider, uow.actor)
        if save:
            uow.consultation.replace_seats(code, year, seats)
            uow.commit()
        return Tables(code, year, seats, save)


def _sizes(uow: UnitOfWork, year: int, law: Law | None) -> list[ProviderSize]:
    return [
        ProviderSize(line.agb, line.provider, line.clients)
        for line in reports.costs_by_provider(uow, year, law)
    ]


def reference_years(uow: UnitOfWork, code: str) -> list[int]:
    """The years with declared care under the tender's law: what the tables can be ranked by."""
    with uow:
        law = _bestuurlijk(uow, code)
        return [y for y, _clients, _cost in reports.costs_by_year(uow, law)]


def candidates(uow: UnitOfWork, code: str, year: int) -> list[ProviderSize]:
    """The providers with clients under the tender's law in ``year``, most clients first: who
    may take a seat at a table when the user changes the proposal."""
    with uow:
        law = _bestuurlijk(uow, code)
        return sorted(_sizes(uow, year, law), key=lambda p: (-p.clients, p.agb))


def record_meeting(
    uow: UnitOfWork, code: str, meeting_table: str, *, day: date, agenda: str, minutes: str = ""
) -> Meeting:
    """A meeting of one table (groot, middelgroot, klein), with its agenda and minutes."""
    with uow:
        _bestuurlijk(uow, code)
        try:
            table = TableSize(meeting_table)
        except ValueError:
            raise TenderRefused(
                [f"table {meeting_table!r}: one of {', '.join(t.value for t in TableSize)}"]
            ) from None
        with _refusals():
            meeting = Meeting(table, day, agenda.strip(), minutes.strip())
        _year, seats = uow.consultation.seats(code)
        if not seats:
            raise TenderRefused(
                [f"tender {code} has no tables yet: save them first (tenders tables {code} --save)"]
            )
        uow.consultation.add_meeting(code, meeting, uow.actor, _now())
        uow.commit()
    return meeting


def meetings(uow: UnitOfWork, code: str) -> list[Meeting]:
    with uow:
        _bestuurlijk(uow, code)
        return uow.consultation.meetings(code)


def give_input(
    uow: UnitOfWork, code: str, provider_agb: str, *, topic: str, text: str, at: datetime | None = None
) -> ProviderInput:
    """A provider's online input on a topic; a provider at a table gives it there in person."""
    with uow:
        _bestuurlijk(uow, code)
        if uow.providers.get(provider_agb) is None:
            raise TenderRefused([f"no provider with AGB code {provider_agb!r} in the region"])
        _year, seats = uow.consultation.seats(code)
        with _refusals():
            given = ProviderInput(provider_agb, topic.strip(), text.strip(), at or _now())
            check_online_input(seats, given)
        uow.consultation.add_input(code, given, uow.actor)
        uow.commit()
    return given


def inputs(
    uow: UnitOfWork, code: str, topic: str | None = None, provider_agb: str | None = None
) -> list[ProviderInput]:
    with uow:
        _bestuurlijk(uow, code)
        return uow.consultation.inputs(code, topic, provider_agb)


@dataclass(frozen=True, slots=True)
class CovenantStep:
    version: CovenantVersion
    changes: tuple[Change, ...]


def read_agreements(text: str, name: str = "covenant") -> list[Agreement]:
    """A covenant file: ``[[agreement]]`` tables with ``article`` and ``text``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TenderRefused([f"{name}: not a TOML file ({exc})"]) from None
    items = data.get("agreement")
    if not isinstance(items, list) or not items:
        raise TenderRefused([f"{name}: no [[agreement]] tables with article and text"])
    problems, found = [], []
    for i, item in enumerate(items, start=1):
        article, body = (item.get("article"), item.get("text")) if isinstance(item, dict) else (None, None)
        if (
            not isinstance(article, str)
            or not article.strip()
            or not isinstance(body, str)
            or not body.strip()
        ):
            problems.append(f"{name} [[agreement]] {i}: needs an article and a text")
        else:
            found.append(Agreement(article.strip(), body.strip()))
    if problems:
        raise TenderRefused(problems)
    return found


def set_covenant(
    uow: UnitOfWork, code: str, text: str, valid_from: date, name: str = "covenant"
) -> CovenantStep:
    """A new version of the covenant from a covenant file, holding from ``valid_from``."""
    return record_covenant(uow, code, read_agreements(text, name), valid_from)


def record_covenant(
    uow: UnitOfWork, code: str, agreements: Sequence[Agreement], valid_from: date
) -> CovenantStep:
    """A new version of the covenant from its agreements (the web form; ``set_covenant`` reads
    them from a file), holding from ``valid_from``, with what it changed."""
    with uow:
        _bestuurlijk(uow, code)
        versions = uow.consultation.covenant(code)
        with _refusals():
            version = next_version(versions, valid_from, agreements)
        uow.consultation.add_covenant_version(code, version, uow.actor, _now())
        uow.commit()
    return CovenantStep(version, tuple(changes(versions[-1] if versions else None, version)))


def covenant_history(uow: UnitOfWork, code: str) -> list[CovenantStep]:
    """Every version with what it changed from the one before."""
    with uow:
        _bestuurlijk(uow, code)
        versions = uow.consultation.covenant(code)
    return [
        CovenantStep(v, tuple(changes(versions[i - 1] if i else None, v))) for i, v in enumerate(versions)
    ]
