"""Shared machinery of the rules that keep an aggregate running across an index loop instead of
recomputing it from a slice at every position (window sums, prefix sums and extremes).

A rule says which loop headers it understands (`_header`) and which expressions in the body
recompute an aggregate (`_runnings`, each with the statement that updates its running value).
The engine checks what every such rewrite needs — the index, the sequence and the window are not
rebound in the body, the sequence is only read there — and rewrites a `for` loop in place, or a
list comprehension that is a statement's whole value into the equivalent loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Replacement, code, in_place_of, replace, replace_in, statements

__all__ = ["Header", "Running", "RunningRule", "is_name", "plus"]


@dataclass(frozen=True)
class Header:
    index: str  # the position variable
    sequence: str  # the sequence whose positions it walks
    fixed: tuple[str, ...] = ()  # other names the header depends on (a window width)


@dataclass(frozen=True)
class Running:
    node: cst.BaseExpression  # the expression recomputed at every position
    key: str  # expressions with the same key share one running variable
    hint: str  # the running variable's name, before making it fresh
    update: Callable[[str], str] = field(compare=False)  # variable -> the update statement's source


@dataclass(frozen=True)
class _Site:
    owner: cst.For | cst.ListComp
    header: Header
    runnings: tuple[Running, ...]
    result: tuple[str, str, str] | None = None  # comprehension: (list name, its annotation, tail)


def is_name(node: cst.CSTNode | None, value: str | None = None) -> bool:
    return isinstance(node, cst.Name) and (value is None or node.value == value)


def plus(node: cst.BaseExpression | None, a: str, b: cst.BaseExpression) -> bool:
    """`node` is `a + b` or `b + a` (with `a` a name)."""
    if not (isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add)):
        return False
    return (is_name(node.left, a) and node.right.deep_equals(b)) or (is_name(node.right, a) and node.left.deep_equals(b))


class RunningRule(FunctionRule[_Site]):
    def _header(self, facts: Facts, iterable: cst.BaseExpression, target: cst.BaseExpression) -> Header | None:
        raise NotImplementedError

    def _runnings(self, facts: Facts, body: cst.CSTNode, header: Header, refusals: list[str]) -> list[Running]:
        raise NotImplementedError

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.owner

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        found = []
        for node in facts.walk(facts.function.body):
            if isinstance(node, cst.For) and not node.orelse and not facts.in_nested_scope(node):
                site = self._loop_site(facts, node, node.iter, node.target, node.body, refusals)
            elif isinstance(node, cst.ListComp) and not node.for_in.inner_for_in and not node.for_in.ifs:
                site = self._loop_site(facts, node, node.for_in.iter, node.for_in.target, node.elt, refusals)
            else:
                continue
            if site is not None:
                found.append(site)
        return found

    def _loop_site(self, facts: Facts, owner: cst.For | cst.ListComp, iterable: cst.BaseExpression,
                   target: cst.BaseExpression, body: cst.CSTNode, refusals: list[str]) -> _Site | None:
        header = self._header(facts, iterable, target)
        if header is None:
            return None
        runnings = [r for r in self._runnings(facts, body, header, refusals) if not _first_only(facts, r.node, header.index)]
        if not runnings:
            return None
        reason = _unchanged(facts, body, header, runnings)
        if reason:
            refusals.append(reason)
            return None
        if isinstance(owner, cst.For):
            return _Site(owner, header, tuple(runnings))
        result = _result(facts, owner, header, runnings)
        if result is None:
            refusals.append("the comprehension is not a whole return value or assignment with a known list type")
            return None
        return _Site(owner, header, tuple(runnings), result)

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        names: dict[str, str] = {}
        for running in site.runnings:
            if running.key not in names:
                names[running.key] = facts.fresh(running.hint, frozenset(names.values()))
        first = {r.key: r for r in reversed(site.runnings)}
        updates = [first[key].update(name) for key, name in names.items()]
        swapped: dict[cst.CSTNode, Replacement] = {r.node: cst.Name(names[r.key]) for r in site.runnings}
        if isinstance(site.owner, cst.For):
            return _rewrite_loop(facts, site.owner, updates, swapped)
        return _rewrite_comprehension(facts, site, updates, swapped)


def _first_only(facts: Facts, node: cst.CSTNode, index: str) -> bool:
    """`node` only runs at the first position: the start of a running value (`if i == 0: …`)."""
    for ancestor in facts.ancestors(node):
        if isinstance(ancestor, cst.If):
            test = ancestor.test
            if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
                test = test.left
            return (facts.inside(node, ancestor.body) and isinstance(test, cst.Comparison) and is_name(test.left, index)
                    and isinstance(test.comparisons[0].operator, cst.Equal)
                    and isinstance(test.comparisons[0].comparator, cst.Integer)
                    and test.comparisons[0].comparator.value == "0")
    return False


def _unchanged(facts: Facts, body: cst.CSTNode, header: Header, runnings: list[Running]) -> str | None:
    for name in (header.index, header.sequence, *header.fixed):
        if facts.bindings(name, body):
            return f"{name} is rebound inside the loop"
    for use in facts.loads(header.sequence, body):
        if not any(facts.inside(use, r.node) for r in runnings) and not facts.read_only(use):
            return f"{header.sequence} may change inside the loop"
    return None


def _rewrite_loop(facts: Facts, loop: cst.For, updates: list[str], swapped: dict[cst.CSTNode, Replacement]) -> cst.FunctionDef:
    prelude = [s for u in updates for s in statements(u)]
    if isinstance(loop.body, cst.IndentedBlock):
        return replace(facts.function, swapped, before={loop.body.body[0]: prelude})
    suite = replace_in(loop.body, swapped)
    assert isinstance(suite, cst.SimpleStatementSuite)
    block = cst.IndentedBlock(body=[*prelude, cst.SimpleStatementLine(body=suite.body)])
    return replace(facts.function, {loop.body: block})


def _result(facts: Facts, comp: cst.ListComp, header: Header, runnings: list[Running]) -> tuple[str, str, str] | None:
    """(list name, annotation, tail) for turning the comprehension into a loop, or None."""
    statement = facts.parents.get(comp)
    if comp.lpar or any(not facts.inside(n, comp) for n in facts.names(header.index)):
        return None
    exact = len(runnings) == 1 and comp.elt is runnings[0].node
    element = "int" if exact else None
    if isinstance(statement, cst.AnnAssign) and is_name(statement.target):
        return code(statement.target), code(statement.annotation.annotation), ""
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and is_name(statement.targets[0].target):
        return (code(statement.targets[0].target), f"list[{element}]", "") if element else None
    if isinstance(statement, cst.Return):
        returns = facts.function.returns
        annotation = code(returns.annotation) if returns is not None and code(returns.annotation).startswith("list[") else None
        annotation = annotation or (f"list[{element}]" if element else None)
        name = facts.fresh("result")
        return (name, annotation, f"return {name}") if annotation else None
    return None


def _rewrite_comprehension(facts: Facts, site: _Site, updates: list[str], swapped: dict[cst.CSTNode, Replacement]) -> cst.FunctionDef:
    comp = site.owner
    assert isinstance(comp, cst.ListComp) and site.result is not None
    name, annotation, tail = site.result
    element = replace_in(comp.elt, swapped)
    assert isinstance(element, cst.BaseExpression)
    body = "\n".join("    " + line for u in updates for line in u.splitlines())
    loop = f"for {code(comp.for_in.target)} in {code(comp.for_in.iter)}:\n{body}\n    {name}.append({code(element)})"
    new = statements("\n".join([f"{name}: {annotation} = []", loop, tail]))
    line = facts.line(facts.statement(comp))
    return replace(facts.function, {line: in_place_of(line, new)})
