# SPDX-License-Identifier: EUPL-1.2
"""The store of bestuurlijk aanbesteden: seats at the consultation tables, meetings, providers'
online input and the covenant's versions. Organisations and staff only: no personal data, so
reads leave no processing-log entry. Repositories never commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import groupby

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.procurement.consultation import (
    Agreement,
    CovenantVersion,
    Meeting,
    ProviderInput,
    ProviderSize,
    Seat,
    TableSize,
)

_ORDER = {TableSize.LARGE: 0, TableSize.MEDIUM: 1, TableSize.SMALL: 2}


class ConsultationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def seats(self, tender_code: str) -> tuple[int | None, tuple[Seat, ...]]:
        """The reference year and the seats (large, medium, small; most clients first)."""
        rows = self.session.scalars(
            select(t.ConsultationSeatRow).where(t.ConsultationSeatRow.tender_code == tender_code)
        ).all()
        query = select(t.ProviderRow.agb_code, t.ProviderRow.name).where(
            t.ProviderRow.agb_code.in_([r.provider_agb for r in rows])
        )
        names = {agb: name for agb, name in self.session.execute(query)}
        seats = sorted(
            (
                Seat(
                    TableSize(r.table_size),
                    ProviderSize(r.provider_agb, names.get(r.provider_agb, ""), r.clients),
                    r.reason,
                    r.chosen_by_user,
                )
                for r in rows
            ),
            key=lambda s: (_ORDER[s.table], -s.provider.clients, s.provider.agb),
        )
        return (rows[0].reference_year if rows else None), tuple(seats)

    def replace_seats(self, tender_code: str, year: int, seats: Sequence[Seat]) -> None:
        self.session.execute(
            delete(t.ConsultationSeatRow).where(t.ConsultationSeatRow.tender_code == tender_code)
        )
        self.session.add_all(
            t.ConsultationSeatRow(
                tender_code=tender_code,
                provider_agb=s.provider.agb,
                table_size=s.table.value,
                clients=s.provider.clients,
                reference_year=year,
                reason=s.reason,
                chosen_by_user=s.chosen_by_user,
            )
            for s in seats
        )
        self.session.flush()

    def add_meeting(self, tender_code: str, meeting: Meeting, by: str, at: datetime) -> None:
        self.session.add(
            t.ConsultationMeetingRow(
                tender_code=tender_code,
                table_size=meeting.table.value,
                day=meeting.day,
                agenda=meeting.agenda,
                minutes=meeting.minutes,
                recorded_by=by,
                recorded_at=at,
            )
        )
        self.session.flush()

    def meetings(self, tender_code: str) -> list[Meeting]:
        rows = self.session.scalars(
            select(t.ConsultationMeetingRow)
            .where(t.ConsultationMeetingRow.tender_code == tender_code)
            .order_by(t.ConsultationMeetingRow.day, t.ConsultationMeetingRow.id)
        )
        return [Meeting(TableSize(r.table_size), r.day, r.agenda, r.minutes) for r in rows]

    def add_input(self, tender_code: str, given: ProviderInput, by: str) -> None:
        self.session.add(
            t.ConsultationInputRow(
                tender_code=tender_code,
                provider_agb=given.provider_agb,
                topic=given.topic,
                text=given.text,
                submitted_at=given.submitted_at,
                submitted_by=by,
            )
        )
        self.session.flush()

    def inputs(
        self, tender_code: str, topic: str | None = None, provider_agb: str | None = None
    ) -> list[ProviderInput]:
        query = select(t.ConsultationInputRow).where(t.ConsultationInputRow.tender_code == tender_code)
        if topic is not None:
            query = query.where(t.ConsultationInputRow.topic == topic)
        if provider_agb is not None:
            query = query.where(t.ConsultationInputRow.provider_agb == provider_agb)
        rows = self.session.scalars(
            query.order_by(
                t.ConsultationInputRow.topic, t.ConsultationInputRow.submitted_at, t.ConsultationInputRow.id
            )
        )
        return [ProviderInput(r.provider_agb, r.topic, r.text, r.submitted_at) for r in rows]

    def covenant(self, tender_code: str) -> list[CovenantVersion]:
        rows = self.session.scalars(
            select(t.CovenantAgreementRow)
            .where(t.CovenantAgreementRow.tender_code == tender_code)
            .order_by(t.CovenantAgreementRow.version, t.CovenantAgreementRow.position)
        ).all()
        return [
            CovenantVersion(version, group[0].valid_from, tuple(Agreement(r.article, r.text) for r in group))
            for version, grouped in groupby(rows, key=lambda r: r.version)
            for group in [list(grouped)]
        ]

    def add_covenant_version(self, tender_code: str, version: CovenantVersion, by: str, at: datetime) -> None:
        self.session.add_all(
            t.CovenantAgreementRow(
                tender_code=tender_code,
                version=version.number,
                article=a.article,
                position=i,
                valid_from=version.valid_from,
                text=a.text,
                recorded_by=by,
                recorded_at=at,
            )
            for i, a in enumerate(version.agreements)
        )
        self.session.flush()
