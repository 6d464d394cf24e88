"""`xs.index(x)` inside a loop or comprehension scans `xs` from the start for every item. A dict of
first positions, built once before the loop, answers each in constant time:

    xs_positions: dict[str, int] = {}
    for xs_position, xs_item in enumerate(xs):
        xs_positions.setdefault(xs_item, xs_position)
    for x in items:
        at = (xs_positions[x] if x in xs_positions else xs.index(x))

A value that is not there still goes to `xs.index`, which raises the same ValueError. Exact when
the elements are str/int/bytes (or tuples of them: equal values are interchangeable and `==`
agrees with `hash`), the value looked for is a plain name (or a str method of one) of the
elements' type, and the list is neither rebound nor changed inside the loop (nor held by
another name). `str.index` (a substring search) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._loops import aliased, bound_before, placement, repeaters, shared_by, source_changes
from pipeline.proposers.rules._types import is_interchangeable, shape_of

__all__ = ["PositionIndex"]

_SEQUENCES = frozenset({"list", "tuple", "Sequence", "MutableSequence"})
_PURE_STR = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"})


@dataclass(frozen=True)
class _Site:
    calls: tuple[cst.Call, ...]
    sequence: str
    element: str
    anchor: cst.CSTNode


class PositionIndex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "index-to-position-dict"
    DESCRIPTION: ClassVar[str] = "list.index inside a loop becomes a lookup in a dict of first positions built once"
    DIAGNOSTIC: ClassVar[str] = "linear-search-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.calls[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        groups: dict[tuple[int, str], list[cst.Call]] = {}
        anchors: dict[int, tuple[cst.CSTNode, str]] = {}
        for node in facts.walk(facts.function.body):
            found = _search(facts, node, refusals) if isinstance(node, cst.Call) else None
            if found is not None and isinstance(node, cst.Call):
                anchor, sequence, element = found
                anchors[id(anchor)] = (anchor, element)
                groups.setdefault((id(anchor), sequence), []).append(node)
        return [_Site(tuple(calls), sequence, anchors[key][1], anchors[key][0]) for (key, sequence), calls in groups.items()]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        table = facts.fresh(f"{site.sequence}_positions")
        position, item = facts.fresh(f"{site.sequence}_position"), facts.fresh(f"{site.sequence}_item")
        build = statements(f"""
            {table}: dict[{site.element}, int] = {{}}
            for {position}, {item} in enumerate({site.sequence}):
                {table}.setdefault({item}, {position})
            """)
        mapping: dict[cst.CSTNode, Replacement] = {}
        for call in site.calls:
            probe = code(call.args[0].value)
            mapping[call] = expression(f"({table}[{probe}] if {probe} in {table} else {code(call)})")
        return replace(facts.function, mapping, before={site.anchor: build})


def _plain(probe: cst.BaseExpression) -> bool:
    """A name, or a pure str method of one: evaluating it again changes nothing."""
    if isinstance(probe, cst.Call) and isinstance(probe.func, cst.Attribute) and not probe.args:
        return probe.func.attr.value in _PURE_STR and _plain(probe.func.value)
    return isinstance(probe, cst.Name)


def _fallback(facts: Facts, call: cst.Call) -> bool:
    """The `else` of `(positions[x] if x in positions else xs.index(x))`: it only runs to raise."""
    parent = facts.parents.get(call)
    test = parent.test if isinstance(parent, cst.IfExp) and parent.orelse is call else None
    return (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.In)
            and test.left.deep_equals(call.args[0].value))


def _search(facts: Facts, call: cst.Call, refusals: Refusals) -> tuple[cst.CSTNode, str, str] | None:
    """(where to build the dict, the list, its element type) for `xs.index(x)` in a loop."""
    func, args = call.func, call.args
    if not (isinstance(func, cst.Attribute) and func.attr.value == "index" and isinstance(func.value, cst.Name)):
        return None
    if len(args) != 1 or args[0].keyword or args[0].star or not repeaters(facts, call) or _fallback(facts, call):
        return None
    sequence = func.value.value
    shape = shape_of(facts, func.value)
    if shape is None or shape.kind not in _SEQUENCES:
        return None
    outer = shared_by(facts, call, frozenset({sequence}), read_only=True)
    if outer is None:
        return None  # the list changes from one pass to the next
    probe, element = args[0].value, shape.element
    probed = type_of(facts, probe)
    if not is_interchangeable(element) or not _plain(probe) or probed is None or element is None or code(probed) != code(element):
        refusals.refuse(call, f"the elements of {sequence} and {code(probe)} are not known to be the same str/int/bytes type")
        return None
    anchor = placement(facts, outer)
    shared = aliased(facts, sequence) or source_changes(facts, sequence, outer)
    if anchor is None or not bound_before(facts, sequence, anchor) or shared:
        refusals.refuse(call, f"{sequence} is not bound once before the loop, or is also held by another name")
        return None
    return anchor, sequence, code(element)
