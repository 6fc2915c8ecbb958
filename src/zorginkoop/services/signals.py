# SPDX-License-Identifier: EUPL-1.2
"""Use cases: the social team's signals, read under a scope and logged in the processing log."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.periods import add_months
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.signals import care_runs_on, evaluation_window, one_family_one_plan, transition_18

JEUGD_CARE_UNTIL_MONTHS = 18 * 12 - 6 - 1
"""The 18-/18+ signal (:func:`transition_18`) leaves out youths whose Jeugdwet care ended more
than six months before their 18th birthday, so only youths with Jeugdwet care running until at
least 17 years and 5 months after birth are read (a month of slack for SQL's month arithmetic)."""


def _name(c: Any) -> str:
    return f"{c.initials} {c.prefix + ' ' if c.prefix else ''}{c.family_name}"


def family_plans(uow: UnitOfWork, on: date) -> list[dict[str, Any]]:
    """Every current allocation of households with both Jeugd and Wmo care (one family, one plan)."""
    with uow:
        households = uow.workflow.households_with_allocations(on, purpose=ActivityKind.SIGNALS)
        lines = one_family_one_plan(households, on)
        uow.commit()  # the processing log rows
    return [
        {
            "household": line.household_id,
            "bsn": line.client.bsn,
            "name": _name(line.client),
            "law": line.allocation.law.value,
            "allocation": line.allocation.number,
            "provider": line.allocation.provider_agb,
            "product": line.allocation.product_code or line.allocation.category,
            "start": line.allocation.valid.start,
            "end": line.allocation.valid.end,
        }
        for line in lines
    ]


def transition_signals(uow: UnitOfWork, on: date) -> list[dict[str, Any]]:
    """Youths aged 16-23 whose Jeugdwet care ends at 18 without Wmo support ready (18-/18+)."""
    with uow:
        youths = uow.workflow.clients_with_jeugd_care_until(
            add_months(on, -24 * 12),
            add_months(on, -16 * 12),
            JEUGD_CARE_UNTIL_MONTHS,
            purpose=ActivityKind.SIGNALS,
        )
        allocations = uow.workflow.allocations_of([c.bsn for c in youths], purpose=ActivityKind.SIGNALS)
        signals = transition_18(youths, allocations, on)
        uow.commit()
    return [
        {
            "bsn": s.client.bsn,
            "name": _name(s.client),
            "municipality": s.client.municipality_code,
            "birth_date": s.client.birth_date,
            "turns_18": s.turns_18,
            "jeugd_ends": s.jeugd_ends,
            "missing": s.missing,
        }
        for s in signals
    ]


def evaluations_due(uow: UnitOfWork, on: date, days: int) -> list[dict[str, Any]]:
    """Open evaluation moments of decisions falling due within ``days`` days from ``on``
    (both ends included, :func:`evaluation_window`), leaving out those of decisions whose care
    ended before the moment (:func:`care_runs_on`)."""
    window = evaluation_window(on, days)
    assert window.end is not None
    with uow:
        rows = uow.workflow.evaluations_due(window.start, window.end, purpose=ActivityKind.SIGNALS)
        by_decision: dict[str, list[Allocation]] = defaultdict(list)
        if rows:
            bsns = {bsn for _, bsn, _, _, _ in rows}
            for a in uow.workflow.allocations_of(bsns, purpose=ActivityKind.SIGNALS):
                if a.decision_id is not None:
                    by_decision[a.decision_id].append(a)
        uow.commit()
    return [
        {"due": due, "decision": decision, "bsn": bsn, "municipality": municipality, "label": label}
        for decision, bsn, municipality, due, label in rows
        if care_runs_on(due, by_decision.get(decision, ()))
    ]
