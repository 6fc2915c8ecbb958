# SPDX-License-Identifier: EUPL-1.2
"""Properties of the decision framework that hold for every intake, not just the examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.product_models import (
    Indication,
    Intake,
    IntakeRefused,
    RefusalReason,
    ResultAreaMatrixModel,
    evaluate,
)

MODELS = load_models()
MATRIX = MODELS["lekstroom-2022"]
assert isinstance(MATRIX, ResultAreaMatrixModel)
AREA_IDS = [a.id for a in MATRIX.areas]
CIRCUMSTANCES = [c.id for c in MATRIX.aggravating]
MAX_MONTHS = {"ontwikkelen": 24, "behouden": 60}

matrix_intakes = st.builds(
    Intake,
    months=st.integers(min_value=-2, max_value=70),
    areas=st.lists(st.sampled_from([*AREA_IDS, "wonen"]), max_size=6).map(tuple),
    support_type=st.sampled_from(["behouden", "ontwikkelen"]),
    intensity=st.sampled_from(["gemiddeld", "plus", "plusplus"]),
    aggravating=st.lists(st.sampled_from(CIRCUMSTANCES), unique=True, max_size=4).map(tuple),
    start=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)


def expected_matrix_refusal(intake: Intake) -> RefusalReason | None:
    """The rules of seed 001 section 4d, restated independently of the implementation."""
    if not intake.areas:
        return RefusalReason.NO_AREAS
    if any(a not in AREA_IDS for a in intake.areas):
        return RefusalReason.UNKNOWN_AREA
    if len(set(intake.areas)) != len(intake.areas):
        return RefusalReason.DUPLICATE_AREA
    if set(intake.areas) == {"administratie-financien"}:
        return RefusalReason.AREA_ONLY_WITH_ANOTHER
    if intake.months < 1:
        return RefusalReason.MONTHS_BELOW_MINIMUM
    assert intake.support_type is not None
    if intake.months > MAX_MONTHS[intake.support_type]:
        return RefusalReason.MONTHS_ABOVE_MAXIMUM
    return None


def check_indication(indication: Indication, intake: Intake) -> None:
    assert indication.total == indication.monthly_tariff * intake.months + indication.add_ons_total
    months = [m.month for m in indication.evaluation_moments]
    assert months == sorted(set(months))
    assert all(1 <= m <= intake.months for m in months)
    assert months[-1] == intake.months
    if intake.start is not None:
        assert indication.period is not None
        assert all(
            m.on is not None and indication.period.contains(m.on) for m in indication.evaluation_moments
        )


@given(matrix_intakes)
def test_matrix_refuses_exactly_when_the_rules_say(intake: Intake) -> None:
    expected = expected_matrix_refusal(intake)
    try:
        indication = evaluate(MATRIX, intake)
    except IntakeRefused as refused:
        assert refused.reason is expected
        return
    assert expected is None
    check_indication(indication, intake)
    assert indication.add_ons == ()
    assert indication.total == indication.monthly_tariff * intake.months


@given(
    months=st.integers(min_value=1, max_value=60),
    hours=st.decimals(min_value=Decimal("0.25"), max_value=Decimal(40), places=2),
    intensity=st.sampled_from(["gemiddeld", "plus", "plusplus"]),
)
def test_hourly_total_is_monthly_rate_times_months(months: int, hours: Decimal, intensity: str) -> None:
    intake = Intake(months=months, intensity=intensity, hours_per_week=hours)
    check_indication(evaluate(MODELS["lekstroom-ozr"], intake), intake)


@given(
    months=st.integers(min_value=1, max_value=24),
    perspective=st.sampled_from(["ontwikkelen", "stabiliseren", "behouden"]),
    need=st.sampled_from(["zelfredzaamheid", "regie-en-structuur", "sociaal-netwerk", "participatie"]),
    intensity=st.sampled_from(["1", "2", "3"]),
    bandwidth=st.sampled_from(["laag", "midden", "hoog"]),
    modules=st.lists(
        st.sampled_from(["vervoer", "crisisbereikbaarheid", "gezinsondersteuning"]), unique=True
    ),
    start=st.none() | st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
)
def test_twente_total_is_budget_times_months_plus_modules(
    months: int,
    perspective: str,
    need: str,
    intensity: str,
    bandwidth: str,
    modules: list[str],
    start: date | None,
) -> None:
    intake = Intake(
        months=months,
        support_type=perspective,
        need=need,
        intensity=intensity,
        bandwidth=bandwidth,
        modules=tuple(modules),
        start=start,
    )
    check_indication(evaluate(MODELS["twente"], intake), intake)
