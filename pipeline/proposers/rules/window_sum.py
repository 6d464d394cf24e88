"""Window sums recomputed from scratch at every window position become a running sum: the first
window is summed, each next one adds the element entering and subtracts the one leaving. O(n)
instead of O(n·k). The spellings it knows, for windows of width `k` (a name or an int literal):

- the positions: `for i in range(len(xs) - k + 1)` (any start ≥ 0: `range(1, …)` after a first
  window summed by hand; any equal bound: `len(xs) - (k - 1)`, `n - k + 1` with `n = len(xs)`,
  `len(xs) - 2` for k = 3), or windows ending at `i`: `for i in range(k, len(xs) + 1)`; a
  `while` loop counting up by one (`i = 0; while i + k <= len(xs): …; i += 1`); a list
  comprehension, or a comprehension or generator consumed at once (`max(… for i in …)`);
- the sum: `sum(xs[i:i + k])` (or `window = xs[i:i + k]` then `sum(window)`), `sum(xs[i - k:i])`,
  `sum(xs[j] for j in range(i, i + k))`,
  `sum(xs[i + j] for j in range(k))`, or an inner loop after `s = 0`: `for j in range(i, i + k):
  s += xs[j]` (`s = s + xs[j]`, `for j in range(k): s += xs[i + j]`, `for x in xs[i:i + k]:
  s += x`), which the running value replaces;
- what the loop does with the sum is left as it is (a best window and its start, with whatever
  tie-break the comparison makes).

Exact for ints (the elements must be annotated `int`), for every `k`: with k > len(xs) the range
is empty either way, k = 0 keeps every sum 0, and for a negative `k` (where slice bounds wrap
around and inner loops run zero times) every window is still computed as the original does. For
floats a running total rounds differently, so float sequences are reported and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import Refusals, code
from pipeline.proposers.rules._running import Header, Running, RunningRule, is_name
from pipeline.proposers.rules._types import is_int, shape_of

__all__ = ["WindowSum"]

Linear = dict[str, int]  # a sum of terms: "" the constant, "len:xs" a length, other keys names


@dataclass(frozen=True)
class _Window:
    node: cst.BaseExpression  # replaced by the running sum
    first: str  # the window's sum as the original computes it
    width: Linear
    ending: bool  # the window ends at the index (`xs[i - k:i]`) rather than starting there
    removed: tuple[cst.CSTNode, ...] = ()


class WindowSum(RunningRule):
    NAME: ClassVar[str] = "sliding-window-sum"
    DESCRIPTION: ClassVar[str] = "a window sum recomputed from a slice at every position becomes a running sum"
    DIAGNOSTIC: ClassVar[str] = "recomputed-window"

    def _header(self, facts: Facts, iterable: cst.BaseExpression, target: cst.BaseExpression) -> Header | None:
        """`range(stop)` or `range(start, stop)` whose stop has one `len(xs)` term."""
        if not (isinstance(iterable, cst.Call) and is_name(iterable.func, "range") and isinstance(target, cst.Name)):
            return None
        args = [a.value for a in iterable.args if not a.keyword and not a.star]
        if len(args) != len(iterable.args) or len(args) not in (1, 2):
            return None
        start = _linear(facts, args[0]) if len(args) == 2 else {}
        stop = _linear(facts, args[-1])
        lengths = [t for t in stop or {} if t.startswith("len:")]
        if start is None or stop is None or len(lengths) != 1 or stop[lengths[0]] != 1:
            return None
        names = tuple(t for form in (start, stop) for t in form if t and not t.startswith("len:"))
        bounds = (_encode(start), _encode(stop))
        return Header(target.value, lengths[0][4:], names, code(args[0]) if len(args) == 2 else "0", bounds)

    def _runnings(self, facts: Facts, body: cst.CSTNode, header: Header, refusals: Refusals) -> list[Running]:
        i, xs = header.index, header.sequence
        start, stop = (_decode(b) for b in header.bounds)
        found = []
        for node in facts.walk(body):
            window = _window(facts, node, i, xs)
            if window is not None and _fits(window, start, stop, xs):
                found.append(Running(window.node, window.first, "window_total", _Update(window, i, xs, header.start),
                                     window.removed))
        if not found:
            return []
        shape = shape_of(facts, cst.Name(xs))
        if shape is None or shape.kind not in ("list", "tuple", "Sequence") or not is_int(shape.element):
            refusals.refuse(found[0].node, f"the elements of {xs} are not known to be ints: a running total would change float rounding")
            return []
        return found


def _linear(facts: Facts, node: cst.BaseExpression) -> Linear | None:
    """`node` as a sum of int constants, names and `len(name)`s, or None."""
    if isinstance(node, cst.Integer):
        return {"": int(node.value, 0)}
    if isinstance(node, cst.Name):
        values = facts.assigned_values(node.value) if facts.param(node.value) is None else None
        length = values[0] if values is not None and len(values) == 1 else None
        if isinstance(length, cst.Call) and _length(length) and _unchanging(facts, _length(length) or ""):
            return {f"len:{_length(length)}": 1}
        return {node.value: 1}
    if isinstance(node, cst.Call) and _length(node):
        return {f"len:{_length(node)}": 1}
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = _linear(facts, node.expression)
        return {t: -c for t, c in inner.items()} if inner is not None else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, (cst.Add, cst.Subtract)):
        left, right = _linear(facts, node.left), _linear(facts, node.right)
        if left is None or right is None:
            return None
        sign = 1 if isinstance(node.operator, cst.Add) else -1
        return _plus(left, {t: sign * c for t, c in right.items()})
    return None


def _plus(a: Linear, b: Linear) -> Linear:
    total = dict(a)
    for term, coefficient in b.items():
        total[term] = total.get(term, 0) + coefficient
    return {t: c for t, c in total.items() if c}


def _encode(form: Linear) -> str:
    return ";".join(f"{t}={c}" for t, c in sorted(form.items()))


def _decode(text: str) -> Linear:
    return {t: int(c) for t, _, c in (part.rpartition("=") for part in text.split(";") if part)}


def _length(call: cst.Call) -> str | None:
    if is_name(call.func, "len") and len(call.args) == 1 and is_name(call.args[0].value):
        value = call.args[0].value
        assert isinstance(value, cst.Name)
        return value.value
    return None


def _unchanging(facts: Facts, name: str) -> bool:
    """`name` holds one object, never changed, throughout the function."""
    stable = facts.is_stable_param(name) or (facts.param(name) is None and len(facts.bindings(name)) == 1)
    return stable and all(facts.read_only(u) for u in facts.loads(name))


def _width(form: Linear) -> bool:
    """A width the update can use: one name, or a constant ≥ 0."""
    if set(form) <= {""}:
        return form.get("", 0) >= 0
    return len(form) == 1 and next(iter(form.values())) == 1 and not next(iter(form)).startswith("len:")


def _fits(window: _Window, start: Linear, stop: Linear, xs: str) -> bool:
    """Every position the header gives holds a whole window of `xs`."""
    length = {f"len:{xs}": 1}
    if window.ending:
        return stop == _plus(length, {"": 1}) and start == window.width
    expected = _plus(_plus(length, {t: -c for t, c in window.width.items()}), {"": 1})
    return stop == expected and set(start) <= {""} and start.get("", 0) >= 0


def _span(facts: Facts, lower: cst.BaseExpression | None, upper: cst.BaseExpression | None,
          i: str) -> tuple[Linear, bool] | None:
    """(width, ending) of positions `lower`..`upper` around the index `i`, or None."""
    low = _linear(facts, lower) if lower is not None else None
    high = _linear(facts, upper) if upper is not None else None
    if low is None or high is None or low.get(i) != 1 or high.get(i) != 1:
        return None
    width = _plus(high, {t: -c for t, c in low.items()})
    if not _width(width):
        return None
    if _plus(low, {i: -1}) == {}:
        return width, False
    return (width, True) if _plus(high, {i: -1}) == {} else None


def _window(facts: Facts, node: cst.CSTNode, i: str, xs: str) -> _Window | None:
    if isinstance(node, cst.Call) and is_name(node.func, "sum") and len(node.args) == 1 and not node.args[0].keyword:
        argument = node.args[0].value
        if isinstance(argument, cst.Subscript) and is_name(argument.value, xs) and len(argument.slice) == 1:
            part = argument.slice[0].slice
            if isinstance(part, cst.Slice) and part.step is None:
                span = _span(facts, part.lower, part.upper, i)
                return _Window(node, code(node), *span) if span else None
        if isinstance(argument, cst.GeneratorExp) and not argument.for_in.inner_for_in and not argument.for_in.ifs:
            span = _positions(facts, argument.for_in.target, argument.for_in.iter, argument.elt, i, xs)
            return _Window(node, code(node), *span) if span else None
        return _named_slice(facts, node, argument, i, xs) if isinstance(argument, cst.Name) else None
    if isinstance(node, cst.For) and not node.orelse:
        return _inner_loop(facts, node, i, xs)
    return None


def _named_slice(facts: Facts, node: cst.Call, name: cst.Name, i: str, xs: str) -> _Window | None:
    """`window = xs[i:i + k]` then `sum(window)`, the slice read nowhere else: both go."""
    values = facts.assigned_values(name.value)
    statement = facts.statement(facts.bindings(name.value)[0]) if values and len(values) == 1 else None
    if statement is None or len(facts.names(name.value)) != 2 or facts.previous(facts.statement(node)) is not statement:
        return None
    assert values is not None
    window = _window(facts, node.with_changes(args=[cst.Arg(values[0])]), i, xs)
    line = facts.line(statement)
    if window is None or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    return _Window(node, f"sum({code(values[0])})", window.width, window.ending, (statement,))


def _positions(facts: Facts, target: cst.BaseExpression, iterable: cst.BaseExpression, element: cst.BaseExpression,
               i: str, xs: str) -> tuple[Linear, bool] | None:
    """(width, ending) for `xs[j] for j in range(lo, hi)` or `xs[i + j] for j in range(k)`."""
    if not (isinstance(target, cst.Name) and isinstance(iterable, cst.Call) and is_name(iterable.func, "range")):
        return None
    args = [a.value for a in iterable.args if not a.keyword and not a.star]
    if not (isinstance(element, cst.Subscript) and is_name(element.value, xs) and len(element.slice) == 1):
        return None
    index = element.slice[0].slice
    at = _linear(facts, index.value) if isinstance(index, cst.Index) else None
    if at is None or len(args) != len(iterable.args) or len(args) not in (1, 2):
        return None
    if len(args) == 2 and at == {target.value: 1}:
        return _span(facts, args[0], args[1], i)
    if len(args) == 1 and at == {target.value: 1, i: 1} and (width := _linear(facts, args[0])) is not None and _width(width):
        return width, False
    return None


def _inner_loop(facts: Facts, loop: cst.For, i: str, xs: str) -> _Window | None:
    """`s = 0` then `for j in range(i, i + k): s += xs[j]` (or over `xs[i:i + k]`)."""
    body, init = logical_body(loop.body), facts.previous(loop)
    step = body[0] if len(body) == 1 else None
    if not (isinstance(init, cst.Assign) and len(init.targets) == 1 and is_name(init.targets[0].target)
            and code(init.value) == "0" and isinstance(loop.target, cst.Name)):
        return None
    total, item = code(init.targets[0].target), loop.target.value
    added = _added(step, total)
    if added is None or any(not facts.inside(n, loop) for n in facts.names(item)) or total == item:
        return None
    if isinstance(loop.iter, cst.Subscript) and is_name(added, item):
        sliced = loop.iter
        window = _window(facts, cst.Call(func=cst.Name("sum"), args=[cst.Arg(sliced)]), i, xs) if is_name(sliced.value, xs) else None
        first = f"sum({code(sliced)})"
    else:
        span = _positions(facts, loop.target, loop.iter, added, i, xs)
        window = _Window(init.value, "", *span) if span else None
        first = f"sum({code(added)} for {item} in {code(loop.iter)})"
    if window is None:
        return None
    return _Window(init.value, first, window.width, window.ending, (loop,))


def _added(statement: cst.CSTNode | None, total: str) -> cst.BaseExpression | None:
    """`e` in `total += e` or `total = total + e`."""
    if isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign) and is_name(statement.target, total):
        return statement.value
    if (isinstance(statement, cst.Assign) and len(statement.targets) == 1 and is_name(statement.targets[0].target, total)
            and isinstance(statement.value, cst.BinaryOperation) and isinstance(statement.value.operator, cst.Add)
            and is_name(statement.value.left, total)):
        return statement.value.right
    return None


class _Update:
    """`if i == start [or k < 0]: total = <first> else: total += entering - leaving`."""

    def __init__(self, window: _Window, i: str, xs: str, start: str) -> None:
        self.window, self.i, self.xs, self.start = window, i, xs, start

    def __call__(self, total: str) -> str:
        width, i, xs = self.window.width, self.i, self.xs
        literal = set(width) <= {""}
        k = str(width.get("", 0)) if literal else next(iter(width))
        test = f"{i} == {self.start}" if literal else f"{i} == {self.start} or {k} < 0"
        if self.window.ending:
            entering, leaving = f"{i} - 1", _offset(i, -1, k, -1, literal)
        else:
            entering, leaving = _offset(i, 1, k, -1, literal), f"{i} - 1"
        return f"if {test}:\n    {total} = {self.window.first}\nelse:\n    {total} += {xs}[{entering}] - {xs}[{leaving}]"


def _offset(i: str, sign: int, k: str, constant: int, literal: bool) -> str:
    """`i ± k + constant`, folded when `k` is a literal."""
    if literal:
        value = sign * int(k) + constant
        return i if value == 0 else f"{i} + {value}" if value > 0 else f"{i} - {-value}"
    return f"{i} {'+' if sign > 0 else '-'} {k} {'+' if constant > 0 else '-'} {abs(constant)}"
