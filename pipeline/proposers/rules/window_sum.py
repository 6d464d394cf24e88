"""Window sums recomputed from a slice at every position —
`for i in range(len(xs) - k + 1): … sum(xs[i:i + k]) …`, or the same as a list comprehension —
become a running sum: the first window is summed, each next one adds the element entering and
subtracts the one leaving. O(n) instead of O(n·k).

Exact for ints (the elements must be annotated `int`), for every `k`: with k > len(xs) the range
is empty either way, k = 0 keeps every sum 0, and for a negative `k` (where the slice bounds wrap
around) every window is still summed from its slice. For floats the rounding would differ, so
float sequences are left alone (the equivalence gate would reject such a rewrite).
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import code
from pipeline.proposers.rules._running import Header, Running, RunningRule, is_name, plus
from pipeline.proposers.rules._types import is_int, shape_of

__all__ = ["WindowSum"]


class WindowSum(RunningRule):
    NAME: ClassVar[str] = "sliding-window-sum"
    DESCRIPTION: ClassVar[str] = "a window sum recomputed from a slice at every position becomes a running sum"
    DIAGNOSTIC: ClassVar[str] = "recomputed-window"

    def _header(self, facts: Facts, iterable: cst.BaseExpression, target: cst.BaseExpression) -> Header | None:
        """`range(len(xs) - k + 1)` (or `range(0, …)`), with `k` a name or an int literal."""
        if not (isinstance(iterable, cst.Call) and is_name(iterable.func, "range") and is_name(target)):
            return None
        args = [a.value for a in iterable.args if not a.keyword and not a.star]
        if len(args) != len(iterable.args) or not (len(args) == 1 or (len(args) == 2 and _literal(args[0], "0"))):
            return None
        stop = args[-1]
        if not (isinstance(stop, cst.BinaryOperation) and isinstance(stop.operator, cst.Add) and _literal(stop.right, "1")):
            return None
        difference = stop.left
        if not (isinstance(difference, cst.BinaryOperation) and isinstance(difference.operator, cst.Subtract)):
            return None
        length, width = difference.left, difference.right
        if not (isinstance(length, cst.Call) and is_name(length.func, "len") and len(length.args) == 1
                and is_name(length.args[0].value) and (is_name(width) or isinstance(width, cst.Integer))):
            return None
        assert isinstance(target, cst.Name) and isinstance(length.args[0].value, cst.Name)
        fixed = (width.value,) if isinstance(width, cst.Name) else ()
        return Header(target.value, length.args[0].value.value, fixed + (code(width),))

    def _runnings(self, facts: Facts, body: cst.CSTNode, header: Header, refusals: list[str]) -> list[Running]:
        i, xs, width = header.index, header.sequence, header.fixed[-1]
        found = []
        for node in facts.walk(body):
            if isinstance(node, cst.Call) and _is_window_sum(node, i, xs, cst.parse_expression(width)):
                found.append(Running(node, "window", "window_total", _updater(node, i, xs, width)))
        if not found:
            return []
        shape = shape_of(facts, cst.Name(xs))
        if shape is None or shape.kind not in ("list", "tuple", "Sequence") or not is_int(shape.element):
            refusals.append(f"the elements of {xs} are not known to be ints: a running total would change float rounding")
            return []
        return found


def _literal(node: cst.BaseExpression, value: str) -> bool:
    return isinstance(node, cst.Integer) and node.value == value


def _is_window_sum(node: cst.Call, i: str, xs: str, width: cst.BaseExpression) -> bool:
    """`sum(xs[i:i + k])` (or `xs[i:k + i]`)."""
    if not (is_name(node.func, "sum") and len(node.args) == 1 and not node.args[0].keyword and not node.args[0].star):
        return False
    subscript = node.args[0].value
    if not (isinstance(subscript, cst.Subscript) and is_name(subscript.value, xs) and len(subscript.slice) == 1):
        return False
    window = subscript.slice[0].slice
    return (isinstance(window, cst.Slice) and window.step is None and is_name(window.lower, i)
            and plus(window.upper, i, width))


def _updater(node: cst.Call, i: str, xs: str, width: str) -> "_Update":
    return _Update(code(node), i, xs, width)


class _Update:
    """`if i == 0 [or k < 0]: total = sum(window) else: total += entering - leaving`."""

    def __init__(self, first: str, i: str, xs: str, width: str) -> None:
        self.first, self.i, self.xs, self.width = first, i, xs, width

    def __call__(self, total: str) -> str:
        literal = self.width.isdigit()
        test = f"{self.i} == 0" if literal else f"{self.i} == 0 or {self.width} < 0"
        entering = f"{self.i} + {int(self.width) - 1}" if literal and self.width != "1" else f"{self.i} + {self.width} - 1"
        entering = self.i if self.width == "1" else entering
        return (f"if {test}:\n    {total} = {self.first}\n"
                f"else:\n    {total} += {self.xs}[{entering}] - {self.xs}[{self.i} - 1]")
