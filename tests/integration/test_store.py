# SPDX-License-Identifier: EUPL-1.2
"""The store on SQLite and PostgreSQL: migrations, repositories, scopes, the processing log, reports."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    ALFA,
    BETA,
    BSN_A,
    BSN_B,
    BSN_C,
    HOUTEN,
    NIEUWEGEIN,
    PROVIDERS,
    REGION,
    load_tiny_region,
)
from zorginkoop.adapters.db.session import (
    current_revision,
    downgrade,
    head_revision,
    require_current_schema,
    upgrade,
)
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.domain.access import Scope
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.services import reports


def test_migrations_go_up_and_down(engine):
    assert current_revision(engine) == head_revision()
    require_current_schema(engine)
    if engine.dialect.name == "postgresql":
        pytest.skip("the shared PostgreSQL schema stays at head for the other tests")
    downgrade(engine, "base")
    assert "allocation" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert {"allocation", "declaration_line", "processing_log"} <= set(inspect(engine).get_table_names())


def test_region_and_providers_round_trip(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        assert uow.region.get() == REGION
        assert sorted(uow.providers.all(), key=lambda p: p.agb_code) == sorted(
            PROVIDERS, key=lambda p: p.agb_code
        )
        assert uow.providers.get(BETA).client_stop
        assert [t.amount for t in uow.catalogue.tariffs()] == [Money.euros(50)]


def test_uncommitted_work_is_rolled_back(engine):
    with UnitOfWork(engine) as uow:
        uow.region.add(REGION)
    with UnitOfWork(engine) as uow:
        assert uow.region.get() is None


def test_a_line_reference_is_stored_once_per_provider(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    from tests.factories import DECLARATIONS, OUTCOMES

    with UnitOfWork(engine) as uow, pytest.raises(IntegrityError):
        uow.declarations.add_processed(DECLARATIONS[:1], OUTCOMES)
        uow.session.flush()


def test_a_municipality_sees_only_its_own_inhabitants_and_every_read_is_logged(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine, scope=Scope.municipality(HOUTEN), actor="consulent-houten") as uow:
        assert uow.clients.get(BSN_A, purpose=ActivityKind.DECISION) is not None
        assert uow.clients.get(BSN_B, purpose=ActivityKind.DECISION) is None  # Nieuwegein's inhabitant
        assert uow.clients.count() == 1
        assert [
            a.client_bsn for a in uow.allocations.active_on(date(2020, 6, 1), purpose=ActivityKind.DECISION)
        ] == [BSN_A]
        uow.commit()
    with UnitOfWork(engine) as uow:
        entries = uow.log.entries()
        subject = uow.log.pseudonym(BSN_A)
    # one entry per operation and data subject (Logboek Dataverwerkingen), the BSN pseudonymised;
    # the allocation read resolves to the Wmo activity of the register (the allocation's law)
    assert [(e.actor, e.scope, e.activity_id, e.operation, e.subject_id, e.status) for e in entries] == [
        ("consulent-houten", f"municipality:{HOUTEN}", "decision", "client.get", subject, "ok"),
        ("consulent-houten", f"municipality:{HOUTEN}", "decision.wmo", "allocation.active_on", subject, "ok"),
    ]
    assert BSN_A not in {e.subject_id for e in entries}
    assert entries[0].trace_id == entries[1].trace_id and entries[0].span_id != entries[1].span_id


def test_a_provider_sees_only_its_own_clients(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine, scope=Scope.provider(BETA)) as uow:
        assert uow.clients.get(BSN_B, purpose=ActivityKind.DECISION) is None  # Alfa's client
        assert uow.clients.get(BSN_C, purpose=ActivityKind.DECISION) is not None
        assert [c.bsn for c in uow.clients.household("H2", purpose=ActivityKind.DECISION)] == [BSN_C]
    with UnitOfWork(engine, scope=Scope.provider(ALFA)) as uow:
        assert {
            a.client_bsn for a in uow.allocations.active_on(date(2020, 6, 1), purpose=ActivityKind.DECISION)
        } == {
            BSN_A,
            BSN_B,
        }


def test_costs_per_municipality_count_approved_lines_only(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        lines, total = reports.costs_by_municipality(uow, 2020, Law.WMO)
        assert [(line.municipality, line.clients, line.cost) for line in lines] == [
            ("Houten", 1, Money.euros(1100)),
            ("Nieuwegein", 2, Money.euros(700)),
        ]
        assert (total.clients, total.cost) == (3, Money.euros(1800))
        assert reports.costs_by_municipality(uow, 2019, Law.WMO)[1].cost == Money.zero()
        assert reports.costs_by_municipality(uow, 2020, Law.JEUGD)[0] == []


def test_costs_per_provider_with_an_excluded_municipality(engine):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        lines = reports.costs_by_provider(uow, 2020, Law.WMO)
        assert [(p.agb, p.clients, p.cost, p.cumulative_pct) for p in lines] == [
            (ALFA, 2, Money.euros(1500), "83.3"),
            (BETA, 1, Money.euros(300), "100.0"),
        ]
        lines = reports.costs_by_provider(uow, 2020, Law.WMO, exclude=["houten"])
        assert [(p.agb, p.cost) for p in lines] == [(ALFA, Money.euros(400)), (BETA, Money.euros(300))]
        with pytest.raises(reports.ReportError, match="unknown municipality 'Utrecht'"):
            reports.costs_by_provider(uow, 2020, Law.WMO, exclude=["Utrecht"])
    with UnitOfWork(engine, scope=Scope.municipality(NIEUWEGEIN)) as uow:
        assert [line.municipality for line in reports.costs_by_municipality(uow, 2020, None)[0]] == [
            "Nieuwegein"
        ]


def test_the_processing_log_names_the_configured_actor(engine, monkeypatch):
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    monkeypatch.setenv("ZORGINKOOP_ACTOR", "backoffice-rbl")
    with UnitOfWork(engine) as uow:
        uow.clients.get(BSN_A, purpose=ActivityKind.DECISION)
        uow.commit()
    with UnitOfWork(engine) as uow:
        assert [e.actor for e in uow.log.entries()] == ["backoffice-rbl"]
