# SPDX-License-Identifier: EUPL-1.2
"""The demo's client experience survey: a 2020 Wmo round of the whole region in which most
clients were invited and about half of them answered, so results and the benchmark's
satisfaction show at once. Invented answers, seeded: the same seed gives the same answers.

Each provider gets a level of its own (its clients answer more or less positively); a client's
answer is that level plus noise, on the five-point scale, with now and then 'weet niet /
n.v.t.'. The invitations of the demo round were "sent" without keeping their tokens (nobody can
answer them); the clients not invited yet can be, with ``zorginkoop survey invite 1 --out DIR``,
and then answer on ``/enquete/{token}``. No money is involved: the demo's figures stay the same.
"""

from __future__ import annotations

import random
from datetime import date, datetime

from sqlalchemy import Engine

from zorginkoop.adapters.db.survey import StoredInvitation
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.codes import Law
from zorginkoop.domain.survey import new_token, token_hash
from zorginkoop.services import survey

YEAR = 2020
INVITED_SHARE = 0.8
"""Of the drawn clients, this share was invited when the demo was built."""
RESPONSE_RATE = 0.45
SENT_AT = datetime(2021, 3, 1, 9, 0)
ANSWERED_AT = datetime(2021, 3, 15, 12, 0)


def add_demo_survey(engine: Engine, seed: int = 2020, today: date | None = None) -> int:
    """Make the demo round (2020, Wmo, every client) with invitations and answers; the number of
    respondents."""
    made = survey.create_round(
        UnitOfWork(engine, actor="zorginkoop demo"), YEAR, Law.WMO, seed=seed, today=today
    )
    rng = random.Random(f"survey:{seed}")  # noqa: S311 - invented answers, not a secret
    with UnitOfWork(engine, actor="zorginkoop demo") as uow:
        stored = uow.surveys.get_round(made.id)
        assert stored is not None
        questions = stored.questionnaire.questions
        level: dict[str, float] = {}
        sent: list[tuple[int, str, str]] = []
        answered: dict[StoredInvitation, dict[str, str]] = {}
        for invitation in uow.surveys.invitations(made.id, Law.WMO):
            if rng.random() >= INVITED_SHARE:
                continue
            channel = "email" if rng.random() < 0.75 else "letter"
            sent.append((invitation.id, token_hash(new_token()), channel))
            if rng.random() >= RESPONSE_RATE:
                continue
            base = level.setdefault(invitation.provider_agb, rng.uniform(3.0, 4.6))
            answered[invitation] = {
                q.id: "0" if rng.random() < 0.06 else str(min(5, max(1, round(rng.gauss(base, 0.9)))))
                for q in questions
            }  # "0": weet niet / n.v.t.
        uow.surveys.mark_sent(sent, SENT_AT)
        uow.surveys.import_answers(answered, ANSWERED_AT)
        uow.commit()
    return len(answered)
