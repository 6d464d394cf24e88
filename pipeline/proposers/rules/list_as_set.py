"""A list used only as a set: `seen: list[T] = []` (or `seen = []`), then only `x in seen`,
`x not in seen` and `seen.append(x)`. Each membership test scans the list; a set answers in
constant time.

Exact when `T` is hashable with `==` consistent with `hash` (what the annotation must show; for a
list without one, every value appended and every value looked for must have such a type the
function shows — str, int, tuples of them…): the list is never iterated, indexed, returned or
passed on, so its order and duplicates are never seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, code, empty_list, expression, replace
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._types import element_of, head, is_hashable, is_interchangeable

__all__ = ["ListAsSet"]


@dataclass(frozen=True)
class _Site:
    init: cst.AnnAssign | cst.Assign
    appends: tuple[cst.Attribute, ...]
    element: cst.BaseExpression


class ListAsSet(FunctionRule[_Site]):
    NAME: ClassVar[str] = "list-membership-to-set"
    DESCRIPTION: ClassVar[str] = "a list used only for `in` tests and appends becomes a set"
    DIAGNOSTIC: ClassVar[str] = "quadratic-membership"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.init

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        sites = []
        for node in facts.names():
            parent = facts.parents.get(node)
            statement = facts.parents.get(parent) if isinstance(parent, cst.AssignTarget) else parent
            if isinstance(statement, cst.Assign) and (len(statement.targets) != 1 or statement.targets[0].target is not node):
                continue
            if isinstance(statement, (cst.AnnAssign, cst.Assign)) and facts.is_store(node) and empty_list(statement.value):
                site = _site(facts, statement, node.value, refusals)
                if site is not None:
                    sites.append(site)
        return sites

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        annotation = cst.Annotation(expression(f"set[{code(site.element)}]"))
        init = site.init
        target = init.target if isinstance(init, cst.AnnAssign) else init.targets[0].target
        new = cst.AnnAssign(target=target, annotation=annotation, value=expression("set()"))
        mapping: dict[cst.CSTNode, cst.CSTNode] = {site.init: new}
        for attribute in site.appends:
            mapping[attribute] = attribute.with_changes(attr=cst.Name("add"))
        return replace(facts.function, mapping)


def _site(facts: Facts, init: cst.AnnAssign | cst.Assign, name: str, refusals: Refusals) -> _Site | None:
    if facts.param(name) is not None or len(facts.bindings(name)) != 1:
        refusals.append(f"{name} is bound more than once")
        return None
    appends: list[cst.Attribute] = []
    tests = 0
    for use in facts.loads(name):
        kind = _use(facts, use)
        if kind is None:
            refusals.append(f"{name} is used as a list (not only `in` and `.append`)")
            return None
        if isinstance(kind, cst.Attribute):
            appends.append(kind)
        else:
            tests += 1
    if not tests or not appends:
        return None
    element = _element(facts, init, name, appends)
    if element is None:
        refusals.refuse(init, f"{name}: elements not known to be hashable (annotate it list[str], list[int]…)")
        return None
    return _Site(init, tuple(appends), element)


def _element(facts: Facts, init: cst.AnnAssign | cst.Assign, name: str,
             appends: list[cst.Attribute]) -> cst.BaseExpression | None:
    """The hashable element type: declared, or shown by every value appended and looked for."""
    if isinstance(init, cst.AnnAssign):
        annotation = init.annotation.annotation
        element = element_of(annotation) if head(annotation) == "list" else None
        return element if is_hashable(element) else None
    values = [c.args[0].value for a in appends if isinstance(c := facts.parents.get(a), cst.Call)]
    values += [_probe(facts, u) for u in facts.loads(name) if not isinstance(facts.parents.get(u), cst.Attribute)]
    types = {code(t) if (t := type_of(facts, v)) is not None else "" for v in values}
    if len(types) != 1 or "" in types:
        return None
    element = expression(types.pop())
    return element if is_interchangeable(element) else None


def _probe(facts: Facts, use: cst.Name) -> cst.BaseExpression:
    target = facts.parents.get(use)
    comparison = facts.parents.get(target) if target is not None else None
    assert isinstance(comparison, cst.Comparison)
    return comparison.left


def _use(facts: Facts, name: cst.Name) -> cst.Attribute | bool | None:
    """`True` for a membership test, the `.append` attribute for an append statement, else None."""
    parent = facts.parents.get(name)
    if isinstance(parent, cst.ComparisonTarget) and parent.comparator is name:
        comparison = facts.parents.get(parent)
        single = isinstance(comparison, cst.Comparison) and len(comparison.comparisons) == 1
        return True if single and isinstance(parent.operator, (cst.In, cst.NotIn)) else None
    if isinstance(parent, cst.Attribute) and parent.attr.value == "append":
        call = facts.parents.get(parent)
        statement = facts.parents.get(call) if call is not None else None
        one_arg = isinstance(call, cst.Call) and len(call.args) == 1 and not call.args[0].star and not call.args[0].keyword
        return parent if one_arg and isinstance(statement, cst.Expr) else None
    return None
