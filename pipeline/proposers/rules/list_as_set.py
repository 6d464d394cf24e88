"""A list used only as a set: `seen: list[T] = []`, then only `x in seen`, `x not in seen` and
`seen.append(x)`. Each membership test scans the list; a set answers in constant time.

Exact when `T` is hashable with `==` consistent with `hash` (what the annotation must show): the
list is never iterated, indexed, returned or passed on, so its order and duplicates are never seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, code, empty_list, expression, replace
from pipeline.proposers.rules._types import element_of, head, is_hashable

__all__ = ["ListAsSet"]


@dataclass(frozen=True)
class _Site:
    init: cst.AnnAssign
    appends: tuple[cst.Attribute, ...]


class ListAsSet(FunctionRule[_Site]):
    NAME: ClassVar[str] = "list-membership-to-set"
    DESCRIPTION: ClassVar[str] = "a list used only for `in` tests and appends becomes a set"
    DIAGNOSTIC: ClassVar[str] = "quadratic-membership"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.init

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        sites = []
        for node in facts.names():
            parent = facts.parents.get(node)
            if isinstance(parent, cst.AnnAssign) and parent.target is node and empty_list(parent.value):
                site = _site(facts, parent, node.value, refusals)
                if site is not None:
                    sites.append(site)
        return sites

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        element = element_of(site.init.annotation.annotation)
        assert element is not None
        annotation = expression(f"set[{code(element)}]")
        mapping: dict[cst.CSTNode, cst.CSTNode] = {
            site.init: site.init.with_changes(annotation=cst.Annotation(annotation), value=expression("set()")),
        }
        for attribute in site.appends:
            mapping[attribute] = attribute.with_changes(attr=cst.Name("add"))
        return replace(facts.function, mapping)


def _site(facts: Facts, init: cst.AnnAssign, name: str, refusals: list[str]) -> _Site | None:
    annotation = init.annotation.annotation
    if head(annotation) != "list" or not is_hashable(element_of(annotation)):
        refusals.append(f"{name}: elements not known to be hashable (annotate it list[str], list[int]…)")
        return None
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
    return _Site(init, tuple(appends))


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
