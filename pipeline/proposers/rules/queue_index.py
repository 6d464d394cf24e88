"""A list used as a FIFO queue — `while q: x = q.pop(0)` … `q.append(y)` — shifts every element
on each pop (quadratic). Also `while len(q) > 0` (`len(q)`, `len(q) != 0`, `0 < len(q)`), and
`x = q[0]` followed by `del q[0]`, `q.pop(0)` or `q = q[1:]` (a copy per step). Reading it
through a moving head index instead is linear:

    q_head = 0
    while q_head < len(q):
        x = q[q_head]
        q_head += 1

No import is needed (`collections.deque` would be one). Exact when the queue is a local list used
nowhere else: only the loop's emptiness test, the pop opening the loop body, and appends
(`append`, `extend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._types import shape_from_value

__all__ = ["QueueIndex"]


@dataclass(frozen=True)
class _Site:
    loop: cst.While
    queue: str
    pop: cst.CSTNode  # the `q.pop(0)` call, or the `x = q[0]` statement
    drop: cst.CSTNode | None = None  # the line after `x = q[0]` that drops the head


class QueueIndex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "pop-front-to-index"
    DESCRIPTION: ClassVar[str] = "a list drained with pop(0) is read through a moving head index instead"
    DIAGNOSTIC: ClassVar[str] = "quadratic-queue"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.pop

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for loop in facts.own_loops():
            queue = _emptiness(loop.test) if isinstance(loop, cst.While) else None
            if isinstance(loop, cst.While) and queue is not None:
                site = _site(facts, loop, queue, refusals)
                found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        head = facts.fresh(f"{site.queue}_head")
        first = logical_body(site.loop.body)[0]
        if site.drop is not None:
            return _apply_head_read(facts, site, head)
        line = facts.line(first)
        assert isinstance(line, cst.SimpleStatementLine)
        read = line.with_changes(body=[first.with_changes(value=expression(f"{site.queue}[{head}]"))]) if isinstance(first, cst.Assign) else None
        advance = statements(f"{head} += 1")
        mapping: dict[cst.CSTNode, Replacement] = {
            site.loop.test: expression(f"{head} < len({site.queue})"),
            line: cst.FlattenSentinel([read, *advance]) if read is not None else advance[0].with_changes(leading_lines=line.leading_lines),
        }
        return replace(facts.function, mapping, before={site.loop: statements(f"{head} = 0")})


def _apply_head_read(facts: Facts, site: _Site, head: str) -> cst.FunctionDef:
    """`x = q[0]; del q[0]` → `x = q[q_head]; q_head += 1`."""
    first = logical_body(site.loop.body)[0]
    assert isinstance(first, cst.Assign) and site.drop is not None
    advance = statements(f"{head} += 1")[0].with_changes(leading_lines=getattr(site.drop, "leading_lines", ()))
    mapping: dict[cst.CSTNode, Replacement] = {
        site.loop.test: expression(f"{head} < len({site.queue})"),
        first: first.with_changes(value=expression(f"{site.queue}[{head}]")), site.drop: advance,
    }
    return replace(facts.function, mapping, before={site.loop: statements(f"{head} = 0")})


def _emptiness(test: cst.BaseExpression) -> str | None:
    """`q` for a test that is true while the list `q` is not empty."""
    if isinstance(test, cst.Name):
        return test.value
    if isinstance(test, cst.Call) and code(test.func) == "len" and len(test.args) == 1 and isinstance(test.args[0].value, cst.Name):
        return test.args[0].value.value
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        operator, right = test.comparisons[0].operator, test.comparisons[0].comparator
        if isinstance(operator, (cst.GreaterThan, cst.NotEqual)) and code(right) == "0":
            return _emptiness(test.left) if isinstance(test.left, cst.Call) else None
        if isinstance(operator, cst.LessThan) and code(test.left) == "0" and isinstance(right, cst.Call):
            return _emptiness(right)
    return None


def _head_read(facts: Facts, loop: cst.While, queue: str) -> tuple[cst.Assign, cst.CSTNode] | None:
    """`x = q[0]` then `del q[0]` / `q.pop(0)` / `q = q[1:]`, opening the loop body."""
    body = logical_body(loop.body)
    if len(body) < 2 or not isinstance(loop.body, cst.IndentedBlock):
        return None
    first, second = body[0], body[1]
    if not (isinstance(first, cst.Assign) and len(first.targets) == 1 and code(first.value) == f"{queue}[0]"):
        return None
    if facts.names(queue, first.targets[0].target):
        return None
    dropped = code(second) in (f"del {queue}[0]", f"{queue}.pop(0)", f"{queue} = {queue}[1:]")
    lines = [facts.line(first), facts.line(second)]
    if not dropped or any(not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 for line in lines):
        return None
    return first, lines[1]


def _site(facts: Facts, loop: cst.While, queue: str, refusals: Refusals) -> _Site | None:
    body = logical_body(loop.body)
    first = body[0] if body and isinstance(loop.body, cst.IndentedBlock) else None
    pop: cst.CSTNode | None = first.value if isinstance(first, (cst.Assign, cst.Expr)) else None
    drop = None
    if (two := _head_read(facts, loop, queue)) is not None:
        pop, drop = two
    elif not (isinstance(pop, cst.Call) and _is_pop_front(pop, queue)):
        return None
    if isinstance(first, cst.Assign) and (len(first.targets) != 1 or facts.names(queue, first.targets[0].target)):
        return None
    assert first is not None
    line = facts.line(first)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    bindings = [b for b in facts.bindings(queue) if drop is None or not facts.inside(b, drop)]
    statement = facts.statement(bindings[0]) if len(bindings) == 1 else None
    value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    fresh = value is not None and (shape := shape_from_value(value)) is not None and shape.kind == "list"
    if not fresh or statement is None or facts.param(queue) is not None or not facts.before(statement, loop):
        refusals.refuse(pop, f"{queue} is not a list created once in the function, before the loop")
        return None
    for use in facts.loads(queue):
        if facts.inside(use, loop.test) or facts.inside(use, pop) or (drop is not None and facts.inside(use, drop)):
            continue
        if not (facts.inside(use, loop.body) and _appends(facts, use)):
            refusals.refuse(pop, f"{queue} is used other than by the loop test, pop(0) and append")
            return None
    return _Site(loop, queue, pop, drop)


def _is_pop_front(call: cst.Call, queue: str) -> bool:
    func = call.func
    return (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == queue
            and func.attr.value == "pop" and len(call.args) == 1 and code(call.args[0].value) == "0")


def _appends(facts: Facts, use: cst.Name) -> bool:
    attribute = facts.parents.get(use)
    call = facts.parents.get(attribute) if attribute is not None else None
    return (isinstance(attribute, cst.Attribute) and attribute.attr.value in ("append", "extend") and isinstance(call, cst.Call)
            and call.func is attribute and isinstance(facts.parents.get(call), cst.Expr))
