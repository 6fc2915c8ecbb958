# SPDX-License-Identifier: EUPL-1.2
"""Validation of OCDS 1.1.5 release packages against the published schema, read from
``../shared/reference/ocds-1.1.5`` (tests skip when it is absent; the product never reads it).

- The package schema refers to the release schema by its URL; a ``referencing`` registry maps
  that URL to the local file, so nothing is fetched.
- Each extension's ``release-schema.json`` is a JSON merge patch (RFC 7386) on the release schema,
  applied before validating (lots, awardCriteria).
- Code lists: every value of a field the schema ties to a code list must be a code of that list's
  CSV (closed lists always; the open ones too, since the product promises to use only standard
  codes, except the documented ``x_`` item classification scheme).
"""

from __future__ import annotations

import copy
import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

OCDS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "ocds-1.1.5"
EXTENSION_DIRS = ("lots", "awardCriteria")
OWN_CODES = {"itemClassificationScheme.csv": {"x_iStandaarden"}}
"""Codes the product adds to an open code list, each documented in domain/procurement/ocds.py."""


def ocds_dir() -> Path:
    if not (OCDS_DIR / "release-schema.json").is_file():
        pytest.skip(f"OCDS 1.1.5 reference not found at {OCDS_DIR} (needs ../shared beside the repo)")
    return OCDS_DIR


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: objects merge key by key, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def patched_release_schema() -> dict[str, Any]:
    """The release schema with the lots and awardCriteria extensions merged in."""
    base = ocds_dir()
    schema = _load(base / "release-schema.json")
    for name in EXTENSION_DIRS:
        schema = merge_patch(schema, _load(base / "extensions" / name / "release-schema.json"))
    return schema  # type: ignore[no-any-return]


@cache
def package_validator() -> Draft4Validator:
    base = ocds_dir()
    release_schema = patched_release_schema()
    registry: Registry[Any] = Registry().with_resource(
        release_schema["id"], Resource.from_contents(release_schema, default_specification=DRAFT4)
    )
    package_schema = _load(base / "release-package-schema.json")
    return Draft4Validator(package_schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


@cache
def codes(codelist: str) -> frozenset[str]:
    base = ocds_dir()
    candidates = [base / "codelists" / codelist] + [
        base / "extensions" / e / "codelists" / codelist for e in EXTENSION_DIRS
    ]
    path = next(p for p in candidates if p.is_file())
    with path.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))


def schema_errors(package: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in sorted(package_validator().iter_errors(package), key=lambda e: list(map(str, e.path)))
    ]


def coded_values(release: Any) -> Iterator[tuple[str, str, str]]:
    """(path, code list, value) for every value the release puts in a code-list field."""
    schema = patched_release_schema()
    yield from _walk(release, schema, schema, "")


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/definitions/"), ref
        node = root["definitions"][ref.removeprefix("#/definitions/")]
    return node


def _walk(data: Any, node: dict[str, Any], root: dict[str, Any], path: str) -> Iterator[tuple[str, str, str]]:
    node = _resolve(node, root)
    if "codelist" in node and data is not None:
        for value in data if isinstance(data, list) else [data]:
            yield path, node["codelist"], value
    if isinstance(data, dict):
        properties = node.get("properties", {})
        for key, value in data.items():
            if key in properties:
                yield from _walk(value, properties[key], root, f"{path}/{key}")
    elif isinstance(data, list) and isinstance(node.get("items"), dict):
        for i, value in enumerate(data):
            yield from _walk(value, node["items"], root, f"{path}/{i}")


def codelist_errors(package: dict[str, Any]) -> list[str]:
    errors = []
    for release in package["releases"]:
        for path, codelist, value in coded_values(release):
            if value not in codes(codelist) | OWN_CODES.get(codelist, set()):
                errors.append(f"{path}: {value!r} is not in {codelist}")
    return errors


def read_package(text: str) -> dict[str, Any]:
    """A package as written: numbers with a fraction become Decimal, so amounts stay exact."""
    return json.loads(text, parse_float=Decimal)  # type: ignore[no-any-return]


def assert_valid_package(package: dict[str, Any]) -> None:
    problems = schema_errors(package) + codelist_errors(package)
    assert not problems, "invalid OCDS package:\n" + "\n".join(problems[:20])
