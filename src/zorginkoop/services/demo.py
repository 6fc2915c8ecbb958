# SPDX-License-Identifier: EUPL-1.2
"""Build the Lekstroom demo region in a store: generate it (pure) and write it in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Engine, inspect, select

from zorginkoop.adapters.db import session as db
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import write_message
from zorginkoop.adapters.model_files import load_models
from zorginkoop.demo import tenders as tender_design
from zorginkoop.demo.history import DeliveryFact
from zorginkoop.demo.lekstroom import DemoRegion, build_lekstroom
from zorginkoop.domain.care import Client
from zorginkoop.domain.declarations import LineOutcome
from zorginkoop.domain.exchange import file_name, identification
from zorginkoop.domain.product_models import ResultAreaMatrixModel
from zorginkoop.domain.stopping import StopStatus
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
    _empty_sqlite(engine)
    db.downgrade(engine, "base")
    db.upgrade(engine)
    restore_processing_log(engine, kept)


_LOG_TABLES = ("processing_log", "processing_log_entry")


def _empty_sqlite(engine: Engine) -> None:
    """Empty every table of an SQLite store before its tables are dropped, foreign keys off: a
    dropped table is emptied row by row with foreign keys on, and a message table of the demo's
    history (its 305s and 307s, a self-reference without index) then takes minutes."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        for table in reversed(t.Base.metadata.sorted_tables):
            if table.name in present:
                cursor.execute(f'DELETE FROM "{table.name}"')  # noqa: S608 - our own table names
        raw.commit()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
    finally:
        raw.close()


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


MAX_SCALE = 900
"""``demo --scale`` at most: the copies' BSN ranges stay apart (lekstroom.MAX_COPIES)."""


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


def build_demo(
    engine: Engine, seed: int = 2020, progress: Progress | None = None, scale: int = 1
) -> DemoSummary:
    """Generate the demo region for ``seed`` and store it; returns what was written.

    ``scale`` N stores N copies of the region's care (clients, allocations, declarations, the
    delivery history) with the same municipalities, providers, products and contracts (ceilings
    N times as large): a region N times larger for benchmarks. Each copy is generated and
    written in turn (memory stays that of one copy), in one transaction."""
    if not 1 <= scale <= MAX_SCALE:
        raise DemoError(f"--scale must be 1..{MAX_SCALE}, got {scale}")
    report = progress or (lambda _step, _n: None)
    model = model_2022()
    demo = build_lekstroom(seed, model_2022=model, scale=scale)
    report("generated region", len(demo.clients))
    prepare_store(engine, demo.region.code)
    totals = DemoSummary(
        municipalities=len(demo.region.municipalities),
        providers=len(demo.providers),
        products=len(demo.products),
        contracts=len(demo.contracts),
        clients=0,
        allocations=0,
        declarations=0,
        lines=0,
    )
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
        sequences: dict[tuple[str, str, str], int] = {}
        for copy in range(scale):
            part = (
                demo
                if copy == 0
                else build_lekstroom(seed + COPY_SEED_STEP * copy, model_2022=model, copy=copy)
            )
            totals = _write_care(uow, part, sequences, totals, report if scale == 1 else _quiet)
            if scale > 1:
                report(f"copy {copy + 1} of {scale}: declared lines", totals.lines)
            del part
        from zorginkoop.services.allocations import queue_current_allocations

        queued = queue_current_allocations(uow, OUTBOX_ON, datetime(2021, 1, 1, 8, 0))
        report("301 messages in the outbox", queued)
        uow.commit()
    from zorginkoop.demo.survey import add_demo_survey

    report("client experience survey 2020 Wmo (respondents)", add_demo_survey(engine, seed))
    if demo.tender_2022 is not None:
        awarded = run_demo_tender(engine, demo.tender_2022)
        report("2022 framework agreement from its SAS tender", awarded)
        report("tenders to try (classic EMVI, open house)", run_tenders_to_try(engine, demo.other_tenders))
    db.refresh_statistics(engine)
    return totals


COPY_SEED_STEP = 7919
"""Copy k of a scaled demo is generated with seed + k x this."""


def _quiet(_step: str, _count: int) -> None:
    return None


def _write_care(
    uow: UnitOfWork,
    demo: DemoRegion,
    sequences: dict[tuple[str, str, str], int],
    totals: DemoSummary,
    report: Progress,
) -> DemoSummary:
    """One copy's clients, decisions, allocations, declarations and delivery history."""
    from zorginkoop.demo.contacts import demo_contacts

    uow.clients.add_all(demo.clients)
    uow.decisions.add_all(demo.decisions)
    uow.allocations.add_all(demo.allocations)
    report("clients, decisions and allocations", len(demo.allocations))
    uow.workflow.add_contacts(demo_contacts(demo.clients))
    uow.declarations.add_processed(demo.declarations, _outcomes(demo))
    lines = sum(len(d.lines) for d in demo.declarations)
    report("declarations", lines)
    reported = _reports(demo, sequences)
    uow.deliveries.add_reported(reported)
    report("305 and 307 messages (start and stop of care)", len(reported))
    return replace(
        totals,
        clients=totals.clients + len(demo.clients),
        allocations=totals.allocations + len(demo.allocations),
        declarations=totals.declarations + len(demo.declarations),
        lines=totals.lines + lines,
    )


def _reports(
    demo: DemoRegion, sequences: dict[tuple[str, str, str], int]
) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
    """The history's 305s and 307s as the receive path stores them: the message (its XML, one
    client and product each, processed), the delivery event, and for a stop that ended its
    allocation early the stop worklist item (ended). ``sequences`` numbers each provider's
    messages (its Identificatie), across the copies of a scaled demo."""
    clients = {c.bsn: c for c in demo.clients}
    ended = {id(e.stop): e for e in demo.ended_stops}
    out: list[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]] = []
    for fact in sorted(demo.deliveries, key=lambda f: (f.received_at, f.provider_agb, f.allocation_number)):
        number = "305" if fact.kind == "start" else "307"
        key = (fact.provider_agb, fact.law.value, number)
        sequences[key] = sequences.get(key, 0) + 1
        ident = identification(number, sequences[key])
        content = delivery_message(fact, clients[fact.client_bsn], ident)
        message = {
            "direction": "in", "law": fact.law.value, "message_type": number, "identification": ident,
            "sender": fact.provider_agb, "receiver": fact.municipality_code, "dated": fact.received_at.date(),
            "municipality_code": fact.municipality_code, "provider_agb": fact.provider_agb,
            "status": "processed", "created_at": fact.received_at, "exported_at": None, "exported_by": None,
            "in_reply_to": None,
            "file_name": file_name(fact.law.message_prefix, number, fact.provider_agb, fact.municipality_code, ident),
            "content": content, "summary": "",
        }  # fmt: skip
        event = {
            "kind": fact.kind, "municipality_code": fact.municipality_code, "law": fact.law.value,
            "allocation_number": fact.allocation_number, "client_bsn": fact.client_bsn,
            "provider_agb": fact.provider_agb, "start_date": fact.start_date, "end_date": fact.end_date,
            "end_reason": fact.end_reason, "status": "1", "current": True, "received_at": fact.received_at,
        }  # fmt: skip
        stop = None
        if (item := ended.get(id(fact))) is not None:
            assert fact.end_date is not None and fact.end_reason is not None
            stop = {
                "municipality_code": fact.municipality_code, "law": fact.law.value,
                "allocation_number": fact.allocation_number, "client_bsn": fact.client_bsn,
                "provider_agb": fact.provider_agb, "end_reason": fact.end_reason, "proposed_end": fact.end_date,
                "previous_end": item.previous_end, "change_reason": item.change_reason,
                "status": StopStatus.ENDED.value, "note": "", "created_at": fact.received_at,
                "decided_at": item.decided_at, "decided_by": "ZORGINKOOP_END_ON_STOP",
            }  # fmt: skip
        out.append((message, event, stop))
    return out


def delivery_message(fact: DeliveryFact, client: Client, ident: str) -> bytes:
    """The provider's 305 (start) or 307 (stop) of one product for one client, as sent."""
    header = m.Header.for_message(
        fact.law, "305" if fact.kind == "start" else "307", afzender=fact.provider_agb,
        ontvanger=fact.municipality_code, identificatie=ident, dagtekening=fact.received_at.date(),
    )  # fmt: skip
    person: dict[str, Any] = {
        "bsn": client.bsn,
        "geboortedatum": m.Geboortedatum(datum=client.birth_date),
        "geslacht": client.gender.value,
        "naam": m.VerkorteNaam(
            geslachtsnaam=m.Achternaam(achternaam=client.family_name, voorvoegsel=client.prefix or None),
            voorletters="".join(ch for ch in client.initials if ch.isalpha()) or None,
        ),
    }
    product = m.Product(categorie=fact.category, code=fact.product_code)
    bericht: Any
    if fact.kind == "start":
        started = m.StartProduct(
            toewijzing_nummer=fact.allocation_number, product=product,
            toewijzing_ingangsdatum=fact.allocation_start, begindatum=fact.start_date, status_aanlevering="1",
        )  # fmt: skip
        bericht = m.StartZorgbericht(
            header=header, client=m.StartClient(**person, start_producten=(started,))
        )
    else:
        assert fact.end_date is not None and fact.end_reason is not None
        stopped = m.StopProduct(
            toewijzing_nummer=fact.allocation_number, product=product,
            toewijzing_ingangsdatum=fact.allocation_start, begindatum=fact.start_date,
            reden_beeindiging=fact.end_reason, einddatum=fact.end_date, status_aanlevering="1",
        )  # fmt: skip
        bericht = m.StopZorgbericht(header=header, client=m.StopClient(**person, stop_producten=(stopped,)))
    return write_message(bericht, law=fact.law)
