"""A list that is both a result (returned, iterated, indexed) and searched with `in` — a visited
list, an output without repeats — keeps a set beside it for the searches: every
`seen.append(x)` also does `seen_set.add(x)`, every `y in seen` becomes `y in seen_set`.

Exact when the set cannot fall out of step with the list: the list is created once in the
function and afterwards only appended to (nothing removed, replaced or handed to code that could),
the appended values are plain names, constants or `xs[i]` (evaluated twice), and its elements are
annotated with a hashable type whose `==` agrees with `hash` — or, for a list without an
annotation (`out = []`), every value put in it and looked for has such a type the function shows
(str, int, tuples of them…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, small_statement, statements
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._types import element_of, head, is_hashable, is_interchangeable

__all__ = ["ShadowSet"]


@dataclass(frozen=True)
class _Site:
    init: cst.Assign | cst.AnnAssign
    name: str
    element: cst.BaseExpression
    tests: tuple[cst.Name, ...]
    appends: tuple[cst.Expr, ...]


class ShadowSet(FunctionRule[_Site]):
    NAME: ClassVar[str] = "membership-shadow-set"
    DESCRIPTION: ClassVar[str] = "`in` tests against a growing list go to a set kept beside it"
    DIAGNOSTIC: ClassVar[str] = "quadratic-membership"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.init

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for name in facts.names():
            parent = facts.parents.get(name)
            statement = facts.parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
            single = not isinstance(statement, cst.Assign) or len(statement.targets) == 1
            if isinstance(statement, (cst.AnnAssign, cst.Assign)) and single and facts.is_store(name) and isinstance(statement.value, cst.List):
                site = _site(facts, statement, name.value, refusals)
                found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        shadow = facts.fresh(f"{site.name}_set")
        value = site.init.value
        assert isinstance(value, cst.List)
        members = ", ".join(code(e.value) for e in value.elements)
        start = f"{{{members}}}" if members else "set()"
        mapping: dict[cst.CSTNode, Replacement] = {test: cst.Name(shadow) for test in site.tests}
        for append in site.appends:
            call = append.value
            assert isinstance(call, cst.Call)
            add = small_statement(f"{shadow}.add({code(call.args[0].value)})")
            line = facts.line(append)
            if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                mapping[line] = cst.FlattenSentinel([line, cst.SimpleStatementLine(body=[add])])
            else:
                mapping[append] = cst.FlattenSentinel([append, add])
        line = facts.line(site.init)
        mapping[line] = cst.FlattenSentinel([line, *statements(f"{shadow}: set[{code(site.element)}] = {start}")])
        return replace(facts.function, mapping)


def _site(facts: Facts, init: cst.AnnAssign | cst.Assign, name: str, refusals: Refusals) -> _Site | None:
    annotation = init.annotation.annotation if isinstance(init, cst.AnnAssign) else None
    element = element_of(annotation) if annotation is not None and head(annotation) == "list" else None
    if annotation is None:
        element = _shown_element(facts, init, name)
    assert isinstance(init.value, cst.List)
    simple = all(isinstance(e, cst.Element) and isinstance(e.value, (cst.Name, cst.SimpleString, cst.Integer)) for e in init.value.elements)
    line = facts.line(init)
    if not simple or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    tests: list[cst.Name] = []
    appends: list[cst.Expr] = []
    other, shared = False, False
    for use in facts.loads(name):
        parent = facts.parents.get(use)
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use and isinstance(parent.operator, (cst.In, cst.NotIn)):
            tests.append(use)
        elif (statement := _append_statement(facts, use)) is not None:
            appends.append(statement)
        elif facts.in_nested_scope(use) or not (facts.read_only(use) or facts.returned(use)):
            shared = True
        else:
            other = True
    if not tests or not appends or not other:
        return None  # not searched, or only `in` and append: list-membership-to-set does better
    if shared:
        refusals.refuse(init, f"{name} is changed or handed over other than by append")
        return None
    if element is None or not is_hashable(element) or facts.param(name) is not None or len(facts.bindings(name)) != 1:
        refusals.refuse(init, f"{name}: elements not known to be hashable, or the list is rebound")
        return None
    return _Site(init, name, element, tuple(tests), tuple(appends))


def _shown_element(facts: Facts, init: cst.Assign | cst.AnnAssign, name: str) -> cst.BaseExpression | None:
    """The one str/int/bytes-like type of every value put in `name` (or looked for in it)."""
    assert isinstance(init.value, cst.List)
    values = [e.value for e in init.value.elements]
    for use in facts.loads(name):
        parent = facts.parents.get(use)
        if isinstance(parent, cst.ComparisonTarget) and isinstance(comparison := facts.parents.get(parent), cst.Comparison):
            values.append(comparison.left if comparison.comparisons[0] is parent else comparison.comparisons[0].comparator)
        elif (statement := _append_statement(facts, use)) is not None and isinstance(statement.value, cst.Call):
            values.append(statement.value.args[0].value)
    types = {code(t) if (t := type_of(facts, v)) is not None else "" for v in values}
    if len(types) != 1 or "" in types:
        return None
    element = expression(types.pop())
    return element if is_interchangeable(element) else None


def _append_statement(facts: Facts, use: cst.Name) -> cst.Expr | None:
    attribute = facts.parents.get(use)
    call = facts.parents.get(attribute) if attribute is not None else None
    statement = facts.parents.get(call) if call is not None else None
    if not (isinstance(attribute, cst.Attribute) and attribute.attr.value == "append" and isinstance(call, cst.Call)):
        return None
    args = call.args
    plain = len(args) == 1 and not args[0].keyword and not args[0].star and _pure(args[0].value, use.value)
    return statement if plain and isinstance(statement, cst.Expr) else None


def _pure(value: cst.BaseExpression, name: str) -> bool:
    """A value that evaluates the same twice in a row: a name, a constant, `xs[i]` of another list."""
    if isinstance(value, cst.Subscript) and isinstance(value.value, cst.Name) and value.value.value != name:
        part = value.slice[0].slice if len(value.slice) == 1 else None
        return isinstance(part, cst.Index) and isinstance(part.value, (cst.Name, cst.Integer))
    return isinstance(value, (cst.Name, cst.SimpleString, cst.Integer))
