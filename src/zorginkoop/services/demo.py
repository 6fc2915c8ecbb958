# SPDX-License-Identifier: EUPL-1.2
"""Build the Lekstroom demo region in a store: generate it (pure) and write it in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine, inspect, select

from zorginkoop.adapters.db import session as db
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.model_files import load_models
from zorginkoop.demo import tenders as tender_design
from zorginkoop.demo.lekstroom import DemoRegion, build_lekstroom
from zorginkoop.domain.declarations import LineOutcome
from zorginkoop.domain.product_models import ResultAreaMatrixModel
from zorginkoop.services import tenders

MODEL_2022 = "lekstroom-2022"
"""The shipped product model whose cells are the 2022 agreement's products and tariffs."""

OUTBOX_ON = date(2021, 1, 1)
"""The demo's 'today' for the exchange: its allocations running into 2021 wait as pending 301s."""

Progress = Callable[[str, int], None]
"""Called with a step's name and how many records it wrote."""


class DemoError(RuntimeError):
    """The demo cannot be built in this store (e.g. it holds another region's data)."""


@dataclass(frozen=True, slots=True)
class DemoSummary:
    municipalities: int
    providers: int
    products: int
    contracts: int
    clients: int
    allocations: int
    declarations: int
    lines: int


def prepare_store(engine: Engine, demo_region_code: str) -> None:
    """Bring the schema to head; wipe an earlier demo region, refuse any other region's data."""
    db.upgrade(engine)
    with UnitOfWork(engine) as uow:
        existing = uow.region.get()
    if existing is None:
        return
    if existing.code != demo_region_code:
        raise DemoError(
            f"this store holds region {existing.name!r}; the demo only replaces an earlier demo. "
            "Point --db at another database."
        )
    # the processing log outlives the demo data: it records reads that happened (AVG art. 5(2))
    kept = keep_processing_log(engine)
    db.downgrade(engine, "base")
    db.upgrade(engine)
    restore_processing_log(engine, kept)


_LOG_TABLES = ("processing_log", "processing_log_entry")


def keep_processing_log(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """The rows of both processing logs (the old one and the entries), without their ids."""
    kept: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        for name in _LOG_TABLES:
            if name in present:
                table = t.Base.metadata.tables[name]
                columns = [c for c in table.c if c.name != "id"]
                rows = connection.execute(select(*columns).order_by(table.c.id))
                kept[name] = [dict(r._mapping) for r in rows]
    return kept


def restore_processing_log(engine: Engine, kept: dict[str, list[dict[str, Any]]]) -> None:
    """Put the kept log rows back, in their order (new ids: a sequence starts again)."""
    with engine.begin() as connection:
        for name, rows in kept.items():
            for start in range(0, len(rows), 5000):
                connection.execute(t.Base.metadata.tables[name].insert(), rows[start : start + 5000])


def model_2022() -> ResultAreaMatrixModel:
    """The shipped ``lekstroom-2022`` model (never a region's own copy: the demo is fixed)."""
    model = load_models()[MODEL_2022]
    if not isinstance(model, ResultAreaMatrixModel):
        raise DemoError(f"the shipped model {MODEL_2022} is not a result-area matrix")
    return model


def _outcomes(demo: DemoRegion) -> dict[tuple[str, str], LineOutcome]:
    raw = demo.line_outcomes
    if isinstance(raw, Mapping):
        return dict(raw)
    provider_of = {line.reference: d.provider_agb for d in demo.declarations for line in d.lines}
    return {(provider_of[o.reference], o.reference): o for o in raw}


def run_demo_tender(engine: Engine, tender: tender_design.DemoTender) -> int:
    """Run the demo's SAS tender as a region and its providers would: create, bids, the scores of
    both assessors, the intended award, the final award after the standstill (which makes the
    framework agreement and its contracts). Returns the number of contracts awarded."""
    actor = "zorginkoop demo"
    with UnitOfWork(engine, actor=actor) as uow:
        uow.providers.add_all(tender.newcomers)
        uow.commit()
    tenders.create_tender(UnitOfWork(engine, actor=actor), tender.definition, name="demo tender",
                          now=datetime.combine(tender_design.PUBLISHED, time(9)))  # fmt: skip
    for bid in tender.bids:
        tenders.submit_bid(
            UnitOfWork(engine, actor=actor), tender_design.CODE, bid.provider_agb, bid.text, on=bid.submitted
        )
    for scores in tender.scores:
        tenders.record_scores(
            UnitOfWork(engine, actor=actor),
            tender_design.CODE,
            scores.assessor,
            scores.text,
            now=scores.recorded_at,
        )
    tenders.award(UnitOfWork(engine, actor=actor), tender_design.CODE, tender_design.AWARD_ON)
    final = tenders.finalize(UnitOfWork(engine, actor=actor), tender_design.CODE, tender_design.FINALIZE_ON)
    return len(final.contracts)


def run_tenders_to_try(engine: Engine, procedures: Sequence[tender_design.DemoProcedure]) -> int:
    """Create the demo's other tenders and take each as far as it is meant to go (bids, scores,
    the intended award), so a user can take the next step. Returns the number of bids."""
    actor = "zorginkoop demo"
    count = 0
    for procedure in procedures:
        published = tender_design.published_of(procedure)
        tenders.create_tender(UnitOfWork(engine, actor=actor), procedure.definition, name="demo tender",
                              now=datetime.combine(published, time(9)))  # fmt: skip
        for bid in procedure.bids:
            tenders.submit_bid(
                UnitOfWork(engine, actor=actor), procedure.code, bid.provider_agb, bid.text, on=bid.submitted
            )
            count += 1
        for scores in procedure.scores:
            tenders.record_scores(UnitOfWork(engine, actor=actor), procedure.code, scores.assessor, scores.text,
                                  now=scores.recorded_at)  # fmt: skip
        if procedure.award_on is not None:
            tenders.award(UnitOfWork(engine, actor=actor), procedure.code, procedure.award_on)
    return count


def build_demo(engine: Engine, seed: int = 2020, progress: Progress | None = None) -> DemoSummary:
    """Generate the demo region for ``seed`` and store it; returns what was written."""
    report = progress or (lambda _step, _n: None)
    demo = build_lekstroom(seed, model_2022=model_2022())
    report("generated region", len(demo.clients))
    prepare_store(engine, demo.region.code)
    with UnitOfWork(engine, actor="zorginkoop demo") as uow:
        uow.region.add(demo.region)
        uow.providers.add_all(demo.providers)
        report("region and providers", len(demo.providers))
        ids = uow.catalogue.add_products(demo.products)
        by_code = {code: pid for (_law, code), pid in ids.items()}
        uow.catalogue.add_tariffs(demo.tariffs, by_code)
        uow.catalogue.add_reference_tariffs(demo.reference_tariffs, by_code)
        tendered = demo.tender_2022 is not None
        # the 2022 agreement is the final award of its tender (run below), not written here
        uow.contracts.add_frameworks(
            [f for f in demo.frameworks if not (tendered and f.code == tender_design.CODE)], by_code
        )
        uow.contracts.add_contracts(
            [c for c in demo.contracts if not (tendered and c.framework_code == tender_design.CODE)]
        )
        uow.contracts.add_collective_ceilings(demo.collective_ceilings)
        report("catalogue and contracts", len(demo.contracts))
        uow.clients.add_all(demo.clients)
        uow.decisions.add_all(demo.decisions)
        uow.allocations.add_all(demo.allocations)
        report("clients, decisions and allocations", len(demo.allocations))
        from zorginkoop.demo.contacts import demo_contacts
        from zorginkoop.services.allocations import queue_current_allocations

        uow.workflow.add_contacts(demo_contacts(demo.clients))
        queued = queue_current_allocations(uow, OUTBOX_ON, datetime(2021, 1, 1, 8, 0))
        report("301 messages in the outbox", queued)
        uow.declarations.add_processed(demo.declarations, _outcomes(demo))
        lines = sum(len(d.lines) for d in demo.declarations)
        report("declarations", lines)
        uow.commit()
    if demo.tender_2022 is not None:
        awarded = run_demo_tender(engine, demo.tender_2022)
        report("2022 framework agreement from its SAS tender", awarded)
        report("tenders to try (classic EMVI, open house)", run_tenders_to_try(engine, demo.other_tenders))
    db.refresh_statistics(engine)
    return DemoSummary(
        municipalities=len(demo.region.municipalities),
        providers=len(demo.providers),
        products=len(demo.products),
        contracts=len(demo.contracts),
        clients=len(demo.clients),
        allocations=len(demo.allocations),
        declarations=len(demo.declarations),
        lines=lines,
    )
