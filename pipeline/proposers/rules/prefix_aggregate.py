"""Prefix aggregates recomputed at every position of `for i in range(len(xs))` (or
`enumerate(xs)`, or such a list comprehension): `sum(xs[:i + 1])`, `sum(xs[:i])`,
`max(xs[:i + 1])`, `min(xs[:i + 1])`, `sorted(xs[:i + 1])[-1]` / `[0]` — each becomes a value
kept running across the loop. O(n) instead of O(n²) (or O(n² log n)).

At the first position the original expression is evaluated as written; after that the running
value takes in `xs[i]`. Exact for sums of ints (the elements must be annotated `int`: float sums
would round differently) and, for the extremes, for str/int/bytes elements: the update keeps the
element the original picks among equals (`max`: the first, `sorted(...)[-1]`: the last).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import Refusals, code
from pipeline.proposers.rules._running import Header, Running, RunningRule, is_name, plus
from pipeline.proposers.rules._types import is_int, is_interchangeable, shape_of

__all__ = ["PrefixAggregate"]

# kind -> (variable name, how the running value takes in `x`, given `x` and the value)
_KINDS: dict[str, tuple[str, str]] = {
    "sum": ("prefix_total", "else:\n    {v} += {x}"),
    "sum-before": ("prefix_total_before", "else:\n    {v} += {prev}"),
    "max": ("prefix_max", "elif {x} > {v}:\n    {v} = {x}"),
    "min": ("prefix_min", "elif {x} < {v}:\n    {v} = {x}"),
    "last-max": ("prefix_max", "elif {x} >= {v}:\n    {v} = {x}"),
}
_ONE = cst.Integer("1")


class PrefixAggregate(RunningRule):
    NAME: ClassVar[str] = "running-prefix-aggregate"
    DESCRIPTION: ClassVar[str] = "a prefix sum or extreme recomputed at every position becomes a running value"
    DIAGNOSTIC: ClassVar[str] = "recomputed-prefix"

    def _header(self, facts: Facts, iterable: cst.BaseExpression, target: cst.BaseExpression) -> Header | None:
        """`range(len(xs))`, `range(0, len(xs))`, or `enumerate(xs)` unpacked as `i, x`."""
        if not isinstance(iterable, cst.Call) or any(a.keyword or a.star for a in iterable.args):
            return None
        args = [a.value for a in iterable.args]
        if is_name(iterable.func, "enumerate") and len(args) == 1 and is_name(args[0]):
            names = target.elements if isinstance(target, cst.Tuple) else []
            index = names[0].value if len(names) == 2 else None
            if is_name(index) and is_name(names[1].value):
                assert isinstance(index, cst.Name) and isinstance(args[0], cst.Name)
                return Header(index.value, args[0].value, (code(names[1].value),))
            return None
        if not (is_name(iterable.func, "range") and is_name(target) and args):
            return None
        if len(args) == 2 and not (isinstance(args[0], cst.Integer) and args[0].value == "0") or len(args) > 2:
            return None
        length = args[-1]
        if isinstance(length, cst.Call) and is_name(length.func, "len") and len(length.args) == 1 and is_name(length.args[0].value):
            assert isinstance(target, cst.Name) and isinstance(length.args[0].value, cst.Name)
            return Header(target.value, length.args[0].value.value)
        return None

    def _runnings(self, facts: Facts, body: cst.CSTNode, header: Header, refusals: Refusals) -> list[Running]:
        i, xs = header.index, header.sequence
        found = []
        for node in facts.walk(body):
            kind = _kind(node, i, xs) if isinstance(node, (cst.Call, cst.Subscript)) else None
            if kind is not None:
                assert isinstance(node, cst.BaseExpression)
                found.append(Running(node, kind, _KINDS[kind][0], _Update(code(node), kind, i, xs)))
        if not found:
            return []
        element = shape_of(facts, cst.Name(xs))
        sums = any(r.key.startswith("sum") for r in found)
        if element is None or element.kind not in ("list", "tuple", "Sequence"):
            refusals.refuse(found[0].node, f"{xs} is not known to be a list or tuple")
            return []
        if (sums and not is_int(element.element)) or not is_interchangeable(element.element):
            refusals.refuse(found[0].node, f"the elements of {xs} are not known to be ints (or strs, for extremes)")
            return []
        return found


def _prefix(node: cst.BaseExpression, i: str, xs: str) -> str | None:
    """"inclusive" for `xs[:i + 1]` (or `xs[0:i + 1]`), "exclusive" for `xs[:i]`."""
    if not (isinstance(node, cst.Subscript) and is_name(node.value, xs) and len(node.slice) == 1):
        return None
    part = node.slice[0].slice
    if not isinstance(part, cst.Slice) or part.step is not None:
        return None
    if part.lower is not None and not (isinstance(part.lower, cst.Integer) and part.lower.value == "0"):
        return None
    if plus(part.upper, i, _ONE):
        return "inclusive"
    return "exclusive" if is_name(part.upper, i) else None


def _kind(node: cst.Call | cst.Subscript, i: str, xs: str) -> str | None:
    if isinstance(node, cst.Subscript):
        call = node.value
        if not (isinstance(call, cst.Call) and is_name(call.func, "sorted") and len(node.slice) == 1):
            return None
        index = node.slice[0].slice
        value = index.value if isinstance(index, cst.Index) else None
        last = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus) and code(value.expression) == "1"
        first = isinstance(value, cst.Integer) and value.value == "0"
        if not (first or last) or _argument_kind(call, i, xs) != "inclusive":
            return None
        return "last-max" if last else "min"
    if not isinstance(node.func, cst.Name) or node.func.value not in ("sum", "max", "min"):
        return None
    extent = _argument_kind(node, i, xs)
    if node.func.value == "sum" and extent is not None:
        return "sum" if extent == "inclusive" else "sum-before"
    return node.func.value if extent == "inclusive" else None


def _argument_kind(call: cst.Call, i: str, xs: str) -> str | None:
    if len(call.args) != 1 or call.args[0].keyword or call.args[0].star:
        return None
    return _prefix(call.args[0].value, i, xs)


class _Update:
    def __init__(self, first: str, kind: str, i: str, xs: str) -> None:
        self.first, self.kind, self.i, self.xs = first, kind, i, xs

    def __call__(self, value: str) -> str:
        step = _KINDS[self.kind][1].format(v=value, x=f"{self.xs}[{self.i}]", prev=f"{self.xs}[{self.i} - 1]")
        return f"if {self.i} == 0:\n    {value} = {self.first}\n{step}"
