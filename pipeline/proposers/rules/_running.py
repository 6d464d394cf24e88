"""Shared machinery of the rules that keep an aggregate running across an index loop instead of
recomputing it from a slice at every position (window sums, prefix sums and extremes).

A rule says which loop headers it understands (`_header`, given a `range(...)` call) and which
expressions in the body recompute an aggregate (`_runnings`, each with the statement that updates
its running value). The engine checks what every such rewrite needs — the index, the sequence and
the window are not rebound in the body, the sequence is only read there — and rewrites a `for`
loop in place; a `while` loop counting up by one (`i = a; while i < b: …; i += 1`, with no
`continue`, seen as `range(a, b)`) in place; and a list comprehension that is a statement's whole
value, or a comprehension or generator that is the only argument of a builtin that consumes it at
once (`max(… for i in range(…))`), into the equivalent loop building a list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, in_place_of, replace, replace_in, statements

__all__ = ["Header", "Running", "RunningRule", "is_name", "plus"]


@dataclass(frozen=True)
class Header:
    index: str  # the position variable
    sequence: str  # the sequence whose positions it walks
    fixed: tuple[str, ...] = ()  # other names the header depends on (a window width)
    start: str = "0"  # the first position (code)
    bounds: tuple[str, ...] = ()  # anything else the rule records about the header


@dataclass(frozen=True)
class Running:
    node: cst.BaseExpression  # the expression recomputed at every position (replaced by the variable)
    key: str  # expressions with the same key share one running variable
    hint: str  # the running variable's name, before making it fresh
    update: Callable[[str], str] = field(compare=False)  # variable -> the update statement's source
    removed: tuple[cst.CSTNode, ...] = ()  # statements the running value makes redundant


Owner = cst.For | cst.While | cst.ListComp | cst.GeneratorExp
_CONSUMERS = frozenset({"max", "min", "sum", "sorted", "list", "tuple", "any", "all", "set"})


@dataclass(frozen=True)
class _Site:
    owner: Owner
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

    def _runnings(self, facts: Facts, body: cst.CSTNode, header: Header, refusals: Refusals) -> list[Running]:
        raise NotImplementedError

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.owner

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for node in facts.walk(facts.function.body):
            if isinstance(node, cst.For) and not node.orelse and not facts.in_nested_scope(node):
                site = self._loop_site(facts, node, node.iter, node.target, node.body, refusals)
            elif isinstance(node, cst.While) and not node.orelse and not facts.in_nested_scope(node):
                site = self._while_site(facts, node, refusals)
            elif isinstance(node, (cst.ListComp, cst.GeneratorExp)) and not node.for_in.inner_for_in:
                tests = tuple(test.test for test in node.for_in.ifs)
                site = self._loop_site(facts, node, node.for_in.iter, node.for_in.target, node.elt, refusals, extra=tests)
            else:
                continue
            if site is not None:
                found.append(site)
        return found

    def _while_site(self, facts: Facts, loop: cst.While, refusals: Refusals) -> _Site | None:
        parts = _counting(facts, loop)
        if parts is None:
            return None
        iterable, step = parts
        return self._loop_site(facts, loop, iterable, cst.Name(code(step.target)), loop.body, refusals, step)

    def _loop_site(self, facts: Facts, owner: Owner, iterable: cst.BaseExpression, target: cst.BaseExpression,
                   body: cst.CSTNode, refusals: Refusals, step: cst.AugAssign | None = None,
                   extra: tuple[cst.CSTNode, ...] = ()) -> _Site | None:
        header = self._header(facts, iterable, target)
        if header is None:
            return None
        runnings = [r for part in (body, *extra) for r in self._runnings(facts, part, header, refusals)
                    if not _first_only(facts, r.node, header.index, header.start)]
        if not runnings:
            return None
        reason = next((r for part in (body, *extra) if (r := _unchanged(facts, part, header, runnings, step))), None)
        if reason:
            refusals.refuse(runnings[0].node, reason)
            return None
        if isinstance(owner, (cst.For, cst.While)):
            return _Site(owner, header, tuple(runnings))
        result = _result(facts, owner, header, runnings)
        if result is None:
            refusals.refuse(runnings[0].node, "the comprehension is not a whole return value or assignment with a "
                            "known list type, nor the only argument of a builtin that consumes it at once")
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
        swapped.update({facts.line(n): cst.RemoveFromParent() for r in site.runnings for n in r.removed})
        if isinstance(site.owner, (cst.For, cst.While)):
            return _rewrite_loop(facts, site.owner, updates, swapped)
        return _rewrite_comprehension(facts, site, updates, swapped)


def _first_only(facts: Facts, node: cst.CSTNode, index: str, start: str) -> bool:
    """`node` only runs at the first position: the start of a running value (`if i == 0: …`)."""
    for ancestor in facts.ancestors(node):
        if isinstance(ancestor, cst.If):
            test = ancestor.test
            if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
                test = test.left
            return (facts.inside(node, ancestor.body) and isinstance(test, cst.Comparison) and is_name(test.left, index)
                    and isinstance(test.comparisons[0].operator, cst.Equal)
                    and code(test.comparisons[0].comparator) == start)
    return False


def _counting(facts: Facts, loop: cst.While) -> tuple[cst.Call, cst.AugAssign] | None:
    """(the equivalent `range(a, b)`, the step) of `i = a; while i < b: …; i += 1` (also `i <= b`,
    `i + w <= b`, `b > i`…) with no `continue` of the loop."""
    body, init = logical_body(loop.body), facts.previous(loop)
    step = body[-1] if body and isinstance(loop.body, cst.IndentedBlock) else None
    if not (isinstance(step, cst.AugAssign) and isinstance(step.operator, cst.AddAssign) and is_name(step.target)
            and code(step.value) == "1" and isinstance(init, cst.Assign) and len(init.targets) == 1):
        return None
    index = code(step.target)
    if not (is_name(init.targets[0].target, index) and isinstance(init.value, (cst.Integer, cst.Name))):
        return None
    stop = _bound(loop.test, index)
    if stop is None or any(_owner(facts, c) is loop for c in facts.walk(loop.body) if isinstance(c, cst.Continue)):
        return None
    call = cst.parse_expression(f"range({stop})" if code(init.value) == "0" else f"range({code(init.value)}, {stop})")
    assert isinstance(call, cst.Call)
    return call, step


def _bound(test: cst.BaseExpression, index: str) -> str | None:
    """`b` (code) for a test equivalent to `index < b`."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    operator, left, right = test.comparisons[0].operator, test.left, test.comparisons[0].comparator
    if isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual)):
        left, right = right, left
    elif not isinstance(operator, (cst.LessThan, cst.LessThanEqual)):
        return None
    inclusive = isinstance(operator, (cst.LessThanEqual, cst.GreaterThanEqual))
    offset = ""
    if isinstance(left, cst.BinaryOperation) and isinstance(left.operator, cst.Add) and is_name(left.left, index):
        offset, left = f" - ({code(left.right)})", left.left
    if not is_name(left, index) or any(is_name(n, index) for n in _names(right)):
        return None
    return f"{code(right)}{offset}{' + 1' if inclusive else ''}"


def _names(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = [node] if isinstance(node, cst.Name) else []
    for child in node.children:
        found += _names(child)
    return found


def _owner(facts: Facts, node: cst.CSTNode) -> cst.CSTNode | None:
    return next((a for a in facts.ancestors(node) if isinstance(a, (cst.For, cst.While))), None)


def _unchanged(facts: Facts, body: cst.CSTNode, header: Header, runnings: list[Running],
               step: cst.AugAssign | None = None) -> str | None:
    for name in (header.index, header.sequence, *header.fixed):
        if [b for b in facts.bindings(name, body) if step is None or not facts.inside(b, step)]:
            return f"{name} is rebound inside the loop"
    for use in facts.loads(header.sequence, body):
        if not any(facts.inside(use, r.node) for r in runnings) and not facts.read_only(use):
            return f"{header.sequence} may change inside the loop"
    return None


def _rewrite_loop(facts: Facts, loop: cst.For | cst.While, updates: list[str],
                  swapped: dict[cst.CSTNode, Replacement]) -> cst.FunctionDef:
    prelude = [s for u in updates for s in statements(u)]
    if isinstance(loop.body, cst.IndentedBlock):
        first = loop.body.body[0]
        if swapped.get(first) is cst.RemovalSentinel.REMOVE:  # the first statement goes: the updates take its place
            swapped[first] = in_place_of(first, prelude)
            return replace(facts.function, swapped)
        return replace(facts.function, swapped, before={first: prelude})
    suite = replace_in(loop.body, swapped)
    assert isinstance(suite, cst.SimpleStatementSuite)
    block = cst.IndentedBlock(body=[*prelude, cst.SimpleStatementLine(body=suite.body)])
    return replace(facts.function, {loop.body: block})


def _result(facts: Facts, comp: cst.ListComp | cst.GeneratorExp, header: Header,
            runnings: list[Running]) -> tuple[str, str, str] | None:
    """(list name, annotation, tail) for turning the comprehension into a loop, or None."""
    statement = facts.parents.get(comp)
    if any(not facts.inside(n, comp) for n in facts.names(header.index)):
        return None
    exact = len(runnings) == 1 and comp.elt is runnings[0].node
    element = "int" if exact else None
    if isinstance(statement, cst.Arg):
        return _consumed(facts, comp, statement, element)
    if comp.lpar or isinstance(comp, cst.GeneratorExp):
        return None
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


def _consumed(facts: Facts, comp: cst.ListComp | cst.GeneratorExp, argument: cst.Arg,
              element: str | None) -> tuple[str, str, str] | None:
    """`max(<comp>)` as a statement's whole value: the loop builds a list (annotated when its
    element type is known, else typed by its appends) the statement then consumes."""
    call = facts.parents.get(argument)
    statement = facts.parents.get(call) if call is not None else None
    if not (isinstance(call, cst.Call) and is_name(call.func) and code(call.func) in _CONSUMERS and call.args[0] is argument):
        return None
    if facts.bindings(code(call.func)) or argument.keyword or argument.star or any(not a.keyword for a in call.args[1:]):
        return None
    whole = isinstance(statement, (cst.Return, cst.Assign, cst.AnnAssign)) and statement.value is call
    if not whole or any(isinstance(n, cst.Call) and n is not call and not facts.inside(n, comp) for n in facts.walk(call)):
        return None
    return facts.fresh("window_sums" if element else "values"), f"list[{element}]" if element else "", ""


def _rewrite_comprehension(facts: Facts, site: _Site, updates: list[str], swapped: dict[cst.CSTNode, Replacement]) -> cst.FunctionDef:
    comp = site.owner
    assert isinstance(comp, (cst.ListComp, cst.GeneratorExp)) and site.result is not None
    name, annotation, tail = site.result
    element = replace_in(comp.elt, swapped)
    assert isinstance(element, cst.BaseExpression)
    body = "\n".join("    " + line for u in updates for line in u.splitlines())
    tests = [replace_in(test.test, swapped) for test in comp.for_in.ifs]
    condition = " and ".join(f"({code(t)})" if len(tests) > 1 else code(t) for t in tests)
    append = f"    if {condition}:\n        {name}.append({code(element)})" if tests else f"    {name}.append({code(element)})"
    loop = f"for {code(comp.for_in.target)} in {code(comp.for_in.iter)}:\n{body}\n{append}"
    declared = f": {annotation}" if annotation else ""
    new = statements("\n".join([f"{name}{declared} = []", loop, tail]))
    line = facts.line(facts.statement(comp))
    if isinstance(facts.parents.get(comp), cst.Arg):
        return replace(facts.function, {comp: cst.Name(name)}, before={line: new})
    return replace(facts.function, {line: in_place_of(line, new)})
