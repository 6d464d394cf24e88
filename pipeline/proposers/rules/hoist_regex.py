"""A regular expression with a constant pattern compiled, or used through a module-level `re`
function (`re.match/search/fullmatch/findall/finditer/sub/subn/split(<pattern>, ...)`), inside
a loop or comprehension: the pattern is compiled once before the loop and its method called
instead — `re.findall(r"\\w+", line)` → `word_pattern.findall(line)` — which skips `re`'s cache
lookup and argument handling on every iteration. An assignment `pat = re.compile(...)` that
is a loop body's own statement moves out whole, keeping its name.

Exact: `re.X(p, *args, flags=f)` is defined as `re.compile(p, f).X(*args)` (the positional flags
of the module functions become `compile`'s; `count`/`maxsplit` stay with the method). The pattern
must be a string literal, or a local bound once to one before the loop, and it must compile (with
its flags) when the rule runs, so compiling it even when the loop does not run cannot raise. A
pattern held in a module-level name is reported but left alone: the function cannot show it is
constant, nor that it compiles. (Only the function is rewritten, so the compiled pattern is a
local, not a module-level constant.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._loops import Repeater, movable, placement, repeaters

__all__ = ["HoistRegex"]

# function -> (positional arguments after the pattern that the method keeps, positional index of flags)
_FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "compile": (0, 0), "match": (1, 1), "search": (1, 1), "fullmatch": (1, 1), "findall": (1, 1),
    "finditer": (1, 1), "split": (2, 2), "sub": (3, 3), "subn": (3, 3),
}


@dataclass(frozen=True)
class _Site:
    calls: tuple[cst.Call, ...]
    anchor: cst.CSTNode
    compiled: str  # `re.compile(<pattern>[, <flags>])`
    hint: str
    moved: cst.Assign | None  # `pat = re.compile(...)` moved out whole


class HoistRegex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "hoist-regex-compile"
    DESCRIPTION: ClassVar[str] = "a constant regular expression compiled or looked up in every iteration is compiled once"
    DIAGNOSTIC: ClassVar[str] = "loop-invariant-work"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.calls[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        if facts.bindings("re"):
            return []
        groups: dict[tuple[int, str], list[tuple[cst.Call, Repeater]]] = {}
        anchors: dict[int, cst.CSTNode] = {}
        for node in facts.walk(facts.function.body):
            if not (isinstance(node, cst.Call) and _function(node) is not None and (around := repeaters(facts, node))):
                continue
            anchor = placement(facts, around[-1])
            compiled = _compiled(facts, node, around[-1], anchor, refusals) if anchor is not None else None
            if compiled is None or anchor is None:
                continue
            anchors[id(anchor)] = anchor
            groups.setdefault((id(anchor), compiled), []).append((node, around[-1]))
        return [_site(facts, anchors[key], compiled, found) for (key, compiled), found in groups.items()]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if site.moved is not None:
            line = facts.line(site.moved)
            assert isinstance(line, cst.SimpleStatementLine)
            return replace(facts.function, {line: cst.RemoveFromParent()}, before={site.anchor: [line]})
        name = facts.fresh(site.hint)
        mapping: dict[cst.CSTNode, Replacement] = {c: _method_call(c, name) for c in site.calls}
        return replace(facts.function, mapping, before={site.anchor: statements(f"{name} = {site.compiled}")})


def _site(facts: Facts, anchor: cst.CSTNode, compiled: str, found: list[tuple[cst.Call, Repeater]]) -> _Site:
    calls = tuple(c for c, _ in found)
    pattern = _pattern(calls[0])
    hint = f"{pattern.value}_compiled" if isinstance(pattern, cst.Name) else "pattern"
    statement = facts.parents.get(calls[0])
    moved = None
    if len(calls) == 1 and _function(calls[0]) == "compile" and isinstance(statement, cst.Assign):
        moved = statement if movable(facts, statement, found[0][1]) else None
    return _Site(calls, anchor, compiled, hint, moved)


def _function(call: cst.Call) -> str | None:
    func = call.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == "re":
        return func.attr.value if func.attr.value in _FUNCTIONS else None
    return None


def _positional(call: cst.Call) -> list[cst.Arg]:
    return [a for a in call.args if a.keyword is None and not a.star]


def _keyword(call: cst.Call, name: str) -> cst.Arg | None:
    return next((a for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _pattern(call: cst.Call) -> cst.BaseExpression | None:
    positional = _positional(call)
    return positional[0].value if positional else None


def _flags(call: cst.Call) -> cst.BaseExpression | None:
    kept, _ = _FUNCTIONS[_function(call) or "compile"]
    positional = _positional(call)
    if len(positional) > kept + 1:
        return positional[kept + 1].value
    keyword = _keyword(call, "flags")
    return keyword.value if keyword is not None else None


def _literal(facts: Facts, node: cst.BaseExpression, anchor: cst.CSTNode) -> str | bytes | None:
    """The value of a constant pattern: a literal, or a local bound once to one before the loop."""
    if isinstance(node, cst.Name):
        values = facts.assigned_values(node.value)
        if facts.param(node.value) is not None or not values or len(values) != 1:
            return None
        return _literal(facts, values[0], anchor) if facts.available_before(node.value, anchor) else None
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return node.evaluated_value
    return None


def _flag_value(node: cst.BaseExpression | None) -> int | None:
    if node is None:
        return 0
    if isinstance(node, cst.Integer):
        return int(node.value, 0)
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "re":
        flag = getattr(re, node.attr.value, None)
        return int(flag) if isinstance(flag, re.RegexFlag) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        left, right = _flag_value(node.left), _flag_value(node.right)
        return left | right if left is not None and right is not None else None
    return None


def _compiled(facts: Facts, call: cst.Call, repeater: Repeater, anchor: cst.CSTNode, refusals: Refusals) -> str | None:
    """`re.compile(<pattern>[, <flags>])` for a call whose pattern is constant and compiles."""
    positional = _positional(call)
    pattern, flags = positional[0].value if positional else None, _flags(call)
    if pattern is None or any(a.star for a in call.args):
        return None
    if any(a.keyword is not None and a.keyword.value not in ("flags", "count", "maxsplit", "repl", "string")
           for a in call.args):
        return None
    operands = [n.value for e in (pattern, flags) if e is not None for n in facts.walk(e) if isinstance(n, cst.Name)]
    if any(facts.bindings(n, repeater) for n in operands if n != "re"):
        return None  # the pattern changes from one iteration to the next
    value, flag = _literal(facts, pattern, anchor), _flag_value(flags)
    if value is None or flag is None:
        refusals.refuse(call, f"the pattern or flags of {code(call.func)} are not literals the function shows")
        return None
    try:
        re.compile(value, flag)
    except (re.error, ValueError, TypeError, OverflowError):
        refusals.refuse(call, "the pattern does not compile: compiling it before the loop could raise")
        return None
    return f"re.compile({code(pattern)}{', ' + code(flags) if flags is not None else ''})"


def _method_call(call: cst.Call, name: str) -> cst.BaseExpression:
    """`name.X(<the arguments the method keeps>)` for `re.X(pattern, ...)`; `name` for `re.compile`."""
    function = _function(call)
    assert function is not None
    if function == "compile":
        return cst.Name(name)
    kept, _ = _FUNCTIONS[function]
    positional = _positional(call)[1:kept + 1]
    keywords = [a for a in call.args if a.keyword is not None and a.keyword.value not in ("pattern", "flags")]
    arguments = ", ".join(code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)) for a in [*positional, *keywords])
    return expression(f"{name}.{function}({arguments})")
