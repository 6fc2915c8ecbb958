# SPDX-License-Identifier: EUPL-1.2
"""The one tenancy layer: a unit of work's scope applied to every read of personal data.

:func:`apply_scope` hooks the session (``do_orm_execute``) so that every ORM read touching a
table with personal data, wherever in the code it is written, carries the scope's criteria
(``with_loader_criteria``, aliases and subqueries included). A new query cannot forget the scope:
it gets it from the session. :data:`PERSONAL_TABLES` lists the tables; a test fails when a
table with a BSN column is missing from it.

Scope kinds (:class:`~zorginkoop.domain.access.Scope`): region sees all; municipalities see rows
held by their CBS codes; a provider sees rows about its own care (its AGB) and the clients and
decisions it has an allocation for.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import event, exists, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.access import Scope, ScopeKind

HELD_BY_MUNICIPALITY_AND_PROVIDER: tuple[type[t.Base], ...] = (
    t.AllocationRow,
    t.DeclarationRow,
    t.DeclarationLineRow,
    t.PaymentRow,
    t.AllocationOutsideLineRow,
    t.DeliveryEventRow,
    t.StopWorklistRow,
    t.AllocationRequestRow,
    t.MessageRow,
    t.ProviderSignalRow,
)
"""Tables whose rows name the municipality (``municipality_code``) and provider (``provider_agb``)."""

PERSONAL_TABLES: tuple[type[t.Base], ...] = (
    *HELD_BY_MUNICIPALITY_AND_PROVIDER,
    t.ClientRow,
    t.ClientContactRow,
    t.DecisionRow,
    t.EvaluationMomentRow,
    t.DecisionAddOnRow,
)


@lru_cache(maxsize=256)
def _criteria(scope: Scope) -> tuple[Any, ...]:
    """The loader criteria of ``scope``, built once per scope (they are immutable and shared by
    every session of that scope: building them per unit of work cost a request ~1 ms)."""
    codes = tuple(sorted(scope.codes))
    options: list[Any] = []
    municipal = scope.kind is ScopeKind.MUNICIPALITY

    def add(entity: type[t.Base], criteria: Any) -> None:
        options.append(with_loader_criteria(entity, criteria, include_aliases=True))

    for entity in HELD_BY_MUNICIPALITY_AND_PROVIDER:
        if municipal:
            add(entity, lambda cls: cls.municipality_code.in_(codes))
        else:
            add(entity, lambda cls: cls.provider_agb.in_(codes))
    # the criteria's own subqueries read aliases of the Core tables, so they neither correlate
    # with the statement's own allocation/decision/client nor get the criteria themselves
    allocation = t.AllocationRow.__table__.alias("scope_allocation")
    decision = t.DecisionRow.__table__.alias("scope_decision")
    client = t.ClientRow.__table__.alias("scope_client")
    if municipal:
        add(t.ClientRow, lambda cls: cls.municipality_code.in_(codes))
        add(t.DecisionRow, lambda cls: cls.municipality_code.in_(codes))
        add(
            t.ClientContactRow,
            lambda cls: exists(
                select(client.c.bsn).where(client.c.bsn == cls.bsn, client.c.municipality_code.in_(codes))
            ),
        )
        for entity in (t.EvaluationMomentRow, t.DecisionAddOnRow):
            add(
                entity,
                lambda cls: exists(
                    select(decision.c.id).where(
                        decision.c.id == cls.decision_id, decision.c.municipality_code.in_(codes)
                    )
                ),
            )
    else:
        add(
            t.ClientRow,
            lambda cls: exists(
                select(allocation.c.id).where(
                    allocation.c.client_bsn == cls.bsn, allocation.c.provider_agb.in_(codes)
                )
            ),
        )
        add(
            t.ClientContactRow,
            lambda cls: exists(
                select(allocation.c.id).where(
                    allocation.c.client_bsn == cls.bsn, allocation.c.provider_agb.in_(codes)
                )
            ),
        )
        add(
            t.DecisionRow,
            lambda cls: exists(
                select(allocation.c.id).where(
                    allocation.c.decision_id == cls.id, allocation.c.provider_agb.in_(codes)
                )
            ),
        )
        for entity in (t.EvaluationMomentRow, t.DecisionAddOnRow):
            add(
                entity,
                lambda cls: exists(
                    select(allocation.c.id).where(
                        allocation.c.decision_id == cls.decision_id, allocation.c.provider_agb.in_(codes)
                    )
                ),
            )
    return tuple(options)  # fmt: skip


def apply_scope(session: Session, scope: Scope) -> None:
    """Restrict every ORM read in ``session`` to what ``scope`` may see (a region scope adds
    nothing). Writes are not filtered: a use case writes what it read in scope."""
    if scope.kind is ScopeKind.REGION:
        return
    options = _criteria(scope)

    @event.listens_for(session, "do_orm_execute")
    def _scoped(state: ORMExecuteState) -> None:
        if state.is_select:
            state.statement = state.statement.options(*options)
