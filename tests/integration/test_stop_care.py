# SPDX-License-Identifier: EUPL-1.2
"""Stop care on SQLite and PostgreSQL: a provider's definitive 307 puts the allocation on the
stop worklist; the region ends it at the stop date with a 301 (at once, or when the back office
decides); declarations after the end come back 9308 (OP279/TR308); a removed 307 restores the
end it caused."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import Engine, select

from tests.conftest import ISTANDAARDEN
from tests.declaration_helpers import HOUTEN, line_for, write_323
from tests.stop_helpers import add_jeugd_allocation, seed_with_address, start_message, stop_message
from zorginkoop.adapters.db import tables as t
from zorginkoop.adapters.db.session import make_engine, upgrade
from zorginkoop.adapters.db.uow import UnitOfWork
from zorginkoop.adapters.istandaarden import read_message, validate_message, validate_with_xsd
from zorginkoop.domain.access import Scope
from zorginkoop.domain.care import Allocation, Decision, EvaluationMoment
from zorginkoop.domain.codes import Law
from zorginkoop.domain.periods import Period
from zorginkoop.domain.processing import ActivityKind
from zorginkoop.services import allocations, signals, stops
from zorginkoop.services.allocations import WorkflowError
from zorginkoop.services.declarations import process_file
from zorginkoop.services.exchange import import_message

NOW = datetime(2021, 6, 20, 9, 0)
STOP = date(2021, 6, 15)
ORIGINAL_END = date(2022, 6, 30)


def _import(engine: Engine, data: bytes, *, end_on_stop: bool = True, at: datetime = NOW) -> list[str]:
    outcome = import_message(UnitOfWork(engine), data, "test.xml", at, end_on_stop=end_on_stop)
    assert outcome.status == "processed"
    return [c for cs in outcome.codes.values() for c in cs]


def _allocation(engine: Engine, a: Allocation) -> Allocation:
    with UnitOfWork(engine) as uow:
        found = uow.workflow.allocation(HOUTEN, Law.WMO, a.number, purpose=ActivityKind.DECISION)
    assert found is not None
    return found


def _pending_301s(engine: Engine) -> list[bytes]:
    with UnitOfWork(engine) as uow:
        return [x.content for x in uow.messages.outbox("301", "pending", Law.WMO)]


def _reden_wijziging(content: bytes, number: int) -> tuple[str | None, date | None]:
    assert validate_message(content).valid
    if (ISTANDAARDEN / "iwmo-3.2" / "xsd").is_dir():
        assert validate_with_xsd(content, ISTANDAARDEN) == []
    (p,) = [
        p for p in read_message(content).bericht.client.toegewezen_producten if p.toewijzing_nummer == number
    ]
    return p.reden_wijziging, p.einddatum


def _worklist(engine: Engine, everything: bool = True) -> list[dict[str, object]]:
    return stops.stop_worklist(UnitOfWork(engine, Scope.municipality(HOUTEN)), everything=everything)


def _codes_325(answer: Path) -> dict[str, list[str]]:
    root = etree.parse(str(answer)).getroot()
    return {
        next(p.iter("{*}ReferentieNummer")).text: [c.text for c in p.find("{*}RetourCodes")]
        for p in root.iter("{*}Prestatie")
    }


def test_a_definitive_stop_ends_the_allocation_at_the_stop_date_and_later_care_is_not_paid(
    engine: Engine, tmp_path: Path
) -> None:
    (a,) = seed_with_address(engine)
    assert _import(engine, start_message(a, "S1")) == []
    assert _import(engine, stop_message(a, "T1", STOP, "19")) == []

    ended = _allocation(engine, a)
    assert ended.valid == Period(a.valid.start, STOP)
    assert ended.change_reason is not None and ended.change_reason.value == "05"  # 19 pairs with none
    (content,) = _pending_301s(engine)
    assert _reden_wijziging(content, a.number) == ("05", STOP)
    (item,) = _worklist(engine)
    assert (item["status"], item["proposed_end"], item["previous_end"]) == ("ended", STOP, ORIGINAL_END)
    assert _worklist(engine, everything=False) == []

    july = [line_for(a, "J1", Period.month(2021, 7), hours=4)]
    result = process_file(engine, write_323(tmp_path / "in" / "july.xml", july, period=Period.month(2021, 7),
                                            identification="M7", number="D7"), tmp_path / "out")  # fmt: skip
    assert result.answer is not None and result.approved == 0
    # TR308: the ProductPeriode ends after the allocation (outside it no volume is left either: 9321)
    assert "9308" in _codes_325(result.answer)["J1"]
    may = [line_for(a, "M1", Period.month(2021, 5), hours=4)]
    paid = process_file(engine, write_323(tmp_path / "in" / "may.xml", may, period=Period.month(2021, 5),
                                          identification="M5", number="D5"), tmp_path / "out")  # fmt: skip
    assert paid.approved == 1  # care before the stop is paid as before


def test_a_temporary_stop_leaves_the_allocation_and_the_worklist_alone(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S1"))
    assert _import(engine, stop_message(a, "T1", STOP, "20")) == []
    assert _allocation(engine, a).valid.end == ORIGINAL_END
    assert _worklist(engine) == [] and _pending_301s(engine) == []


def test_the_stop_reason_chooses_the_reden_wijziging_of_the_301(engine: Engine) -> None:
    a, b = seed_with_address(engine, 2)
    for x, ident in ((a, "S1"), (b, "S2")):
        _import(engine, start_message(x, ident))
    _import(engine, stop_message(a, "T1", STOP, "02"))  # overlijden -> 02 client overleden
    _import(engine, stop_message(b, "T2", STOP, "38"))  # overstap -> 09 overstap naar andere aanbieder
    assert _allocation(engine, a).change_reason.value == "02"  # type: ignore[union-attr]
    assert _allocation(engine, b).change_reason.value == "09"  # type: ignore[union-attr]
    by_number = {}
    for content in _pending_301s(engine):
        for p in read_message(content).bericht.client.toegewezen_producten:
            by_number[p.toewijzing_nummer] = p.reden_wijziging
    assert by_number == {a.number: "02", b.number: "09"}


def test_with_the_setting_off_the_stop_waits_until_the_back_office_ends_it(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S1"), end_on_stop=False)
    _import(engine, stop_message(a, "T1", STOP, "21"), end_on_stop=False)
    assert _allocation(engine, a).valid.end == ORIGINAL_END and _pending_301s(engine) == []
    (item,) = _worklist(engine, everything=False)
    assert (item["status"], item["proposed_end"], item["reden_wijziging"]) == ("open", STOP, "05")

    other = UnitOfWork(engine, Scope.municipality("0356"))
    with pytest.raises(WorkflowError, match="no stop worklist item"):
        stops.end_stop(other, int(item["item"]), NOW)  # type: ignore[call-overload]
    done = stops.end_stop(UnitOfWork(engine, Scope.municipality(HOUTEN)), item["item"], NOW)  # type: ignore[arg-type]
    assert done["status"] == "ended"
    assert _allocation(engine, a).valid.end == STOP
    (content,) = _pending_301s(engine)
    assert _reden_wijziging(content, a.number) == ("05", STOP)
    with pytest.raises(WorkflowError, match="not open"):
        stops.dismiss_stop(UnitOfWork(engine, Scope.municipality(HOUTEN)), item["item"], NOW)  # type: ignore[arg-type]


def test_a_dismissed_stop_keeps_the_allocation(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S1"), end_on_stop=False)
    _import(engine, stop_message(a, "T1", STOP, "22"), end_on_stop=False)
    (item,) = _worklist(engine)
    done = stops.dismiss_stop(
        UnitOfWork(engine, Scope.municipality(HOUTEN)), item["item"], NOW, "zorg loopt door"
    )  # type: ignore[arg-type]
    assert (done["status"], done["note"]) == ("dismissed", "zorg loopt door")
    assert _allocation(engine, a).valid.end == ORIGINAL_END and _pending_301s(engine) == []
    assert _worklist(engine, everything=False) == []


def test_a_removed_stop_restores_the_end_it_caused_with_an_administrative_correction(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S1"))
    _import(engine, stop_message(a, "T1", STOP, "19"))
    assert _allocation(engine, a).valid.end == STOP
    later = datetime(2021, 6, 21, 9, 0)
    assert _import(engine, stop_message(a, "T2", STOP, "19", status="3"), at=later) == []

    restored = _allocation(engine, a)
    assert restored.valid.end == ORIGINAL_END
    assert restored.change_reason is not None and restored.change_reason.value == "14"
    ending, restoring = _pending_301s(engine)
    assert _reden_wijziging(ending, a.number) == ("05", STOP)
    assert _reden_wijziging(restoring, a.number) == ("14", ORIGINAL_END)
    (item,) = _worklist(engine)
    assert item["status"] == "restored"
    # the provider may stop again, for good this time
    assert _import(engine, stop_message(a, "T3", date(2021, 6, 30), "19"), at=later) == []
    assert _allocation(engine, a).valid.end == date(2021, 6, 30)


def test_a_removed_stop_closes_an_open_item_and_leaves_a_changed_allocation_alone(engine: Engine) -> None:
    a, b = seed_with_address(engine, 2)
    _import(engine, start_message(a, "S1"), end_on_stop=False)
    _import(engine, stop_message(a, "T1", STOP, "19"), end_on_stop=False)
    _import(engine, stop_message(a, "T2", STOP, "19", status="3"), end_on_stop=False)
    (item,) = _worklist(engine)
    assert item["status"] == "withdrawn" and _allocation(engine, a).valid.end == ORIGINAL_END

    _import(engine, start_message(b, "S2"))
    _import(engine, stop_message(b, "T3", STOP, "19"))
    with UnitOfWork(engine) as uow:  # the back office shortened it again since
        uow.session.execute(
            t.AllocationRow.__table__.update()
            .where(t.AllocationRow.number == b.number)
            .values(valid_to=date(2021, 6, 10))
        )
        uow.commit()
    _import(engine, stop_message(b, "T4", STOP, "19", status="3"))
    assert _allocation(engine, b).valid.end == date(2021, 6, 10)
    second = [i for i in _worklist(engine) if i["toewijzing_nummer"] == b.number]
    assert [i["status"] for i in second] == ["withdrawn"] and "changed since" in str(second[0]["note"])


def test_reading_the_worklist_is_logged(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S1"))
    _import(engine, stop_message(a, "T1", STOP, "19"))
    _worklist(engine)
    with UnitOfWork(engine) as uow:
        actions = uow.session.scalars(
            select(t.ProcessingLogEntryRow.operation).where(
                t.ProcessingLogEntryRow.activity_id == "exchange.wmo"
            )
        ).all()
    assert "stop_worklist.list" in actions


def test_evaluations_after_the_end_of_stopped_care_are_no_longer_signalled(engine: Engine) -> None:
    (a,) = seed_with_address(engine)
    moments = (
        EvaluationMoment(date(2021, 6, 1), "evaluatie juni"),
        EvaluationMoment(date(2021, 9, 30), "eind"),
    )
    with UnitOfWork(engine) as uow:
        uow.decisions.add_all([Decision("B-1", a.client_bsn, HOUTEN, Law.WMO, date(2020, 12, 1), a.valid, "OZR1",
                                        evaluation_moments=moments)])  # fmt: skip
        uow.session.execute(
            t.AllocationRow.__table__.update()
            .where(t.AllocationRow.number == a.number)
            .values(decision_id="B-1")
        )
        uow.commit()

    def due() -> list[date]:
        rows = signals.evaluations_due(UnitOfWork(engine, Scope.municipality(HOUTEN)), date(2021, 5, 25), 200)
        return [r["due"] for r in rows]

    assert due() == [date(2021, 6, 1), date(2021, 9, 30)]
    _import(engine, start_message(a, "S1"))
    _import(engine, stop_message(a, "T1", STOP, "19"))
    assert due() == [date(2021, 6, 1)]  # care ran on 1 June; nothing runs on 30 September


@pytest.mark.parametrize(("reason", "expected"), [("34", "14"), ("35", "07")])
def test_a_jeugd_stop_ends_with_the_jz002_reason_in_an_xsd_valid_jw301(
    engine: Engine, reason: str, expected: str
) -> None:
    (wmo,) = seed_with_address(engine)
    a = add_jeugd_allocation(engine, wmo)
    assert _import(engine, start_message(a, "JS1")) == []
    assert _import(engine, stop_message(a, "JT1", STOP, reason)) == []
    ended = _allocation_of(engine, a)
    assert (
        ended.valid.end == STOP and ended.change_reason is not None and ended.change_reason.value == expected
    )
    with UnitOfWork(engine) as uow:
        (content,) = [x.content for x in uow.messages.outbox("301", "pending", Law.JEUGD)]
    assert content.startswith(b"<?xml") and b"jw301" in content
    assert validate_message(content).valid
    if (ISTANDAARDEN / "ijw-3.2" / "xsd").is_dir():
        assert validate_with_xsd(content, ISTANDAARDEN) == []
    (p,) = read_message(content).bericht.client.toegewezen_producten
    assert (p.toewijzing_nummer, p.reden_wijziging, p.einddatum) == (a.number, expected, STOP)
    assert _allocation(engine, wmo).valid.end == ORIGINAL_END  # the Wmo allocation is not touched


def _allocation_of(engine: Engine, a: Allocation) -> Allocation:
    with UnitOfWork(engine) as uow:
        found = uow.workflow.allocation(HOUTEN, a.law, a.number, purpose=ActivityKind.DECISION)
    assert found is not None
    return found


stops_and_removals = st.lists(
    st.one_of(
        st.tuples(st.just("stop"), st.sampled_from(["19", "20", "02", "38"]), st.integers(0, 600)),
        st.tuples(st.just("remove"), st.just(""), st.just(0)),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=stops_and_removals)
def test_any_sequence_of_stops_and_removals_leaves_the_end_the_current_definitive_stop_gives(
    tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, str, int]]
) -> None:
    """Whatever the provider sends and removes, in any order: the allocation ends at the stop
    date of its current definitive stop when that lies before its own end, else at its own end;
    and every change went out in a 301."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('seq') / 'store.sqlite'}")
    upgrade(engine)
    (a,) = seed_with_address(engine)
    _import(engine, start_message(a, "S0"))
    last_end: date | None = None
    for i, (kind, reason, offset) in enumerate(ops):
        if kind == "stop":
            last_end = date(2021, 1, 4) + timedelta(days=offset)
            _import(engine, stop_message(a, f"T{i}", last_end, reason))
        else:
            _import(engine, stop_message(a, f"T{i}", last_end or date(2021, 6, 1), "19", status="3"))
    with UnitOfWork(engine) as uow:
        current = [
            e for _, e in uow.deliveries.events(HOUTEN, Law.WMO, a.number) if e.current and e.end_reason
        ]
    definitive = [e.end_date for e in current if e.end_reason != "20" and e.end_date is not None]
    expected = min([ORIGINAL_END, *definitive])
    ended = _allocation(engine, a)
    assert ended.valid.end == expected
    contents = _pending_301s(engine)
    ends = [_reden_wijziging(c, a.number)[1] for c in contents]
    assert (ends[-1] if ends else ORIGINAL_END) == expected  # the provider was told the last end
    engine.dispose()


def test_a_stop_that_ends_an_allocation_over_paid_months_lists_those_lines_to_be_credited(
    engine: Engine, tmp_path: Path
) -> None:
    (a,) = seed_with_address(engine)
    may = [line_for(a, "M1", Period.month(2021, 5), hours=4)]
    paid = process_file(engine, write_323(tmp_path / "in" / "may.xml", may, period=Period.month(2021, 5),
                                          identification="M5", number="D5"), tmp_path / "out")  # fmt: skip
    assert paid.approved == 1
    # the provider reports, late, that care stopped at the end of April: May was paid already
    assert _import(engine, start_message(a, "S1")) == []
    assert _import(engine, stop_message(a, "T1", date(2021, 4, 30), "19")) == []
    assert _allocation(engine, a).valid.end == date(2021, 4, 30)
    (outside,) = allocations.outside_lines(UnitOfWork(engine, Scope.municipality(HOUTEN)))
    assert (outside.line.reference, outside.line.allocation_number, outside.open) == ("M1", a.number, True)
