"""A method of a fixed container looked up on every iteration — `seen.add(x)`, `counts.get(k, 0)`,
`out.extend(…)` in a loop — is bound once before the loop: `seen_add = seen.add`.

Only in tight loops (a few statements, no calls costlier than builtins), where the lookup is a
visible share of the work, and only for receivers known to be builtin containers (annotated, or built from a display), which the
loop never rebinds: their methods cannot change under it, so the bound method is the same object
every lookup would have produced. Not for `list.append`: CPython 3.11+ specialises
`xs.append(x)` calls, and a bound `append` is measurably slower there (about 1.5× in a tight loop),
so binding it would be a pessimisation the benchmarks gate could only let through as noise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import PURE_BUILTINS, Facts, Loop
from pipeline.proposers.rules._base import FunctionRule, Replacement, replace, statements
from pipeline.proposers.rules._types import shape_of

__all__ = ["BindMethod"]

_METHODS: dict[str, frozenset[str]] = {
    "set": frozenset({"add", "discard", "update"}),
    "dict": frozenset({"get", "setdefault", "pop"}),
    "list": frozenset({"extend", "insert", "pop", "index", "count"}),
    "str": frozenset({"startswith", "endswith", "find", "count", "join", "replace"}),
}


_CHEAP = frozenset({"append"}).union(*_METHODS.values())
_TIGHT = 4  # statements in the innermost loop's body


@dataclass(frozen=True)
class _Site:
    loop: Loop
    receiver: str
    method: str
    attributes: tuple[cst.Attribute, ...]


class BindMethod(FunctionRule[_Site]):
    NAME: ClassVar[str] = "bind-loop-method"
    DESCRIPTION: ClassVar[str] = "a container method looked up on every iteration is bound once before the loop"
    DIAGNOSTIC: ClassVar[str] = "attribute-lookup-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.attributes[0]

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        grouped: dict[tuple[int, str, str], list[cst.Attribute]] = {}
        loops: dict[int, Loop] = {}
        for node in facts.walk(facts.function.body):
            if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)):
                continue
            call = facts.parents.get(node)
            if not (isinstance(call, cst.Call) and call.func is node):
                continue
            receiver, method = node.value.value, node.attr.value
            shape = shape_of(facts, node.value)
            if shape is None or method not in _METHODS.get(shape.kind, frozenset()):
                continue
            loop = _outermost_fixed(facts, node, receiver)
            if loop is None or not _tight(facts, facts.loops(node)[0]):
                continue
            if not facts.available_before(receiver, loop):
                refusals.append(f"{receiver} is not bound once before the loop")
                continue
            loops[id(loop)] = loop
            grouped.setdefault((id(loop), receiver, method), []).append(node)
        return [_Site(loops[key], receiver, method, tuple(attrs)) for (key, receiver, method), attrs in grouped.items()]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        bound = facts.fresh(f"{site.receiver}_{site.method}")
        mapping: dict[cst.CSTNode, Replacement] = {a: cst.Name(bound) for a in site.attributes}
        return replace(facts.function, mapping, before={site.loop: statements(f"{bound} = {site.receiver}.{site.method}")})


def _tight(facts: Facts, loop: Loop) -> bool:
    """A small loop body doing nothing costlier than builtin calls: there the lookup shows."""
    statements_in = [n for n in facts.walk(loop.body) if isinstance(n, (cst.BaseSmallStatement, cst.BaseCompoundStatement))]
    for node in facts.walk(loop.body):
        if isinstance(node, cst.Call):
            func = node.func
            builtin = isinstance(func, cst.Name) and func.value in PURE_BUILTINS
            method = isinstance(func, cst.Attribute) and func.attr.value in _CHEAP
            if not (builtin or method):
                return False
    return len(statements_in) <= _TIGHT


def _outermost_fixed(facts: Facts, node: cst.CSTNode, receiver: str) -> Loop | None:
    """The outermost loop around `node` inside which `receiver` is never rebound."""
    found = None
    for loop in facts.loops(node):
        if facts.bindings(receiver, loop):
            break
        found = loop
    return found
