# SPDX-License-Identifier: EUPL-1.2
"""Allocation integrity end to end on the CLI, on SQLite and PostgreSQL: a decision allocated
once at a time, a switch to another provider (301 with RedenWijziging 09 to the first), the
refusals (one line, exit 2, nothing stored), TR385, OP033x1, a deleted allocation that stays
deleted, and the approved lines left outside a shortened allocation, recorded and listed."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner, Result

from tests.factories import ALFA, BSN_A, HOUTEN, PROVIDERS, contract_tiny_provider, load_tiny_region
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import models as m
from zorginkoop.adapters.istandaarden import read_message, validate_message, write_message
from zorginkoop.adapters.model_files import load_models
from zorginkoop.cli import app
from zorginkoop.domain.access import Scope
from zorginkoop.domain.catalogue import Product, Tariff
from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, TargetGroup, Unit
from zorginkoop.domain.contracts import Contract, FrameworkAgreement, Lot, ProcurementProcedure, Term
from zorginkoop.domain.declarations import DebitCredit, Declaration, DeclaredLine, LineOutcome, LineStatus
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period
from zorginkoop.domain.region import Provider
from zorginkoop.services import allocations as workflow
from zorginkoop.services import exchange

runner = CliRunner()
GAMMA = "33333333"
TARIFF = Money.euros(50)


@pytest.fixture
def store(engine: Engine, engine_url: str) -> str:
    """The tiny region with two providers contracted for OZR1 serving Houten, and BSN_A's address."""
    with UnitOfWork(engine) as uow:
        load_tiny_region(uow)
    with UnitOfWork(engine) as uow:
        contract_tiny_provider(uow)
    gamma = Provider(GAMMA, "Gamma Zorg", frozenset({Law.WMO}), frozenset({TargetGroup.COMPLEX_PROBLEMS}),
                     frozenset({HOUTEN}))  # fmt: skip
    with UnitOfWork(engine) as uow:
        uow.providers.add_all([gamma])
        uow.contracts.add_contracts([Contract("C3", GAMMA, "FW", "L1", Period(date(2020, 1, 1), None))])
        uow.commit()
    assert PROVIDERS[0].agb_code == ALFA
    ok(cli(engine_url, "access", "client", "--bsn", BSN_A, "-m", HOUTEN, "--street", "Lekdijk", "--house-number",
           "7", "--postcode", "3991AB", "--city", "Houten"))  # fmt: skip
    return engine_url


def cli(url: str, *args: str) -> Result:
    return runner.invoke(app, [*args, "--db", url])


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as c:
        return (
            c.scalar(select(func.count()).select_from(t.AllocationRow)),
            c.scalar(select(func.count()).select_from(t.MessageRow)),
            c.scalar(select(func.count()).select_from(t.AllocationOutsideLineRow)),
        )


def declare(engine: Engine, number: int, months: list[int], provider: str = ALFA, prefix: str = "L") -> None:
    """Approved debit lines of 13 hours for ``months`` of 2021 on allocation ``number``."""
    lines = tuple(
        DeclaredLine(f"{prefix}{m}", BSN_A, number, provider, HOUTEN, Law.WMO, "02", "OZR1", Period.month(2021, m),
                     13, Unit.UUR, TARIFF, TARIFF * 13)
        for m in months
    )  # fmt: skip
    declaration = Declaration(f"D{prefix}{months[0]}", f"M{prefix}{months[0]}", provider, HOUTEN, Law.WMO,
                              Period.month(2021, months[0]), date(2021, 11, 1), lines)  # fmt: skip
    outcomes = {
        (provider, x.reference): LineOutcome(x.reference, LineStatus.APPROVED, x.amount) for x in lines
    }
    with UnitOfWork(engine) as uow:
        uow.declarations.add_processed([declaration], outcomes)
        uow.commit()


def credit(engine: Engine, number: int, month: int) -> None:
    line = DeclaredLine(f"C{month}", BSN_A, number, ALFA, HOUTEN, Law.WMO, "02", "OZR1", Period.month(2021, month),
                        13, Unit.UUR, TARIFF, TARIFF * 13, DebitCredit.CREDIT, f"L{month}")  # fmt: skip
    declaration = Declaration(f"DC{month}", f"MC{month}", ALFA, HOUTEN, Law.WMO, Period.month(2021, 12),
                              date(2021, 12, 1), (line,))  # fmt: skip
    with UnitOfWork(engine) as uow:
        uow.declarations.add_processed(
            [declaration],
            {(ALFA, line.reference): LineOutcome(line.reference, LineStatus.APPROVED, -line.amount)},
        )
        uow.commit()


def product_in_301(engine: Engine, file_name: str, number: int) -> Any:
    with UnitOfWork(engine) as uow:
        (message,) = [m for m in uow.messages.outbox("301") if m.file_name == file_name]
    assert validate_message(message.content).valid
    (product,) = [
        p
        for p in read_message(message.content).bericht.client.toegewezen_producten
        if p.toewijzing_nummer == number
    ]
    return product


def decide(url: str) -> str:
    decision = as_json(cli(url, "access", "decide", "lekstroom-ozr", "--bsn", BSN_A, "-m", HOUTEN, "--start",
                           "2021-07-01", "--months", "6", "--product", "OZR1", "--hours", "3", "--format", "json"))  # fmt: skip
    return str(decision["decision"])


def allocate(url: str, decision: str, provider: str, *extra: str) -> Result:
    return cli(url, "access", "allocate", decision, "-m", HOUTEN, "--model", "lekstroom-ozr", "--provider", provider,
               *extra, "--format", "json")  # fmt: skip


def test_a_decision_goes_to_another_provider_only_by_a_switch_that_ends_the_first_with_09(
    engine: Engine, store: str
) -> None:
    decision = decide(store)
    first = as_json(allocate(store, decision, ALFA))
    number = first["toewijzing_nummer"]
    assert (first["start"], first["end"]) == ("2021-07-01", "2021-12-31")
    declare(engine, number, [7, 8, 9, 10])

    before = counts(engine)
    for agb in (GAMMA, ALFA):  # another provider or the same one: both overlap the running allocation
        refused(allocate(store, decision, agb), f"allocation {number} (provider {ALFA}, 2021-07-01..2021-12-31)",
                f"--switch-from {number}")  # fmt: skip
    refused(allocate(store, decision, GAMMA, "--switch-from", str(number)), "cannot end before 2021-07-01")
    refused(allocate(store, decision, GAMMA, "--start", "2022-01-01"), "outside decision")
    assert counts(engine) == before

    switched = as_json(
        allocate(store, decision, GAMMA, "--switch-from", str(number), "--start", "2021-09-01")
    )
    assert (switched["provider"], switched["start"], switched["end"], switched["volume"]) == (
        GAMMA, "2021-09-01", "2021-12-31", 3,
    )  # fmt: skip
    assert (switched["ended"], switched["ended_provider"], switched["ended_end"], switched["ended_reden_wijziging"]) == (
        number, ALFA, "2021-08-31", "09",
    )  # fmt: skip
    # the months the first provider was paid for after its end are listed: it must credit them
    assert [x["reference"] for x in switched["outside_lines"]] == ["L9", "L10"]
    ended = product_in_301(engine, switched["ended_message"], number)
    assert (ended.einddatum, ended.reden_wijziging) == (date(2021, 8, 31), "09")
    new = product_in_301(engine, switched["message"], switched["toewijzing_nummer"])
    assert (new.ingangsdatum, new.einddatum) == (date(2021, 9, 1), date(2021, 12, 31))
    with engine.connect() as c:
        receivers = set(c.scalars(select(t.MessageRow.receiver).where(t.MessageRow.message_type == "301")))
    assert receivers == {ALFA, GAMMA}

    # a second allocation overlapping the new one, or the first stretched into it: refused
    before = counts(engine)
    refused(
        allocate(store, decision, ALFA, "--start", "2021-10-01"),
        f"allocation {switched['toewijzing_nummer']}",
    )
    refused(cli(store, "access", "change", str(number), "-m", HOUTEN, "--reason", "04", "--end", "2021-10-31"),
            "overlaps", f"allocation {switched['toewijzing_nummer']}")  # fmt: skip
    assert counts(engine) == before

    listed = as_json(cli(store, "access", "outside-lines", "-m", HOUTEN, "--format", "json"))
    assert [(x["allocation"], x["reference"], x["reden_wijziging"], x["open"]) for x in listed] == [
        (number, "L9", "09", True), (number, "L10", "09", True),
    ]  # fmt: skip
    assert as_json(cli(store, "access", "outside-lines", "-m", "0356", "--format", "json")) == []


def test_tr385_op033x1_and_a_deleted_allocation_that_stays_deleted(engine: Engine, store: str) -> None:
    decision = decide(store)
    number = as_json(allocate(store, decision, ALFA))["toewijzing_nummer"]
    declare(engine, number, [7])
    before = counts(engine)
    refused(
        cli(store, "access", "change", str(number), "-m", HOUTEN, "--reason", "13"),
        "TR385",
        "9385",
        "1 approved",
    )
    refused(cli(store, "access", "change", str(number), "-m", HOUTEN, "--reason", "14", "--volume", "4"),
            "OP033x1", "frequency 2", "frequency 6")  # fmt: skip
    refused(cli(store, "access", "change", str(number), "-m", HOUTEN, "--reason", "04", "--end", "2022-03-31"),
            "outside decision")  # fmt: skip
    assert counts(engine) == before

    credit(engine, number, 7)  # credited: nothing approved remains, so it may be deleted
    deleted = as_json(
        cli(store, "access", "change", str(number), "-m", HOUTEN, "--reason", "13", "--format", "json")
    )
    assert (deleted["start"], deleted["end"], deleted["reden_wijziging"]) == (
        "2021-07-01",
        "2021-07-01",
        "13",
    )
    before = counts(engine)
    for args in (("--reason", "14", "--end", "2021-12-31"), ("--reason", "04", "--end", "2021-12-31"),
                 ("--reason", "13")):  # fmt: skip
        refused(
            cli(store, "access", "change", str(number), "-m", HOUTEN, *args),
            f"allocation {number}",
            "stays deleted",
        )
    refused(cli(store, "access", "end", str(number), "-m", HOUTEN, "--end", "2021-08-31"), "stays deleted")
    assert counts(engine) == before
    # the decision itself may be allocated again: the deleted allocation counts as never given
    again = as_json(allocate(store, decision, GAMMA))
    assert again["toewijzing_nummer"] != number and again["start"] == "2021-07-01"


def test_shortening_over_paid_months_lists_and_records_the_lines_until_they_are_credited(
    engine: Engine, store: str
) -> None:
    decision = decide(store)
    number = as_json(allocate(store, decision, ALFA))["toewijzing_nummer"]
    declare(engine, number, [7, 8, 9, 10])
    shortened = cli(store, "access", "end", str(number), "-m", HOUTEN, "--end", "2021-09-30")
    ok(shortened)
    assert f"1 approved line(s) now lie outside allocation {number} (EUR 650.00)" in shortened.stderr
    assert "must credit" in shortened.stderr and "outside-lines" in shortened.stderr
    assert counts(engine)[2] == 1
    shorter = as_json(cli(store, "access", "end", str(number), "-m", HOUTEN, "--end", "2021-08-15", "--format",
                          "json"))  # fmt: skip
    # every line outside is shown (August is cut in half, so its line is outside too); each is recorded once
    assert [x["reference"] for x in shorter["outside_lines"]] == ["L8", "L9", "L10"]
    assert counts(engine)[2] == 3

    credit(engine, number, 9)
    listed = as_json(cli(store, "access", "outside-lines", "-m", HOUTEN, "--format", "json"))
    assert [x["reference"] for x in listed] == ["L8", "L10"]
    everything = as_json(cli(store, "access", "outside-lines", "-m", HOUTEN, "--all", "--format", "json"))
    assert [(x["reference"], x["open"]) for x in everything] == [("L8", True), ("L9", False), ("L10", True)]
    table = ok(cli(store, "access", "outside-lines", "-m", HOUTEN))
    assert "L10" in table.stdout and "L9" not in table.stdout


# -- a provider's 317 keeps to the same rules ------------------------------------------------------

_idents = iter(range(1, 1000))


def verzoek_317(number: int, start: date, end: date, hours: int, ref: str, *, new: bool = False) -> bytes:
    """A 317 of ALFA: allocation ``number`` changed, or (``new``) kept and OZR1 asked for anew."""
    header = m.Header.for_message(Law.WMO, "317", afzender=ALFA, ontvanger=HOUTEN,
                                  identificatie=f"VOW{next(_idents):05d}", dagtekening=date(2021, 8, 2))  # fmt: skip
    change = m.TeWijzigenProduct(toewijzing_nummer=number, gewenste_ingangsdatum=start, einddatum=end,
                                 omvang=m.Omvang(volume=hours, eenheid="04", frequentie="2"))  # fmt: skip
    added = m.NieuwProduct(product=m.Product(categorie="02", code="OZR1"), gewenste_ingangsdatum=start,
                           einddatum=end, omvang=m.Omvang(volume=hours, eenheid="04", frequentie="2"))  # fmt: skip
    body = m.Verzoek(referentie_aanbieder=ref, reden_verzoek="1",
                     ongewijzigde_producten=(m.OngewijzigdProduct(toewijzing_nummer=number),) if new else (),
                     te_wijzigen_producten=() if new else (change,), nieuwe_producten=(added,) if new else ())  # fmt: skip
    data = write_message(
        m.VerzoekWijzigingbericht(header=header, client=m.VerzoekWijzigingClient(bsn=BSN_A, verzoek=body)),
        law=Law.WMO,
    )
    assert validate_message(data).valid, validate_message(data).errors
    return data


def test_a_317_keeps_to_op033x1_carries_the_decision_on_and_records_the_lines_it_leaves_outside(
    engine: Engine, store: str
) -> None:
    decision = decide(store)
    number = as_json(allocate(store, decision, ALFA))["toewijzing_nummer"]
    declare(engine, number, [7, 8, 9, 10])
    now = datetime(2021, 8, 2, 10, 0)

    # more hours from the allocation's own start: a volume per week changes only by ending it (OP033x1);
    # more hours from a later date: more than the decision grants (3 h a week); both refused with a 319
    before = counts(engine)
    # and the same product asked for anew while the allocation runs: a second allocation, refused too
    for ref, start, new in (("VOW-SAME", date(2021, 7, 1), False), ("VOW-MORE", date(2021, 9, 1), False),
                            ("VOW-NEW", date(2021, 9, 1), True)):  # fmt: skip
        outcome = exchange.import_message(
            UnitOfWork(engine),
            verzoek_317(number, start, date(2021, 12, 31), 4, ref, new=new),
            f"{ref}.xml",
            now,
        )
        assert [f.file_name[:6] for f in outcome.outgoing] == ["WMO318", "WMO319"]
        assert read_message(outcome.outgoing[1].content).bericht.antwoord.verzoek_antwoord == "1"
    assert counts(engine)[0] == before[0]

    # shorter from a later date: the allocation ends the day before and a new one follows, same decision
    outcome = exchange.import_message(
        UnitOfWork(engine),
        verzoek_317(number, date(2021, 9, 1), date(2021, 10, 31), 3, "VOW-LATER"),
        "b.xml",
        now,
    )
    assert [f.file_name[:6] for f in outcome.outgoing] == ["WMO318", "WMO301"]
    with engine.connect() as c:
        rows = c.execute(
            select(t.AllocationRow.number, t.AllocationRow.valid_from, t.AllocationRow.valid_to,
                   t.AllocationRow.volume, t.AllocationRow.change_reason)
            .where(t.AllocationRow.decision_id == decision).order_by(t.AllocationRow.number)
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        (number, date(2021, 7, 1), date(2021, 8, 31), 3, "12"),
        (number + 1, date(2021, 9, 1), date(2021, 10, 31), 3, None),
    ]
    listed = as_json(cli(store, "access", "outside-lines", "-m", HOUTEN, "--format", "json"))
    assert [(x["allocation"], x["reference"], x["reden_wijziging"]) for x in listed] == [
        (number, "L9", "12"), (number, "L10", "12"),
    ]  # fmt: skip

    # the decision is still allocated once at a time: another provider only after the 317's allocation
    refused(allocate(store, decision, GAMMA, "--start", "2021-10-01"), f"allocation {number + 1}")
    after = as_json(allocate(store, decision, GAMMA, "--start", "2021-11-01"))
    assert (after["start"], after["end"]) == ("2021-11-01", "2021-12-31")


def test_two_consultants_allocating_one_decision_at_the_same_moment_allocate_it_once(
    engine: Engine, store: str
) -> None:
    decision = decide(store)
    model = load_models()["lekstroom-ozr"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def allocate_to(agb: str) -> None:
        barrier.wait()
        try:
            workflow.allocate(UnitOfWork(engine, Scope.municipality(HOUTEN)), model, decision_id=decision,
                              provider_agb=agb, now=datetime(2021, 6, 1, 9, 0))  # fmt: skip
            outcomes.append("allocated")
        except workflow.WorkflowError as exc:
            outcomes.append(f"refused: {exc}")
        except OperationalError as exc:  # SQLite's write lock timing out would show here
            outcomes.append(f"store error: {exc}")

    threads = [threading.Thread(target=allocate_to, args=(agb,)) for agb in (ALFA, GAMMA)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split(":")[0] for o in outcomes) == ["allocated", "refused"], outcomes
    assert "is already allocated" in next(o for o in outcomes if o.startswith("refused"))
    with engine.connect() as c:
        assert c.scalar(select(func.count()).where(t.AllocationRow.decision_id == decision)) == 1


# -- a Twente add-on module is a decided product of its own ---------------------------------------------


@pytest.fixture
def twente(engine: Engine, store: str) -> str:
    """The tiny region with the Twente products (TWO12 and module TWM01) contracted to ALFA and GAMMA."""
    products = [
        Product(code, Law.WMO, "02", name, Unit.EUROS, Frequency.TOTAAL, FinancingVariant.OUTPUT)
        for code, name in (("TWO12", "Ontwikkelen, zelfredzaamheid, 2"), ("TWM01", "Module vervoer"))
    ]
    with UnitOfWork(engine) as uow:
        ids = uow.catalogue.add_products(products)
        # the catalogue prices the decision (the model names the product); modules stay the model's
        uow.catalogue.add_tariffs(
            [Tariff("TWO12", Money.euros(560), Period(date(2023, 1, 1), None))],
            {code: pid for (_law, code), pid in ids.items()},
        )
        lot = Lot("T1", "Twente begeleiding", Law.WMO, frozenset({"TWO12", "TWM01"}))
        framework = FrameworkAgreement(
            "TW", "Twente", ProcurementProcedure.SAS, Term(date(2023, 1, 1), 4), (lot,)
        )
        uow.contracts.add_frameworks([framework], {code: pid for (_law, code), pid in ids.items()})
        uow.contracts.add_contracts(
            [Contract(f"T-{agb}", agb, "TW", "T1", Period(date(2023, 1, 1), None)) for agb in (ALFA, GAMMA)]
        )
        uow.commit()
    return store


def test_a_twente_module_is_allocated_apart_from_the_main_product_and_only_once_at_a_time(
    engine: Engine, twente: str
) -> None:
    decided = as_json(cli(twente, "access", "decide", "twente", "--bsn", BSN_A, "-m", HOUTEN, "--start", "2023-02-01",
                          "--months", "12", "--areas", "zelfzorg-gezondheid", "--type", "ontwikkelen", "--intensity",
                          "2", "--module", "vervoer", "--format", "json"))  # fmt: skip
    assert decided["add_ons"] == ["vervoer TWM01 1140.00"]
    twente_allocate = (
        "access",
        "allocate",
        decided["decision"],
        "-m",
        HOUTEN,
        "--model",
        "twente",
        "--provider",
    )
    main = as_json(cli(twente, *twente_allocate, ALFA, "--format", "json"))
    assert (main["product"], main["volume"], main["frequency"]) == ("TWO12", 6720, "6")  # without the module
    module = as_json(cli(twente, *twente_allocate, GAMMA, "--module", "vervoer", "--format", "json"))
    assert (module["product"], module["volume"], module["unit"], module["frequency"]) == (
        "TWM01",
        1140,
        "83",
        "6",
    )
    assert (module["start"], module["end"]) == ("2023-02-01", "2024-01-31")
    product = product_in_301(engine, module["message"], module["toewijzing_nummer"])
    assert product.product.code == "TWM01" and product.omvang.volume == 1140

    before = counts(engine)
    refused(cli(twente, *twente_allocate, ALFA, "--module", "TWM01"), f"allocation {module['toewijzing_nummer']}",
            "--switch-from")  # fmt: skip
    refused(cli(twente, *twente_allocate, GAMMA), f"allocation {main['toewijzing_nummer']}")
    refused(cli(twente, *twente_allocate, GAMMA, "--module", "crisisbereikbaarheid"), "no add-on module",
            "vervoer (TWM01)")  # fmt: skip
    assert counts(engine) == before
    # the module goes to the main provider by a switch, and keeps to its own total
    switched = as_json(cli(twente, *twente_allocate, ALFA, "--module", "vervoer", "--switch-from",
                           str(module["toewijzing_nummer"]), "--start", "2023-08-01", "--format", "json"))  # fmt: skip
    assert switched["ended_end"] == "2023-07-31" and switched["product"] == "TWM01"
    with engine.connect() as c:
        volumes = c.execute(
            select(t.AllocationRow.product_code, func.sum(t.AllocationRow.volume))
            .where(t.AllocationRow.decision_id == decided["decision"]).group_by(t.AllocationRow.product_code)
        ).all()  # fmt: skip
    assert dict(volumes) == {"TWO12": 6720, "TWM01": 1140}


# -- a reached collective ceiling is steered by allocation (OP095) --------------------------------


def test_a_reached_collective_ceiling_stops_new_allocations_to_its_providers_and_only_to_them(
    engine: Engine, store: str
) -> None:
    from zorginkoop.domain.contracts import CeilingPolicy, CollectiveCeiling

    decision = decide(store)
    ceiling = CollectiveCeiling(
        "VRIJ", "Vrijgevestigden", Money.euros(2_300_000), 2021, frozenset({"C1"}), CeilingPolicy.REFUSE
    )
    with UnitOfWork(engine) as uow:
        uow.contracts.add_collective_ceilings([ceiling])
        uow.commit()

    def eligible() -> set[str]:
        listed = cli(store, "access", "allocate", decision, "-m", HOUTEN, "--model", "lekstroom-ozr", "--format",
                     "json")  # fmt: skip
        return {row["agb"] for row in as_json(listed)}

    assert {ALFA, GAMMA} <= eligible()  # below 100% nothing changes
    with engine.begin() as c:
        c.execute(t.CeilingNoticeRow.__table__.insert().values(
            ceiling_kind="collective", ceiling_key="VRIJ", year=2021, threshold=100,
            reached_at=datetime(2021, 6, 1), declaration_id=None))  # fmt: skip
    before = counts(engine)
    refused(allocate(store, decision, ALFA), "collective ceiling VRIJ", "contract manager")
    assert counts(engine) == before
    assert ALFA not in eligible() and GAMMA in eligible()
    ok(allocate(store, decision, GAMMA))  # a provider outside the ceiling is allocated as before
