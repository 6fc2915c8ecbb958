# SPDX-License-Identifier: EUPL-1.2
"""The client experience survey (cliëntervaringsonderzoek): questionnaire, drawing, one-time
tokens, answers and results with small-number suppression. Pure.

Wmo 2015 art. 2.5.1 obliges the municipality to survey yearly how clients experience the
quality of the support; Jeugdwet art. 2.10 does the same for youth care. The questionnaire is
data (``data/surveys/*.toml``, the standard questions of the VNG/KING cliëntervaringsonderzoek;
a region may add its own questions): :func:`parse_questionnaire`.

A round is one year and one law, for the region or one municipality. Who is asked: every
client with an allocation under that law that ran in the year (a withdrawn allocation, RedenWijziging
13, counts as never given), or a seeded random sample per municipality (:func:`draw`). Each
client is attributed to *one* provider, the one whose allocations covered most days of the year
(:func:`main_provider`), so results per provider add up to the respondents and the invitation
can name whose care the questions are about.

Tokens (:func:`new_token`) are 256 random bits, sent once in the invitation and stored only as
their SHA-256 (:func:`token_hash`); a token works until the round closes and only once.

Results per group (municipality or provider, :func:`results_by`): respondents, and per question
the share of positive answers (``mee eens`` or ``helemaal mee eens``) among the answers that
judge (``weet niet / n.v.t.`` left out). A group of fewer than :data:`MIN_PEOPLE` respondents
has no values (CBS practice; :mod:`zorginkoop.domain.disclosure`).

**Satisfaction score** (:func:`satisfaction`): the share of positive answers among the judging
answers to the *core* questions (the quality and effect questions about the care itself, not
the access questions about the social team), a fraction from 0 to 1 with four decimals; None
for fewer than 10 respondents. The benchmark's ``satisfaction`` column is this score.

VNG guidance: the youth survey's results are for learning and steering on quality, not for
procurement decisions (small, selective groups; the respondent is often the parent), so Jeugdwet
results carry ``for_procurement = False`` (:func:`for_procurement`).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import MIN_PEOPLE, suppressed_share

SCALE: tuple[tuple[str, str], ...] = (
    ("5", "Helemaal mee eens"),
    ("4", "Mee eens"),
    ("3", "Neutraal"),
    ("2", "Niet mee eens"),
    ("1", "Helemaal niet mee eens"),
    ("0", "Weet niet / n.v.t."),
)
"""The answer scale of every question (the standard's five-point agree scale and 'weet niet /
n.v.t.'), as (code, Dutch label) in the order the page shows them."""

POSITIVE = frozenset({"4", "5"})
"""Answers that count as positive (mee eens, helemaal mee eens)."""
JUDGING = frozenset({"1", "2", "3", "4", "5"})
"""Answers that judge ('weet niet / n.v.t.' does not)."""
ANSWERS = frozenset(code for code, _ in SCALE)

TOKEN_BYTES = 32
"""256 random bits per token."""
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_QUESTION_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
DEFAULT_OPEN_DAYS = 42
"""A round's tokens work for six weeks after the round is made, unless it says otherwise."""


class SurveyError(ValueError):
    """A questionnaire, draw or answer the rules refuse (one line)."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    theme: str
    core: bool
    """Counts in the provider's satisfaction score (quality and effect of the care)."""
    own: bool = False
    """Added by the region, not one of the standard questions."""


@dataclass(frozen=True, slots=True)
class Questionnaire:
    id: str
    title: str
    law: Law
    introduction: str
    questions: tuple[Question, ...]

    @property
    def core_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions if q.core)

    def to_json(self) -> str:
        return json.dumps({
            "id": self.id, "title": self.title, "law": self.law.value, "introduction": self.introduction,
            "question": [{"id": q.id, "text": q.text, "theme": q.theme, "core": q.core, "own": q.own}
                         for q in self.questions],
        }, ensure_ascii=False)  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Questionnaire:
        return parse_questionnaire(json.loads(text))


def parse_questionnaire(data: Mapping[str, Any], *, own: bool = False) -> Questionnaire:
    """A questionnaire from its TOML form: ``id``, ``title``, ``law`` (wmo | jeugd),
    ``introduction`` and ``[[question]]`` tables with ``id``, ``text``, ``theme`` and ``core``.
    With ``own`` the questions are the region's own (they may leave out law and title)."""
    try:
        law = Law(str(data.get("law", "wmo")))
    except ValueError:
        raise SurveyError(f"law {data.get('law')!r}: give wmo or jeugd") from None
    questions: list[Question] = []
    seen: set[str] = set()
    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        raise SurveyError("the questionnaire has no [[question]] tables")
    for n, raw in enumerate(raw_questions, start=1):
        if not isinstance(raw, Mapping):
            raise SurveyError(f"question {n} is not a table")
        qid = str(raw.get("id", "")).strip()
        text = " ".join(str(raw.get("text", "")).split())
        if not _QUESTION_ID.fullmatch(qid):
            raise SurveyError(f"question {n}: id {qid!r} must be 1-40 lower-case letters, digits, - or _")
        if qid in seen:
            raise SurveyError(f"question {qid!r} appears twice")
        if not 1 <= len(text) <= 300:
            raise SurveyError(f"question {qid!r}: the text must have 1 to 300 characters")
        seen.add(qid)
        questions.append(Question(
            qid, text, " ".join(str(raw.get("theme", "eigen vragen" if own else "")).split()),
            bool(raw.get("core", False)), bool(raw.get("own", own)),
        ))  # fmt: skip
    return Questionnaire(
        id=str(data.get("id", "eigen")),
        title=" ".join(str(data.get("title", "Eigen vragen")).split()),
        law=law,
        introduction=" ".join(str(data.get("introduction", "")).split()),
        questions=tuple(questions),
    )


def with_own_questions(standard: Questionnaire, own: Questionnaire) -> Questionnaire:
    """The standard questionnaire followed by the region's own questions (ids must differ)."""
    clash = {q.id for q in standard.questions} & {q.id for q in own.questions}
    if clash:
        raise SurveyError(f"own question ids {', '.join(sorted(clash))} are already standard questions")
    return Questionnaire(
        standard.id + "+eigen", standard.title, standard.law, standard.introduction,
        standard.questions + tuple(Question(q.id, q.text, q.theme, q.core, True) for q in own.questions),
    )  # fmt: skip


def for_procurement(law: Law) -> bool:
    """Whether the round's results may be used in procurement: not for the Jeugdwet (VNG)."""
    return law is Law.WMO


# -- who is asked -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CareStay:
    """One allocation of a client, as far as the draw needs it."""

    bsn: str
    municipality_code: str
    provider_agb: str
    start: date
    end: date | None


def _days_in_year(stay: CareStay, year: int) -> int:
    first, last = max(stay.start, date(year, 1, 1)), min(stay.end or date(year, 12, 31), date(year, 12, 31))
    return (last - first).days + 1 if last >= first else 0


@dataclass(frozen=True, slots=True)
class Drawn:
    bsn: str
    municipality_code: str
    provider_agb: str


def clients_in_care(stays: Iterable[CareStay], year: int) -> list[Drawn]:
    """Every client with care in ``year`` with its municipality (of its latest allocation in the
    year) and its main provider (most days of care in the year; ties to the lowest AGB)."""
    days: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    municipality: dict[str, tuple[date, str]] = {}
    for stay in stays:
        n = _days_in_year(stay, year)
        if n == 0:
            continue
        days[stay.bsn][stay.provider_agb] += n
        if stay.bsn not in municipality or stay.start >= municipality[stay.bsn][0]:
            municipality[stay.bsn] = (stay.start, stay.municipality_code)
    return [
        Drawn(bsn, municipality[bsn][1], main_provider(per_provider))
        for bsn, per_provider in sorted(days.items())
    ]


def main_provider(days_per_provider: Mapping[str, int]) -> str:
    """The provider with most days of care; a tie goes to the lowest AGB code."""
    if not days_per_provider:
        raise SurveyError("a client without care has no main provider")
    return min(days_per_provider, key=lambda agb: (-days_per_provider[agb], agb))


def draw(population: Sequence[Drawn], sample: int | None, seed: int) -> list[Drawn]:
    """All of ``population``, or per municipality a random sample of at most ``sample`` clients,
    the same for the same seed (the population is sorted by BSN first)."""
    if sample is None:
        return sorted(population, key=lambda d: d.bsn)
    if sample < 1:
        raise SurveyError(f"a sample of {sample}: give 1 or more clients per municipality")
    by_municipality: dict[str, list[Drawn]] = defaultdict(list)
    for d in sorted(population, key=lambda d: d.bsn):
        by_municipality[d.municipality_code].append(d)
    out: list[Drawn] = []
    for code, members in sorted(by_municipality.items()):
        chooser = random.Random(f"{seed}:{code}")  # noqa: S311 - a reproducible draw, not a secret
        out.extend(members if len(members) <= sample else chooser.sample(members, sample))
    return sorted(out, key=lambda d: d.bsn)


# -- tokens -------------------------------------------------------------------------------------


def new_token() -> str:
    """A fresh one-time token for an invitation link (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    return bool(_TOKEN.fullmatch(text))


def token_hash(token: str) -> str:
    """What the store keeps of a token: its SHA-256 (hex). The token has 256 random bits, so no
    key or slow hash is needed to keep it from being guessed back."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_open(closes_on: date, today: date) -> bool:
    """A round's tokens work up to and including its closing day."""
    return today <= closes_on


# -- answers ------------------------------------------------------------------------------------


def check_answers(questionnaire: Questionnaire, form: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The answers in ``form`` (question id -> scale code) and the ids of the questions left
    unanswered or answered with a value off the scale, in questionnaire order. Every question
    needs an answer ('weet niet / n.v.t.' is one)."""
    answers: dict[str, str] = {}
    missing: list[str] = []
    for q in questionnaire.questions:
        value = (form.get(q.id) or "").strip()
        if value in ANSWERS:
            answers[q.id] = value
        else:
            missing.append(q.id)
    return answers, missing


# -- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Response:
    """One respondent's answers with the groups they count in."""

    municipality_code: str
    provider_agb: str
    answers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: Question
    positive_share: Decimal | None
    """Positive among judging answers, 0..1; None when suppressed or nobody judged."""
    judging: int | None
    """Answers that judge; None when suppressed."""


@dataclass(frozen=True, slots=True)
class GroupResult:
    key: str
    invited: int
    respondents: int
    suppressed: bool
    satisfaction: Decimal | None
    questions: tuple[QuestionResult, ...]

    @property
    def response_rate(self) -> Decimal | None:
        if self.suppressed or self.invited == 0:
            return None
        return suppressed_share(self.respondents, self.invited, self.respondents)


def satisfaction(responses: Sequence[Response], core: Set[str], minimum: int = MIN_PEOPLE) -> Decimal | None:
    """Positive answers among the judging answers to the ``core`` questions (their ids), 0..1
    (four decimals); None for fewer than ``minimum`` respondents or when none judged a core
    question."""
    judged = [a for r in responses for q, a in r.answers.items() if q in core and a in JUDGING]
    return suppressed_share(sum(1 for a in judged if a in POSITIVE), len(judged), len(responses), minimum)


def group_result(key: str, invited: int, responses: Sequence[Response], questionnaire: Questionnaire,
                 minimum: int = MIN_PEOPLE) -> GroupResult:  # fmt: skip
    hidden = len(responses) < minimum
    per_question = []
    for q in questionnaire.questions:
        answers = [r.answers[q.id] for r in responses if q.id in r.answers]
        judging = [a for a in answers if a in JUDGING]
        share = (
            None
            if hidden
            else suppressed_share(
                sum(1 for a in judging if a in POSITIVE), len(judging), len(responses), minimum
            )
        )
        per_question.append(QuestionResult(q, share, None if hidden else len(judging)))
    return GroupResult(
        key, invited, len(responses), hidden,
        None if hidden else satisfaction(responses, questionnaire.core_ids, minimum), tuple(per_question),
    )  # fmt: skip


def results_by(
    key: Callable[[Response], str],
    responses: Iterable[Response],
    invited: Mapping[str, int],
    questionnaire: Questionnaire,
    minimum: int = MIN_PEOPLE,
) -> list[GroupResult]:
    """One result per group (``key`` of each response; every group with invitations appears,
    also without respondents), sorted by key."""
    grouped: dict[str, list[Response]] = defaultdict(list)
    for r in responses:
        grouped[key(r)].append(r)
    keys = sorted(set(invited) | set(grouped))
    return [group_result(k, invited.get(k, 0), grouped.get(k, []), questionnaire, minimum) for k in keys]
