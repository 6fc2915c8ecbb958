# SPDX-License-Identifier: EUPL-1.2
"""Layers (a) and (b): structure and datatypes as the XSD defines them, and code lists.

Walks a parsed message against the declarations of :mod:`.schema` and reports, with path and
line, every element that is missing, unexpected or out of order, and every value that breaks
its datatype (XSD facets: pattern, length, range; valid dates and times). A code that is not
in its code list is reported with the code list id (``WJ756``...). Findings carry code
``XSD`` (or the code list id) and retourcode ``0001``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from functools import cache

from lxml import etree

from .codec import base_of
from .codelists import CodeList, codelist_for
from .errors import ValidationError
from .safe import local_name, namespace_of
from .schema import ComplexType, Field, MessageSpec, SimpleType, spec_for_namespace

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@cache
def xsd_regex(pattern: str) -> re.Pattern[str]:
    """Translate an XSD pattern to a Python regex (implicitly anchored).

    Differences handled: XSD ``.`` excludes CR and LF; ``\\s``/``\\S`` mean the four XML
    whitespace characters only. The basisschema uses nothing more exotic.
    """
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(" \\t\\n\\r" if in_class else "[ \\t\\n\\r]")
            elif nxt == "S" and not in_class:
                out.append("[^ \\t\\n\\r]")
            else:
                out.append(c + nxt)
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "." and not in_class:
            out.append("[^\\n\\r]")
            i += 1
            continue
        elif c in "^$" and not in_class:
            out.append("\\" + c)  # no anchors in XSD regexes: literal characters
            i += 1
            continue
        out.append(c)
        i += 1
    return re.compile("".join(out))


# Patterns whose literal translation backtracks badly on long input get an equivalent
# linear check (LDT_Commentaar has no maximum length).
_EQUIVALENT = {
    r"([.\s]*\S+[.\s]*)+": lambda v: re.search(r"[^ \t\n\r]", v) is not None,
    r".*[^\s].*": lambda v: re.search(r"[^ \t\n\r]", v) is not None and not re.search(r"[\n\r]", v),
}

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?")


def check_value(spec: MessageSpec, st: SimpleType, raw: str) -> str | None:
    """Why ``raw`` is not a valid ``st`` (None when it is). Code lists are not checked here."""
    return _value_check(spec, st)(raw)


@cache
def _value_check(spec: MessageSpec, st: SimpleType) -> Callable[[str], str | None]:
    """The check of one simple type, worked out once: its base, facets and compiled pattern."""
    chain = [base_of(spec, st), st] if st.restricts else [st]
    base = chain[0].base
    facets = [
        (
            t.min_length,
            t.max_length,
            t.pattern,
            _EQUIVALENT.get(t.pattern) if t.pattern is not None else None,
            xsd_regex(t.pattern) if t.pattern is not None and t.pattern not in _EQUIVALENT else None,
            t.min_inclusive,
            t.max_inclusive,
        )
        for t in chain
    ]

    def check(raw: str) -> str | None:
        value = raw if base == "string" else raw.strip(" \t\n\r")
        if base == "integer" and not _INTEGER.fullmatch(value):
            return "not an integer"
        if base == "date":
            m = _DATE.fullmatch(value)
            if not m:
                return "not a date (YYYY-MM-DD)"
            try:
                date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return "not an existing calendar date"
        if base == "time":
            m = _TIME.fullmatch(value)
            if not m:
                return "not a time (hh:mm:ss)"
            try:
                time(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return "not an existing time of day"
        for min_length, max_length, pattern, equivalent, compiled, min_inclusive, max_inclusive in facets:
            if min_length is not None and len(value) < min_length:
                return f"shorter than {min_length} characters"
            if max_length is not None and len(value) > max_length:
                return f"longer than {max_length} characters"
            if pattern is not None:
                ok = (
                    equivalent(value)
                    if equivalent
                    else compiled is not None and compiled.fullmatch(value) is not None
                )
                if not ok:
                    return f"does not match the pattern {pattern}"
            if min_inclusive is not None and int(value) < min_inclusive:
                return f"less than {min_inclusive}"
            if max_inclusive is not None and int(value) > max_inclusive:
                return f"more than {max_inclusive}"
        return None

    return check


def _child_path(parent: str, name: str, index: int | None) -> str:
    return f"{parent}/{name}" + (f"[{index}]" if index is not None else "")


def _check_simple(
    spec: MessageSpec, st: SimpleType, el: etree._Element, path: str, errors: list[ValidationError]
) -> None:
    if len(el):
        name = local_name(el)
        errors.append(
            ValidationError(
                "XSD", f"element {name} must contain text only, not elements", path, el.sourceline
            )
        )
        return
    if el.attrib:
        for attr in el.attrib:
            if namespace_of(attr) != XSI:
                name = local_name(el)
                errors.append(
                    ValidationError(
                        "XSD", f"element {name} may not have attribute {attr}", path, el.sourceline
                    )
                )
                return
    raw = el.text or ""
    problem = _value_check(spec, st)(raw)
    if problem:
        name = local_name(el)
        errors.append(
            ValidationError(
                "XSD",
                f"{name}: {raw!r} is not a valid {base_of(spec, st).name}: {problem}",
                path,
                el.sourceline,
            )
        )
        return
    codes = _codelist_of(spec, st)
    if codes is not None and raw not in codes:
        name = local_name(el)
        errors.append(
            ValidationError(
                codes.id, f"{name}: {raw!r} is not a code of {codes.id} {codes.name}", path, el.sourceline
            )
        )


@cache
def _codelist_of(spec: MessageSpec, st: SimpleType) -> CodeList | None:
    base = base_of(spec, st)
    return codelist_for(spec.law, base.name) if base.codelist else None


class _LocalName:
    """An element's local name, worked out only when an error message needs it."""

    __slots__ = ("el",)

    def __init__(self, el: etree._Element) -> None:
        self.el = el

    def __str__(self) -> str:
        return str(local_name(self.el))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _check_complex(
    spec: MessageSpec, ctype: ComplexType, el: etree._Element, path: str, errors: list[ValidationError]
) -> None:
    name = _LocalName(el)
    if el.text and el.text.strip(" \t\n\r"):
        errors.append(ValidationError("XSD", f"element {name} may not contain text", path, el.sourceline))
    for attr in el.attrib:
        if namespace_of(attr) != XSI:
            errors.append(
                ValidationError("XSD", f"element {name} may not have attribute {attr}", path, el.sourceline)
            )
    children = [c for c in el if isinstance(c.tag, str)]
    for c in children:
        if c.tail and c.tail.strip(" \t\n\r"):
            errors.append(ValidationError("XSD", f"element {name} may not contain text", path, c.sourceline))
            break
    ns = spec.basis_namespace if ctype.basis else spec.namespace
    i = 0
    expected: list[str] = []
    for f in ctype.fields:
        tag = f"{{{ns}}}{f.name}"
        count = 0
        while i < len(children) and children[i].tag == tag and (f.max_occurs is None or count < f.max_occurs):
            count += 1
            index = count if f.repeats else None
            _check_element(spec, f.type, children[i], _child_path(path, f.name, index), errors)
            i += 1
            expected = []
        if count < f.min_occurs:
            expected.append(f.name)
            if i < len(children):
                _unexpected(children[i], expected, path, errors)
            else:
                errors.append(
                    ValidationError(
                        "XSD", f"element {name} is missing required element {f.name}", path, el.sourceline
                    )
                )
            return
        if f.max_occurs is None or count < f.max_occurs:
            expected.append(f.name)
    if i < len(children):
        _unexpected(children[i], expected, path, errors)


@cache
def _tags(spec: MessageSpec, ctype: ComplexType) -> tuple[tuple[Field, str], ...]:
    ns = spec.basis_namespace if ctype.basis else spec.namespace
    return tuple((f, f"{{{ns}}}{f.name}") for f in ctype.fields)


def _unexpected(child: etree._Element, expected: list[str], path: str, errors: list[ValidationError]) -> None:
    name, namespace = local_name(child), namespace_of(child) or None
    hint = f"; expected {' or '.join(expected)}" if expected else "; no more elements expected"
    errors.append(
        ValidationError(
            "XSD",
            f"element {name} (namespace {namespace}) is not expected here{hint}",
            _child_path(path, name, None),
            child.sourceline,
        )
    )


def _check_element(
    spec: MessageSpec, type_name: str, el: etree._Element, path: str, errors: list[ValidationError]
) -> None:
    ctype = spec.complex_type(type_name)
    if ctype is not None:
        _check_complex(spec, ctype, el, path, errors)
        return
    st = spec.simple_type(type_name)
    assert st is not None, type_name
    _check_simple(spec, st, el, path, errors)


def check_element(spec: MessageSpec, type_name: str, el: etree._Element, path: str) -> list[ValidationError]:
    """Layers (a) and (b) for one element declared as ``type_name`` (used when streaming)."""
    errors: list[ValidationError] = []
    _check_element(spec, type_name, el, path, errors)
    return errors


def identify(root: etree._Element) -> tuple[MessageSpec | None, list[ValidationError]]:
    """Which message this is, from the namespace of its root ``Bericht`` element."""
    root_namespace = namespace_of(root)
    spec = spec_for_namespace(root_namespace)
    if spec is None:
        return None, [
            ValidationError(
                "XSD",
                f"the root element is in namespace {root_namespace or '(none)'}, which is not "
                "an iWmo 3.2 or iJw 3.2 message namespace",
                f"/{local_name(root)}",
                root.sourceline,
            )
        ]
    if local_name(root) != "Bericht":
        return None, [
            ValidationError(
                "XSD",
                f"the root element must be Bericht, not {local_name(root)}",
                f"/{local_name(root)}",
                root.sourceline,
            )
        ]
    return spec, []


def check_structure(spec: MessageSpec, root: etree._Element) -> list[ValidationError]:
    """Layers (a) and (b) for a message already identified as ``spec``."""
    errors: list[ValidationError] = []
    _check_complex(spec, spec.types["Root"], root, "/Bericht", errors)
    return errors
