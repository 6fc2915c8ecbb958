# SPDX-License-Identifier: EUPL-1.2
"""The facts the provider benchmark is decided on: trajectories and decisions, pseudonymised.

A *trajectory* is read per allocation: it starts at the provider's current 305 start
(``delivery_event``, kind ``start``) or, without one, at the allocation's ``valid_from``; it
ends at the current 307 stop (kind ``stop``) with its end reason (WMO588/JZ588) or, without a
stop, at the allocation's ``valid_to`` without a reason; ``goals`` is the allocation's
``goals_reached`` (the end evaluation). The domain joins re-allocations into one trajectory
(:func:`zorginkoop.domain.monitoring.join_continuations`).

The client is handed over as a number per read (``c1``, ``c2``, ...), the same for a client's
trajectories and decisions in that read and meaningless outside it: no BSN leaves this module.
Every read goes through the session's scope (the tenancy layer), so a municipality's reader
gets only its municipalities' facts.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zorginkoop.adapters.db import tables as t
from zorginkoop.domain.codes import Law
from zorginkoop.domain.monitoring import END_REASONS, DecisionFact, GoalsReached, Trajectory


@dataclass(frozen=True, slots=True)
class TrajectoryFacts:
    """Pseudonymised trajectories and decisions of one read (clients numbered per read)."""

    trajectories: tuple[Trajectory, ...]
    decisions: tuple[DecisionFact, ...]


class _Pseudonyms:
    """A number per BSN, valid for one read only."""

    def __init__(self) -> None:
        self._numbers: dict[str, str] = {}

    def __call__(self, bsn: str) -> str:
        found = self._numbers.get(bsn)
        if found is None:
            found = self._numbers[bsn] = f"c{len(self._numbers) + 1}"
        return found


class MonitoringQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def trajectory_facts(self, law: Law | None, exclude: Set[str] = frozenset()) -> TrajectoryFacts:
        """Every trajectory and decision under ``law`` (both laws when None) in the session's
        scope, outside the municipalities in ``exclude`` (CBS codes)."""
        trajectories, decisions = self.located_facts(law, exclude, _Pseudonyms())
        return TrajectoryFacts(tuple(t for _m, t in trajectories), tuple(d for _m, d in decisions))

    def located_facts(
        self, law: Law | None, exclude: Set[str], pseudonym: Callable[[str], str]
    ) -> tuple[list[tuple[str, Trajectory]], list[tuple[str, DecisionFact]]]:
        """:meth:`trajectory_facts` with each fact's municipality (CBS code), clients named by
        ``pseudonym`` (the analytics extract passes its keyed hash)."""
        A, E, D = t.AllocationRow, t.DeliveryEventRow, t.DecisionRow
        allocations = select(
            A.municipality_code,
            A.law,
            A.number,
            A.client_bsn,
            A.provider_agb,
            A.product_code,
            A.category,
            A.valid_from,
            A.valid_to,
            A.goals_reached,
        )
        events = select(
            E.municipality_code,
            E.law,
            E.allocation_number,
            E.kind,
            E.start_date,
            E.end_date,
            E.end_reason,
            E.id,
        ).where(E.status == "1", E.current.is_(True))
        decisions = select(D.client_bsn, D.law, D.decided_on, D.municipality_code)
        if law is not None:
            allocations = allocations.where(A.law == law.value)
            events = events.where(E.law == law.value)
            decisions = decisions.where(D.law == law.value)
        if exclude:
            allocations = allocations.where(A.municipality_code.not_in(sorted(exclude)))
            events = events.where(E.municipality_code.not_in(sorted(exclude)))
            decisions = decisions.where(D.municipality_code.not_in(sorted(exclude)))
        starts: dict[tuple[str, str, int], date] = {}
        stops: dict[tuple[str, str, int], tuple[date, str | None]] = {}
        # the latest current event of each kind wins (ids grow with arrival)
        for code, law_value, number, kind, begins, ends, why, _id in self.session.execute(
            events.order_by(E.id)
        ):
            key = (code, law_value, number)
            if kind == "start":
                starts[key] = begins
            elif kind == "stop" and ends is not None:
                stops[key] = (ends, why)
        trajectories = []
        for row in self.session.execute(allocations.order_by(A.id)):
            code, law_value, number, bsn, agb, product, category, valid_from, valid_to, goals = row
            each_law = Law(law_value)
            key = (code, law_value, number)
            start: date = starts.get(key, valid_from)
            end: date | None
            reason: str | None
            end, reason = stops.get(key, (valid_to, None))
            if reason is not None and reason not in END_REASONS[each_law]:
                reason = None  # refused on receipt; read as an end without a reason
            if end is not None and end < start:  # a stop on the start day, or a withdrawn allocation
                end = start
            trajectories.append(
                (
                    code,
                    Trajectory(
                        client=pseudonym(bsn),
                        provider_agb=agb,
                        product_code=product or category,
                        law=each_law,
                        start=start,
                        end=end,
                        end_reason=reason if end is not None else None,
                        goals=GoalsReached(goals) if goals else None,
                    ),
                )
            )
        facts = [
            (code, DecisionFact(pseudonym(bsn), Law(law_value), day))
            for bsn, law_value, day, code in self.session.execute(decisions)
        ]
        return trajectories, facts
