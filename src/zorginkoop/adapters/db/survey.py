# SPDX-License-Identifier: EUPL-1.2
"""The survey's store: rounds, invitations and answers (``survey_*`` tables).

Invitations and answers are personal data: they are in the tenancy layer (a municipality sees
its own rows) and every read that returns them records a processing-log entry per client
(activity ``survey``, the round's law). Counts are not personal data and are not logged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.repositories import ProcessingLog, bulk_insert
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.allocating import NOT_CURRENT_REASONS
from zorginkoop.domain.codes import Law
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.survey import CareStay, Drawn, Questionnaire, Response


@dataclass(frozen=True, slots=True)
class StoredRound:
    id: int
    year: int
    law: Law
    municipality_code: str | None
    questionnaire: Questionnaire
    sample: int | None
    seed: int
    closes_on: date
    created_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class StoredInvitation:
    id: int
    round_id: int
    client_bsn: str
    municipality_code: str
    provider_agb: str
    channel: str | None
    sent_at: datetime | None
    answered_at: datetime | None


def _round(r: t.SurveyRoundRow) -> StoredRound:
    return StoredRound(
        r.id, r.year, Law(r.law), r.municipality_code, Questionnaire.from_json(r.questionnaire),
        r.sample, r.seed, r.closes_on, r.created_at, r.created_by,
    )  # fmt: skip


def _invitation(r: t.SurveyInvitationRow) -> StoredInvitation:
    return StoredInvitation(
        r.id,
        r.round_id,
        r.client_bsn,
        r.municipality_code,
        r.provider_agb,
        r.channel,
        r.sent_at,
        r.answered_at,
    )


class SurveyRepository:
    def __init__(self, session: Session, scope: Scope, log: ProcessingLog) -> None:
        self.session = session
        self.scope = scope
        self.log = log

    # -- rounds (no personal data) ---------------------------------------------------------------
    def _visible_rounds(self) -> object:
        r = t.SurveyRoundRow
        if self.scope.kind is ScopeKind.MUNICIPALITY:
            return or_(r.municipality_code.is_(None), r.municipality_code.in_(sorted(self.scope.codes)))
        if self.scope.kind is ScopeKind.PROVIDER:
            return r.id.is_(None)  # providers see results through the benchmark, not rounds
        return r.id.is_not(None)

    def add_round(  # noqa: PLR0917 - the fields of one round
        self, year: int, law: Law, municipality_code: str | None, questionnaire: Questionnaire,
        sample: int | None, seed: int, closes_on: date, created_at: datetime, created_by: str,
    ) -> int:  # fmt: skip
        row = t.SurveyRoundRow(
            year=year, law=law.value, municipality_code=municipality_code,
            questionnaire=questionnaire.to_json(), sample=sample, seed=seed, closes_on=closes_on,
            created_at=created_at, created_by=created_by[:200],
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return row.id

    def rounds(self, year: int | None = None, law: Law | None = None) -> list[StoredRound]:
        query = select(t.SurveyRoundRow).where(self._visible_rounds()).order_by(t.SurveyRoundRow.id)  # type: ignore[arg-type]
        if year is not None:
            query = query.where(t.SurveyRoundRow.year == year)
        if law is not None:
            query = query.where(t.SurveyRoundRow.law == law.value)
        return [_round(r) for r in self.session.scalars(query)]

    def get_round(self, round_id: int) -> StoredRound | None:
        row = self.session.scalars(
            select(t.SurveyRoundRow).where(t.SurveyRoundRow.id == round_id, self._visible_rounds())  # type: ignore[arg-type]
        ).first()
        return _round(row) if row is not None else None

    # -- drawing ------------------------------------------------------------------------------------
    def care_in_year(self, year: int, law: Law, municipality_code: str | None) -> list[CareStay]:
        """The allocations under ``law`` that ran in ``year`` (withdrawn ones left out), in scope.
        The caller logs the clients it keeps."""
        a = t.AllocationRow
        query = select(a.client_bsn, a.municipality_code, a.provider_agb, a.valid_from, a.valid_to).where(
            a.law == law.value,
            a.valid_from <= date(year, 12, 31),
            or_(a.valid_to.is_(None), a.valid_to >= date(year, 1, 1)),
            # CS335: a withdrawn allocation (end = start with reason 13 or 01) was never given
            ~and_(a.change_reason.in_(sorted(NOT_CURRENT_REASONS)), a.valid_to == a.valid_from),
        )
        if municipality_code is not None:
            query = query.where(a.municipality_code == municipality_code)
        return [CareStay(*row) for row in self.session.execute(query)]

    def add_invitations(self, round_id: int, drawn: Iterable[Drawn]) -> int:
        rows = [
            {"round_id": round_id, "client_bsn": d.bsn, "municipality_code": d.municipality_code,
             "provider_agb": d.provider_agb}
            for d in drawn
        ]  # fmt: skip
        bulk_insert(self.session, t.SurveyInvitationRow, rows)
        return len(rows)

    # -- invitations (personal data: logged) --------------------------------------------------------
    def invitations(self, round_id: int, law: Law, *, unsent_only: bool = False) -> list[StoredInvitation]:
        i = t.SurveyInvitationRow
        query = select(i).where(i.round_id == round_id).order_by(i.id)
        if unsent_only:
            query = query.where(i.sent_at.is_(None))
        found = [_invitation(r) for r in self.session.scalars(query)]
        self.log.record(
            ActivityKind.SURVEY, "survey.invitations", [r.client_bsn for r in found], law=law.value
        )
        return found

    def mark_sent(self, sent: Iterable[tuple[int, str, str]], at: datetime) -> None:
        """Record (invitation id, token hash, channel) as sent at ``at`` (one executemany)."""
        rows = [{"id": i, "token_hash": h, "channel": c, "sent_at": at} for i, h, c in sent]
        if rows:
            self.session.execute(update(t.SurveyInvitationRow), rows)

    def by_token(self, token_hash: str) -> tuple[StoredInvitation, StoredRound] | None:
        """The invitation with this token hash and its round (read for the client themself; the
        caller logs what it does with it)."""
        row = self.session.execute(
            select(t.SurveyInvitationRow, t.SurveyRoundRow)
            .join(t.SurveyRoundRow, t.SurveyRoundRow.id == t.SurveyInvitationRow.round_id)
            .where(t.SurveyInvitationRow.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        return _invitation(row[0]), _round(row[1])

    def record_answers(self, invitation: StoredInvitation, answers: Mapping[str, str], at: datetime) -> bool:
        """Store the answers once: False (nothing stored) when the invitation was answered
        already, also by a request running at the same time (the update claims it first)."""
        claimed = self.session.execute(
            update(t.SurveyInvitationRow)
            .where(t.SurveyInvitationRow.id == invitation.id, t.SurveyInvitationRow.answered_at.is_(None))
            .values(answered_at=at)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        bulk_insert(self.session, t.SurveyAnswerRow, [
            {"invitation_id": invitation.id, "municipality_code": invitation.municipality_code,
             "provider_agb": invitation.provider_agb, "question": q, "answer": a}
            for q, a in answers.items()
        ])  # fmt: skip
        return True

    def import_answers(self, answered: Mapping[StoredInvitation, Mapping[str, str]], at: datetime) -> None:
        """Answers gathered outside the web page (paper questionnaires typed in; the demo) for
        invitations the caller read unanswered in this transaction, in two executemany."""
        if not answered:
            return
        self.session.execute(
            update(t.SurveyInvitationRow), [{"id": inv.id, "answered_at": at} for inv in answered]
        )
        bulk_insert(self.session, t.SurveyAnswerRow, [
            {"invitation_id": inv.id, "municipality_code": inv.municipality_code,
             "provider_agb": inv.provider_agb, "question": q, "answer": a}
            for inv, answers in answered.items() for q, a in answers.items()
        ])  # fmt: skip

    # -- answers (personal data: logged) and counts ------------------------------------------------
    def responses(
        self, round_ids: Iterable[int], law: Law, operation: str = "survey.answers"
    ) -> list[Response]:
        """Every respondent's answers in the rounds, in scope; one log entry per respondent."""
        ids = sorted(set(round_ids))
        if not ids:
            return []
        i, a = t.SurveyInvitationRow, t.SurveyAnswerRow
        rows = self.session.execute(
            select(i.id, i.client_bsn, a.municipality_code, a.provider_agb, a.question, a.answer)
            .join(i, i.id == a.invitation_id)
            .where(i.round_id.in_(ids))
            .order_by(i.id)
        )
        answers: dict[int, dict[str, str]] = defaultdict(dict)
        groups: dict[int, tuple[str, str, str]] = {}
        for invitation_id, bsn, municipality, agb, question, answer in rows:
            answers[invitation_id][question] = answer
            groups[invitation_id] = (bsn, municipality, agb)
        self.log.record(ActivityKind.SURVEY, operation, [g[0] for g in groups.values()], law=law.value)
        return [Response(groups[k][1], groups[k][2], answers[k]) for k in groups]

    def invited_counts(self, round_ids: Iterable[int]) -> tuple[dict[str, int], dict[str, int]]:
        """Invitations sent per municipality and per provider (counts, not logged)."""
        i = t.SurveyInvitationRow
        ids = sorted(set(round_ids))
        per_municipality: dict[str, int] = defaultdict(int)
        per_provider: dict[str, int] = defaultdict(int)
        if not ids:
            return {}, {}
        for municipality, agb, n in self.session.execute(
            select(i.municipality_code, i.provider_agb, func.count())
            .where(i.round_id.in_(ids), i.sent_at.is_not(None))
            .group_by(i.municipality_code, i.provider_agb)
        ):
            per_municipality[municipality] += n
            per_provider[agb] += n
        return dict(per_municipality), dict(per_provider)

    def round_counts(self, round_id: int) -> tuple[int, int, int]:
        """(drawn, sent, answered) of a round in scope (counts, not logged)."""
        i = t.SurveyInvitationRow
        row = self.session.execute(
            select(func.count(), func.count(i.sent_at), func.count(i.answered_at)).where(
                i.round_id == round_id
            )
        ).one()
        return int(row[0]), int(row[1]), int(row[2])
