# SPDX-License-Identifier: EUPL-1.2
"""Publications to test the OCDS writer with: a worked example and a hypothesis strategy that
generates any tender the writer accepts, at any stage."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from zorginkoop.domain.procurement.ocds import (
    AWARD_METHODS,
    PROCEDURES,
    Award,
    AwardStatus,
    Buyer,
    Contract,
    ContractStatus,
    Criterion,
    Lot,
    Product,
    Publication,
    Tenderer,
)

SOLE_TRADER = "Johanna Praktijkhoudster-Vrijgevestigd"


def lekstroom_sas() -> Publication:
    """A SAS tender at its contract stage: quality at fixed tariffs, one lot, three tenderers of
    which one is a free practitioner (a natural person) and one is refused."""
    basic = Product("02A01", "Begeleiding basis", "uur", 5230, 1200)
    special = Product("02A02", "Begeleiding specialistisch", "uur", 6540, 300)
    return Publication(
        buyer=Buyer("LEK", "Regio Lekstroom"),
        code="LEK-2022-WMO",
        title="Wmo individuele ondersteuning 2022",
        description="Individuele ondersteuning in één perceel",
        procedure="sas",
        award_method="quality",
        published=date(2021, 9, 1),
        registration_opens=date(2021, 9, 1),
        registration_closes=date(2021, 10, 1),
        lots=(Lot("1", "Individuele ondersteuning", (basic, special), value_cents=9_876_543_21),),
        criteria=(
            Criterion("K1", "Kwaliteit van de ondersteuning", "quality", 60, Decimal("5.5")),
            Criterion("K2", "Samenwerking in de wijk", "quality", 40),
        ),
        minimum_total=Decimal(60),
        contract_start=date(2022, 1, 1),
        contract_end=date(2023, 12, 31),
        contract_max_end=date(2025, 12, 31),
        standstill_days=10,
        tenderers=(
            Tenderer("12345678", "Zorggroep Lek BV", kvk="87654321"),
            Tenderer("23456789", SOLE_TRADER, natural_person=True),
            Tenderer("34567890", "Nieuwkomer Zorg BV"),
        ),
        awards=(
            Award("1", "12345678", AwardStatus.ACTIVE, date(2021, 11, 15)),
            Award("1", "23456789", AwardStatus.ACTIVE, date(2021, 11, 15)),
        ),
        contracts=(
            Contract(
                "1",
                "12345678",
                ContractStatus.ACTIVE,
                date(2022, 1, 1),
                date(2023, 12, 31),
                date(2021, 11, 26),
                (basic, special),
                date(2025, 12, 31),
            ),
            Contract(
                "1",
                "23456789",
                ContractStatus.ACTIVE,
                date(2022, 1, 1),
                date(2023, 12, 31),
                date(2021, 11, 26),
                (basic,),
                date(2025, 12, 31),
                12_000_00,
            ),
        ),
    )


_names = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1, max_size=40
).filter(str.strip)
_codes = st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,9}", fullmatch=True)
_days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))
_cents = st.integers(min_value=0, max_value=10**12)


@st.composite
def _criteria(draw: st.DrawFn, method: str, procedure: str) -> tuple[Criterion, ...]:
    if procedure == "open-house" or method == "lowest-price":
        return ()
    kinds = ["price"] if method == "emvi" else []
    kinds += ["quality"] * draw(st.integers(1 if method == "emvi" else 0, 4))
    if not kinds:
        return ()
    # weights: positive whole points adding up to 100
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=len(kinds) - 1, max_size=len(kinds) - 1)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    minimum = st.none() | st.decimals(min_value=0, max_value=10, places=1)
    return tuple(
        Criterion(f"C{i}", draw(_names), kind, weight, draw(minimum) if kind == "quality" else None)
        for i, (kind, weight) in enumerate(zip(kinds, weights, strict=True))
    )


@st.composite
def publications(draw: st.DrawFn) -> Publication:
    """Any tender the writer accepts, at any stage, with natural persons among its tenderers."""
    procedure = draw(st.sampled_from(sorted(PROCEDURES)))
    method = draw(st.sampled_from(sorted(AWARD_METHODS)))
    opens = draw(_days)
    closes = (
        None
        if procedure == "open-house" and draw(st.booleans())
        else opens + timedelta(days=draw(st.integers(0, 90)))
    )
    lot_codes = draw(
        st.lists(st.from_regex(r"[0-9A-Z]{1,3}", fullmatch=True), min_size=1, max_size=3, unique=True)
    )
    product_codes = st.lists(
        st.from_regex(r"[0-9]{2}[A-Z][0-9]{2}", fullmatch=True), min_size=1, max_size=4, unique=True
    )
    fixed = method == "quality"
    lots = tuple(
        Lot(
            code,
            draw(_names),
            tuple(
                Product(
                    p,
                    draw(_names),
                    draw(st.sampled_from(["", "uur", "etmaal", "stuks"])),
                    draw(_cents) if fixed else None,
                    draw(st.none() | st.integers(0, 10**6)),
                )
                for p in draw(product_codes)
            ),
            draw(st.none() | _cents),
        )
        for code in lot_codes
    )
    stage = draw(st.sampled_from(["tender", "award", "contract"]))  # each stage as often
    agbs = draw(
        st.lists(
            st.from_regex(r"[0-9]{8}", fullmatch=True),
            min_size=int(stage != "tender"),
            max_size=6,
            unique=True,
        )
    )
    tenderers = tuple(
        Tenderer(
            agb,
            f"Persoon{agb}{draw(st.from_regex(r'[a-z]{6}', fullmatch=True))}" if natural else draw(_names),
            natural,
            None if natural else draw(st.none() | st.from_regex(r"[0-9]{8}", fullmatch=True)),
        )
        for agb in agbs
        for natural in [draw(st.booleans())]
    )
    pairs = [(lot.code, t.agb) for lot in lots for t in tenderers]
    awarded = (
        draw(st.lists(st.sampled_from(pairs), unique=True, min_size=1, max_size=8))
        if stage != "tender"
        else []
    )
    award_day = opens + timedelta(days=draw(st.integers(0, 120)))
    final = stage == "contract" or draw(st.booleans())
    awards = tuple(
        Award(
            lot,
            agb,
            AwardStatus.ACTIVE if final else AwardStatus.PENDING,
            award_day,
            draw(st.none() | _cents),
        )
        for lot, agb in awarded
    )
    start = award_day + timedelta(days=draw(st.integers(1, 90)))
    end = draw(st.none() | st.just(start + timedelta(days=draw(st.integers(0, 2000)))))
    contracted = (
        draw(st.lists(st.sampled_from(awarded), unique=True, min_size=1)) if stage == "contract" else []
    )
    lot_of = {lot.code: lot for lot in lots}
    contracts = tuple(
        Contract(
            lot,
            agb,
            draw(st.sampled_from(list(ContractStatus))),
            start,
            end,
            award_day + timedelta(days=draw(st.integers(0, 30))),
            tuple(
                Product(p.code, p.name, p.unit, draw(_cents) if p.tariff_cents is None else p.tariff_cents)
                for p in lot_of[lot].products
            ),
            None if end is None else end + timedelta(days=draw(st.integers(0, 730))),
            draw(st.none() | _cents),
        )
        for lot, agb in contracted
    )
    return Publication(
        buyer=Buyer(draw(_codes), draw(_names)),
        code=draw(_codes),
        title=draw(_names),
        procedure=procedure,
        award_method=method,
        published=opens,
        registration_opens=opens,
        registration_closes=closes,
        lots=lots,
        criteria=draw(_criteria(method, procedure)),
        minimum_total=draw(st.none() | st.decimals(min_value=0, max_value=100, places=1)),
        contract_start=start,
        contract_end=end,
        standstill_days=draw(st.integers(0, 30)),
        tenderers=tenderers,
        awards=awards,
        contracts=contracts,
        cancelled=draw(st.booleans()) and not awards,
    )
