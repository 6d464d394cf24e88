"""A loop whose whole body appends to a string — `for x in xs: s += f(x)` or
`s = s + a + b` (which defeats CPython's in-place concatenation, so every step copies `s`) —
becomes one `"".join(f(x) for x in xs)`.

`s` must be a string: set from a string literal just before the loop, or annotated `str`. The
loop variable must not be read after the loop (the generator does not leak it). Exact for str
operands (the types gate holds the function to that); an exception raised midway leaves no trace
in either version, `s` being local.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, code, empty_string, in_place_of, operand, replace, statements
from pipeline.proposers.rules._concat import accumulated_name, added_part
from pipeline.proposers.rules._types import is_str

__all__ = ["StringJoin"]


@dataclass(frozen=True)
class _Site:
    loop: cst.For
    name: str
    part: str
    init: cst.Assign | cst.AnnAssign | None  # `s = ""` right before the loop: merged into the join


class StringJoin(FunctionRule[_Site]):
    NAME: ClassVar[str] = "string-concat-to-join"
    DESCRIPTION: ClassVar[str] = "a loop that only appends to a string becomes one ''.join(...)"
    DIAGNOSTIC: ClassVar[str] = "string-concat-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.loop

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        loops = [loop for loop in facts.own_loops() if isinstance(loop, cst.For)]
        return [site for loop in loops if (site := _site(facts, loop, refusals)) is not None]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        loop = site.loop
        joined = f'"".join({site.part} for {code(loop.target)} in {operand(loop.iter)})'
        if site.init is None:
            new = statements(f"{site.name} += {joined}")
            return replace(facts.function, {loop: in_place_of(loop, new)})
        annotation = f": {code(site.init.annotation.annotation)}" if isinstance(site.init, cst.AnnAssign) else ""
        line = facts.line(site.init)
        new = statements(f"{site.name}{annotation} = {joined}")
        return replace(facts.function, {line: in_place_of(line, new), loop: cst.RemoveFromParent()})


def _site(facts: Facts, loop: cst.For, refusals: list[str]) -> _Site | None:
    body = logical_body(loop.body)
    name = accumulated_name(body[0]) if len(body) == 1 else None
    if name is None or loop.orelse is not None or loop.asynchronous is not None:
        return None
    part = added_part(facts, body[0], name)
    if part is None:
        refusals.append(f"what is added to {name} reads {name}")
        return None
    targets = {n.value for n in facts.names(within=loop.target)}
    if any(not facts.inside(n, loop) for t in targets for n in facts.names(t)):
        refusals.append("the loop variable is used outside the loop")
        return None
    if facts.names(name, loop.iter):
        refusals.append(f"the loop iterates over something that reads {name}")
        return None
    init = _literal_init(facts, loop, name)
    if init is None and not (facts.param(name) is not None and is_str(facts.annotation(name))):
        refusals.append(f"{name} is not known to be a str (set it from a string literal just before the loop)")
        return None
    if init is not None and not empty_string(init.value):
        init = None  # keep `s = "prefix"`; the loop becomes `s += "".join(...)`
    return _Site(loop, name, part, init)


def _literal_init(facts: Facts, loop: cst.For, name: str) -> cst.Assign | cst.AnnAssign | None:
    previous = facts.previous(loop)
    if isinstance(previous, cst.Assign) and len(previous.targets) == 1:
        target: cst.BaseExpression = previous.targets[0].target
    elif isinstance(previous, cst.AnnAssign) and previous.value is not None:
        target = previous.target
    else:
        return None
    line = facts.line(previous)
    alone = isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
    value = previous.value
    literal = isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) and isinstance(value.evaluated_value, str)
    if isinstance(target, cst.Name) and target.value == name and alone and literal:
        return previous
    return None
