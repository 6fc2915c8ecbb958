# SPDX-License-Identifier: EUPL-1.2
"""The survey in the store, on the demo's 2020 Wmo round: answers scoped per municipality,
every read of answers logged per respondent, the benchmark's satisfaction per provider."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.mailer import FolderMailer
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import MIN_PEOPLE
from zorginkoop.domain.processing import pseudonymise
from zorginkoop.domain.survey import token_hash
from zorginkoop.services import survey
from zorginkoop.settings import DEVELOPMENT_PSEUDONYM_KEY

HOUTEN, NIEUWEGEIN = "0321", "0356"
DEMO_ROUND = 1


@pytest.fixture(scope="module")
def store(demo_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    copy = tmp_path_factory.mktemp("survey") / "store.sqlite"
    shutil.copy(demo_store_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


def _respondents(engine: Engine, municipality: str | None = None) -> set[str]:
    i = t.SurveyInvitationRow
    query = select(i.client_bsn).where(i.round_id == DEMO_ROUND, i.answered_at.is_not(None))
    if municipality:
        query = query.where(i.municipality_code == municipality)
    with engine.connect() as c:
        return set(c.scalars(query))


def _logged(engine: Engine, operation: str) -> list[str]:
    e = t.ProcessingLogEntryRow
    with engine.connect() as c:
        return list(c.scalars(select(e.subject_id).where(e.operation == operation)))


def test_the_demo_round_has_answers_in_every_municipality(store: Engine) -> None:
    (found,) = survey.list_rounds(UnitOfWork(store, Scope.region(), actor="tests"))
    assert (found.year, found.law, found.municipality) == (2020, Law.WMO, "regio")
    assert found.drawn == 1877 and 0 < found.answered < found.sent <= found.drawn
    for code in (HOUTEN, NIEUWEGEIN):
        assert len(_respondents(store, code)) >= MIN_PEOPLE


def test_a_nieuwegein_adviser_sees_no_houten_answers_and_each_read_is_logged(store: Engine) -> None:
    mine = _respondents(store, NIEUWEGEIN)
    before = len(_logged(store, "survey.answers"))
    uow = UnitOfWork(store, Scope.municipality(NIEUWEGEIN), actor="adviseur-nieuwegein")
    per_municipality = survey.results(uow, DEMO_ROUND, survey.GroupBy.MUNICIPALITY)
    assert [g.code for g in per_municipality.groups] == [NIEUWEGEIN]
    assert per_municipality.total.respondents == len(mine)
    per_provider = survey.results(uow, DEMO_ROUND, survey.GroupBy.PROVIDER)
    assert sum(g.result.respondents for g in per_provider.groups) == len(mine)
    logged = _logged(store, "survey.answers")[before:]
    expected = {pseudonymise(bsn, DEVELOPMENT_PSEUDONYM_KEY.encode()) for bsn in mine}
    assert Counter(logged) == Counter({p: 2 for p in expected})  # one entry per respondent per read
    houten = {pseudonymise(b, DEVELOPMENT_PSEUDONYM_KEY.encode()) for b in _respondents(store, HOUTEN)}
    assert not houten & set(logged)


def test_the_log_names_the_survey_activity_of_the_law(store: Engine) -> None:
    survey.results(UnitOfWork(store, Scope.municipality(HOUTEN), actor="tests"), DEMO_ROUND)
    e = t.ProcessingLogEntryRow
    with store.connect() as c:
        activities = set(c.scalars(select(e.activity_id).where(e.operation == "survey.answers")))
    assert activities == {"survey.wmo"}


def test_satisfaction_by_provider_is_the_per_provider_result_and_none_under_10(store: Engine) -> None:
    scores = survey.satisfaction_by_provider(UnitOfWork(store, Scope.region(), actor="tests"), 2020, Law.WMO)
    per_provider = survey.results(UnitOfWork(store, Scope.region(), actor="tests"), DEMO_ROUND,
                                  survey.GroupBy.PROVIDER)  # fmt: skip
    assert set(scores) == {g.code for g in per_provider.groups}
    for g in per_provider.groups:
        assert scores[g.code] == g.result.satisfaction
        assert (scores[g.code] is None) == (g.result.respondents < MIN_PEOPLE)
    assert any(v is None for v in scores.values()) and any(v is not None for v in scores.values())
    assert survey.satisfaction_by_provider(UnitOfWork(store, actor="tests"), 2019, Law.WMO) == {}


def test_a_provider_cannot_read_answers_or_make_rounds(store: Engine) -> None:
    uow = UnitOfWork(store, Scope.provider("98214099"), actor="aanbieder")
    with pytest.raises(survey.SurveyServiceError):
        survey.results(uow, DEMO_ROUND)
    with pytest.raises(survey.SurveyServiceError):
        survey.create_round(uow, 2020, Law.WMO)
    assert survey.list_rounds(uow) == []


def test_a_municipality_cannot_make_a_round_for_another(store: Engine) -> None:
    uow = UnitOfWork(store, Scope.municipality(HOUTEN), actor="tests")
    with pytest.raises(survey.SurveyServiceError, match="outside"):
        survey.create_round(uow, 2020, Law.WMO, "Nieuwegein")
    with pytest.raises(survey.SurveyServiceError, match="no survey round 999"):
        survey.results(uow, 999)


def test_a_closed_round_sends_nothing_and_its_links_stop_working(store: Engine, tmp_path: Path) -> None:
    made = survey.create_round(
        UnitOfWork(store, actor="tests"), 2020, Law.JEUGD, "Lopik", today=date(2021, 1, 1), open_days=30
    )
    assert not made.for_procurement
    with pytest.raises(survey.SurveyServiceError, match="closed"):
        survey.invite(UnitOfWork(store, actor="tests"), made.id, FolderMailer(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_two_sends_of_one_token_at_the_same_time_store_one_set_of_answers(
    store: Engine, tmp_path: Path
) -> None:
    made = survey.create_round(UnitOfWork(store, actor="tests"), 2020, Law.WMO, "Lopik", sample=1)
    survey.invite(UnitOfWork(store, actor="tests"), made.id, FolderMailer(tmp_path))
    (sent,) = [*tmp_path.glob("*.eml"), *tmp_path.glob("brieven/*.txt")]
    token = sent.read_text(encoding="utf-8").split("/enquete/")[1].split()[0]
    answers = {q.id: "4" for q in survey.standard_questionnaire(Law.WMO).questions}
    with UnitOfWork(store, actor="first") as first:  # read the invitation, not yet answered
        found = first.surveys.by_token(token_hash(token))
        assert found is not None and found[0].answered_at is None
        # meanwhile the same link is sent from another tab and wins
        outcome = survey.submit_answers(UnitOfWork(store, actor="second"), token, answers)
        assert outcome.status is survey.Submitted.DONE
        assert not first.surveys.record_answers(found[0], answers, datetime(2026, 1, 1))
    a = t.SurveyAnswerRow
    with store.connect() as c:
        stored = c.scalars(select(a.answer).where(a.invitation_id == found[0].id)).all()
    assert len(stored) == len(answers)
    again = survey.submit_answers(UnitOfWork(store, actor="third"), token, answers)
    assert again.status is survey.Submitted.GONE
