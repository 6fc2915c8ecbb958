# SPDX-License-Identifier: EUPL-1.2
"""Use case for test chains and the demo: write the 323s providers would send for one month.

For every allocation active in the month one Prestatie: the ProductPeriode is the month clipped
to the allocation (TR387, TR388: the one canonical period of that month), the volume what the
allocation allows for those days (weekly volume x days / 7, as the demo's history does; a total
spread over the allocation's days), never more than IV077 allows in the period (TR321), so the
months add up within the allocation (TR322), the contract
tariff of that day and IngediendBedrag = volume x tariff (TR346). One file per provider,
municipality and law; references, DeclaratieNummer and Identificatie start with ``G`` and the
period, so they never collide with the demo's history (``LEK...``).

``error_rate`` makes that share of lines faulty, each in one way the rules catch:
wrong tariff (0611), amount not volume x tariff (9346), volume above the allocation (9321),
unknown allocation (9338), a reference the provider declared in an earlier file (8021), period
after the declaration period (9319), prestatie under another client's Bsn (8187). Every file stays a
valid message as a whole: a reference is never repeated within one file (TR101), and a file with a
period fault is dated after that later period, as a late declaration would be (TR137).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.declaration_store import DeclarationStore
from zorginkoop.adapters.db.repositories import allocation_from_row
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden.fast323 import write_declaratie
from zorginkoop.adapters.istandaarden.samples import bsn as random_bsn
from zorginkoop.domain.adjudication import volume_allowed_in
from zorginkoop.domain.care import Allocation
from zorginkoop.domain.codes import ChangeReason, Frequency, Law
from zorginkoop.domain.declarations import DeclaredLine
from zorginkoop.domain.exchange import file_name
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind

FAULTS: dict[str, str] = {
    "tariff": "0611",
    "amount": "9346",
    "volume": "9321",
    "allocation": "9338",
    "duplicate": "8021",
    "period": "9319",
    "client": "8187",
}
"""Kinds of faulty line the generator makes, with the retourcode each must come back with."""


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    path: Path
    provider_agb: str
    municipality_code: str
    law: Law
    lines: int
    total: Money
    faults: dict[str, str] = field(default_factory=dict)
    """Reference -> fault kind (see :data:`FAULTS`) of the faulty lines in this file."""


def _declared_references(engine: Engine, per_provider: int = 100) -> dict[str, list[str]]:
    """References each provider declared before (for the 8021 fault), a few per AGB code."""
    line = t.DeclarationLineRow
    rank = func.row_number().over(partition_by=line.provider_agb, order_by=line.reference).label("rank")
    ranked = select(line.provider_agb, line.reference, rank).subquery()
    found: dict[str, list[str]] = defaultdict(list)
    with UnitOfWork(engine, actor="declarations-generator") as uow:
        for agb, ref in uow.session.execute(
            select(ranked.c.provider_agb, ranked.c.reference).where(ranked.c.rank <= per_provider)
        ):
            found[agb].append(ref)
    return found


def _allocations(engine: Engine, month: Period) -> tuple[list[Allocation], dict[tuple[str, str, str], Money]]:
    """Allocations active in the month with an Omvang, and contract tariffs by (provider, law, product)
    on the first day of the month."""
    assert month.end is not None
    with UnitOfWork(engine, actor="declarations-generator") as uow:
        a = t.AllocationRow
        rows = uow.session.scalars(
            select(a)
            .where(
                a.valid_from <= month.end,
                (a.valid_to.is_(None)) | (a.valid_to >= month.start),
                (a.change_reason.is_(None)) | (a.change_reason != ChangeReason.VERWIJDERD.value),
                a.volume.is_not(None),
                a.product_code.is_not(None),
            )
            .order_by(a.provider_agb, a.municipality_code, a.law, a.number)
        ).all()
        allocations = [allocation_from_row(r) for r in rows]
        uow.log.record(ActivityKind.TEST_DATA, "allocation.active_in_month",
                       [(x.client_bsn, x.law.value) for x in allocations])  # fmt: skip
        store = DeclarationStore(uow.session)
        tariffs: dict[tuple[str, str, str], Money] = {}
        product_ids = {pid: (law, code) for pid, law, code in uow.session.execute(
            select(t.ProductRow.id, t.ProductRow.law, t.ProductRow.code))}  # fmt: skip
        by_product: dict[tuple[str, str], Money] = {}
        for pid, cents, start, end in uow.session.execute(
            select(
                t.TariffRow.product_id, t.TariffRow.amount_cents, t.TariffRow.valid_from, t.TariffRow.valid_to
            )
        ):
            if Period(start, end).contains(month.start):
                by_product[product_ids[pid]] = Money(cents)
        for scope in store.contract_scopes():
            if not scope.contract.valid.contains(month.start):
                continue
            for code in scope.products:
                price = by_product.get((scope.law.value, code))
                if price is not None:
                    tariffs[scope.contract.provider_agb, scope.law.value, code] = price
        uow.commit()
    return allocations, tariffs


def generate(
    engine: Engine, month: Period, out_dir: Path, *, error_rate: float = 0.0, seed: int = 1
) -> list[GeneratedFile]:
    """Write one 323 per provider, municipality and law for the allocations active in ``month``."""
    if not 0 <= error_rate <= 1:
        raise ValueError(f"--error-rate must be between 0 and 1, got {error_rate}")
    assert month.end is not None
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    allocations, tariffs = _allocations(engine, month)
    declared_before = _declared_references(engine) if error_rate else defaultdict(list)
    groups: dict[tuple[str, str, Law], list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        if (allocation.provider_agb, allocation.law.value, allocation.product_code) in tariffs:
            groups[allocation.provider_agb, allocation.municipality_code, allocation.law].append(allocation)
    out_dir.mkdir(parents=True, exist_ok=True)
    dated = month.end + timedelta(days=5)
    stamp = f"{month.start:%Y%m}"
    files: list[GeneratedFile] = []
    sequence = 0
    for (agb, code, law), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2].value)
    ):
        clients: dict[str, list[DeclaredLine]] = defaultdict(list)
        faults: dict[str, str] = {}
        for allocation in group:
            window = allocation.valid.intersection(month)
            assert window is not None and window.end is not None and allocation.volume is not None
            assert allocation.unit is not None
            sequence += 1
            tariff = tariffs[agb, law.value, allocation.product_code or ""]
            if allocation.frequency is Frequency.TOTAAL and allocation.valid.end is not None:
                # a total is spread over the allocation's days, so the months add up within it (TR322)
                volume = max(1, allocation.volume * window.days() // allocation.valid.days())
            else:
                volume = max(1, allocation.volume * window.days() // 7)
            volume = min(volume, volume_allowed_in(_probe(allocation, window, tariff), allocation) or volume)
            line = DeclaredLine(
                reference=f"G{stamp}{sequence:08d}", client_bsn=allocation.client_bsn,
                allocation_number=allocation.number, provider_agb=agb, municipality_code=code, law=law,
                category=allocation.category, product_code=allocation.product_code, period=window,
                volume=volume, unit=allocation.unit, tariff=tariff, amount=tariff * volume,
            )  # fmt: skip
            if error_rate and rng.random() < error_rate:
                kind = rng.choice(sorted(FAULTS))
                if kind == "duplicate" and not declared_before.get(agb):
                    kind = "tariff"
                # each 8021 fault takes its own earlier reference: twice the same would be TR101
                earlier = declared_before[agb].pop() if kind == "duplicate" else None
                line = _faulty(line, kind, earlier, rng, month)
                faults[line.reference] = kind
            clients[line.client_bsn].append(line)
        number = f"G{stamp}{code}"
        path = out_dir / file_name(law.message_prefix, "323", agb, code, number)
        # a late period needs a late message: a ProductPeriode may not end after the Dagtekening
        file_dated = dated + timedelta(days=31) if "period" in faults.values() else dated
        with path.open("wb") as f:
            total = write_declaratie(
                f, law=law, afzender=agb, ontvanger=code, identificatie=number, dagtekening=file_dated,
                number=number, period=month, clients=list(clients.items()),
            )  # fmt: skip
        files.append(
            GeneratedFile(path, agb, code, law, sum(len(v) for v in clients.values()), total, faults)
        )
    return files


def _probe(allocation: Allocation, window: Period, tariff: Money) -> DeclaredLine:
    """A line for ``window`` of the allocation, to ask the volume it allows."""
    assert allocation.unit is not None
    return DeclaredLine(
        "probe", allocation.client_bsn, allocation.number, allocation.provider_agb, allocation.municipality_code,
        allocation.law, allocation.category, allocation.product_code, window, 0, allocation.unit, tariff, Money(0),
    )  # fmt: skip


def _faulty(line: DeclaredLine, kind: str, declared_before: str | None, rng: random.Random,
            month: Period) -> DeclaredLine:  # fmt: skip
    assert month.end is not None
    if kind == "tariff":
        tariff = line.tariff + Money(rng.randint(1, 500))
        return replace(line, tariff=tariff, amount=tariff * line.volume)
    if kind == "amount":
        return replace(line, amount=line.amount + Money(1))
    if kind == "volume":
        volume = line.volume * 3 + 50
        return replace(line, volume=volume, amount=line.tariff * volume)
    if kind == "allocation":
        return replace(line, allocation_number=990_000_000 + rng.randint(0, 9_999_999))
    if kind == "duplicate":
        assert declared_before is not None
        return replace(line, reference=declared_before)
    if kind == "period":
        after = month.end + timedelta(days=1)
        return replace(line, period=Period.month(after.year, after.month))
    if kind == "client":
        other = random_bsn(rng)
        while other == line.client_bsn:
            other = random_bsn(rng)
        return replace(line, client_bsn=other)
    raise ValueError(f"unknown fault {kind!r}")


def month_of(text: str) -> Period:
    """``2021-01`` as a Period, or ValueError naming the expected form."""
    return Period.parse_month(text)
