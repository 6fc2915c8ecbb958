# SPDX-License-Identifier: EUPL-1.2
"""The intake as a consultant fills it in: the product models known and which inputs each
asks for. ``allocations.evaluate_intake`` weighs an intake (nothing stored) and
``allocations.decide`` stores the decision; the command line and the intake screen call both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from zorginkoop.adapters.model_files import load_models
from zorginkoop.domain.product_models import (
    HourlyModel,
    Intensity,
    ModelKind,
    PerspectiveBudgetModel,
    ProductModel,
    ResultAreaMatrixModel,
)


class UnknownModel(ValueError):
    """A product model id that is not among the shipped models or the region's own."""

    def __init__(self, model_id: str, known: list[str]) -> None:
        super().__init__(f"unknown model {model_id!r}; known: {', '.join(known)}")
        self.model_id = model_id
        self.known = known


def product_models(models_dir: Path | None = None) -> dict[str, ProductModel]:
    """The shipped product models and the region's own (``ZORGINKOOP_MODELS_DIR``), by id."""
    return load_models(models_dir)


def product_model(model_id: str, models_dir: Path | None = None) -> ProductModel:
    """One product model by id; :class:`UnknownModel` when there is none."""
    models = product_models(models_dir)
    if model_id not in models:
        raise UnknownModel(model_id, sorted(models))
    return models[model_id]


class Choice(NamedTuple):
    """One value an intake field may take, with the label the consultant reads (a pair, as
    form selects take their options)."""

    value: str
    label: str


@dataclass(frozen=True, slots=True)
class IntakeChoices:
    """What a model asks in an intake: only the fields of its kind are filled (an hourly model
    has products and hours, a matrix areas, types and circumstances, a budget model
    perspectives, needs, bandwidths and modules)."""

    model_id: str
    name: str
    kind: ModelKind
    description: str
    areas: tuple[Choice, ...] = ()
    support_types: tuple[Choice, ...] = ()
    intensities: tuple[Choice, ...] = ()
    aggravating: tuple[Choice, ...] = ()
    products: tuple[Choice, ...] = ()
    needs: tuple[Choice, ...] = ()
    bandwidths: tuple[Choice, ...] = ()
    modules: tuple[Choice, ...] = ()
    max_months: int = 60
    asks_hours: bool = False


INTENSITY_LABELS = {
    Intensity.GEMIDDELD: "gemiddeld",
    Intensity.PLUS: "plus (+)",
    Intensity.PLUSPLUS: "plusplus (++)",
}


def intake_choices(model: ProductModel) -> IntakeChoices:
    """The inputs ``model`` asks for in an intake, with their labels."""
    info = model.info
    intensities = tuple(Choice(i.value, INTENSITY_LABELS[i]) for i in Intensity)
    base = IntakeChoices(info.id, info.name, info.kind, info.description)
    if isinstance(model, HourlyModel):
        return IntakeChoices(
            info.id, info.name, info.kind, info.description, intensities=intensities,
            products=tuple(Choice(p.code, f"{p.code} {p.name}") for p in model.products),
            max_months=model.duration.max_months, asks_hours=True,
        )  # fmt: skip
    if isinstance(model, ResultAreaMatrixModel):
        return IntakeChoices(
            info.id, info.name, info.kind, info.description,
            areas=tuple(Choice(a.id, a.name + (" (alleen met een ander gebied)" if a.only_with_another else ""))
                        for a in model.areas),
            support_types=tuple(Choice(r.support_type.value, r.label) for r in model.support_types),
            intensities=intensities,
            aggravating=tuple(Choice(c.id, c.name) for c in model.aggravating),
            max_months=max(r.duration.max_months for r in model.support_types),
        )  # fmt: skip
    if isinstance(model, PerspectiveBudgetModel):
        return IntakeChoices(
            info.id, info.name, info.kind, info.description,
            support_types=tuple(Choice(p.id, p.label) for p in model.perspectives),
            intensities=intensities,
            needs=tuple(Choice(n.id, n.name) for n in model.needs),
            bandwidths=tuple(Choice(b.id, b.label) for b in model.bandwidths),
            modules=tuple(Choice(m.id, m.name) for m in model.modules),
            max_months=max(p.duration.max_months for p in model.perspectives),
        )  # fmt: skip
    return base
