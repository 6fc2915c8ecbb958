# SPDX-License-Identifier: EUPL-1.2
"""Use cases of the client experience survey (cliëntervaringsonderzoek; Wmo 2015 art. 2.5.1,
Jeugdwet art. 2.10): make a round, send the invitations, let a client answer once, read the
results per municipality and per provider, and the benchmark's satisfaction per provider.

Every read of invitations or answers is scoped by the unit of work (a municipality sees its own)
and logged per client (activity ``survey``); results show no value for a group of fewer than 10
respondents (:mod:`zorginkoop.domain.survey`). The score's scale: see
:func:`satisfaction_by_provider`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from importlib import resources
from pathlib import Path

from zorginkoop.adapters.db.exchange import ClientContact
from zorginkoop.adapters.db.survey import StoredRound
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.mailer import Letter, Mail, Mailer
from zorginkoop.domain.access import ScopeKind
from zorginkoop.domain.care import Client
from zorginkoop.domain.codes import Law
from zorginkoop.domain.processing import ActivityKind, Group
from zorginkoop.domain.survey import (
    DEFAULT_OPEN_DAYS,
    GroupResult,
    Questionnaire,
    Response,
    SurveyError,
    check_answers,
    clients_in_care,
    draw,
    for_procurement,
    is_open,
    looks_like_token,
    new_token,
    parse_questionnaire,
    results_by,
    satisfaction,
    token_hash,
    with_own_questions,
)
from zorginkoop.services.processing_log import record_group_read

PUBLIC_ACTOR = "inwoner via enquetelink"
"""The processing log's actor for what a client does on ``/enquete/{token}`` (no account)."""
DEFAULT_BASE_URL = "http://localhost:8000"


class SurveyServiceError(ValueError):
    """A survey request the store cannot do as asked (one line, naming the input)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def standard_questionnaire(law: Law) -> Questionnaire:
    """The shipped standard questionnaire of ``law`` (``data/surveys/<law>.toml``)."""
    text = (resources.files("zorginkoop") / "data" / "surveys" / f"{law.value}.toml").read_text("utf-8")
    return parse_questionnaire(tomllib.loads(text))


def own_questions(path: Path) -> Questionnaire:
    """The region's own questions from a TOML file (``[[question]]`` tables)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SurveyServiceError(f"--questions {path}: cannot read it ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SurveyServiceError(f"--questions {path}: not valid TOML ({exc})") from None
    try:
        return parse_questionnaire(data, own=True)
    except SurveyError as exc:
        raise SurveyServiceError(f"--questions {path}: {exc}") from None


# -- rounds ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoundSummary:
    id: int
    year: int
    law: Law
    municipality_code: str | None
    municipality: str
    """The municipality's name, or "regio" for a round of the whole region."""
    title: str
    questions: int
    sample: int | None
    closes_on: date
    drawn: int
    sent: int
    answered: int
    for_procurement: bool


def _summary(uow: UnitOfWork, r: StoredRound, names: Mapping[str, str]) -> RoundSummary:
    drawn, sent, answered = uow.surveys.round_counts(r.id)
    return RoundSummary(
        r.id, r.year, r.law, r.municipality_code,
        names.get(r.municipality_code, r.municipality_code) if r.municipality_code else "regio",
        r.questionnaire.title, len(r.questionnaire.questions), r.sample, r.closes_on,
        drawn, sent, answered, for_procurement(r.law),
    )  # fmt: skip


def _municipality(uow: UnitOfWork, text: str | None) -> str | None:
    names = uow.region.municipality_names()
    scope = uow.scope
    if text is None or not text.strip():
        if scope.kind is ScopeKind.MUNICIPALITY:
            if len(scope.codes) == 1:
                return next(iter(scope.codes))
            raise SurveyServiceError("give the municipality (you work for more than one)")
        return None
    key = text.strip()
    code = key if key in names else next((c for c, n in names.items() if n.lower() == key.lower()), None)
    if code is None:
        listed = ", ".join(f"{c} {n}" for c, n in sorted(names.items()))
        raise SurveyServiceError(f"unknown municipality {text!r}; the region has {listed}")
    if scope.kind is ScopeKind.MUNICIPALITY and code not in scope.codes:
        raise SurveyServiceError(f"municipality {text!r} is outside what you may see")
    return code


def create_round(
    uow: UnitOfWork,
    year: int,
    law: Law,
    municipality: str | None = None,
    *,
    sample: int | None = None,
    seed: int = 1,
    own: Questionnaire | None = None,
    today: date | None = None,
    open_days: int = DEFAULT_OPEN_DAYS,
) -> RoundSummary:
    """A round for ``year`` and ``law`` (the region, or one municipality): every client with care
    under the law in the year, or ``sample`` per municipality drawn with ``seed``, each with its
    main provider. The questionnaire is the standard one plus ``own`` questions. Nothing is
    sent yet (:func:`invite`)."""
    if uow.scope.kind is ScopeKind.PROVIDER:
        raise SurveyServiceError("a provider cannot make a survey round")
    day = today or _now().date()
    if open_days < 1:
        raise SurveyServiceError(f"a round open for {open_days} days: give 1 or more")
    questionnaire = standard_questionnaire(law)
    try:
        if own is not None:
            questionnaire = with_own_questions(questionnaire, own)
        with uow:
            code = _municipality(uow, municipality)
            population = clients_in_care(uow.surveys.care_in_year(year, law, code), year)
            drawn = draw(population, sample, seed)
            if not drawn:
                raise SurveyServiceError(f"no clients with {law.value} care in {year}" +
                                         (f" in municipality {code}" if code else ""))  # fmt: skip
            round_id = uow.surveys.add_round(
                year,
                law,
                code,
                questionnaire,
                sample,
                seed,
                day + timedelta(days=open_days),
                _now(),
                uow.actor,
            )
            uow.surveys.add_invitations(round_id, drawn)
            uow.log.record(ActivityKind.SURVEY, "survey.draw", [d.bsn for d in drawn], law=law.value)
            stored = uow.surveys.get_round(round_id)
            assert stored is not None
            summary = _summary(uow, stored, uow.region.municipality_names())
            uow.commit()
    except SurveyError as exc:
        raise SurveyServiceError(str(exc)) from None
    return summary


def list_rounds(uow: UnitOfWork) -> list[RoundSummary]:
    """The rounds the reader may see (the region's and its own municipalities'), oldest first."""
    with uow:
        names = uow.region.municipality_names()
        return [_summary(uow, r, names) for r in uow.surveys.rounds()]


def _round(uow: UnitOfWork, round_id: int) -> StoredRound:
    found = uow.surveys.get_round(round_id)
    if found is None:
        raise SurveyServiceError(f"no survey round {round_id} (`zorginkoop survey list` shows them)")
    return found


# -- invitations ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InviteSummary:
    round_id: int
    emails: int
    letters: int
    no_contact: int
    """Drawn clients without any contact data: not invited (ask their provider)."""


def _salutation(client: Client | None) -> str:
    if client is None:
        return "Beste cliënt,"
    prefix = f"{client.prefix} " if client.prefix else ""
    return f"Beste {client.initials} {prefix}{client.family_name},"


def invitation_text(
    r: StoredRound, client: Client | None, provider: str, municipality: str, link: str
) -> tuple[str, str]:
    """Subject and body of an invitation (Dutch, plain text, the link on a line of its own)."""
    what = "ondersteuning" if r.law is Law.WMO else "jeugdhulp"
    subject = f"Wat vindt u van de {what} die u krijgt? (gemeente {municipality})"
    body = "\n".join((
        _salutation(client), "",
        f"In {r.year} kreeg u {what} van {provider}. De gemeente {municipality} wil graag weten wat u "
        "daarvan vindt. Wilt u een korte vragenlijst invullen? Dat duurt ongeveer 5 minuten.", "",
        "U vindt de vragenlijst via deze persoonlijke link. De link werkt één keer, tot en met "
        f"{r.closes_on.day}-{r.closes_on.month}-{r.closes_on.year}:", "",
        link, "",
        "Meedoen is vrijwillig. Uw antwoorden worden alleen gebruikt in cijfers over groepen van "
        "minstens 10 mensen; uw aanbieder ziet niet wat u hebt geantwoord.", "",
        f"Met vriendelijke groet,\nGemeente {municipality}",
    ))  # fmt: skip
    return subject, body


def _address(contact: ClientContact) -> tuple[str, ...]:
    letter = contact.house_letter or ""
    return (
        f"{contact.street} {contact.house_number}{letter}",
        f"{contact.postcode[:4]} {contact.postcode[4:]}  {contact.city}",
    )


def invite(
    uow: UnitOfWork,
    round_id: int,
    mailer: Mailer,
    base_url: str = DEFAULT_BASE_URL,
    now: datetime | None = None,
) -> InviteSummary:
    """Send every drawn client of the round not yet invited a one-time link: by e-mail where
    the provider supplied an address, else a letter to the BRP address; a client without
    contact data is counted, not invited. Tokens are stored as hashes only. When the mailer
    fails, nothing is stored (the links written so far do not work; run it again)."""
    at = now or _now()
    with uow:
        r = _round(uow, round_id)
        if not is_open(r.closes_on, at.date()):
            raise SurveyServiceError(f"survey round {round_id} closed on {r.closes_on}; make a new round")
        pending = uow.surveys.invitations(round_id, r.law, unsent_only=True)
        bsns = [i.client_bsn for i in pending]
        contacts = uow.workflow.contacts(bsns, ActivityKind.SURVEY) if bsns else {}
        clients = uow.workflow.clients(bsns, ActivityKind.SURVEY) if bsns else {}
        providers = uow.providers.names()
        municipalities = uow.region.municipality_names()
        emails = letters = missing = 0
        sent: list[tuple[int, str, str]] = []
        for invitation in pending:
            contact = contacts.get(invitation.client_bsn)
            if contact is None:
                missing += 1
                continue
            token = new_token()
            subject, body = invitation_text(
                r, clients.get(invitation.client_bsn),
                providers.get(invitation.provider_agb, invitation.provider_agb),
                municipalities.get(invitation.municipality_code, invitation.municipality_code),
                f"{base_url.rstrip('/')}/enquete/{token}",
            )  # fmt: skip
            reference = f"ronde-{round_id}-uitnodiging-{invitation.id}"
            if contact.email:
                mailer.send_mail(Mail(contact.email, subject, body, reference))
                channel, emails = "email", emails + 1
            else:
                name = _salutation(clients.get(invitation.client_bsn)).removeprefix("Beste ").rstrip(",")
                mailer.send_letter(Letter(name, _address(contact), subject, body, reference))
                channel, letters = "letter", letters + 1
            sent.append((invitation.id, token_hash(token), channel))
        uow.surveys.mark_sent(sent, at)
        uow.commit()
    return InviteSummary(round_id, emails, letters, missing)


# -- the client's page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurveyPage:
    questionnaire: Questionnaire
    year: int
    law: Law
    provider: str
    municipality: str


def open_survey(uow: UnitOfWork, token: str, today: date | None = None) -> SurveyPage | None:
    """The questionnaire behind a live token, or None: unknown, tampered, used or expired
    tokens all look the same. The client's read of their invitation is logged."""
    if not looks_like_token(token):
        return None
    day = today or _now().date()
    with uow:
        found = uow.surveys.by_token(token_hash(token))
        if found is None:
            return None
        invitation, r = found
        if invitation.answered_at is not None or not is_open(r.closes_on, day):
            return None
        uow.log.record(ActivityKind.SURVEY, "survey.open", [invitation.client_bsn], law=r.law.value)
        page = SurveyPage(
            r.questionnaire, r.year, r.law,
            uow.providers.names().get(invitation.provider_agb, invitation.provider_agb),
            uow.region.municipality_names().get(invitation.municipality_code, invitation.municipality_code),
        )  # fmt: skip
        uow.commit()
    return page


class Submitted(str, Enum):
    DONE = "done"
    INCOMPLETE = "incomplete"
    GONE = "gone"
    """Unknown, used or expired token (the same answer for each)."""


@dataclass(frozen=True, slots=True)
class SubmitOutcome:
    status: Submitted
    page: SurveyPage | None = None
    missing: tuple[str, ...] = ()
    answers: Mapping[str, str] | None = None


def submit_answers(
    uow: UnitOfWork, token: str, form: Mapping[str, str], now: datetime | None = None
) -> SubmitOutcome:
    """Store the client's answers once: every question needs an answer ('weet niet / n.v.t.'
    is one), else nothing is stored and the missing questions are named. A second send of the
    same token, also at the same moment, stores nothing."""
    if not looks_like_token(token):
        return SubmitOutcome(Submitted.GONE)
    at = now or _now()
    with uow:
        found = uow.surveys.by_token(token_hash(token))
        if found is None:
            return SubmitOutcome(Submitted.GONE)
        invitation, r = found
        if invitation.answered_at is not None or not is_open(r.closes_on, at.date()):
            return SubmitOutcome(Submitted.GONE)
        answers, missing = check_answers(r.questionnaire, form)
        if missing:
            page = SurveyPage(
                r.questionnaire, r.year, r.law,
                uow.providers.names().get(invitation.provider_agb, invitation.provider_agb),
                uow.region.municipality_names().get(invitation.municipality_code, invitation.municipality_code),
            )  # fmt: skip
            return SubmitOutcome(Submitted.INCOMPLETE, page, tuple(missing), answers)
        if not uow.surveys.record_answers(invitation, answers, at):
            uow.rollback()
            return SubmitOutcome(Submitted.GONE)
        uow.log.record(ActivityKind.SURVEY, "survey.answer", [invitation.client_bsn], law=r.law.value)
        uow.commit()
    return SubmitOutcome(Submitted.DONE)


# -- results ----------------------------------------------------------------------------------------


class GroupBy(str, Enum):
    MUNICIPALITY = "municipality"
    PROVIDER = "provider"


@dataclass(frozen=True, slots=True)
class NamedGroup:
    code: str
    name: str
    result: GroupResult


@dataclass(frozen=True, slots=True)
class RoundResults:
    round: RoundSummary
    by: GroupBy
    questionnaire: Questionnaire
    groups: tuple[NamedGroup, ...]
    total: GroupResult
    """All respondents in the reader's scope together."""


def results(uow: UnitOfWork, round_id: int, by: GroupBy = GroupBy.MUNICIPALITY) -> RoundResults:
    """The round's results per municipality or per provider, in the reader's scope: respondents,
    positive share per question and the satisfaction score; no values for a group of fewer than
    10 respondents. Reading the answers is logged per respondent."""
    if uow.scope.kind is ScopeKind.PROVIDER:
        raise SurveyServiceError("a provider sees the survey through its benchmark position, not per answer")
    with uow:
        r = _round(uow, round_id)
        names = uow.region.municipality_names()
        summary = _summary(uow, r, names)
        responses = uow.surveys.responses([round_id], r.law)
        per_municipality, per_provider = uow.surveys.invited_counts([round_id])
        providers = uow.providers.names()
        group = Group.of(by=by, law=r.law, round=round_id)  # and the figure shown, once
        record_group_read(uow, "survey.results", group, ActivityKind.SURVEY)
        uow.commit()
    if by is GroupBy.MUNICIPALITY:
        groups = results_by(lambda x: x.municipality_code, responses, per_municipality, r.questionnaire)
        labels = names
    else:
        groups = results_by(lambda x: x.provider_agb, responses, per_provider, r.questionnaire)
        labels = providers
    total = results_by(lambda _x: "totaal", responses, {"totaal": sum(per_municipality.values())},
                       r.questionnaire)[0]  # fmt: skip
    return RoundResults(
        summary, by, r.questionnaire,
        tuple(NamedGroup(g.key, labels.get(g.key, g.key), g) for g in groups), total,
    )  # fmt: skip


def read_satisfaction(uow: UnitOfWork, year: int, law: Law) -> dict[str, Decimal | None]:
    """:func:`satisfaction_by_provider` inside a unit of work the caller has opened (and commits:
    the answers read are logged)."""
    rounds = uow.surveys.rounds(year, law)
    ids = [r.id for r in rounds]
    core = frozenset().union(*(r.questionnaire.core_ids for r in rounds)) if rounds else frozenset()
    responses = uow.surveys.responses(ids, law, operation="survey.satisfaction")
    _per_municipality, per_provider = uow.surveys.invited_counts(ids)
    by_provider: dict[str, list[Response]] = {agb: [] for agb in per_provider}
    for response in responses:
        by_provider.setdefault(response.provider_agb, []).append(response)
    return {agb: satisfaction(found, core) for agb, found in sorted(by_provider.items())}


def satisfaction_by_provider(uow: UnitOfWork, year: int, law: Law) -> Mapping[str, Decimal | None]:
    """The benchmark's ``satisfaction`` per provider (AGB code): over every survey round of
    ``year`` and ``law`` the reader may see, the share of positive answers ('mee eens' or
    'helemaal mee eens') among the answers that judge ('weet niet / n.v.t.' left out) to the core
    questions (quality and effect of the care), as a fraction **from 0 to 1 with four decimals**
    (0.8123 = 81.2% positive). None when the provider has fewer than 10 respondents. Every
    provider with invitations sent is a key; a provider never surveyed is absent. Opens and
    commits its own unit of work (the answers read are logged). Jeugdwet scores are for
    learning and account meetings, not for procurement (VNG; :func:`~zorginkoop.domain.survey.for_procurement`)."""
    with uow:
        found = read_satisfaction(uow, year, law)
        uow.commit()
    return found


def municipality_choices(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(CBS code, name) of the municipalities a round may be made for by the reader."""
    with uow:
        names = uow.region.municipality_names()
    if uow.scope.kind is ScopeKind.MUNICIPALITY:
        names = {c: n for c, n in names.items() if c in uow.scope.codes}
    return sorted(names.items(), key=lambda item: item[1].lower())
