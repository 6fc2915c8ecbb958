# SPDX-License-Identifier: EUPL-1.2
"""The decision framework: each kind of product model weighs an intake into an indication."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.money import Money
from zorginkoop.domain.product_models import (
    HourlyModel,
    Indication,
    Intake,
    IntakeRefused,
    Intensity,
    ModelDefinitionError,
    PerspectiveBudgetModel,
    RefusalReason,
    ResultAreaMatrixModel,
    SupportType,
    evaluate,
    evaluate_family,
    evaluation_moments,
    shadow_evaluate,
)

MODELS = load_models()
MATRIX = MODELS["lekstroom-2022"]
HOURLY = MODELS["lekstroom-ozr"]
TWENTE = MODELS["twente"]
assert isinstance(MATRIX, ResultAreaMatrixModel)
assert isinstance(HOURLY, HourlyModel)
assert isinstance(TWENTE, PerspectiveBudgetModel)

AREAS = (
    "zelfzorg-gezondheid",
    "regelvermogen-structuur",
    "administratie-financien",
    "sociaal-functioneren",
    "daginvulling-zingeving",
)


def matrix_intake(**changes: object) -> Intake:
    base = Intake(months=12, areas=AREAS[:2], support_type="ontwikkelen", intensity="gemiddeld")
    return replace(base, **changes)  # type: ignore[arg-type]


def refusal(model: object, intake: Intake) -> RefusalReason:
    with pytest.raises(IntakeRefused) as caught:
        evaluate(model, intake)  # type: ignore[arg-type]
    assert caught.value.message_nl and caught.value.message_en
    return caught.value.reason


# -- result-area matrix: refusals --------------------------------------------------------------


def test_administratie_financien_alone_is_refused() -> None:
    assert (
        refusal(MATRIX, matrix_intake(areas=("administratie-financien",)))
        is RefusalReason.AREA_ONLY_WITH_ANOTHER
    )


def test_administratie_financien_with_another_area_is_indicated() -> None:
    indication = evaluate(MATRIX, matrix_intake(areas=("administratie-financien", "zelfzorg-gezondheid")))
    assert indication.product_code == "02O11"


def test_no_areas_is_refused() -> None:
    assert refusal(MATRIX, matrix_intake(areas=())) is RefusalReason.NO_AREAS


def test_unknown_area_is_refused() -> None:
    assert refusal(MATRIX, matrix_intake(areas=("wonen",))) is RefusalReason.UNKNOWN_AREA


def test_duplicate_area_is_refused() -> None:
    assert refusal(MATRIX, matrix_intake(areas=(AREAS[0], AREAS[0]))) is RefusalReason.DUPLICATE_AREA


def test_ontwikkelen_beyond_24_months_is_refused() -> None:
    assert refusal(MATRIX, matrix_intake(months=25)) is RefusalReason.MONTHS_ABOVE_MAXIMUM
    assert evaluate(MATRIX, matrix_intake(months=24)).months == 24


def test_behouden_beyond_60_months_is_refused() -> None:
    behouden = matrix_intake(support_type="behouden")
    assert refusal(MATRIX, replace(behouden, months=61)) is RefusalReason.MONTHS_ABOVE_MAXIMUM
    assert evaluate(MATRIX, replace(behouden, months=60)).duration_class == "5-jaar"


@pytest.mark.parametrize("months", [0, -3])
def test_months_below_one_are_refused(months: int) -> None:
    assert refusal(MATRIX, matrix_intake(months=months)) is RefusalReason.MONTHS_BELOW_MINIMUM


def test_missing_or_unknown_type_and_intensity_are_refused() -> None:
    assert refusal(MATRIX, matrix_intake(support_type=None)) is RefusalReason.MISSING_TYPE
    assert refusal(MATRIX, matrix_intake(support_type="herstellen")) is RefusalReason.UNKNOWN_TYPE
    assert refusal(MATRIX, matrix_intake(intensity="extreem")) is RefusalReason.UNKNOWN_INTENSITY


def test_unknown_or_repeated_aggravating_circumstance_is_refused() -> None:
    assert refusal(MATRIX, matrix_intake(aggravating=("pech",))) is RefusalReason.UNKNOWN_AGGRAVATING
    twice = ("zorgmijding", "zorgmijding")
    assert refusal(MATRIX, matrix_intake(aggravating=twice)) is RefusalReason.DUPLICATE_AGGRAVATING


def test_refusal_message_is_bilingual() -> None:
    with pytest.raises(IntakeRefused) as caught:
        evaluate(MATRIX, matrix_intake(months=30))
    assert "24" in caught.value.message_nl and "24" in caught.value.message_en
    assert isinstance(caught.value, ValueError)


# -- result-area matrix: cells, bands, intensity -----------------------------------------------


def test_cell_lookup_gives_product_and_all_in_monthly_tariff() -> None:
    indication = evaluate(MATRIX, matrix_intake(areas=AREAS, support_type="behouden", intensity="plusplus"))
    assert indication.product_code == "02B33"
    assert indication.monthly_tariff == Money.euros("1225.00")


@pytest.mark.parametrize(
    ("count", "band"),
    [(1, "1-2"), (2, "1-2"), (3, "3-4"), (4, "3-4"), (5, "5")],
)
def test_band_edges(count: int, band: str) -> None:
    indication = evaluate(MATRIX, matrix_intake(areas=AREAS[:count] if count > 1 else AREAS[:1]))
    expected = MATRIX.cell(band, SupportType.ONTWIKKELEN, Intensity.GEMIDDELD)
    assert indication.product_code == expected.product_code
    assert MATRIX.band_for(count).id == band


def test_tariffs_ascend_with_areas_and_intensity_and_ontwikkelen_costs_more() -> None:
    for support_type in SupportType:
        for band in ("1-2", "3-4", "5"):
            tariffs = [MATRIX.cell(band, support_type, i).monthly_tariff for i in Intensity]
            assert tariffs == sorted(tariffs) and len(set(tariffs)) == 3
        for intensity in Intensity:
            tariffs = [MATRIX.cell(b, support_type, intensity).monthly_tariff for b in ("1-2", "3-4", "5")]
            assert tariffs == sorted(tariffs) and len(set(tariffs)) == 3
    for cell in MATRIX.cells:
        if cell.support_type is SupportType.ONTWIKKELEN:
            assert (
                cell.monthly_tariff
                > MATRIX.cell(cell.band, SupportType.BEHOUDEN, cell.intensity).monthly_tariff
            )


def test_each_aggravating_circumstance_raises_intensity_one_step() -> None:
    one = evaluate(MATRIX, matrix_intake(aggravating=("verminderd-regelvermogen",)))
    two = evaluate(MATRIX, matrix_intake(aggravating=("verminderd-regelvermogen", "gevaar-zelf-of-anderen")))
    assert one.intensity is Intensity.PLUS
    assert two.intensity is Intensity.PLUSPLUS
    assert any("verzwarende omstandigheden" in step for step in one.explanation)


def test_aggravating_circumstances_cap_at_plusplus() -> None:
    three = ("verminderd-regelvermogen", "gevaar-zelf-of-anderen", "zorgmijding")
    indication = evaluate(MATRIX, matrix_intake(intensity="plus", aggravating=three))
    assert indication.intensity is Intensity.PLUSPLUS
    assert indication.product_code == "02O13"
    assert any("begrensd op plusplus" in step for step in indication.explanation)


def test_intensity_accepts_plus_signs_and_twente_numbers() -> None:
    assert Intensity.parse("++") is Intensity.PLUSPLUS
    assert Intensity.parse("2") is Intensity.PLUS
    assert Intensity.PLUS.raised(5) is Intensity.PLUSPLUS


def test_total_is_monthly_tariff_times_months_exactly() -> None:
    indication = evaluate(MATRIX, matrix_intake(months=17, areas=AREAS[:3], intensity="plus"))
    assert indication.total == indication.monthly_tariff * 17 == Money.euros("650.00") * 17


def test_duration_classes() -> None:
    assert evaluate(MATRIX, matrix_intake(months=6)).duration_class == "korter-dan-1-jaar"
    assert evaluate(MATRIX, matrix_intake(months=12)).duration_class == "1-jaar"
    assert evaluate(MATRIX, matrix_intake(months=13)).duration_class == "2-jaar"


# -- evaluation moments ------------------------------------------------------------------------


def test_ontwikkelen_is_evaluated_every_six_months_and_at_the_end() -> None:
    indication = evaluate(MATRIX, matrix_intake(months=15, start=date(2024, 1, 1)))
    assert [m.month for m in indication.evaluation_moments] == [6, 12, 15]
    assert [m.on for m in indication.evaluation_moments] == [
        date(2024, 6, 30),
        date(2024, 12, 31),
        date(2025, 3, 31),
    ]
    assert indication.period is not None and indication.period.end == date(2025, 3, 31)
    assert [m.is_final for m in indication.evaluation_moments] == [False, False, True]


def test_behouden_is_evaluated_yearly() -> None:
    indication = evaluate(MATRIX, matrix_intake(support_type="behouden", months=60))
    assert [m.month for m in indication.evaluation_moments] == [12, 24, 36, 48, 60]
    assert all(m.on is None for m in indication.evaluation_moments)


def test_short_indication_is_evaluated_at_the_end_only() -> None:
    assert [m.month for m in evaluation_moments(3, 6)] == [3]


# -- hourly (legacy OZR) -----------------------------------------------------------------------


def test_ozr_monthly_rate_is_hours_times_tariff_times_thirteen_thirds() -> None:
    indication = evaluate(HOURLY, Intake(months=12, intensity="plus", hours_per_week=Decimal(3)))
    assert indication.product_code == "OZR2"
    # 3 h x 57.40 x 13/3 = 746.20
    assert indication.monthly_tariff == Money.euros("746.20")
    assert indication.total == Money.euros("746.20") * 12


def test_ozr_intensity_maps_to_levels_and_explicit_product_wins() -> None:
    codes = [
        evaluate(HOURLY, Intake(months=1, intensity=i, hours_per_week=Decimal(1))).product_code
        for i in ("gemiddeld", "plus", "plusplus")
    ]
    assert codes == ["OZR1", "OZR2", "OZR3"]
    explicit = Intake(months=1, intensity="gemiddeld", product_code="OZR3", hours_per_week=Decimal(1))
    assert evaluate(HOURLY, explicit).product_code == "OZR3"


def test_ozr_refusals() -> None:
    assert refusal(HOURLY, Intake(months=12)) is RefusalReason.MISSING_HOURS
    assert refusal(HOURLY, Intake(months=12, hours_per_week=Decimal(0))) is RefusalReason.HOURS_OUT_OF_RANGE
    assert refusal(HOURLY, Intake(months=12, hours_per_week=Decimal(41))) is RefusalReason.HOURS_OUT_OF_RANGE
    unknown = Intake(months=12, product_code="OZR9", hours_per_week=Decimal(2))
    assert refusal(HOURLY, unknown) is RefusalReason.UNKNOWN_PRODUCT


# -- Twente ------------------------------------------------------------------------------------


def twente_intake(**changes: object) -> Intake:
    base = Intake(months=12, support_type="ontwikkelen", need="zelfredzaamheid", intensity="2")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_twente_budget_times_duration() -> None:
    indication = evaluate(TWENTE, twente_intake())
    assert indication.product_code == "TWO12"
    assert indication.monthly_tariff == Money.euros("560.00")
    assert indication.total == Money.euros("6720.00")


def test_twente_bandwidth_scales_the_budget_rounded_once() -> None:
    laag = evaluate(TWENTE, twente_intake(bandwidth="laag"))
    hoog = evaluate(TWENTE, twente_intake(bandwidth="hoog"))
    assert laag.monthly_tariff == Money.euros("476.00")  # 560 x 0.85
    assert hoog.monthly_tariff == Money.euros("644.00")  # 560 x 1.15


def test_twente_modules_are_added_per_month_or_once() -> None:
    indication = evaluate(TWENTE, twente_intake(modules=("vervoer", "gezinsondersteuning")))
    assert indication.add_ons_total == Money.euros("95.00") * 12 + Money.euros("650.00")
    assert indication.total == Money.euros("560.00") * 12 + indication.add_ons_total


def test_twente_maps_behouden_to_stabiliseren_and_areas_to_a_need() -> None:
    indication = evaluate(TWENTE, Intake(months=24, support_type="behouden", areas=("sociaal-functioneren",)))
    assert indication.product_code == "TWS31"
    assert any("opgegeven als behouden" in step for step in indication.explanation)


def test_twente_refusals() -> None:
    assert refusal(TWENTE, twente_intake(support_type=None)) is RefusalReason.MISSING_TYPE
    assert refusal(TWENTE, twente_intake(support_type="herstel")) is RefusalReason.UNKNOWN_TYPE
    assert refusal(TWENTE, twente_intake(need="wonen")) is RefusalReason.UNKNOWN_NEED
    assert refusal(TWENTE, twente_intake(need=None)) is RefusalReason.MISSING_NEED
    assert refusal(TWENTE, twente_intake(bandwidth="extra")) is RefusalReason.UNKNOWN_BANDWIDTH
    assert refusal(TWENTE, twente_intake(modules=("taxi",))) is RefusalReason.UNKNOWN_MODULE
    assert refusal(TWENTE, twente_intake(modules=("vervoer", "vervoer"))) is RefusalReason.DUPLICATE_MODULE
    assert refusal(TWENTE, twente_intake(months=25)) is RefusalReason.MONTHS_ABOVE_MAXIMUM
    assert evaluate(TWENTE, twente_intake(support_type="stabiliseren", months=60)).months == 60


def test_family_indication_is_the_sum_of_its_results() -> None:
    results = [twente_intake(), twente_intake(need="participatie", intensity="1", modules=("vervoer",))]
    family = evaluate_family(TWENTE, results)
    assert len(family.results) == 2
    assert family.total == evaluate(TWENTE, results[0]).total + evaluate(TWENTE, results[1]).total
    assert family.explanation[-1].startswith("Gezin totaal")


def test_family_refusal_names_the_result() -> None:
    with pytest.raises(IntakeRefused) as caught:
        evaluate_family(TWENTE, [twente_intake(), twente_intake(need="wonen")])
    assert caught.value.reason is RefusalReason.UNKNOWN_NEED
    assert caught.value.message_en.startswith("result 2")
    with pytest.raises(IntakeRefused):
        evaluate_family(TWENTE, [])


# -- shadow run --------------------------------------------------------------------------------


def test_shadow_evaluation_shows_budget_effect_of_candidate_model() -> None:
    intakes = [
        matrix_intake(),
        matrix_intake(support_type="behouden", areas=("sociaal-functioneren",), months=24),
        matrix_intake(areas=("administratie-financien",)),  # refused by the matrix
    ]
    comparison = shadow_evaluate(MATRIX, TWENTE, intakes)
    assert len(comparison.cases) == 3
    assert len(comparison.comparable_cases) == 2
    assert len(comparison.refused_by_current) == 1
    first, second, _ = comparison.cases
    assert isinstance(first.current, Indication) and isinstance(first.candidate, Indication)
    assert comparison.current_total == first.current.total + second.current.total  # type: ignore[union-attr]
    assert comparison.difference == comparison.candidate_total - comparison.current_total
    assert first.difference == first.candidate.total - first.current.total
    assert comparison.change_percent is not None


def test_shadow_counts_refusals_of_the_candidate_apart() -> None:
    comparison = shadow_evaluate(MATRIX, HOURLY, [matrix_intake()])  # no hours: hourly model refuses
    assert comparison.comparable_cases == ()
    assert comparison.refused_by_candidate[0].candidate.reason is RefusalReason.MISSING_HOURS  # type: ignore[union-attr]
    assert comparison.current_total == Money.zero()
    assert comparison.change_percent is None


# -- model definitions guard their own rules ---------------------------------------------------


def test_matrix_without_a_cell_is_not_a_model() -> None:
    with pytest.raises(ModelDefinitionError, match="missing cell 5 areas / ontwikkelen / plusplus"):
        replace(MATRIX, cells=MATRIX.cells[:-1])


# -- the model names products, the catalogue prices them ---------------------------------------


def test_a_models_amounts_are_labelled_indicative_and_it_says_what_the_catalogue_prices() -> None:
    from zorginkoop.domain.codes import Frequency
    from zorginkoop.domain.product_models import INDICATIVE_NOTE

    hourly = evaluate(HOURLY, Intake(months=6, product_code="OZR1", hours_per_week=Decimal(3)))
    matrix = evaluate(MATRIX, matrix_intake())
    twente = evaluate(
        TWENTE, Intake(months=6, support_type="ontwikkelen", need="zelfredzaamheid", bandwidth="laag")
    )
    for indication in (hourly, matrix, twente):
        assert indication.explanation[-1] == INDICATIVE_NOTE
    # what a decision is priced with: so much of the product's catalogue unit per frequency
    assert (hourly.priced_volume, hourly.priced_frequency) == (Decimal(3), Frequency.PER_WEEK)
    assert (matrix.priced_volume, matrix.priced_frequency) == (Decimal(1), Frequency.PER_MAAND)
    assert (twente.priced_volume, twente.priced_frequency) == (Decimal("0.85"), Frequency.PER_MAAND)
