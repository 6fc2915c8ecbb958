# SPDX-License-Identifier: EUPL-1.2
"""The unit of work: one session, one transaction, repositories that share it.

A use case opens ``with uow:``, works through the repositories and calls ``uow.commit()``
once; leaving the block without a commit rolls everything back, except the processing-log
entries of what was read (they are committed alone; see ``ProcessingLog``). A use case that books into a
running sum (volumes, budgets, ceilings, message numbering), or decides a tender step once (its
final award, an admission, an additional round), first calls ``uow.serialise(keys)``:
see :class:`~zorginkoop.adapters.db.session.Serialiser`.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from zorginkoop.adapters.db.accounts import AccountRepository
from zorginkoop.adapters.db.consultation import ConsultationRepository
from zorginkoop.adapters.db.exchange import (
    DeliveryRepository,
    MessageRepository,
    RequestRepository,
    WorkflowRepository,
)
from zorginkoop.adapters.db.provider_signals import ProviderSignalRepository
from zorginkoop.adapters.db.queries import ReportQueries
from zorginkoop.adapters.db.repositories import (
    AllocationRepository,
    CatalogueRepository,
    ClientRepository,
    ContractRepository,
    DecisionRepository,
    DeclarationRepository,
    ProcessingLog,
    ProviderRepository,
    RegionRepository,
)
from zorginkoop.adapters.db.session import Serialiser
from zorginkoop.adapters.db.survey import SurveyRepository
from zorginkoop.adapters.db.tenancy import apply_scope
from zorginkoop.adapters.db.tenders import TenderRepository
from zorginkoop.domain.access import Scope
from zorginkoop.settings import Settings

_SESSIONS: sessionmaker[Session] = sessionmaker(expire_on_commit=False)
"""One session factory for every engine, bound per unit of work: a ``sessionmaker`` makes a
Session subclass of its own, and a new class per unit of work cost each API request a fresh
event dispatch set-up (~0.1 ms). It holds no engine, so an engine nobody uses any more is
collected with its pool (a factory per engine kept in a weak-keyed map did hold it: its value
referred to its key)."""


class UnitOfWork:
    """SQLAlchemy unit of work scoped to what one reader may see."""

    session: Session
    region: RegionRepository
    providers: ProviderRepository
    catalogue: CatalogueRepository
    contracts: ContractRepository
    clients: ClientRepository
    decisions: DecisionRepository
    allocations: AllocationRepository
    declarations: DeclarationRepository
    reports: ReportQueries
    log: ProcessingLog
    messages: MessageRepository
    deliveries: DeliveryRepository
    requests: RequestRepository
    workflow: WorkflowRepository
    accounts: AccountRepository
    provider_signals: ProviderSignalRepository
    surveys: SurveyRepository
    tenders: TenderRepository
    consultation: ConsultationRepository

    def __init__(
        self,
        engine: Engine,
        scope: Scope | None = None,
        actor: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.engine = engine
        self.scope = scope or Scope.region()
        self.settings = settings or Settings.from_env()
        self.actor = actor or _default_actor(self.settings)
        self._key = self.settings.pseudonym_key.encode("utf-8")

    def __enter__(self) -> UnitOfWork:
        self.session = _SESSIONS(bind=self.engine)
        # the one tenancy layer: every read in this session carries the scope (tenancy.py)
        apply_scope(self.session, self.scope)
        self.log = ProcessingLog(self.session, self.actor, self.scope, self._key)
        self.region = RegionRepository(self.session)
        self.providers = ProviderRepository(self.session)
        self.catalogue = CatalogueRepository(self.session)
        self.contracts = ContractRepository(self.session)
        self.clients = ClientRepository(self.session, self.scope, self.log)
        self.decisions = DecisionRepository(self.session)
        self.allocations = AllocationRepository(self.session, self.scope, self.log)
        self.declarations = DeclarationRepository(self.session)
        self.reports = ReportQueries(self.session, self.scope)
        self.messages = MessageRepository(self.session, self.log)
        self.deliveries = DeliveryRepository(self.session)
        self.requests = RequestRepository(self.session)
        self.workflow = WorkflowRepository(self.session, self.scope, self.log)
        self.accounts = AccountRepository(self.session)
        self.provider_signals = ProviderSignalRepository(self.session)
        self.surveys = SurveyRepository(self.session, self.scope, self.log)
        self.tenders = TenderRepository(self.session)
        self.consultation = ConsultationRepository(self.session)
        self._serialiser = Serialiser(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if exc_type is None and self.log.owed:
                # read and not committed: what was read is still logged (and fails if it cannot be)
                self.log.commit_pending_alone()
        finally:
            self.session.rollback()
            self.session.close()

    def serialise(self, keys: Iterable[str]) -> None:
        """Hold the locks named by ``keys`` (``tender:<code>``, ``tariff:<law>:<product>``,
        ``provider:<agb>:<law>``, ``contract:<number>``, ``collective:<code>:<year>``,
        ``numbering:<municipality>:<law>``, ``delivery:<agb>``) until the transaction ends; on SQLite the write lock (so call this
        before reading what the locks guard)."""
        self._serialiser.lock(keys)

    def commit(self) -> None:
        self.session.commit()
        self._serialiser.held.clear()

    def rollback(self) -> None:
        self.session.rollback()
        self._serialiser.held.clear()


def _default_actor(settings: Settings) -> str:
    """ZORGINKOOP_ACTOR when set (see settings), else the operating-system user."""
    configured = settings.actor
    if configured:
        return configured
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
