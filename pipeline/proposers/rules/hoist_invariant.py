"""Work that gives the same answer on every iteration — `query.lower().split()` of a `str`
parameter, `len(items)`, `sum(values)` of a list the loop never changes — is computed once,
before the loop, into a fresh local: `query_lower_split = query.lower().split()`. Loops are `for`
and `while` loops (the test of a `while` included: `while j < len(xs)` in a nested pair loop) and
comprehensions (their conditions and elements).

Only expressions that are pure and cannot raise given their operands' declared types (str methods
on a `str`, `len` of a sized container, `sum` of numbers), so computing them once even when the
loop would not have run changes nothing. A list result (`split()`) is shared by every iteration,
so it must only be read there (iterated, searched, measured, indexed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, replace, statements
from pipeline.proposers.rules._loops import Repeater, placement, repeaters
from pipeline.proposers.rules._types import is_int, is_str, shape_of

__all__ = ["HoistInvariant"]

_STR_TO_STR = frozenset({"lower", "upper", "casefold", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip"})
_STRIPS = frozenset({"strip", "lstrip", "rstrip"})


@dataclass(frozen=True)
class _Site:
    anchor: cst.CSTNode  # the statement the value is computed before
    occurrences: tuple[cst.Call, ...]
    hint: str


class HoistInvariant(FunctionRule[_Site]):
    NAME: ClassVar[str] = "hoist-loop-invariant"
    DESCRIPTION: ClassVar[str] = "a pure call whose operands the loop never changes is computed once before it"
    DIAGNOSTIC: ClassVar[str] = "loop-invariant-work"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.occurrences[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found: list[_Site] = []
        claimed: list[cst.Call] = []
        for node in facts.walk(facts.function.body):
            if not isinstance(node, cst.Call) or any(facts.inside(node, c) for c in claimed):
                continue
            described = _describe(facts, node)
            if described is None or not repeaters(facts, node):
                continue
            names, hint, is_list = described
            immutable = not (isinstance(node.func, cst.Name) and node.func.value in ("len", "sum"))
            loop = _outermost_invariant(facts, node, names, immutable, refusals)
            anchor = placement(facts, loop) if loop is not None else None
            if loop is None or anchor is None or not all(facts.available_before(n, anchor) for n in names):
                continue
            scope = loop.body if isinstance(loop, cst.For) else loop
            same = tuple(c for c in facts.walk(scope) if isinstance(c, cst.Call) and c.deep_equals(node))
            if is_list and not all(_only_read(facts, c, loop) for c in same):
                refusals.refuse(node, f"the list from {code(node)} might be changed in the loop")
                continue
            claimed += same
            found.append(_Site(anchor, same, hint))
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        name = facts.fresh(site.hint)
        mapping: dict[cst.CSTNode, Replacement] = {c: cst.Name(name) for c in site.occurrences}
        return replace(facts.function, mapping, before={site.anchor: statements(f"{name} = {code(site.occurrences[0])}")})


def _describe(facts: Facts, call: cst.Call) -> tuple[tuple[str, ...], str, bool] | None:
    """(names it reads, a name for its value, whether the value is a list) for a pure call that
    cannot raise, else None."""
    func = call.func
    if isinstance(func, cst.Name) and func.value in ("len", "sum") and len(call.args) == 1:
        arg = call.args[0]
        if arg.keyword or arg.star or not isinstance(arg.value, cst.Name):
            return None
        shape = shape_of(facts, arg.value)
        ok = shape is not None and shape.sized
        if func.value == "sum":
            ok = ok and shape is not None and (is_int(shape.element) or code(shape.element or cst.Name("x")) == "float")
        return ((arg.value.value,), f"{arg.value.value}_{func.value}", False) if ok else None
    chain = _str_chain(call)
    if chain is None:
        return None
    base, methods = chain
    if not is_str(facts.annotation(base)):
        return None
    return (base,), "_".join([base, *methods]), methods[-1] == "split"


def _str_chain(call: cst.Call) -> tuple[str, list[str]] | None:
    """`base.m1(…).m2(…)` with every method a non-raising str → str one (`split` last)."""
    methods: list[str] = []
    node: cst.BaseExpression = call
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        method, args = node.func.attr.value, node.args
        value = args[0].value if len(args) == 1 and not args[0].keyword else None
        text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        if method == "split" and methods:
            return None  # a list has no str methods
        if method == "split" and not (not args or (isinstance(text, str) and text)):
            return None
        if method in _STR_TO_STR and args and not (method in _STRIPS and isinstance(text, str)):
            return None
        if method != "split" and method not in _STR_TO_STR:
            return None
        methods.insert(0, method)
        node = node.func.value
    return (node.value, methods) if isinstance(node, cst.Name) and methods else None


def _outermost_invariant(facts: Facts, node: cst.CSTNode, names: tuple[str, ...], immutable: bool,
                         refusals: Refusals) -> Repeater | None:
    """The outermost loop or comprehension around `node` that neither rebinds its operands nor
    (unless they are immutable strs) does anything with them that could change them."""
    found = None
    for loop in repeaters(facts, node):
        if any(facts.bindings(n, loop) for n in names):
            break
        if not immutable and not all(facts.read_only(u) for n in names for u in facts.loads(n, loop)):
            refusals.append(f"{', '.join(names)} may change inside the loop (passed to a call or a mutating method)")
            break
        found = loop
    return found


def _only_read(facts: Facts, call: cst.Call, loop: Repeater) -> bool:
    """The shared list is only read: iterated, searched, measured, or put in a name that is."""
    parent = facts.parents.get(call)
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is call:
        return True
    if isinstance(parent, cst.ComparisonTarget) and parent.comparator is call:
        return True
    if isinstance(parent, cst.Arg) and isinstance(arg_of := facts.parents.get(parent), cst.Call):
        return isinstance(arg_of.func, cst.Name) and arg_of.func.value == "len"
    target = parent.targets[0].target if isinstance(parent, cst.Assign) and len(parent.targets) == 1 else None
    if isinstance(target, cst.Name):
        uses = facts.loads(target.value)
        return all(facts.inside(u, loop) and facts.read_only(u) for u in uses)
    return False
