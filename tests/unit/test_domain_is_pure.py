# SPDX-License-Identifier: EUPL-1.2
"""The domain stays pure: standard library, the domain itself and python-stdnum only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "src" / "zorginkoop" / "domain"
ALLOWED_PACKAGES = {"zorginkoop.domain", "stdnum"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: stays inside the domain package
                continue
            found.append((node.lineno, node.module or ""))
    return found


def is_allowed(module: str) -> bool:
    top = module.split(".", maxsplit=1)[0]
    if top in sys.stdlib_module_names or module == "__future__":
        return True
    return any(module == p or module.startswith(p + ".") for p in ALLOWED_PACKAGES)


DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))


def test_the_domain_has_modules_to_check() -> None:
    assert any(p.name == "money.py" for p in DOMAIN_FILES)


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_only_the_standard_library_and_the_domain(path: Path) -> None:
    offending = [
        f"{path.name}:{line} imports {module}"
        for line, module in imported_modules(path)
        if not is_allowed(module)
    ]
    assert not offending, "the domain must stay pure: " + "; ".join(offending)


def test_the_check_catches_a_framework_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom zorginkoop.adapters import db\nfrom decimal import Decimal\n")
    assert [m for _, m in imported_modules(bad) if not is_allowed(m)] == ["sqlalchemy", "zorginkoop.adapters"]
