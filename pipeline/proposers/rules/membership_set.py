"""`x in names` inside a loop, comprehension or generator, where `names` is a list or tuple the
loop never changes: every test scans it. A set built once before the loop answers each in
constant time — `names_set = set(names)`, then `x in names_set` — in `for`/`while` bodies and
tests, comprehension conditions and elements (`[m for m in msgs if m in contacts]`,
`any(t in allowed for t in tokens)`). `x in d.values()` scans too: `set(d.values())` once. A literal list or tuple of three or more constants right of
`in` becomes a set display (a constant, built once, by the compiler).

Exact when a hash lookup finds what the scan finds: the elements are str, int, bool, bytes or
tuples of them (declared, or a display of such literals that is never changed), the value looked
for has a declared or evident hashable type whose `==` agrees with `hash` (str, int, float, None,
tuples of them), and the list is neither rebound nor changed inside the loop (only read there:
searched, indexed, measured, iterated). Where the list or the value's type is unknown, the site
is still reported, and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._loops import aliased, bound_before, placement, repeaters, shared_by, source_changes
from pipeline.proposers.rules._types import arguments, element_of, head, is_hashable, is_interchangeable, shape_of

__all__ = ["MembershipSet"]

_SEQUENCES = frozenset({"list", "tuple", "Sequence", "MutableSequence"})
_SMALLEST_DISPLAY = 3


@dataclass(frozen=True)
class _Site:
    haystacks: tuple[cst.BaseExpression, ...]  # the names (or one display) right of `in`
    anchor: cst.CSTNode | None  # where the set is built (None: a display, replaced in place)
    name: str


class MembershipSet(FunctionRule[_Site]):
    NAME: ClassVar[str] = "loop-membership-to-set"
    DESCRIPTION: ClassVar[str] = "`in` tests against an unchanging list inside a loop go to a set built once"
    DIAGNOSTIC: ClassVar[str] = "quadratic-membership"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.haystacks[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        groups: dict[tuple[int, str], list[cst.BaseExpression]] = {}
        anchors: dict[int, cst.CSTNode] = {}
        found: list[_Site] = []
        for node in facts.walk(facts.function.body):
            if not (isinstance(node, cst.ComparisonTarget) and isinstance(node.operator, (cst.In, cst.NotIn))):
                continue
            comparison = facts.parents.get(node)
            assert isinstance(comparison, cst.Comparison)
            probe = _probe(comparison, node)
            haystack = node.comparator
            if isinstance(haystack, (cst.List, cst.Tuple)):
                if _display_site(facts, haystack, probe):
                    found.append(_Site((haystack,), None, ""))
            elif isinstance(haystack, cst.Name) and (anchor := _anchor(facts, haystack, probe, refusals)) is not None:
                anchors[id(anchor)] = anchor
                groups.setdefault((id(anchor), haystack.value), []).append(haystack)
            elif isinstance(haystack, cst.Call) and (anchor := _values_anchor(facts, haystack, probe, refusals)) is not None:
                anchors[id(anchor)] = anchor
                groups.setdefault((id(anchor), code(haystack)), []).append(haystack)
        return found + [_Site(tuple(nodes), anchors[key], name) for (key, name), nodes in groups.items()]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if site.anchor is None:
            display = site.haystacks[0]
            assert isinstance(display, (cst.List, cst.Tuple))
            members = ", ".join(code(e.value) for e in display.elements)
            return replace(facts.function, {display: expression(f"{{{members}}}")})
        name = facts.fresh(f"{site.name.replace('.values()', '_values')}_set")
        mapping: dict[cst.CSTNode, Replacement] = {h: cst.Name(name) for h in site.haystacks}
        return replace(facts.function, mapping, before={site.anchor: statements(f"{name} = set({site.name})")})


def _probe(comparison: cst.Comparison, target: cst.ComparisonTarget) -> cst.BaseExpression:
    """What is looked for: the operand left of this `in` in a (possibly chained) comparison."""
    index = next(i for i, t in enumerate(comparison.comparisons) if t is target)
    return comparison.left if index == 0 else comparison.comparisons[index - 1].comparator


def _display_site(facts: Facts, display: cst.List | cst.Tuple, probe: cst.BaseExpression) -> bool:
    items = [e.value for e in display.elements if isinstance(e, cst.Element)]
    if len(items) < _SMALLEST_DISPLAY or len(items) != len(display.elements) or not repeaters(facts, display):
        return False
    if not all(isinstance(i, (cst.SimpleString, cst.Integer)) for i in items):
        return False
    kinds = {code(t) if (t := type_of(facts, i)) is not None else "" for i in items}
    if len(kinds) != 1 or kinds.pop() not in ("str", "int", "bytes"):
        return False
    return is_hashable(type_of(facts, probe))  # a few constants scanned: not worth a report otherwise


def _elements(facts: Facts, name: str) -> tuple[str | None, cst.BaseExpression | None]:
    """(the kind of sequence, its element type) of a name: declared, or evident from its values."""
    shape = shape_of(facts, cst.Name(name))
    declared = facts.annotation(name)
    if declared is not None or facts.param(name) is not None:
        return (shape.kind if shape else None), (shape.element if shape else None)
    assigned = facts.assigned_values(name)
    if assigned is None:  # a loop variable: its declared or evident type
        typed = type_of(facts, cst.Name(name))
        return (head(typed), element_of(typed)) if typed is not None else (None, None)
    values = assigned
    kinds = {shape.kind} if shape else set()
    elements: set[str] = set()
    for value in values:
        if isinstance(value, (cst.List, cst.Tuple)):
            kinds.add("list" if isinstance(value, cst.List) else "tuple")
            elements |= {code(t) if (t := type_of(facts, e.value)) is not None else "" for e in value.elements}
        else:
            typed = type_of(facts, value)
            element = element_of(typed) if typed is not None else None
            kinds |= {head(typed) or ""} if typed is not None else set()
            elements.add(code(element) if element is not None else "")
    unchanged = all(facts.read_only(u) for u in facts.loads(name))
    if len(kinds) != 1 or len(elements) != 1 or "" in elements or not unchanged:
        return (kinds.pop() if len(kinds) == 1 else None), None
    return kinds.pop(), expression(elements.pop())


def _anchor(facts: Facts, haystack: cst.Name, probe: cst.BaseExpression, refusals: Refusals) -> cst.CSTNode | None:
    """Where `set(haystack)` can be built for this test, or None (noting why, if it is the pattern)."""
    name = haystack.value
    if not repeaters(facts, haystack):
        return None
    kind, element = _elements(facts, name)
    if kind not in _SEQUENCES:
        return None  # a set, a dict, a str (substrings) or unknown: nothing to gain, or not the same test
    outer = shared_by(facts, haystack, frozenset({name}), read_only=True)
    around = repeaters(facts, haystack)
    beyond = around[around.index(outer) + 1] if outer is not None and outer is not around[-1] else None
    if outer is None or (beyond is not None and not facts.bindings(name, beyond)):
        return None  # grown in the loop: list-membership-to-set's and membership-shadow-set's pattern
    if not is_interchangeable(element):
        refusals.refuse(haystack, f"the elements of {name} are not known to be str/int/bytes (or tuples of them)")
        return None
    if not is_hashable(type_of(facts, probe)):
        refusals.refuse(haystack, f"the type of {code(probe)} is not known to be hashable with `==` agreeing with `hash`")
        return None
    anchor = placement(facts, outer)
    shared = aliased(facts, name) or source_changes(facts, name, outer)
    if anchor is None or not bound_before(facts, name, anchor) or shared:
        refusals.refuse(haystack, f"{name} is not bound once before the loop, or is also held by another name")
        return None
    return anchor


def _values_anchor(facts: Facts, haystack: cst.Call, probe: cst.BaseExpression, refusals: Refusals) -> cst.CSTNode | None:
    """Where `set(d.values())` can be built for `x in d.values()` (a scan of the values) in a loop."""
    func = haystack.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "values" and isinstance(func.value, cst.Name) and not haystack.args):
        return None
    owner = func.value.value
    declared = type_of(facts, func.value)
    if declared is None or head(declared) not in ("dict", "Mapping", "MutableMapping") or not repeaters(facts, haystack):
        return None
    outer = shared_by(facts, haystack, frozenset({owner}), read_only=True)
    if outer is None:
        return None
    values = arguments(declared)
    if len(values) != 2 or not is_interchangeable(values[1]) or not is_hashable(type_of(facts, probe)):
        refusals.refuse(haystack, f"the values of {owner} or {code(probe)} are not known to be str/int/bytes (or tuples of them)")
        return None
    anchor = placement(facts, outer)
    if anchor is None or not facts.available_before(owner, anchor) or aliased(facts, owner):
        return None
    return anchor
