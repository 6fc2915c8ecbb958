# SPDX-License-Identifier: EUPL-1.2
"""The store of signals about providers (``provider_signal``); reads carry the unit of work's
scope through the tenancy layer (a municipality sees the signals it holds)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.provider_signals import ProviderSignal, SignalKind


def _signal(row: t.ProviderSignalRow) -> ProviderSignal:
    return ProviderSignal(
        row.id, row.provider_agb, row.municipality_code, SignalKind(row.kind), row.text,
        row.recorded_by, row.recorded_at,
    )  # fmt: skip


class ProviderSignalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(  # noqa: PLR0917 - the facts of one signal
        self,
        provider_agb: str,
        municipality_code: str | None,
        kind: SignalKind,
        text: str,
        recorded_by: str,
        recorded_at: datetime,
    ) -> ProviderSignal:
        row = t.ProviderSignalRow(
            provider_agb=provider_agb, municipality_code=municipality_code, kind=kind.value, text=text,
            recorded_by=recorded_by, recorded_at=recorded_at,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return _signal(row)

    def of_provider(
        self, provider_agb: str, since: datetime | None = None, until: datetime | None = None
    ) -> list[ProviderSignal]:
        """The provider's signals in scope, newest first; recorded in [since, until) when given."""
        query = select(t.ProviderSignalRow).where(t.ProviderSignalRow.provider_agb == provider_agb)
        if since is not None:
            query = query.where(t.ProviderSignalRow.recorded_at >= since)
        if until is not None:
            query = query.where(t.ProviderSignalRow.recorded_at < until)
        query = query.order_by(t.ProviderSignalRow.recorded_at.desc(), t.ProviderSignalRow.id.desc())
        return [_signal(row) for row in self.session.scalars(query)]
