# SPDX-License-Identifier: EUPL-1.2
"""Property-based round trips: any model the declarations allow is written XSD-valid, passes our
own structure check and reads back equal.

The strategies are derived from the declarations in ``schema.py`` (facets, code lists,
occurrences), so every message type is covered without hand-written generators.
"""

from __future__ import annotations

import string
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zorginkoop.adapters.istandaarden import codec
from zorginkoop.adapters.istandaarden.codelists import codes_for
from zorginkoop.adapters.istandaarden.messages import read_message, validate_message, write_message
from zorginkoop.adapters.istandaarden.models import BERICHT_CLASSES
from zorginkoop.adapters.istandaarden.schema import (
    MESSAGE_NUMBERS,
    MessageSpec,
    SimpleType,
    message_spec,
)
from zorginkoop.adapters.istandaarden.xsd import validate_with_xsd
from zorginkoop.domain.codes import Law
from zorginkoop.domain.money import Money

# XML-safe text: no control characters (XML 1.0 forbids most; CR is normalised away), no
# surrogates or non-characters.
_CHARS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn"))
_LINE = st.one_of(_CHARS, st.just(" "))


def _nonblank(max_size: int, alphabet: st.SearchStrategy[str] = _LINE) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).filter(lambda s: s.strip(" \t\n\r") != "")


def leaf(spec: MessageSpec, t: SimpleType) -> st.SearchStrategy[Any]:
    base = codec.base_of(spec, t)
    if t.name in ("BerichtCode", "BerichtVersie", "BerichtSubversie"):
        return st.just(t.pattern if t.name == "BerichtCode" else int(t.pattern or 0))
    if t.name == "DeclaratieNummer":
        return st.text(string.ascii_letters + string.digits, min_size=1, max_size=12)
    if base.codelist:
        return st.sampled_from(codes_for(spec.law, base.name))
    if base.base == "integer":
        ints = st.integers(base.min_inclusive, base.max_inclusive)
        return ints.map(Money) if base.money else ints
    if base.base == "date":
        return st.dates(date(1900, 1, 1), date(2100, 12, 31))
    if base.base == "time":
        return st.times()
    size = base.max_length or 60
    pattern = base.pattern
    if pattern and pattern.startswith("[0-9]{"):
        return st.from_regex(rf"\A{pattern}\Z", fullmatch=True)
    if pattern == "[0-9]*":
        return st.text(string.digits, min_size=1, max_size=size)
    if pattern and pattern.startswith("(0|"):
        return st.tuples(*[st.integers(0, 999)] * 3).map(lambda v: ".".join(map(str, v)))
    if pattern and pattern.startswith("([a-zA-Z"):
        return st.text(string.ascii_letters + "ÀÉéüÿ", min_size=1, max_size=size)
    if pattern == r"([.\s]*\S+[.\s]*)+":
        return _nonblank(80, st.one_of(_LINE, st.just("\n")))
    if pattern:
        return _nonblank(size)
    return st.text(_LINE, min_size=base.min_length or 0, max_size=size)


def model(spec: MessageSpec, type_name: str, cls: type, depth: int = 0) -> st.SearchStrategy[Any]:
    kwargs: dict[str, st.SearchStrategy[Any]] = {}
    for slot in codec.plan(spec, type_name, cls):
        if slot.simple is not None:
            one = leaf(spec, slot.simple)
        else:
            assert slot.ctype is not None and slot.cls is not None
            one = model(spec, slot.ctype.name, slot.cls, depth + 1)
        if slot.repeats:
            lo = 0 if slot.min_occurs == 0 else 1
            kwargs[slot.attr] = st.lists(one, min_size=lo, max_size=2).map(tuple)
        elif slot.min_occurs == 0:
            kwargs[slot.attr] = st.none() | one
        else:
            kwargs[slot.attr] = one
    return st.builds(cls, **kwargs)


CASES = [(law, n) for law in Law for n in MESSAGE_NUMBERS]


@pytest.mark.parametrize(("law", "number"), CASES, ids=[f"{lw.value}{n}" for lw, n in CASES])
def test_any_declared_model_round_trips_xsd_valid(law: Law, number: str, xsd_dirs: dict[Law, Path]) -> None:
    spec = message_spec(law, number)
    strategy = model(spec, "Root", BERICHT_CLASSES[number])

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def check(bericht: Any) -> None:
        data = write_message(bericht, law=law, number=number)
        assert validate_with_xsd(data, xsd_dirs[law]) == []
        assert validate_message(data, rules=False).valid
        assert read_message(data).bericht == bericht

    check()
