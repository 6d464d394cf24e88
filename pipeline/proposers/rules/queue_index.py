"""A list used as a FIFO queue — `while q: x = q.pop(0)` … `q.append(y)` — shifts every element
on each pop (quadratic). Reading it through a moving head index instead is linear:

    q_head = 0
    while q_head < len(q):
        x = q[q_head]
        q_head += 1

No import is needed (`collections.deque` would be one). Exact when the queue is a local list used
nowhere else: only the `while q` test, that one `pop(0)` opening the loop body, and appends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._types import shape_from_value

__all__ = ["QueueIndex"]


@dataclass(frozen=True)
class _Site:
    loop: cst.While
    queue: str
    pop: cst.Call


class QueueIndex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "pop-front-to-index"
    DESCRIPTION: ClassVar[str] = "a list drained with pop(0) is read through a moving head index instead"
    DIAGNOSTIC: ClassVar[str] = "quadratic-queue"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.pop

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        found = []
        for loop in facts.own_loops():
            if isinstance(loop, cst.While) and isinstance(loop.test, cst.Name):
                site = _site(facts, loop, loop.test.value, refusals)
                found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        head = facts.fresh(f"{site.queue}_head")
        first = logical_body(site.loop.body)[0]
        line = facts.line(first)
        assert isinstance(line, cst.SimpleStatementLine)
        read = line.with_changes(body=[first.with_changes(value=expression(f"{site.queue}[{head}]"))]) if isinstance(first, cst.Assign) else None
        advance = statements(f"{head} += 1")
        mapping: dict[cst.CSTNode, Replacement] = {
            site.loop.test: expression(f"{head} < len({site.queue})"),
            line: cst.FlattenSentinel([read, *advance]) if read is not None else advance[0].with_changes(leading_lines=line.leading_lines),
        }
        return replace(facts.function, mapping, before={site.loop: statements(f"{head} = 0")})


def _site(facts: Facts, loop: cst.While, queue: str, refusals: list[str]) -> _Site | None:
    body = logical_body(loop.body)
    first = body[0] if body and isinstance(loop.body, cst.IndentedBlock) else None
    pop = first.value if isinstance(first, (cst.Assign, cst.Expr)) else None
    if not (isinstance(pop, cst.Call) and _is_pop_front(pop, queue)):
        return None
    if isinstance(first, cst.Assign) and (len(first.targets) != 1 or facts.names(queue, first.targets[0].target)):
        return None
    assert first is not None
    line = facts.line(first)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    bindings = facts.bindings(queue)
    statement = facts.statement(bindings[0]) if len(bindings) == 1 else None
    value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
    fresh = value is not None and (shape := shape_from_value(value)) is not None and shape.kind == "list"
    if not fresh or statement is None or facts.param(queue) is not None or not facts.before(statement, loop):
        refusals.append(f"{queue} is not a list created once in the function, before the loop")
        return None
    for use in facts.loads(queue):
        if use is loop.test or facts.inside(use, pop):
            continue
        if not (facts.inside(use, loop.body) and _appends(facts, use)):
            refusals.append(f"{queue} is used other than by the loop test, pop(0) and append")
            return None
    return _Site(loop, queue, pop)


def _is_pop_front(call: cst.Call, queue: str) -> bool:
    func = call.func
    return (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == queue
            and func.attr.value == "pop" and len(call.args) == 1 and code(call.args[0].value) == "0")


def _appends(facts: Facts, use: cst.Name) -> bool:
    attribute = facts.parents.get(use)
    call = facts.parents.get(attribute) if attribute is not None else None
    return (isinstance(attribute, cst.Attribute) and attribute.attr.value == "append" and isinstance(call, cst.Call)
            and call.func is attribute and isinstance(facts.parents.get(call), cst.Expr))
