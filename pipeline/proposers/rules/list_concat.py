"""`x = x + [y]` copies the whole list to add one element (quadratic in a loop): `x.append(y)`.
Likewise `x = x + [a, b]` / `x = x + [… for …]` / `x = x + other_list` → `x.extend(…)`, and the
unpacking spelling `x = [*x, y]` (`[*x, *ys]` → `x.extend(ys)`). In a loop, `x += [y]` (which
extends in place, but builds a one-element list first) becomes `x.append(y)` for a known list `x`:
`+=` already changes the list in place, so nobody holding it can tell.

Exact only if nobody else holds the old list, which the copy would have left alone: `x` is a
local created in the function as a fresh list, and in between it is only read in ways that cannot
keep a reference (`len(x)`, `x[i]`, `y in x`, iteration outside the loop that extends it) or
returned. `other_list` must be known to be a list (`list + tuple` raises; `extend` would not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, code, replace, small_statement
from pipeline.proposers.rules._types import shape_from_value, shape_of

__all__ = ["ListConcat"]


@dataclass(frozen=True)
class _Site:
    statement: cst.Assign | cst.AugAssign
    name: str
    call: str


class ListConcat(FunctionRule[_Site]):
    NAME: ClassVar[str] = "list-concat-to-append"
    DESCRIPTION: ClassVar[str] = "x = x + [y] (a full copy per element) becomes x.append(y) / x.extend(...)"
    DIAGNOSTIC: ClassVar[str] = "quadratic-copy"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.statement

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        candidates: dict[str, list[tuple[cst.Assign, str]]] = {}
        for node in facts.names():
            statement = facts.parents.get(facts.parents.get(node) or node)
            if isinstance(statement, cst.Assign) and facts.is_store(node) and (call := _concat(facts, statement, node.value)):
                candidates.setdefault(node.value, []).append((statement, call))
        found = [site for node in facts.names() if (site := _in_place(facts, node)) is not None]
        for name, steps in candidates.items():
            reason = _unshared(facts, name, [s for s, _ in steps])
            looped = [s for s, _ in steps if facts.loops(s)]
            if reason and looped:
                refusals.refuse(looped[0], reason)
            elif reason:
                refusals.append(reason)
            else:
                found += [_Site(s, name, call) for s, call in steps]
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        return replace(facts.function, {site.statement: small_statement(f"{site.name}.{site.call}")})


def _in_place(facts: Facts, node: cst.Name) -> _Site | None:
    """`x += [y]` in a loop, `x` a list: `x.append(y)`."""
    statement = facts.parents.get(node)
    if not (isinstance(statement, cst.AugAssign) and statement.target is node and isinstance(statement.operator, cst.AddAssign)):
        return None
    value = statement.value
    if not (isinstance(value, cst.List) and len(value.elements) == 1 and isinstance(value.elements[0], cst.Element)):
        return None
    if not _is_list(facts, node.value) or not facts.loops(statement) or facts.names(node.value, value):
        return None
    return _Site(statement, node.value, f"append({code(value.elements[0].value)})")


def _is_list(facts: Facts, name: str) -> bool:
    """Every value `name` holds is a list: declared so, or only ever set to a new list or `+=`'d."""
    shape = shape_of(facts, cst.Name(name))
    if shape is not None or facts.param(name) is not None or facts.annotation(name) is not None:
        return shape is not None and shape.kind == "list"
    bindings = facts.bindings(name)
    for binding in bindings:
        statement = facts.statement(binding)
        if isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign) and statement.target is binding:
            continue
        if _fresh_value(facts, binding) is None:
            return False
    return bool(bindings)


def _unpacked(value: cst.List, name: str) -> str | None:
    """`append(y)` / `extend(...)` for `[*name, y, …]` or `[*name, *ys]`."""
    first, rest = (value.elements[0], value.elements[1:]) if value.elements else (None, [])
    if not (isinstance(first, cst.StarredElement) and isinstance(first.value, cst.Name) and first.value.value == name and rest):
        return None
    if all(isinstance(e, cst.Element) for e in rest):
        items = [code(e.value) for e in rest]
        return f"append({items[0]})" if len(items) == 1 else f"extend([{', '.join(items)}])"
    if len(rest) == 1 and isinstance(rest[0], cst.StarredElement):
        return f"extend({code(rest[0].value)})"
    return None


def _concat(facts: Facts, statement: cst.Assign, name: str) -> str | None:
    """`append(y)` / `extend(...)` for `name = name + <list>` (or `[*name, …]`), else None."""
    value = statement.value
    if len(statement.targets) == 1 and isinstance(value, cst.List):
        return _unpacked(value, name) if len(facts.names(name, value)) == 1 else None
    if len(statement.targets) != 1 or not isinstance(value, cst.BinaryOperation) or not isinstance(value.operator, cst.Add):
        return None
    if not (isinstance(value.left, cst.Name) and value.left.value == name) or value.lpar:
        return None
    right = value.right
    if facts.names(name, right):
        return None
    if isinstance(right, cst.List) and not right.lpar:
        if len(right.elements) == 1 and isinstance(right.elements[0], cst.Element):
            return f"append({code(right.elements[0].value)})"
        return f"extend({code(right)})"
    if isinstance(right, cst.ListComp):
        return f"extend({code(right)})"
    shape = shape_of(facts, right) if isinstance(right, cst.Name) else None
    return f"extend({code(right)})" if shape is not None and shape.kind == "list" else None


def _unshared(facts: Facts, name: str, steps: list[cst.Assign]) -> str | None:
    """Why the list `name` might be seen by someone else when it is extended, or None."""
    if facts.param(name) is not None:
        return f"{name} is a parameter: the caller's list must not change"
    bindings = facts.bindings(name)
    inits = [b for b in bindings if facts.parents.get(facts.parents.get(b) or b) not in steps]
    values = [_fresh_value(facts, b) for b in inits]
    if len(inits) != 1 or values[0] is None:
        return f"{name} is not created once, as a new list, in the function"
    loops = [facts.loops(s) for s in steps]
    for use in facts.loads(name):
        statement = facts.statement(use)
        if any(statement is s for s in steps):
            continue
        if facts.in_nested_scope(use):
            return f"{name} is used inside a nested function"
        if facts.returned(use) or _own_method(facts, use):
            continue
        if not facts.read_only(use) or _iterated_while_extended(facts, use, loops):
            return f"{name} is used in a way that could keep a reference to it"
    return None


def _fresh_value(facts: Facts, binding: cst.Name) -> cst.BaseExpression | None:
    parent = facts.parents.get(binding)
    statement = facts.parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
    value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    shape = shape_from_value(value) if value is not None else None
    return value if shape is not None and shape.kind == "list" else None


def _own_method(facts: Facts, use: cst.Name) -> bool:
    """`x.sort()`, `x.append(y)`…: list methods change the list but never hand it to anyone."""
    attribute = facts.parents.get(use)
    call = facts.parents.get(attribute) if attribute is not None else None
    return isinstance(attribute, cst.Attribute) and isinstance(call, cst.Call) and call.func is attribute


def _iterated_while_extended(facts: Facts, use: cst.Name, loops: list[list[cst.For | cst.While]]) -> bool:
    parent = facts.parents.get(use)
    if not (isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is use):
        return False
    return any(loop is parent for chain in loops for loop in chain)
