# SPDX-License-Identifier: EUPL-1.2
"""Model files: shipped ones load; broken ones fail whole, naming the file, the key and the problem."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zorginkoop.adapters.model_files import (
    ModelFileError,
    load_model_file,
    load_models,
    load_models_with_sources,
    shipped_models_dir,
)
from zorginkoop.domain.codes import FinancingVariant, Frequency, Unit, WmoCategory
from zorginkoop.domain.product_models import Intake, ModelKind, evaluate


def shipped_text(name: str) -> str:
    return (shipped_models_dir() / f"{name}.toml").read_text(encoding="utf-8")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_models_load_with_their_header() -> None:
    models = load_models()
    assert set(models) == {"lekstroom-ozr", "lekstroom-2022", "twente"}
    matrix = models["lekstroom-2022"]
    assert matrix.info.kind is ModelKind.RESULT_AREA_MATRIX
    assert matrix.info.allocation.category is WmoCategory.BEGELEIDING
    assert matrix.product_count == 18
    assert models["lekstroom-ozr"].info.allocation.unit is Unit.UUR
    assert models["lekstroom-ozr"].info.allocation.frequency is Frequency.PER_WEEK
    assert models["twente"].info.financing_variant is FinancingVariant.OUTPUT


def test_missing_cell_names_file_key_and_cell(tmp_path: Path) -> None:
    text = shipped_text("lekstroom-2022")
    last = '  { band = "5",   type = "ontwikkelen", intensity = "plusplus",  product_code = "02O33", monthly_tariff = "1360.00" },\n'
    assert last in text
    path = write(tmp_path, "lekstroom-2022", text.replace(last, ""))
    with pytest.raises(ModelFileError) as caught:
        load_model_file(path)
    assert str(caught.value) == "lekstroom-2022.toml: cells: missing cell 5 areas / ontwikkelen / plusplus"


def test_amount_with_a_comma_is_not_an_amount(tmp_path: Path) -> None:
    text = shipped_text("lekstroom-2022").replace('monthly_tariff =  "420.00"', 'monthly_tariff = "12,50"')
    with pytest.raises(ModelFileError) as caught:
        load_model_file(write(tmp_path, "lekstroom-2022", text))
    message = str(caught.value)
    assert message.startswith("lekstroom-2022.toml: cells[1].monthly_tariff: ")
    assert '"12,50" is not an amount in euros' in message


def test_float_amount_is_refused(tmp_path: Path) -> None:
    text = shipped_text("lekstroom-ozr").replace('hourly_tariff = "52.17"', "hourly_tariff = 52.17")
    with pytest.raises(ModelFileError, match=r"products\[0\]\.hourly_tariff: 52\.17 is a number"):
        load_model_file(write(tmp_path, "lekstroom-ozr", text))


def test_unknown_kind(tmp_path: Path) -> None:
    text = shipped_text("twente").replace('kind = "perspective-budget"', 'kind = "lottery"')
    with pytest.raises(ModelFileError) as caught:
        load_model_file(write(tmp_path, "twente", text))
    assert str(caught.value).startswith(
        "twente.toml: kind: 'lottery' is not one of: hourly, result-area-matrix"
    )


def test_misspelt_key_is_an_error(tmp_path: Path) -> None:
    text = shipped_text("lekstroom-ozr").replace("max_per_week", "max_per_wek")
    with pytest.raises(ModelFileError, match=re.escape("lekstroom-ozr.toml: hours.max_per_week: is missing")):
        load_model_file(write(tmp_path, "lekstroom-ozr", text))


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=re.escape("broken.toml: not valid TOML")):
        load_model_file(write(tmp_path, "broken", "id = \n"))


def test_unit_must_fit_the_financing_variant(tmp_path: Path) -> None:
    text = shipped_text("twente").replace('unit = "83"', 'unit = "04"')
    with pytest.raises(
        ModelFileError, match=r"twente\.toml: allocation\.unit: unit 04 .* not allowed for outputgericht"
    ):
        load_model_file(write(tmp_path, "twente", text))


def test_user_folder_adds_a_model(tmp_path: Path) -> None:
    text = (
        shipped_text("lekstroom-2022")
        .replace('id = "lekstroom-2022"', 'id = "regio-west-2025"')
        .replace('region = "Lekstroom"', 'region = "Regio West"')
        .replace('"265.00"', '"280.00"')
    )
    write(tmp_path, "regio-west-2025", text)
    loaded = load_models_with_sources(tmp_path)
    assert set(loaded) == {"lekstroom-ozr", "lekstroom-2022", "twente", "regio-west-2025"}
    assert not loaded["regio-west-2025"].shipped
    intake = Intake(months=12, areas=("zelfzorg-gezondheid",), support_type="behouden", intensity="gemiddeld")
    assert str(evaluate(loaded["regio-west-2025"].model, intake).monthly_tariff) == "280.00"


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    write(tmp_path, "twente", shipped_text("twente"))
    with pytest.raises(
        ModelFileError, match=re.escape("twente.toml: id: duplicate id 'twente', also defined in twente.toml")
    ):
        load_models(tmp_path)


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    with pytest.raises(
        ModelFileError, match=re.escape("other.toml: id: 'twente' must equal the file name 'other'")
    ):
        load_model_file(write(tmp_path, "other", shipped_text("twente")))


def test_a_broken_user_file_stops_the_load(tmp_path: Path) -> None:
    write(tmp_path, "half", 'id = "half"\nname = "Half"\n')
    with pytest.raises(ModelFileError, match=re.escape("half.toml: region: is missing")):
        load_models(tmp_path)


def test_missing_user_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        load_models(tmp_path / "nope")
