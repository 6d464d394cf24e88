"""An inner loop that applies the same pure str method to each of its items on every pass of an
outer loop — `for token in tokens: for keyword in keywords: if token == keyword.lower()` — maps
the items once, before the outer loop, and iterates over the mapped list:

    keywords_lower = [keyword.lower() for keyword in keywords]
    for token in tokens:
        for keyword in keywords_lower:
            if token == keyword:

The mapped list keeps every item in order, duplicates included (a duplicate keyword still counts
twice). The items must be annotated as strs (so the method cannot raise even if the outer loop
would not have run), the inner loop variable must be used only through that one method call and
not after the loop, and the outer loop must neither rebind nor change the inner sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, Loop
from pipeline.proposers.rules._base import FunctionRule, Replacement, code, replace, statements
from pipeline.proposers.rules._types import is_str, shape_of

__all__ = ["InnerLoopMap"]

_PURE = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title", "swapcase", "capitalize"})


@dataclass(frozen=True)
class _Site:
    outer: Loop
    inner: cst.For
    calls: tuple[cst.Call, ...]
    method: str


class InnerLoopMap(FunctionRule[_Site]):
    NAME: ClassVar[str] = "precompute-inner-loop-map"
    DESCRIPTION: ClassVar[str] = "a str method applied to every inner-loop item on every outer pass is applied once"
    DIAGNOSTIC: ClassVar[str] = "loop-invariant-work"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.calls[0]

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        found = []
        for node in facts.walk(facts.function.body):
            if isinstance(node, cst.For) and isinstance(node.target, cst.Name) and isinstance(node.iter, cst.Name):
                site = _site(facts, node, node.target.value, node.iter.value, refusals)
                if site is not None:
                    found.append(site)
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        item, items = code(site.inner.target), code(site.inner.iter)
        mapped = facts.fresh(f"{items}_{site.method}")
        mapping: dict[cst.CSTNode, Replacement] = {c: cst.Name(item) for c in site.calls}
        mapping[site.inner.iter] = cst.Name(mapped)
        prelude = statements(f"{mapped} = [{item}.{site.method}() for {item} in {items}]")
        return replace(facts.function, mapping, before={site.outer: prelude})


def _site(facts: Facts, inner: cst.For, item: str, items: str, refusals: list[str]) -> _Site | None:
    loops = facts.loops(inner)
    uses = facts.loads(item, inner.body)
    calls = [facts.parents.get(facts.parents.get(u) or u) for u in uses]
    if not loops or not uses or not all(_method_call(c, facts.parents.get(u)) for c, u in zip(calls, uses)):
        return None
    methods = {c.func.attr.value for c in calls if isinstance(c, cst.Call) and isinstance(c.func, cst.Attribute)}
    if len(methods) != 1 or not methods <= _PURE:
        return None
    shape = shape_of(facts, cst.Name(items))
    if shape is None or not shape.iterable or not is_str(shape.element) or shape.kind == "str":
        refusals.append(f"the items of {items} are not known to be strs")
        return None
    outer = loops[0]
    if facts.bindings(items, outer) or not all(facts.read_only(u) for u in facts.loads(items, outer)):
        refusals.append(f"{items} may change inside the outer loop")
        return None
    if any(not facts.inside(n, inner) for n in facts.names(item)) or [b for b in facts.bindings(item, inner) if b is not inner.target]:
        refusals.append(f"{item} is rebound in the loop or used after it")
        return None
    if not facts.available_before(items, outer):
        return None
    return _Site(outer, inner, tuple(c for c in calls if isinstance(c, cst.Call)), methods.pop())


def _method_call(call: cst.CSTNode | None, attribute: cst.CSTNode | None) -> bool:
    return (isinstance(call, cst.Call) and isinstance(attribute, cst.Attribute) and call.func is attribute
            and not call.args)
