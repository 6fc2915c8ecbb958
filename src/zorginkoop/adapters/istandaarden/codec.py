# SPDX-License-Identifier: EUPL-1.2
"""Generic, declaration-driven conversion between message models and XML.

The declarations in :mod:`.schema` give the element names, order and namespaces; the model
classes in :mod:`.models` give the Python types (through their annotations). One reader and one
writer serve all 28 message types. The reader expects a structurally valid tree (run
:func:`.structure.check_structure` first, as :func:`.messages.read_message` does).
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, time
from functools import cache
from typing import Any

from lxml import etree

from zorginkoop.domain.money import Money

from .schema import ComplexType, MessageSpec, SimpleType


def snake(name: str) -> str:
    """``ToewijzingNummer`` -> ``toewijzing_nummer``; ``Telefoon01`` -> ``telefoon01``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def base_of(spec: MessageSpec, st: SimpleType) -> SimpleType:
    """The basisschema type an anonymous restriction derives from (or ``st`` itself)."""
    if st.restricts:
        parent = spec.simple_type(st.restricts)
        assert parent is not None
        return parent
    return st


@dataclass(frozen=True, slots=True)
class _Slot:
    element: str
    attr: str
    min_occurs: int
    repeats: bool  # flattened list wrapper or repeated element -> tuple
    wrapper: str | None  # element name of the list item when the field is a wrapper
    simple: SimpleType | None  # leaf type (for a wrapper: of the item)
    money: bool
    cls: type | None  # model class of a complex child (for a wrapper: of the item)
    ctype: ComplexType | None  # declaration of the child (for a wrapper: of the item)


def _target_class(hint: Any) -> type | None:
    """The model class in ``X | None`` or ``tuple[X, ...]`` (None for leaf types)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _target_class(args[0])
    if origin is tuple:
        return _target_class(typing.get_args(hint)[0])
    if isinstance(hint, type) and is_dataclass(hint):
        return hint
    return None


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def plan(spec: MessageSpec, type_name: str, cls: Any) -> tuple[_Slot, ...]:
    """How the fields of ``cls`` map to the elements of complex type ``type_name``."""
    ctype = spec.complex_type(type_name)
    assert ctype is not None, type_name
    hints = _hints(cls)
    known = {f.name for f in fields(cls)}
    slots = []
    for f in ctype.fields:
        attr = snake(f.name)
        if attr not in known:
            raise TypeError(
                f"{cls.__name__} has no attribute {attr} for element {f.name} of {spec.name} {type_name}"
            )
        child_ctype = spec.complex_type(f.type)
        wrapper = None
        repeats = f.repeats
        simple = spec.simple_type(f.type)
        if child_ctype is not None and child_ctype.list_item is not None and not child_ctype.basis:
            item = child_ctype.list_item
            wrapper, repeats = item.name, True
            simple = spec.simple_type(item.type)
            child_ctype = spec.complex_type(item.type)
        cls_hint = _target_class(hints[attr])
        money = simple is not None and base_of(spec, simple).money
        slots.append(
            _Slot(f.name, attr, f.min_occurs, repeats, wrapper, simple, money, cls_hint, child_ctype)
        )
    return tuple(slots)


# -- reading -------------------------------------------------------------------------------------
def leaf_value(spec: MessageSpec, st: SimpleType, text: str) -> Any:
    base = base_of(spec, st)
    if base.base == "string":
        return text
    value = text.strip()
    if base.base == "integer":
        number = int(value)
        return Money(number) if base.money else number
    if base.base == "date":
        return date.fromisoformat(value)
    return time.fromisoformat(value)


def read_element(spec: MessageSpec, type_name: str, cls: type, el: etree._Element) -> Any:
    """Build a model object of class ``cls`` from element ``el`` declared as ``type_name``."""
    by_name: dict[str, list[etree._Element]] = {}
    for child in el:
        if isinstance(child.tag, str):
            by_name.setdefault(child.tag.rpartition("}")[2], []).append(child)
    kwargs: dict[str, Any] = {}
    for slot in plan(spec, type_name, cls):
        found = by_name.get(slot.element, [])
        items = [i for w in found for i in w if isinstance(i.tag, str)] if slot.wrapper else found
        values = [_read_value(spec, slot, item) for item in items]
        if slot.repeats:
            kwargs[slot.attr] = tuple(values)
        elif values:
            kwargs[slot.attr] = values[0]
        elif slot.min_occurs == 0:
            kwargs[slot.attr] = None
    return cls(**kwargs)


def _read_value(spec: MessageSpec, slot: _Slot, el: etree._Element) -> Any:
    if slot.simple is not None:
        return leaf_value(spec, slot.simple, el.text or "")
    assert slot.cls is not None and slot.ctype is not None
    return read_element(spec, slot.ctype.name, slot.cls, el)


# -- writing -------------------------------------------------------------------------------------
def text_of(value: Any) -> str:
    if isinstance(value, Money):
        return str(value.cents)
    if isinstance(value, bool):
        raise TypeError("booleans are written as codes (COD260: 1 ja, 2 nee)")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def write_element(spec: MessageSpec, type_name: str, obj: Any, el: etree._Element) -> None:
    """Append the children of ``obj`` (declared as ``type_name``) to element ``el``."""
    ctype = spec.complex_type(type_name)
    assert ctype is not None
    ns = spec.basis_namespace if ctype.basis else spec.namespace
    for slot in plan(spec, type_name, obj.__class__):
        value = getattr(obj, slot.attr)
        if value is None or (slot.repeats and not value and slot.min_occurs == 0):
            continue
        if slot.wrapper:
            wrapper = etree.SubElement(el, f"{{{ns}}}{slot.element}")
            for item in value:
                _write_value(
                    spec, slot, item, etree.SubElement(wrapper, f"{{{spec.namespace}}}{slot.wrapper}")
                )
        elif slot.repeats:
            for item in value:
                _write_value(spec, slot, item, etree.SubElement(el, f"{{{ns}}}{slot.element}"))
        else:
            _write_value(spec, slot, value, etree.SubElement(el, f"{{{ns}}}{slot.element}"))


def _write_value(spec: MessageSpec, slot: _Slot, value: Any, el: etree._Element) -> None:
    if slot.simple is not None:
        el.text = text_of(value)
    else:
        assert slot.ctype is not None
        write_element(spec, slot.ctype.name, value, el)


def to_tree(spec: MessageSpec, bericht: Any) -> etree._Element:
    """The ``Bericht`` element of ``bericht`` as message ``spec``."""
    nsmap = {spec.prefix: spec.namespace, spec.basis_prefix: spec.basis_namespace}
    root = etree.Element(f"{{{spec.namespace}}}Bericht", nsmap=nsmap)
    write_element(spec, "Root", bericht, root)
    return root


def to_bytes(root: etree._Element) -> bytes:
    """Pretty-printed UTF-8 with an XML declaration."""
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
