# SPDX-License-Identifier: EUPL-1.2
"""Fixtures for the conformance tests: where the official iStandaarden material lives.

The material is read-only reference outside the repository; tests skip when it is absent.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from zorginkoop.domain.codes import Law

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "istandaarden"
XS = "{http://www.w3.org/2001/XMLSchema}"


def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"official iStandaarden material not found at {REFERENCE}")
    return REFERENCE


def xsd_dir(law: Law) -> Path:
    return reference_dir() / ("iwmo-3.2" if law is Law.WMO else "ijw-3.2") / "xsd"


def examples_dir(law: Law) -> Path:
    return reference_dir() / ("iwmo-3.2" if law is Law.WMO else "ijw-3.2") / "examples"


WMO_RETOURS = ("302", "306", "308", "316", "318", "320")


@pytest.fixture(scope="session")
def reference() -> Path:
    return reference_dir()


@pytest.fixture(scope="session")
def jw_xsd_dir() -> Path:
    return xsd_dir(Law.JEUGD)


@pytest.fixture(scope="session")
def wmo_xsd_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The iWmo XSDs completed with the retour messages (see build_wmo_retour_xsd_dir)."""
    reference_dir()
    return build_wmo_retour_xsd_dir(tmp_path_factory.mktemp("wmo-xsd"))


@pytest.fixture(scope="session")
def xsd_dirs(jw_xsd_dir: Path, wmo_xsd_dir: Path) -> dict[Law, Path]:
    return {Law.JEUGD: jw_xsd_dir, Law.WMO: wmo_xsd_dir}


def build_wmo_retour_xsd_dir(target: Path) -> Path:
    """A folder with the iWmo XSDs plus WMO302...WMO320, made from the iJw XSDs.

    The standard publishes no iWmo XSD for the retour messages; they have the structure of
    their iJw counterparts in the wmo namespace with the iwmo basisschema. Test-only.
    """
    src = xsd_dir(Law.WMO)
    jw = xsd_dir(Law.JEUGD)
    target.mkdir(parents=True, exist_ok=True)
    for f in src.glob("*.xsd"):
        shutil.copy(f, target / f.name)
    for number in WMO_RETOURS:
        text = (jw / f"JW{number}.xsd").read_text(encoding="utf-8")
        text = text.replace(
            "http://www.istandaarden.nl/ijw/3_2/basisschema/schema",
            "http://www.istandaarden.nl/iwmo/3_2/basisschema/schema",
        )
        text = re.sub(
            r"http://www\.istandaarden\.nl/ijw/3_2/jw(\d+)/schema",
            r"http://www.istandaarden.nl/iwmo/3_2/wmo\1/schema",
            text,
        )
        text = re.sub(r"\bijw:", "iwmo:", text).replace("xmlns:ijw=", "xmlns:iwmo=")
        text = re.sub(r"\bjw(\d{3}):", r"wmo\1:", text)
        text = re.sub(r"xmlns:jw(\d{3})=", r"xmlns:wmo\1=", text)
        code = {"302": "415", "306": "419", "308": "421", "316": "445", "318": "481", "320": "483"}[number]
        jw_code = {"302": "437", "306": "439", "308": "441", "316": "447", "318": "487", "320": "489"}[number]
        text = text.replace(f'<xs:pattern value="{jw_code}"/>', f'<xs:pattern value="{code}"/>')
        text = text.replace("0.1.0", "1.0.0")
        (target / f"WMO{number}.xsd").write_text(text, encoding="utf-8")
    return target
