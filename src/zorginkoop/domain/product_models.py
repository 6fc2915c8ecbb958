# SPDX-License-Identifier: EUPL-1.2
"""Product models: the decision framework that turns an intake into an indication.

A product model is how a region describes what it buys. The *kinds* of model are code, their
*content* (result areas, cells, tariffs, durations, circumstances, needs, bands, modules) is data
that a region ships as a file (see ``adapters.model_files``). Three kinds exist:

- :class:`HourlyModel` (``hourly``): the legacy effort model of Lekstroom (OZR1 stimuleren en
  toezicht, OZR2 helpen bij, OZR3 overnemen en regie). Level x hours per week x hourly tariff,
  converted to a fixed monthly rate with 13/3 weeks a month (``financing.effort_monthly_rate``).
- :class:`ResultAreaMatrixModel` (``result-area-matrix``): the Lekstroom 2022 decision framework
  (seed 001, section 4d "Productindeling"): number of result areas (band) x type (behouden /
  ontwikkelen) x intensity (gemiddeld, +, ++; raised one step per named aggravating circumstance)
  gives one of 18 cells with an all-in monthly mix tariff; the type bounds the duration and sets
  the evaluation moments.
- :class:`PerspectiveBudgetModel` (``perspective-budget``): the Twente model: perspective
  (ontwikkelen / stabiliseren) x support need x intensity gives a budget per month, scaled by a
  bandwidth; budget x duration plus optional add-on modules is what the provider gets to reach
  the result. A family indication is the sum of several results (:func:`evaluate_family`).

:func:`evaluate` never guesses silently: an intake that breaks a rule raises
:class:`IntakeRefused` with a machine-readable :class:`RefusalReason`, and every choice made is
written into :attr:`Indication.explanation` for the consultant. :func:`shadow_evaluate` runs a
candidate model "behind the scenes" next to the current one to show its budget effect.

Money is rounded once: the hourly rate in ``effort_monthly_rate``, a Twente budget when the
bandwidth factor is applied. Every total is then exactly ``monthly_tariff x months + add-ons``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

from zorginkoop.domain.codes import FinancingVariant, Frequency, JeugdCategory, Law, Unit, WmoCategory
from zorginkoop.domain.financing import effort_monthly_rate
from zorginkoop.domain.money import Money
from zorginkoop.domain.periods import Period, add_months, period_of_months

PRODUCT_CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{1,5}$")
"""LDT_ProductCode of iWmo/iJw 3.2: one to five characters; we keep to letters and digits."""

UNITS_PER_VARIANT: dict[FinancingVariant, frozenset[Unit]] = {
    FinancingVariant.EFFORT: frozenset(
        {Unit.MINUUT, Unit.UUR, Unit.DAGDEEL, Unit.ETMAAL, Unit.STUKS_INSPANNING}
    ),
    FinancingVariant.OUTPUT: frozenset({Unit.STUKS_OUTPUT, Unit.EUROS}),
}
"""Units a specific allocation may carry per variant (reference/istandaarden/toewijzingsvarianten.md)."""


# -- errors ------------------------------------------------------------------------------------


class ModelDefinitionError(ValueError):
    """A model definition that breaks a rule of its kind; ``key_path`` points into the definition."""

    def __init__(self, key_path: str, problem: str) -> None:
        super().__init__(f"{key_path}: {problem}" if key_path else problem)
        self.key_path = key_path
        self.problem = problem


class RefusalReason(str, Enum):
    """Why an intake cannot be indicated; stable ids for workflows, logs and tests."""

    NO_AREAS = "no-areas"
    UNKNOWN_AREA = "unknown-area"
    DUPLICATE_AREA = "duplicate-area"
    AREA_ONLY_WITH_ANOTHER = "area-only-with-another"
    MISSING_TYPE = "missing-type"
    UNKNOWN_TYPE = "unknown-type"
    UNKNOWN_INTENSITY = "unknown-intensity"
    UNKNOWN_AGGRAVATING = "unknown-aggravating-circumstance"
    DUPLICATE_AGGRAVATING = "duplicate-aggravating-circumstance"
    MONTHS_BELOW_MINIMUM = "months-below-minimum"
    MONTHS_ABOVE_MAXIMUM = "months-above-maximum"
    MISSING_HOURS = "missing-hours-per-week"
    HOURS_OUT_OF_RANGE = "hours-per-week-out-of-range"
    UNKNOWN_PRODUCT = "unknown-product"
    MISSING_NEED = "missing-need"
    UNKNOWN_NEED = "unknown-need"
    MISSING_BANDWIDTH = "missing-bandwidth"
    UNKNOWN_BANDWIDTH = "unknown-bandwidth"
    UNKNOWN_MODULE = "unknown-module"
    DUPLICATE_MODULE = "duplicate-module"
    NO_RESULTS = "no-results"
    START_BEFORE_MODEL_VALID = "start-before-model-valid"
    START_AFTER_MODEL_VALID = "start-after-model-valid"


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused intake as plain data (for shadow runs and reports)."""

    reason: RefusalReason
    message_nl: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.message_nl} ({self.message_en})"


class IntakeRefused(ValueError):
    """The intake cannot be indicated under the model. ``reason`` is machine-readable."""

    def __init__(self, reason: RefusalReason, message_nl: str, message_en: str) -> None:
        self.refusal = Refusal(reason, message_nl, message_en)
        super().__init__(str(self.refusal))

    @property
    def reason(self) -> RefusalReason:
        return self.refusal.reason

    @property
    def message_nl(self) -> str:
        return self.refusal.message_nl

    @property
    def message_en(self) -> str:
        return self.refusal.message_en


# -- shared vocabulary -------------------------------------------------------------------------


class ModelKind(str, Enum):
    """The kinds of product model the code knows; a region's file picks one."""

    HOURLY = "hourly"
    RESULT_AREA_MATRIX = "result-area-matrix"
    PERSPECTIVE_BUDGET = "perspective-budget"


class Intensity(str, Enum):
    """Intensity of support: gemiddeld, + and ++ (Twente writes 1, 2, 3)."""

    GEMIDDELD = "gemiddeld"
    PLUS = "plus"
    PLUSPLUS = "plusplus"

    @property
    def level(self) -> int:
        """1, 2 or 3."""
        return _INTENSITY_ORDER.index(self) + 1

    def raised(self, steps: int) -> Intensity:
        """``steps`` higher, capped at plusplus: there is no intensity above ++."""
        return _INTENSITY_ORDER[min(len(_INTENSITY_ORDER), self.level + max(steps, 0)) - 1]

    @classmethod
    def parse(cls, text: str) -> Intensity:
        """``gemiddeld|plus|plusplus``, ``+``/``++`` or Twente's ``1|2|3``; ValueError otherwise."""
        key = text.strip().lower()
        aliases = {"1": cls.GEMIDDELD, "+": cls.PLUS, "2": cls.PLUS, "++": cls.PLUSPLUS, "3": cls.PLUSPLUS}
        if key in aliases:
            return aliases[key]
        try:
            return cls(key)
        except ValueError:
            raise ValueError(f"{text!r} is not an intensity (gemiddeld, plus, plusplus or 1, 2, 3)") from None


_INTENSITY_ORDER: tuple[Intensity, ...] = (Intensity.GEMIDDELD, Intensity.PLUS, Intensity.PLUSPLUS)


class SupportType(str, Enum):
    """Type of support in the result-area matrix (seed 001, step 2)."""

    BEHOUDEN = "behouden"
    ONTWIKKELEN = "ontwikkelen"


class ModuleCharge(str, Enum):
    """How an add-on module is charged: every month of the indication, or once."""

    PER_MONTH = "per-month"
    ONCE = "once"


@dataclass(frozen=True, slots=True)
class AllocationCoding:
    """How allocations produced by the model are coded in iWmo/iJw messages."""

    law: Law
    category: WmoCategory | JeugdCategory
    unit: Unit
    frequency: Frequency


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What every model states about itself, whatever its kind."""

    id: str
    name: str
    region: str
    kind: ModelKind
    valid_from: date
    financing_variant: FinancingVariant
    allocation: AllocationCoding
    description: str = ""
    valid_until: date | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.id):
            raise ModelDefinitionError("id", f"{self.id!r} must be lower-case letters, digits and dashes")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ModelDefinitionError("valid_until", "lies before valid_from")
        allowed = UNITS_PER_VARIANT.get(self.financing_variant)
        if allowed is not None and self.allocation.unit not in allowed:
            names = ", ".join(sorted(f"{u.value} {u.label}" for u in allowed))
            raise ModelDefinitionError(
                "allocation.unit",
                f"unit {self.allocation.unit.value} ({self.allocation.unit.label}) is not allowed for "
                f"{self.financing_variant.value} allocations (allowed: {names})",
            )


def check_model_valid_on(info: ModelInfo, start: date) -> None:
    """Refuse a decision starting outside the model's ``valid_from``/``valid_until`` (both
    included): a decision is taken under the framework in force when the care begins.

    Not part of :func:`evaluate`: a simulation or a shadow run weighs today's intakes with a
    model that is not in force yet, which is exactly what it is for.
    """
    if start < info.valid_from:
        raise IntakeRefused(
            RefusalReason.START_BEFORE_MODEL_VALID,
            f"Model {info.id} geldt pas vanaf {info.valid_from.isoformat()}; de beschikking begint "
            f"op {start.isoformat()}. Kies een latere startdatum of een model dat dan geldt.",
            f"model {info.id} is valid from {info.valid_from.isoformat()}, the decision starts "
            f"{start.isoformat()}; choose a later start or a model valid on that day",
        )
    if info.valid_until is not None and start > info.valid_until:
        raise IntakeRefused(
            RefusalReason.START_AFTER_MODEL_VALID,
            f"Model {info.id} geldt tot en met {info.valid_until.isoformat()}; de beschikking begint "
            f"op {start.isoformat()}. Kies een model dat dan geldt.",
            f"model {info.id} is valid until {info.valid_until.isoformat()}, the decision starts "
            f"{start.isoformat()}; choose a model valid on that day",
        )


@dataclass(frozen=True, slots=True)
class DurationRule:
    """How long an indication may run and how often it is evaluated (and always at the end)."""

    max_months: int
    evaluation_every_months: int
    average_months: int | None = None

    def check(self, key_path: str) -> None:
        if self.max_months < 1:
            raise ModelDefinitionError(f"{key_path}.max_months", "must be at least 1")
        if self.evaluation_every_months < 1:
            raise ModelDefinitionError(f"{key_path}.evaluation_every_months", "must be at least 1")
        if self.average_months is not None and not 1 <= self.average_months <= self.max_months:
            raise ModelDefinitionError(f"{key_path}.average_months", "must lie between 1 and max_months")


def _check_product_code(code: str, key_path: str) -> None:
    if not PRODUCT_CODE_PATTERN.match(code):
        raise ModelDefinitionError(key_path, f"product code {code!r} must be 1 to 5 letters or digits")


def _check_unique(ids: Sequence[str], key_path: str, what: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(ids):
        if item in seen:
            raise ModelDefinitionError(f"{key_path}[{index}]", f"duplicate {what} {item!r}")
        seen.add(item)


def _check_complete_grid(
    cells: Sequence[tuple[tuple[object, ...], str, str, Money, str]],
    axes: Sequence[tuple[str, Sequence[object]]],
    label: Callable[[tuple[object, ...]], str],
) -> None:
    """Every cell of a model's grid is defined once with a product code and a positive amount,
    and every combination of the axes has its cell (a provider must offer every cell).

    ``cells`` holds (key, display key, product code, amount, amount field) per cell; ``axes``
    the allowed values per key position with its name, for a clear error on an unknown one."""
    seen: dict[tuple[object, ...], int] = {}
    for index, (key, shown, product_code, amount, amount_field) in enumerate(cells):
        for position, (axis, allowed) in enumerate(axes):
            if key[position] not in allowed:
                raise ModelDefinitionError(f"cells[{index}].{axis}", f"unknown {axis} {key[position]!r}")
        if key in seen:
            raise ModelDefinitionError(
                f"cells[{index}]", f"cell {shown} is defined twice (also cells[{seen[key]}])"
            )
        seen[key] = index
        _check_product_code(product_code, f"cells[{index}].product_code")
        if amount.cents <= 0:
            raise ModelDefinitionError(f"cells[{index}].{amount_field}", "must be more than 0.00")
    _check_unique([c[2] for c in cells], "cells", "product code")
    for combination in itertools.product(*(allowed for _axis, allowed in axes)):
        if combination not in seen:
            raise ModelDefinitionError("cells", f"missing cell {label(combination)}")


# -- kind 1: hourly (legacy effort model) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HourlyProduct:
    code: str
    name: str
    intensity: Intensity
    hourly_tariff: Money


@dataclass(frozen=True, slots=True)
class HourlyModel:
    """Legacy effort model: a level per intensity, hours per week, an hourly tariff."""

    info: ModelInfo
    products: tuple[HourlyProduct, ...]
    max_hours_per_week: Decimal
    duration: DurationRule

    def __post_init__(self) -> None:
        if self.info.kind is not ModelKind.HOURLY:
            raise ModelDefinitionError("kind", f"an hourly model cannot have kind {self.info.kind.value}")
        _check_unique([p.code for p in self.products], "products", "product code")
        for index, product in enumerate(self.products):
            _check_product_code(product.code, f"products[{index}].code")
            if product.hourly_tariff.cents <= 0:
                raise ModelDefinitionError(f"products[{index}].hourly_tariff", "must be more than 0.00")
        # Every intensity must lead to exactly one level, or an intake could find no product.
        for intensity in Intensity:
            matching = [p.code for p in self.products if p.intensity is intensity]
            if len(matching) != 1:
                raise ModelDefinitionError(
                    "products",
                    f"intensity {intensity.value} must map to exactly one product, found {len(matching)}",
                )
        if self.max_hours_per_week <= 0:
            raise ModelDefinitionError("hours.max_per_week", "must be more than 0")
        self.duration.check("duration")

    @property
    def product_count(self) -> int:
        return len(self.products)


# -- kind 2: result-area matrix (Lekstroom 2022) -----------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultArea:
    id: str
    name: str
    only_with_another: bool = False


@dataclass(frozen=True, slots=True)
class AreaBand:
    """A column of the matrix: the number of result areas worked on at once."""

    id: str
    label: str
    min_areas: int
    max_areas: int


@dataclass(frozen=True, slots=True)
class AggravatingCircumstance:
    """A named circumstance (verzwarende omstandigheid); each raises intensity one step."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class DurationClass:
    """A named duration of the framework (<1 yr, 1 yr, 2 yr, 5 yr); the first that fits applies."""

    id: str
    label: str
    max_months: int


@dataclass(frozen=True, slots=True)
class SupportTypeRule:
    support_type: SupportType
    label: str
    duration: DurationRule


@dataclass(frozen=True, slots=True)
class MatrixCell:
    band: str
    support_type: SupportType
    intensity: Intensity
    product_code: str
    monthly_tariff: Money

    @property
    def key(self) -> str:
        return f"{self.band} areas / {self.support_type.value} / {self.intensity.value}"


@dataclass(frozen=True, slots=True)
class ResultAreaMatrixModel:
    """Bands of result areas x type x intensity = cells with an all-in monthly tariff."""

    info: ModelInfo
    areas: tuple[ResultArea, ...]
    bands: tuple[AreaBand, ...]
    support_types: tuple[SupportTypeRule, ...]
    aggravating: tuple[AggravatingCircumstance, ...]
    durations: tuple[DurationClass, ...]
    cells: tuple[MatrixCell, ...]

    def __post_init__(self) -> None:
        if self.info.kind is not ModelKind.RESULT_AREA_MATRIX:
            raise ModelDefinitionError("kind", f"a matrix model cannot have kind {self.info.kind.value}")
        if not self.areas:
            raise ModelDefinitionError("areas", "a matrix needs at least one result area")
        _check_unique([a.id for a in self.areas], "areas", "area id")
        if all(a.only_with_another for a in self.areas):
            raise ModelDefinitionError("areas", "every area is only_with_another: no intake could pass")
        _check_unique([a.id for a in self.aggravating], "aggravating", "circumstance id")
        self._check_bands()
        _check_unique([r.support_type.value for r in self.support_types], "types", "type")
        for support_type in SupportType:
            if not any(r.support_type is support_type for r in self.support_types):
                raise ModelDefinitionError("types", f"missing type {support_type.value}")
        for rule in self.support_types:
            rule.duration.check(f"types.{rule.support_type.value}")
        self._check_durations()
        self._check_cells()

    def _check_bands(self) -> None:
        # Bands must cover 1..number of areas without gaps or overlaps, so every count has a column.
        expected_min = 1
        for band in sorted(self.bands, key=lambda b: b.min_areas):
            if band.min_areas != expected_min or band.max_areas < band.min_areas:
                raise ModelDefinitionError(
                    "bands",
                    f"band {band.id!r} covers {band.min_areas}-{band.max_areas} areas; "
                    f"bands must follow each other from 1 (expected a band starting at {expected_min})",
                )
            expected_min = band.max_areas + 1
        if expected_min - 1 != len(self.areas):
            raise ModelDefinitionError(
                "bands", f"bands cover 1-{expected_min - 1} areas but the model has {len(self.areas)} areas"
            )
        _check_unique([b.id for b in self.bands], "bands", "band id")

    def _check_durations(self) -> None:
        if not self.durations:
            raise ModelDefinitionError("durations", "at least one duration class is needed")
        longest = max(r.duration.max_months for r in self.support_types)
        months = [d.max_months for d in self.durations]
        if months != sorted(months) or len(set(months)) != len(months):
            raise ModelDefinitionError("durations", "duration classes must ascend by max_months")
        if months[-1] < longest:
            raise ModelDefinitionError(
                "durations", f"the longest duration class ({months[-1]} months) is shorter than {longest}"
            )

    def _check_cells(self) -> None:
        # A provider must offer every cell (seed 001, Randvoorwaarden), so every cell must exist.
        _check_complete_grid(
            [
                (
                    (c.band, c.support_type, c.intensity),
                    c.key,
                    c.product_code,
                    c.monthly_tariff,
                    "monthly_tariff",
                )
                for c in self.cells
            ],
            [
                ("band", [b.id for b in self.bands]),
                ("type", list(SupportType)),
                ("intensity", list(Intensity)),
            ],
            lambda k: f"{k[0]} areas / {k[1].value} / {k[2].value}",  # type: ignore[attr-defined]
        )

    @property
    def product_count(self) -> int:
        return len(self.cells)

    def cell(self, band: str, support_type: SupportType, intensity: Intensity) -> MatrixCell:
        for cell in self.cells:
            if (cell.band, cell.support_type, cell.intensity) == (band, support_type, intensity):
                return cell
        raise KeyError(f"{band} / {support_type.value} / {intensity.value}")

    def band_for(self, area_count: int) -> AreaBand:
        for band in self.bands:
            if band.min_areas <= area_count <= band.max_areas:
                return band
        raise KeyError(area_count)

    def rule_for(self, support_type: SupportType) -> SupportTypeRule:
        return next(r for r in self.support_types if r.support_type is support_type)


# -- kind 3: perspective budget (Twente) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Perspective:
    """Ontwikkelen or stabiliseren; ``aliases`` let a generic intake say e.g. 'behouden'."""

    id: str
    label: str
    duration: DurationRule
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SupportNeed:
    """One of the support needs; ``areas`` name result areas that point to it when no need is given."""

    id: str
    name: str
    areas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bandwidth:
    """Where within the cell's budget the case lies: a factor on the budget (midden = 1)."""

    id: str
    label: str
    factor: Decimal


@dataclass(frozen=True, slots=True)
class BudgetCell:
    perspective: str
    need: str
    intensity: Intensity
    product_code: str
    monthly_budget: Money

    @property
    def key(self) -> str:
        return f"{self.perspective} / {self.need} / {self.intensity.value}"


@dataclass(frozen=True, slots=True)
class AddOnModule:
    id: str
    name: str
    charge: ModuleCharge
    amount: Money
    product_code: str | None = None
    """The module's own product code: with one, a decision keeps the module as a decided product
    of its own, allocated apart from the main product; without, it is folded into the total."""


@dataclass(frozen=True, slots=True)
class PerspectiveBudgetModel:
    """Perspective x need x intensity -> budget per month; x bandwidth x months + modules."""

    info: ModelInfo
    perspectives: tuple[Perspective, ...]
    needs: tuple[SupportNeed, ...]
    bandwidths: tuple[Bandwidth, ...]
    cells: tuple[BudgetCell, ...]
    modules: tuple[AddOnModule, ...] = ()
    default_bandwidth: str | None = None

    def __post_init__(self) -> None:
        if self.info.kind is not ModelKind.PERSPECTIVE_BUDGET:
            raise ModelDefinitionError("kind", f"a budget model cannot have kind {self.info.kind.value}")
        for key, items in (
            ("perspectives", self.perspectives),
            ("needs", self.needs),
            ("bandwidths", self.bandwidths),
        ):
            if not items:
                raise ModelDefinitionError(key, "at least one is needed")
        _check_unique([p.id for p in self.perspectives], "perspectives", "perspective id")
        names = [p.id for p in self.perspectives] + [a for p in self.perspectives for a in p.aliases]
        _check_unique(names, "perspectives", "perspective id or alias")
        for perspective in self.perspectives:
            perspective.duration.check(f"perspectives.{perspective.id}")
        _check_unique([n.id for n in self.needs], "needs", "need id")
        _check_unique([b.id for b in self.bandwidths], "bandwidths", "bandwidth id")
        for index, bandwidth in enumerate(self.bandwidths):
            if bandwidth.factor <= 0:
                raise ModelDefinitionError(f"bandwidths[{index}].factor", "must be more than 0")
        if self.default_bandwidth is not None and self.default_bandwidth not in {
            b.id for b in self.bandwidths
        }:
            raise ModelDefinitionError("default_bandwidth", f"unknown bandwidth {self.default_bandwidth!r}")
        _check_unique([m.id for m in self.modules], "modules", "module id")
        for index, module in enumerate(self.modules):
            if module.amount.cents <= 0:
                raise ModelDefinitionError(f"modules[{index}].amount", "must be more than 0.00")
            if module.product_code is not None:
                _check_product_code(module.product_code, f"modules[{index}].product_code")
        module_codes = [m.product_code for m in self.modules if m.product_code]
        _check_unique(module_codes, "modules", "module product code")
        if set(module_codes) & {c.product_code for c in self.cells}:
            raise ModelDefinitionError("modules", "a module's product code is also a cell's product code")
        self._check_cells()

    def _check_cells(self) -> None:
        _check_complete_grid(
            [
                (
                    (c.perspective, c.need, c.intensity),
                    c.key,
                    c.product_code,
                    c.monthly_budget,
                    "monthly_budget",
                )
                for c in self.cells
            ],
            [
                ("perspective", [p.id for p in self.perspectives]),
                ("need", [n.id for n in self.needs]),
                ("intensity", list(Intensity)),
            ],
            lambda k: f"{k[0]} / {k[1]} / {k[2].value}",  # type: ignore[attr-defined]
        )

    @property
    def product_count(self) -> int:
        return len(self.cells)

    def cell(self, perspective: str, need: str, intensity: Intensity) -> BudgetCell:
        for cell in self.cells:
            if (cell.perspective, cell.need, cell.intensity) == (perspective, need, intensity):
                return cell
        raise KeyError(f"{perspective} / {need} / {intensity.value}")


ProductModel = HourlyModel | ResultAreaMatrixModel | PerspectiveBudgetModel


# -- intake and indication ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Intake:
    """What the consultant established in the conversation, as the consultant says it.

    One shape for every kind, so the same intake can run through a candidate model (shadow
    run). Fields a kind does not use are ignored, and the explanation says so.
    """

    months: int
    areas: tuple[str, ...] = ()
    support_type: str | None = None
    """behouden | ontwikkelen (matrix); a perspective id or alias (budget model)."""
    intensity: str | None = None
    """gemiddeld | plus | plusplus (or 1-3); absent means gemiddeld."""
    aggravating: tuple[str, ...] = ()
    hours_per_week: Decimal | None = None
    product_code: str | None = None
    """An explicit level in the hourly model (OZR2); wins over the intensity."""
    need: str | None = None
    bandwidth: str | None = None
    modules: tuple[str, ...] = ()
    start: date | None = None
    reference: str | None = None
    """A free label (case number) carried into shadow comparisons; never interpreted."""


@dataclass(frozen=True, slots=True)
class EvaluationMoment:
    """A planned evaluation ``month`` months after the start; ``on`` is its date given a start."""

    month: int
    on: date | None
    is_final: bool


@dataclass(frozen=True, slots=True)
class AddOnCharge:
    """An add-on module in an indication with its total over the indication."""

    module_id: str
    name: str
    charge: ModuleCharge
    amount: Money
    product_code: str | None = None
    """The module's own product code (a decided product of its own), when the model gives one."""


@dataclass(frozen=True, slots=True)
class Indication:
    """The outcome of the decision framework for one intake.

    ``total`` is always exactly ``monthly_tariff x months + add-on charges``. ``allocation_volume``
    is the volume in ``allocation.unit`` per ``allocation.frequency`` (hours per week, 1 per
    month, or the total in euros); the message layer rounds it as the standard requires.
    """

    model_id: str
    model_kind: ModelKind
    product_code: str
    product_name: str
    monthly_tariff: Money
    months: int
    add_ons: tuple[AddOnCharge, ...]
    total: Money
    evaluation_moments: tuple[EvaluationMoment, ...]
    financing_variant: FinancingVariant
    allocation: AllocationCoding
    allocation_volume: Decimal
    explanation: tuple[str, ...]
    intensity: Intensity | None = None
    duration_class: str | None = None
    period: Period | None = None
    priced_volume: Decimal = Decimal(1)
    """How much of the product's catalogue unit the decision grants per ``priced_frequency``:
    hours per week (hourly), 1 per month (matrix), the bandwidth factor per month (budget)."""
    priced_frequency: Frequency = Frequency.PER_MAAND

    def __post_init__(self) -> None:
        if self.total != self.base_total + self.add_ons_total:
            raise ValueError("an indication's total must be monthly tariff x months + add-ons")

    @property
    def base_total(self) -> Money:
        return self.monthly_tariff * self.months

    @property
    def add_ons_total(self) -> Money:
        return Money.sum(a.amount for a in self.add_ons)


def evaluation_moments(months: int, every: int, start: date | None = None) -> tuple[EvaluationMoment, ...]:
    """Every ``every`` months and always at the end.

    A moment at month ``m`` falls on the last day of the m-th month of the indication, so the
    final moment is the indication's last day (periods include their last day).
    """
    if months < 1 or every < 1:
        raise ValueError("months and the evaluation interval must be at least 1")
    offsets = [*range(every, months, every), months]

    def on(offset: int) -> date | None:
        return None if start is None else add_months(start, offset) - timedelta(days=1)

    return tuple(EvaluationMoment(m, on(m), m == months) for m in offsets)


INDICATIVE_NOTE = (
    "Bedragen indicatief (modelbestand); een beschikking wordt geprijsd met het tarief uit de "
    "catalogus dat in elke maand geldt."
)
"""The model names products, the catalogue prices them: amounts from a model file are indicative."""


def evaluate(model: ProductModel, intake: Intake) -> Indication:
    """Weigh ``intake`` with ``model``; raises :class:`IntakeRefused` when a rule is broken.

    The amounts come from the model file and are indicative (:data:`INDICATIVE_NOTE`, the last
    line of the explanation): a stored decision is priced with the catalogue
    (``catalogue.decision_budget`` with ``priced_volume`` per ``priced_frequency``)."""
    if isinstance(model, HourlyModel):
        indication = _evaluate_hourly(model, intake)
    elif isinstance(model, ResultAreaMatrixModel):
        indication = _evaluate_matrix(model, intake)
    else:
        indication = _evaluate_budget(model, intake)
    return replace(indication, explanation=(*indication.explanation, INDICATIVE_NOTE))


# -- evaluation per kind -----------------------------------------------------------------------


def _check_months(months: int, rule: DurationRule, what_nl: str, what_en: str) -> None:
    if months < 1:
        raise IntakeRefused(
            RefusalReason.MONTHS_BELOW_MINIMUM,
            f"Duur van {months} maanden: een indicatie duurt minstens 1 maand.",
            f"duration of {months} months: an indication lasts at least 1 month",
        )
    if months > rule.max_months:
        raise IntakeRefused(
            RefusalReason.MONTHS_ABOVE_MAXIMUM,
            f"Duur van {months} maanden is langer dan het maximum van {rule.max_months} maanden "
            f"voor {what_nl}.",
            f"duration of {months} months exceeds the maximum of {rule.max_months} months for {what_en}",
        )


def _parse_intensity(intake: Intake, steps: list[str]) -> Intensity:
    if intake.intensity is None:
        steps.append("Intensiteit: niet opgegeven, dus gemiddeld.")
        return Intensity.GEMIDDELD
    try:
        return Intensity.parse(intake.intensity)
    except ValueError:
        raise IntakeRefused(
            RefusalReason.UNKNOWN_INTENSITY,
            f"Onbekende intensiteit {intake.intensity!r}; kies gemiddeld, plus of plusplus.",
            f"unknown intensity {intake.intensity!r}; choose gemiddeld, plus or plusplus",
        ) from None


def _ignored(intake: Intake, fields: Sequence[str], model_name: str) -> list[str]:
    """Explanation lines for intake fields this kind does not use: said, never silently dropped."""
    lines = []
    for name in fields:
        value = getattr(intake, name)
        if value not in (None, ()):
            lines.append(f"Let op: {name.replace('_', ' ')} speelt in {model_name} geen rol en is genegeerd.")
    return lines


def _dates_line(moments: Sequence[EvaluationMoment]) -> str:
    parts = [
        f"maand {m.month}{' (einde)' if m.is_final else ''}{f' op {m.on.isoformat()}' if m.on else ''}"
        for m in moments
    ]
    return "Evaluatiemomenten: " + ", ".join(parts) + "."


def _period(intake: Intake) -> Period | None:
    return None if intake.start is None else period_of_months(intake.start, intake.months)


def _evaluate_hourly(model: HourlyModel, intake: Intake) -> Indication:
    steps: list[str] = [f"Model {model.info.name} (uurtarief, inspanningsgericht)."]
    if intake.product_code is not None:
        product = next((p for p in model.products if p.code.lower() == intake.product_code.lower()), None)
        if product is None:
            known = ", ".join(p.code for p in model.products)
            raise IntakeRefused(
                RefusalReason.UNKNOWN_PRODUCT,
                f"Onbekend product {intake.product_code!r}; bekend: {known}.",
                f"unknown product {intake.product_code!r}; known: {known}",
            )
        steps.append(f"Niveau: expliciet gekozen {product.code} {product.name}.")
    else:
        intensity = _parse_intensity(intake, steps)
        product = next(p for p in model.products if p.intensity is intensity)
        steps.append(f"Niveau: intensiteit {intensity.value} -> {product.code} {product.name}.")
    if intake.hours_per_week is None:
        raise IntakeRefused(
            RefusalReason.MISSING_HOURS,
            "Geef het aantal uren per week op; dit model rekent in uren.",
            "give the hours per week; this model is priced per hour",
        )
    hours = intake.hours_per_week
    if not Decimal(0) < hours <= model.max_hours_per_week:
        raise IntakeRefused(
            RefusalReason.HOURS_OUT_OF_RANGE,
            f"{hours} uur per week ligt niet tussen 0 en {model.max_hours_per_week}.",
            f"{hours} hours per week is not between 0 and {model.max_hours_per_week}",
        )
    _check_months(intake.months, model.duration, "dit model", "this model")
    monthly = effort_monthly_rate(hours, Frequency.PER_WEEK, product.hourly_tariff)
    steps.append(
        f"Maandtarief: {hours} uur/week x {product.hourly_tariff.format_nl()} x 13/3 weken per maand "
        f"= {monthly.format_nl()}."
    )
    total = monthly * intake.months
    steps.append(f"Totaal: {intake.months} maanden x {monthly.format_nl()} = {total.format_nl()}.")
    moments = evaluation_moments(intake.months, model.duration.evaluation_every_months, intake.start)
    steps.append(_dates_line(moments))
    steps += _ignored(
        intake, ("areas", "support_type", "aggravating", "need", "bandwidth", "modules"), "dit model"
    )
    return Indication(
        model_id=model.info.id,
        model_kind=model.info.kind,
        product_code=product.code,
        product_name=product.name,
        monthly_tariff=monthly,
        months=intake.months,
        add_ons=(),
        total=total,
        evaluation_moments=moments,
        financing_variant=model.info.financing_variant,
        allocation=model.info.allocation,
        allocation_volume=hours,
        explanation=tuple(steps),
        intensity=product.intensity,
        period=_period(intake),
        priced_volume=hours,
        priced_frequency=Frequency.PER_WEEK,
    )


def _evaluate_matrix(model: ResultAreaMatrixModel, intake: Intake) -> Indication:
    steps: list[str] = [f"Model {model.info.name} (resultaatgebieden, all-in maandtarief)."]
    areas_by_id = {a.id: a for a in model.areas}
    if not intake.areas:
        raise IntakeRefused(
            RefusalReason.NO_AREAS,
            "Geen resultaatgebied opgegeven; benoem minstens één resultaatgebied.",
            "no result area given; name at least one result area",
        )
    for area_id in intake.areas:
        if area_id not in areas_by_id:
            known = ", ".join(areas_by_id)
            raise IntakeRefused(
                RefusalReason.UNKNOWN_AREA,
                f"Onbekend resultaatgebied {area_id!r}; bekend: {known}.",
                f"unknown result area {area_id!r}; known: {known}",
            )
    if len(set(intake.areas)) != len(intake.areas):
        raise IntakeRefused(
            RefusalReason.DUPLICATE_AREA,
            "Een resultaatgebied staat dubbel in de intake.",
            "a result area is listed twice",
        )
    areas = [areas_by_id[a] for a in intake.areas]
    if all(a.only_with_another for a in areas):
        names = ", ".join(a.id for a in areas)
        raise IntakeRefused(
            RefusalReason.AREA_ONLY_WITH_ANOTHER,
            f"{names} alleen is geen maatwerkvoorziening: alleen in combinatie met een ander "
            "resultaatgebied, anders voorliggend veld of informele hulp.",
            f"{names} only together with another result area; on its own it belongs to "
            "general or informal support",
        )
    band = model.band_for(len(areas))
    steps.append(
        f"Stap 1 resultaatgebieden: {', '.join(a.name for a in areas)} ({len(areas)}) -> kolom {band.label}."
    )
    if intake.support_type is None:
        raise IntakeRefused(
            RefusalReason.MISSING_TYPE,
            "Kies het type ondersteuning: behouden of ontwikkelen.",
            "choose the type of support: behouden or ontwikkelen",
        )
    try:
        support_type = SupportType(intake.support_type.strip().lower())
    except ValueError:
        raise IntakeRefused(
            RefusalReason.UNKNOWN_TYPE,
            f"Onbekend type {intake.support_type!r}; kies behouden of ontwikkelen.",
            f"unknown type {intake.support_type!r}; choose behouden or ontwikkelen",
        ) from None
    rule = model.rule_for(support_type)
    average = f", gemiddeld {rule.duration.average_months}" if rule.duration.average_months else ""
    steps.append(f"Stap 2 type: {rule.label} (maximaal {rule.duration.max_months} maanden{average}).")
    requested = _parse_intensity(intake, steps)
    circumstances = {c.id: c for c in model.aggravating}
    for circumstance in intake.aggravating:
        if circumstance not in circumstances:
            known = ", ".join(circumstances) or "geen"
            raise IntakeRefused(
                RefusalReason.UNKNOWN_AGGRAVATING,
                f"Onbekende verzwarende omstandigheid {circumstance!r}; bekend: {known}.",
                f"unknown aggravating circumstance {circumstance!r}; known: {known}",
            )
    if len(set(intake.aggravating)) != len(intake.aggravating):
        raise IntakeRefused(
            RefusalReason.DUPLICATE_AGGRAVATING,
            "Een verzwarende omstandigheid staat dubbel in de intake.",
            "an aggravating circumstance is listed twice",
        )
    intensity = requested.raised(len(intake.aggravating))
    if intake.aggravating:
        named = ", ".join(circumstances[c].name for c in intake.aggravating)
        capped = " (begrensd op plusplus)" if requested.level + len(intake.aggravating) > 3 else ""
        steps.append(
            f"Stap 3 intensiteit: {requested.value}, verhoogd met {len(intake.aggravating)} stap(pen) "
            f"voor verzwarende omstandigheden ({named}) -> {intensity.value}{capped}."
        )
    else:
        steps.append(f"Stap 3 intensiteit: {intensity.value}, geen verzwarende omstandigheden.")
    _check_months(intake.months, rule.duration, f"{support_type.value}", f"{support_type.value}")
    duration_class = next(d for d in model.durations if intake.months <= d.max_months)
    cell = model.cell(band.id, support_type, intensity)
    steps.append(
        f"Cel {band.label} / {rule.label} / intensiteit {intensity.value}: product {cell.product_code}, "
        f"all-in maandtarief (mixtarief) "
        f"{cell.monthly_tariff.format_nl()}."
    )
    total = cell.monthly_tariff * intake.months
    steps.append(
        f"Stap 4 duur: {intake.months} maanden ({duration_class.label}) -> totaal "
        f"{intake.months} x {cell.monthly_tariff.format_nl()} = {total.format_nl()}."
    )
    moments = evaluation_moments(intake.months, rule.duration.evaluation_every_months, intake.start)
    steps.append(_dates_line(moments))
    steps += _ignored(intake, ("hours_per_week", "product_code", "need", "bandwidth", "modules"), "dit model")
    return Indication(
        model_id=model.info.id,
        model_kind=model.info.kind,
        product_code=cell.product_code,
        product_name=f"{rule.label}, {band.label}, intensiteit {intensity.value}",
        monthly_tariff=cell.monthly_tariff,
        months=intake.months,
        add_ons=(),
        total=total,
        evaluation_moments=moments,
        financing_variant=model.info.financing_variant,
        allocation=model.info.allocation,
        allocation_volume=Decimal(1),
        explanation=tuple(steps),
        intensity=intensity,
        duration_class=duration_class.id,
        period=_period(intake),
    )


def _evaluate_budget(model: PerspectiveBudgetModel, intake: Intake) -> Indication:
    steps: list[str] = [f"Model {model.info.name} (perspectief, budget per maand x duur)."]
    if intake.support_type is None:
        known = ", ".join(p.id for p in model.perspectives)
        raise IntakeRefused(
            RefusalReason.MISSING_TYPE,
            f"Kies het perspectief: {known}.",
            f"choose the perspective: {known}",
        )
    wanted = intake.support_type.strip().lower()
    perspective = next((p for p in model.perspectives if wanted == p.id or wanted in p.aliases), None)
    if perspective is None:
        known = ", ".join(p.id for p in model.perspectives)
        raise IntakeRefused(
            RefusalReason.UNKNOWN_TYPE,
            f"Onbekend perspectief {intake.support_type!r}; kies {known}.",
            f"unknown perspective {intake.support_type!r}; choose {known}",
        )
    via = f" (opgegeven als {wanted})" if wanted != perspective.id else ""
    steps.append(f"Perspectief: {perspective.label}{via}.")
    needs_by_id = {n.id: n for n in model.needs}
    if intake.need is not None:
        need = needs_by_id.get(intake.need)
        if need is None:
            known = ", ".join(needs_by_id)
            raise IntakeRefused(
                RefusalReason.UNKNOWN_NEED,
                f"Onbekende ondersteuningsbehoefte {intake.need!r}; bekend: {known}.",
                f"unknown support need {intake.need!r}; known: {known}",
            )
        steps.append(f"Ondersteuningsbehoefte: {need.name}.")
    else:
        # A generic intake names result areas; the first one the model maps decides the need,
        # so a shadow run can weigh a Lekstroom intake in this model.
        need = next((n for area in intake.areas for n in model.needs if area in n.areas), None)
        if need is None:
            known = ", ".join(needs_by_id)
            raise IntakeRefused(
                RefusalReason.MISSING_NEED,
                f"Kies een ondersteuningsbehoefte ({known}); geen resultaatgebied wijst er een aan.",
                f"choose a support need ({known}); none of the result areas points to one",
            )
        steps.append(
            f"Ondersteuningsbehoefte: {need.name}, afgeleid van het eerste passende resultaatgebied."
        )
    intensity = _parse_intensity(intake, steps)
    bandwidths = {b.id: b for b in model.bandwidths}
    bandwidth_id = intake.bandwidth if intake.bandwidth is not None else model.default_bandwidth
    if bandwidth_id is None:
        raise IntakeRefused(
            RefusalReason.MISSING_BANDWIDTH,
            f"Kies een bandbreedte: {', '.join(bandwidths)}.",
            f"choose a bandwidth: {', '.join(bandwidths)}",
        )
    bandwidth = bandwidths.get(bandwidth_id.strip().lower())
    if bandwidth is None:
        raise IntakeRefused(
            RefusalReason.UNKNOWN_BANDWIDTH,
            f"Onbekende bandbreedte {bandwidth_id!r}; kies {', '.join(bandwidths)}.",
            f"unknown bandwidth {bandwidth_id!r}; choose {', '.join(bandwidths)}",
        )
    modules_by_id = {m.id: m for m in model.modules}
    for module_id in intake.modules:
        if module_id not in modules_by_id:
            known = ", ".join(modules_by_id) or "geen"
            raise IntakeRefused(
                RefusalReason.UNKNOWN_MODULE,
                f"Onbekende module {module_id!r}; bekend: {known}.",
                f"unknown module {module_id!r}; known: {known}",
            )
    if len(set(intake.modules)) != len(intake.modules):
        raise IntakeRefused(
            RefusalReason.DUPLICATE_MODULE,
            "Een module staat dubbel in de intake.",
            "a module is listed twice",
        )
    _check_months(intake.months, perspective.duration, perspective.label, perspective.id)
    cell = model.cell(perspective.id, need.id, intensity)
    # The one rounding of this kind: the cell budget times the bandwidth factor, to cents.
    monthly = cell.monthly_budget.times(bandwidth.factor)
    steps.append(
        f"Budget: cel {cell.key} = {cell.monthly_budget.format_nl()} per maand x bandbreedte "
        f"{bandwidth.label} ({bandwidth.factor}) = {monthly.format_nl()} per maand "
        f"(product {cell.product_code})."
    )
    add_ons = []
    for module_id in intake.modules:
        module = modules_by_id[module_id]
        amount = module.amount * intake.months if module.charge is ModuleCharge.PER_MONTH else module.amount
        how = (
            f"{intake.months} x {module.amount.format_nl()}"
            if module.charge is ModuleCharge.PER_MONTH
            else "eenmalig"
        )
        steps.append(f"Module {module.name}: {how} = {amount.format_nl()}.")
        add_ons.append(AddOnCharge(module.id, module.name, module.charge, amount, module.product_code))
    base = monthly * intake.months
    total = base + Money.sum(a.amount for a in add_ons)
    modules_part = f" + modules {Money.sum(a.amount for a in add_ons).format_nl()}" if add_ons else ""
    steps.append(
        f"Totaal budget: {intake.months} maanden x {monthly.format_nl()} = {base.format_nl()}"
        f"{modules_part} = {total.format_nl()}."
    )
    moments = evaluation_moments(intake.months, perspective.duration.evaluation_every_months, intake.start)
    steps.append(_dates_line(moments))
    steps += _ignored(intake, ("hours_per_week", "product_code", "aggravating"), "dit model")
    return Indication(
        model_id=model.info.id,
        model_kind=model.info.kind,
        product_code=cell.product_code,
        product_name=f"{perspective.label}, {need.name}, intensiteit {intensity.level}",
        monthly_tariff=monthly,
        months=intake.months,
        add_ons=tuple(add_ons),
        total=total,
        evaluation_moments=moments,
        financing_variant=model.info.financing_variant,
        allocation=model.info.allocation,
        allocation_volume=total.to_decimal(),
        explanation=tuple(steps),
        intensity=intensity,
        period=_period(intake),
        priced_volume=bandwidth.factor,
        priced_frequency=Frequency.PER_MAAND,
    )


# -- several results in one family -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyIndication:
    """Several results for one family, each evaluated on its own; the family total is their sum."""

    results: tuple[Indication, ...]

    @property
    def total(self) -> Money:
        return Money.sum(r.total for r in self.results)

    @property
    def monthly_total(self) -> Money:
        """What the family costs per month while every result runs (add-ons excluded)."""
        return Money.sum(r.monthly_tariff for r in self.results)

    @property
    def explanation(self) -> tuple[str, ...]:
        lines = [
            f"Resultaat {i}: {r.product_name} ({r.product_code}) = {r.total.format_nl()}."
            for i, r in enumerate(self.results, start=1)
        ]
        return (*lines, f"Gezin totaal: {self.total.format_nl()}.")


def evaluate_family(model: ProductModel, intakes: Sequence[Intake]) -> FamilyIndication:
    """Evaluate each result of a family; a refused result refuses the family, naming the result."""
    if not intakes:
        raise IntakeRefused(
            RefusalReason.NO_RESULTS,
            "Geen resultaten voor dit gezin opgegeven.",
            "no results given for the family",
        )
    results = []
    for number, intake in enumerate(intakes, start=1):
        try:
            results.append(evaluate(model, intake))
        except IntakeRefused as refused:
            raise IntakeRefused(
                refused.reason,
                f"Resultaat {number}: {refused.message_nl}",
                f"result {number}: {refused.message_en}",
            ) from refused
    return FamilyIndication(tuple(results))


# -- shadow run: a candidate model behind the scenes -------------------------------------------

Outcome = Indication | Refusal


def _outcome(model: ProductModel, intake: Intake) -> Outcome:
    try:
        return evaluate(model, intake)
    except IntakeRefused as refused:
        return refused.refusal


@dataclass(frozen=True, slots=True)
class ShadowCase:
    """One intake weighed by the current and the candidate model."""

    intake: Intake
    current: Outcome
    candidate: Outcome

    @property
    def comparable(self) -> bool:
        return isinstance(self.current, Indication) and isinstance(self.candidate, Indication)

    @property
    def difference(self) -> Money | None:
        """Candidate total minus current total; None when either model refused the intake."""
        if isinstance(self.current, Indication) and isinstance(self.candidate, Indication):
            return self.candidate.total - self.current.total
        return None


@dataclass(frozen=True, slots=True)
class ShadowComparison:
    """The budget effect of a candidate model on the same intakes.

    Totals count only comparable cases (both models indicate); refusals are listed apart, because
    an intake one model refuses has no price to compare.
    """

    current_model_id: str
    candidate_model_id: str
    cases: tuple[ShadowCase, ...]

    @property
    def comparable_cases(self) -> tuple[ShadowCase, ...]:
        return tuple(c for c in self.cases if c.comparable)

    @property
    def current_total(self) -> Money:
        return Money.sum(
            c.current.total for c in self.cases if isinstance(c.current, Indication) and c.comparable
        )

    @property
    def candidate_total(self) -> Money:
        return Money.sum(
            c.candidate.total for c in self.cases if isinstance(c.candidate, Indication) and c.comparable
        )

    @property
    def difference(self) -> Money:
        return self.candidate_total - self.current_total

    @property
    def change_percent(self) -> Decimal | None:
        """Budget effect in percent of the current total, to one decimal; None without a base."""
        if self.current_total.is_zero():
            return None
        ratio = Decimal(self.difference.cents) * 100 / Decimal(self.current_total.cents)
        return ratio.quantize(Decimal("0.1"))

    @property
    def refused_by_current(self) -> tuple[ShadowCase, ...]:
        return tuple(c for c in self.cases if isinstance(c.current, Refusal))

    @property
    def refused_by_candidate(self) -> tuple[ShadowCase, ...]:
        return tuple(c for c in self.cases if isinstance(c.candidate, Refusal))


def shadow_evaluate(
    current: ProductModel, candidate: ProductModel, intakes: Iterable[Intake]
) -> ShadowComparison:
    """Run ``candidate`` behind the scenes next to ``current`` on the same intakes (pure)."""
    cases = tuple(ShadowCase(i, _outcome(current, i), _outcome(candidate, i)) for i in intakes)
    return ShadowComparison(current.info.id, candidate.info.id, cases)
