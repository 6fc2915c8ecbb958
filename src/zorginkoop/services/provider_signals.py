# SPDX-License-Identifier: EUPL-1.2
"""Use cases: record a signal about a provider and list them (``zorginkoop signals``, the
provider's page in the web application, the account report).

A signal is held by one municipality: the one given, or the reader's own when its scope has
exactly one; the region (no municipality) only from a region scope. A provider never reads the
signals about it. Who recorded it is the unit of work's actor; when is the store's clock (UTC).
"""

from __future__ import annotations

from datetime import UTC, datetime

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import ScopeKind
from zorginkoop.domain.provider_signals import ProviderSignal, SignalError, SignalKind, checked_text
from zorginkoop.services import reports

__all__ = ["ProviderSignal", "SignalError", "SignalKind", "note_signal", "signals_in", "signals_of"]


class UnknownProvider(SignalError):
    """The AGB code names no provider of the region (the web answers 404)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _municipality(uow: UnitOfWork, municipality: str | None) -> str | None:
    scope = uow.scope
    if municipality:
        try:
            (code,) = reports.resolve_municipalities(uow, [municipality])
        except reports.ReportError as exc:
            raise SignalError(str(exc)) from None
        if not scope.sees_municipality(code):
            raise SignalError(f"municipality {municipality!r} is outside your scope ({scope})")
        return code
    if scope.kind is ScopeKind.MUNICIPALITY:
        if scope.code is None:
            raise SignalError("you work for several municipalities: say which one holds the signal")
        return scope.code
    return None  # the region's own signal


def note_signal(
    uow: UnitOfWork,
    provider_agb: str,
    text: str,
    *,
    kind: SignalKind = SignalKind.CONCERN,
    municipality: str | None = None,
    now: datetime | None = None,
) -> ProviderSignal:
    """Record a signal about ``provider_agb`` held by ``municipality`` (name or CBS code; see the
    module for the default), by the unit of work's actor, at ``now`` (UTC, naive)."""
    note = checked_text(text)
    with uow:
        if uow.scope.kind is ScopeKind.PROVIDER:
            raise SignalError("a provider does not record signals about providers")
        if uow.providers.get(provider_agb) is None:
            raise UnknownProvider(f"no provider with AGB code {provider_agb!r} in the region")
        code = _municipality(uow, municipality)
        signal = uow.provider_signals.add(provider_agb, code, kind, note, uow.actor, now or _now())
        uow.commit()
    return signal


def signals_of(
    uow: UnitOfWork, provider_agb: str, since: datetime | None = None, until: datetime | None = None
) -> list[ProviderSignal]:
    """The signals about ``provider_agb`` the reader's scope holds, newest first (recorded in
    [since, until) when given). A provider scope reads none."""
    with uow:
        return signals_in(uow, provider_agb, since, until)


def signals_in(
    uow: UnitOfWork, provider_agb: str, since: datetime | None = None, until: datetime | None = None
) -> list[ProviderSignal]:
    """:func:`signals_of` inside an open unit of work (a page that reads more in the same one)."""
    if uow.scope.kind is ScopeKind.PROVIDER:
        raise SignalError("a provider does not read the signals about it")
    if uow.providers.get(provider_agb) is None:
        raise UnknownProvider(f"no provider with AGB code {provider_agb!r} in the region")
    return uow.provider_signals.of_provider(provider_agb, since, until)
