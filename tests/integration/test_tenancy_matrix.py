# SPDX-License-Identifier: EUPL-1.2
"""The tenancy matrix: every read of personal data in the repositories and services, under
every scope kind, against a foreign tenant (another municipality, another provider): no row of
the foreign tenant leaks, and every read leaves a processing-log entry for each data subject it
returned (no read without a log entry). A hypothesis property runs the same reads over
generated regions and scopes."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from tests.factories import PRODUCT, TARIFF
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.declaration_store import SpendingQueries
from zorginkoop.adapters.db.exchange import bsns_in_message
from zorginkoop.adapters.db.repositories import LogFilter
from zorginkoop.adapters.db.session import make_engine
from zorginkoop.adapters.db.tenancy import PERSONAL_TABLES
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope, ScopeKind
from zorginkoop.domain.care import Allocation, Client, Decision, EvaluationMoment, Gender
from zorginkoop.domain.catalogue import Product
from zorginkoop.domain.codes import Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.declarations import Declaration, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.domain.region import Municipality, Provider, Region
from zorginkoop.services import allocations as allocation_service
from zorginkoop.services import clients, processing_log, signals, spending, stops
from zorginkoop.services.spending import ExhaustionLevel, Filters

ON = date(2021, 1, 15)


@dataclass(frozen=True)
class World:
    """A generated region: who lives where and which provider cares for whom."""

    municipalities: tuple[str, ...]
    providers: tuple[str, ...]
    clients: tuple[tuple[str, str, str], ...]
    """(BSN, municipality, household)"""
    care: tuple[tuple[str, str, Law], ...]
    """(BSN, provider, law): one allocation (and decision) each, held by the client's municipality"""

    def municipality_of(self, bsn: str) -> str:
        return next(m for b, m, _ in self.clients if b == bsn)

    def visible(self, scope: Scope) -> set[str]:
        """The BSNs ``scope`` may see, computed without the store."""
        if scope.kind is ScopeKind.REGION:
            return {b for b, _, _ in self.clients}
        if scope.kind is ScopeKind.MUNICIPALITY:
            return {b for b, m, _ in self.clients if m in scope.codes}
        return {b for b, p, _ in self.care if p in scope.codes}

    def everyone(self) -> set[str]:
        return {b for b, _, _ in self.clients}


def _xml(number: str, bsn: str) -> bytes:
    return f"<Bericht><Client><Bsn>{bsn}</Bsn></Client><Nummer>{number}</Nummer></Bericht>".encode()


def build(engine: Engine, world: World, migrate: bool = True) -> None:
    from zorginkoop.adapters.db import session as db

    if migrate:
        db.upgrade(engine)
    else:  # the property's many small stores: the tables as the models declare them
        t.Base.metadata.create_all(engine)
    now = datetime(2021, 1, 2, 9, 0)
    with UnitOfWork(engine, actor="fixture") as uow:
        uow.region.add(
            Region(
                "matrix",
                "Matrixregio",
                tuple(Municipality(m, f"Gemeente {m}", 1000) for m in world.municipalities),
            )
        )
        uow.providers.add_all(
            Provider(
                p,
                f"Aanbieder {p}",
                frozenset(Law),
                frozenset({TargetGroup.COMPLEX_PROBLEMS}),
                frozenset(world.municipalities),
            )
            for p in world.providers
        )
        ids = uow.catalogue.add_products(
            [
                PRODUCT,
                Product(
                    PRODUCT.code, Law.JEUGD, "45", "Jeugdhulp", Unit.UUR, Frequency.PER_WEEK, PRODUCT.variant
                ),
            ]
        )
        uow.catalogue.add_tariffs([TARIFF], {code: pid for (law, code), pid in ids.items() if law == "wmo"})
        uow.clients.add_all(
            Client(
                b,
                date(2003, 6, 1) if i % 2 else date(1970, 1, 1),
                f"Naam{i}",
                "X",
                Gender.UNKNOWN,
                m,
                household_id=h,
            )
            for i, (b, m, h) in enumerate(world.clients)
        )
        decisions, allocations, lines = [], [], []
        for n, (bsn, agb, law) in enumerate(world.care, start=1):
            municipality = world.municipality_of(bsn)
            valid = Period(date(2020, 1, 1), date(2021, 12, 31))
            decisions.append(
                Decision(
                    f"D{n}",
                    bsn,
                    municipality,
                    law,
                    date(2019, 12, 1),
                    valid,
                    "OZR1",
                    evaluation_moments=(EvaluationMoment(date(2021, 2, 1), "evaluatie"),),
                )
            )
            allocations.append(
                Allocation(
                    number=n,
                    client_bsn=bsn,
                    provider_agb=agb,
                    municipality_code=municipality,
                    law=law,
                    category="02",
                    product_code="OZR1",
                    valid=valid,
                    allocated_at=datetime(2019, 12, 1),
                    volume=2,
                    unit=Unit.UUR,
                    frequency=Frequency.PER_WEEK,
                    decision_id=f"D{n}",
                )
            )
            lines.append(
                DeclaredLine(
                    f"L{n}",
                    bsn,
                    n,
                    agb,
                    municipality,
                    law,
                    "02",
                    "OZR1",
                    Period.month(2020, 3),
                    2,
                    Unit.UUR,
                    Money.euros(50),
                    Money.euros(100),
                )
            )
        uow.decisions.add_all(decisions)
        uow.allocations.add_all(allocations)
        declarations = []
        for k, line in enumerate(lines):
            declarations.append(
                Declaration(
                    f"DC{k}",
                    f"M{k}",
                    line.provider_agb,
                    line.municipality_code,
                    line.law,
                    Period.month(2020, 3),
                    date(2020, 4, 2),
                    (line,),
                )
            )
        uow.declarations.add_processed(
            declarations,
            {
                (d.provider_agb, ln.reference): LineOutcome(ln.reference, LineStatus.APPROVED, ln.amount, ())
                for d in declarations
                for ln in d.lines
            },
        )
        from zorginkoop.adapters.db.exchange import ClientContact

        uow.workflow.add_contacts(
            {b: ClientContact("Straat", 1, "1234AB", "Plaats") for b, _, _ in world.clients}
        )
        for a in allocations:
            common = {
                "law": a.law.value,
                "dated": now.date(),
                "municipality_code": a.municipality_code,
                "provider_agb": a.provider_agb,
                "created_at": now,
                "exported_at": None,
                "in_reply_to": None,
            }
            in_id = uow.messages.add(
                direction="in",
                message_type="307",
                identification=f"307-{a.number}",
                sender=a.provider_agb,
                receiver=a.municipality_code,
                status="processed",
                file_name=f"in{a.number}.xml",
                content=_xml("307", a.client_bsn),
                **common,
            )
            uow.messages.add(
                direction="out",
                message_type="301",
                identification=f"301{a.number:09d}",
                sender=a.municipality_code,
                receiver=a.provider_agb,
                status="pending",
                file_name=f"out{a.number}.xml",
                content=_xml("301", a.client_bsn),
                **common,
            )
            event = uow.deliveries.add(
                kind="stop",
                municipality_code=a.municipality_code,
                law=a.law.value,
                allocation_number=a.number,
                client_bsn=a.client_bsn,
                provider_agb=a.provider_agb,
                start_date=date(2020, 1, 1),
                end_date=date(2021, 3, 1),
                end_reason="02",
                status="1",
                current=True,
                message_id=in_id,
                received_at=now,
            )
            uow.deliveries.add_stop_item(
                municipality_code=a.municipality_code,
                law=a.law.value,
                allocation_number=a.number,
                client_bsn=a.client_bsn,
                provider_agb=a.provider_agb,
                stop_event_id=event,
                end_reason="02",
                proposed_end=date(2021, 3, 1),
                previous_end=date(2021, 12, 31),
                change_reason="01",
                status="open",
                note="",
                created_at=now,
            )
        uow.session.add_all(
            t.AllocationOutsideLineRow(
                declaration_line_id=line_id,
                municipality_code=m,
                law=law,
                allocation_number=n,
                provider_agb=agb,
                change_reason="01",
                allocation_end=date(2020, 2, 1),
                recorded_at=now,
            )
            for line_id, m, law, n, agb in uow.session.execute(
                select(
                    t.DeclarationLineRow.id,
                    t.DeclarationLineRow.municipality_code,
                    t.DeclarationLineRow.law,
                    t.DeclarationLineRow.allocation_number,
                    t.DeclarationLineRow.provider_agb,
                )
            )
        )
        uow.commit()  # fmt: skip


# -- every read of personal data -------------------------------------------------------------------

Read = Callable[[UnitOfWork, World], Any]
"""A read inside an open unit of work (repositories) or given a fresh one (services: ``svc``)."""

D = ActivityKind.DECISION


def _each_bsn(read: Callable[[UnitOfWork, str], Any]) -> Read:
    return lambda uow, w: [read(uow, b) for b in sorted(w.everyone())]


def _each_care(read: Callable[[UnitOfWork, int, str, Law], Any]) -> Read:
    return lambda uow, w: [read(uow, n, w.municipality_of(b), law) for n, (b, _, law) in enumerate(w.care, 1)]


REPOSITORY_READS: dict[str, Read] = {
    "clients.get": _each_bsn(lambda u, b: u.clients.get(b, purpose=D)),
    "clients.household": lambda u, w: [u.clients.household(h, purpose=D) for h in {h for _, _, h in w.clients}],
    "allocations.active_on": lambda u, w: u.allocations.active_on(ON, purpose=D),
    "workflow.allocation": _each_care(lambda u, n, m, law: u.workflow.allocation(m, law, n, purpose=D)),
    "workflow.client_allocations": _each_bsn(lambda u, b: u.workflow.client_allocations(b, purpose=D)),
    "workflow.allocations_valid_from": lambda u, w: u.workflow.allocations_valid_from(ON, purpose=D),
    "workflow.decision_allocations": lambda u, w: [
        u.workflow.decision_allocations(f"D{n}", purpose=D) for n in range(1, len(w.care) + 1)],
    "workflow.decision": lambda u, w: [u.workflow.decision(f"D{n}", purpose=D) for n in range(1, len(w.care) + 1)],
    "workflow.outside_lines": lambda u, w: u.workflow.outside_lines(D, open_only=False),
    "workflow.clients": lambda u, w: u.workflow.clients(w.everyone(), purpose=D),
    "workflow.contacts": lambda u, w: u.workflow.contacts(w.everyone(), purpose=D),
    "workflow.household_members": lambda u, w: [
        u.workflow.household_members(h, purpose=D) for h in {h for _, _, h in w.clients}],
    "workflow.clients_born_between": lambda u, w: u.workflow.clients_born_between(
        date(1900, 1, 1), date(2020, 1, 1), purpose=D),
    "workflow.clients_with_jeugd_care_until": lambda u, w: u.workflow.clients_with_jeugd_care_until(
        date(1900, 1, 1), date(2020, 1, 1), 0, purpose=D),
    "workflow.allocations_of": lambda u, w: u.workflow.allocations_of(w.everyone(), purpose=D),
    "workflow.households_with_allocations": lambda u, w: u.workflow.households_with_allocations(ON, purpose=D),
    "workflow.evaluations_due": lambda u, w: u.workflow.evaluations_due(date(2021, 1, 1), date(2021, 12, 31), D),
    "clients.search": lambda u, w: u.clients.search(D, family_name="naam", birth_date=None, limit=100),
    "workflow.client_deliveries": _each_bsn(lambda u, b: u.workflow.client_deliveries(b, purpose=D)),
    "workflow.client_messages": _each_bsn(lambda u, b: u.workflow.client_messages(b, purpose=D)),
    "workflow.client_declared_lines": _each_bsn(lambda u, b: u.workflow.client_declared_lines(b, purpose=D)),
    "messages.outbox": lambda u, w: u.messages.outbox("301"),
    "messages.get": lambda u, w: [u.messages.get(i) for i in range(1, 2 * len(w.care) + 1)],
    "spending.allocations_in": lambda u, w: SpendingQueries(u.session, u.log).allocations_in(2021, None, None),
}  # fmt: skip

SERVICE_READS: dict[str, Read] = {
    "signals.family_plans": lambda u, w: signals.family_plans(u, ON),
    "signals.transition_signals": lambda u, w: signals.transition_signals(u, ON),
    "signals.evaluations_due": lambda u, w: signals.evaluations_due(u, ON, 365),
    "stops.stop_worklist": lambda u, w: stops.stop_worklist(u, everything=True),
    "allocations.outside_lines": lambda u, w: allocation_service.outside_lines(u, None, open_only=False),
    "clients.find_clients": lambda u, w: clients.find_clients(u, family_name="naam"),
    "clients.client_dossier": _each_bsn(lambda u, b: clients.client_dossier(u, b, ON)),
}  # fmt: skip


def _strings(value: Any) -> Iterator[str]:
    """Every string (and the BSNs in message content) inside a read's result."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield from bsns_in_message(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _strings(getattr(value, f.name))


def _entries(engine: Engine) -> int:
    with UnitOfWork(engine) as uow:
        return len(uow.log.search(LogFilter()))


def check(engine: Engine, world: World, scope: Scope) -> dict[str, set[str]]:
    """Run every read under ``scope``; assert no foreign BSN in any result and an entry for each
    BSN returned. Returns the BSNs each read returned."""
    visible, everyone = world.visible(scope), world.everyone()
    seen_by: dict[str, set[str]] = {}
    for name, read in {**REPOSITORY_READS, **SERVICE_READS}.items():
        before = _entries(engine)
        if name in SERVICE_READS:
            result = read(UnitOfWork(engine, scope, actor=f"matrix-{name}"), world)
        else:
            with UnitOfWork(engine, scope, actor=f"matrix-{name}") as uow:
                result = read(uow, world)
                uow.commit()
        seen = set(_strings(result)) & everyone
        assert seen <= visible, f"{name} under {scope} leaked {sorted(seen - visible)}"
        with UnitOfWork(engine, settings=None) as uow:
            logged = {e.subject_id for e in uow.log.search(LogFilter(actor=f"matrix-{name}"))}
            assert {uow.log.pseudonym(b) for b in seen} <= logged, (
                f"{name} under {scope} read without a log entry"
            )
        assert (_entries(engine) > before) == bool(seen) or not seen, name
        seen_by[name] = seen
    return seen_by


# -- the fixed matrix: two municipalities, two providers, one foreign tenant each ------------------

H, N = "0321", "0356"
ALFA, BETA = "11111111", "22222222"
A, B, C, K = "999900006", "999900018", "999900031", "999900043"
FIXED = World(
    municipalities=(H, N),
    providers=(ALFA, BETA),
    clients=((A, H, "HH"), (K, H, "HH"), (B, N, "HN"), (C, N, "HN")),
    care=(
        (A, ALFA, Law.WMO),
        (K, BETA, Law.JEUGD),
        (B, ALFA, Law.WMO),
        (C, BETA, Law.JEUGD),
        (C, BETA, Law.WMO),
    ),
)
SCOPES = {
    "region": (Scope.region(), set()),
    "municipality Houten (foreign: Nieuwegein)": (Scope.municipality(H), {B, C}),
    "municipality Nieuwegein (foreign: Houten)": (Scope.municipality(N), {A, K}),
    "municipalities Houten and Nieuwegein": (Scope.municipalities([H, N]), set()),
    "provider Alfa (foreign: Beta's clients)": (Scope.provider(ALFA), {K, C}),
    "provider Beta (foreign: Alfa's clients)": (Scope.provider(BETA), {A, B}),
}


@pytest.fixture
def fixed(engine: Engine) -> Engine:
    build(engine, FIXED)
    return engine


@pytest.mark.parametrize("scope_name", list(SCOPES))
def test_every_read_of_personal_data_under_every_scope_leaks_nothing_of_a_foreign_tenant_and_is_logged(
    fixed: Engine, scope_name: str
) -> None:
    scope, foreign = SCOPES[scope_name]
    seen_by = check(fixed, FIXED, scope)
    every = set().union(*seen_by.values())
    assert not every & foreign
    # the check can fail: the reads do return the scope's own people
    assert every == FIXED.visible(scope)
    for name in ("clients.get", "workflow.decision", "messages.outbox", "stops.stop_worklist"):
        assert seen_by[name], f"{name} returned nobody under {scope}"


def test_a_provider_does_not_read_another_providers_decision_with_its_bsn(fixed: Engine) -> None:
    with UnitOfWork(fixed, Scope.provider(ALFA)) as uow:
        assert uow.workflow.decision("D2", purpose=D) is None  # Beta's client K
        own = uow.workflow.decision("D1", purpose=D)
        assert own is not None and own.client_bsn == A


def test_the_spending_figures_of_a_scope_count_only_its_own_payments(fixed: Engine) -> None:
    def paid(scope: Scope) -> set[tuple[str, str]]:
        rows = spending.ledger(fixed, 2020, scope, actor="matrix")
        return {(r["municipality"], r["provider_agb"]) for r in rows if r["provider_agb"]}

    assert paid(Scope.region()) == {(f"Gemeente {H}", ALFA), (f"Gemeente {H}", BETA),
                                    (f"Gemeente {N}", ALFA), (f"Gemeente {N}", BETA)}  # fmt: skip
    assert paid(Scope.municipality(H)) == {(f"Gemeente {H}", ALFA), (f"Gemeente {H}", BETA)}
    assert paid(Scope.provider(BETA)) == {(f"Gemeente {H}", BETA), (f"Gemeente {N}", BETA)}
    rows = spending.exhaustion(
        fixed, ExhaustionLevel.allocation, Filters(2021), Scope.provider(ALFA), actor="matrix"
    )
    assert {r["provider_agb"] for r in rows} == {ALFA}
    with UnitOfWork(fixed) as uow:
        logged = {e.subject_id for e in uow.log.search(LogFilter(actor="matrix", activity_id="spending"))}
        assert logged == {uow.log.pseudonym(A), uow.log.pseudonym(B)}


def test_every_table_with_a_bsn_is_under_the_tenancy_layer() -> None:
    """A table that names a person (a BSN), a decision about one or message content is scoped in
    one place; a new such table fails here until it is added to PERSONAL_TABLES."""
    personal_columns = {"bsn", "client_bsn", "decision_id", "content"}
    with_bsn = {
        mapper.class_ for mapper in t.Base.registry.mappers
        if personal_columns & {c.name for c in mapper.local_table.columns}
    }  # fmt: skip
    assert with_bsn - set(PERSONAL_TABLES) == set()


def test_a_read_fails_when_its_log_entry_cannot_be_written(fixed: Engine) -> None:
    """The entries go in with the read's commit (one insert): a log that cannot be written fails
    the commit, before anyone answers with what was read."""
    from sqlalchemy.exc import DBAPIError

    with UnitOfWork(fixed, Scope.municipality(H)) as uow:
        uow.session.execute(t.ProcessingLogEntryRow.__table__.delete())  # type: ignore[attr-defined]
        uow.session.connection().exec_driver_sql("DROP TABLE processing_log_entry")
        assert uow.clients.get(A, purpose=D) is not None
        assert uow.log.pending == 1
        with pytest.raises(DBAPIError):
            uow.commit()


def test_a_read_left_without_a_commit_still_writes_its_entries_and_fails_when_it_cannot(
    fixed: Engine,
) -> None:
    from sqlalchemy.exc import DBAPIError

    from tests.log_helpers import log_unavailable

    with UnitOfWork(fixed, Scope.municipality(H), actor="no-commit") as uow:
        assert uow.clients.get(A, purpose=D) is not None
        uow.session.execute(t.ProcessingLogEntryRow.__table__.delete())  # other work: rolled back
    with UnitOfWork(fixed) as uow:
        found = uow.log.search(LogFilter(actor="no-commit"))
        assert [(e.operation, e.subject_id) for e in found] == [("client.get", uow.log.pseudonym(A))]
        assert uow.log.search(LogFilter(actor="matrix-clients.get")) == []  # nothing else was kept
        before = len(uow.log.search(LogFilter()))
    with (
        log_unavailable(fixed),
        pytest.raises(DBAPIError),
        UnitOfWork(fixed, Scope.municipality(H), actor="no-commit") as uow,
    ):
        uow.clients.get(A, purpose=D)
    with UnitOfWork(fixed) as uow:
        assert len(uow.log.search(LogFilter())) == before


def test_the_entries_of_one_transaction_go_in_with_its_commit_in_one_insert(fixed: Engine) -> None:
    from sqlalchemy import event

    inserts: list[int] = []

    def count(_conn, _cursor, statement, parameters, _context, executemany):  # type: ignore[no-untyped-def]
        if statement.startswith("INSERT INTO processing_log_entry"):
            inserts.append(len(parameters) if executemany else 1)

    event.listen(fixed, "before_cursor_execute", count)
    try:
        with UnitOfWork(fixed, Scope.municipality(N), actor="one-insert") as uow:
            assert uow.clients.get(B, purpose=D) is not None
            assert uow.clients.get(C, purpose=D) is not None
            assert len(uow.workflow.client_decisions(C, purpose=D)) >= 1
            owed = uow.log.pending  # B, C, and C's decisions under two laws: one entry per law
            assert owed == 4 and inserts == []  # nothing written before the commit
            found = uow.log.search(LogFilter(actor="one-insert"))  # its own entries, written first
            assert len(found) == owed and inserts == [owed]
            uow.allocations.active_on(date(2020, 6, 1), purpose=D)
            uow.commit()
    finally:
        event.remove(fixed, "before_cursor_execute", count)
    with UnitOfWork(fixed) as uow:
        entries = uow.log.search(LogFilter(actor="one-insert"))
    assert len(inserts) == 2 and sum(inserts) == len(entries)
    assert {e.operation for e in entries} == {"client.get", "decision.get", "allocation.active_on"}
    assert len({e.trace_id for e in entries}) == 1 and len({e.span_id for e in entries}) == 4
    subjects = {(e.operation, e.subject_id) for e in entries}
    with UnitOfWork(fixed) as uow:
        assert {("client.get", uow.log.pseudonym(b)) for b in (B, C)} <= subjects


def test_the_privacy_officer_finds_each_read_by_bsn_and_a_citizen_gets_only_their_own(fixed: Engine) -> None:
    check(fixed, FIXED, Scope.municipality(H))
    found = processing_log.search(UnitOfWork(fixed, actor="fg"), processing_log.Search(bsn=A))
    assert {f.operation for f in found} >= {"client.get", "allocation.active_on", "message.outbox.301"}
    assert {f.activity_id for f in found} >= {"decision", "decision.wmo", "exchange.wmo", "signals"}
    assert {f.subject_id for f in found} == {found[0].subject_id} and A not in found[0].subject_id
    by_actor = processing_log.search(UnitOfWork(fixed), processing_log.Search(actor="matrix-clients.get"))
    assert {f.operation for f in by_actor} == {"client.get"}
    exported = processing_log.export_for_subject(UnitOfWork(fixed, actor="fg"), A)
    assert exported["count"] == len(found) + 1  # and the search by BSN, itself logged
    assert all(e["subject_id"] == exported["subject_id"] for e in exported["entries"])
    assert (
        processing_log.search(UnitOfWork(fixed), processing_log.Search(bsn=B, actor="matrix-clients.get"))
        == []
    )
    with pytest.raises(processing_log.SearchError):
        processing_log.search(UnitOfWork(fixed), processing_log.Search(bsn="12"))


# -- the property: generated regions and scopes -----------------------------------------------------


def _bsn(n: int) -> str:
    """The n-th synthetic BSN (999 range) that passes the eleven-test."""
    found = 0
    for candidate in range(99_990_000, 99_999_999):
        digits = f"{candidate:08d}"
        check = sum(int(d) * (9 - i) for i, d in enumerate(digits)) % 11
        if check < 10:
            if found == n:
                return f"{digits}{check}"
            found += 1
    raise AssertionError("no such BSN")


@st.composite
def worlds(draw: st.DrawFn) -> World:
    municipalities = tuple(f"0{n:03d}" for n in range(1, draw(st.integers(2, 3)) + 1))
    providers = tuple(f"{n:08d}" for n in range(1, draw(st.integers(2, 3)) + 1))
    count = draw(st.integers(2, 7))
    clients = tuple(
        (_bsn(n), draw(st.sampled_from(municipalities)), f"H{draw(st.integers(1, 3))}") for n in range(count)
    )
    care = tuple(
        (b, draw(st.sampled_from(providers)), draw(st.sampled_from(list(Law))))
        for b, _, _ in clients
        for _ in range(draw(st.integers(0, 2)))
    )
    return World(municipalities, providers, clients, care)


@st.composite
def world_and_scope(draw: st.DrawFn) -> tuple[World, Scope]:
    world = draw(worlds())
    kind = draw(st.sampled_from(list(ScopeKind)))
    if kind is ScopeKind.REGION:
        return world, Scope.region()
    if kind is ScopeKind.MUNICIPALITY:
        return world, Scope.municipalities(draw(st.sets(st.sampled_from(world.municipalities), min_size=1)))
    return world, Scope.provider(draw(st.sampled_from(world.providers)))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world_and_scope())
def test_for_any_region_and_scope_no_read_leaks_and_every_read_is_logged(case: tuple[World, Scope]) -> None:
    world, scope = case
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'matrix.sqlite'}")
        try:
            build(engine, world, migrate=False)
            seen_by = check(engine, world, scope)
            assert set().union(*seen_by.values()) <= world.visible(scope)
        finally:
            engine.dispose()
