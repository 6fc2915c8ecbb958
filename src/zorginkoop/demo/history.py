# SPDX-License-Identifier: EUPL-1.2
"""The demo's delivery history: what monitoring measures (issue 10, "history worth measuring").

The Lekstroom generator gives every client a trajectory of allocations and monthly lines. This
module adds, on those same trajectories and without new paid care in 2018-2020 (so the memo's
figures hold to the cent), what the providers and the consultants would have reported:

- **305 and 307.** Every allocation with care gets a start (305, Begindatum = its first day).
  A *run* is a client's allocations with one provider for one product, each starting the day
  after the one before (a re-assessment with the same product, or Jeugd care carried over to
  the next contract): care goes on, so no stop between them. A run stops (307) on its last
  allocation's last day when that lies in the history (up to 2020-12-31): with the law's own
  code (WMO588 / JZ588, :data:`zorginkoop.domain.monitoring.END_REASONS`) for the kind of end.
  A run followed by a run with another product for the same client (re-assessment: a heavier or
  a lighter product) ended according to plan. The last run's end kind is drawn from the
  provider's profile: to plan, early by client / provider / in agreement, moved, died, another
  domain (Wlz, Zvw, or Wmo for youths turning 18), another provider, ended by the municipality,
  in connection with a change request; a few runs had a temporary stop (20) and a restart.
- **Ends before the plan.** An end before the planned end shortened the allocation the way the
  receive path does (domain.stopping): the allocation's end is the stop date with the RedenWijziging
  the code lists pair with the reason; a provider-initiated stop left an item on the stop
  worklist that was ended; the decision keeps the planned period.
- **Scale-downs.** Some re-assessed Wmo trajectories go to a lighter product (OZR3 then OZR2).
  Done before calibration, so the fitted hours still give the memo's figures.
- **Goals reached** at the end evaluation (allocation.goals_reached) of runs that ended.
- **Repeat requests.** A new decision for the client within six months after the end: for a run
  that ended in 2018-2019, a later client of the same municipality whose care started within six
  months becomes the same person (no care added, the 2020 clients stay who they are); for a run
  that ended in 2020, a decision taken in 2020 for care from January 2021 (nothing declared).

Providers differ: each has a fixed quality (from its AGB code, the same for every seed) that
moves its chances of an end to plan, goals reached, repeat requests and scale-downs, so a
benchmark shows spread. Pure and deterministic: its own random stream from the seed, so the
generator's own draws (and the figures) are untouched.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from zorginkoop.domain.care import Allocation, Client, Decision
from zorginkoop.domain.catalogue import TariffSchedule, allocation_budget_limit
from zorginkoop.domain.codes import Frequency, Law
from zorginkoop.domain.monitoring import END_REASONS, NO_REPEAT_MONTHS, EndKind, GoalsReached
from zorginkoop.domain.periods import Period, add_months, age_on
from zorginkoop.domain.stopping import change_reason_for_stop

HISTORY_END = date(2020, 12, 31)
"""The last day of the history: stops up to this day were received; later ends are still planned."""
REPEAT_CARE_FROM = date(2021, 1, 4)
"""Care of a repeat decision taken in 2020 starts from this day (after the declared years)."""
LAST_CONTRACT_DAY = date(2021, 12, 31)

CODE_OF: dict[Law, dict[EndKind, str]] = {
    law: {kind: code for code, kind in reasons.items()} for law, reasons in END_REASONS.items()
}
"""Per law, the WMO588 / JZ588 code of each kind of end (the lists give each kind one code)."""

PROVIDER_INITIATED: frozenset[EndKind] = frozenset(
    {
        EndKind.EARLY_BY_CLIENT,
        EndKind.EARLY_BY_PROVIDER,
        EndKind.EARLY_IN_AGREEMENT,
        EndKind.MOVED_OR_EXTERNAL,
        EndKind.DIED,
        EndKind.OTHER_PROVIDER,
        EndKind.OTHER_DOMAIN,
    }
)
"""Ends the provider reports first ("Initiatief aanbieder: ja"): the 307 puts the allocation on the
stop worklist, which ends it. The municipality's own ends (36, 37) came with its 301 first."""

NO_FOLLOW_UP: frozenset[EndKind] = frozenset({EndKind.DIED, EndKind.MOVED_OR_EXTERNAL, EndKind.OTHER_DOMAIN})
"""After these ends the municipality sees no repeat request (the client is gone from its care)."""


@dataclass(frozen=True, slots=True)
class DeliveryFact:
    """One StartProduct (305) or StopProduct (307) as the provider sent it, one per message."""

    kind: str
    """start or stop (delivery_event.kind)."""
    municipality_code: str
    law: Law
    allocation_number: int
    client_bsn: str
    provider_agb: str
    category: str
    product_code: str
    allocation_start: date
    start_date: date
    """Begindatum: the start of the delivery (a stop carries the start it ends, OP155)."""
    end_date: date | None
    end_reason: str | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class EndedStop:
    """A stop worklist item the back office ended: the allocation now ends at the stop date."""

    stop: DeliveryFact
    previous_end: date
    change_reason: str
    decided_at: datetime


@dataclass(frozen=True, slots=True)
class History:
    deliveries: tuple[DeliveryFact, ...]
    ended_stops: tuple[EndedStop, ...]


# -- provider profiles ------------------------------------------------------------------------------


def provider_quality(agb_code: str) -> float:
    """A provider's fixed quality from -1 (poor results) to 1 (good): the same for every seed."""
    return random.Random(f"lekstroom-quality-{agb_code}").uniform(-1.0, 1.0)  # noqa: S311 - demo data


def _end_weights(law: Law, quality: float, elderly: bool) -> dict[EndKind, float]:
    q = quality
    return {
        EndKind.TO_PLAN: 0.50 + 0.22 * q,
        EndKind.EARLY_BY_CLIENT: 0.10 - 0.05 * q,
        EndKind.EARLY_BY_PROVIDER: 0.05 - 0.035 * q,
        EndKind.EARLY_IN_AGREEMENT: 0.09 - 0.03 * q,
        EndKind.MOVED_OR_EXTERNAL: 0.05,
        EndKind.DIED: (0.12 if elderly else 0.015) if law is Law.WMO else 0.002,
        EndKind.OTHER_DOMAIN: (0.07 if elderly else 0.02) if law is Law.WMO else 0.03,
        EndKind.OTHER_PROVIDER: 0.03 - 0.01 * q,
        EndKind.BY_MUNICIPALITY: 0.02,
        EndKind.CHANGE_REQUEST: 0.02,
    }


def _goals(rng: random.Random, kind: EndKind, quality: float) -> GoalsReached | None:
    """What the consultant records at the end evaluation; None when nobody did (or nothing to)."""
    if kind is EndKind.DIED or rng.random() < 0.1:
        return None
    if kind is EndKind.TO_PLAN:
        weights = (0.55 + 0.25 * quality, 0.35 - 0.1 * quality, 0.10 - 0.05 * quality)
    elif kind.early:
        weights = (0.08 + 0.05 * quality, 0.37, 0.55 - 0.05 * quality)
    else:
        weights = (0.25 + 0.1 * quality, 0.5, 0.25 - 0.1 * quality)
    return rng.choices((GoalsReached.REACHED, GoalsReached.PARTLY, GoalsReached.NOT), weights)[0]


def _repeat_chance(kind: EndKind, quality: float) -> float:
    if kind in NO_FOLLOW_UP:
        return 0.0
    base = 0.10 if kind is EndKind.TO_PLAN else 0.28
    return max(0.01, base - 0.08 * quality)


def _received(rng: random.Random, day: date) -> datetime:
    """A message about ``day``, received within five working days (OP272), in office hours, and
    within the history."""
    at = datetime.combine(
        day + timedelta(days=rng.randint(0, 6)), time(rng.randint(8, 16), rng.randint(0, 59))
    )
    return min(at, datetime.combine(HISTORY_END, time(17, 0)))


# -- runs ---------------------------------------------------------------------------------------------


def _runs(allocations: Sequence[Allocation]) -> list[list[int]]:
    """Indices of allocations grouped into runs: one client, provider and product, each allocation
    starting the day after the one before."""
    chains: dict[tuple[str, str, Law], list[int]] = defaultdict(list)
    for i, a in enumerate(allocations):
        chains[a.client_bsn, a.provider_agb, a.law].append(i)
    runs: list[list[int]] = []
    for indices in chains.values():
        indices.sort(key=lambda i: allocations[i].valid.start)
        run = [indices[0]]
        for i in indices[1:]:
            before, after = allocations[run[-1]], allocations[i]
            assert before.valid.end is not None
            if (
                after.product_code == before.product_code
                and after.valid.start == before.valid.end + timedelta(1)
            ):
                run.append(i)
            else:
                runs.append(run)
                run = [i]
        runs.append(run)
    runs.sort(key=lambda r: (allocations[r[0]].valid.start, allocations[r[0]].municipality_code,
                             allocations[r[0]].number))  # fmt: skip
    return runs


# -- scale-downs (before calibration) ------------------------------------------------------------------


def scale_downs(
    rng: random.Random,
    allocations: list[Allocation],
    decisions: list[Decision],
    order: Sequence[str],
    schedule: TariffSchedule,
) -> list[Allocation]:
    """Re-assessed Wmo trajectories whose last part goes one product lighter (``order`` lightest
    first, e.g. OZR1, OZR2, OZR3), changed in place; returns the lighter allocations (the
    caller moves their lines to the new product)."""
    weight = {code: i for i, code in enumerate(order)}
    by_decision = {d.id: i for i, d in enumerate(decisions)}
    chains: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, a in enumerate(allocations):
        if a.law is Law.WMO and a.product_code in weight:
            chains[a.client_bsn, a.provider_agb].append(i)
    done: list[Allocation] = []
    for key in sorted(chains):
        indices = sorted(chains[key], key=lambda i: allocations[i].valid.start)
        if len(indices) < 2:
            continue
        before, last = allocations[indices[-2]], allocations[indices[-1]]
        assert before.product_code is not None and last.product_code is not None
        heavier = weight[before.product_code]
        if heavier == 0 or rng.random() >= 0.10 + 0.12 * provider_quality(last.provider_agb):
            continue
        product = order[heavier - 1]
        assert last.volume is not None and last.unit is not None
        lighter = replace(
            last,
            product_code=product,
            budget_limit=allocation_budget_limit(
                schedule, product, volume=last.volume, unit=last.unit, frequency=Frequency.PER_WEEK,
                period=last.valid,
            ),
        )  # fmt: skip
        allocations[indices[-1]] = lighter
        if last.decision_id is not None and last.decision_id in by_decision:
            d = by_decision[last.decision_id]
            decisions[d] = replace(decisions[d], product_code=product)
        done.append(lighter)
    return done


# -- the history -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _RunEnd:
    run: list[int]
    kind: EndKind
    end: date
    planned_end: date


def add_history(  # noqa: PLR0917 - the generator's lists, changed in place
    rng: random.Random,
    clients: list[Client],
    decisions: list[Decision],
    allocations: list[Allocation],
    schedule: TariffSchedule,
    term_end: Callable[[Allocation], date],
    next_number: Callable[[str], int],
    household_shared: set[str],
) -> History:
    """Ends, reasons, goals and repeat requests on the generated trajectories (see the module).

    Lists are changed in place: allocations ended early or re-evaluated, decisions keeping their
    planned period, clients merged for repeat requests, repeat decisions and allocations added.
    ``term_end(a)`` is the last day of the contract term ``a`` runs under;
    ``next_number(municipality)`` gives the next ToewijzingNummer; ``household_shared`` are the
    household ids more than one client has. The caller points its lines at the allocations as
    they are afterwards (same municipality and number).
    """
    client_of = {c.bsn: c for c in clients}
    runs = _runs(allocations)
    decision_index = {d.id: i for i, d in enumerate(decisions)}
    next_of: dict[int, int] = {}
    by_client: dict[tuple[str, Law], list[int]] = defaultdict(list)
    for r, run in enumerate(runs):
        a = allocations[run[0]]
        by_client[a.client_bsn, a.law].append(r)
    for indices in by_client.values():
        for this, that in itertools.pairwise(indices):
            last, first = allocations[runs[this][-1]], allocations[runs[that][0]]
            if last.valid.end is not None and first.valid.start == last.valid.end + timedelta(1):
                next_of[this] = that

    # 1. how each run ended
    ends: dict[int, _RunEnd] = {}
    for r, run in enumerate(runs):
        last = allocations[run[-1]]
        end = last.valid.end
        if end is None or end > HISTORY_END:
            continue
        if r in next_of:
            ends[r] = _RunEnd(run, EndKind.TO_PLAN, end, end)  # re-assessed: another product follows
            continue
        client = client_of[last.client_bsn]
        quality = provider_quality(last.provider_agb)
        if last.law is Law.JEUGD and age_on(client.birth_date, end + timedelta(1)) >= 18:
            kind = EndKind.OTHER_DOMAIN if rng.random() < 0.6 else EndKind.TO_PLAN  # 18: on to Wmo, Zvw
        else:
            elderly = age_on(client.birth_date, end) >= 75
            weights = _end_weights(last.law, quality, elderly)
            kind = rng.choices(list(weights), list(weights.values()))[0]
        planned = end
        if kind is not EndKind.TO_PLAN:
            planned = min(add_months(end, rng.randint(2, 10)), term_end(last))
            if planned <= end:
                kind = EndKind.TO_PLAN
                planned = end
        ends[r] = _RunEnd(run, kind, end, planned)

    # 2. goals and early ends on the allocations; decisions keep their planned period
    stops_at: dict[int, datetime] = {}
    for r, run_end in ends.items():
        i = run_end.run[-1]
        a = allocations[i]
        quality = provider_quality(a.provider_agb)
        goals = _goals(rng, run_end.kind, quality)
        received = _received(rng, run_end.end)
        stops_at[r] = received
        if run_end.planned_end > run_end.end:
            code = CODE_OF[a.law][run_end.kind]
            changed_at = (
                received
                if run_end.kind in PROVIDER_INITIATED
                # the municipality's own end (36, 37) went out in its 301 before the stop came
                else datetime.combine(run_end.end - timedelta(rng.randint(5, 20)), time(10, 0))
            )
            allocations[i] = replace(
                a,
                goals_reached=goals,
                change_reason=change_reason_for_stop(a.law, code),
                allocated_at=changed_at,
            )
            if a.decision_id in decision_index:
                d = decision_index[a.decision_id]
                decision = decisions[d]
                if decision.valid.end is not None and decision.valid.end < run_end.planned_end:
                    decisions[d] = replace(decision, valid=Period(decision.valid.start, run_end.planned_end))
        else:
            allocations[i] = replace(a, goals_reached=goals)

    # 3. repeat requests
    first_start: dict[tuple[str, Law], date] = {}
    last_end: dict[str, date] = {}
    starts_of_client: dict[str, date] = {}
    for a in allocations:
        key = (a.client_bsn, a.law)
        first_start[key] = min(first_start.get(key, a.valid.start), a.valid.start)
        starts_of_client[a.client_bsn] = min(starts_of_client.get(a.client_bsn, a.valid.start), a.valid.start)
        if a.valid.end is not None:
            last_end[a.client_bsn] = max(last_end.get(a.client_bsn, a.valid.end), a.valid.end)
    firsts: dict[tuple[str, Law], list[tuple[date, str]]] = defaultdict(list)
    for (bsn, law), start in first_start.items():
        firsts[client_of[bsn].municipality_code, law].append((start, bsn))
    for listed in firsts.values():
        listed.sort()
    taken: set[str] = set()
    merged: dict[str, str] = {}
    new_decisions: list[Decision] = []
    new_allocations: list[Allocation] = []
    for r in sorted(ends, key=lambda r: (ends[r].end, r)):
        run_end = ends[r]
        if r in next_of:
            continue
        last = allocations[run_end.run[-1]]
        bsn = last.client_bsn
        if bsn in merged or bsn in taken:
            continue
        if rng.random() >= _repeat_chance(run_end.kind, provider_quality(last.provider_agb)):
            continue
        window_end = add_months(run_end.end, NO_REPEAT_MONTHS)
        client = client_of[bsn]
        if run_end.end.year < HISTORY_END.year:
            # a later client of the municipality, whose care started within six months, is this one
            if client.household_id in household_shared or last_end[bsn] != run_end.end:
                continue
            candidates = [
                other for start, other in firsts[last.municipality_code, last.law]
                if run_end.end + timedelta(30) <= start <= window_end and other != bsn and other not in taken
                and other not in merged and starts_of_client[other] == start
                and client_of[other].birth_date < starts_of_client[bsn] - timedelta(365)
            ]  # fmt: skip
            if not candidates:
                continue
            later = candidates[0]
            taken.add(later)
            merged[bsn] = later
        else:
            if client.municipality_code != last.municipality_code:
                continue
            decided_on = run_end.end + timedelta(rng.randint(14, 150))
            if decided_on > min(window_end, HISTORY_END - timedelta(3)):
                continue
            start = max(REPEAT_CARE_FROM, decided_on + timedelta(rng.randint(14, 42)))
            valid = Period(
                start, min(add_months(start, rng.randint(6, 12)) - timedelta(1), LAST_CONTRACT_DAY)
            )
            if last.law is Law.JEUGD and age_on(client.birth_date, valid.end or start) >= 18:
                continue
            number = next_number(last.municipality_code)
            decision_id = f"{last.municipality_code}-{last.law.value[0].upper()}{number:07d}"
            assert last.product_code is not None and last.volume is not None and last.unit is not None
            new_decisions.append(
                Decision(id=decision_id, client_bsn=bsn, municipality_code=last.municipality_code, law=last.law,
                         decided_on=decided_on, valid=valid, product_code=last.product_code)
            )  # fmt: skip
            new_allocations.append(
                Allocation(
                    number=number, client_bsn=bsn, provider_agb=last.provider_agb,
                    municipality_code=last.municipality_code, law=last.law, category=last.category,
                    product_code=last.product_code, valid=valid,
                    allocated_at=datetime.combine(decided_on + timedelta(rng.randint(1, 3)), time(10, 0)),
                    volume=last.volume, unit=last.unit, frequency=Frequency.PER_WEEK, decision_id=decision_id,
                    budget_limit=allocation_budget_limit(
                        schedule, last.product_code, volume=last.volume, unit=last.unit,
                        frequency=Frequency.PER_WEEK, period=valid,
                    ),
                )
            )  # fmt: skip
    if merged:
        for i, a in enumerate(allocations):
            if a.client_bsn in merged:
                allocations[i] = replace(a, client_bsn=merged[a.client_bsn])
        for i, decided in enumerate(decisions):
            if decided.client_bsn in merged:
                decisions[i] = replace(decided, client_bsn=merged[decided.client_bsn])
        clients[:] = [c for c in clients if c.bsn not in merged]
    decisions.extend(new_decisions)
    allocations.extend(new_allocations)

    # 4. the 305s and 307s, with the BSNs as they are now
    deliveries: list[DeliveryFact] = []
    ended: list[EndedStop] = []

    def fact(  # noqa: PLR0917 - the fields of one report
        a: Allocation, kind: str, start: date, end: date | None, reason: str | None, at: datetime
    ) -> DeliveryFact:
        assert a.product_code is not None
        return DeliveryFact(kind, a.municipality_code, a.law, a.number, a.client_bsn, a.provider_agb, a.category,
                            a.product_code, a.valid.start, start, end, reason, at)  # fmt: skip

    for r, run in enumerate(runs):
        for n, i in enumerate(run):
            a = allocations[i]
            if a.valid.start > HISTORY_END:
                continue
            start = a.valid.start
            started_at = _received(rng, start)
            deliveries.append(fact(a, "start", start, None, None, started_at))
            if r not in ends or n != len(run) - 1:
                continue
            run_end = ends[r]
            kind = run_end.kind
            if (
                r not in next_of
                and kind is not EndKind.DIED
                and (run_end.end - start).days > 120
                and (rng.random() < 0.04)
            ):
                # a temporary stop (20: e.g. a stay in hospital) and a restart on the same allocation
                paused = start + timedelta(rng.randint(30, (run_end.end - start).days - 60))
                deliveries.append(fact(a, "stop", start, paused, CODE_OF[a.law][EndKind.TEMPORARY],
                                       _received(rng, paused)))  # fmt: skip
                start = paused + timedelta(rng.randint(8, 30))
                started_at = _received(rng, start)
                deliveries.append(fact(a, "start", start, None, None, started_at))
            stopped_at = stops_at[r]
            if stopped_at <= started_at:  # a short allocation: the stop comes after its start
                stopped_at = started_at + timedelta(hours=1)
                if a.allocated_at == stops_at[r]:
                    a = allocations[i] = replace(a, allocated_at=stopped_at)
            stop = fact(a, "stop", start, run_end.end, CODE_OF[a.law][kind], stopped_at)
            deliveries.append(stop)
            if run_end.planned_end > run_end.end and kind in PROVIDER_INITIATED:
                assert a.change_reason is not None
                ended.append(EndedStop(stop, run_end.planned_end, a.change_reason.value, stopped_at))
    return History(tuple(deliveries), tuple(ended))
