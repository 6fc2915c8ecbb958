# SPDX-License-Identifier: EUPL-1.2
"""Product models as TOML files: the shipped ones and a region's own, validated on load.

The package ships ``zorginkoop/data/product_models/*.toml``; a user folder (the CLI's
``--models-dir`` or :data:`MODELS_DIR_ENV`) adds a region's own models. Every file is read in
full and built into a domain model before it is added, so a file that fails validation never
half-loads. Errors name the file, the key path and the problem::

    lekstroom-2022.toml: cells: missing cell 5 areas / ontwikkelen / plusplus
    lekstroom-2022.toml: cells[3].monthly_tariff: "12,50" is not an amount in euros (write e.g. "512.40")

Amounts are strings in euros ("512.40"), never TOML floats: a float cannot hold cents exactly.
The rules of each kind (every cell present, bands without gaps) live in the domain
(``domain.product_models``); this module only turns file content into domain objects.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from zorginkoop.domain.codes import FinancingVariant, Frequency, Law, Unit, category_for
from zorginkoop.domain.money import Money
from zorginkoop.domain.product_models import (
    AddOnModule,
    AggravatingCircumstance,
    AllocationCoding,
    AreaBand,
    Bandwidth,
    BudgetCell,
    DurationClass,
    DurationRule,
    HourlyModel,
    HourlyProduct,
    Intensity,
    MatrixCell,
    ModelDefinitionError,
    ModelInfo,
    ModelKind,
    ModuleCharge,
    Perspective,
    PerspectiveBudgetModel,
    ProductModel,
    ResultArea,
    ResultAreaMatrixModel,
    SupportNeed,
    SupportType,
    SupportTypeRule,
)

MODELS_DIR_ENV = "ZORGINKOOP_MODELS_DIR"
"""Environment variable naming a folder of a region's own model files (``*.toml``)."""

_AMOUNT = re.compile(r"^\d+(\.\d{1,2})?$")
_FACTOR = re.compile(r"^\d+(\.\d+)?$")
_IDENTIFIER = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class ModelFileError(ValueError):
    """One problem in one model file: ``source: key.path: problem``."""

    def __init__(self, source: str, key_path: str, problem: str) -> None:
        super().__init__(f"{source}: {key_path}: {problem}" if key_path else f"{source}: {problem}")
        self.source = source
        self.key_path = key_path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model with the file it came from (for listings and error messages)."""

    model: ProductModel
    source: str
    shipped: bool


class _Problem(Exception):
    """A problem at a key path, raised inside the reader and turned into ModelFileError."""

    def __init__(self, key_path: str, problem: str) -> None:
        super().__init__(problem)
        self.key_path = key_path
        self.problem = problem


class _Table:
    """A TOML table with its key path; typed accessors that name the path on any problem.

    ``finish()`` refuses keys nobody read, so a misspelt key is an error, not silently ignored.
    """

    def __init__(self, data: Mapping[str, Any], path: str = "") -> None:
        self._data = data
        self._path = path
        self._read: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self._path}.{key}" if self._path else key

    def _raw(self, key: str, required: bool) -> Any:
        self._read.add(key)
        if key not in self._data:
            if required:
                raise _Problem(self.at(key), "is missing")
            return None
        return self._data[key]

    def has(self, key: str) -> bool:
        return key in self._data

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _Problem(self.at(key), f"must be a non-empty text, got {value!r}")
        return value.strip()

    def required_text(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def identifier(self, key: str) -> str:
        value = self.required_text(key)
        if not _IDENTIFIER.match(value):
            raise _Problem(self.at(key), f"{value!r} must be lower-case letters, digits and dashes")
        return value

    def integer(self, key: str, *, required: bool = True) -> int | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Problem(self.at(key), f"must be a whole number, got {value!r}")
        return value

    def required_integer(self, key: str) -> int:
        value = self.integer(key)
        assert value is not None
        return value

    def amount(self, key: str) -> Money:
        value = self._raw(key, True)
        if isinstance(value, float | int) and not isinstance(value, bool):
            raise _Problem(
                self.at(key), f'{value!r} is a number; write amounts as text in euros, e.g. "512.40"'
            )
        if not isinstance(value, str) or not _AMOUNT.match(value.strip()):
            raise _Problem(self.at(key), f'{_quoted(value)} is not an amount in euros (write e.g. "512.40")')
        return Money.euros(value.strip())

    def factor(self, key: str) -> Decimal:
        value = self._raw(key, True)
        if not isinstance(value, str) or not _FACTOR.match(value.strip()):
            raise _Problem(
                self.at(key), f'{_quoted(value)} is not a decimal number as text (write e.g. "0.85")'
            )
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
            raise _Problem(self.at(key), f"{value!r} is not a number") from None

    def day(self, key: str, *, required: bool = True) -> date | None:
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise _Problem(self.at(key), f"{value!r} is not a date (write 2022-01-01)")

    def boolean(self, key: str, default: bool) -> bool:
        value = self._raw(key, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise _Problem(self.at(key), f"must be true or false, got {value!r}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._raw(key, False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Problem(self.at(key), "must be a list of texts")
        return tuple(v.strip() for v in value)

    def table(self, key: str) -> _Table:
        value = self._raw(key, True)
        if not isinstance(value, dict):
            raise _Problem(self.at(key), "must be a table")
        return _Table(value, self.at(key))

    def named_tables(self, key: str) -> list[tuple[str, _Table]]:
        """``[key.name]`` sections: a table of tables, in file order."""
        outer = self.table(key)
        result = []
        for name in outer._data:
            result.append((name, outer.table(name)))
        outer.finish()
        return result

    def tables(self, key: str) -> list[_Table]:
        """``[[key]]`` sections or a list of inline tables."""
        value = self._raw(key, True)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _Problem(self.at(key), f"must be a list of tables ([[{key}]] sections)")
        return [_Table(v, f"{self.at(key)}[{i}]") for i, v in enumerate(value)]

    def choice(self, key: str, parse: Callable[[str], Any], known: Sequence[str]) -> Any:
        value = self.required_text(key)
        try:
            return parse(value)
        except ValueError:
            raise _Problem(self.at(key), f"{value!r} is not one of: {', '.join(known)}") from None

    def finish(self) -> None:
        unknown = [k for k in self._data if k not in self._read]
        if unknown:
            raise _Problem(self.at(unknown[0]), "unknown key (misspelt?)")


def _quoted(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


# -- building domain objects -------------------------------------------------------------------

_KINDS = [k.value for k in ModelKind]


def _info(root: _Table) -> ModelInfo:
    model_id = root.identifier("id")
    name = root.required_text("name")
    region = root.required_text("region")
    kind = root.choice("kind", ModelKind, _KINDS)
    valid_from = root.day("valid_from")
    assert valid_from is not None
    valid_until = root.day("valid_until", required=False)
    variant = root.choice("financing_variant", FinancingVariant, [v.value for v in FinancingVariant])
    description = root.text("description", required=False) or ""
    allocation = root.table("allocation")
    law = allocation.choice("law", Law, [law.value for law in Law])
    category_code = allocation.required_text("category")
    try:
        category = category_for(law, category_code)
    except ValueError as exc:
        raise _Problem(allocation.at("category"), str(exc)) from None
    unit = allocation.choice("unit", Unit.parse, [u.value for u in Unit])
    frequency = allocation.choice("frequency", Frequency.parse, [f.value for f in Frequency])
    allocation.finish()
    return ModelInfo(
        id=model_id,
        name=name,
        region=region,
        kind=kind,
        valid_from=valid_from,
        financing_variant=variant,
        allocation=AllocationCoding(law, category, unit, frequency),
        description=description,
        valid_until=valid_until,
    )


def _duration(table: _Table) -> DurationRule:
    rule = DurationRule(
        max_months=table.required_integer("max_months"),
        evaluation_every_months=table.required_integer("evaluation_every_months"),
        average_months=table.integer("average_months", required=False),
    )
    return rule


_INTENSITIES = [i.value for i in Intensity] + ["1", "2", "3"]


def _hourly(root: _Table, info: ModelInfo) -> HourlyModel:
    products = []
    for table in root.tables("products"):
        products.append(
            HourlyProduct(
                code=table.required_text("code"),
                name=table.required_text("name"),
                intensity=table.choice("intensity", Intensity.parse, _INTENSITIES),
                hourly_tariff=table.amount("hourly_tariff"),
            )
        )
        table.finish()
    hours = root.table("hours")
    max_hours = hours.factor("max_per_week")
    hours.finish()
    duration_table = root.table("duration")
    duration = _duration(duration_table)
    duration_table.finish()
    return HourlyModel(info, tuple(products), max_hours, duration)


def _matrix(root: _Table, info: ModelInfo) -> ResultAreaMatrixModel:
    areas = []
    for table in root.tables("areas"):
        areas.append(
            ResultArea(
                table.identifier("id"), table.required_text("name"), table.boolean("only_with_another", False)
            )
        )
        table.finish()
    bands = []
    for table in root.tables("bands"):
        bands.append(
            AreaBand(
                table.required_text("id"),
                table.required_text("label"),
                table.required_integer("min_areas"),
                table.required_integer("max_areas"),
            )
        )
        table.finish()
    rules = []
    for name, table in root.named_tables("types"):
        try:
            support_type = SupportType(name)
        except ValueError:
            raise _Problem(f"types.{name}", "unknown type (known: behouden, ontwikkelen)") from None
        rules.append(SupportTypeRule(support_type, table.required_text("label"), _duration(table)))
        table.finish()
    aggravating = []
    for table in root.tables("aggravating") if root.has("aggravating") else []:
        aggravating.append(AggravatingCircumstance(table.identifier("id"), table.required_text("name")))
        table.finish()
    durations = []
    for table in root.tables("durations"):
        durations.append(
            DurationClass(
                table.identifier("id"), table.required_text("label"), table.required_integer("max_months")
            )
        )
        table.finish()
    cells = []
    for table in root.tables("cells"):
        cells.append(
            MatrixCell(
                band=table.required_text("band"),
                support_type=table.choice("type", SupportType, [t.value for t in SupportType]),
                intensity=table.choice("intensity", Intensity.parse, _INTENSITIES),
                product_code=table.required_text("product_code"),
                monthly_tariff=table.amount("monthly_tariff"),
            )
        )
        table.finish()
    return ResultAreaMatrixModel(
        info, tuple(areas), tuple(bands), tuple(rules), tuple(aggravating), tuple(durations), tuple(cells)
    )


def _budget(root: _Table, info: ModelInfo) -> PerspectiveBudgetModel:
    perspectives = []
    for name, table in root.named_tables("perspectives"):
        if not _IDENTIFIER.match(name):
            raise _Problem(f"perspectives.{name}", "must be lower-case letters, digits and dashes")
        perspectives.append(
            Perspective(name, table.required_text("label"), _duration(table), table.texts("aliases"))
        )
        table.finish()
    needs = []
    for table in root.tables("needs"):
        needs.append(SupportNeed(table.identifier("id"), table.required_text("name"), table.texts("areas")))
        table.finish()
    bandwidths = []
    for table in root.tables("bandwidths"):
        bandwidths.append(
            Bandwidth(table.identifier("id"), table.required_text("label"), table.factor("factor"))
        )
        table.finish()
    modules = []
    for table in root.tables("modules") if root.has("modules") else []:
        modules.append(
            AddOnModule(
                table.identifier("id"),
                table.required_text("name"),
                table.choice("charge", ModuleCharge, [c.value for c in ModuleCharge]),
                table.amount("amount"),
                table.text("product_code", required=False),
            )
        )
        table.finish()
    cells = []
    for table in root.tables("cells"):
        cells.append(
            BudgetCell(
                perspective=table.required_text("perspective"),
                need=table.required_text("need"),
                intensity=table.choice("intensity", Intensity.parse, _INTENSITIES),
                product_code=table.required_text("product_code"),
                monthly_budget=table.amount("monthly_budget"),
            )
        )
        table.finish()
    default_bandwidth = root.text("default_bandwidth", required=False)
    return PerspectiveBudgetModel(
        info,
        tuple(perspectives),
        tuple(needs),
        tuple(bandwidths),
        tuple(cells),
        tuple(modules),
        default_bandwidth,
    )


_BUILDERS: dict[ModelKind, Callable[[_Table, ModelInfo], ProductModel]] = {
    ModelKind.HOURLY: _hourly,
    ModelKind.RESULT_AREA_MATRIX: _matrix,
    ModelKind.PERSPECTIVE_BUDGET: _budget,
}


def parse_model(data: Mapping[str, Any], source: str) -> ProductModel:
    """Build a model from parsed TOML ``data``; ``source`` names it in errors."""
    root = _Table(data)
    try:
        info = _info(root)
        model = _BUILDERS[info.kind](root, info)
        root.finish()
    except _Problem as problem:
        raise ModelFileError(source, problem.key_path, problem.problem) from None
    except ModelDefinitionError as error:
        raise ModelFileError(source, error.key_path, error.problem) from None
    return model


def parse_model_text(text: str, source: str) -> ProductModel:
    """Build a model from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelFileError(source, "", f"not valid TOML: {exc}") from None
    return parse_model(data, source)


def load_model_file(path: Path | Traversable) -> ProductModel:
    """Read and validate one model file. The id must equal the file name, so each is easy to find."""
    source = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(source, "", f"cannot be read: {exc}") from None
    model = parse_model_text(text, source)
    stem = source.removesuffix(".toml")
    if model.info.id != stem:
        raise ModelFileError(source, "id", f"{model.info.id!r} must equal the file name {stem!r}")
    return model


def shipped_models_dir() -> Traversable:
    """The folder of product models shipped inside the package."""
    return resources.files("zorginkoop") / "data" / "product_models"


def _model_files(folder: Path | Traversable) -> list[Path | Traversable]:
    return sorted(
        (f for f in folder.iterdir() if f.name.endswith(".toml") and f.is_file()), key=lambda f: f.name
    )


def load_models_with_sources(user_dir: Path | str | None = None) -> dict[str, LoadedModel]:
    """Every shipped model plus those in ``user_dir``, by id, in file order.

    Raises :class:`ModelFileError` for the first file that fails; a duplicate id is an error
    naming both files (a region's model cannot silently replace a shipped one).
    """
    folders: list[tuple[Path | Traversable, bool]] = [(shipped_models_dir(), True)]
    if user_dir is not None:
        user_folder = Path(user_dir)
        if not user_folder.is_dir():
            raise ModelFileError(str(user_folder), "", "the models folder does not exist or is not a folder")
        folders.append((user_folder, False))
    loaded: dict[str, LoadedModel] = {}
    for folder, shipped in folders:
        for path in _model_files(folder):
            model = load_model_file(path)
            source = path.name if shipped else str(path)
            if model.info.id in loaded:
                raise ModelFileError(
                    path.name,
                    "id",
                    f"duplicate id {model.info.id!r}, also defined in {loaded[model.info.id].source}",
                )
            loaded[model.info.id] = LoadedModel(model, source, shipped)
    return loaded


def load_models(user_dir: Path | str | None = None) -> dict[str, ProductModel]:
    """Every shipped model plus those in ``user_dir`` (validated), by id."""
    return {model_id: loaded.model for model_id, loaded in load_models_with_sources(user_dir).items()}
